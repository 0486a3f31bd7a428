"""Reading events, registrations and the partners' participation.

Participation: a partner attended an event when staff ticked "attended" on a registration of
one of its people. Per year (in the tenant's time zone) it is the number of distinct events
counting as main events, not cancelled, that the partner attended, against the programme's
``main_events_expected`` ("attended 2 of 4 main events this year").
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from programmes.configuration.models import Programme
from programmes.events.ical import tenant_zone
from programmes.events.models import (
    ACTIVE_STATUSES,
    CalendarToken,
    Event,
    Registration,
    RegistrationStatus,
)
from programmes.partners.models import Partner, Stage
from programmes.partners.selectors import partners_visible_to
from programmes.people.models import STAFF_ROLES

PARTNER_ROLES = ("partner_admin", "partner_member")
# How far back the programme's calendar feed reaches.
FEED_HISTORY_DAYS = 365


def is_staff(viewer: Any) -> bool:
    return bool(getattr(viewer, "is_authenticated", False) and viewer.role in STAFF_ROLES)


def events_visible_to(viewer: Any) -> QuerySet[Event]:
    """Staff see every event; a partner's people the published ones; nobody else any."""
    if is_staff(viewer):
        return Event.objects.all()
    if getattr(viewer, "is_authenticated", False) and viewer.role in PARTNER_ROLES:
        return Event.objects.filter(published=True)
    return Event.objects.none()


def get_event_for_user(viewer: Any, pk: int) -> Event:
    """The same 404 whether the event does not exist or is not shown to the viewer."""
    event = events_visible_to(viewer).select_related("wheel_activity").filter(pk=pk).first()
    if event is None:
        raise Http404
    return event


def with_counts(events: QuerySet[Event]) -> QuerySet[Event]:
    """Each event with ``registered_count``, ``waiting_count`` and ``attended_count``."""
    return events.annotate(
        registered_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED)
        ),
        waiting_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.WAITING)
        ),
        attended_count=Count("registrations", filter=Q(registrations__attended=True)),
    )


def with_own_registration(events: QuerySet[Event], viewer: Any) -> QuerySet[Event]:
    """Each event with the viewer's active registration (``my_registration_id`` and
    ``my_status``, None when not registered)."""
    own = Registration.objects.filter(
        event=OuterRef("pk"), user=viewer, status__in=ACTIVE_STATUSES
    ).order_by("-created_at")
    return events.annotate(
        my_registration_id=Subquery(own.values("pk")[:1]),
        my_status=Subquery(own.values("status")[:1]),
    )


def events_for_listing(*, viewer: Any, past: bool = False, now: dt.datetime | None = None) -> Any:
    """Upcoming (or past, newest first) events the viewer sees, with counts and the viewer's
    own registration, in one query."""
    now = now or timezone.now()
    rows = with_counts(events_visible_to(viewer))
    if not is_staff(viewer):
        rows = with_own_registration(rows, viewer)
    if past:
        return rows.filter(ends_at__lte=now).order_by("-starts_at", "-pk")
    return rows.filter(ends_at__gt=now).order_by("starts_at", "pk")


def event_with_counts(viewer: Any, pk: int) -> Event:
    rows = with_counts(events_visible_to(viewer)).select_related("wheel_activity")
    if not is_staff(viewer):
        rows = with_own_registration(rows, viewer)
    event = rows.filter(pk=pk).first()
    if event is None:
        raise Http404
    return event


def registrations_of_event(event: Event) -> list[Registration]:
    """Registered first, then the waiting list in order, then the cancelled."""
    order = {RegistrationStatus.REGISTERED: 0, RegistrationStatus.WAITING: 1}
    rows = list(Registration.objects.filter(event=event).select_related("partner", "event"))
    return sorted(
        rows,
        key=lambda r: (order.get(r.status, 2), r.position or 0, r.partner.name, r.name, r.pk),
    )


def registrations_visible_to(viewer: Any) -> QuerySet[Registration]:
    """Staff see every registration; a partner's people their partner's."""
    if is_staff(viewer):
        rows = Registration.objects.all()
    elif getattr(viewer, "is_authenticated", False) and viewer.role in PARTNER_ROLES:
        rows = Registration.objects.filter(
            partner__in=partners_visible_to(viewer), event__published=True
        )
    else:
        rows = Registration.objects.none()
    return rows.select_related("event", "partner")


def get_registration_for_user(viewer: Any, pk: int) -> Registration:
    registration = registrations_visible_to(viewer).filter(pk=pk).first()
    if registration is None:
        raise Http404
    return registration


def registrations_of_partner(partner: Partner) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(partner=partner, event__published=True)
        .select_related("event")
        .order_by("-event__starts_at", "name", "pk")
    )


def personal_registrations(user: Any) -> QuerySet[Registration]:
    """The person's registrations that belong in their calendar: registered or waiting, of
    published events (cancelled events stay, marked cancelled)."""
    return (
        Registration.objects.filter(user=user, status__in=ACTIVE_STATUSES, event__published=True)
        .select_related("event")
        .order_by("event__starts_at", "pk")
    )


def feed_events(*, now: dt.datetime | None = None) -> QuerySet[Event]:
    """The programme's calendar: published events from a year back on."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=FEED_HISTORY_DAYS)
    return Event.objects.filter(published=True, ends_at__gte=since).order_by("starts_at", "pk")


def calendar_token_of(user: Any) -> CalendarToken | None:
    return CalendarToken.objects.filter(user=user).first()


def user_for_calendar_secret(secret: str) -> Any | None:
    token = (
        CalendarToken.objects.select_related("user")
        .filter(secret=secret, user__is_active=True)
        .first()
    )
    return token.user if token else None


# --- Participation -------------------------------------------------------------------------


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """The year in the tenant's time zone, as [start, end) instants."""
    zone = tenant_zone()
    return dt.datetime(year, 1, 1, tzinfo=zone), dt.datetime(year + 1, 1, 1, tzinfo=zone)


def current_year() -> int:
    return timezone.now().astimezone(tenant_zone()).year


def main_events_expected() -> int:
    expected = Programme.objects.values_list("main_events_expected", flat=True).first()
    return expected or 0


def main_events_q(year: int, prefix: str = "") -> Q:
    start, end = year_bounds(year)
    return Q(
        **{
            f"{prefix}counts_as_main_event": True,
            f"{prefix}cancelled_at__isnull": True,
            f"{prefix}starts_at__gte": start,
            f"{prefix}starts_at__lt": end,
        }
    )


@dataclass(frozen=True)
class Participation:
    partner: Partner
    year: int
    attended: int  # main events of the year the partner attended
    expected: int  # the programme's expectation (0: none set)
    held: int  # main events of the year held so far (not cancelled, started)
    planned: int  # main events of the year in all (not cancelled)

    @property
    def meets_expectation(self) -> bool:
        return self.expected > 0 and self.attended >= self.expected


def participation(
    *, year: int, partners: QuerySet[Partner] | None = None, now: dt.datetime | None = None
) -> list[Participation]:
    """Per partner (by default the active ones), the main events of ``year`` it attended,
    in three queries whatever the number of partners."""
    now = now or timezone.now()
    expected = main_events_expected()
    main = Event.objects.filter(main_events_q(year))
    planned = main.count()
    held = main.filter(starts_at__lte=now).count() if planned else 0
    if partners is None:
        partners = Partner.objects.filter(stage=Stage.ACTIVE)
    attended_q = Q(event_registrations__attended=True) & main_events_q(
        year, "event_registrations__event__"
    )
    rows = partners.annotate(
        attended=Count("event_registrations__event", filter=attended_q, distinct=True)
    ).order_by("name", "pk")
    return [
        Participation(
            partner=partner,
            year=year,
            attended=partner.attended,
            expected=expected,
            held=held,
            planned=planned,
        )
        for partner in rows
    ]


def partner_participation(partner: Partner, *, year: int) -> Participation:
    rows = participation(year=year, partners=Partner.objects.filter(pk=partner.pk))
    return rows[0]


def participation_years() -> list[int]:
    """The years that have events, newest first, and this year."""
    years = {current_year()}
    zone = tenant_zone()
    first = Event.objects.order_by("starts_at").values_list("starts_at", flat=True).first()
    if first is not None:
        years.update(range(first.astimezone(zone).year, current_year() + 1))
    return sorted(years, reverse=True)
