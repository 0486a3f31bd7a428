"""The announcements API: staff write, preview and send; a partner's people read their
inbox and mark items read; everyone keeps their own e-mail preferences."""

import pytest
from django.core import mail
from django_tenants.utils import tenant_context

from programmes.communication.models import Announcement, AnnouncementStatus, InboxItem
from programmes.configuration.models import Tier
from tests.communication.conftest import announcement
from tests.conftest import World, client_for

DRAFT = {
    "title": {"da": "Kursus i klimaregnskab", "en": "Climate accounting course"},
    "body": {"da": "Tilmeld dig.", "en": "Sign up."},
    "category": "training",
    "segment": {"stages": ["active"]},
}


@pytest.mark.parametrize("persona", ["municipal_admin", "municipal_staff"])
def test_staff_write_preview_and_send_through_the_api(
    alpha: World, persona: str, django_capture_on_commit_callbacks, django_assert_max_num_queries
) -> None:
    client = client_for(alpha, persona)
    created = client.post("/api/v1/announcements/", DRAFT, content_type="application/json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["status"] == "draft" and data["segment"] == {"stages": ["active"]}
    pk = data["id"]
    changed = client.patch(
        f"/api/v1/announcements/{pk}/", {"category": "event"}, content_type="application/json"
    )
    assert changed.status_code == 200 and changed.json()["category"] == "event"
    with django_assert_max_num_queries(8):
        recipients = client.get(f"/api/v1/announcements/{pk}/recipients/")
    assert recipients.json()["partners"] == 2 and recipients.json()["addresses"] == 3
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"/api/v1/announcements/{pk}/send/", {}, content_type="application/json")
    assert sent.status_code == 200, sent.json()
    assert sent.json()["status"] == "scheduled"  # the worker sends once the request commits
    delivered = client.get(f"/api/v1/announcements/{pk}/").json()
    assert delivered["status"] == "sent" and delivered["reached"] == 2
    assert len(mail.outbox) == 3
    assert client.delete(f"/api/v1/announcements/{pk}/").status_code == 400  # sent: it stays
    with django_assert_max_num_queries(6):
        listed = client.get("/api/v1/announcements/?status=sent")
    assert [row["id"] for row in listed.json()["results"]] == [pk]


def test_the_segment_preview_counts_before_saving(alpha: World) -> None:
    client = client_for(alpha, "municipal_staff")
    response = client.post(
        "/api/v1/announcements/recipients-preview/",
        {"segment": {"sectors": ["services"]}, "category": "news"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["partners"] == 2
    assert {p["name"] for p in response.json()["sample"]} == {
        "ALPHA-MARKER partner",
        "ALPHA-MARKER other partner",
    }
    unknown = client.post(
        "/api/v1/announcements/recipients-preview/",
        {"segment": {"tiers": [987654]}},
        content_type="application/json",
    )
    assert unknown.status_code == 400 and "segment" in unknown.json()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": {"en": "English only"}}, "title"),
        ({"segment": {"tiers": [987654]}}, "segment"),
        ({"segment": {"sectors": ["mining"]}}, "segment"),
        ({"category": "gossip"}, "category"),
    ],
)
def test_bad_input_gives_400_by_field_and_changes_nothing(
    alpha: World, changes: dict, field: str
) -> None:
    client = client_for(alpha, "municipal_staff")
    response = client.post(
        "/api/v1/announcements/", {**DRAFT, **changes}, content_type="application/json"
    )
    assert response.status_code == 400 and field in response.json()
    with tenant_context(alpha.tenant):
        assert not Announcement.objects.exists()


def test_a_known_tier_is_accepted(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        tier = Tier.objects.create(name={"da": "Guld"})
    response = client_for(alpha, "municipal_staff").post(
        "/api/v1/announcements/",
        {**DRAFT, "segment": {"tiers": [tier.pk]}},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["segment"] == {"tiers": [tier.pk]}


@pytest.mark.parametrize("persona", ["partner_admin", "partner_member", "other_partner_member"])
def test_partner_people_cannot_use_the_announcements_endpoints(alpha: World, persona: str) -> None:
    with tenant_context(alpha.tenant):
        draft = announcement(alpha)
    client = client_for(alpha, persona)
    assert client.get("/api/v1/announcements/").status_code == 403
    assert (
        client.post("/api/v1/announcements/", DRAFT, content_type="application/json").status_code
        == 403
    )
    assert client.post(f"/api/v1/announcements/{draft.pk}/send/").status_code == 403
    with tenant_context(alpha.tenant):
        draft.refresh_from_db()
        assert draft.status == AnnouncementStatus.DRAFT


def test_anonymous_callers_get_401(alpha: World) -> None:
    client = client_for(alpha)
    for path in ("/api/v1/announcements/", "/api/v1/inbox/", "/api/v1/notification-preferences/"):
        assert client.get(path).status_code == 401


def test_a_partners_people_read_their_inbox_and_mark_items_read(
    alpha: World, django_capture_on_commit_callbacks, django_assert_max_num_queries
) -> None:
    with tenant_context(alpha.tenant):
        first = announcement(alpha, title={"da": "ALPHA-MARKER first"})
        second = announcement(alpha, title={"da": "ALPHA-MARKER second"}, essential=True)
    staff = client_for(alpha, "municipal_staff")
    with django_capture_on_commit_callbacks(execute=True):
        for row in (first, second):
            staff.post(f"/api/v1/announcements/{row.pk}/send/")
    member = client_for(alpha, "partner_member")
    with django_assert_max_num_queries(7):
        listed = member.get("/api/v1/inbox/")
    rows = listed.json()["results"]
    assert [row["title"] for row in rows] == ["ALPHA-MARKER second", "ALPHA-MARKER first"]
    assert rows[0]["essential"] is True and rows[0]["read_at"] is None
    read = member.post(f"/api/v1/inbox/{rows[1]['id']}/read/", {}, content_type="application/json")
    assert read.status_code == 200 and read.json()["read_at"] is not None
    unread = client_for(alpha, "partner_admin").get("/api/v1/inbox/?unread=1").json()
    assert [row["title"] for row in unread["results"]] == ["ALPHA-MARKER second"]
    again = member.post(
        f"/api/v1/inbox/{rows[1]['id']}/read/", {"read": False}, content_type="application/json"
    )
    assert again.json()["read_at"] is None
    # Another partner's member neither sees nor marks these.
    other = client_for(alpha, "other_partner_member")
    assert other.get(f"/api/v1/inbox/{rows[0]['id']}/").status_code == 404
    assert other.post(f"/api/v1/inbox/{rows[0]['id']}/read/").status_code == 404
    with tenant_context(alpha.tenant):
        assert InboxItem.objects.filter(read_at__isnull=False).count() == 0
    assert staff.get("/api/v1/inbox/").json()["results"] == []


def test_everyone_keeps_their_own_preferences(alpha: World) -> None:
    client = client_for(alpha, "partner_admin")
    assert client.get("/api/v1/notification-preferences/").json() == {
        "email": alpha.email("partner_admin"),
        "categories_off": [],
        "newsletters_off": False,
        "updated_at": None,
    }
    saved = client.post(
        "/api/v1/notification-preferences/",
        {"categories_off": ["news", "event"], "email": "someone@else.example"},
        content_type="application/json",
    )
    assert saved.status_code == 200
    assert saved.json()["email"] == alpha.email("partner_admin")  # always one's own
    assert saved.json()["categories_off"] == ["event", "news"]
    bad = client.post(
        "/api/v1/notification-preferences/",
        {"categories_off": ["gossip"]},
        content_type="application/json",
    )
    assert bad.status_code == 400
    member = client_for(alpha, "partner_member").get("/api/v1/notification-preferences/")
    assert member.json()["categories_off"] == []
