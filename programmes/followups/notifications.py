"""Follow-up e-mails to a partner's admins, in the partner's language.

The worker sends them in chunks of ``CHUNK`` follow-ups, one task and one connection to the
mail server a chunk: a task per follow-up made 330,000 tasks at 1,100 tenants x 300 partners.
Each e-mail is still keyed on its own (``core.SentMail``, written a group at a time by
``core.mail.send_localised_mails_once``): a retried chunk sends only what did not go out, and
an e-mail the server refuses does not hold back the rest of the chunk.
"""

from collections.abc import Collection

from django.core.mail import mailers
from django.urls import reverse

from programmes.core.i18n import current_tenant
from programmes.core.mail import KeyedMail, send_localised_mails_once
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
    chunk, plus one insert of keys per ``core.mail.KEY_GROUP`` e-mails."""
    if kind not in KINDS:
        raise ValueError(f"unknown follow-up e-mail {kind!r}")
    # Answered or closed since it was queued: nothing to ask any more.
    follow_ups = list(
        FollowUp.objects.select_related("partner")
        .filter(pk__in=follow_up_ids, status=FollowUpStatus.OPEN)
        .order_by("pk")
    )
    if not follow_ups:
        return 0
    # Its admins with an account, else its main contacts (imported partners).
    addresses = partner_mail_addresses({follow_up.partner_id for follow_up in follow_ups})
    step = "opened" if kind == "opened" else f"reminder-{number}"
    shared = {
        "site_name": current_tenant().name,
        "url": absolute_url(reverse("my-follow-up")),
    }
    mails = [
        KeyedMail(
            key=f"follow-up:{follow_up.pk}:{step}:{address}",
            to=address,
            language=follow_up.partner.language,
            template=f"followups/email/{kind}",
            context={"follow_up": follow_up, "partner": follow_up.partner, **shared},
        )
        for follow_up in follow_ups
        for address in addresses.get(follow_up.partner_id, [])
    ]
    with mailers.default as mail_server:
        return send_localised_mails_once(mails, mail_server=mail_server)
