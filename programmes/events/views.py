"""Event pages: the list and each event for staff and partners' people (who register and
cancel there), staff pages to create, edit and cancel events and take attendance, the
participation table, the partner's own events page, and the two iCalendar feeds.

Pages with times run in the tenant's time zone (``in_tenant_time_zone``): a time typed into
the form is the municipality's local time, whatever the server's zone is.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from programmes.core.forms import apply_validation_error
from programmes.core.i18n import current_tenant
from programmes.core.urls import absolute_url
from programmes.core.views import role_required
from programmes.events import ical, selectors, services
from programmes.events.forms import AttendanceForm, CancelEventForm, EventForm, YearForm
from programmes.events.models import ACTIVE_STATUSES, Event
from programmes.partners.models import Partner
from programmes.partners.selectors import partner_of_user

STAFF = ("municipal_admin", "municipal_staff")
PARTNER_PEOPLE = ("partner_admin", "partner_member")
staff_required = role_required(*STAFF)
partner_people_required = role_required(*PARTNER_PEOPLE)
people_required = role_required(*STAFF, *PARTNER_PEOPLE)


def in_tenant_time_zone(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with timezone.override(ical.tenant_zone()):
            return view(request, *args, **kwargs)

    return wrapper


def _own_partner(request: HttpRequest) -> Partner:
    partner = partner_of_user(request.user)
    if partner is None:
        raise Http404
    return partner


def _feed_url() -> str:
    return absolute_url(reverse("calendar-feed"))


# --- Staff and partners' people ------------------------------------------------------------


@people_required
def event_list(request: HttpRequest) -> HttpResponse:
    """Upcoming events (``?past=1``: past ones, the latest 100) with places taken and the
    waiting list; staff see unpublished ones too."""
    past = request.GET.get("past") == "1"
    rows = selectors.events_for_listing(viewer=request.user, past=past)
    return render(
        request,
        "events/list.html",
        {
            "events": list(rows[:100]) if past else list(rows),
            "past": past,
            "is_staff": selectors.is_staff(request.user),
            "feed_url": _feed_url(),
        },
    )


@people_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_with_counts(request.user, pk)
    staff = selectors.is_staff(request.user)
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "is_staff": staff,
            "registrations": selectors.registrations_of_event(event) if staff else [],
            "can_register": (
                not staff
                and event.my_status is None
                and not event.is_cancelled
                and event.starts_at > timezone.now()
            ),
        },
    )


@require_POST
@partner_people_required
def event_register(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_for_user(request.user, pk)
    try:
        registration = services.registration_create(actor=request.user, event=event)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if registration.position and registration.status == "waiting":
            messages.success(
                request,
                _("The event is full: you are number %(position)s on the waiting list.")
                % {"position": registration.position},
            )
        else:
            messages.success(request, _("You are registered. The invitation is on its way."))
    return redirect("event-detail", pk=event.pk)


@require_POST
@partner_people_required
def registration_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """The person cancels their own registration (the same 404 for anyone else's)."""
    registration = (
        selectors.registrations_visible_to(request.user)
        .filter(pk=pk, user=request.user, status__in=ACTIVE_STATUSES)
        .first()
    )
    if registration is None:
        raise Http404
    try:
        services.registration_cancel(actor=request.user, registration=registration)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your registration is cancelled."))
    return redirect("event-detail", pk=registration.event_id)


# --- Staff ---------------------------------------------------------------------------------


@staff_required
@in_tenant_time_zone
def event_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create (no ``pk``) or edit an event."""
    event = Event() if pk is None else selectors.get_event_for_user(request.user, pk)
    if event.is_cancelled:
        raise Http404
    tenant = current_tenant()
    form = EventForm(request.POST or None, instance=event, languages=tenant.languages)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_save(actor=request.user, event=form.instance)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The event is saved."))
            return redirect("event-detail", pk=form.instance.pk)
    return render(request, "events/form.html", {"form": form, "event": event})


@staff_required
def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_with_counts(request.user, pk)
    if event.is_cancelled:
        raise Http404
    form = CancelEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_cancel(
                actor=request.user, event=event, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The event is cancelled and the registered are told."))
            return redirect("event-detail", pk=event.pk)
    return render(request, "events/cancel.html", {"form": form, "event": event})


@staff_required
def event_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """One checkbox per registered (or waiting) person: who came."""
    event = selectors.get_event_for_user(request.user, pk)
    registrations = [
        r for r in selectors.registrations_of_event(event) if r.status in ACTIVE_STATUSES
    ]
    form = AttendanceForm(request.POST or None, registrations=registrations)
    can_take = not event.is_cancelled and event.starts_at <= timezone.now()
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.attendance_record(
                actor=request.user, event=event, attended=form.cleaned_data["attended"]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request, _("Attendance is saved (%(count)s changed).") % {"count": changed}
            )
            return redirect("event-attendance", pk=event.pk)
    chosen = {str(value) for value in (form["attended"].value() or [])}
    return render(
        request,
        "events/attendance.html",
        {
            "event": event,
            "form": form,
            "rows": [(r, str(r.pk) in chosen) for r in registrations],
            "can_take": can_take,
        },
    )


@staff_required
def participation(request: HttpRequest) -> HttpResponse:
    """Per active partner: the main events of a year attended against the expectation."""
    years = selectors.participation_years()
    form = YearForm(request.GET or None, years=years)
    year = (form.cleaned_data.get("year") if form.is_valid() else None) or years[0]
    rows = selectors.participation(year=year)
    return render(
        request,
        "events/participation.html",
        {
            "form": form,
            "year": year,
            "rows": rows,
            "expected": rows[0].expected if rows else selectors.main_events_expected(),
        },
    )


# --- The partner's own page ----------------------------------------------------------------


@partner_people_required
def my_events(request: HttpRequest) -> HttpResponse:
    """The partner's registrations (all its people's), its participation this year, and the
    person's own calendar link."""
    partner = _own_partner(request)
    year = selectors.current_year()
    token = selectors.calendar_token_of(request.user)
    personal_url = (
        absolute_url(reverse("calendar-personal", args=[token.secret])) if token else None
    )
    return render(
        request,
        "events/my_events.html",
        {
            "partner": partner,
            "registrations": list(selectors.registrations_of_partner(partner)[:200]),
            "participation": selectors.partner_participation(partner, year=year),
            "personal_url": personal_url,
            "feed_url": _feed_url(),
        },
    )


@require_POST
@partner_people_required
def my_calendar_link(request: HttpRequest) -> HttpResponse:
    """Make the person's calendar link, or a new one (the old one stops working)."""
    had = selectors.calendar_token_of(request.user) is not None
    services.calendar_token_rotate(actor=request.user)
    messages.success(
        request,
        _("Your new calendar link is ready; the old one no longer works.")
        if had
        else _("Your calendar link is ready."),
    )
    return redirect("my-events")


# --- iCalendar feeds -----------------------------------------------------------------------


def _ics(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=ical.CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def calendar_feed(request: HttpRequest) -> HttpResponse:
    """The programme's published events, for anyone to subscribe to."""
    tenant = current_tenant()
    content = ical.tenant_feed(selectors.feed_events(), name=tenant.name)
    return _ics(content, "calendar.ics")


@never_cache
def calendar_personal(request: HttpRequest, secret: str) -> HttpResponse:
    """A person's registrations, by the secret in the URL (calendar applications cannot sign
    in); the same 404 for an unknown or replaced secret."""
    user = selectors.user_for_calendar_secret(secret)
    if user is None:
        raise Http404
    tenant = current_tenant()
    name = _("%(site)s: my events") % {"site": tenant.name}
    content = ical.personal_feed(selectors.personal_registrations(user), name=name)
    return _ics(content, "my-events.ics")
