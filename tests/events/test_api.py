"""/api/v1/events/ and /api/v1/event-registrations/ per persona: staff read and write
events, take attendance and see everyone's participation; a partner's people read the
published events, register themselves, cancel their own and see their partner's
participation; bad input changes nothing."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from programmes.events.models import Event, Registration, RegistrationStatus
from tests.conftest import PERSONAS, World, client_for
from tests.events.conftest import expect_main_events, make_event, register

STAFF = {"municipal_admin", "municipal_staff"}
PARTNER_PEOPLE = {"partner_admin", "partner_member", "other_partner_member"}


@pytest.fixture
def events(alpha: World) -> dict[str, Event]:
    with tenant_context(alpha.tenant):
        expect_main_events(4)
        upcoming = make_event(alpha, title={"da": "ALPHA-MARKER upcoming"}, capacity=1)
        past = make_event(alpha, title={"da": "ALPHA-MARKER past"}, days=-3)
        hidden = make_event(alpha, title={"da": "ALPHA-MARKER hidden"}, published=False)
        register(upcoming, alpha.users["partner_admin"])
        register(past, alpha.users["partner_admin"], attended=True)
        register(past, alpha.users["other_partner_member"])
        return {"upcoming": upcoming, "past": past, "hidden": hidden}


def _titles(response) -> set[str]:  # type: ignore[no-untyped-def]
    return {row["title_text"] for row in response.json()["results"]}


@pytest.mark.parametrize("persona", [None, *(persona for persona, _ in PERSONAS)])
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/events/",
        "/api/v1/events/?past=1",
        "/api/v1/events/{upcoming}/",
        "/api/v1/events/{hidden}/",
        "/api/v1/events/{past}/attendance/",
        "/api/v1/events/participation/",
        "/api/v1/events/calendar/",
        "/api/v1/event-registrations/",
        "/api/v1/event-registrations/?event={past}",
        "/api/v1/event-registrations/calendar/",
        "/api/v1/event-registrations/calendar-link/",
    ],
)
def test_every_endpoint_answers_each_persona_within_its_queries(
    alpha: World,
    events: dict[str, Event],
    persona: str | None,
    path: str,
    django_assert_max_num_queries,
) -> None:
    url = path.format(**{name: event.pk for name, event in events.items()})
    client = client_for(alpha, persona)
    with django_assert_max_num_queries(10):
        response = client.get(url)
    if path == "/api/v1/events/calendar/":
        assert response.status_code == 200
    elif persona is None:
        assert response.status_code in {401, 403}
    elif "attendance" in path:
        assert response.status_code == (200 if persona in STAFF else 403)
    elif path == "/api/v1/events/{hidden}/":
        assert response.status_code == (200 if persona in STAFF else 404)
    else:
        assert response.status_code == 200, (url, persona, response.content)
    assert b"BETA-MARKER" not in response.content


def test_partners_see_published_events_with_their_own_registration(
    alpha: World, events: dict[str, Event]
) -> None:
    staff = client_for(alpha, "municipal_staff").get("/api/v1/events/")
    assert _titles(staff) == {"ALPHA-MARKER upcoming", "ALPHA-MARKER hidden"}
    row = next(r for r in staff.json()["results"] if r["id"] == events["upcoming"].pk)
    assert (row["registered_count"], row["waiting_count"], row["capacity"]) == (1, 0, 1)
    admin = client_for(alpha, "partner_admin").get("/api/v1/events/").json()["results"]
    assert [(r["title_text"], r["my_status"]) for r in admin] == [
        ("ALPHA-MARKER upcoming", "registered")
    ]
    past = client_for(alpha, "partner_member").get("/api/v1/events/?past=1")
    assert _titles(past) == {"ALPHA-MARKER past"}


def test_staff_create_and_edit_events_and_bad_input_changes_nothing(
    alpha: World, events: dict[str, Event], django_assert_max_num_queries
) -> None:
    client = client_for(alpha, "municipal_staff")
    starts = timezone.now() + dt.timedelta(days=10)
    body = {
        "title": {"da": "ALPHA-MARKER api"},
        "kind": "training",
        "starts_at": starts.isoformat(),
        "ends_at": (starts - dt.timedelta(hours=1)).isoformat(),
        "place": "Rådhuset",
        "capacity": -1,
    }
    response = client.post("/api/v1/events/", body, content_type="application/json")
    assert response.status_code == 400
    assert "capacity" in response.json()
    body["capacity"] = 20
    response = client.post("/api/v1/events/", body, content_type="application/json")
    assert response.status_code == 400 and "ends_at" in response.json()
    with tenant_context(alpha.tenant):
        assert Event.objects.count() == 3
    body["ends_at"] = (starts + dt.timedelta(hours=2)).isoformat()
    with django_assert_max_num_queries(12):
        response = client.post("/api/v1/events/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["capacity"] == 20 and created["counts_as_main_event"] is False
    url = f"/api/v1/events/{created['id']}/"
    response = client.patch(url, {"capacity": 0}, content_type="application/json")
    assert response.status_code == 400
    response = client.patch(url, {"place": "Biblioteket"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["place"] == "Biblioteket"
    for persona in ("partner_admin", "partner_member"):
        refused = client_for(alpha, persona).post(
            "/api/v1/events/", body, content_type="application/json"
        )
        assert refused.status_code == 403
    with tenant_context(alpha.tenant):
        assert Event.objects.count() == 4


def test_registering_cancelling_and_the_waiting_list_through_the_api(
    alpha: World, events: dict[str, Event], django_assert_max_num_queries
) -> None:
    upcoming = events["upcoming"]
    member = client_for(alpha, "partner_member")
    with django_assert_max_num_queries(17):
        response = member.post(f"/api/v1/events/{upcoming.pk}/register/")
    assert response.status_code == 201
    assert (response.json()["status"], response.json()["position"]) == ("waiting", 1)
    again = member.post(
        "/api/v1/event-registrations/", {"event": upcoming.pk}, content_type="application/json"
    )
    assert again.status_code == 400
    other = client_for(alpha, "other_partner_member").post(
        "/api/v1/event-registrations/", {"event": upcoming.pk}, content_type="application/json"
    )
    assert other.status_code == 201 and other.json()["position"] == 2
    staff = client_for(alpha, "municipal_staff")
    refused = staff.post(f"/api/v1/events/{upcoming.pk}/register/")
    assert refused.status_code == 403
    hidden = member.post(f"/api/v1/events/{events['hidden'].pk}/register/")
    assert hidden.status_code == 404
    # The partner admin gives up the place: the member moves up.
    with tenant_context(alpha.tenant):
        admins = Registration.objects.get(event=upcoming, user=alpha.users["partner_admin"])
    assert member.post(f"/api/v1/event-registrations/{admins.pk}/cancel/").status_code == 403
    response = client_for(alpha, "partner_admin").post(
        f"/api/v1/event-registrations/{admins.pk}/cancel/"
    )
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    with tenant_context(alpha.tenant):
        statuses = dict(
            Registration.objects.filter(event=upcoming).values_list("user__email", "status")
        )
    assert statuses[alpha.email("partner_member")] == RegistrationStatus.REGISTERED
    assert statuses[alpha.email("other_partner_member")] == RegistrationStatus.WAITING
    # A partner's people see their partner's registrations only.
    mine = member.get("/api/v1/event-registrations/").json()["results"]
    assert {row["partner_name"] for row in mine} == {"ALPHA-MARKER partner"}


def test_staff_cancel_events_and_take_attendance(
    alpha: World, events: dict[str, Event], django_assert_max_num_queries
) -> None:
    staff = client_for(alpha, "municipal_staff")
    upcoming, past = events["upcoming"], events["past"]
    assert staff.post(f"/api/v1/events/{upcoming.pk}/cancel/", {}).status_code == 400
    assert (
        client_for(alpha, "partner_admin")
        .post(f"/api/v1/events/{upcoming.pk}/cancel/", {"reason": "x"})
        .status_code
        == 403
    )
    response = staff.post(f"/api/v1/events/{upcoming.pk}/cancel/", {"reason": "ALPHA-MARKER"})
    assert response.status_code == 200 and response.json()["cancelled"] is True
    rows = staff.get(f"/api/v1/events/{past.pk}/attendance/").json()
    attended = {row["email"]: row["attended"] for row in rows}
    assert attended == {
        alpha.email("partner_admin"): True,
        alpha.email("other_partner_member"): False,
    }
    other_id = next(r["id"] for r in rows if r["email"] == alpha.email("other_partner_member"))
    with django_assert_max_num_queries(12):
        response = staff.post(
            f"/api/v1/events/{past.pk}/attendance/",
            {"attended": [other_id]},
            content_type="application/json",
        )
    assert response.status_code == 200
    assert {r["email"]: r["attended"] for r in response.json()} == {
        alpha.email("partner_admin"): False,
        alpha.email("other_partner_member"): True,
    }
    bad = staff.post(
        f"/api/v1/events/{past.pk}/attendance/",
        {"attended": [999999]},
        content_type="application/json",
    )
    assert bad.status_code == 400
    with tenant_context(alpha.tenant):
        assert Registration.objects.filter(event=past, attended=True).count() == 1


def test_participation_staff_see_everyone_partners_their_own(
    alpha: World, events: dict[str, Event]
) -> None:
    year = timezone.localtime(events["past"].starts_at).year
    staff = client_for(alpha, "municipal_staff").get(f"/api/v1/events/participation/?year={year}")
    rows = {row["partner_name"]: row for row in staff.json()}
    assert rows["ALPHA-MARKER partner"]["attended"] == 1
    assert rows["ALPHA-MARKER partner"]["expected"] == 4
    assert rows["ALPHA-MARKER other partner"]["attended"] == 0
    own = client_for(alpha, "partner_member").get(f"/api/v1/events/participation/?year={year}")
    assert [row["partner_name"] for row in own.json()] == ["ALPHA-MARKER partner"]


def test_the_calendar_link_is_made_and_renewed(alpha: World) -> None:
    client = client_for(alpha, "partner_member")
    assert client.get("/api/v1/event-registrations/calendar-link/").json() == {"url": None}
    first = client.post("/api/v1/event-registrations/calendar-link/").json()["url"]
    assert first.startswith("http://alpha.localhost") and first.endswith(".ics")
    assert client.get("/api/v1/event-registrations/calendar-link/").json()["url"] == first
    second = client.post("/api/v1/event-registrations/calendar-link/").json()["url"]
    assert second != first
    path = second.split("alpha.localhost", 1)[1]
    assert client_for(alpha).get(path).status_code == 200


@pytest.mark.parametrize("year", ["0", "99999", "²", "soon"])
def test_a_bad_participation_year_is_a_clear_error(alpha: World, year: str) -> None:
    response = client_for(alpha, "municipal_staff").get(
        f"/api/v1/events/participation/?year={year}"
    )
    assert response.status_code == 400 and "year" in response.json()
