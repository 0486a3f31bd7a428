"""Directory data for the test tenants: listed partners with what they publish, and partners
that must never be seen publicly (not listed, not active), each carrying secrets."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from programmes.awards.models import AwardRound, Nomination, NominatorKind, RoundStatus
from programmes.certificates.models import Certificate
from programmes.climate.models import ClimateAccount, Scope3Emission
from programmes.configuration.models import AwardCategory, CertificationScheme, Tier
from programmes.followups.models import FollowUp, FollowUpStatus, GoalProgress
from programmes.partners.models import (
    ContactRole,
    Goal,
    Partner,
    PartnerContact,
    Publication,
    Stage,
    StageChange,
)

TODAY = dt.date.today()
EVERYTHING = list(Publication.values)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
_counter = iter(range(10_000_000))


def new_partner(
    name: str,
    *,
    public_fields: list[str] | None = None,
    stage: str = Stage.ACTIVE,
    sector: str = "services",
    **fields: Any,
) -> Partner:
    """A partner (business ids are not checked on insert, so any unique one does)."""
    values: dict[str, Any] = {
        "business_id": f"T{next(_counter):09d}",
        "kind": "company",
        "language": "da",
        "stage_changed_at": timezone.now(),
    }
    values.update(fields)
    return Partner.objects.create(
        name=name, stage=stage, sector=sector, public_fields=public_fields or [], **values
    )


def listed(name: str, *extra: str, **fields: Any) -> Partner:
    return new_partner(name, public_fields=[Publication.DIRECTORY, *extra], **fields)


def scheme(name: str) -> CertificationScheme:
    return CertificationScheme.objects.get_or_create(name=name)[0]


def certify(partner: Partner, scheme_name: str, **fields: Any) -> Certificate:
    values: dict[str, Any] = {"expires_on": TODAY + dt.timedelta(days=400)}
    values.update(fields)
    return Certificate.objects.create(partner=partner, scheme=scheme(scheme_name), **values)


def award_win(partner: Partner, name: str, year: int = 2024) -> AwardRound:
    category = AwardCategory.objects.create(
        name={"da": name, "sv": name, "en": name},
        nomination_opens=dt.date(year, 1, 1),
        nomination_closes=dt.date(year, 2, 1),
    )
    award_round = AwardRound.objects.create(
        category=category,
        year=year,
        nomination_opens=dt.date(year, 1, 1),
        nomination_closes=dt.date(year, 2, 1),
        status=RoundStatus.CLOSED,
    )
    nomination = Nomination.objects.create(
        round=award_round,
        nominee=partner,
        nominee_name=partner.name,
        justification=f"{name} justification",
        nominator_kind=NominatorKind.STAFF,
    )
    award_round.winner = nomination
    award_round.status = RoundStatus.ANNOUNCED
    award_round.announced_at = timezone.now()
    award_round.save(update_fields=["winner", "status", "announced_at"])
    return award_round


def account(partner: Partner, year: int, scope1: str, *, baseline: bool = False) -> ClimateAccount:
    row = ClimateAccount.objects.create(
        partner=partner,
        year=year,
        scope1=Decimal(scope1),
        scope2_location=Decimal("10"),
        method="own",
        is_baseline=baseline,
        notes=f"{partner.name} account notes",
    )
    Scope3Emission.objects.create(account=row, category=1, tonnes=Decimal("5"))
    return row


def goal(partner: Partner, description: str, status: str = "approved", **fields: Any) -> Goal:
    values: dict[str, Any] = {
        "theme": "energy",
        "indicator": "kWh",
        "unit": "kWh",
        "baseline_value": Decimal(1000),
        "baseline_year": 2022,
        "target_value": Decimal(500),
        "target_date": dt.date(2030, 12, 31),
        "horizon": "long_term",
    }
    values.update(fields)
    return Goal.objects.create(partner=partner, description=description, status=status, **values)


def progress(target: Goal, *, year: int = 2024, value: str = "750", comment: str = "") -> None:
    follow_up, _ = FollowUp.objects.get_or_create(
        partner=target.partner,
        year=year,
        defaults={
            "status": FollowUpStatus.SUBMITTED,
            "opened_at": timezone.now(),
            "due_on": TODAY,
            "submitted_at": timezone.now(),
        },
    )
    GoalProgress.objects.create(
        follow_up=follow_up,
        goal=target,
        status="on_track",
        value_reached=Decimal(value),
        comment=comment,
    )


def with_logo(partner: Partner) -> Partner:
    partner.logo.save(f"logo-{partner.pk}.png", ContentFile(PNG), save=True)
    return partner


def secrets_everywhere(partner: Partner, secret: str) -> None:
    """Give a partner ``<secret>-<item>`` in every publishable item (``<secret>-description``,
    ``-website``, ``-city``, ``-goals``, ``-certificates``, ``-awards``, ``-contacts``; its logo,
    the sector "energy" and emissions of 987,654.321 t) and ``<secret>-…`` in everything a
    partner never publishes (street, certificate number, comments, notes, the stage history;
    987654 employees)."""
    lower = secret.lower()
    partner.description = {"da": f"{secret}-description", "sv": f"{secret}-description"}
    partner.website = f"https://{lower}-website.example/"
    partner.city = f"{secret}-city"
    partner.street = f"{secret}-street"
    partner.postcode = "9876"
    partner.employees = 987654
    partner.sector = "energy"
    partner.save()
    with_logo(partner)
    PartnerContact.objects.create(
        partner=partner,
        name=f"{secret}-contacts",
        email=f"{lower}-contacts@contact.example",
        phone="+45 98 76 54 32",
        role=ContactRole.MAIN,
    )
    PartnerContact.objects.create(
        partner=partner,
        name=f"{secret}-invoicing-contact",
        email=f"{lower}-invoicing@contact.example",
        role=ContactRole.INVOICING,
    )
    target = goal(partner, f"{secret}-goals", indicator=f"{secret}-goals indicator")
    progress(target, comment=f"{secret}-comment")
    # Measured by the climate accounts when no value is reported: shows emissions.
    goal(partner, f"{secret}-goals emissions", unit="t CO2e", baseline_year=2020)
    goal(partner, f"{secret}-draft-goal", status="draft")
    certify(partner, f"{secret}-certificates", number=f"{secret}-certificate-number")
    certify(partner, f"{secret}-expired-scheme", expires_on=TODAY - dt.timedelta(days=1))
    award_win(partner, f"{secret}-awards")
    account(partner, 2024, "987654.321", baseline=True)
    FollowUp.objects.filter(partner=partner).update(support_needed=f"{secret}-support")
    StageChange.objects.create(
        partner=partner,
        from_stage="booked",
        to_stage=partner.stage,
        actor_label=f"{secret}-actor",
        reason=f"{secret}-stage-reason",
    )


def tier(name: str, order: int = 0) -> Tier:
    return Tier.objects.create(name={"da": name, "sv": name, "en": name}, order=order)
