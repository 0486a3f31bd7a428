"""Fictional annual climate accounts for the demo tenants.

Active and ended partners (and some of those about to sign) have accounts for two to five
consecutive years up to last year, the first their baseline; a few active partners have
already made this year's. Each account is built from its activity data (electricity,
district heating, fuels, driving) times the country's emission factors, so the two agree:
an office of 15 people in Denmark emits some 5–20 t in scope 1 and 10–30 t in scope 2, a
haulier of 150 some 1,000 t in scope 1; Norwegian and Swedish partners have less in
location-based scope 2 (their grids are nearly fossil-free) and more market-based when they
buy no guarantees of origin. Most partners cut 2–8 % a year (electricity grids get cleaner,
vans go electric, oil boilers go), with noise; some grow. About half report a few scope 3
categories (purchased goods, upstream transport, business travel, commuting). Member
municipalities report their own organisation: thousands of tonnes, rarely scope 3.

Made in bulk from a seeded random generator, so the same call always gives the same demo.
"""

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from programmes.certificates.models import Certificate
from programmes.climate.models import (
    ActivityData,
    ActivityKind,
    ActivityUnit,
    ClimateAccount,
    Method,
    Scope3Category,
    Scope3Emission,
)
from programmes.partners.models import Partner, Stage

FACTOR_YEAR = 2020  # the year the grid factors below are for


@dataclass(frozen=True)
class Factors:
    """A country's emission factors, kg CO2e per unit."""

    electricity: float  # per kWh, location-based, in FACTOR_YEAR
    electricity_residual: float  # per kWh, market-based without guarantees of origin
    district_heating: float  # per kWh, in FACTOR_YEAR
    decline: float  # how much cleaner electricity and district heating get a year
    diesel: float  # per litre (with the country's bio blend)
    heating: dict[str, int]  # how buildings are heated: weights of HEAT_SOURCES


PETROL = 2.2  # kg per litre
HEATING_OIL = 2.68  # kg per litre
NATURAL_GAS = 2.04  # kg per m³
KWH_PER_M3_GAS = 10.0  # useful heat per m³ in a boiler
KWH_PER_LITRE_OIL = 9.0
FLIGHT = 0.00015  # t per passenger-km
DH, GAS, OIL, HEAT_PUMP, ELECTRIC = "dh", "gas", "oil", "heat_pump", "electric"
FACTORS = {
    "DK": Factors(0.16, 0.42, 0.08, 0.07, 2.5, {DH: 64, GAS: 24, OIL: 6, HEAT_PUMP: 6}),
    "FI": Factors(0.09, 0.28, 0.16, 0.06, 2.4, {DH: 68, OIL: 10, HEAT_PUMP: 12, ELECTRIC: 10}),
    "NO": Factors(0.02, 0.48, 0.04, 0.02, 2.3, {ELECTRIC: 52, HEAT_PUMP: 14, DH: 34}),
    "SE": Factors(0.035, 0.06, 0.06, 0.03, 2.2, {DH: 74, HEAT_PUMP: 22, OIL: 4}),
}


@dataclass(frozen=True)
class Profile:
    """Yearly use per employee (per inhabitant for municipalities)."""

    electricity: tuple[float, float]  # kWh
    heat: tuple[float, float]  # kWh of heat for the buildings
    fuel: tuple[float, float]  # litres of diesel or petrol for vehicles and machines
    litres_per_km: float
    road_share: float = 1.0  # of the fuel: driving, the rest machines
    process_gas: tuple[float, float] = (0, 0)  # m³ of natural gas for production
    petrol_share: float = 0.0  # partners whose cars run on petrol


OFFICE = Profile((3_000, 6_000), (3_000, 6_000), (120, 480), 0.06, petrol_share=0.35)
PROFILES = {
    "services": OFFICE,
    "finance": OFFICE,
    "construction": Profile((1_500, 4_000), (2_000, 5_000), (1_000, 2_500), 0.09, 0.5),
    "energy": Profile((20_000, 60_000), (2_000, 4_000), (400, 1_200), 0.09, 0.8, (800, 5_000)),
    "manufacturing": Profile(
        (15_000, 50_000), (5_000, 15_000), (150, 500), 0.08, 0.6, (150, 1_500)
    ),
    "transport": Profile((1_500, 4_000), (1_500, 4_000), (2_500, 4_500), 0.3),
    "retail": Profile((8_000, 16_000), (4_000, 9_000), (100, 400), 0.08, petrol_share=0.3),
    "hospitality": Profile((6_000, 12_000), (6_000, 12_000), (50, 200), 0.07, 1.0, (20, 200), 0.4),
    "agriculture": Profile((4_000, 10_000), (2_000, 6_000), (1_500, 4_000), 0.12, 0.25),
    "health": Profile((4_000, 8_000), (5_000, 10_000), (50, 250), 0.07, petrol_share=0.4),
    "education": Profile((2_500, 5_000), (8_000, 15_000), (20, 100), 0.07, petrol_share=0.5),
    "culture": Profile((2_000, 5_000), (4_000, 10_000), (30, 150), 0.07, petrol_share=0.5),
}
# The municipality as an organisation (schools, care, offices, street lights, fleet), per
# inhabitant (its accounts give energy in MWh).
MUNICIPAL = Profile((600, 1_100), (700, 1_300), (4, 12), 0.09)

# Scope 3 per employee (t), times a factor for the sector.
SCOPE3 = {
    Scope3Category.PURCHASED_GOODS: (
        (1.5, 4.0),
        {"manufacturing": 4, "retail": 5, "construction": 3},
    ),
    Scope3Category.UPSTREAM_TRANSPORT: (
        (0.2, 1.2),
        {"retail": 3, "manufacturing": 2, "construction": 1.5},
    ),
    Scope3Category.BUSINESS_TRAVEL: (
        (0.1, 1.0),
        {"services": 1.5, "finance": 1.5, "education": 0.4},
    ),
    Scope3Category.COMMUTING: ((0.3, 0.8), {}),
}
SCOPE3_WEIGHTS = {
    Scope3Category.PURCHASED_GOODS: 2,
    Scope3Category.UPSTREAM_TRANSPORT: 1,
    Scope3Category.BUSINESS_TRAVEL: 3,
    Scope3Category.COMMUTING: 3,
}
MUNICIPAL_SCOPE3 = {  # t per inhabitant
    Scope3Category.PURCHASED_GOODS: (0.4, 1.2),
    Scope3Category.BUSINESS_TRAVEL: (0.002, 0.006),
    Scope3Category.COMMUTING: (0.01, 0.03),
}

# How partners make their account, by country (weights).
METHODS = {
    "DK": {
        Method.KLIMAKOMPASSET: 55,
        Method.OWN: 15,
        Method.CONSULTANT: 15,
        Method.CO2_CALCULATOR: 10,
        Method.OTHER: 5,
    },
    "NO": {
        Method.MILJOFYRTAARN: 35,
        Method.CONSULTANT: 25,
        Method.OWN: 15,
        Method.KLIMAKOST: 10,
        Method.OTHER: 15,
    },
    "FI": {Method.OWN: 40, Method.CONSULTANT: 35, Method.CO2_CALCULATOR: 15, Method.OTHER: 10},
    "SE": {Method.OWN: 35, Method.CONSULTANT: 35, Method.CO2_CALCULATOR: 15, Method.OTHER: 15},
}
MUNICIPAL_METHODS = {Method.OWN: 45, Method.CONSULTANT: 35, Method.OTHER: 20}
METHOD_DETAILS = {
    "da": {
        Method.OWN: "Eget regneark efter GHG-protokollen",
        Method.CONSULTANT: "Udarbejdet af ekstern rådgiver",
        Method.OTHER: "Brancheforeningens CO2-beregner",
    },
    "nb": {
        Method.OWN: "Eget regneark etter GHG-protokollen",
        Method.CONSULTANT: "Utarbeidet av ekstern rådgiver",
        Method.OTHER: "Bransjeforeningens klimakalkulator",
    },
    "sv": {
        Method.OWN: "Eget kalkylark enligt GHG-protokollet",
        Method.CONSULTANT: "Beräknat av extern konsult",
        Method.OTHER: "Branschorganisationens klimatverktyg",
    },
    "fi": {
        Method.OWN: "Oma laskentataulukko GHG-protokollan mukaan",
        Method.CONSULTANT: "Ulkopuolisen konsultin laskema",
        Method.OTHER: "Toimialajärjestön päästölaskuri",
    },
}
MUNICIPAL_METHOD_DETAILS = {
    Method.OWN: "Kommunens klimatredovisning enligt GHG-protokollet",
    Method.CONSULTANT: "Beräknat av extern konsult",
    Method.OTHER: "Miljöbarometern",
}
BASELINE, FALLING, RISING, HEATING_CHANGED = "baseline", "falling", "rising", "heating"
NOTES = {
    "da": {
        BASELINE: ["Vores første klimaregnskab.", "Basisår for vores reduktionsmål."],
        FALLING: [
            "To varebiler er skiftet til elbiler.",
            "LED-belysning i hele bygningen.",
            "Bedre styring af ventilation og varme.",
        ],
        RISING: ["Flere ansatte og en ny afdeling.", "Højere aktivitet end året før."],
        HEATING_CHANGED: ["Det gamle fyr er erstattet af en varmepumpe."],
    },
    "nb": {
        BASELINE: ["Vårt første klimaregnskap.", "Basisår for reduksjonsmålene våre."],
        FALLING: [
            "To varebiler er byttet ut med elbiler.",
            "LED-belysning i hele bygget.",
            "Bedre styring av ventilasjon og oppvarming.",
        ],
        RISING: ["Flere ansatte og en ny avdeling.", "Høyere aktivitet enn året før."],
        HEATING_CHANGED: ["Den gamle kjelen er erstattet av en varmepumpe."],
    },
    "sv": {
        BASELINE: ["Vår första klimatredovisning.", "Basår för våra minskningsmål."],
        FALLING: [
            "Två servicebilar har bytts mot elbilar.",
            "LED-belysning i hela byggnaden.",
            "Bättre styrning av ventilation och värme.",
        ],
        RISING: ["Fler anställda och en ny avdelning.", "Högre aktivitet än året innan."],
        HEATING_CHANGED: ["Den gamla pannan har ersatts av en värmepump."],
    },
    "fi": {
        BASELINE: [
            "Ensimmäinen hiilijalanjälkilaskelmamme.",
            "Päästövähennystavoitteidemme perusvuosi.",
        ],
        FALLING: [
            "Kaksi pakettiautoa vaihdettiin sähköautoihin.",
            "LED-valaistus koko rakennukseen.",
            "Ilmanvaihdon ja lämmityksen ohjausta parannettiin.",
        ],
        RISING: ["Lisää työntekijöitä ja uusi toimipiste.", "Toiminta kasvoi edellisvuodesta."],
        HEATING_CHANGED: ["Vanha lämmityskattila korvattiin lämpöpumpulla."],
    },
}
MUNICIPAL_NOTES = {
    BASELINE: ["Kommunens första klimatredovisning för den egna organisationen."],
    FALLING: [
        "Fler fossilfria fordon i kommunens fordonsflotta.",
        "Energieffektivisering i skolor och förskolor.",
        "Gatubelysningen har bytts till LED.",
    ],
    RISING: ["Nya verksamhetslokaler har tagits i bruk.", "Fler kommunala verksamheter ingår."],
    HEATING_CHANGED: ["Den sista oljepannan har ersatts av fjärrvärme."],
}


@dataclass
class Plan:
    """One partner's series, drawn once and then rolled forward year by year."""

    partner: Partner
    years: list[int]
    municipal: bool
    size: float  # employees or inhabitants
    trend: float  # yearly change of use
    electricity: float
    heat: float
    fuel: float
    process_gas: float
    heating: str
    heating_from: int | None  # the year oil or gas gave way to a heat pump or district heating
    new_heating: str
    oil_share: float  # of the heat, from oil boilers besides the main heating
    petrol: bool
    guarantees_from: int | None  # the year the partner started buying guarantees of origin
    market_reported: bool
    method: str
    method_detail: str
    scope3: dict[int, float] = field(default_factory=dict)  # t in the first year
    scope3_from: int = 0


def demo_accounts_create(*, country: str, rng_seed: str | None = None) -> int:
    """Climate accounts for the demo partners; skipped when the tenant already has accounts.
    Returns how many accounts were made."""
    if ClimateAccount.objects.exists():
        return 0
    rng = random.Random(rng_seed or f"climate-{country}")  # noqa: S311  (fictional data)
    factors = FACTORS[country]
    today = timezone.localdate()
    # Miljøfyrtårn's lighthouses (and those on their way) make its annual climate report.
    lighthouses = set(
        Certificate.objects.filter(scheme__name__iexact="Miljøfyrtårn").values_list(
            "partner_id", flat=True
        )
    )
    partners = Partner.objects.filter(
        stage__in=[Stage.ACTIVE, Stage.ENDED, Stage.BOOKED, Stage.APPROVED]
    ).order_by("name", "pk")
    accounts: list[ClimateAccount] = []
    activities: list[tuple[ClimateAccount, ActivityData]] = []
    scope3: list[tuple[ClimateAccount, Scope3Emission]] = []
    for partner in partners:
        years = _years(rng, partner, today)
        if not years:
            continue
        lighthouse = partner.pk in lighthouses if lighthouses else None
        plan = _plan(rng, partner, years, country, factors, lighthouse=lighthouse)
        for account, rows, emissions in _accounts(rng, plan, factors):
            accounts.append(account)
            activities += [(account, row) for row in rows]
            scope3 += [(account, row) for row in emissions]
    with transaction.atomic():
        ClimateAccount.objects.bulk_create(accounts)
        for account, row in activities:
            row.account = account
        for account, row in scope3:
            row.account = account
        ActivityData.objects.bulk_create([row for _, row in activities])
        Scope3Emission.objects.bulk_create([row for _, row in scope3])
    return len(accounts)


def _years(rng: random.Random, partner: Partner, today: dt.date) -> list[int]:
    """Two to five consecutive years up to last year (or the last before the partner left),
    from about the year before it joined; a few active partners have this year's too."""
    last = today.year - 1
    if partner.stage in {Stage.BOOKED, Stage.APPROVED}:
        if rng.random() < 0.5:
            return []
        return list(range(last - rng.randint(1, 2), last + 1))
    if partner.stage == Stage.ENDED and partner.ended_at:
        last = min(last, partner.ended_at.year - 1)
    joined = partner.joined_on.year if partner.joined_on else last
    first = joined - 1 - rng.choice([0, 0, 1])
    first = max(last - 4, min(first, last - 1))
    years = list(range(first, last + 1))
    if partner.stage == Stage.ACTIVE and rng.random() < 0.12:
        years.append(today.year)
    return years


def _plan(
    rng: random.Random,
    partner: Partner,
    years: list[int],
    country: str,
    factors: Factors,
    *,
    lighthouse: bool | None,
) -> Plan:
    municipal = partner.kind == "municipality"
    profile = MUNICIPAL if municipal else PROFILES.get(partner.sector, OFFICE)
    size = float(partner.inhabitants or 10_000) if municipal else float(partner.employees or 10)
    # Use mostly falls 1-6 % a year (with cleaner grids, emissions fall 2-8 %); one partner
    # in five grows.
    trend = rng.uniform(0.01, 0.06) if rng.random() < 0.2 else -rng.uniform(0.01, 0.06)
    sources = dict(factors.heating)
    if municipal:
        sources = {DH: 85, HEAT_PUMP: 15}
    heating = rng.choices(list(sources), weights=list(sources.values()))[0]
    new_heating = DH if rng.random() < 0.5 else HEAT_PUMP
    # Some municipalities still have a few oil boilers (for peaks, or in remote buildings).
    oil_share = rng.uniform(0.02, 0.08) if municipal and rng.random() < 0.35 else 0.0
    if municipal:
        new_heating = heating
    heating_from = None
    if (heating in {OIL, GAS} or oil_share) and len(years) > 2 and rng.random() < 0.35:
        heating_from = rng.choice(years[1:])
    guarantees = rng.random() < (0.6 if municipal else 0.4)
    guarantees_from = years[0] if guarantees else None
    if not guarantees and len(years) > 2 and rng.random() < 0.2:
        guarantees_from = rng.choice(years[1:])
    method, detail = _method(rng, partner, country, municipal=municipal, lighthouse=lighthouse)
    plan = Plan(
        partner=partner,
        years=years,
        municipal=municipal,
        size=size,
        trend=trend,
        electricity=_per(rng, profile.electricity) * size,
        heat=_per(rng, profile.heat) * size,
        fuel=_per(rng, profile.fuel) * size,
        process_gas=_per(rng, profile.process_gas) * size,
        heating=heating,
        heating_from=heating_from,
        new_heating=new_heating,
        oil_share=oil_share,
        petrol=rng.random() < profile.petrol_share,
        guarantees_from=guarantees_from,
        market_reported=municipal or rng.random() < 0.88,
        method=method,
        method_detail=detail,
    )
    plan.scope3_from = years[1] if len(years) > 2 and rng.random() < 0.3 else years[0]
    if municipal:
        if rng.random() < 0.2:
            chosen = [Scope3Category.BUSINESS_TRAVEL, Scope3Category.COMMUTING]
            if rng.random() < 0.5:
                chosen.append(Scope3Category.PURCHASED_GOODS)
            plan.scope3 = {c: _per(rng, MUNICIPAL_SCOPE3[c]) * size for c in chosen}
    elif rng.random() < 0.5:
        categories = list(SCOPE3_WEIGHTS)
        chosen = set(
            rng.choices(categories, weights=list(SCOPE3_WEIGHTS.values()), k=rng.randint(1, 3))
        )
        for category in sorted(chosen):
            per_employee, sectors = SCOPE3[category]
            plan.scope3[category] = _per(rng, per_employee) * sectors.get(partner.sector, 1) * size
    return plan


def _method(
    rng: random.Random,
    partner: Partner,
    country: str,
    *,
    municipal: bool,
    lighthouse: bool | None,
) -> tuple[str, str]:
    """``lighthouse``: whether the partner is (becoming) a Miljøfyrtårn, None when the
    tenant's certificates do not tell."""
    if municipal:
        method = _weighted(rng, MUNICIPAL_METHODS)
        return method, MUNICIPAL_METHOD_DETAILS.get(method, "") if rng.random() < 0.7 else ""
    if lighthouse and rng.random() < 0.85:
        return Method.MILJOFYRTAARN, ""  # Miljøfyrtårn's annual climate report
    weights = METHODS[country]
    if lighthouse is not None:  # only lighthouses make Miljøfyrtårn's report
        weights = {m: w for m, w in weights.items() if m != Method.MILJOFYRTAARN}
    method = _weighted(rng, weights)
    details = METHOD_DETAILS.get(partner.language, {})
    return method, details.get(method, "") if rng.random() < 0.6 else ""


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _per(rng: random.Random, bounds: tuple[float, float]) -> float:
    low, high = bounds
    return rng.uniform(low, high) if high else 0.0


def _accounts(
    rng: random.Random, plan: Plan, factors: Factors
) -> list[tuple[ClimateAccount, list[ActivityData], list[Scope3Emission]]]:
    made = []
    language = plan.partner.language
    notes = MUNICIPAL_NOTES if plan.municipal else NOTES.get(language)
    energy_unit = ActivityUnit.MWH if plan.municipal else ActivityUnit.KWH
    kwh = 1_000 if plan.municipal else 1  # kWh per unit of energy
    profile = MUNICIPAL if plan.municipal else PROFILES.get(plan.partner.sector, OFFICE)
    # Each kind of use follows the partner's trend with its own twist.
    trends = {key: plan.trend + rng.uniform(-0.015, 0.015) for key in ("el", "heat", "fuel", "gas")}
    trends["fuel"] -= 0.01 if plan.trend < 0 else 0  # vehicles go electric
    previous_total = None
    for index, year in enumerate(plan.years):

        def use(base: float, key: str, i: int = index) -> float:
            return base * (1 + trends[key]) ** i * rng.uniform(0.96, 1.04)

        grid = (1 - factors.decline) ** (year - FACTOR_YEAR)
        electricity = use(plan.electricity, "el")
        heat = use(plan.heat, "heat")
        heating, oil_share = plan.heating, plan.oil_share
        if plan.heating_from is not None and year >= plan.heating_from:
            heating, oil_share = plan.new_heating, 0.0
        rows: dict[str, tuple[float, str]] = {}
        scope1 = 0.0  # kg
        district_heat = 0.0  # kWh
        if oil_share:
            litres = _round(heat * oil_share / KWH_PER_LITRE_OIL)
            rows[ActivityKind.HEATING_OIL] = (litres, ActivityUnit.LITRE)
            scope1 += litres * HEATING_OIL
            heat *= 1 - oil_share
        if heating == DH:
            district_heat = _round(heat / kwh) * kwh
            rows[ActivityKind.DISTRICT_HEATING] = (district_heat / kwh, energy_unit)
        elif heating == GAS:
            m3 = _round(heat / KWH_PER_M3_GAS)
            rows[ActivityKind.NATURAL_GAS] = (m3, ActivityUnit.CUBIC_METRE)
            scope1 += m3 * NATURAL_GAS
        elif heating == OIL:
            litres = _round(heat / KWH_PER_LITRE_OIL)
            rows[ActivityKind.HEATING_OIL] = (litres, ActivityUnit.LITRE)
            scope1 += litres * HEATING_OIL
        else:  # a heat pump, or (in Norway) panel heaters
            electricity += heat * (0.35 if heating == HEAT_PUMP else 0.95)
        electricity = _round(electricity / kwh) * kwh
        rows[ActivityKind.ELECTRICITY] = (electricity / kwh, energy_unit)
        if plan.process_gas:
            m3 = _round(use(plan.process_gas, "gas"))
            kind = ActivityKind.NATURAL_GAS
            rows[kind] = (rows.get(kind, (0, ""))[0] + m3, ActivityUnit.CUBIC_METRE)
            scope1 += m3 * NATURAL_GAS
        fuel = _round(use(plan.fuel, "fuel"))
        if fuel:
            kind = ActivityKind.PETROL if plan.petrol else ActivityKind.DIESEL
            rows[kind] = (fuel, ActivityUnit.LITRE)
            scope1 += fuel * (PETROL if plan.petrol else factors.diesel)
            km = _round(fuel * profile.road_share / profile.litres_per_km, 100)
            if km:
                rows[ActivityKind.VEHICLE_DISTANCE] = (km, ActivityUnit.KM)
        location = electricity * factors.electricity * grid
        heat_emissions = district_heat * factors.district_heating * grid
        location += heat_emissions
        green = plan.guarantees_from is not None and year >= plan.guarantees_from
        market = electricity * (0.0 if green else factors.electricity_residual) + heat_emissions

        emissions = []
        if plan.scope3 and year >= plan.scope3_from:
            for category, first_tonnes in plan.scope3.items():
                tonnes = use(
                    first_tonnes, "fuel" if category == Scope3Category.BUSINESS_TRAVEL else "el"
                )
                if category == Scope3Category.BUSINESS_TRAVEL:
                    km = _round(tonnes * 0.7 / FLIGHT, 1_000)
                    rows[ActivityKind.FLIGHT_DISTANCE] = (km, ActivityUnit.KM)
                emissions.append(Scope3Emission(category=category, tonnes=_tonnes(tonnes * 1_000)))

        total = scope1 + location
        if index == 0:
            mood = BASELINE
        elif plan.heating_from == year:
            mood = HEATING_CHANGED
        else:
            mood = FALLING if previous_total and total < previous_total else RISING
        previous_total = total
        note = ""
        if notes and (mood in {BASELINE, HEATING_CHANGED} or rng.random() < 0.25):
            note = rng.choice(notes[mood])
        account = ClimateAccount(
            partner=plan.partner,
            year=year,
            scope1=_tonnes(scope1),
            scope2_location=_tonnes(location),
            scope2_market=_tonnes(market) if plan.market_reported else None,
            method=plan.method,
            method_detail=plan.method_detail,
            is_baseline=index == 0,
            notes=note,
        )
        activities = [
            ActivityData(kind=kind, quantity=Decimal(int(quantity)), unit=unit)
            for kind, (quantity, unit) in rows.items()
        ]
        made.append((account, activities, emissions))
    return made


def _round(value: float, step: int = 1) -> int:
    return max(0, round(value / step) * step)


def _tonnes(kg: float) -> Decimal:
    """Kilograms → tonnes, as precisely as such an account is given."""
    tonnes = max(0.0, kg / 1_000)
    places = 2 if tonnes < 10 else 1 if tonnes < 1_000 else 0
    return round(Decimal(str(tonnes)), places)
