"""Announcements of the test tenants: partners in several stages, tiers and sectors."""

import datetime as dt
import itertools
from dataclasses import dataclass, field

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from programmes.certificates.models import Certificate
from programmes.communication.models import Announcement
from programmes.configuration.models import CertificationScheme, Tier
from programmes.partners.models import Partner, PartnerContact, Stage
from tests.conftest import World

_numbers = itertools.count(1)


def make_partner(
    name: str,
    *,
    stage: str = Stage.ACTIVE,
    sector: str = "services",
    tier: Tier | None = None,
    language: str = "da",
    contact: str | None = None,
) -> Partner:
    """A partner (call inside a tenant context); with a main contact when ``contact``."""
    partner = Partner.objects.create(
        name=name,
        business_id=f"TEST{next(_numbers):06d}",
        kind="company",
        sector=sector,
        tier=tier,
        language=language,
        stage=stage,
        stage_changed_at=timezone.now(),
    )
    if contact:
        PartnerContact.objects.create(partner=partner, name=name, email=contact, role="main")
    return partner


def expiring_certificate(partner: Partner, days: int = 10) -> Certificate:
    scheme = CertificationScheme.objects.get_or_create(name="Miljøfyrtårn")[0]
    today = timezone.localdate()
    return Certificate.objects.create(
        partner=partner,
        scheme=scheme,
        number=f"N-{partner.pk}-{days}",
        issued_on=today - dt.timedelta(days=1000),
        expires_on=today + dt.timedelta(days=days),
    )


def announcement(world: World, **fields: object) -> Announcement:
    """A draft of ``world`` with marked texts (call inside its tenant context)."""
    primary = world.tenant.primary_language
    values: dict[str, object] = {
        "title": {primary: f"{world.marker} title", "en": f"{world.marker} English title"},
        "body": {primary: f"{world.marker} text", "en": f"{world.marker} English text"},
        "category": "news",
    }
    values.update(fields)
    return Announcement.objects.create(**values)


@dataclass
class Programme:
    """Alpha's partners for segment tests, beside the two of tests/conftest.py (active,
    services; the first answered its 2025 follow-up)."""

    world: World
    gold: Tier
    silver: Tier
    partners: dict[str, Partner] = field(default_factory=dict)

    def names(self, rows: object) -> set[str]:
        return {partner.name for partner in rows}  # type: ignore[attr-defined]


def make_programme(world: World) -> Programme:
    """Call inside the world's tenant context."""
    gold = Tier.objects.create(name={"da": "Guld", "en": "Gold"})
    silver = Tier.objects.create(name={"da": "Sølv", "en": "Silver"}, order=1)
    programme = Programme(world=world, gold=gold, silver=silver)
    marker = world.marker
    programme.partners = {
        "partner": Partner.objects.get(name=f"{marker} partner"),
        "other": Partner.objects.get(name=f"{marker} other partner"),
        "builder": make_partner(f"{marker} builder", sector="construction", tier=gold),
        "energy": make_partner(f"{marker} energy", sector="energy", tier=silver),
        "applicant": make_partner(
            f"{marker} applicant", stage=Stage.APPLIED, sector="construction", tier=gold
        ),
        "ended": make_partner(
            f"{marker} ended", stage=Stage.ENDED, sector="construction", tier=gold
        ),
    }
    return programme


@pytest.fixture
def programme(alpha: World) -> Programme:
    with tenant_context(alpha.tenant):
        return make_programme(alpha)
