"""The staff pages (list, write, preview, send), the partner's inbox and its e-mail
preferences: who may open them, accessible markup, and a fixed number of queries."""

import re

import pytest
from django.core import mail
from django.utils import timezone
from django_tenants.utils import tenant_context

from programmes.communication.models import (
    Announcement,
    AnnouncementStatus,
    InboxItem,
    NotificationPreference,
)
from programmes.partners.models import Partner
from tests.communication.conftest import announcement, make_partner
from tests.conftest import World, client_for

STAFF = ("municipal_admin", "municipal_staff")
PARTNER_PEOPLE = ("partner_admin", "partner_member", "other_partner_member")


def _sent(world: World, count: int, **fields: object) -> list[Announcement]:
    """``count`` sent announcements in every partner's inbox (call in the tenant)."""
    rows = []
    partners = list(Partner.objects.all())
    for number in range(count):
        row = announcement(
            world,
            title={"da": f"{world.marker} news {number}", "en": f"{world.marker} en {number}"},
            status=AnnouncementStatus.SENT,
            sent_at=timezone.now(),
            **fields,
        )
        InboxItem.objects.bulk_create([InboxItem(announcement=row, partner=p) for p in partners])
        rows.append(row)
    return rows


def _accessible(html: str) -> None:
    assert html.count("<h1") == 1
    for table in re.findall(r"<table>.*?</table>", html, flags=re.S):
        assert "<caption" in table
        assert "<th>" not in table  # every header cell has a scope


@pytest.mark.parametrize("persona", STAFF)
def test_staff_list_announcements_in_a_fixed_number_of_queries(
    alpha: World, persona: str, django_assert_max_num_queries
) -> None:
    with tenant_context(alpha.tenant):
        for _ in range(3):
            make_partner("ALPHA-MARKER more")
        _sent(alpha, 12)
        announcement(alpha, title={"da": "ALPHA-MARKER draft"}, created_by=alpha.users[persona])
    client = client_for(alpha, persona)
    with django_assert_max_num_queries(6):
        response = client.get("/announcements/")
    html = response.content.decode()
    assert response.status_code == 200
    _accessible(html)
    assert "ALPHA-MARKER news 11" in html and "ALPHA-MARKER draft" in html
    assert "BETA-MARKER" not in html


@pytest.mark.parametrize("persona", PARTNER_PEOPLE)
def test_partner_people_cannot_open_the_staff_pages(alpha: World, persona: str) -> None:
    with tenant_context(alpha.tenant):
        draft = announcement(alpha)
    client = client_for(alpha, persona)
    for path in ("/announcements/", "/announcements/new/", f"/announcements/{draft.pk}/"):
        assert client.get(path).status_code == 403
    assert client.post(f"/announcements/{draft.pk}/send/").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(alpha: World) -> None:
    client = client_for(alpha)
    for path in ("/announcements/", "/my-partnership/inbox/", "/my-partnership/notifications/"):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def _form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title__da": "Udbud af ladestandere",
        "title__en": "Charging points tender",
        "body__da": "Kommunen udbyder ladestandere.",
        "body__en": "The municipality tenders charging points.",
        "category": "procurement",
        "stages": ["active"],
        "sectors": ["services"],
    }
    data.update(overrides)
    return data


@pytest.mark.usefixtures("english_pages")  # reads English messages
def test_staff_write_preview_and_send_an_announcement(
    alpha: World, django_capture_on_commit_callbacks, django_assert_max_num_queries
) -> None:
    client = client_for(alpha, "municipal_staff")
    new = client.get("/announcements/new/")
    assert new.status_code == 200
    html = new.content.decode()
    _accessible(html)
    assert 'lang="da"' in html and 'lang="en"' in html
    response = client.post("/announcements/new/", _form())
    assert response.status_code == 302
    with tenant_context(alpha.tenant):
        draft = Announcement.objects.get()
    assert draft.segment == {"stages": ["active"], "sectors": ["services"]}
    assert draft.created_by_id == alpha.users["municipal_staff"].pk
    with django_assert_max_num_queries(12):
        page = client.get(response["Location"])
    html = page.content.decode()
    _accessible(html)
    assert "ALPHA-MARKER partner" in html and "ALPHA-MARKER other partner" in html
    assert re.search(r'id="recipient-count">\s*2 partners, 3 e-mail addresses', html), html
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"/announcements/{draft.pk}/send/", {"send_at": ""})
    assert sent.status_code == 302
    with tenant_context(alpha.tenant):
        draft.refresh_from_db()
        assert draft.status == AnnouncementStatus.SENT
        assert InboxItem.objects.filter(announcement=draft).count() == 2
    assert len(mail.outbox) == 3
    after = client.get(f"/announcements/{draft.pk}/")
    html = after.content.decode()
    assert after.status_code == 200
    _accessible(html)
    assert "Udbud af ladestandere" in html or "Charging points tender" in html
    assert 'action="/announcements/' not in html  # sent: no more editing or sending


def test_a_scheduled_time_is_read_in_the_tenants_time_zone(
    alpha: World, django_capture_on_commit_callbacks
) -> None:
    with tenant_context(alpha.tenant):
        draft = announcement(alpha)
    client = client_for(alpha, "municipal_admin")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/announcements/{draft.pk}/send/", {"send_at": "2099-06-01T09:30"})
    with tenant_context(alpha.tenant):
        draft.refresh_from_db()
    assert draft.status == AnnouncementStatus.SCHEDULED
    assert draft.send_at.isoformat() == "2099-06-01T07:30:00+00:00"  # Copenhagen summer time
    assert mail.outbox == []


@pytest.mark.parametrize(
    "overrides",
    [{"title__da": ""}, {"body__da": " "}, {"tiers": ["987654"]}, {"stages": ["ended"]}],
)
def test_a_bad_form_changes_nothing(alpha: World, overrides: dict) -> None:
    client = client_for(alpha, "municipal_staff")
    response = client.post("/announcements/new/", _form(**overrides))
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    with tenant_context(alpha.tenant):
        assert not Announcement.objects.exists()


def test_a_draft_is_deleted_after_confirmation(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        draft = announcement(alpha)
    client = client_for(alpha, "municipal_admin")
    assert client.get(f"/announcements/{draft.pk}/delete/").status_code == 200
    assert client.post(f"/announcements/{draft.pk}/delete/").status_code == 302
    with tenant_context(alpha.tenant):
        assert not Announcement.objects.exists()


# --- The partner's inbox ----------------------------------------------------------------


@pytest.mark.parametrize("persona", ["partner_admin", "partner_member"])
def test_the_inbox_lists_the_partners_items_in_a_fixed_number_of_queries(
    alpha: World, persona: str, django_assert_max_num_queries
) -> None:
    with tenant_context(alpha.tenant):
        _sent(alpha, 15)
        announcement(alpha, title={"da": "ALPHA-MARKER unsent draft"})
        other_only = announcement(
            alpha, title={"da": "ALPHA-MARKER for the other partner"}, status="sent"
        )
        InboxItem.objects.create(
            announcement=other_only, partner=Partner.objects.get(name="ALPHA-MARKER other partner")
        )
    client = client_for(alpha, persona)
    with django_assert_max_num_queries(7):
        response = client.get("/my-partnership/inbox/")
    html = response.content.decode()
    assert response.status_code == 200
    _accessible(html)
    assert "ALPHA-MARKER news 14" in html
    assert response.context["unread"] == 15
    assert "unsent draft" not in html and "for the other partner" not in html


@pytest.mark.usefixtures("english_pages")  # reads English messages
def test_opening_an_item_marks_it_read_and_it_can_be_marked_unread(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        [row] = _sent(alpha, 1, body={"da": "ALPHA-MARKER line one\nline two"})
        item = InboxItem.objects.get(announcement=row, partner__name="ALPHA-MARKER partner")
    client = client_for(alpha, "partner_member")
    page = client.get(f"/my-partnership/inbox/{item.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    _accessible(html)
    assert "ALPHA-MARKER line one<br>line two" in html
    with tenant_context(alpha.tenant):
        item.refresh_from_db()
        assert item.read_at is not None
    # Read for the whole partner: the admin sees it read too.
    assert (
        "0 unread announcements"
        in client_for(alpha, "partner_admin").get("/my-partnership/inbox/").content.decode()
    )
    assert client.post(f"/my-partnership/inbox/{item.pk}/", {"read": "0"}).status_code == 302
    with tenant_context(alpha.tenant):
        item.refresh_from_db()
        assert item.read_at is None


def test_another_partners_item_is_404(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        [row] = _sent(alpha, 1)
        item = InboxItem.objects.get(announcement=row, partner__name="ALPHA-MARKER partner")
    client = client_for(alpha, "other_partner_member")
    assert client.get(f"/my-partnership/inbox/{item.pk}/").status_code == 404
    assert client.post(f"/my-partnership/inbox/{item.pk}/", {"read": "1"}).status_code == 404
    with tenant_context(alpha.tenant):
        item.refresh_from_db()
        assert item.read_at is None


@pytest.mark.parametrize("persona", STAFF)
def test_staff_have_no_inbox(alpha: World, persona: str) -> None:
    assert client_for(alpha, persona).get("/my-partnership/inbox/").status_code == 403


def test_a_partner_member_chooses_the_newsletters_they_get(alpha: World) -> None:
    client = client_for(alpha, "partner_member")
    page = client.get("/my-partnership/notifications/")
    assert page.status_code == 200
    _accessible(page.content.decode())
    response = client.post(
        "/my-partnership/notifications/", {"categories": ["procurement", "training"]}
    )
    assert response.status_code == 302
    with tenant_context(alpha.tenant):
        preference = NotificationPreference.objects.get(email=alpha.email("partner_member"))
    assert sorted(preference.categories_off) == ["event", "news", "other"]
    assert preference.user_id == alpha.users["partner_member"].pk
    assert not preference.newsletters_off
