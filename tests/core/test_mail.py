"""core.mail: the faster MIME build and the batched keyed sending (issue 11, fan-out)."""

import datetime as dt
import email.policy
import re

import pytest
from django.core import mail
from django.core.mail import EmailMessage, mailers
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from programmes.core import mail as core_mail
from programmes.core.mail import KeyedMail, PlatformEmailMessage, send_localised_mails_once
from programmes.core.models import SentMail
from tests.conftest import World

CONTEXT = {
    "partner": {"name": "ALPHA-MARKER partner"},
    "follow_up": {"year": 2031, "due_on": dt.date(2031, 6, 30)},
    "url": "https://example.test/",
}


def _mails(count: int, prefix: str = "batch") -> list[KeyedMail]:
    return [
        KeyedMail(
            key=f"{prefix}:{number}",
            to=f"partner-{number}@example.test",
            language="da" if number % 2 else "en",
            template="followups/email/reminder",
            context=CONTEXT,
        )
        for number in range(count)
    ]


def _without_generated_parts(raw: bytes) -> list[bytes]:
    """The message without what is new for every message: date, id and MIME boundary."""
    raw = re.sub(rb"={15}\d+==", b"BOUNDARY", raw)
    return [line for line in raw.splitlines() if not line.startswith((b"Date:", b"Message-ID:"))]


@pytest.mark.parametrize("policy", [email.policy.default, email.policy.SMTP])
def test_the_platform_message_is_byte_for_byte_the_django_message(policy) -> None:
    fields = {
        "subject": "Årlig opfølgning – ALPHA-MARKER",
        "body": "Hej ALPHA-MARKER æøå\n" * 40,
        "from_email": "Aalborg Kommune <noreply@klimapartner.example>",
        "to": ["Partner <partner@example.test>"],
        "reply_to": ["klima@alpha.example"],
        "headers": {"Content-Language": "da", "List-Unsubscribe": "<https://x.example/u>"},
        "attachments": [("plan.txt", b"ALPHA-MARKER", "text/plain")],
    }
    ours = PlatformEmailMessage(**fields).message(policy=policy).as_bytes()
    theirs = EmailMessage(**fields).message(policy=policy).as_bytes()
    assert _without_generated_parts(ours) == _without_generated_parts(theirs)
    assert (b"\r\n" in ours) == (policy is email.policy.SMTP)


def test_a_batch_sends_each_e_mail_once_and_keys_each(alpha: World) -> None:
    mail.outbox.clear()
    with tenant_context(alpha.tenant):
        SentMail.objects.create(key="batch:3")  # sent by an earlier run
        with mailers.default as server:
            assert send_localised_mails_once(_mails(45), mail_server=server) == 44
            assert send_localised_mails_once(_mails(45), mail_server=server) == 0
        assert SentMail.objects.filter(key__startswith="batch:").count() == 45
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        f"partner-{n}@example.test" for n in range(45) if n != 3
    )
    languages = {
        message.to[0]: message.extra_headers["Content-Language"] for message in mail.outbox
    }
    assert languages["partner-1@example.test"] == "da"
    assert languages["partner-2@example.test"] == "en"


def _send_failing_for(
    addresses: set[str], error: Exception, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Send ``_mails(45)`` once while the mail server raises ``error`` for ``addresses``."""
    send = EmailBackend.send_messages

    def failing(backend: EmailBackend, messages: list) -> int:
        if any(message.to[0] in addresses for message in messages):
            raise error
        return send(backend, messages)

    with monkeypatch.context() as patch, mailers.default as server:
        patch.setattr(EmailBackend, "send_messages", failing)
        with pytest.raises(type(error), match=str(error)):
            send_localised_mails_once(_mails(45), mail_server=server)


def _batch_keys() -> set[str]:
    return set(SentMail.objects.filter(key__startswith="batch:").values_list("key", flat=True))


def test_a_refused_e_mail_is_unkeyed_the_rest_go_and_the_refusal_is_raised(
    alpha: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    mail.outbox.clear()
    with tenant_context(alpha.tenant):
        _send_failing_for(
            {"partner-4@example.test", "partner-30@example.test"},
            OSError("recipient refused"),
            monkeypatch,
        )
        assert len(mail.outbox) == 43
        assert _batch_keys() == {f"batch:{n}" for n in range(45)} - {"batch:4", "batch:30"}
        # The retry sends only the two refused ones.
        with mailers.default as server:
            assert send_localised_mails_once(_mails(45), mail_server=server) == 2
    assert len(mail.outbox) == 45


def test_an_unexpected_error_rolls_back_only_its_groups_keys(
    alpha: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug (not a refusal) stops the batch: the groups before it stay keyed, its own group's
    keys are rolled back, so a retry may repeat at most that group (never loses one)."""
    mail.outbox.clear()
    with tenant_context(alpha.tenant):
        _send_failing_for({"partner-25@example.test"}, ValueError("bug"), monkeypatch)
        assert _batch_keys() == {f"batch:{n}" for n in range(core_mail.KEY_GROUP)}
        with mailers.default as server:
            assert send_localised_mails_once(_mails(45), mail_server=server) == 25
    assert len(mail.outbox) == 45 + 5  # 20 + 5 before the bug, then 25: 5 sent twice


def test_keys_cost_one_insert_a_group_and_commits_do_not_wait_for_the_disk(
    alpha: World,
) -> None:
    with (
        tenant_context(alpha.tenant),
        mailers.default as server,
        CaptureQueriesContext(connection) as queries,
    ):
        send_localised_mails_once(_mails(45), mail_server=server)
    statements = [
        query["sql"]
        for query in queries.captured_queries
        if not query["sql"].startswith("SET search_path")
    ]
    assert sum("INSERT" in sql for sql in statements) == 3  # 45 e-mails, groups of 20
    assert statements[0] == "SET synchronous_commit TO off"
    assert statements[-1] == "RESET synchronous_commit"
