"""The personal-schedule e-mail: in the partner's language, with the PDF attached."""

from django.urls import reverse
from django.utils import translation
from django.utils.text import slugify

from programmes.core.i18n import current_tenant, translated
from programmes.core.mail import send_localised_mail_once
from programmes.core.urls import absolute_url
from programmes.matchmaking import selectors
from programmes.matchmaking.models import Session
from programmes.matchmaking.pdf import schedule_pdf
from programmes.partners.models import Partner


def schedule_mail(*, session: Session, partner: Partner, keys: dict[str, str]) -> int:
    """Send the partner's schedule to each address in ``keys`` (address → SentMail key)
    not sent before; returns how many went out."""
    document = schedule_pdf(session, partner)
    with translation.override(partner.language):
        title = translated(session.title)
    context = {
        "session": session,
        "title": title,
        "partner": partner,
        "meetings": selectors.personal_schedule(session, partner),
        "site_name": current_tenant().name,
        "url": absolute_url(reverse("my-matchmaking-schedule", args=[session.pk])),
    }
    name = f"{slugify(title) or 'matchmaking'}-{session.date.isoformat()}.pdf"
    sent = 0
    for address, key in keys.items():
        sent += send_localised_mail_once(
            key=key,
            to=address,
            language=partner.language,
            template="matchmaking/email/schedule",
            context=context,
            attachments=[(name, document, "application/pdf")],
        )
    return sent
