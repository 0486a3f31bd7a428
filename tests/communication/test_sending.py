"""Sending: the worker delivers an announcement to the inbox of every partner in its segment
and e-mails the partners' people in their language, once per address (keyed), with the
tenant's sender name; newsletters respect preferences and carry one-click unsubscribe
headers; service messages reach everyone. Bad input changes nothing."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_tenants.utils import tenant_context

from programmes.communication import services, tasks
from programmes.communication.models import (
    Announcement,
    AnnouncementStatus,
    InboxItem,
    NotificationPreference,
)
from programmes.core.models import AuditEvent, SentMail
from programmes.partners.models import Stage
from programmes.people.models import User
from tests.communication.conftest import announcement, make_partner
from tests.conftest import World


def _send(world: World, draft: Announcement, capture, **kwargs: object) -> Announcement:
    """Send through the service; the worker's tasks run (eagerly) once it commits."""
    with tenant_context(world.tenant), capture(execute=True):
        services.announcement_send(
            actor=world.users["municipal_staff"], announcement=draft, **kwargs
        )
    with tenant_context(world.tenant):
        draft.refresh_from_db()
    return draft


def _to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]


@pytest.fixture
def audience(alpha: World) -> dict[str, str]:
    """Alpha's partners: its two (tests/conftest.py), one imported partner without accounts
    (English, a main contact), one that ended (with a contact). The partner member reads
    English."""
    with tenant_context(alpha.tenant):
        User.objects.filter(email=alpha.email("partner_member")).update(language="en")
        make_partner("ALPHA-MARKER imported", language="en", contact="Main@Imported.example")
        make_partner("ALPHA-MARKER ended", stage=Stage.ENDED, contact="main@ended.example")
    return {
        "admin": alpha.email("partner_admin"),
        "member": alpha.email("partner_member"),
        "other": alpha.email("other_partner_member"),
        "contact": "main@imported.example",
    }


def test_an_announcement_reaches_every_inbox_and_address_in_its_language(
    alpha: World, audience: dict[str, str], django_capture_on_commit_callbacks
) -> None:
    with tenant_context(alpha.tenant):
        draft = announcement(alpha, body={"da": "Dansk tekst & mere", "en": "English text"})
    sent = _send(alpha, draft, django_capture_on_commit_callbacks)
    assert sent.status == AnnouncementStatus.SENT and sent.sent_at is not None
    assert sent.recipient_count == 3
    with tenant_context(alpha.tenant):
        assert set(
            InboxItem.objects.filter(announcement=sent).values_list("partner__name", flat=True)
        ) == {"ALPHA-MARKER partner", "ALPHA-MARKER other partner", "ALPHA-MARKER imported"}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(audience.values())
    [danish] = _to(audience["admin"])
    assert danish.subject == "ALPHA-MARKER title"
    assert "Dansk tekst & mere" in danish.body and "&amp;" not in danish.body
    assert danish.extra_headers["Content-Language"] == "da"
    assert "ALPHA-MARKER municipality" in danish.from_email
    assert "http://alpha.localhost/my-partnership/inbox/" in danish.body
    [english] = _to(audience["member"])
    assert english.subject == "ALPHA-MARKER English title"
    assert english.extra_headers["Content-Language"] == "en"
    [contact] = _to(audience["contact"])
    assert contact.extra_headers["Content-Language"] == "en"  # the partner's language
    assert not _to("main@ended.example")
    for message in mail.outbox:
        unsubscribe = message.extra_headers["List-Unsubscribe"]
        assert unsubscribe.startswith("<http://alpha.localhost/unsubscribe/")
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert unsubscribe.strip("<>") in message.body
    with tenant_context(alpha.tenant):
        assert SentMail.objects.filter(key=f"announcement:{sent.pk}:{audience['admin']}").exists()
        assert AuditEvent.objects.filter(action="announcement.scheduled").count() == 1
        assert AuditEvent.objects.filter(action="announcement.sent").count() == 1


def test_the_worker_delivers_and_mails_once_however_often_it_runs(
    alpha: World, audience: dict[str, str], django_capture_on_commit_callbacks
) -> None:
    with tenant_context(alpha.tenant):
        draft = announcement(alpha)
    sent = _send(alpha, draft, django_capture_on_commit_callbacks)
    first = len(mail.outbox)
    with tenant_context(alpha.tenant), django_capture_on_commit_callbacks(execute=True):
        assert tasks.deliver_announcement(sent.pk) == 0  # already sent
        partner_ids = list(InboxItem.objects.values_list("partner_id", flat=True))
        assert tasks.send_announcement_mail(sent.pk, partner_ids) == 0  # a retried chunk
        assert tasks.send_due_announcements() == 0
        assert InboxItem.objects.filter(announcement=sent).count() == 3
    assert len(mail.outbox) == first == 4


def test_an_address_in_two_partners_gets_one_e_mail(
    alpha: World, django_capture_on_commit_callbacks
) -> None:
    with tenant_context(alpha.tenant):
        make_partner("ALPHA-MARKER a", contact="shared@example.org")
        make_partner("ALPHA-MARKER b", contact="shared@example.org")
        draft = announcement(alpha, segment={"stages": ["active"]})
    _send(alpha, draft, django_capture_on_commit_callbacks)
    assert len(_to("shared@example.org")) == 1


def test_languages_fall_back_to_the_partners_then_the_tenants(
    alpha: World, django_capture_on_commit_callbacks
) -> None:
    with tenant_context(alpha.tenant):
        # Finnish is not one of alpha's languages (da, en): the partner's language instead.
        User.objects.filter(email=alpha.email("partner_admin")).update(language="fi")
        # Norwegian neither: the tenant's primary language.
        make_partner("ALPHA-MARKER norsk", language="nb", contact="norsk@example.org")
        draft = announcement(alpha)
    _send(alpha, draft, django_capture_on_commit_callbacks)
    assert _to(alpha.email("partner_admin"))[0].extra_headers["Content-Language"] == "da"
    assert _to("norsk@example.org")[0].extra_headers["Content-Language"] == "da"


def test_beta_mails_in_swedish_from_betas_name(
    beta: World, django_capture_on_commit_callbacks
) -> None:
    with tenant_context(beta.tenant):
        draft = announcement(beta)
    _send(beta, draft, django_capture_on_commit_callbacks)
    [message] = _to(beta.email("partner_admin"))
    assert message.subject == "BETA-MARKER title"
    assert message.extra_headers["Content-Language"] == "sv"
    assert "BETA-MARKER municipality" in message.from_email
    assert "http://beta.localhost/" in message.body
    assert "ALPHA-MARKER" not in message.body + message.subject + message.from_email


def test_newsletters_respect_preferences_service_messages_do_not(
    alpha: World, audience: dict[str, str], django_capture_on_commit_callbacks
) -> None:
    with tenant_context(alpha.tenant):
        services.preference_save(
            actor=None, email=audience["admin"], categories_off=["news"], newsletters_off=False
        )
        services.preference_save(
            actor=None, email=audience["contact"], categories_off=[], newsletters_off=True
        )
        news = announcement(alpha, category="news")
        training = announcement(alpha, category="training")
        essential = announcement(alpha, category="news", essential=True)
    _send(alpha, news, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([audience["member"], audience["other"]])
    mail.outbox.clear()
    _send(alpha, training, django_capture_on_commit_callbacks)
    assert audience["admin"] in {m.to[0] for m in mail.outbox}  # only news was turned off
    assert audience["contact"] not in {m.to[0] for m in mail.outbox}
    mail.outbox.clear()
    _send(alpha, essential, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(audience.values())
    for message in mail.outbox:
        assert "List-Unsubscribe" not in message.extra_headers
        assert "/unsubscribe/" not in message.body
    with tenant_context(alpha.tenant):
        # Every partner has all three in its inbox, whatever its people chose for e-mail.
        assert InboxItem.objects.filter(partner__name="ALPHA-MARKER partner").count() == 3


def test_a_scheduled_announcement_goes_out_when_due(
    alpha: World, django_capture_on_commit_callbacks
) -> None:
    later = timezone.now() + dt.timedelta(hours=3)
    with tenant_context(alpha.tenant):
        draft = announcement(alpha)
    scheduled = _send(alpha, draft, django_capture_on_commit_callbacks, send_at=later)
    assert scheduled.status == AnnouncementStatus.SCHEDULED
    assert scheduled.send_at == later
    assert mail.outbox == []
    with tenant_context(alpha.tenant), django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_due_announcements() == 0  # not yet
        assert services.announcement_deliver(announcement_id=draft.pk) == 0
        assert not InboxItem.objects.exists()
    with tenant_context(alpha.tenant), django_capture_on_commit_callbacks(execute=True):
        after = later + dt.timedelta(minutes=1)
        assert services.announcements_due(now=after) == [draft.pk]
        assert services.announcement_deliver(announcement_id=draft.pk, now=after) == 2
    with tenant_context(alpha.tenant):
        draft.refresh_from_db()
        assert draft.status == AnnouncementStatus.SENT
    assert len(mail.outbox) == 3


def test_a_scheduled_announcement_can_go_back_to_draft(
    alpha: World, django_capture_on_commit_callbacks
) -> None:
    with tenant_context(alpha.tenant):
        draft = announcement(alpha)
    _send(
        alpha,
        draft,
        django_capture_on_commit_callbacks,
        send_at=timezone.now() + dt.timedelta(days=1),
    )
    with tenant_context(alpha.tenant):
        services.announcement_unschedule(actor=alpha.users["municipal_admin"], announcement=draft)
        assert draft.status == AnnouncementStatus.DRAFT and draft.send_at is None
        assert services.announcements_due(now=timezone.now() + dt.timedelta(days=2)) == []


def test_a_past_send_at_sends_now(alpha: World, django_capture_on_commit_callbacks) -> None:
    with tenant_context(alpha.tenant):
        draft = announcement(alpha)
    sent = _send(
        alpha,
        draft,
        django_capture_on_commit_callbacks,
        send_at=timezone.now() - dt.timedelta(days=1),
    )
    assert sent.status == AnnouncementStatus.SENT


# --- Bad input changes nothing ---------------------------------------------------------


def _nothing_changed(before: int) -> None:
    assert Announcement.objects.count() == before
    assert not AuditEvent.objects.filter(action__startswith="announcement.").exists()


@pytest.mark.parametrize(
    ("fields", "error_on"),
    [
        ({"title": {"da": "  ", "en": "Only English"}}, "title"),
        ({"title": {}}, "title"),
        ({"body": {"en": "Only English"}}, "body"),
        ({"segment": {"tiers": [987654]}}, "segment"),
        ({"segment": {"stages": ["ended"]}}, "segment"),
        ({"category": "gossip"}, "category"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    alpha: World, fields: dict, error_on: str
) -> None:
    with tenant_context(alpha.tenant):
        before = Announcement.objects.count()
        values = {
            "title": {"da": "Titel"},
            "body": {"da": "Tekst"},
            "category": "news",
            "segment": {},
            **fields,
        }
        with pytest.raises(ValidationError) as raised:
            services.announcement_save(
                actor=alpha.users["municipal_staff"], announcement=Announcement(**values)
            )
        assert error_on in raised.value.message_dict
        _nothing_changed(before)


def test_a_bad_edit_of_a_draft_leaves_it_as_it_was(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        draft = announcement(alpha)
        draft.title = {"en": "English only"}
        draft.segment = {"tiers": [987654]}
        with pytest.raises(ValidationError) as raised:
            services.announcement_save(actor=alpha.users["municipal_staff"], announcement=draft)
        assert {"title", "segment"} <= set(raised.value.message_dict)
        stored = Announcement.objects.get(pk=draft.pk)
        assert stored.title["da"] == "ALPHA-MARKER title" and stored.segment == {}


def test_an_empty_segment_cannot_be_sent(alpha: World, django_capture_on_commit_callbacks) -> None:
    with tenant_context(alpha.tenant):
        draft = announcement(alpha, segment={"sectors": ["finance"]})
        with (
            pytest.raises(ValidationError) as raised,
            django_capture_on_commit_callbacks(execute=True),
        ):
            services.announcement_send(actor=alpha.users["municipal_staff"], announcement=draft)
        assert "segment" in raised.value.message_dict
        draft.refresh_from_db()
        assert draft.status == AnnouncementStatus.DRAFT
        assert not InboxItem.objects.exists()
    assert mail.outbox == []


def test_a_sent_announcement_can_neither_be_sent_again_nor_edited_nor_deleted(
    alpha: World, django_capture_on_commit_callbacks
) -> None:
    with tenant_context(alpha.tenant):
        draft = announcement(alpha)
    sent = _send(alpha, draft, django_capture_on_commit_callbacks)
    staff = alpha.users["municipal_staff"]
    with tenant_context(alpha.tenant):
        with pytest.raises(ValidationError):
            services.announcement_send(actor=staff, announcement=sent)
        sent.title = {"da": "Changed"}
        with pytest.raises(ValidationError):
            services.announcement_save(actor=staff, announcement=sent)
        with pytest.raises(ValidationError):
            services.announcement_delete(actor=staff, announcement=sent)
        assert Announcement.objects.get(pk=sent.pk).title["da"] == "ALPHA-MARKER title"


@pytest.mark.parametrize("persona", ["partner_admin", "partner_member"])
def test_partner_people_cannot_write_or_send(
    alpha: World, persona: str, django_capture_on_commit_callbacks
) -> None:
    with tenant_context(alpha.tenant):
        draft = announcement(alpha)
        actor = alpha.users[persona]
        with pytest.raises(PermissionDenied):
            services.announcement_save(
                actor=actor,
                announcement=Announcement(title={"da": "x"}, body={"da": "y"}, category="news"),
            )
        with pytest.raises(PermissionDenied), django_capture_on_commit_callbacks(execute=True):
            services.announcement_send(actor=actor, announcement=draft)
        draft.refresh_from_db()
        assert draft.status == AnnouncementStatus.DRAFT
    assert mail.outbox == []


def test_a_person_saves_only_their_own_preference(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        member = alpha.users["partner_member"]
        with pytest.raises(PermissionDenied):
            services.preference_save(
                actor=member,
                email=alpha.email("partner_admin"),
                categories_off=["news"],
                newsletters_off=False,
            )
        with pytest.raises(ValidationError):
            services.preference_save(
                actor=member, email=member.email, categories_off=["gossip"], newsletters_off=False
            )
        assert not NotificationPreference.objects.exists()
