"""E-mails about partners, sent by the worker in each recipient's language."""

from django.urls import reverse

from programmes.core.i18n import current_tenant
from programmes.core.mail import send_localised_mail_once
from programmes.core.urls import absolute_url
from programmes.partners.models import Partner
from programmes.people.models import STAFF_ROLES, User


def application_received(*, partner_id: int) -> int:
    partner = Partner.objects.filter(pk=partner_id).first()
    if partner is None:
        return 0
    tenant = current_tenant()
    staff = User.objects.filter(role__in=STAFF_ROLES, is_active=True)
    for person in staff:
        send_localised_mail_once(
            key=f"application:{partner.pk}:{person.email}",
            to=person.email,
            language=person.language or tenant.primary_language,
            template="partners/email/application_received",
            context={
                "partner": partner,
                "url": absolute_url(reverse("workspace-partner", args=[partner.pk])),
            },
        )
    return len(staff)


def partnership_ended(*, partner_id: int) -> int:
    partner = Partner.objects.filter(pk=partner_id).prefetch_related("contacts").first()
    if partner is None:
        return 0
    tenant = current_tenant()
    contacts = list(partner.contacts.all())
    for contact in contacts:
        send_localised_mail_once(
            key=f"partnership-ended:{partner.pk}:{contact.email}",
            to=contact.email,
            language=partner.language,
            template="partners/email/partnership_ended",
            context={
                "partner": partner,
                "site_name": tenant.name,
                "reason": partner.stage_changes.first().reason,
            },
        )
    return len(contacts)
