"""Events of the programme (main events of the annual wheel, network meetings, trainings,
signing ceremonies, the partnership day), the registrations of partners' people, and the
secret token of each person's calendar feed.

The rules (capacity and waiting list, who may register, attendance) are the services'; see
README.md.
"""

import secrets
import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from programmes.configuration.models import ActivityKind
from programmes.core.i18n import TranslatedField, translated

# The kinds of the annual wheel that are events people attend (not follow-ups or deadlines).
EVENT_KINDS = (
    ActivityKind.MAIN_EVENT,
    ActivityKind.PARTNERSHIP_DAY,
    ActivityKind.NETWORK_MEETING,
    ActivityKind.TRAINING,
    ActivityKind.SIGNING,
)
# Kinds that always count towards the partner's expected main events.
MAIN_EVENT_KINDS = (ActivityKind.MAIN_EVENT, ActivityKind.PARTNERSHIP_DAY)


class Event(models.Model):
    """One event on a day and time, in a place and/or online."""

    title = TranslatedField(_("title"), blank=False)
    description = TranslatedField(_("description"))
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    wheel_activity = models.ForeignKey(
        "configuration.WheelActivity",
        verbose_name=_("activity of the annual wheel"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for no limit. When it is full, people join the waiting list."),
    )
    counts_as_main_event = models.BooleanField(
        _("counts as a main event"),
        default=False,
        help_text=_(
            "Attending counts towards the main events a partner is expected to attend. "
            "Always so for main events and the partnership day."
        ),
    )
    published = models.BooleanField(
        _("published"),
        default=True,
        help_text=_("Shown to partners and in the programme's calendar."),
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancellation_reason = models.TextField(_("why it is cancelled"), blank=True)
    # iCalendar: a stable UID and a SEQUENCE raised by every change sent to calendars.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["published", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="events_event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="events_event_capacity_positive",
            ),
        ]

    def __str__(self) -> str:
        return translated(self.title)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_STATUSES = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITING)


class Registration(models.Model):
    """A person of a partner registered for an event (or waiting for a place). ``name`` and
    ``email`` are copied at registration, so the list of attendees stays readable after the
    person's account is gone; ``user`` is empty for registrations made without an account
    (imported history)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="event_registrations",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_registrations",
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.REGISTERED,
    )
    # The place on the waiting list (lower comes first); kept once promoted, for the record.
    position = models.PositiveIntegerField(_("place on the waiting list"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["event", "status", "position", "created_at", "id"]
        indexes = [models.Index(fields=["event", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(user__isnull=False) & ~Q(status="cancelled"),
                name="events_one_active_registration_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} @ {self.event}"


def new_calendar_secret() -> str:
    return secrets.token_urlsafe(32)


class CalendarToken(models.Model):
    """The secret in a person's personal calendar feed URL (``calendar/<secret>.ics``).
    Calendar applications cannot sign in, so the URL itself is the key; making a new one
    (``calendar_token_rotate``) stops the old URL at once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token"
    )
    secret = models.CharField(max_length=64, unique=True, default=new_calendar_secret)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"calendar of {self.user_id}"
