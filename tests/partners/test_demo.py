from django.db.models import Count, Max
from django_tenants.utils import tenant_context

from programmes.configuration.models import AssessmentQuestion, Programme
from programmes.followups.models import FollowUp, FollowUpStatus, GoalProgress
from programmes.partners.demo import demo_partners_create
from programmes.partners.models import (
    AssessmentAnswer,
    ContactRole,
    Goal,
    GoalStatus,
    Partner,
    PartnerContact,
    Stage,
    StageChange,
)
from tenants.management.commands.load_demo import DEMO_PARTNERS
from tests.configuration.test_presets import onboard
from tests.conftest import World

BEFORE_GOALS = [Stage.APPLIED, Stage.ASSESSED]
ASCII = str.maketrans("åäö", "aao")


def test_load_demo_gives_each_programme_its_size() -> None:
    assert DEMO_PARTNERS == {"hjorring": 47, "porvoo": 25, "ostfold": 55, "klimatkommunerna": 40}


def test_hjorring_demo_partners_are_realistic_at_every_stage(
    alpha: World, django_assert_max_num_queries
) -> None:
    count = DEMO_PARTNERS["hjorring"]
    with tenant_context(onboard("hjorring")):
        # The history (assessments, goals, follow-ups) is written in bulk: the queries grow
        # with the partners only.
        with django_assert_max_num_queries(12 * count):
            assert demo_partners_create(country="DK", language="da", count=count) == count
        assert set(Partner.objects.values_list("stage", flat=True)) == set(Stage.values)
        assert StageChange.objects.count() == count

        # A main contact each, at a made-up address.
        contacts = PartnerContact.objects.filter(role=ContactRole.MAIN)
        assert contacts.values("partner").distinct().count() == count
        assert all(
            email.startswith("klima@") and email.endswith(".example")
            for email in PartnerContact.objects.values_list("email", flat=True)
        )

        # The self-assessment answered by everyone past "applied".
        questions = AssessmentQuestion.objects.count()
        assessed = Partner.objects.exclude(stage=Stage.APPLIED)
        assert AssessmentAnswer.objects.count() == assessed.count() * questions > 0

        # One to three goals, in Danish, from the goals proposed on; none before.
        goals_per_partner = Partner.objects.annotate(n=Count("goals"))
        assert not goals_per_partner.filter(stage__in=BEFORE_GOALS, n__gt=0).exists()
        assert set(
            goals_per_partner.exclude(stage__in=BEFORE_GOALS).values_list("n", flat=True)
        ) <= {1, 2, 3}
        assert set(
            Goal.objects.filter(partner__stage=Stage.GOALS_PROPOSED).values_list(
                "status", flat=True
            )
        ) == {GoalStatus.PROPOSED}
        assert set(
            Goal.objects.exclude(partner__stage=Stage.GOALS_PROPOSED).values_list(
                "status", flat=True
            )
        ) <= {GoalStatus.APPROVED, GoalStatus.ACHIEVED}
        descriptions = " ".join(Goal.objects.values_list("description", flat=True))
        assert "vores" in descriptions
        assert " vår " not in descriptions and " our " not in descriptions
        assert all(g.target_date.year >= g.baseline_year for g in Goal.objects.all())

        # Follow-ups: last year's answered with progress, this year's in a mix.
        assert not FollowUp.objects.exclude(partner__stage__in=[Stage.ACTIVE, Stage.ENDED]).exists()
        this_year = FollowUp.objects.aggregate(year=Max("year"))["year"]
        last_year = FollowUp.objects.filter(year=this_year - 1)
        assert last_year.exists()
        assert not last_year.exclude(status=FollowUpStatus.SUBMITTED).exists()
        assert GoalProgress.objects.filter(follow_up__year=this_year - 1).exists()
        current = FollowUp.objects.filter(year=this_year, partner__stage=Stage.ACTIVE)
        answered = current.filter(status=FollowUpStatus.SUBMITTED)
        waiting = current.filter(status=FollowUpStatus.OPEN)
        assert answered.count() >= current.count() * 0.4
        assert not answered.filter(progress__isnull=True, partner__goals__isnull=False).exists()
        reminders_max = Programme.objects.get().reminders_before_unresponsive
        assert waiting.filter(reminders_sent__lt=reminders_max).exists()
        flagged = Partner.objects.filter(unresponsive=True)
        assert 0 < flagged.count() < waiting.count()
        assert set(
            waiting.filter(partner__in=flagged).values_list("reminders_sent", flat=True)
        ) == {reminders_max}
        assert not waiting.filter(reminders_sent__lt=reminders_max, partner__in=flagged).exists()

        assert demo_partners_create(country="DK", language="da", count=count) == 0  # idempotent


def _fingerprint() -> list[tuple]:
    return [
        (
            partner.name,
            partner.stage,
            partner.unresponsive,
            tuple(partner.contacts.values_list("name", "email")),
            tuple(partner.goals.values_list("description", "baseline_value", "status")),
            tuple(partner.follow_ups.values_list("year", "status", "reminders_sent")),
        )
        for partner in Partner.objects.order_by("name")
    ]


def test_member_municipalities_for_klimatkommunerna_repeatably(alpha: World) -> None:
    count = DEMO_PARTNERS["klimatkommunerna"]
    with tenant_context(onboard("klimatkommunerna")):
        made = demo_partners_create(country="SE", language="sv", count=count, municipalities=True)
        assert made == count
        assert Partner.objects.values("name").distinct().count() == count
        assert not Partner.objects.filter(inhabitants__isnull=True).exists()
        assert not Partner.objects.exclude(kind="municipality").exists()
        for name, email in PartnerContact.objects.values_list("partner__name", "email"):
            assert email == f"klimat@{name.split()[0].lower()}-kommun.example".translate(ASCII)
        descriptions = " ".join(Goal.objects.values_list("description", flat=True))
        assert "kommunens" in descriptions
        assert FollowUp.objects.filter(status=FollowUpStatus.SUBMITTED).exists()
        assert Partner.objects.filter(unresponsive=True).exists()

        # The same call gives the same demo.
        before = _fingerprint()
        Partner.objects.all().delete()
        demo_partners_create(country="SE", language="sv", count=count, municipalities=True)
        assert _fingerprint() == before
