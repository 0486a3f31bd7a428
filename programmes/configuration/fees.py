"""Fee computation: pure functions over a fee schedule, no database writes.

Amounts are Decimals rounded to cents (half up), in the tenant's currency.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from programmes.configuration.models import FeeSchedule

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def _money(value: Decimal | int) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class FeeQuote:
    """What a partner pays for one year: the annual fee (after pro-rata), the joining fee
    when it joins that year, VAT on both, and the total."""

    annual_fee: Decimal
    joining_fee: Decimal
    vat: Decimal
    total: Decimal
    full_annual_fee: Decimal


def annual_fee(
    schedule: "FeeSchedule", *, size: int | None = None, inhabitants: int | None = None
) -> Decimal:
    """The full annual fee before pro-rata and VAT."""
    from programmes.configuration.models import FeeKind

    if schedule.kind == FeeKind.FREE:
        return ZERO
    if schedule.kind == FeeKind.FLAT:
        return _money(schedule.flat_amount or ZERO)
    if schedule.kind == FeeKind.BANDED:
        if size is None or size < 0:
            raise ValidationError(_("The organisation's size is needed for this fee."))
        for band in schedule.bands.all():
            if band.min_size <= size and (band.max_size is None or size <= band.max_size):
                return _money(band.amount)
        raise ValidationError(_("No fee band covers a size of %(size)s.") % {"size": size})
    if schedule.kind == FeeKind.PER_INHABITANT:
        if inhabitants is None or inhabitants < 0:
            raise ValidationError(_("The number of inhabitants is needed for this fee."))
        fee = (schedule.base_amount or ZERO) + (schedule.per_inhabitant_amount or ZERO) * (
            inhabitants
        )
        if schedule.cap_amount is not None:
            fee = min(fee, schedule.cap_amount)
        return _money(fee)
    raise ValueError(f"unknown fee kind {schedule.kind!r}")


def pro_rata_share(schedule: "FeeSchedule", *, joined_on: dt.date | None, year: int) -> Decimal:
    """The share of the annual fee due for ``year`` by a partner that joined on ``joined_on``."""
    from programmes.configuration.models import ProRata

    if joined_on is None or joined_on.year < year:
        return Decimal(1)
    if joined_on.year > year:
        return Decimal(0)
    if schedule.pro_rata == ProRata.NEXT_YEAR:
        return Decimal(0)
    if schedule.pro_rata == ProRata.MONTHLY:
        return Decimal(13 - joined_on.month) / Decimal(12)
    return Decimal(1)


def fee_quote(
    schedule: "FeeSchedule",
    *,
    year: int,
    joined_on: dt.date | None = None,
    size: int | None = None,
    inhabitants: int | None = None,
) -> FeeQuote:
    full = annual_fee(schedule, size=size, inhabitants=inhabitants)
    fee = _money(full * pro_rata_share(schedule, joined_on=joined_on, year=year))
    joining = (
        _money(schedule.joining_fee) if joined_on is not None and joined_on.year == year else ZERO
    )
    vat = _money((fee + joining) * Decimal(schedule.vat_rate) / Decimal(100))
    return FeeQuote(
        annual_fee=fee,
        joining_fee=joining,
        vat=vat,
        total=fee + joining + vat,
        full_annual_fee=full,
    )
