"""Follow-up e-mails to a partner's admins, in the partner's language.

The worker sends them in chunks of ``CHUNK`` follow-ups, one task and one connection to the
mail server a chunk: a task per follow-up made 330,000 tasks at 1,100 tenants x 300 partners.
Each e-mail is still keyed on its own (``core.SentMail``): a retried chunk sends only what
did not go out, and an e-mail the server refuses does not hold back the rest of the chunk.
"""

from collections.abc import Collection, Iterator
from contextlib import contextmanager

from django.core.mail import mailers
from django.db import connection
from django.urls import reverse

from programmes.core.i18n import current_tenant
from programmes.core.mail import send_localised_mail_once
from programmes.core.models import SentMail
from programmes.core.urls import absolute_url
from programmes.followups.models import FollowUp, FollowUpStatus
from programmes.partners.selectors import partner_mail_addresses

KINDS = {"opened", "reminder"}
# Follow-ups per e-mail task: ~100 e-mails a task keeps a task (and a retry) well inside
# the task time limit over SMTP, and the tasks to ~3 per 300-partner tenant.
CHUNK = 100


def follow_up_mail(*, follow_up_id: int, kind: str, number: int = 0) -> int:
    """E-mail the opening (``kind`` "opened") or reminder ``number`` of one follow-up."""
    return follow_up_mails(follow_up_ids=[follow_up_id], kind=kind, number=number)


def follow_up_mails(*, follow_up_ids: Collection[int], kind: str, number: int = 0) -> int:
    """E-mail the opening or reminder ``number`` of each of ``follow_up_ids`` over one
    connection; returns how many e-mails went out now. A constant number of queries for the
    chunk, plus one insert per e-mail (its key)."""
    if kind not in KINDS:
        raise ValueError(f"unknown follow-up e-mail {kind!r}")
    # Answered or closed since it was queued: nothing to ask any more.
    follow_ups = list(
        FollowUp.objects.select_related("partner")
        .filter(pk__in=follow_up_ids, status=FollowUpStatus.OPEN)
        .order_by("pk")
    )
    # Its admins with an account, else its main contacts (imported partners).
    addresses = partner_mail_addresses({follow_up.partner_id for follow_up in follow_ups})
    step = "opened" if kind == "opened" else f"reminder-{number}"
    planned = [
        (f"follow-up:{follow_up.pk}:{step}:{address}", follow_up, address)
        for follow_up in follow_ups
        for address in addresses.get(follow_up.partner_id, [])
    ]
    done = set(
        SentMail.objects.filter(key__in=[key for key, _f, _a in planned]).values_list(
            "key", flat=True
        )
    )
    to_send = [row for row in planned if row[0] not in done]
    if not to_send:
        return 0
    shared = {
        "site_name": current_tenant().name,
        "url": absolute_url(reverse("my-follow-up")),
    }
    sent, failure = 0, None
    with mailers.default as mail_server, _commits_without_waiting_for_disk():
        for key, follow_up, address in to_send:
            partner = follow_up.partner
            try:
                sent += send_localised_mail_once(
                    key=key,
                    to=address,
                    language=partner.language,
                    template=f"followups/email/{kind}",
                    context={"follow_up": follow_up, "partner": partner, **shared},
                    mail_server=mail_server,
                )
            except OSError as error:  # smtplib's errors too: the task retries the rest
                failure = failure or error
    if failure is not None:
        raise failure
    return sent


@contextmanager
def _commits_without_waiting_for_disk() -> Iterator[None]:
    """``synchronous_commit = off`` for this session while the chunk's keys are written: a
    commit no longer waits for the disk (4.6 ms down to 1.1 ms a key, measured). Only a crash
    of the database server itself can lose the last keys (a fraction of a second, PostgreSQL's
    ``wal_writer_delay``), and then a retried chunk sends those e-mails again: a duplicate,
    never a loss, the risk ``core.mail.send_localised_mail_once`` already chooses."""
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")
