"""Changing events and registrations: staff create, edit and cancel events and take
attendance; a partner's people register themselves and cancel their registration.

Every service is keyword-only, runs in one transaction, is audited, and locks the event row
(``select_for_update``) where places are counted, so two people cannot take the last place
at once. E-mails go out through the worker once the transaction commits.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.core.audit import audit_record
from programmes.core.tasks import enqueue_after_commit
from programmes.events import tasks
from programmes.events.models import (
    ACTIVE_STATUSES,
    EVENT_KINDS,
    MAIN_EVENT_KINDS,
    CalendarToken,
    Event,
    Registration,
    RegistrationStatus,
    new_calendar_secret,
)
from programmes.events.selectors import PARTNER_ROLES, is_staff
from programmes.partners.models import Stage
from programmes.partners.selectors import partner_of_user

# A change to these is sent to the registered people as an updated invitation.
CALENDAR_FIELDS = ("starts_at", "ends_at", "place", "online_url")


def _require_staff(actor: Any) -> None:
    if actor is not None and not is_staff(actor):
        raise PermissionDenied


def _registered_count(event: Event) -> int:
    return Registration.objects.filter(event=event, status=RegistrationStatus.REGISTERED).count()


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


# --- Events --------------------------------------------------------------------------------


def event_save(*, actor: Any, event: Event, now: dt.datetime | None = None) -> Event:
    """Create or edit an event (staff). It ends after it starts, takes place somewhere or
    online, has at least one place when limited and never fewer places than people already
    registered; more places move people up from the waiting list. A cancelled event is not
    edited. A new time or place goes to the registered people as an updated invitation."""
    _require_staff(actor)
    now = now or timezone.now()
    with transaction.atomic():
        previous = (
            Event.objects.select_for_update().filter(pk=event.pk).first() if event.pk else None
        )
        errors = _event_errors(event, previous)
        if errors:
            raise ValidationError(errors)
        if event.kind in MAIN_EVENT_KINDS:
            event.counts_as_main_event = True
        changed = previous is not None and any(
            getattr(previous, name) != getattr(event, name) for name in CALENDAR_FIELDS
        )
        if changed:
            event.sequence = previous.sequence + 1
        elif previous is not None:
            event.sequence = previous.sequence
        event.save()
        promoted = _promote(event, now=now) if previous is not None else []
        audit_record(
            actor=actor,
            action="event.updated" if previous else "event.created",
            target=event,
            data={
                "kind": event.kind,
                "starts_at": _iso(event.starts_at),
                "ends_at": _iso(event.ends_at),
                "place": event.place,
                "online_url": event.online_url,
                "capacity": event.capacity,
                "published": event.published,
                "counts_as_main_event": event.counts_as_main_event,
                "promoted": [registration.pk for registration in promoted],
            },
        )
        if changed and event.ends_at > now:
            enqueue_after_commit(tasks.send_event_changed, event.pk, event.sequence)
    return event


def _event_errors(event: Event, previous: Event | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if previous is not None and previous.is_cancelled:
        errors["__all__"] = [_("A cancelled event cannot be changed.")]
        return errors
    event.place = event.place.strip()
    event.online_url = event.online_url.strip()
    if event.kind not in EVENT_KINDS:
        errors["kind"] = [_("Choose what kind of event this is.")]
    if event.starts_at and event.ends_at and event.ends_at <= event.starts_at:
        errors["ends_at"] = [_("The event must end after it starts.")]
    if not event.place and not event.online_url:
        errors["place"] = [_("Give the place, the online link or both.")]
    if event.capacity is not None and event.capacity < 1:
        errors["capacity"] = [_("Give at least one place, or leave it empty for no limit.")]
    elif previous is not None and event.capacity is not None:
        registered = _registered_count(event)
        if event.capacity < registered:
            errors["capacity"] = [
                _(
                    "%(count)s people are registered already: the event cannot have fewer "
                    "places. Cancel registrations first."
                )
                % {"count": registered}
            ]
    try:
        event.full_clean(
            exclude=["wheel_activity"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            if name not in errors:
                errors.setdefault(name, []).extend(messages)
    return errors


def event_cancel(*, actor: Any, event: Event, reason: str, now: dt.datetime | None = None) -> Event:
    """Cancel an event (staff) with the reason the registered and waiting people are told,
    with a calendar cancellation. Registrations are kept, for the record."""
    _require_staff(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the event is cancelled.")]})
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if event.is_cancelled:
            raise ValidationError(_("The event is cancelled already."))
        event.cancelled_at = now or timezone.now()
        event.cancellation_reason = reason
        event.sequence += 1
        event.save(update_fields=["cancelled_at", "cancellation_reason", "sequence", "updated_at"])
        audit_record(actor=actor, action="event.cancelled", target=event, reason=reason)
        enqueue_after_commit(tasks.send_event_cancelled, event.pk)
    return event


# --- Registrations -------------------------------------------------------------------------


def registration_create(
    *, actor: Any, event: Event, now: dt.datetime | None = None
) -> Registration:
    """A partner's person registers themselves for a published event that has not started
    and is not cancelled: a place while there is one, else the end of the waiting list.
    One active registration per person and event."""
    if not getattr(actor, "is_authenticated", False) or actor.role not in PARTNER_ROLES:
        raise PermissionDenied
    partner = partner_of_user(actor)
    if partner is None:
        raise PermissionDenied
    if partner.stage == Stage.ENDED:
        raise ValidationError(_("Your organisation's partnership has ended."))
    now = now or timezone.now()
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if not event.published:
            raise PermissionDenied
        if event.is_cancelled:
            raise ValidationError(_("The event is cancelled."))
        if event.starts_at <= now:
            raise ValidationError(_("The event has started: registration is closed."))
        if Registration.objects.filter(
            event=event, user=actor, status__in=ACTIVE_STATUSES
        ).exists():
            raise ValidationError(_("You are registered for this event already."))
        full = event.capacity is not None and _registered_count(event) >= event.capacity
        registration = Registration(
            event=event,
            partner=partner,
            user=actor,
            name=actor.full_name or actor.email,
            email=actor.email,
            status=RegistrationStatus.WAITING if full else RegistrationStatus.REGISTERED,
            position=_next_position(event) if full else None,
        )
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError:
            raise ValidationError(_("You are registered for this event already.")) from None
        audit_record(
            actor=actor,
            action="event.waitlisted" if full else "event.registered",
            target=registration,
            data={"event": event.pk, "partner": partner.pk, "position": registration.position},
        )
        enqueue_after_commit(
            tasks.send_registration_mail, registration.pk, "waiting" if full else "confirmed"
        )
    return registration


def _next_position(event: Event) -> int:
    last = Registration.objects.filter(event=event).aggregate(last=Max("position"))["last"]
    return (last or 0) + 1


def registration_cancel(
    *, actor: Any, registration: Registration, now: dt.datetime | None = None
) -> Registration:
    """The person cancels their registration (staff may cancel anyone's). A place given up
    goes to the first on the waiting list, who is told by e-mail with the invitation."""
    staff = is_staff(actor)
    if actor is not None and not staff and registration.user_id != getattr(actor, "pk", None):
        raise PermissionDenied
    now = now or timezone.now()
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == RegistrationStatus.CANCELLED:
            raise ValidationError(_("This registration is cancelled already."))
        if event.starts_at <= now and not staff:
            raise ValidationError(_("The event has started: the registration stays."))
        had_place = registration.status == RegistrationStatus.REGISTERED
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = now
        registration.attended = False
        registration.save(update_fields=["status", "cancelled_at", "attended"])
        promoted = _promote(event, now=now) if had_place else []
        audit_record(
            actor=actor,
            action="event.registration_cancelled",
            target=registration,
            data={"event": event.pk, "promoted": [r.pk for r in promoted]},
        )
        if had_place and not event.is_cancelled and event.ends_at > now:
            enqueue_after_commit(tasks.send_registration_mail, registration.pk, "cancelled")
    registration.event = event
    return registration


def _promote(event: Event, *, now: dt.datetime) -> list[Registration]:
    """Move people up from the waiting list while there are places (the event is locked by
    the caller); each promoted person is e-mailed the invitation."""
    if event.is_cancelled or event.starts_at <= now:
        return []
    waiting = Registration.objects.filter(event=event, status=RegistrationStatus.WAITING).order_by(
        "position", "created_at", "pk"
    )
    if event.capacity is not None:
        free = event.capacity - _registered_count(event)
        if free <= 0:
            return []
        waiting = waiting[:free]
    promoted = list(waiting)
    for registration in promoted:
        registration.status = RegistrationStatus.REGISTERED
        registration.save(update_fields=["status"])
        audit_record(
            actor=None,
            action="event.promoted",
            target=registration,
            data={"event": event.pk, "position": registration.position},
        )
        enqueue_after_commit(tasks.send_registration_mail, registration.pk, "promoted")
    return promoted


# --- Attendance ----------------------------------------------------------------------------


def attendance_record(
    *, actor: Any, event: Event, attended: Iterable[int], now: dt.datetime | None = None
) -> int:
    """Staff take attendance for an event that has started: the registrations in
    ``attended`` (registered or waiting) were there, the event's other ones were not.
    Returns how many registrations changed."""
    _require_staff(actor)
    now = now or timezone.now()
    wanted = set(attended)
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if event.is_cancelled:
            raise ValidationError(_("The event is cancelled: there is no attendance to take."))
        if event.starts_at > now:
            raise ValidationError(_("Attendance can be taken once the event has started."))
        rows = {
            registration.pk: registration
            for registration in Registration.objects.filter(event=event, status__in=ACTIVE_STATUSES)
        }
        unknown = wanted - rows.keys()
        if unknown:
            raise ValidationError(
                {"attended": [_("Some of these are not registrations of this event.")]}
            )
        changed = [
            registration
            for pk, registration in rows.items()
            if registration.attended != (pk in wanted)
        ]
        for registration in changed:
            registration.attended = registration.pk in wanted
        Registration.objects.bulk_update(changed, ["attended"])
        audit_record(
            actor=actor,
            action="event.attendance_recorded",
            target=event,
            data={"attended": sorted(wanted), "changed": sorted(r.pk for r in changed)},
        )
    return len(changed)


# --- The personal calendar feed ------------------------------------------------------------


def calendar_token_rotate(*, actor: Any) -> CalendarToken:
    """Make the person's calendar link, or a new one: the old link stops working."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    with transaction.atomic():
        token, created = CalendarToken.objects.select_for_update().get_or_create(user=actor)
        if not created:
            token.secret = new_calendar_secret()
            token.save(update_fields=["secret", "created_at"])
        audit_record(
            actor=actor,
            action="event.calendar_link_created" if created else "event.calendar_link_rotated",
            target=token,
        )
    return token
