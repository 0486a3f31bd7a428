"""Certificate e-mails: the partner is reminded when a certificate enters the programme's
warning window, staff are told once it has expired. Each e-mail is keyed by certificate,
expiry date and address (``core.SentMail``), so the daily run and its retries send it once,
and a renewed certificate (a new expiry date) is reminded about again."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from programmes.certificates import selectors
from programmes.certificates.models import Certificate
from programmes.core.i18n import current_tenant
from programmes.core.mail import send_localised_mail_once
from programmes.core.urls import absolute_url
from programmes.partners.selectors import partner_mail_addresses
from programmes.people.models import STAFF_ROLES, User


def certificate_reminders_send(*, today: dt.date | None = None) -> dict[str, int]:
    """The worker's daily run; returns how many e-mails went out now."""
    today = today or timezone.localdate()
    warning_days = selectors.programme_warning_days()
    site_name = current_tenant().name
    expiring = list(selectors.certificates_entering_expiry(today=today, warning_days=warning_days))
    addresses = partner_mail_addresses({certificate.partner_id for certificate in expiring})
    my_certificates = absolute_url(reverse("my-certificates"))
    reminded = 0
    for certificate in expiring:
        for address in addresses.get(certificate.partner_id, []):
            reminded += send_localised_mail_once(
                key=_key(certificate, "expiring", address),
                to=address,
                language=certificate.partner.language,
                template="certificates/email/expiring",
                context={
                    "certificate": certificate,
                    "partner": certificate.partner,
                    "site_name": site_name,
                    "url": my_certificates,
                },
            )
    expired = list(selectors.certificates_just_expired(today=today))
    told = 0
    if expired:
        tenant = current_tenant()
        staff = list(User.objects.filter(role__in=STAFF_ROLES, is_active=True).order_by("pk"))
        for certificate in expired:
            url = absolute_url(reverse("workspace-partner", args=[certificate.partner_id]))
            for person in staff:
                told += send_localised_mail_once(
                    key=_key(certificate, "expired", person.email),
                    to=person.email,
                    language=person.language or tenant.primary_language,
                    template="certificates/email/expired",
                    context={
                        "certificate": certificate,
                        "partner": certificate.partner,
                        "site_name": site_name,
                        "url": url,
                    },
                )
    return {"expiring": reminded, "expired": told}


def _key(certificate: Certificate, step: str, address: str) -> str:
    return f"certificate:{certificate.pk}:{step}:{certificate.expires_on}:{address}"
