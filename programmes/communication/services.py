"""Writing and sending announcements, delivering them to inboxes, and notification
preferences. Every change is one transaction and audited, except marking an inbox item read
(a reading receipt, not a decision: auditing every click would bury the trail)."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.communication import segments, selectors
from programmes.communication.models import (
    Announcement,
    AnnouncementStatus,
    Category,
    InboxItem,
    NotificationPreference,
)
from programmes.communication.tokens import ALL, InvalidToken, unsubscribe_token_read
from programmes.core.audit import audit_record
from programmes.core.tasks import enqueue_after_commit

# Partners per e-mail task: a big segment is sent by several short tasks.
MAIL_CHUNK = 25


def _require_staff(actor: Any) -> None:
    if actor is not None and not selectors.is_staff(actor):
        raise PermissionDenied


def _audit_data(announcement: Announcement) -> dict[str, Any]:
    return {
        "title": announcement.title,
        "category": announcement.category,
        "essential": announcement.essential,
        "segment": announcement.segment,
        "status": announcement.status,
        "send_at": announcement.send_at.isoformat() if announcement.send_at else None,
    }


def _validate(announcement: Announcement) -> None:
    errors: dict[str, list[str]] = {}
    try:
        announcement.segment = segments.segment_clean(announcement.segment)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        announcement.full_clean(
            exclude=["segment", "created_by", "status", "sent_at", "recipient_count"],
            validate_unique=False,
        )
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def announcement_save(*, actor: Any, announcement: Announcement) -> Announcement:
    """Add or edit a draft announcement: title and text in the tenant's primary language at
    least, a category, and valid segment criteria (known stages, tiers and sectors)."""
    _require_staff(actor)
    if announcement.pk:
        stored = Announcement.objects.filter(pk=announcement.pk).values("status").first()
        if stored is None or stored["status"] != AnnouncementStatus.DRAFT:
            raise ValidationError(_("Only a draft can be changed."))
    else:
        announcement.status = AnnouncementStatus.DRAFT
        if actor is not None and getattr(actor, "is_authenticated", False):
            announcement.created_by = actor
    _validate(announcement)
    created = announcement.pk is None
    with transaction.atomic():
        announcement.save()
        audit_record(
            actor=actor,
            action="announcement.created" if created else "announcement.updated",
            target=announcement,
            data=_audit_data(announcement),
        )
    return announcement


def announcement_delete(*, actor: Any, announcement: Announcement) -> None:
    """Delete a draft (a sent announcement stays: partners have it in their inbox)."""
    _require_staff(actor)
    with transaction.atomic():
        locked = Announcement.objects.select_for_update().get(pk=announcement.pk)
        if locked.status != AnnouncementStatus.DRAFT:
            raise ValidationError(_("Only a draft can be deleted."))
        audit_record(
            actor=actor,
            action="announcement.deleted",
            target=locked,
            data=_audit_data(locked),
        )
        locked.delete()


def announcement_send(
    *, actor: Any, announcement: Announcement, send_at: dt.datetime | None = None
) -> Announcement:
    """Send a draft now (``send_at`` empty or past) or schedule it for ``send_at``. It must
    be complete and its segment must reach at least one partner today. The worker delivers
    it once this transaction commits (or when it is due)."""
    _require_staff(actor)
    now = timezone.now()
    if send_at is not None and timezone.is_naive(send_at):
        raise ValidationError({"send_at": [_("Give the time with its time zone.")]})
    with transaction.atomic():
        locked = Announcement.objects.select_for_update().get(pk=announcement.pk)
        if locked.status != AnnouncementStatus.DRAFT:
            raise ValidationError(_("This announcement has already been sent or scheduled."))
        _validate(locked)
        if not selectors.partners_in_segment(locked.segment).exists():
            raise ValidationError(
                {"segment": [_("No partner is in this segment: nobody would receive it.")]}
            )
        locked.status = AnnouncementStatus.SCHEDULED
        locked.scheduled_at = now
        locked.send_at = send_at if send_at is not None and send_at > now else None
        locked.save(update_fields=["status", "scheduled_at", "send_at", "updated_at"])
        audit_record(
            actor=actor,
            action="announcement.scheduled",
            target=locked,
            data=_audit_data(locked),
        )
        if locked.send_at is None:
            from programmes.communication.tasks import deliver_announcement

            enqueue_after_commit(deliver_announcement, locked.pk)
    announcement.refresh_from_db()
    return announcement


def announcement_unschedule(*, actor: Any, announcement: Announcement) -> Announcement:
    """Take a scheduled announcement back to draft before the worker sends it."""
    _require_staff(actor)
    with transaction.atomic():
        locked = Announcement.objects.select_for_update().get(pk=announcement.pk)
        if locked.status != AnnouncementStatus.SCHEDULED:
            raise ValidationError(_("Only a scheduled announcement can go back to draft."))
        locked.status = AnnouncementStatus.DRAFT
        locked.scheduled_at = None
        locked.send_at = None
        locked.save(update_fields=["status", "scheduled_at", "send_at", "updated_at"])
        audit_record(
            actor=actor, action="announcement.unscheduled", target=locked, data=_audit_data(locked)
        )
    announcement.refresh_from_db()
    return announcement


def announcements_due(*, now: dt.datetime | None = None) -> list[int]:
    """Scheduled announcements whose time has come (and any sent "now" whose delivery was
    lost, after ten minutes), for the periodic task."""
    now = now or timezone.now()
    rows = Announcement.objects.filter(status=AnnouncementStatus.SCHEDULED).filter(
        Q(send_at__lte=now)
        | Q(send_at__isnull=True, scheduled_at__lte=now - dt.timedelta(minutes=10))
    )
    return list(rows.order_by("pk").values_list("pk", flat=True))


def announcement_deliver(*, announcement_id: int, now: dt.datetime | None = None) -> int:
    """The worker's delivery: every partner in the segment (evaluated now) gets an inbox
    item, the announcement is marked sent, and its e-mails are queued in chunks once that
    commits. Does nothing for a draft, an announcement not due yet, or one already sent, so
    a retried or doubled task delivers once. Returns the number of partners reached now."""
    now = now or timezone.now()
    with transaction.atomic():
        announcement = Announcement.objects.select_for_update().filter(pk=announcement_id).first()
        if announcement is None or announcement.status != AnnouncementStatus.SCHEDULED:
            return 0
        if announcement.send_at is not None and announcement.send_at > now:
            return 0
        partner_ids = list(
            selectors.partners_in_segment(
                announcement.segment, today=timezone.localdate(now)
            ).values_list("pk", flat=True)
        )
        InboxItem.objects.bulk_create(
            [InboxItem(announcement=announcement, partner_id=pk) for pk in partner_ids],
            ignore_conflicts=True,
        )
        announcement.status = AnnouncementStatus.SENT
        announcement.sent_at = now
        announcement.recipient_count = len(partner_ids)
        announcement.save(update_fields=["status", "sent_at", "recipient_count", "updated_at"])
        audit_record(
            actor=None,
            action="announcement.sent",
            target=announcement,
            data={"partners": len(partner_ids)},
        )
        from programmes.communication.tasks import send_announcement_mail

        for start in range(0, len(partner_ids), MAIL_CHUNK):
            enqueue_after_commit(
                send_announcement_mail, announcement.pk, partner_ids[start : start + MAIL_CHUNK]
            )
    return len(partner_ids)


# --- Inbox ----------------------------------------------------------------------------


def inbox_item_mark(*, actor: Any, item: InboxItem, read: bool = True) -> InboxItem:
    """Mark a partner's inbox item read (or unread again); its people only."""
    if not selectors.inbox_items_visible_to(actor).filter(pk=item.pk).exists():
        raise PermissionDenied
    item.read_at = timezone.now() if read else None
    item.save(update_fields=["read_at"])
    return item


def inbox_item_open(*, actor: Any, item: InboxItem) -> InboxItem:
    """Opening an unread item marks it read (one UPDATE, no read-before-write)."""
    if item.read_at is None:
        item.read_at = timezone.now()
        InboxItem.objects.filter(pk=item.pk, read_at__isnull=True).update(read_at=item.read_at)
    return item


# --- Preferences and unsubscribing ----------------------------------------------------


def _clean_categories(categories: Iterable[str]) -> list[str]:
    chosen = sorted(set(categories))
    unknown = [c for c in chosen if c not in Category.values]
    if unknown:
        raise ValidationError(
            {"categories_off": [_("Unknown category: %(value)s.") % {"value": unknown[0]}]}
        )
    return chosen


def preference_save(
    *,
    actor: Any,
    email: str,
    categories_off: Iterable[str],
    newsletters_off: bool,
    reason: str = "",
) -> NotificationPreference:
    """Save which newsletters an address does not want (service messages still come).
    A person changes their own address's preference (``actor`` None: unsubscribe links)."""
    address = email.strip().lower()
    if actor is not None and getattr(actor, "email", "").lower() != address:
        raise PermissionDenied
    chosen = _clean_categories(categories_off)
    with transaction.atomic():
        preference, _created = NotificationPreference.objects.select_for_update().get_or_create(
            email=address
        )
        preference.categories_off = chosen
        preference.newsletters_off = bool(newsletters_off)
        if actor is not None and getattr(actor, "is_authenticated", False):
            preference.user = actor
        preference.save()
        audit_record(
            actor=actor,
            action="notification_preference.saved",
            target=preference,
            data={"categories_off": chosen, "newsletters_off": preference.newsletters_off},
            reason=reason,
        )
    return preference


def unsubscribe(*, token: str) -> tuple[NotificationPreference, str]:
    """Unsubscribe the token's address from its category (or from every newsletter): no
    sign-in needed. A forged token or another tenant's is refused (ValidationError) and
    changes nothing. Returns the preference and the category."""
    try:
        asked = unsubscribe_token_read(token)
    except InvalidToken:
        raise ValidationError(_("This unsubscribe link is not valid.")) from None
    current = selectors.preference_of(asked.email)
    if asked.category == ALL:
        categories, off = current.categories_off, True
    else:
        categories, off = [*current.categories_off, asked.category], current.newsletters_off
    preference = preference_save(
        actor=None,
        email=asked.email,
        categories_off=categories,
        newsletters_off=off,
        reason=f"unsubscribe link: {asked.category}",
    )
    return preference, asked.category
