"""An award of the test tenants: a category with two weighted criteria and two jury
members (municipal staff, and the partner's member, who is linked to the first partner), and
a round open for nominations today."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from programmes.awards import services
from programmes.awards.models import AwardRound, Nomination
from programmes.configuration.models import AwardCategory, ScoringCriterion
from programmes.partners.models import Partner
from tests.conftest import World


@dataclass
class Award:
    world: World
    category: AwardCategory
    round: AwardRound
    partner: Partner  # has the partner admin and the partner member (a juror)
    other: Partner  # has the other partner's member

    def user(self, persona: str):  # type: ignore[no-untyped-def]
        return self.world.users[persona]

    def nominate(
        self, partner: Partner | None = None, persona: str = "municipal_staff", **kw: object
    ) -> Nomination:
        values: dict[str, object] = {
            "actor": self.user(persona),
            "award_round": self.round,
            "nominee": partner or self.other,
            "justification": f"{self.world.marker} justification",
        }
        values.update(kw)
        return services.nomination_create(**values)  # type: ignore[arg-type]


def make_award(
    world: World,
    *,
    nominators: tuple[str, ...] = ("partners", "public", "staff"),
    previous_winners_excluded: bool = True,
    municipal_units_excluded: bool = False,
) -> Award:
    """Call inside the world's tenant_context."""
    today = timezone.localdate()
    marker = world.marker
    category = AwardCategory.objects.create(
        name={"da": f"{marker} award", "sv": f"{marker} award", "en": f"{marker} award"},
        description={"en": f"{marker} award description"},
        prize_text={"en": f"{marker} prize"},
        nomination_opens=today - dt.timedelta(days=10),
        nomination_closes=today + dt.timedelta(days=10),
        nominators=list(nominators),
        previous_winners_excluded=previous_winners_excluded,
        municipal_units_excluded=municipal_units_excluded,
    )
    ScoringCriterion.objects.create(
        category=category, name={"da": f"{marker} impact", "sv": f"{marker} impact"}, weight=60
    )
    ScoringCriterion.objects.create(
        category=category, name={"da": f"{marker} example", "sv": f"{marker} example"}, weight=40
    )
    category.jurors.set([world.users["municipal_staff"], world.users["partner_member"]])
    award_round = services.round_open(
        actor=None,
        category=category,
        year=today.year,
        nomination_opens=today - dt.timedelta(days=10),
        nomination_closes=today + dt.timedelta(days=10),
    )
    return Award(
        world=world,
        category=category,
        round=award_round,
        partner=Partner.objects.get(name=f"{marker} partner"),
        other=Partner.objects.get(name=f"{marker} other partner"),
    )


@pytest.fixture
def award(alpha: World) -> Award:
    with tenant_context(alpha.tenant):
        return make_award(alpha)
