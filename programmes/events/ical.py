"""iCalendar (RFC 5545) for events: the tenant's feed, a person's feed, and the invitation
(RFC 5546 ``METHOD:REQUEST``, or ``CANCEL``) attached to e-mails.

Times are written in the tenant's time zone (``DTSTART;TZID=Europe/Copenhagen:…``) with a
``VTIMEZONE`` for it, so calendars show the local time whatever the server's zone is.
Every event keeps one UID (``<uuid>@<tenant host>``) and raises ``SEQUENCE`` on every change
sent out, so calendars replace an event instead of adding a second one.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.core.i18n import current_tenant, translated
from programmes.core.urls import absolute_url, site_host
from programmes.events.models import Event, Registration, RegistrationStatus

PRODID = "-//Klimapartner//Events//EN"
CONTENT_TYPE = "text/calendar; charset=utf-8"
INVITATION_NAME = "invite.ics"
INVITATION_TYPE = "text/calendar; method=REQUEST"
CANCELLATION_TYPE = "text/calendar; method=CANCEL"


def tenant_zone(tenant: Any = None) -> ZoneInfo:
    tenant = tenant or current_tenant()
    return ZoneInfo(tenant.time_zone) if tenant and tenant.time_zone else ZoneInfo("UTC")


def event_uid(event: Event) -> str:
    return f"{event.uid}@{site_host()}"


def _calendar(name: str, method: str = "") -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", str(tenant_zone()))
    return calendar


def _location(event: Event, *, with_link: bool) -> str:
    link = event.online_url if with_link else ""
    return ", ".join(part for part in (event.place, link) if part)


def _vevent(
    event: Event,
    *,
    zone: ZoneInfo,
    stamp: dt.datetime,
    status: str,
    language: str | None,
    with_link: bool = True,
) -> icalendar.Event:
    """One event. ``with_link`` off (the public feed): the meeting's online link is left
    out, since the event itself is for the programme's people; the event page is the URL."""
    vevent = icalendar.Event()
    vevent.add("uid", event_uid(event))
    vevent.add("dtstamp", stamp)
    vevent.add("dtstart", event.starts_at.astimezone(zone))
    vevent.add("dtend", event.ends_at.astimezone(zone))
    vevent.add("summary", translated(event.title, language))
    description = translated(event.description, language)
    if event.is_cancelled and event.cancellation_reason:
        description = "\n\n".join(filter(None, [event.cancellation_reason, description]))
    if description:
        vevent.add("description", description)
    location = _location(event, with_link=with_link)
    if location:
        vevent.add("location", location)
    page = absolute_url(reverse("event-detail", args=[event.pk]))
    vevent.add("url", (event.online_url if with_link else "") or page)
    vevent.add("status", status)
    vevent.add("sequence", event.sequence)
    vevent.add("categories", [str(event.get_kind_display())])
    vevent.add("last-modified", event.updated_at.astimezone(dt.UTC))
    return vevent


def _event_status(event: Event, registration_status: str | None = None) -> str:
    if event.is_cancelled:
        return "CANCELLED"
    if registration_status == RegistrationStatus.WAITING:
        return "TENTATIVE"
    return "CONFIRMED"


def _finish(calendar: icalendar.Calendar, events: list[Event]) -> bytes:
    if events:
        first = min(event.starts_at for event in events).date()
        last = max(event.ends_at for event in events).date()
        calendar.add_missing_timezones(
            first_date=dt.date(first.year - 1, 1, 1), last_date=dt.date(last.year + 2, 1, 1)
        )
    return calendar.to_ical()


def tenant_feed(events: Iterable[Event], *, name: str) -> bytes:
    """The programme's published events; cancelled ones with ``STATUS:CANCELLED`` so that
    subscribed calendars take them out."""
    calendar = _calendar(name)
    rows = list(events)
    zone, stamp = tenant_zone(), timezone.now()
    for event in rows:
        calendar.add_component(
            _vevent(
                event,
                zone=zone,
                stamp=stamp,
                status=_event_status(event),
                language=None,
                with_link=False,
            )
        )
    return _finish(calendar, rows)


def personal_feed(registrations: Iterable[Registration], *, name: str) -> bytes:
    """A person's registrations: confirmed, waiting (``TENTATIVE``) or cancelled events."""
    calendar = _calendar(name)
    rows = list(registrations)
    zone, stamp = tenant_zone(), timezone.now()
    for registration in rows:
        status = _event_status(registration.event, registration.status)
        calendar.add_component(
            _vevent(registration.event, zone=zone, stamp=stamp, status=status, language=None)
        )
    return _finish(calendar, [registration.event for registration in rows])


def invitation(registration: Registration, *, language: str, cancel: bool = False) -> bytes:
    """The invitation sent with a confirmation (``METHOD:REQUEST``), or the cancellation of
    the event or of the person's place (``METHOD:CANCEL``), with organiser and attendee as
    RFC 5546 wants them."""
    event = registration.event
    tenant = current_tenant()
    calendar = _calendar(translated(event.title, language), "CANCEL" if cancel else "REQUEST")
    zone = tenant_zone(tenant)
    status = "CANCELLED" if cancel else "CONFIRMED"
    vevent = _vevent(event, zone=zone, stamp=timezone.now(), status=status, language=language)
    organizer = icalendar.vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    organizer.params["cn"] = icalendar.vText(tenant.name if tenant else _("Klimapartner"))
    vevent.add("organizer", organizer)
    attendee = icalendar.vCalAddress(f"mailto:{registration.email}")
    attendee.params["cn"] = icalendar.vText(registration.name or registration.email)
    attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = icalendar.vText("DECLINED" if cancel else "ACCEPTED")
    attendee.params["rsvp"] = icalendar.vText("FALSE")
    vevent.add("attendee", attendee)
    calendar.add_component(vevent)
    return _finish(calendar, [event])
