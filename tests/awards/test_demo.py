"""The demo's award history: Porvoo's annual award and Klimatkommunerna's monthly and
annual prizes have past rounds with nominations, submitted scores and announced winners
that keep the categories' rules, this year's round as the calendar has it; other tenants
get nothing; a second run makes nothing."""

from collections import Counter

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from programmes.awards import selectors
from programmes.awards.demo import demo_awards_create
from programmes.awards.models import AwardRound, JurorSubmission, Nomination, RoundStatus, Score
from programmes.configuration.models import AwardCategory
from programmes.partners.demo import demo_partners_create
from tenants.management.commands.load_demo import DEMO_PARTNERS
from tests.configuration.test_presets import onboard
from tests.conftest import World


@pytest.mark.parametrize(
    ("slug", "country", "language"), [("porvoo", "FI", "sv"), ("klimatkommunerna", "SE", "sv")]
)
def test_the_award_history_of_the_demo(
    alpha: World, slug: str, country: str, language: str
) -> None:
    today = timezone.localdate()
    with tenant_context(onboard(slug)):
        demo_partners_create(
            country=country,
            language=language,
            count=DEMO_PARTNERS[slug],
            municipalities=slug == "klimatkommunerna",
        )
        made = demo_awards_create(slug=slug, country=country, language=language)
        assert made == AwardRound.objects.count() > 0
        assert demo_awards_create(slug=slug, country=country, language=language) == 0
        for category in AwardCategory.objects.all():
            rounds = AwardRound.objects.filter(category=category)
            announced = rounds.filter(status=RoundStatus.ANNOUNCED)
            assert {r.year for r in announced} >= {today.year - 3, today.year - 2, today.year - 1}
            assert rounds.filter(year=today.year).exists()
            for award_round in announced:
                criteria = list(award_round.criteria.all())
                totals = selectors.round_totals(award_round, criteria)
                eligible = set(award_round.nominations.values_list("pk", flat=True))
                assert award_round.winner_id in selectors.highest_total(totals, eligible)
                assert award_round.announced_at is not None
                assert JurorSubmission.objects.filter(round=award_round).count() == 4
            winners = Counter(announced.values_list("winner__nominee", flat=True))
            if category.previous_winners_excluded:
                assert max(winners.values()) == 1
            if category.municipal_units_excluded:
                assert not Nomination.objects.filter(
                    round__category=category, nominee__kind="municipality"
                ).exists()
            current = rounds.filter(year=today.year).exclude(status=RoundStatus.ANNOUNCED)
            assert current.exists() and all(r.nominations.exists() for r in current)
        # A juror linked to a partner never scored its nominations.
        linked = Nomination.objects.filter(
            nominee__memberships__user__email=f"jury-4@{slug}.example"
        )
        assert not Score.objects.filter(
            nomination__in=linked, juror__email=f"jury-4@{slug}.example"
        ).exists()
        if slug == "klimatkommunerna":
            # Members are municipalities, and they win.
            assert Nomination.objects.filter(nominee__kind="municipality").exists()
            monthly = AwardRound.objects.filter(month__isnull=False)
            assert monthly.filter(status=RoundStatus.OPEN, month=today.month).exists()
            assert monthly.count() >= 36


def test_other_tenants_get_no_awards(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        assert demo_awards_create(slug="alpha", country="DK", language="da") == 0
        assert not AwardRound.objects.exists()
