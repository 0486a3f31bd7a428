"""Follow-up e-mails sent in chunks (issue 11: 1,100 tenants x 300 partners): one task and one
mail connection per chunk, every e-mail still keyed on its own, the same e-mails as before."""

import datetime as dt

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone
from django_tenants.utils import tenant_context

from programmes.configuration.models import Programme
from programmes.core.mail import send_localised_mail
from programmes.core.models import AuditEvent, SentMail
from programmes.followups import notifications, services, tasks
from programmes.followups.models import FollowUp
from programmes.partners.models import Membership, Partner, Stage
from programmes.people.models import Role, User
from tests.conftest import World

TODAY = dt.date(2026, 11, 2)


def _partner(number: int, language: str, admins: int = 1) -> Partner:
    partner = Partner.objects.create(
        name=f"ALPHA-MARKER chunk partner {number}",
        business_id=f"CHUNK{number:04d}",
        kind="company",
        sector="services",
        language=language,
        stage=Stage.ACTIVE,
        stage_changed_at=timezone.now(),
    )
    for admin in range(admins):
        email = f"chunk-{number}-{admin}@alpha.example"
        user = User.objects.create(
            email=email, full_name=f"Admin {number}", role=Role.PARTNER_ADMIN, language=language
        )
        Membership.objects.create(partner=partner, email=email, user=user)
    return partner


@pytest.fixture
def partners(alpha: World) -> list[Partner]:
    """Five more partners with admins, Danish and English, one with two admins."""
    with tenant_context(alpha.tenant):
        return [
            _partner(1, "da"),
            _partner(2, "en"),
            _partner(3, "da", admins=2),
            _partner(4, "en"),
            _partner(5, "da"),
        ]


def _recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_opening_queues_one_task_per_chunk_and_e_mails_every_admin_once(
    alpha: World,
    partners: list[Partner],
    django_capture_on_commit_callbacks,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(services, "CHUNK", 2)
    mail.outbox.clear()
    with tenant_context(alpha.tenant):
        with django_capture_on_commit_callbacks(execute=True) as queued:
            opened = services.followups_open(actor=None, year=2026, today=TODAY)
        # 7 follow-ups (the two of the fixture tenant and five here) in chunks of 2.
        assert len(opened) == 7
        assert len(queued) == 4
        expected = sorted(
            [alpha.email("partner_admin")]
            + [f"chunk-{n}-0@alpha.example" for n in range(1, 6)]
            + ["chunk-3-1@alpha.example"]
        )
        assert _recipients() == expected
        assert SentMail.objects.filter(key__contains=":opened:").count() == len(expected)
        # The chunk again, as a redelivered task would run it: nothing is sent twice.
        ids = [follow_up.pk for follow_up in opened]
        assert notifications.follow_up_mails(follow_up_ids=ids, kind="opened") == 0
        assert AuditEvent.objects.get(action="follow_ups.opened").data["count"] == 7
    assert len(mail.outbox) == len(expected)


def test_each_recipient_gets_the_e_mail_in_the_partners_language(
    alpha: World, partners: list[Partner]
) -> None:
    with tenant_context(alpha.tenant):
        opened = services.followups_open(actor=None, year=2026, today=TODAY)
        mail.outbox.clear()
        notifications.follow_up_mails(follow_up_ids=[f.pk for f in opened], kind="opened")
    languages = {m.to[0]: m.extra_headers["Content-Language"] for m in mail.outbox}
    subjects = {m.to[0]: m.subject.lower() for m in mail.outbox}
    for number, language in ((1, "da"), (2, "en"), (3, "da"), (4, "en")):
        address = f"chunk-{number}-0@alpha.example"
        assert languages[address] == language
        assert ("opfølgning" if language == "da" else "follow-up") in subjects[address]


def test_a_chunked_e_mail_is_the_one_core_mail_sends(alpha: World, partners: list[Partner]) -> None:
    """Chunks send over one shared connection: the message must still be the one
    core.mail.send_localised_mail sends on its own, sender, reply-to and headers included."""
    with tenant_context(alpha.tenant):
        alpha.tenant.reply_to = "klima@alpha.example"
        follow_up = services.followups_open(actor=None, year=2026, today=TODAY)[0]
        mail.outbox.clear()
        notifications.follow_up_mail(follow_up_id=follow_up.pk, kind="reminder", number=1)
        [chunked] = mail.outbox
        send_localised_mail(
            to=chunked.to[0],
            language=follow_up.partner.language,
            template="followups/email/reminder",
            context={
                "follow_up": follow_up,
                "partner": follow_up.partner,
                "site_name": alpha.tenant.name,
                "url": "http://alpha.localhost/my-partnership/follow-up/",
            },
        )
        [_chunked, single] = mail.outbox
    for attribute in ("subject", "body", "from_email", "to", "reply_to", "extra_headers"):
        assert getattr(chunked, attribute) == getattr(single, attribute), attribute
    assert chunked.reply_to == ["klima@alpha.example"]


def test_a_refused_e_mail_does_not_hold_back_the_chunk_and_only_it_is_retried(
    alpha: World, partners: list[Partner], monkeypatch: pytest.MonkeyPatch
) -> None:
    refused = "chunk-2-0@alpha.example"
    send = EmailBackend.send_messages

    def refusing(backend: EmailBackend, messages: list) -> int:
        if any(refused in message.to for message in messages):
            raise OSError("recipient refused")
        return send(backend, messages)

    with tenant_context(alpha.tenant):
        opened = services.followups_open(actor=None, year=2026, today=TODAY)
        ids = [follow_up.pk for follow_up in opened]
        mail.outbox.clear()
        with monkeypatch.context() as patch:
            patch.setattr(EmailBackend, "send_messages", refusing)
            with pytest.raises(OSError):
                notifications.follow_up_mails(follow_up_ids=ids, kind="reminder", number=1)
        assert len(mail.outbox) == 6  # every other admin
        assert not SentMail.objects.filter(key__endswith=f":reminder-1:{refused}").exists()
        # The retry sends the refused one only.
        assert notifications.follow_up_mails(follow_up_ids=ids, kind="reminder", number=1) == 1
    assert _recipients().count(refused) == 1
    assert len(mail.outbox) == 7


def test_reminders_are_counted_and_e_mailed_per_follow_up_as_before(
    alpha: World,
    partners: list[Partner],
    django_capture_on_commit_callbacks,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(services, "CHUNK", 2)
    with tenant_context(alpha.tenant):
        Programme.objects.update(reminder_interval_days=7, reminders_before_unresponsive=3)
        opened = services.followups_open(actor=None, year=2026, today=TODAY)
        start = opened[0].opened_at
        FollowUp.objects.update(due_on=(start + dt.timedelta(days=14)).date())
        # One partner already had a reminder: its next one is number 2.
        second = FollowUp.objects.get(partner=partners[1], year=2026)
        FollowUp.objects.filter(pk=second.pk).update(
            reminders_sent=1, last_reminded_at=start - dt.timedelta(days=7)
        )
        mail.outbox.clear()
        now = start + dt.timedelta(days=7)
        with django_capture_on_commit_callbacks(execute=True) as queued:
            chase = services.followups_remind(now=now)
        assert (chase.reminded, chase.flagged, chase.closed) == (7, 0, 0)
        # Six at number 1 in chunks of 2, one at number 2.
        assert len(queued) == 4
        counts = dict(FollowUp.objects.filter(year=2026).values_list("pk", "reminders_sent"))
        assert counts == {f.pk: 2 if f.pk == second.pk else 1 for f in opened}
        reminded_at = FollowUp.objects.filter(year=2026).values_list("last_reminded_at", flat=True)
        assert set(reminded_at) == {now}
        event = AuditEvent.objects.get(action="follow_ups.reminded")
        assert sorted(event.data["follow_ups"]) == sorted(f.pk for f in opened)
        key = f"follow-up:{second.pk}:reminder-2:chunk-2-0@alpha.example"
        assert SentMail.objects.filter(key=key).exists()
        assert SentMail.objects.filter(key__contains=":reminder-1:").count() == 6
        # The next day nothing is due: no follow-up is reminded twice.
        assert services.followups_remind(now=now + dt.timedelta(days=1)).reminded == 0
    assert len(mail.outbox) == 7


def test_the_old_single_follow_up_task_still_runs_for_queued_messages(
    alpha: World, partners: list[Partner]
) -> None:
    with tenant_context(alpha.tenant):
        follow_up = services.followups_open(actor=None, year=2026, today=TODAY)[0]
    mail.outbox.clear()
    for _attempt in range(2):
        result = tasks.notify_follow_up.apply(
            args=[follow_up.pk, "reminder", 1], headers={"_schema_name": "alpha"}
        )
        assert result.get() in {0, 1}
    assert len(mail.outbox) == 1


def test_a_chunk_reads_with_a_constant_number_of_queries(
    alpha: World, partners: list[Partner]
) -> None:
    """Besides each e-mail's key (insert and savepoint), the same queries for 1 or 7."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def reads(ids: list[int]) -> int:
        with CaptureQueriesContext(connection) as queries:
            notifications.follow_up_mails(follow_up_ids=ids, kind="reminder", number=9)
        return sum(
            1
            for query in queries.captured_queries
            if "SAVEPOINT" not in query["sql"] and "INSERT" not in query["sql"]
        )

    with tenant_context(alpha.tenant):
        opened = services.followups_open(actor=None, year=2026, today=TODAY)
        by_partner = {follow_up.partner_id: follow_up.pk for follow_up in opened}
        first, *others = (by_partner[partner.pk] for partner in partners)
        assert reads([first]) == reads(others) <= 6
