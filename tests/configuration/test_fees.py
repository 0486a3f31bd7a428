"""Fees for every schedule type, with edge bands, caps, pro-rata, joining fee and VAT."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from programmes.configuration.fees import annual_fee, fee_quote
from programmes.configuration.models import FeeSchedule
from programmes.configuration.services import fee_schedule_save
from tests.conftest import World

MILJOFYRTARN_BANDS = [
    (0, 9, "3000"),
    (10, 29, "5000"),
    (30, 49, "7500"),
    (50, 99, "10000"),
    (100, 199, "15000"),
    (200, 499, "20000"),
    (500, 999, "30000"),
    (1000, None, "40000"),
]


def bands(rows: list[tuple]) -> list[dict]:
    return [
        {"min_size": low, "max_size": high, "amount": Decimal(amount)} for low, high, amount in rows
    ]


@pytest.fixture
def banded(alpha: World) -> FeeSchedule:
    with tenant_context(alpha.tenant):
        return fee_schedule_save(
            actor=None,
            schedule=FeeSchedule(
                name={"da": "Partnergebyr"},
                kind="banded",
                size_measure="employees",
                vat_rate=Decimal("25"),
                pro_rata="monthly",
                joining_fee=Decimal("1000"),
            ),
            bands=bands(MILJOFYRTARN_BANDS),
        )


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        (0, "3000.00"),
        (9, "3000.00"),
        (10, "5000.00"),
        (29, "5000.00"),
        (30, "7500.00"),
        (99, "10000.00"),
        (100, "15000.00"),
        (499, "20000.00"),
        (999, "30000.00"),
        (1000, "40000.00"),
        (250_000, "40000.00"),
    ],
)
def test_banded_fees_at_every_band_edge(
    banded: FeeSchedule, alpha: World, size: int, expected: str
) -> None:
    with tenant_context(alpha.tenant):
        assert annual_fee(banded, size=size) == Decimal(expected)


def test_a_banded_fee_needs_the_size(banded: FeeSchedule, alpha: World) -> None:
    with tenant_context(alpha.tenant), pytest.raises(ValidationError):
        annual_fee(banded, size=None)


def test_free_and_flat_fees() -> None:
    assert annual_fee(FeeSchedule(kind="free")) == Decimal("0.00")
    assert annual_fee(FeeSchedule(kind="flat", flat_amount=Decimal("12500"))) == Decimal("12500.00")


@pytest.mark.parametrize(
    ("inhabitants", "expected"),
    [
        (0, "4000.00"),
        (10_000, "7000.00"),
        (45_555, "17666.50"),
        (150_000, "49000.00"),
        (1_000_000, "49000.00"),
    ],
)
def test_base_plus_per_inhabitant_with_a_cap(inhabitants: int, expected: str) -> None:
    schedule = FeeSchedule(
        kind="per_inhabitant",
        base_amount=Decimal("4000"),
        per_inhabitant_amount=Decimal("0.30"),
        cap_amount=Decimal("49000"),
    )
    assert annual_fee(schedule, inhabitants=inhabitants) == Decimal(expected)


def test_a_partner_joining_in_october_pays_three_months_plus_joining_fee_and_vat(
    banded: FeeSchedule, alpha: World
) -> None:
    with tenant_context(alpha.tenant):
        quote = fee_quote(banded, year=2026, joined_on=dt.date(2026, 10, 15), size=50)
    assert quote.full_annual_fee == Decimal("10000.00")
    assert quote.annual_fee == Decimal("2500.00")  # October, November, December
    assert quote.joining_fee == Decimal("1000.00")
    assert quote.vat == Decimal("875.00")
    assert quote.total == Decimal("4375.00")


def test_the_year_after_joining_is_a_full_year_without_joining_fee(
    banded: FeeSchedule, alpha: World
) -> None:
    with tenant_context(alpha.tenant):
        quote = fee_quote(banded, year=2027, joined_on=dt.date(2026, 10, 15), size=50)
    assert (quote.annual_fee, quote.joining_fee, quote.total) == (
        Decimal("10000.00"),
        Decimal("0.00"),
        Decimal("12500.00"),
    )


@pytest.mark.parametrize(
    ("rule", "joined", "expected"),
    [
        ("full_year", dt.date(2026, 11, 1), "1200.00"),
        ("monthly", dt.date(2026, 1, 1), "1200.00"),
        ("monthly", dt.date(2026, 12, 31), "100.00"),
        ("next_year", dt.date(2026, 3, 1), "0.00"),
    ],
)
def test_pro_rata_rules(rule: str, joined: dt.date, expected: str) -> None:
    schedule = FeeSchedule(kind="flat", flat_amount=Decimal("1200"), pro_rata=rule)
    assert fee_quote(schedule, year=2026, joined_on=joined).annual_fee == Decimal(expected)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([(0, 9, "1"), (5, None, "2")], "overlap"),
        ([(0, 9, "1"), (20, None, "2")], "are in no band"),
        ([(1, 9, "1"), (10, None, "2")], "must start at 0"),
        ([(0, 9, "1"), (10, 19, "2")], "no upper limit"),
        ([(0, None, "1"), (10, None, "2")], "another band follows"),
        ([(0, 9, "-5"), (10, None, "2")], "Band 1"),
        ([(0, 9, "1"), (30, 10, "2")], "Band 2"),
        ([], "at least one"),
    ],
)
def test_bad_fee_bands_are_refused_and_nothing_is_saved(
    alpha: World, rows: list[tuple], message: str
) -> None:
    with tenant_context(alpha.tenant):
        with pytest.raises(ValidationError) as refused:
            fee_schedule_save(
                actor=None,
                schedule=FeeSchedule(name={"da": "Gebyr"}, kind="banded", size_measure="employees"),
                bands=bands(rows),
            )
        assert message in " ".join(refused.value.message_dict["bands"])
        assert not FeeSchedule.objects.filter(name__da="Gebyr").exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "flat"}, "flat_amount"),
        ({"kind": "per_inhabitant", "base_amount": Decimal("4000")}, "per_inhabitant_amount"),
        (
            {
                "kind": "per_inhabitant",
                "base_amount": Decimal("4000"),
                "per_inhabitant_amount": Decimal("0.3"),
                "cap_amount": Decimal("100"),
            },
            "cap_amount",
        ),
        ({"kind": "flat", "flat_amount": Decimal("-1")}, "flat_amount"),
        ({"kind": "flat", "flat_amount": Decimal("1"), "vat_rate": Decimal("150")}, "vat_rate"),
    ],
)
def test_incomplete_schedules_are_refused(alpha: World, fields: dict, field: str) -> None:
    with tenant_context(alpha.tenant), pytest.raises(ValidationError) as refused:
        fee_schedule_save(actor=None, schedule=FeeSchedule(name={"da": "X"}, **fields))
    assert field in refused.value.message_dict


def test_a_schedule_needs_its_name_in_the_primary_language(alpha: World) -> None:
    with tenant_context(alpha.tenant), pytest.raises(ValidationError) as refused:
        fee_schedule_save(actor=None, schedule=FeeSchedule(name={"en": "Fee"}, kind="free"))
    assert "name" in refused.value.message_dict
