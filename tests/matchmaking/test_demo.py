"""The demo: Hjørring gets a partnership day with a computed schedule; others nothing."""

from django.utils import timezone
from django_tenants.utils import tenant_context

from programmes.matchmaking import solver
from programmes.matchmaking.demo import demo_matchmaking_create
from programmes.matchmaking.models import Meeting, Profile, Session, Tag
from programmes.partners.models import Partner, Stage
from tests.conftest import World


def test_hjorring_gets_a_partnership_day_with_a_schedule_once(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        assert demo_matchmaking_create(slug="porvoo", country="FI", language="sv") == 0
        assert not Session.objects.exists()

        for number in range(12):
            Partner.objects.create(
                name=f"{alpha.marker} demo {number}",
                business_id=f"D{number}",
                kind="company",
                sector="services",
                language="da",
                stage=Stage.ACTIVE,
                stage_changed_at=timezone.now(),
            )
        meetings = demo_matchmaking_create(slug="hjorring", country="DK", language="da")
        session = Session.objects.get()
        assert session.title["da"] == "Partnerskabsdag"
        assert (session.rounds, session.meeting_minutes, session.tables) == (5, 20, 15)
        assert meetings == Meeting.objects.count() > 0
        assert Tag.objects.filter(name__has_key="en").count() == Tag.objects.count() >= 10
        active = Partner.objects.filter(stage=Stage.ACTIVE).count()
        assert Profile.objects.count() == active
        rounds = [
            list(session.meetings.filter(round=n).values_list("partner_a_id", "partner_b_id"))
            for n in range(1, 6)
        ]
        wishes = Profile.do_not_match.through.objects.values_list(
            "profile__partner_id", "partner_id"
        )
        assert solver.schedule_violations(rounds, tables=15, forbidden=list(wishes)) == []

        assert demo_matchmaking_create(slug="hjorring", country="DK", language="da") == 0
        assert Session.objects.count() == 1
