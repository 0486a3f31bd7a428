"""Announcements of two tenants with the same ids: every page and endpoint of alpha shows
alpha's, never beta's, to every persona (markers in titles and texts)."""

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from programmes.communication.models import Announcement, InboxItem
from programmes.partners.models import Partner
from tests.communication.conftest import announcement
from tests.conftest import PERSONAS, World, client_for

SAME_ID = 424242


@pytest.fixture
def colliding(alpha: World, beta: World) -> None:
    """In both tenants: announcement 424241 sent to the first partner (inbox item 424241)
    and draft 424242, marked with the tenant's marker."""
    for world in (alpha, beta):
        with tenant_context(world.tenant), connection.cursor() as cursor:
            for table in ("communication_announcement", "communication_inboxitem"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)",
                    [SAME_ID - 2],
                )
        with tenant_context(world.tenant):
            sent = announcement(world, status="sent", sent_at=timezone.now())
            item = InboxItem.objects.create(
                announcement=sent, partner=Partner.objects.get(name=f"{world.marker} partner")
            )
            draft = announcement(world)
            assert (sent.pk, item.pk, draft.pk) == (SAME_ID - 1, SAME_ID - 1, SAME_ID)


PATHS = [
    "/announcements/",
    f"/announcements/{SAME_ID - 1}/",
    f"/announcements/{SAME_ID}/",
    f"/announcements/{SAME_ID}/delete/",
    "/my-partnership/inbox/",
    f"/my-partnership/inbox/{SAME_ID - 1}/",
    "/my-partnership/notifications/",
    "/api/v1/announcements/",
    f"/api/v1/announcements/{SAME_ID - 1}/",
    f"/api/v1/announcements/{SAME_ID}/recipients/",
    "/api/v1/inbox/",
    f"/api/v1/inbox/{SAME_ID - 1}/",
    "/api/v1/notification-preferences/",
]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("persona", [None, *(persona for persona, _ in PERSONAS)])
def test_alpha_never_shows_betas_announcement_with_the_same_id(
    alpha: World,
    beta: World,
    colliding: None,
    path: str,
    persona: str | None,
    django_assert_max_num_queries,
) -> None:
    client = client_for(alpha, persona)
    with django_assert_max_num_queries(14):
        response = client.get(path)
    assert response.status_code in {200, 302, 401, 403, 404}
    assert beta.marker.encode() not in response.content
    staff = persona in {"municipal_admin", "municipal_staff"}
    readers = {"partner_admin", "partner_member"}
    if (staff and "announcements" in path) or (persona in readers and "inbox" in path):
        assert response.status_code == 200
        assert alpha.marker.encode() in response.content


def test_sending_in_beta_touches_nothing_in_alpha(
    alpha: World, beta: World, colliding: None, django_capture_on_commit_callbacks
) -> None:
    from programmes.communication import services

    with tenant_context(beta.tenant), django_capture_on_commit_callbacks(execute=True):
        services.announcement_send(
            actor=beta.users["municipal_staff"], announcement=Announcement.objects.get(pk=SAME_ID)
        )
    with tenant_context(alpha.tenant):
        assert Announcement.objects.get(pk=SAME_ID).status == "draft"
        assert not InboxItem.objects.filter(announcement_id=SAME_ID).exists()
    with tenant_context(beta.tenant):
        assert InboxItem.objects.filter(announcement_id=SAME_ID).count() == 2
