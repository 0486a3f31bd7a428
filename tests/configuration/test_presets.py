"""The four reference programmes load into fresh tenants and match DESIGN.md point by point."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import tenant_context

from programmes.configuration.fees import annual_fee
from programmes.configuration.models import (
    ActivityKind,
    AwardCategory,
    CertificationRule,
    FeeSchedule,
    Obligation,
    PrivacyStatement,
    Programme,
    SigningRound,
    Tier,
    WheelActivity,
)
from programmes.configuration.preset_services import preset_apply
from programmes.configuration.presets import preset_names
from programmes.core.i18n import translated
from tenants.models import Tenant
from tenants.services import OnboardingRequest, tenant_onboard
from tests.conftest import World

COUNTRY = {
    "hjorring": ("DK", "da", ()),
    "porvoo": ("FI", "sv", ("fi",)),
    "ostfold": ("NO", "nb", ()),
    "klimatkommunerna": ("SE", "sv", ()),
    "neutral": ("DK", "da", ()),
}


def onboard(preset: str) -> Tenant:
    country, language, others = COUNTRY[preset]
    return tenant_onboard(
        actor=None,
        request=OnboardingRequest(
            slug=f"preset{preset[:8]}",
            name=preset,
            country=country,
            language=language,
            other_languages=others,
            preset=preset,
            admin_email=f"admin@{preset}.example",
        ),
    )


def main_events() -> list[WheelActivity]:
    return [a for a in WheelActivity.objects.all() if a.is_main_event]


def test_every_preset_is_offered() -> None:
    assert set(preset_names()) == {"neutral", "hjorring", "porvoo", "ostfold", "klimatkommunerna"}


def test_hjorring_four_main_events_matchmaking_day_and_2050(alpha: World) -> None:
    with tenant_context(onboard("hjorring")):
        programme = Programme.objects.get()
        assert translated(programme.name, "da") == "Det Store Klimapartnerskab"
        assert programme.target_year == 2050
        assert translated(programme.expectations, "da")  # written expectations of partners
        assert programme.main_events_expected == 4
        assert len(main_events()) == 4
        assert WheelActivity.objects.filter(kind=ActivityKind.PARTNERSHIP_DAY).count() == 1
        assert "matchmaking" in programme.benefits
        kinds = set(Obligation.objects.values_list("kind", flat=True))
        assert {"reduce_emissions", "attend_events", "communicate"} <= kinds
        assert all(s.kind == "free" for s in FeeSchedule.objects.all())


def test_porvoo_free_bilingual_signing_rounds_privacy_award_and_2030(alpha: World) -> None:
    with tenant_context(onboard("porvoo")):
        programme = Programme.objects.get()
        for field in ("name", "description", "expectations", "target_text"):
            assert {"sv", "fi"} <= set(getattr(programme, field)), field
        assert programme.target_year == 2030
        assert all(s.kind == "free" for s in FeeSchedule.objects.all())
        rounds = SigningRound.objects.all()
        assert 2 <= rounds.count() <= 4
        assert all(r.starts_at > timezone.now() and r.booking_open for r in rounds)
        assert all({"sv", "fi"} <= set(r.signatory_title) for r in rounds)
        statement = PrivacyStatement.objects.get()
        assert statement.published_at is not None and {"sv", "fi"} <= set(statement.text)
        assert AwardCategory.objects.count() == 1
        assert WheelActivity.objects.filter(kind=ActivityKind.FOLLOW_UP).exists()
        assert {"symbol", "visibility", "award", "network", "training", "procurement_news"} <= set(
            programme.benefits
        )


def test_ostfold_banded_fee_in_nok_certification_and_climate_account(alpha: World) -> None:
    tenant = onboard("ostfold")
    assert tenant.currency == "NOK"
    with tenant_context(tenant):
        programme = Programme.objects.get()
        assert programme.target_year == 2030
        schedule = Tier.objects.get().fee_schedule
        assert schedule.kind == "banded" and schedule.size_measure == "employees"
        assert [(b.min_size, b.max_size) for b in schedule.bands.all()] == [
            (0, 9),
            (10, 29),
            (30, 49),
            (50, 99),
            (100, 199),
            (200, 499),
            (500, 999),
            (1000, None),
        ]
        assert annual_fee(schedule, size=5) < annual_fee(schedule, size=5000)
        rule = CertificationRule.objects.get()
        assert {"Miljøfyrtårn", "ISO 14001", "EMAS"} <= {s.name for s in rule.schemes.all()}
        assert rule.within_months == 12
        kinds = set(Obligation.objects.values_list("kind", flat=True))
        assert {"management", "certification", "climate_account", "reduce_emissions"} <= kinds
        assert (programme.report_due_month, programme.report_due_day) == (3, 31)


def test_klimatkommunerna_municipal_members_per_inhabitant_fee_and_prizes(alpha: World) -> None:
    tenant = onboard("klimatkommunerna")
    assert tenant.currency == "SEK"
    with tenant_context(tenant):
        programme = Programme.objects.get()
        assert programme.member_kind == "municipalities"
        schedule = Tier.objects.get().fee_schedule
        assert schedule.kind == "per_inhabitant"
        assert annual_fee(schedule, inhabitants=10_000) == Decimal("7000.00")
        assert annual_fee(schedule, inhabitants=1_000_000) == Decimal("49000.00")
        assert AwardCategory.objects.count() == 2  # a monthly and an annual prize
        titles = " ".join(translated(a.title, "sv") for a in WheelActivity.objects.all())
        for cornerstone in ("Inventering", "Mål", "Åtgärder", "Uppföljning"):
            assert cornerstone in titles


def test_a_preset_never_overwrites_a_configured_programme(alpha: World) -> None:
    with tenant_context(onboard("ostfold")), pytest.raises(ValidationError):
        preset_apply(actor=None, preset="porvoo")
