"""Follow-up e-mails to a partner's admins, in the partner's language."""

from django.urls import reverse

from programmes.core.i18n import current_tenant
from programmes.core.mail import send_localised_mail_once
from programmes.core.urls import absolute_url
from programmes.followups.models import FollowUp, FollowUpStatus
from programmes.partners.models import ContactRole, Partner
from programmes.people.models import Role, User

KINDS = {"opened", "reminder"}


def recipients(partner: Partner) -> list[str]:
    """The partner's admins with an account; its main contacts when it has none yet
    (imported partners whose people have not signed in)."""
    admins = [
        user.email
        for user in User.objects.filter(
            membership__partner=partner, is_active=True, role=Role.PARTNER_ADMIN
        )
    ]
    if admins:
        return admins
    return [contact.email for contact in partner.contacts.filter(role=ContactRole.MAIN)]


def follow_up_mail(*, follow_up_id: int, kind: str, number: int = 0) -> int:
    """E-mail the opening (``kind`` "opened") or reminder ``number`` of a follow-up."""
    if kind not in KINDS:
        raise ValueError(f"unknown follow-up e-mail {kind!r}")
    follow_up = FollowUp.objects.select_related("partner").filter(pk=follow_up_id).first()
    # Answered or closed since it was queued: nothing to ask any more.
    if follow_up is None or follow_up.status != FollowUpStatus.OPEN:
        return 0
    partner = follow_up.partner
    addresses = recipients(partner)
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
