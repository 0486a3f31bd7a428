"""Follow-up e-mails to a partner's admins, in the partner's language."""

from django.urls import reverse

from programmes.core.i18n import current_tenant
from programmes.core.mail import send_localised_mail_once
from programmes.core.urls import absolute_url
from programmes.followups.models import FollowUp, FollowUpStatus
from programmes.partners.selectors import partner_mail_addresses

KINDS = {"opened", "reminder"}


def follow_up_mail(*, follow_up_id: int, kind: str, number: int = 0) -> int:
    """E-mail the opening (``kind`` "opened") or reminder ``number`` of a follow-up."""
    if kind not in KINDS:
        raise ValueError(f"unknown follow-up e-mail {kind!r}")
    follow_up = FollowUp.objects.select_related("partner").filter(pk=follow_up_id).first()
    # Answered or closed since it was queued: nothing to ask any more.
    if follow_up is None or follow_up.status != FollowUpStatus.OPEN:
        return 0
    partner = follow_up.partner
    # Its admins with an account, else its main contacts (imported partners).
    addresses = partner_mail_addresses({partner.pk}).get(partner.pk, [])
    step = "opened" if kind == "opened" else f"reminder-{number}"
    sent = 0
    for address in addresses:
        sent += send_localised_mail_once(
            key=f"follow-up:{follow_up.pk}:{step}:{address}",
            to=address,
            language=partner.language,
            template=f"followups/email/{kind}",
            context={
                "follow_up": follow_up,
                "partner": partner,
                "site_name": current_tenant().name,
                "url": absolute_url(reverse("my-follow-up")),
            },
        )
    return sent
