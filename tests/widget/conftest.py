"""Public data for the widget tests: partners of every kind with marker strings in what they
did not publish, and announced award winners who do and do not publish their awards."""

import itertools
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from django_tenants.utils import tenant_context

from programmes.awards.models import AwardRound, Nomination, RoundStatus
from programmes.configuration.models import AwardCategory
from programmes.partners.models import Partner, Publication, Stage
from programmes.widget import services
from tests.conftest import World

# Text that must never appear in the widget's JSON or frame.
SECRETS = (
    "UNLISTED-SECRET",  # an active partner that did not choose the directory
    "ENDED-SECRET",  # a partnership that ended (it had chosen the directory)
    "APPLIED-SECRET",  # not active yet (chose the directory already)
    "DESCRIPTION-SECRET",
    "WEBSITE-SECRET",
    "CITY-SECRET",
    "PC-SECRET",
    "STREET-SECRET",
    "HIDDEN-AWARD-SECRET",  # the award of a winner who does not publish its awards
    "UNLISTED-AWARD-SECRET",  # won by a partner not in the directory
    "ENDED-AWARD-SECRET",  # won by a partner whose partnership ended
    "JUSTIFICATION-SECRET",
)
_business_ids = itertools.count(90_000_000)


def add_partner(
    name: str,
    *,
    fields: tuple[str, ...] = (Publication.DIRECTORY,),
    stage: str = Stage.ACTIVE,
    logo: bool = False,
) -> Partner:
    """A partner of the current tenant with secrets in every field it may keep private."""
    partner = Partner.objects.create(
        name=name,
        business_id=str(next(_business_ids)),
        kind="company",
        sector="services",
        language="da",
        stage=stage,
        stage_changed_at=timezone.now(),
        public_fields=list(fields),
        description={"da": "DESCRIPTION-SECRET", "sv": "DESCRIPTION-SECRET"},
        website="https://website-secret.example/WEBSITE-SECRET",
        city="CITY-SECRET",
        postcode="PC-SECRET",
        street="STREET-SECRET",
    )
    if logo:
        partner.logo.save(f"logo-{partner.pk}.png", ContentFile(b"\x89PNG fake"), save=True)
    return partner


def announce(partner: Partner, award_name: str, year: int) -> AwardRound:
    """An announced round of a new award category won by ``partner``."""
    category = AwardCategory.objects.create(
        name={"da": award_name, "sv": award_name, "en": award_name},
        nomination_opens=timezone.localdate().replace(month=1, day=1),
        nomination_closes=timezone.localdate().replace(month=12, day=31),
        nominators=["staff"],
    )
    award_round = AwardRound.objects.create(
        category=category,
        year=year,
        nomination_opens=timezone.localdate().replace(year=year, month=1, day=1),
        nomination_closes=timezone.localdate().replace(year=year, month=12, day=31),
    )
    winner = Nomination.objects.create(
        round=award_round,
        nominee=partner,
        nominee_name=partner.name,
        justification="JUSTIFICATION-SECRET",
        nominator_kind="staff",
    )
    AwardRound.objects.filter(pk=award_round.pk).update(
        status=RoundStatus.ANNOUNCED, winner=winner, announced_at=timezone.now()
    )
    award_round.refresh_from_db()
    return award_round


@dataclass
class Public:
    world: World
    listed: Partner  # directory, logo and awards published; won an award
    plain: Partner  # directory only; has a logo and won an award, publishes neither


def make_public(world: World) -> Public:
    """Call inside the world's tenant_context."""
    marker = world.marker
    listed = add_partner(
        f"{marker} Ærøskøbing Bryghus",
        fields=(Publication.DIRECTORY, Publication.LOGO, Publication.AWARDS),
        logo=True,
    )
    plain = add_partner(f"{marker} Aalborg Cykler", logo=True)
    unlisted = add_partner(
        "UNLISTED-SECRET partner", fields=(Publication.LOGO, Publication.AWARDS), logo=True
    )
    ended = add_partner(
        "ENDED-SECRET partner",
        fields=(Publication.DIRECTORY, Publication.AWARDS),
        stage=Stage.ENDED,
    )
    add_partner("APPLIED-SECRET partner", stage=Stage.APPLIED)
    announce(listed, f"{marker} climate award", 2024)
    announce(plain, "HIDDEN-AWARD-SECRET award", 2025)
    announce(unlisted, "UNLISTED-AWARD-SECRET award", 2025)
    announce(ended, "ENDED-AWARD-SECRET award", 2025)
    return Public(world=world, listed=listed, plain=plain)


@pytest.fixture
def public(alpha: World) -> Public:
    with tenant_context(alpha.tenant):
        return make_public(alpha)


def allow(world: World, *origins: str) -> None:
    with tenant_context(world.tenant):
        services.widget_settings_save(
            actor=None,
            allowed_origins=list(origins),
            show_partners=True,
            show_count=True,
            show_winners=True,
            winners_count=3,
        )
