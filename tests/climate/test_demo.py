"""The demo tenants' climate accounts: several consecutive years per partner up to last
year, one baseline each, sized by sector and size, mostly falling, consistent with their
activity data, and the same every time."""

import statistics
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, F, Q
from django.utils import timezone
from django_tenants.utils import tenant_context

from programmes.certificates.demo import demo_certificates_create
from programmes.climate.demo import (
    FACTOR_YEAR,
    FACTORS,
    HEATING_OIL,
    NATURAL_GAS,
    PETROL,
    demo_accounts_create,
)
from programmes.climate.models import (
    ActivityData,
    ActivityKind,
    ClimateAccount,
    Method,
    Scope3Emission,
)
from programmes.partners.demo import demo_partners_create
from programmes.partners.models import Partner, Stage
from tenants.management.commands.load_demo import DEMO_PARTNERS
from tests.configuration.test_presets import onboard
from tests.conftest import World

THIS_YEAR = timezone.localdate().year
LAST_YEAR = THIS_YEAR - 1
TONNES_FIELDS = ("scope1", "scope2_location", "scope2_market")


def _total(account: ClimateAccount) -> Decimal:
    return account.scope1 + account.scope2_location


def _rounding(kg: float) -> float:
    """Accounts give tonnes to 0.01 t under 10 t, to 0.1 t under 1,000 t, else whole."""
    return 5.01 if kg < 10_000 else 50.01 if kg < 1_000_000 else 500.01


def _by_partner() -> dict[int, list[ClimateAccount]]:
    series: dict[int, list[ClimateAccount]] = defaultdict(list)
    for account in ClimateAccount.objects.select_related("partner").order_by("partner", "year"):
        series[account.partner_id].append(account)
    return series


def _check_series(series: dict[int, list[ClimateAccount]]) -> None:
    """Consecutive years ending last year (this year for a few), exactly one baseline, the
    first; no negative values; falling on average."""
    changes = []
    for accounts in series.values():
        years = [a.year for a in accounts]
        assert years == list(range(years[0], years[-1] + 1))
        assert [a.is_baseline for a in accounts] == [True] + [False] * (len(accounts) - 1)
        assert years[-1] <= THIS_YEAR
        for account in accounts:
            for name in TONNES_FIELDS:
                value = getattr(account, name)
                assert value is None or value >= 0
            assert account.scope1 + account.scope2_location > 0
        first, last = _total(accounts[0]), _total(accounts[-1])
        changes.append(float(last / first) ** (1 / (len(accounts) - 1)) - 1)
    assert statistics.mean(changes) < -0.01  # falling on average
    assert sum(change > 0 for change in changes) >= 1  # and some rising
    assert not ActivityData.objects.filter(quantity__lt=0).exists()
    assert not Scope3Emission.objects.filter(tonnes__lt=0).exists()


def test_hjorring_partners_get_years_of_accounts(alpha: World, django_assert_max_num_queries):
    count = DEMO_PARTNERS["hjorring"]
    with tenant_context(onboard("hjorring")):
        demo_partners_create(country="DK", language="da", count=count)
        # In bulk: a fixed number of queries whatever the number of partners.
        with django_assert_max_num_queries(10):
            made = demo_accounts_create(country="DK")
        assert made == ClimateAccount.objects.count() > 0

        series = _by_partner()
        _check_series(series)
        stages = Partner.objects.in_bulk(series.keys())
        active = Partner.objects.filter(stage=Stage.ACTIVE)
        ended = Partner.objects.filter(stage=Stage.ENDED)
        # Every active and ended partner, some of those about to sign, nobody earlier.
        assert set(active.values_list("pk", flat=True)) <= set(series)
        assert set(ended.values_list("pk", flat=True)) <= set(series)
        assert {p.stage for p in stages.values()} <= {
            Stage.ACTIVE,
            Stage.ENDED,
            Stage.BOOKED,
            Stage.APPROVED,
        }
        for pk in active.values_list("pk", flat=True):
            years = [a.year for a in series[pk] if a.year <= LAST_YEAR]
            assert 2 <= len(years) <= 5
            assert years[-1] == LAST_YEAR
        # A few active partners have made this year's account already, not most.
        this_year = ClimateAccount.objects.filter(year=THIS_YEAR)
        assert 0 < this_year.count() < active.count() / 2
        assert not this_year.exclude(partner__stage=Stage.ACTIVE).exists()
        # Ended partners stopped before they left.
        for partner in ended:
            assert series[partner.pk][-1].year < partner.ended_at.year

        # Klimakompasset is what Danish partners use most.
        methods = list(ClimateAccount.objects.values_list("method", flat=True))
        assert max(set(methods), key=methods.count) == Method.KLIMAKOMPASSET

        # About half report scope 3, in the categories partners can count.
        with_scope3 = Partner.objects.filter(climate_accounts__scope3__isnull=False).distinct()
        assert 0.3 <= with_scope3.count() / len(series) <= 0.7
        assert set(Scope3Emission.objects.values_list("category", flat=True)) <= {1, 4, 6, 7}

        assert demo_accounts_create(country="DK") == 0  # idempotent


def test_sizes_and_activity_data_are_consistent(alpha: World) -> None:
    """Each account is its activity data times the country's emission factors."""
    count = DEMO_PARTNERS["hjorring"]
    factors = FACTORS["DK"]
    fuels = {
        ActivityKind.DIESEL: factors.diesel,
        ActivityKind.PETROL: PETROL,
        ActivityKind.NATURAL_GAS: NATURAL_GAS,
        ActivityKind.HEATING_OIL: HEATING_OIL,
    }
    with tenant_context(onboard("hjorring")):
        demo_partners_create(country="DK", language="da", count=count)
        demo_accounts_create(country="DK")
        accounts = ClimateAccount.objects.select_related("partner").prefetch_related("activities")
        for account in accounts:
            used = {a.kind: float(a.quantity) for a in account.activities.all()}
            assert {a.unit for a in account.activities.all()} <= {"kWh", "m3", "l", "km"}
            grid = (1 - factors.decline) ** (account.year - FACTOR_YEAR)
            location = (
                used[ActivityKind.ELECTRICITY] * factors.electricity
                + used.get(ActivityKind.DISTRICT_HEATING, 0) * factors.district_heating
            ) * grid
            direct = sum(used.get(kind, 0) * factor for kind, factor in fuels.items())
            assert abs(float(account.scope1) * 1_000 - direct) <= _rounding(direct)
            assert abs(float(account.scope2_location) * 1_000 - location) <= _rounding(location)
            if account.scope2_market is not None:
                # Market-based: no lower than the heat bought; the electricity at the
                # residual mix unless guarantees of origin were bought.
                heat = used.get(ActivityKind.DISTRICT_HEATING, 0) * factors.district_heating * grid
                assert float(account.scope2_market) * 1_000 >= heat - _rounding(heat)
            # Driving is the fuel at a vehicle's consumption.
            fuel = used.get(ActivityKind.DIESEL, 0) + used.get(ActivityKind.PETROL, 0)
            if fuel:
                assert 0.05 <= fuel / used[ActivityKind.VEHICLE_DISTANCE] <= 1.5
            # Sized by sector and employees.
            partner = account.partner
            if partner.sector == "transport":
                assert 4 < float(account.scope1) / partner.employees < 15
            if partner.sector in {"services", "education", "culture"}:
                assert float(_total(account)) / partner.employees < 6
        assert ClimateAccount.objects.filter(scope2_market=0).count() < accounts.count() / 2
        assert ActivityData.objects.filter(kind=ActivityKind.FLIGHT_DISTANCE).exists()


def test_an_office_of_15_and_a_haulier_of_150(alpha: World) -> None:
    """The orders of magnitude of the brief: scope 1 of 5-20 t and scope 2 of 10-30 t for a
    Danish office of 15 people heated by district heating; 500-2,000 t for a haulier of 150."""
    with tenant_context(onboard("hjorring")):
        demo_partners_create(country="DK", language="da", count=DEMO_PARTNERS["hjorring"])
        demo_accounts_create(country="DK")
        partners = Partner.objects.filter(climate_accounts__isnull=False).distinct()
        for partner in partners:
            scale = 15 / partner.employees
            accounts = ClimateAccount.objects.filter(partner=partner, year=LAST_YEAR)
            for account in accounts:
                if (
                    partner.sector == "services"
                    and not account.activities.filter(
                        kind__in=[ActivityKind.NATURAL_GAS, ActivityKind.HEATING_OIL]
                    ).exists()
                ):
                    assert 1 <= float(account.scope1) * scale <= 25
                    assert 4 <= float(account.scope2_location) * scale <= 30
                if partner.sector == "transport":
                    assert 300 <= float(account.scope1) * 150 / partner.employees <= 2_500


def test_member_municipalities_report_thousands_of_tonnes(alpha: World) -> None:
    count = DEMO_PARTNERS["klimatkommunerna"]
    with tenant_context(onboard("klimatkommunerna")):
        demo_partners_create(country="SE", language="sv", count=count, municipalities=True)
        assert demo_accounts_create(country="SE") > 0
        _check_series(_by_partner())
        for account in ClimateAccount.objects.select_related("partner").filter(year=LAST_YEAR):
            per_inhabitant = float(_total(account)) / account.partner.inhabitants
            assert 0.01 < per_inhabitant < 0.4
        big = ClimateAccount.objects.filter(partner__inhabitants__gte=50_000, year=LAST_YEAR)
        assert big.exists()
        assert all(_total(account) >= 1_000 for account in big)
        # Energy in MWh; scope 3 rare.
        assert set(
            ActivityData.objects.filter(
                kind__in=[ActivityKind.ELECTRICITY, ActivityKind.DISTRICT_HEATING]
            ).values_list("unit", flat=True)
        ) == {"MWh"}
        members = ClimateAccount.objects.values("partner").distinct().count()
        with_scope3 = Scope3Emission.objects.values("account__partner").distinct().count()
        assert with_scope3 <= members * 0.4
        assert Method.KLIMAKOMPASSET not in set(
            ClimateAccount.objects.values_list("method", flat=True)
        )


def _fingerprint() -> list[tuple]:
    return [
        (
            account.partner.name,
            account.year,
            account.scope1,
            account.scope2_location,
            account.scope2_market,
            account.method,
            account.is_baseline,
            account.notes,
            tuple(account.activities.values_list("kind", "quantity", "unit")),
            tuple(account.scope3.values_list("category", "tonnes")),
        )
        for account in ClimateAccount.objects.select_related("partner").order_by(
            "partner__name", "year"
        )
    ]


def test_ostfold_lighthouses_use_miljofyrtarn_repeatably(alpha: World) -> None:
    count = DEMO_PARTNERS["ostfold"]
    with tenant_context(onboard("ostfold")):
        demo_partners_create(country="NO", language="nb", count=count)
        demo_certificates_create(country="NO")
        demo_accounts_create(country="NO")
        _check_series(_by_partner())
        lighthouses = Partner.objects.filter(certificates__scheme__name="Miljøfyrtårn")
        by_method = ClimateAccount.objects.filter(partner__in=lighthouses).aggregate(
            all=Count("pk"), report=Count("pk", filter=Q(method=Method.MILJOFYRTAARN))
        )
        assert by_method["report"] >= by_method["all"] * 0.7
        others = ClimateAccount.objects.exclude(partner__in=lighthouses)
        assert not others.filter(method=Method.MILJOFYRTAARN).exists()
        methods = list(ClimateAccount.objects.values_list("method", flat=True))
        assert max(set(methods), key=methods.count) == Method.MILJOFYRTAARN
        # Norwegian grid: low location-based, high market-based without guarantees of origin.
        assert ClimateAccount.objects.filter(scope2_market__gt=F("scope2_location") * 5).exists()

        before = _fingerprint()
        ClimateAccount.objects.all().delete()
        demo_accounts_create(country="NO")
        assert _fingerprint() == before
