"""The demo tenants' events: Hjørring's annual wheel for last year and this year with past
attendance (most partners one to four of the four main events), future events with
registrations and a waiting list; Porvoo's network meetings and trainings; the same every
time."""

from collections import Counter

from django.utils import timezone
from django_tenants.utils import tenant_context

from programmes.configuration.models import ActivityKind, Programme
from programmes.events import selectors
from programmes.events.demo import demo_events_create
from programmes.events.models import Event, Registration, RegistrationStatus
from programmes.partners.demo import demo_partners_create
from programmes.partners.models import Partner, Stage
from tenants.management.commands.load_demo import DEMO_PARTNERS
from tests.configuration.test_presets import onboard
from tests.conftest import World


def _fingerprint() -> list[tuple]:
    return list(
        Registration.objects.order_by("event__starts_at", "partner__name", "pk").values_list(
            "event__kind", "event__starts_at", "partner__name", "status", "position", "attended"
        )
    )


def test_hjorring_has_its_annual_wheel_with_past_attendance(
    alpha: World, django_assert_max_num_queries
) -> None:
    with tenant_context(onboard("hjorring")):
        demo_partners_create(country="DK", language="da", count=DEMO_PARTNERS["hjorring"])
        with django_assert_max_num_queries(9):  # whatever the number of partners
            made = demo_events_create(slug="hjorring", country="DK", language="da")
        assert made == Event.objects.count() > 0
        assert Programme.objects.get().main_events_expected == 4
        now = timezone.now()
        this_year = selectors.current_year()
        for year in (this_year - 1, this_year):
            start, end = selectors.year_bounds(year)
            main = Event.objects.filter(
                counts_as_main_event=True, starts_at__gte=start, starts_at__lt=end
            )
            kinds = Counter(main.values_list("kind", flat=True))
            assert kinds == {ActivityKind.MAIN_EVENT: 3, ActivityKind.PARTNERSHIP_DAY: 1}
            assert all(event.wheel_activity_id for event in main)
        # Last year: every main event held, attendance taken; most active partners came to
        # one to four of the four.
        last_year = selectors.participation(year=this_year - 1)
        attended = Counter(row.attended for row in last_year)
        assert sum(attended.values()) == Partner.objects.filter(stage=Stage.ACTIVE).count()
        assert max(attended) <= 4
        assert sum(attended[n] for n in (1, 2, 3, 4)) >= 0.6 * sum(attended.values())
        assert attended[4] >= 1 and sum(attended[n] for n in (1, 2)) >= 1
        assert {row.expected for row in last_year} == {4}
        assert Registration.objects.filter(attended=True, event__starts_at__gt=now).count() == 0
        # Future events have registrations; one is full with a waiting list.
        future = Registration.objects.filter(event__starts_at__gt=now)
        assert future.filter(status=RegistrationStatus.REGISTERED).exists()
        waiting = future.filter(status=RegistrationStatus.WAITING)
        assert waiting.count() >= 1
        full = Event.objects.get(pk=waiting.first().event_id)
        assert full.registrations.filter(status="registered").count() == full.capacity
        assert sorted(waiting.values_list("position", flat=True)) == list(
            range(1, waiting.count() + 1)
        )
        # Nobody registers for an event before signing.
        for registration in Registration.objects.select_related("partner", "event"):
            joined = registration.partner.joined_on
            assert joined is not None and joined <= registration.event.starts_at.date()

        assert demo_events_create(slug="hjorring", country="DK", language="da") == 0
        before = _fingerprint()
        Event.objects.all().delete()
        demo_events_create(slug="hjorring", country="DK", language="da")
        assert _fingerprint() == before


def test_porvoo_has_network_meetings_and_trainings(alpha: World) -> None:
    with tenant_context(onboard("porvoo")):
        demo_partners_create(country="FI", language="sv", count=DEMO_PARTNERS["porvoo"])
        assert demo_events_create(slug="porvoo", country="FI", language="sv") > 0
        kinds = set(Event.objects.values_list("kind", flat=True))
        assert kinds == {ActivityKind.NETWORK_MEETING, ActivityKind.TRAINING}
        assert Event.objects.filter(title__has_key="fi").count() == Event.objects.count()
        assert Registration.objects.exists()
