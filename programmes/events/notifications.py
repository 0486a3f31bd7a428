"""Event e-mails, each in the recipient's language (the person's, else the partner's, else the
tenant's) and keyed (``core.SentMail``) so that a retried task never sends one twice.

- confirmed / promoted: the place is yours, with the calendar invitation ``invite.ics``
  (``METHOD:REQUEST``);
- waiting: you are on the waiting list (no invitation yet);
- cancelled: you cancelled your place (``METHOD:CANCEL`` removes it from the calendar);
- event_cancelled: staff cancelled the event, with the reason (``METHOD:CANCEL``);
- event_changed: new time or place (``METHOD:REQUEST`` with a higher ``SEQUENCE``);
- reminder: the event is in the next two days.
"""

import datetime as dt

from django.urls import reverse
from django.utils import timezone, translation

from programmes.core.i18n import current_tenant, offered_language
from programmes.core.mail import Attachment, send_localised_mail_once
from programmes.core.urls import absolute_url
from programmes.events import ical
from programmes.events.models import Event, Registration, RegistrationStatus

WITH_INVITATION = {"confirmed", "promoted", "event_changed", "reminder"}
WITH_CANCELLATION = {"cancelled", "event_cancelled"}
KINDS = {"confirmed", "promoted", "waiting"} | WITH_INVITATION | WITH_CANCELLATION
# Registered people are reminded of events starting within this many hours.
REMINDER_HOURS = 48


def recipient_language(registration: Registration) -> str:
    user_language = registration.user.language if registration.user_id else ""
    return offered_language(user_language, registration.partner.language)


def _send(registration: Registration, kind: str, key: str) -> bool:
    assert kind in KINDS, kind
    event = registration.event
    language = recipient_language(registration)
    attachments: list[Attachment] = []
    with translation.override(language):
        if kind in WITH_INVITATION:
            content = ical.invitation(registration, language=language)
            attachments.append((ical.INVITATION_NAME, content, ical.INVITATION_TYPE))
        elif kind in WITH_CANCELLATION:
            content = ical.invitation(registration, language=language, cancel=True)
            attachments.append(("cancel.ics", content, ical.CANCELLATION_TYPE))
    return send_localised_mail_once(
        key=key,
        to=registration.email,
        language=language,
        template=f"events/email/{kind}",
        context={
            "event": event,
            "registration": registration,
            "partner": registration.partner,
            "site_name": current_tenant().name,
            "url": absolute_url(reverse("event-detail", args=[event.pk])),
            "my_events_url": absolute_url(reverse("my-events")),
        },
        attachments=attachments,
    )


def _registration(pk: int) -> Registration | None:
    return Registration.objects.select_related("event", "partner", "user").filter(pk=pk).first()


def registration_mail_send(*, registration_id: int, kind: str) -> bool:
    """One e-mail about one registration; True when it went out now."""
    registration = _registration(registration_id)
    if registration is None:
        return False
    expected = {
        "confirmed": RegistrationStatus.REGISTERED,
        "promoted": RegistrationStatus.REGISTERED,
        "waiting": RegistrationStatus.WAITING,
        "cancelled": RegistrationStatus.CANCELLED,
    }[kind]
    if registration.status != expected:
        return False  # changed again before the worker got to it
    key = f"event-registration:{registration.pk}:{kind}"
    return _send(registration, kind, key)


def _people_of(event: Event, statuses: tuple[str, ...]) -> list[Registration]:
    return list(
        Registration.objects.filter(event=event, status__in=statuses)
        .select_related("event", "partner", "user")
        .order_by("pk")
    )


def event_cancelled_send(*, event_id: int) -> int:
    """Everyone registered or waiting hears that the event is cancelled, and why."""
    event = Event.objects.filter(pk=event_id, cancelled_at__isnull=False).first()
    if event is None:
        return 0
    sent = 0
    statuses = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITING)
    for registration in _people_of(event, statuses):
        key = f"event:{event.pk}:cancelled:{registration.pk}"
        sent += _send(registration, "event_cancelled", key)
    return sent


def event_changed_send(*, event_id: int, sequence: int) -> int:
    """The registered people get the updated invitation (once per change)."""
    event = Event.objects.filter(pk=event_id, cancelled_at__isnull=True).first()
    if event is None or event.sequence != sequence:
        return 0  # changed again since: that change sends its own
    sent = 0
    for registration in _people_of(event, (RegistrationStatus.REGISTERED,)):
        key = f"event:{event.pk}:changed:{sequence}:{registration.pk}"
        sent += _send(registration, "event_changed", key)
    return sent


def event_reminders_send(*, now: dt.datetime | None = None) -> int:
    """The worker's daily run: registered people of published events starting within the
    next ``REMINDER_HOURS`` hours are reminded, once per registration."""
    now = now or timezone.now()
    rows = (
        Registration.objects.filter(
            status=RegistrationStatus.REGISTERED,
            event__published=True,
            event__cancelled_at__isnull=True,
            event__starts_at__gt=now,
            event__starts_at__lte=now + dt.timedelta(hours=REMINDER_HOURS),
        )
        .select_related("event", "partner", "user")
        .order_by("event__starts_at", "pk")
    )
    sent = 0
    for registration in rows:
        key = f"event:{registration.event_id}:reminder:{registration.pk}"
        sent += _send(registration, "reminder", key)
    return sent
