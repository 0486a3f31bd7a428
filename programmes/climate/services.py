"""Saving a partner's annual climate account (forms, the API and imports come through here).

One account per partner and year; at most one of a partner's accounts is its baseline, and
marking another year as the baseline moves the flag. Years run from 1990 (the Kyoto
Protocol's base year) to the current one: an account of a year still to come is refused.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.climate.models import (
    ActivityData,
    ActivityKind,
    ActivityUnit,
    ClimateAccount,
    Scope3Category,
    Scope3Emission,
)
from programmes.core.audit import audit_record
from programmes.partners.models import Partner

FIRST_YEAR = 1990
# The units each activity may be given in; the first is the one the import template uses.
UNITS_BY_KIND: dict[str, tuple[str, ...]] = {
    ActivityKind.ELECTRICITY: (ActivityUnit.KWH, ActivityUnit.MWH),
    ActivityKind.DISTRICT_HEATING: (ActivityUnit.KWH, ActivityUnit.MWH),
    ActivityKind.NATURAL_GAS: (ActivityUnit.CUBIC_METRE, ActivityUnit.KWH, ActivityUnit.MWH),
    ActivityKind.HEATING_OIL: (ActivityUnit.LITRE, ActivityUnit.CUBIC_METRE),
    ActivityKind.DIESEL: (ActivityUnit.LITRE, ActivityUnit.CUBIC_METRE),
    ActivityKind.PETROL: (ActivityUnit.LITRE, ActivityUnit.CUBIC_METRE),
    ActivityKind.VEHICLE_DISTANCE: (ActivityUnit.KM,),
    ActivityKind.FLIGHT_DISTANCE: (ActivityUnit.KM,),
    ActivityKind.WASTE: (ActivityUnit.TONNE, ActivityUnit.KG),
}


@dataclass(frozen=True)
class Activity:
    """A quantity behind the account: 52,000 kWh of electricity, 3,100 l of diesel."""

    kind: str
    quantity: Decimal
    unit: str


def unit_labels(kind: str) -> list[str]:
    return [str(ActivityUnit(unit).label) for unit in UNITS_BY_KIND.get(kind, ())]


def year_problems(year: int, *, today: dt.date | None = None) -> list[str]:
    """Why an account cannot be for ``year``: before 1990, or still to come."""
    this_year = (today or timezone.localdate()).year
    if year < FIRST_YEAR:
        return [_("Give a year from %(first)s on.") % {"first": FIRST_YEAR}]
    if year > this_year:
        return [_("The year is in the future.")]
    return []


def activity_problems(activities: list[Activity]) -> list[str]:
    """Each activity's kind, quantity and unit checked: the unit must suit the activity
    (kWh or MWh of electricity, litres of diesel…) and each activity is given once."""
    problems: list[str] = []
    seen: set[str] = set()
    for activity in activities:
        name = (
            str(ActivityKind(activity.kind).label)
            if activity.kind in ActivityKind.values
            else activity.kind
        )
        try:
            ActivityData(
                kind=activity.kind, quantity=activity.quantity, unit=activity.unit
            ).full_clean(exclude=["account"])
        except ValidationError as error:
            problems.extend(
                _("%(activity)s: %(message)s") % {"activity": name, "message": message}
                for messages in error.message_dict.values()
                for message in messages
            )
            continue
        if activity.unit not in UNITS_BY_KIND[activity.kind]:
            problems.append(
                _("%(activity)s cannot be given in %(unit)s: give one of %(units)s.")
                % {
                    "activity": name,
                    "unit": ActivityUnit(activity.unit).label,
                    "units": ", ".join(unit_labels(activity.kind)),
                }
            )
        if activity.kind in seen:
            problems.append(
                _("%(activity)s is given twice: add the quantities up.") % {"activity": name}
            )
        seen.add(activity.kind)
    return problems


def account_save(
    *,
    actor: Any,
    partner: Partner,
    year: int,
    scope1: Decimal,
    scope2_location: Decimal,
    scope2_market: Decimal | None = None,
    method: str,
    method_detail: str = "",
    is_baseline: bool = False,
    notes: str = "",
    scope3: dict[int, Decimal] | None = None,
    activities: list[Activity] | None = None,
    account: ClimateAccount | None = None,
) -> ClimateAccount:
    """Create the partner's account of ``year`` or, given ``account``, change it (its
    scope 3 categories and activities are replaced by those given). Marking it as the
    baseline moves the flag from the partner's former baseline year. ValidationError with
    messages by field (``scope3_<category>`` for a category's tonnes) when anything is
    wrong; then nothing is saved."""
    scope3 = {category: tonnes for category, tonnes in (scope3 or {}).items() if tonnes is not None}
    activities = list(activities or [])
    if account is None:
        account = ClimateAccount(partner=partner)
    elif account.partner_id != partner.pk:
        raise ValueError("The account is not this partner's.")
    created = account.pk is None
    fields = {
        "year": year,
        "scope1": scope1,
        "scope2_location": scope2_location,
        "scope2_market": scope2_market,
        "method": method,
        "method_detail": method_detail.strip(),
        "is_baseline": is_baseline,
        "notes": notes.strip(),
    }
    for name, value in fields.items():
        setattr(account, name, value)
    with transaction.atomic():
        # One writer per partner at a time: the year check and the baseline move hold.
        list(Partner.objects.select_for_update().filter(pk=partner.pk).values_list("pk"))
        errors = _problems(account, scope3, activities)
        if errors:
            raise ValidationError(errors)
        moved_from: list[int] = []
        if account.is_baseline:
            former = ClimateAccount.objects.filter(partner=partner, is_baseline=True).exclude(
                pk=account.pk
            )
            moved_from = list(former.values_list("year", flat=True))
            former.update(is_baseline=False)
        if actor is not None and getattr(actor, "is_authenticated", False):
            account.reported_by = actor
        account.save()
        if not created:
            account.scope3.all().delete()
            account.activities.all().delete()
        Scope3Emission.objects.bulk_create(
            Scope3Emission(account=account, category=category, tonnes=tonnes)
            for category, tonnes in sorted(scope3.items())
        )
        ActivityData.objects.bulk_create(
            ActivityData(account=account, kind=a.kind, quantity=a.quantity, unit=a.unit)
            for a in activities
        )
        audit_record(
            actor=actor,
            action="climate_account.created" if created else "climate_account.changed",
            target=account,
            data={
                "partner": partner.pk,
                "year": account.year,
                "scope1": str(account.scope1),
                "scope2_location": str(account.scope2_location),
                "scope2_market": None if scope2_market is None else str(scope2_market),
                "scope3": {str(category): str(tonnes) for category, tonnes in scope3.items()},
                "baseline": account.is_baseline,
                "baseline_moved_from": moved_from[0] if moved_from else None,
            },
        )
    return account


def _problems(
    account: ClimateAccount, scope3: dict[int, Decimal], activities: list[Activity]
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        account.full_clean(
            exclude=["partner", "reported_by"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    if "year" not in errors:
        if problems := year_problems(account.year):
            errors["year"] = problems
        elif (
            ClimateAccount.objects.filter(partner_id=account.partner_id, year=account.year)
            .exclude(pk=account.pk)
            .exists()
        ):
            errors["year"] = [
                _("There is already a climate account for %(year)s.") % {"year": account.year}
            ]
    for category, tonnes in scope3.items():
        if category not in Scope3Category.values:
            errors.setdefault("scope3", []).append(
                _("%(category)s is not a scope 3 category: give 1 to 15.") % {"category": category}
            )
            continue
        try:
            Scope3Emission(category=category, tonnes=tonnes).full_clean(exclude=["account"])
        except ValidationError as error:
            errors[f"scope3_{category}"] = [m for ms in error.message_dict.values() for m in ms]
    if problems := activity_problems(activities):
        errors["activities"] = problems
    return errors


def account_delete(*, actor: Any, account: ClimateAccount) -> None:
    """Remove an account entered by mistake (the audit trail keeps its year and totals)."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="climate_account.deleted",
            target=account,
            data={
                "partner": account.partner_id,
                "year": account.year,
                "baseline": account.is_baseline,
            },
        )
        account.delete()
