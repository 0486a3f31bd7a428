"""Fictional events for the demo tenants, from the annual wheel of their preset.

Each event activity of the wheel (main events, the partnership day, network meetings,
trainings; signing ceremonies are the signing rounds' own) becomes an event on a weekday of
its month: in Hjørring for last year, this year and the coming months, elsewhere for this
year and the coming months. Past events have their attendance: every partner signed by then
has a habit (most attend one to four of Hjørring's four main events a year), a few
registered people did not come. Future events have registrations, one of Hjørring's network
meetings is full with a waiting list, and one training is cancelled. Registrations are made
in the name of each partner's main contact (demo partners have no accounts). Made in bulk
from a seeded random generator, so the same call always gives the same demo.
"""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from programmes.configuration.models import ActivityKind, WheelActivity
from programmes.core.i18n import current_tenant
from programmes.events.ical import tenant_zone
from programmes.events.models import MAIN_EVENT_KINDS, Event, Registration, RegistrationStatus
from programmes.partners.models import ContactRole, Partner, PartnerContact, Stage

# Wheel kinds that become demo events (signing ceremonies are the signing rounds).
DEMO_KINDS = (
    ActivityKind.MAIN_EVENT,
    ActivityKind.PARTNERSHIP_DAY,
    ActivityKind.NETWORK_MEETING,
    ActivityKind.TRAINING,
)
# Weekday (Monday 0), start and end hour, and places per kind.
SCHEDULE = {
    ActivityKind.MAIN_EVENT: (1, 15, 18, 120),
    ActivityKind.PARTNERSHIP_DAY: (3, 9, 16, None),
    ActivityKind.NETWORK_MEETING: (3, 14, 16, 40),
    ActivityKind.TRAINING: (2, 9, 12, 25),
}
VENUES = {
    "DK": [
        "Hjørring Rådhus, Springvandspladsen 5, 9800 Hjørring",
        "Vendsyssel Teater, Hjørring",
        "Erhvervshus Hjørring, Markedsgade 5, 9800 Hjørring",
        "Hirtshals Havn, mødecentret",
    ],
    "FI": [
        "Borgå stadshus, Stadshusgatan 3, Borgå",
        "Konstfabriken, Borgå",
        "Campus Borgå, Aleksandersgatan 1",
    ],
    "NO": [
        "Fylkeshuset, Sarpsborg",
        "Høgskolen i Østfold, Fredrikstad",
        "Quality Hotel Edge, Halden",
    ],
    "SE": [
        "Sveriges Kommuner och Regioner, Hornsgatan 20, Stockholm",
        "Medborgarhuset, Örebro",
    ],
}


# Hjørring's extra network meeting in three weeks, full with a waiting list.
FULL_MEETING_TITLE = {
    "da": "Netværksmøde: Cirkulær økonomi i praksis",
    "en": "Network meeting: The circular economy in practice",
}
FULL_MEETING_DESCRIPTION = {
    "da": "Tre partnere viser, hvordan de genbruger materialer og emballage, "
    "og vi arbejder i små grupper med jeres egne idéer.",
    "en": "Three partners show how they reuse materials and packaging, "
    "and we work in small groups on your own ideas.",
}
FULL_MEETING_PLACES = 16  # a workshop room
FULL_MEETING_WAITING = 4
CANCELLED_REASON = {
    "da": "For få tilmeldte; kurset holdes igen til foråret.",
    "sv": "För få anmälda; utbildningen hålls igen i vår.",
    "nb": "For få påmeldte; kurset holdes igjen til våren.",
    "en": "Too few registrations; the course runs again in the spring.",
}


def _weekday_in_month(year: int, month: int, weekday: int, week: int) -> dt.date:
    """The ``week``-th (1-based) given weekday of the month."""
    first = dt.date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    return first + dt.timedelta(days=offset + 7 * (week - 1))


def demo_events_create(*, slug: str, country: str, language: str) -> int:
    """Events with registrations and attendance for a demo tenant; skipped when it has
    events already. Returns how many events were made."""
    if Event.objects.exists():
        return 0
    activities = list(WheelActivity.objects.filter(kind__in=DEMO_KINDS).order_by("month", "pk"))
    if not activities:
        return 0
    rng = random.Random(f"events-{slug}")  # noqa: S311  (fictional data, repeatable)
    zone = tenant_zone(current_tenant())
    now = timezone.now()
    this_year = now.astimezone(zone).year
    years = [this_year - 1, this_year] if slug == "hjorring" else [this_year]
    venues = VENUES.get(country, VENUES["DK"])
    horizon = now + dt.timedelta(days=200)

    events: list[Event] = []
    for year in [*years, this_year + 1]:
        for number, activity in enumerate(activities):
            weekday, start, end, capacity = SCHEDULE[ActivityKind(activity.kind)]
            day = _weekday_in_month(year, activity.month, weekday, 2)
            starts_at = dt.datetime.combine(day, dt.time(start), zone)
            if year > this_year and starts_at > horizon:
                continue
            online = activity.kind == ActivityKind.TRAINING and number % 2 == 0
            events.append(
                Event(
                    title=activity.title,
                    description=activity.description,
                    kind=activity.kind,
                    wheel_activity=activity,
                    starts_at=starts_at,
                    ends_at=dt.datetime.combine(day, dt.time(end), zone),
                    place="" if online else venues[number % len(venues)],
                    online_url=f"https://video.{slug}.example/{activity.kind}-{year}-{number}"
                    if online
                    else "",
                    capacity=capacity,
                    counts_as_main_event=activity.kind in MAIN_EVENT_KINDS,
                    published=True,
                )
            )
    full: Event | None = None
    if slug == "hjorring":
        day = (now + dt.timedelta(days=21)).astimezone(zone).date()
        # Full whatever the number of partners: a few of them wait for a place.
        signed = Partner.objects.filter(stage=Stage.ACTIVE, contacts__role=ContactRole.MAIN)
        places = max(1, min(FULL_MEETING_PLACES, signed.distinct().count() - FULL_MEETING_WAITING))
        full = Event(
            title=FULL_MEETING_TITLE,
            description=FULL_MEETING_DESCRIPTION,
            kind=ActivityKind.NETWORK_MEETING,
            starts_at=dt.datetime.combine(day, dt.time(14), zone),
            ends_at=dt.datetime.combine(day, dt.time(16), zone),
            place=venues[2],
            capacity=places,
            published=True,
        )
        events.append(full)
    # The first future training is cancelled, for the record.
    training = next(
        (e for e in events if e.kind == ActivityKind.TRAINING and e.starts_at > now), None
    )
    if training is not None:
        training.cancelled_at = now - dt.timedelta(days=3)
        training.cancellation_reason = CANCELLED_REASON.get(language, CANCELLED_REASON["en"])
        training.sequence = 1

    with transaction.atomic():
        Event.objects.bulk_create(events)
        Registration.objects.bulk_create(_registrations(rng, events, now, full=full))
    return len(events)


def _registrations(
    rng: random.Random, events: list[Event], now: dt.datetime, *, full: Event | None
) -> list[Registration]:
    partners = list(
        Partner.objects.filter(stage__in=[Stage.ACTIVE, Stage.ENDED]).order_by("name", "pk")
    )
    contacts = {
        contact.partner_id: contact
        for contact in PartnerContact.objects.filter(role=ContactRole.MAIN).order_by("-pk")
    }
    # Each partner's habit: how likely it comes to a main event, and to anything else.
    habit = {p.pk: rng.choice([0.3, 0.5, 0.6, 0.75, 0.75, 0.9, 0.9, 1.0]) for p in partners}
    rows: list[Registration] = []
    for event in events:
        member = [p for p in partners if _member_at(p, event.starts_at) and p.pk in contacts]
        past = event.starts_at <= now
        if event is full and event.capacity is not None:
            wanted = event.capacity + FULL_MEETING_WAITING
            chosen = rng.sample(member, min(len(member), wanted))
        else:
            chance = 1.0 if event.counts_as_main_event else 0.35
            share = 1.0 if past else 0.6  # not everyone has registered yet
            chosen = [p for p in member if rng.random() < habit[p.pk] * chance * share]
            if event.capacity is not None:
                chosen = chosen[: event.capacity]
        for position, partner in enumerate(chosen, start=1):
            contact = contacts[partner.pk]
            waiting = event.capacity is not None and position > event.capacity
            rows.append(
                Registration(
                    event=event,
                    partner=partner,
                    name=contact.name,
                    email=contact.email,
                    status=RegistrationStatus.WAITING if waiting else RegistrationStatus.REGISTERED,
                    position=position - event.capacity if waiting else None,
                    # A few registered people did not come.
                    attended=past and not event.is_cancelled and rng.random() < 0.93,
                )
            )
    return rows


def _member_at(partner: Partner, moment: dt.datetime) -> bool:
    """Signed by the day of the event, and not yet ended."""
    if partner.joined_on is None or partner.joined_on > moment.date():
        return False
    return partner.stage == Stage.ACTIVE or (
        partner.ended_at is not None and partner.ended_at > moment
    )
