"""The event services: capacity and the waiting list, cancellations, attendance and the
partners' participation, bad input refused without a trace, audited changes."""

import datetime as dt

import icalendar
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_tenants.utils import tenant_context

from programmes.configuration.models import ActivityKind
from programmes.core.models import AuditEvent
from programmes.events import selectors, services
from programmes.events.models import Event, Registration, RegistrationStatus
from programmes.partners.models import Partner
from tests.conftest import World
from tests.events.conftest import expect_main_events, make_event, register


@pytest.fixture
def people(alpha: World) -> dict:
    return alpha.users


def _status(registration: Registration) -> str:
    registration.refresh_from_db()
    return registration.status


# --- Capacity and the waiting list ---------------------------------------------------------


def test_a_partner_person_registers_and_gets_a_place_with_the_invitation(
    alpha: World, people: dict, django_capture_on_commit_callbacks
) -> None:
    with tenant_context(alpha.tenant):
        event = make_event(alpha, capacity=2)
        with django_capture_on_commit_callbacks(execute=True):
            registration = services.registration_create(actor=people["partner_admin"], event=event)
        assert registration.status == RegistrationStatus.REGISTERED
        assert registration.partner == Partner.objects.get(name=f"{alpha.marker} partner")
        assert registration.email == people["partner_admin"].email
        assert AuditEvent.objects.filter(action="event.registered").count() == 1
    assert [message.to for message in mail.outbox] == [[people["partner_admin"].email]]
    assert mail.outbox[0].attachments[0].filename == "invite.ics"


def test_when_full_people_join_the_waiting_list_in_order(alpha: World, people: dict) -> None:
    with tenant_context(alpha.tenant):
        event = make_event(alpha, capacity=1)
        first = services.registration_create(actor=people["partner_admin"], event=event)
        second = services.registration_create(actor=people["partner_member"], event=event)
        third = services.registration_create(actor=people["other_partner_member"], event=event)
        assert first.status == RegistrationStatus.REGISTERED and first.position is None
        assert (second.status, second.position) == (RegistrationStatus.WAITING, 1)
        assert (third.status, third.position) == (RegistrationStatus.WAITING, 2)
        counted = selectors.with_counts(Event.objects.filter(pk=event.pk)).get()
        assert (counted.registered_count, counted.waiting_count) == (1, 2)


def test_a_place_given_up_goes_to_the_first_on_the_waiting_list_who_is_emailed(
    alpha: World, people: dict, django_capture_on_commit_callbacks
) -> None:
    with tenant_context(alpha.tenant):
        event = make_event(alpha, capacity=1)
        first = services.registration_create(actor=people["partner_admin"], event=event)
        second = services.registration_create(actor=people["partner_member"], event=event)
        third = services.registration_create(actor=people["other_partner_member"], event=event)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.registration_cancel(actor=people["partner_admin"], registration=first)
        assert _status(first) == RegistrationStatus.CANCELLED
        assert _status(second) == RegistrationStatus.REGISTERED
        assert _status(third) == RegistrationStatus.WAITING
        assert AuditEvent.objects.filter(action="event.promoted").count() == 1
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted([people["partner_admin"].email, people["partner_member"].email])
    promoted = next(m for m in mail.outbox if m.to == [people["partner_member"].email])
    assert promoted.attachments[0].mimetype == "text/calendar; method=REQUEST"
    cancelled = next(m for m in mail.outbox if m.to == [people["partner_admin"].email])
    parsed = icalendar.Calendar.from_ical(cancelled.attachments[0].content)
    assert parsed["method"] == "CANCEL"


def test_leaving_the_waiting_list_promotes_nobody(alpha: World, people: dict) -> None:
    with tenant_context(alpha.tenant):
        event = make_event(alpha, capacity=1)
        first = services.registration_create(actor=people["partner_admin"], event=event)
        second = services.registration_create(actor=people["partner_member"], event=event)
        third = services.registration_create(actor=people["other_partner_member"], event=event)
        services.registration_cancel(actor=people["partner_member"], registration=second)
        assert _status(first) == RegistrationStatus.REGISTERED
        assert _status(third) == RegistrationStatus.WAITING


def test_more_places_move_people_up_and_fewer_than_registered_are_refused(
    alpha: World, people: dict
) -> None:
    staff = people["municipal_staff"]
    with tenant_context(alpha.tenant):
        event = make_event(alpha, capacity=1)
        services.registration_create(actor=people["partner_admin"], event=event)
        second = services.registration_create(actor=people["partner_member"], event=event)
        event.capacity = 2
        services.event_save(actor=staff, event=event)
        assert _status(second) == RegistrationStatus.REGISTERED
        event.capacity = 1
        with pytest.raises(ValidationError) as refused:
            services.event_save(actor=staff, event=event)
        assert "capacity" in refused.value.message_dict
        event.refresh_from_db()
        assert event.capacity == 2


def test_a_person_registers_once_and_again_after_cancelling(alpha: World, people: dict) -> None:
    person = people["partner_member"]
    with tenant_context(alpha.tenant):
        event = make_event(alpha)
        first = services.registration_create(actor=person, event=event)
        with pytest.raises(ValidationError):
            services.registration_create(actor=person, event=event)
        assert Registration.objects.count() == 1
        services.registration_cancel(actor=person, registration=first)
        again = services.registration_create(actor=person, event=event)
        assert again.status == RegistrationStatus.REGISTERED
        assert Registration.objects.count() == 2


@pytest.mark.parametrize("state", ["cancelled", "started", "unpublished"])
def test_registration_is_refused_for_cancelled_started_and_unpublished_events(
    alpha: World, people: dict, state: str
) -> None:
    with tenant_context(alpha.tenant):
        fields = {
            "cancelled": {"cancelled_at": timezone.now(), "cancellation_reason": "storm"},
            "started": {"days": -0.01},
            "unpublished": {"published": False},
        }[state]
        event = make_event(alpha, **fields)
        error = PermissionDenied if state == "unpublished" else ValidationError
        with pytest.raises(error):
            services.registration_create(actor=people["partner_admin"], event=event)
        assert not Registration.objects.exists()


@pytest.mark.parametrize("persona", ["municipal_admin", "municipal_staff"])
def test_staff_do_not_register_themselves(alpha: World, people: dict, persona: str) -> None:
    with tenant_context(alpha.tenant):
        event = make_event(alpha)
        with pytest.raises(PermissionDenied):
            services.registration_create(actor=people[persona], event=event)


def test_a_person_cancels_only_their_own_registration_staff_any(alpha: World, people: dict) -> None:
    with tenant_context(alpha.tenant):
        event = make_event(alpha)
        registration = services.registration_create(actor=people["partner_admin"], event=event)
        for other in ("partner_member", "other_partner_member"):
            with pytest.raises(PermissionDenied):
                services.registration_cancel(actor=people[other], registration=registration)
        services.registration_cancel(actor=people["municipal_staff"], registration=registration)
        assert _status(registration) == RegistrationStatus.CANCELLED
        with pytest.raises(ValidationError):
            services.registration_cancel(actor=people["partner_admin"], registration=registration)


# --- Events --------------------------------------------------------------------------------


def test_cancelling_an_event_tells_the_registered_and_the_waiting(
    alpha: World, people: dict, django_capture_on_commit_callbacks
) -> None:
    with tenant_context(alpha.tenant):
        event = make_event(alpha, capacity=1)
        services.registration_create(actor=people["partner_admin"], event=event)
        services.registration_create(actor=people["partner_member"], event=event)
        mail.outbox.clear()
        with pytest.raises(ValidationError):
            services.event_cancel(actor=people["municipal_staff"], event=event, reason=" ")
        with pytest.raises(PermissionDenied):
            services.event_cancel(actor=people["partner_admin"], event=event, reason="x")
        with django_capture_on_commit_callbacks(execute=True):
            services.event_cancel(
                actor=people["municipal_staff"], event=event, reason="ALPHA-MARKER storm"
            )
        event.refresh_from_db()
        assert event.is_cancelled and event.sequence == 1
        with pytest.raises(ValidationError):
            services.event_cancel(actor=people["municipal_staff"], event=event, reason="again")
        assert AuditEvent.objects.filter(action="event.cancelled").count() == 1
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert "ALPHA-MARKER storm" in message.body
        parsed = icalendar.Calendar.from_ical(message.attachments[0].content)
        assert parsed["method"] == "CANCEL"
        assert parsed.walk("VEVENT")[0]["status"] == "CANCELLED"


def test_a_new_time_sends_an_updated_invitation_with_a_higher_sequence(
    alpha: World, people: dict, django_capture_on_commit_callbacks
) -> None:
    with tenant_context(alpha.tenant):
        event = make_event(alpha)
        services.registration_create(actor=people["partner_admin"], event=event)
        mail.outbox.clear()
        event.title = {"da": "ALPHA-MARKER renamed"}
        services.event_save(actor=people["municipal_admin"], event=event)  # not a calendar change
        assert not mail.outbox
        event.starts_at += dt.timedelta(days=1)
        event.ends_at += dt.timedelta(days=1)
        with django_capture_on_commit_callbacks(execute=True):
            services.event_save(actor=people["municipal_admin"], event=event)
        event.refresh_from_db()
        assert event.sequence == 1
    assert len(mail.outbox) == 1
    vevent = icalendar.Calendar.from_ical(mail.outbox[0].attachments[0].content).walk("VEVENT")[0]
    assert vevent["sequence"] == 1
    assert vevent.decoded("dtstart") == event.starts_at.replace(microsecond=0)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_at": "before"}, "ends_at"),
        ({"capacity": -3}, "capacity"),
        ({"capacity": 0}, "capacity"),
        ({"place": "", "online_url": ""}, "place"),
        ({"title": {"en": "no Danish title"}}, "title"),
        ({"kind": ActivityKind.DEADLINE}, "kind"),
        ({"online_url": "not a link", "place": ""}, "online_url"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    alpha: World, people: dict, change: dict, field: str
) -> None:
    with tenant_context(alpha.tenant):
        starts_at = timezone.now() + dt.timedelta(days=3)
        values = {
            "title": {"da": "ALPHA-MARKER new"},
            "kind": ActivityKind.TRAINING,
            "starts_at": starts_at,
            "ends_at": starts_at + dt.timedelta(hours=2),
            "place": "Town hall",
        }
        values.update(change)
        if values["ends_at"] == "before":
            values["ends_at"] = starts_at - dt.timedelta(minutes=1)
        with pytest.raises(ValidationError) as refused:
            services.event_save(actor=people["municipal_staff"], event=Event(**values))
        assert field in refused.value.message_dict
        assert not Event.objects.exists()
        assert not AuditEvent.objects.filter(action__startswith="event.").exists()
        # Editing an existing event with the same bad input leaves it as it was.
        event = make_event(alpha, capacity=10)
        before = Event.objects.filter(pk=event.pk).values().get()
        for name, value in values.items():
            setattr(event, name, value)
        with pytest.raises(ValidationError):
            services.event_save(actor=people["municipal_staff"], event=event)
        assert Event.objects.filter(pk=event.pk).values().get() == before


def test_partners_people_do_not_manage_events(alpha: World, people: dict) -> None:
    with tenant_context(alpha.tenant):
        event = make_event(alpha)
        event.place = "elsewhere"
        for persona in ("partner_admin", "partner_member"):
            with pytest.raises(PermissionDenied):
                services.event_save(actor=people[persona], event=event)
            with pytest.raises(PermissionDenied):
                services.attendance_record(actor=people[persona], event=event, attended=[])


def test_main_events_and_the_partnership_day_always_count(alpha: World, people: dict) -> None:
    with tenant_context(alpha.tenant):
        starts_at = timezone.now() + dt.timedelta(days=3)
        event = services.event_save(
            actor=people["municipal_staff"],
            event=Event(
                title={"da": "Dag"},
                kind=ActivityKind.PARTNERSHIP_DAY,
                starts_at=starts_at,
                ends_at=starts_at + dt.timedelta(hours=6),
                online_url="https://meet.example/day",
            ),
        )
        assert event.counts_as_main_event
        assert AuditEvent.objects.filter(action="event.created").count() == 1


# --- Attendance and participation ----------------------------------------------------------


def test_attendance_is_taken_once_the_event_has_started(alpha: World, people: dict) -> None:
    staff = people["municipal_staff"]
    with tenant_context(alpha.tenant):
        future = make_event(alpha)
        registration = services.registration_create(actor=people["partner_admin"], event=future)
        with pytest.raises(ValidationError):
            services.attendance_record(actor=staff, event=future, attended=[registration.pk])
        past = make_event(alpha, days=-2)
        mine = register(past, people["partner_admin"])
        colleague = register(past, people["partner_member"], attended=True)
        gone = register(past, people["other_partner_member"], status="cancelled")
        with pytest.raises(ValidationError):  # a cancelled registration is not taken
            services.attendance_record(actor=staff, event=past, attended=[gone.pk])
        with pytest.raises(ValidationError):  # nor another event's
            services.attendance_record(actor=staff, event=past, attended=[registration.pk])
        changed = services.attendance_record(actor=staff, event=past, attended=[mine.pk])
        assert changed == 2
        mine.refresh_from_db()
        colleague.refresh_from_db()
        assert (mine.attended, colleague.attended) == (True, False)
        assert AuditEvent.objects.filter(action="event.attendance_recorded").count() == 1


def test_participation_counts_main_events_attended_this_year(alpha: World, people: dict) -> None:
    with tenant_context(alpha.tenant):
        expect_main_events(4)
        year = selectors.current_year()
        start, _end = selectors.year_bounds(year)
        now = timezone.now()

        def event_on(moment: dt.datetime, **fields: object) -> Event:
            days = (moment - now).total_seconds() / 86400
            return make_event(alpha, days=days, **fields)

        first = event_on(start + dt.timedelta(hours=10))
        second = event_on(start + dt.timedelta(days=1, hours=10))
        third = event_on(start + dt.timedelta(days=2, hours=10))
        network = event_on(
            start + dt.timedelta(days=3, hours=10),
            kind=ActivityKind.NETWORK_MEETING,
            counts_as_main_event=False,
        )
        cancelled = event_on(start + dt.timedelta(days=4, hours=10), cancelled_at=now)
        last_year = event_on(start - dt.timedelta(days=10))
        # Both people of the partner at the first event count once for the partner.
        register(first, people["partner_admin"], attended=True)
        register(first, people["partner_member"], attended=True)
        register(second, people["partner_member"], attended=True)
        register(third, people["partner_admin"], attended=False)  # registered, did not come
        register(network, people["partner_admin"], attended=True)
        register(cancelled, people["partner_admin"], attended=True)
        register(last_year, people["partner_admin"], attended=True)
        register(third, people["other_partner_member"], attended=True)

        rows = {row.partner.name: row for row in selectors.participation(year=year)}
        partner = rows[f"{alpha.marker} partner"]
        other = rows[f"{alpha.marker} other partner"]
        assert (partner.attended, partner.expected) == (2, 4)
        assert (other.attended, other.expected) == (1, 4)
        assert partner.planned == 3  # the cancelled one is not
        assert not partner.meets_expectation
        last = {row.partner.name: row.attended for row in selectors.participation(year=year - 1)}
        assert last == {f"{alpha.marker} partner": 1, f"{alpha.marker} other partner": 0}
        single = selectors.partner_participation(partner.partner, year=year)
        assert single.attended == 2
