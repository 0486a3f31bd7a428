"""Announcement e-mails: one per address, in the recipient's language, from the tenant's name,
sent by ``core.mail.send_localised_mail_once`` (keyed ``announcement:<id>:<address>``, so a
retried task never sends twice), newsletters with RFC 8058's ``List-Unsubscribe`` and
``List-Unsubscribe-Post`` headers.
"""

from typing import Any

from django.urls import reverse

from programmes.communication import selectors
from programmes.communication.models import Announcement, AnnouncementStatus, Category, InboxItem
from programmes.communication.tokens import ALL, unsubscribe_token
from programmes.core.i18n import current_tenant, translated
from programmes.core.mail import send_localised_mail_once
from programmes.core.urls import absolute_url
from programmes.partners.models import Partner, Stage

TEMPLATE = "communication/email/announcement"


def mail_key(announcement: Announcement, address: str) -> str:
    return f"announcement:{announcement.pk}:{address.lower()}"


def unsubscribe_url(*, email: str, category: str) -> str:
    token = unsubscribe_token(email=email, category=category)
    return absolute_url(reverse("unsubscribe", args=[token]))


def announcement_mail_once(
    announcement: Announcement,
    *,
    to: str,
    language: str,
    inbox_url: str,
    has_account: bool,
) -> bool:
    """E-mail ``announcement`` to one address in ``language``, once (keyed per announcement
    and address); with unsubscribe links and RFC 8058 headers unless it is a service
    message. True when it went out now."""
    headers: dict[str, str] = {}
    context: dict[str, Any] = {
        "announcement": announcement,
        "site_name": current_tenant().name,
        "inbox_url": inbox_url,
        "essential": announcement.essential,
        "title": translated(announcement.title, language),
        "text": translated(announcement.body, language),
        "category": Category(announcement.category).label,  # lazy: rendered in ``language``
    }
    if not announcement.essential:
        one_click = unsubscribe_url(email=to, category=announcement.category)
        context |= {
            "unsubscribe_url": one_click,
            "unsubscribe_all_url": unsubscribe_url(email=to, category=ALL),
            "preferences_url": absolute_url(reverse("my-notifications")) if has_account else "",
        }
        headers = {
            "List-Unsubscribe": f"<{one_click}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    return send_localised_mail_once(
        key=mail_key(announcement, to),
        to=to,
        language=language,
        template=TEMPLATE,
        context=context,
        headers=headers,
    )


def announcement_mail_send(*, announcement_id: int, partner_ids: list[int]) -> int:
    """E-mail a sent announcement to the people of these partners (one chunk of its
    segment). Newsletters skip addresses that opted out of the category or of every
    newsletter; service messages go to all. Returns how many e-mails went out now."""
    announcement = Announcement.objects.filter(
        pk=announcement_id, status=AnnouncementStatus.SENT
    ).first()
    if announcement is None:
        return 0
    partners = list(
        Partner.objects.filter(pk__in=partner_ids)
        .exclude(stage=Stage.ENDED)
        .only("pk", "language")
        .order_by("pk")
    )
    items = dict(
        InboxItem.objects.filter(announcement=announcement, partner__in=partners).values_list(
            "partner_id", "pk"
        )
    )
    recipients = selectors.recipients_for_partners(partners)
    preferences = (
        {} if announcement.essential else selectors.preferences_for(r.email for r in recipients)
    )
    sent = 0
    for recipient in recipients:
        preference = preferences.get(recipient.email)
        if preference is not None and not preference.wants(announcement.category):
            continue
        item = items.get(recipient.partner_id)
        inbox_url = absolute_url(
            reverse("my-inbox-item", args=[item]) if item else reverse("my-inbox")
        )
        sent += announcement_mail_once(
            announcement,
            to=recipient.email,
            language=recipient.language,
            inbox_url=inbox_url,
            has_account=recipient.user_id is not None,
        )
    return sent
