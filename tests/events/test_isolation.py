"""Events of two tenants with the same ids: every page, feed and endpoint of alpha shows
alpha's events and registrations, never beta's (markers in titles, places, reasons and
names), to every persona."""

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from programmes.events import services
from programmes.events.models import Event, Registration
from tests.conftest import PERSONAS, World, client_for
from tests.events.conftest import make_event, register

SAME_ID = 424242


def _collide(world: World) -> None:
    with tenant_context(world.tenant), connection.cursor() as cursor:
        for table in ("events_event", "events_registration"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)",
                [SAME_ID - 1],
            )


@pytest.fixture
def colliding(alpha: World, beta: World) -> dict[str, str]:
    """Both tenants have event 424242 (upcoming, registered by the partner admin, id
    424242 too) and event 424243 (past, cancelled), all marked; and a calendar link each."""
    secrets = {}
    for world in (alpha, beta):
        _collide(world)
        with tenant_context(world.tenant):
            upcoming = make_event(world, place=f"{world.marker} place")
            past = make_event(
                world,
                days=-2,
                title={"da": f"{world.marker} past", "sv": f"{world.marker} past"},
                cancelled_at=timezone.now(),
                cancellation_reason=f"{world.marker} reason",
            )
            assert (upcoming.pk, past.pk) == (SAME_ID, SAME_ID + 1)
            registration = register(upcoming, world.users["partner_admin"])
            assert registration.pk == SAME_ID
            register(past, world.users["other_partner_member"], attended=True)
            secrets[world.slug] = services.calendar_token_rotate(
                actor=world.users["partner_admin"]
            ).secret
    return secrets


PATHS = [
    "/events/",
    "/events/?past=1",
    f"/events/{SAME_ID}/",
    f"/events/{SAME_ID + 1}/",
    "/events/participation/",
    f"/events/manage/{SAME_ID}/",
    f"/events/manage/{SAME_ID}/cancel/",
    f"/events/manage/{SAME_ID + 1}/attendance/",
    "/my-partnership/events/",
    "/calendar.ics",
    "/api/v1/events/",
    "/api/v1/events/?past=1",
    f"/api/v1/events/{SAME_ID}/",
    f"/api/v1/events/{SAME_ID + 1}/attendance/",
    "/api/v1/events/participation/",
    "/api/v1/events/calendar/",
    "/api/v1/event-registrations/",
    f"/api/v1/event-registrations/{SAME_ID}/",
    "/api/v1/event-registrations/calendar/",
]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("persona", [None, *(persona for persona, _ in PERSONAS)])
def test_alpha_never_shows_betas_events_with_the_same_ids(
    alpha: World,
    beta: World,
    colliding: dict[str, str],
    path: str,
    persona: str | None,
    django_assert_max_num_queries,
) -> None:
    client = client_for(alpha, persona)
    with django_assert_max_num_queries(12):
        response = client.get(path)
    assert response.status_code in {200, 302, 401, 403, 404}
    assert beta.marker.encode() not in response.content
    shows_events = path in {"/events/", f"/events/{SAME_ID}/", "/calendar.ics", "/api/v1/events/"}
    if shows_events and (persona is not None or path == "/calendar.ics"):
        assert response.status_code == 200
        assert alpha.marker.encode() in response.content


def test_personal_feeds_answer_only_on_their_own_host(
    alpha: World, beta: World, colliding: dict[str, str]
) -> None:
    own = client_for(alpha).get(f"/calendar/{colliding['alpha']}.ics")
    assert own.status_code == 200
    assert alpha.marker.encode() in own.content and beta.marker.encode() not in own.content
    assert client_for(alpha).get(f"/calendar/{colliding['beta']}.ics").status_code == 404


def test_writes_on_alpha_never_touch_betas_event_with_the_same_id(
    alpha: World, beta: World, colliding: dict[str, str]
) -> None:
    staff = client_for(alpha, "municipal_staff")
    assert (
        staff.post(f"/events/manage/{SAME_ID}/cancel/", {"reason": "alpha only"}).status_code == 302
    )
    response = client_for(alpha, "partner_admin").post(f"/events/registrations/{SAME_ID}/cancel/")
    assert response.status_code == 302
    with tenant_context(beta.tenant):
        assert Event.objects.get(pk=SAME_ID).cancelled_at is None
        assert Registration.objects.get(pk=SAME_ID).status == "registered"
    with tenant_context(alpha.tenant):
        assert Event.objects.get(pk=SAME_ID).cancelled_at is not None
        assert Registration.objects.get(pk=SAME_ID).status == "cancelled"
