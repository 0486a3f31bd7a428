"""Event pages per persona: the list and each event (register, cancel), the staff pages
(create and edit, cancel, attendance, participation) and the partner's own events page."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from programmes.configuration.models import ActivityKind
from programmes.core.models import AuditEvent
from programmes.events.models import CalendarToken, Event, Registration, RegistrationStatus
from tests.conftest import PERSONAS, World, client_for
from tests.events.conftest import expect_main_events, make_event, register

# The assertions read English messages (both test tenants offer English).
pytestmark = pytest.mark.usefixtures("english_pages")

STAFF = ("municipal_admin", "municipal_staff")
PARTNER_PEOPLE = ("partner_admin", "partner_member", "other_partner_member")
ALL = [None, *(persona for persona, _ in PERSONAS)]


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


def _expected(persona: str | None, allowed: tuple[str, ...]) -> int:
    if persona is None:
        return 302
    return 200 if persona in allowed else 403


@pytest.mark.parametrize("persona", ALL)
@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/events/", STAFF + PARTNER_PEOPLE),
        ("/events/?past=1", STAFF + PARTNER_PEOPLE),
        ("/events/{upcoming}/", STAFF + PARTNER_PEOPLE),
        ("/events/participation/", STAFF),
        ("/events/participation/?year=2020", STAFF),
        ("/events/manage/new/", STAFF),
        ("/events/manage/{upcoming}/", STAFF),
        ("/events/manage/{upcoming}/cancel/", STAFF),
        ("/events/manage/{past}/attendance/", STAFF),
        ("/my-partnership/events/", PARTNER_PEOPLE),
    ],
)
def test_every_page_answers_each_persona_within_its_queries(
    alpha: World,
    events: dict[str, Event],
    persona: str | None,
    path: str,
    allowed: tuple[str, ...],
    django_assert_max_num_queries,
) -> None:
    url = path.format(**{name: event.pk for name, event in events.items()})
    client = client_for(alpha, persona)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == _expected(persona, allowed), (url, persona)
    if response.status_code == 200:
        page = response.content.decode()
        assert page.count("<h1") == 1
        assert "BETA-MARKER" not in page


def test_staff_see_counts_and_unpublished_events_partners_do_not(
    alpha: World, events: dict[str, Event]
) -> None:
    staff = client_for(alpha, "municipal_staff").get("/events/").content.decode()
    assert "ALPHA-MARKER upcoming" in staff and "ALPHA-MARKER hidden" in staff
    assert "1 of 1" in staff  # registered of the places
    assert "/events/manage/new/" in staff
    partner = client_for(alpha, "partner_member").get("/events/").content.decode()
    assert "ALPHA-MARKER upcoming" in partner and "ALPHA-MARKER hidden" not in partner
    assert "ALPHA-MARKER past" not in partner
    assert (
        "ALPHA-MARKER past"
        in client_for(alpha, "partner_member").get("/events/?past=1").content.decode()
    )
    hidden = events["hidden"].pk
    assert client_for(alpha, "partner_member").get(f"/events/{hidden}/").status_code == 404
    assert client_for(alpha, "municipal_staff").get(f"/events/{hidden}/").status_code == 200


def test_a_partner_person_registers_joins_the_waiting_list_and_cancels(
    alpha: World, events: dict[str, Event], django_assert_max_num_queries
) -> None:
    upcoming = events["upcoming"]
    client = client_for(alpha, "partner_member")
    page = client.get(f"/events/{upcoming.pk}/").content.decode()
    assert f'action="/events/{upcoming.pk}/register/"' in page  # full: the waiting list
    with django_assert_max_num_queries(16):
        response = client.post(f"/events/{upcoming.pk}/register/")
    assert response.status_code == 302
    with tenant_context(alpha.tenant):
        mine = Registration.objects.get(user=alpha.users["partner_member"])
        assert (mine.status, mine.position) == (RegistrationStatus.WAITING, 1)
    page = client.get(f"/events/{upcoming.pk}/").content.decode()
    assert f'action="/events/registrations/{mine.pk}/cancel/"' in page
    # Twice is refused with a message, nothing changes.
    client.post(f"/events/{upcoming.pk}/register/")
    with tenant_context(alpha.tenant):
        assert Registration.objects.filter(user=alpha.users["partner_member"]).count() == 1
    # Someone else's registration cannot be cancelled (the same 404 as a missing one).
    with tenant_context(alpha.tenant):
        admins = Registration.objects.get(event=upcoming, user=alpha.users["partner_admin"])
    assert client.post(f"/events/registrations/{admins.pk}/cancel/").status_code == 404
    assert client.post("/events/registrations/999999/cancel/").status_code == 404
    with django_assert_max_num_queries(16):
        assert client.post(f"/events/registrations/{mine.pk}/cancel/").status_code == 302
    with tenant_context(alpha.tenant):
        mine.refresh_from_db()
        assert mine.status == RegistrationStatus.CANCELLED
    # Staff do not register; GET does not register.
    assert (
        client_for(alpha, "municipal_staff").post(f"/events/{upcoming.pk}/register/").status_code
        == 403
    )
    assert client.get(f"/events/{upcoming.pk}/register/").status_code == 405


def test_staff_create_an_event_in_local_time_and_bad_input_creates_nothing(
    alpha: World, django_assert_max_num_queries
) -> None:
    client = client_for(alpha, "municipal_admin")
    client.cookies["django_language"] = "en"
    data = {
        "title__da": "ALPHA-MARKER new event",
        "title__en": "ALPHA-MARKER new event",
        "description__da": "",
        "description__en": "",
        "kind": ActivityKind.NETWORK_MEETING,
        "wheel_activity": "",
        "starts_at": "2031-03-04T15:00",
        "ends_at": "2031-03-04T14:00",
        "place": "Rådhuset",
        "online_url": "",
        "capacity": "-5",
        "published": "on",
    }
    with django_assert_max_num_queries(12):
        response = client.post("/events/manage/new/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_capacity_error"' in page and 'href="#id_capacity"' in page
    data["capacity"] = "30"
    response = client.post("/events/manage/new/", data)
    page = response.content.decode()
    assert 'id="id_ends_at_error"' in page and "end after it starts" in page
    with tenant_context(alpha.tenant):
        assert not Event.objects.exists()
    data["ends_at"] = "2031-03-04T17:00"
    with django_assert_max_num_queries(12):
        response = client.post("/events/manage/new/", data)
    assert response.status_code == 302
    with tenant_context(alpha.tenant):
        event = Event.objects.get()
        local = event.starts_at.astimezone(ZoneInfo("Europe/Copenhagen"))
        assert (local.hour, local.minute) == (15, 0)
        assert event.starts_at == dt.datetime(2031, 3, 4, 14, 0, tzinfo=dt.UTC)
        assert event.capacity == 30 and not event.counts_as_main_event
        assert AuditEvent.objects.filter(action="event.created").count() == 1
    form = client.get(f"/events/manage/{event.pk}/").content.decode()
    assert 'value="2031-03-04T15:00"' in form


def test_staff_cancel_an_event_with_a_reason(alpha: World, events: dict[str, Event]) -> None:
    upcoming = events["upcoming"]
    client = client_for(alpha, "municipal_staff")
    client.cookies["django_language"] = "en"
    page = client.post(f"/events/manage/{upcoming.pk}/cancel/", {"reason": ""}).content.decode()
    assert 'id="id_reason_error"' in page
    response = client.post(f"/events/manage/{upcoming.pk}/cancel/", {"reason": "ALPHA-MARKER x"})
    assert response.status_code == 302
    with tenant_context(alpha.tenant):
        upcoming.refresh_from_db()
        assert upcoming.is_cancelled and upcoming.cancellation_reason == "ALPHA-MARKER x"
    assert client.get(f"/events/manage/{upcoming.pk}/cancel/").status_code == 404
    assert client.get(f"/events/manage/{upcoming.pk}/").status_code == 404
    detail = client.get(f"/events/{upcoming.pk}/").content.decode()
    assert "ALPHA-MARKER x" in detail


def test_staff_take_attendance_with_a_checkbox_per_registration(
    alpha: World, events: dict[str, Event], django_assert_max_num_queries
) -> None:
    past = events["past"]
    with tenant_context(alpha.tenant):
        ids = dict(Registration.objects.filter(event=past).values_list("user__email", "pk"))
    admin_id = ids[alpha.email("partner_admin")]
    other_id = ids[alpha.email("other_partner_member")]
    client = client_for(alpha, "municipal_staff")
    page = client.get(f"/events/manage/{past.pk}/attendance/").content.decode()
    assert f'id="id_attended_{admin_id}" checked' in page
    assert f'<label for="id_attended_{other_id}">' in page
    with django_assert_max_num_queries(14):
        response = client.post(f"/events/manage/{past.pk}/attendance/", {"attended": [other_id]})
    assert response.status_code == 302
    with tenant_context(alpha.tenant):
        attended = dict(Registration.objects.filter(event=past).values_list("pk", "attended"))
    assert attended == {admin_id: False, other_id: True}
    # Before the event starts there is nothing to tick.
    upcoming = events["upcoming"]
    page = client.get(f"/events/manage/{upcoming.pk}/attendance/").content.decode()
    assert "disabled" in page
    response = client.post(f"/events/manage/{upcoming.pk}/attendance/", {"attended": []})
    assert response.status_code == 200


def test_participation_shows_attended_of_expected(alpha: World, events: dict[str, Event]) -> None:
    year = events["past"].starts_at.astimezone(ZoneInfo("Europe/Copenhagen")).year
    page = (
        client_for(alpha, "municipal_staff")
        .get(f"/events/participation/?year={year}")
        .content.decode()
    )
    assert "ALPHA-MARKER partner" in page and "1 of 4" in page and "0 of 4" in page
    assert "<caption>" in page and 'scope="row"' in page


def test_the_partner_page_shows_its_registrations_participation_and_calendar_link(
    alpha: World, events: dict[str, Event], django_assert_max_num_queries
) -> None:
    client = client_for(alpha, "partner_member")
    client.cookies["django_language"] = "en"
    page = client.get("/my-partnership/events/").content.decode()
    assert "ALPHA-MARKER upcoming" in page and "ALPHA-MARKER past" in page  # colleague's
    assert "attended 1 of 4 main events" in page
    assert "/calendar.ics" in page and "/calendar/" not in page.replace("/calendar.ics", "")
    with django_assert_max_num_queries(12):
        response = client.post("/my-partnership/events/calendar-link/")
    assert response.status_code == 302
    with tenant_context(alpha.tenant):
        secret = CalendarToken.objects.get(user=alpha.users["partner_member"]).secret
    page = client.get("/my-partnership/events/").content.decode()
    assert f"/calendar/{secret}.ics" in page
    other = client_for(alpha, "other_partner_member").get("/my-partnership/events/")
    assert "ALPHA-MARKER upcoming" not in other.content.decode()
    assert "attended 0 of 4" in other.content.decode()


def test_a_started_event_offers_no_registration(alpha: World, events: dict[str, Event]) -> None:
    with tenant_context(alpha.tenant):
        started = make_event(alpha, title={"da": "ALPHA-MARKER started"}, days=-0.01)
    page = client_for(alpha, "partner_member").get(f"/events/{started.pk}/").content.decode()
    assert "/register/" not in page
    assert timezone.now() > started.starts_at
