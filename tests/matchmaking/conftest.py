"""Matchmaking in the test tenants: a tag list, profiles for both partners of a world plus a
few more active partners, and a session; every name carries the world's marker."""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from programmes.matchmaking import services
from programmes.matchmaking.models import Session, Tag
from programmes.partners.models import Partner, Stage
from tests.conftest import World


@dataclass
class Matchmaking:
    world: World
    tags: dict[str, Tag]
    partner: Partner  # has the partner admin and member
    other: Partner  # has the other partner's member
    extra: list[Partner] = field(default_factory=list)
    session: Session | None = None


def make_matchmaking(world: World, *, extra: int = 2, compute: bool = True) -> Matchmaking:
    """Call inside the world's tenant_context."""
    marker = world.marker
    language = world.tenant.primary_language
    tags = {
        key: Tag.objects.create(name={language: f"{marker} {key}", "en": f"{marker} {key}"})
        for key in ("solar", "transport", "food", "waste")
    }
    partner = Partner.objects.get(name=f"{marker} partner")
    other = Partner.objects.get(name=f"{marker} other partner")
    more = [
        Partner.objects.create(
            name=f"{marker} extra {number}",
            business_id=f"X{marker[:1]}{number}",
            kind="company",
            sector="services",
            language=language,
            stage=Stage.ACTIVE,
            stage_changed_at=timezone.now(),
        )
        for number in range(extra)
    ]
    services.profile_save(
        actor=None,
        partner=partner,
        offers=[tags["solar"]],
        seeks=[tags["transport"]],
        interests=[tags["food"]],
        offers_text=f"{marker} we offer panels",
    )
    services.profile_save(
        actor=None,
        partner=other,
        offers=[tags["transport"]],
        seeks=[tags["solar"]],
        interests=[tags["food"]],
    )
    for number, extra_partner in enumerate(more):
        services.profile_save(
            actor=None,
            partner=extra_partner,
            offers=[tags["waste"], tags["transport"]] if number % 2 else [tags["solar"]],
            seeks=[tags["solar"]] if number % 2 else [tags["waste"], tags["transport"]],
            interests=[tags["food"]],
        )
    session = services.session_save(
        actor=None,
        session=Session(
            title={language: f"{marker} partnership day"},
            date=timezone.localdate() + dt.timedelta(days=30),
            starts_at=dt.time(9, 0),
            place=f"{marker} town hall",
            rounds=3,
            meeting_minutes=20,
            break_minutes=5,
            tables=2,
        ),
    )
    if compute:
        services.schedule_compute(actor=None, session=session)
    return Matchmaking(world, tags, partner, other, more, session)
