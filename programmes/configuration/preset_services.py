"""Applying a preset: the whole configuration of a reference programme in one transaction,
through the same services (and validation) the admin pages use."""

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.configuration import services
from programmes.configuration.models import (
    FEE_SCHEDULE_FIELDS,
    PROGRAMME_PROFILE_FIELDS,
    AssessmentQuestion,
    AwardCategory,
    CertificationRule,
    CertificationScheme,
    ContactPerson,
    FeeSchedule,
    Obligation,
    Programme,
    SigningRound,
    Tier,
    WheelActivity,
)
from programmes.configuration.presets import preset_load
from programmes.core.audit import audit_record
from programmes.core.i18n import current_tenant

PROGRAMME_FIELDS = PROGRAMME_PROFILE_FIELDS
SCHEDULE_FIELDS = FEE_SCHEDULE_FIELDS


def _decimal(value: Any) -> Any:
    return Decimal(str(value)) if isinstance(value, int | float | str) and value != "" else value


def _next_date(month: int, day: int, today: dt.date) -> dt.date:
    candidate = dt.date(today.year, month, day)
    return candidate if candidate > today else dt.date(today.year + 1, month, day)


def preset_apply(*, actor: Any, preset: str) -> Programme:
    """Configure a new tenant's programme from a preset. Refuses a tenant that already has a
    configured programme, so a preset never overwrites a municipality's own choices."""
    data = preset_load(preset)
    if Tier.objects.exists() or FeeSchedule.objects.exists():
        raise ValidationError(_("This programme is already configured."), code="configured")
    tenant = current_tenant()
    zone = ZoneInfo(tenant.time_zone) if tenant else dt.UTC
    today = timezone.localdate(timezone=zone)
    with transaction.atomic():
        programme = Programme.objects.first() or Programme()
        for field in PROGRAMME_FIELDS:
            if field in data["programme"]:
                value = data["programme"][field]
                setattr(programme, field, _decimal(value) if field.endswith("percent") else value)
        programme.preset = preset
        services.programme_update(actor=actor, programme=programme)

        for order, contact in enumerate(data.get("contacts", [])):
            services.configuration_save(actor=actor, instance=ContactPerson(order=order, **contact))
        schedules = {}
        for item in data.get("fee_schedules", []):
            fields = {
                key: _decimal(item[key]) if key.endswith(("amount", "fee", "rate")) else item[key]
                for key in SCHEDULE_FIELDS
                if key in item
            }
            schedules[item["key"]] = services.fee_schedule_save(
                actor=actor,
                schedule=FeeSchedule(**fields),
                bands=[
                    {"min_size": low, "max_size": high, "amount": _decimal(amount)}
                    for low, high, amount in item.get("bands", [])
                ],
            )
        tiers = {}
        for order, item in enumerate(data.get("tiers", [])):
            tiers[item["key"]] = services.configuration_save(
                actor=actor,
                instance=Tier(
                    name=item["name"],
                    description=item.get("description", {}),
                    order=order,
                    fee_schedule=schedules.get(item.get("fee_schedule")),
                ),
            )
        schemes = {}
        for item in data.get("certification_schemes", []):
            schemes[item["name"]] = services.configuration_save(
                actor=actor, instance=CertificationScheme(**item)
            )
        for item in data.get("certification_rules", []):
            services.configuration_save(
                actor=actor,
                instance=CertificationRule(
                    description=item["description"],
                    within_months=item.get("within_months", 12),
                    plan_counts=item.get("plan_counts", False),
                ),
                m2m={
                    "schemes": [schemes[name] for name in item["schemes"]],
                    "tiers": [tiers[key] for key in item.get("tiers", [])],
                },
            )
        for order, item in enumerate(data.get("obligations", [])):
            services.configuration_save(
                actor=actor,
                instance=Obligation(kind=item["kind"], text=item["text"], order=order),
                m2m={"tiers": [tiers[key] for key in item.get("tiers", [])]},
            )
        for item in data.get("signing_rounds", []):
            day = _next_date(item["month"], item["day"], today)
            services.signing_round_save(
                actor=actor,
                signing_round=SigningRound(
                    title=item["title"],
                    starts_at=dt.datetime.combine(day, dt.time(item.get("hour", 14)), zone),
                    place=item["place"],
                    capacity=item["capacity"],
                    signatory_name=item["signatory_name"],
                    signatory_title=item["signatory_title"],
                ),
            )
        for item in data.get("award_categories", []):
            opens_month, opens_day = map(int, item["opens"].split("-"))
            closes_month, closes_day = map(int, item["closes"].split("-"))
            closes = _next_date(closes_month, closes_day, today)
            opens = dt.date(closes.year, opens_month, opens_day)
            if opens > closes:
                opens = opens.replace(year=closes.year - 1)
            services.award_category_save(
                actor=actor,
                category=AwardCategory(
                    name=item["name"],
                    description=item.get("description", {}),
                    prize_text=item.get("prize_text", {}),
                    nomination_opens=opens,
                    nomination_closes=closes,
                    nominators=item["nominators"],
                    previous_winners_excluded=item.get("previous_winners_excluded", True),
                    municipal_units_excluded=item.get("municipal_units_excluded", False),
                ),
                criteria=item["criteria"],
            )
        for item in data.get("wheel", []):
            services.configuration_save(
                actor=actor,
                instance=WheelActivity(
                    title=item["title"],
                    description=item.get("description", {}),
                    kind=item["kind"],
                    month=item["month"],
                ),
            )
        for order, item in enumerate(data.get("assessment_questions", [])):
            services.configuration_save(
                actor=actor, instance=AssessmentQuestion(order=order, **item)
            )
        if "privacy_statement" in data:
            statement = services.privacy_statement_draft(
                actor=actor, text=data["privacy_statement"]["text"]
            )
            services.privacy_statement_publish(actor=actor, statement=statement)
        audit_record(
            actor=actor,
            action="programme.preset_applied",
            target=programme,
            data={"preset": preset},
        )
    return programme
