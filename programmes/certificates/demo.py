"""Fictional environmental certificates for the demo tenants, from the programme's catalogue.

About half of the active partners hold a certificate (issued up to a few years ago, valid
for the scheme's usual period), a few of them expiring within the programme's warning
window and a couple expired; a few partners plan to certify within months. Partners that
left may still hold theirs; some of those still to sign plan one. Schemes are chosen as
partners choose them: Miljøfyrtårn for most Norwegian partners, ISO 14001 mostly for the
larger industrial firms, the Nordic Swan for hotels and shops, Green Flag for schools.
Tenants whose catalogue is empty get none. Made in bulk from a seeded random generator, so
the same call always gives the same demo; no document files.
"""

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from programmes.certificates.models import Certificate
from programmes.configuration.models import CertificationScheme, Programme
from programmes.partners.models import Partner, Stage

NumberMaker = Callable[[random.Random, str, int], str]


@dataclass(frozen=True)
class SchemeProfile:
    """How a scheme is handed out: who chooses it, for how long, by whom, numbered how."""

    weight: float  # for any partner
    valid_years: int
    bodies: dict[str, list[str]]  # per country ("" for any)
    number: NumberMaker
    sectors: dict[str, float]  # weight multipliers by sector
    large_industry: float = 1.0  # multiplier for industrial partners of 75+ employees
    schools_only: bool = False


def _digits(rng: random.Random, width: int) -> str:
    return str(rng.randrange(10 ** (width - 1), 10**width))


def _iso_number(rng: random.Random, country: str, year: int) -> str:
    return rng.choice(
        [
            f"C{_digits(rng, 6)}",  # DNV
            f"{_digits(rng, 5)}-{year}-AE-{_NORDIC[country]}-NA",  # DNV, older style
            f"{country}{_digits(rng, 6)}",  # Bureau Veritas
            f"K{_digits(rng, 5)}",  # Kiwa
        ]
    )


_NORDIC = {"DK": "DEN", "FI": "FIN", "NO": "NOR", "SE": "SWE"}
# The first digit of a Nordic Swan licence tells the country that granted it.
_SWAN_COUNTRY = {"SE": "3", "NO": "2", "DK": "5", "FI": "4"}

ISO_BODIES = {
    "NO": [
        "DNV Business Assurance Norway AS",
        "Bureau Veritas Certification Norway",
        "Kiwa Teknologisk Institutt Sertifisering AS",
        "Nemko AS",
    ],
    "DK": ["DNV Danmark A/S", "Bureau Veritas Certification Denmark A/S", "DS Certificering A/S"],
    "SE": ["DNV Business Assurance Sweden AB", "Intertek Certification AB", "Kiwa Certification"],
    "FI": ["Kiwa Inspecta Sertifiointi Oy", "DNV Business Assurance Finland Oy", "Bureau Veritas"],
}

PROFILES: dict[str, SchemeProfile] = {
    "miljøfyrtårn": SchemeProfile(
        weight=10,
        valid_years=3,
        bodies={"": ["Stiftelsen Miljøfyrtårn"]},
        number=lambda rng, country, year: str(rng.randrange(1_000, 29_000)),
        sectors={},
    ),
    "iso 14001": SchemeProfile(
        weight=1.5,
        valid_years=3,
        bodies=ISO_BODIES,
        number=_iso_number,
        sectors={"manufacturing": 2, "energy": 2, "construction": 1.5, "transport": 1.5},
        large_industry=3,
    ),
    "iso 50001": SchemeProfile(
        weight=0.5,
        valid_years=3,
        bodies=ISO_BODIES,
        number=_iso_number,
        sectors={"manufacturing": 3, "energy": 3},
    ),
    "emas": SchemeProfile(
        weight=0.3,
        valid_years=3,
        bodies={
            "NO": ["Miljødirektoratet"],
            "DK": ["Miljøstyrelsen"],
            "SE": ["Naturvårdsverket"],
            "FI": ["Suomen ympäristökeskus"],
        },
        number=lambda rng, country, year: f"{country}-{rng.randrange(1, 200):06d}",
        sectors={"manufacturing": 2, "energy": 2, "public": 2},
    ),
    "svanemerket": SchemeProfile(
        weight=0.6,
        valid_years=4,
        bodies={
            "NO": ["Miljømerking Norge"],
            "DK": ["Miljømærkning Danmark"],
            "SE": ["Miljömärkning Sverige"],
            "FI": ["Ympäristömerkintä Suomi"],
        },
        number=lambda rng, country, year: (
            f"{_SWAN_COUNTRY[country]}0{rng.randrange(10, 99)} {rng.randrange(1, 9999):04d}"
        ),
        sectors={"hospitality": 6, "retail": 2, "services": 1.5, "construction": 1.5},
    ),
    # Eco-Schools: certified one year at a time.
    "grønt flagg": SchemeProfile(
        weight=12,
        valid_years=1,
        bodies={
            "NO": ["FEE Norge – Grønt Flagg"],
            "DK": ["Friluftsrådet – Grønt Flag"],
            "SE": ["Håll Sverige Rent – Grön Flagg"],
            "FI": ["Suomen Ympäristökasvatusjärjestö – Vihreä lippu"],
        },
        number=lambda rng, country, year: f"GF-{year}-{rng.randrange(1, 2000):04d}",
        sectors={},
        schools_only=True,
    ),
    "green key": SchemeProfile(
        weight=0.2,
        valid_years=1,
        bodies={"DK": ["Green Key Danmark"], "": ["Green Key / FEE"]},
        number=lambda rng, country, year: f"{country}-GK-{rng.randrange(1, 600):03d}",
        sectors={"hospitality": 20, "culture": 3},
    ),
    "ekokompassi": SchemeProfile(
        weight=6,
        valid_years=3,
        bodies={"": ["Ekokompassi"]},
        number=lambda rng, country, year: f"EK-{rng.randrange(100, 1500)}",
        sectors={},
    ),
    "svensk miljöbas": SchemeProfile(
        weight=6,
        valid_years=3,
        bodies={"": ["Svensk Miljöbas"]},
        number=lambda rng, country, year: f"SMB-{rng.randrange(100, 3000)}",
        sectors={},
    ),
}
ALIASES = {
    "miljofyrtarn": "miljøfyrtårn",
    "eco-lighthouse": "miljøfyrtårn",
    "iso14001": "iso 14001",
    "nordic swan ecolabel": "svanemerket",
    "svanemærket": "svanemerket",
    "svanen": "svanemerket",
    "joutsenmerkki": "svanemerket",
    "grønt flag": "grønt flagg",
    "grön flagg": "grønt flagg",
    "vihreä lippu": "grønt flagg",
    "eco-schools": "grønt flagg",
    "green flag": "grønt flagg",
    "den grønne nøgle": "green key",
    "miljöbas": "svensk miljöbas",
}
# Any other scheme of a tenant's catalogue.
OTHER = SchemeProfile(
    weight=1,
    valid_years=3,
    bodies=ISO_BODIES,
    number=lambda rng, country, year: f"{year}-{_digits(rng, 5)}",
    sectors={},
)
INDUSTRY = {"manufacturing", "energy", "construction", "transport"}

# What the active partners hold, in turn (each kind early, so small tenants have them all):
# half a valid certificate, a tenth one expiring within the warning window, a tenth one
# expired, a tenth a plan, the rest none.
VALID, EXPIRING, EXPIRED, PLANNED, NONE = "valid", "expiring", "expired", "planned", "none"
ACTIVE_MIX = [VALID, EXPIRING, NONE, VALID, PLANNED, EXPIRED, VALID, NONE, VALID, NONE]
ACTIVE_MIX += [VALID, EXPIRING, NONE, VALID, PLANNED, VALID, NONE, VALID, EXPIRED, NONE]


def profile(scheme: CertificationScheme) -> SchemeProfile:
    name = scheme.name.strip().lower()
    return PROFILES.get(ALIASES.get(name, name), OTHER)


def demo_certificates_create(*, country: str, rng_seed: str | None = None) -> int:
    """Certificates for the demo partners; skipped when the tenant already has certificates
    or its catalogue has no scheme in use. Returns how many were made."""
    if Certificate.objects.exists():
        return 0
    schemes = [
        (scheme, profile(scheme)) for scheme in CertificationScheme.objects.filter(is_active=True)
    ]
    if not schemes:
        return 0
    rng = random.Random(rng_seed or f"certificates-{country}")  # noqa: S311  (fictional data)
    programme = Programme.objects.first()
    warning_days = programme.certificate_warning_days if programme else 60
    today = timezone.localdate()
    partners = Partner.objects.filter(
        stage__in=[Stage.ACTIVE, Stage.ENDED, Stage.BOOKED, Stage.APPROVED]
    ).order_by("name", "pk")
    mix = iter(ACTIVE_MIX * (len(partners) // len(ACTIVE_MIX) + 1))
    certificates = []
    for partner in partners:
        if partner.stage == Stage.ACTIVE:
            kind = next(mix)
        elif partner.stage == Stage.ENDED:
            kind = rng.choice([VALID, EXPIRED, NONE, NONE])
        else:
            kind = PLANNED if rng.random() < 0.25 else NONE
        if kind == NONE:
            continue
        scheme, chosen = _choose(rng, partner, schemes)
        certificates.append(
            _certificate(rng, partner, scheme, chosen, kind, country, today, warning_days)
        )
    with transaction.atomic():
        Certificate.objects.bulk_create(certificates)
    return len(certificates)


def _choose(
    rng: random.Random, partner: Partner, schemes: list[tuple[CertificationScheme, SchemeProfile]]
) -> tuple[CertificationScheme, SchemeProfile]:
    school = partner.kind == "school" or partner.sector == "education"
    weights = []
    for _scheme, chosen in schemes:
        if chosen.schools_only:
            weights.append(chosen.weight if school else 0.0)
            continue
        weight = chosen.weight * chosen.sectors.get(partner.sector, 1.0)
        if partner.sector in INDUSTRY and (partner.employees or 0) >= 75:
            weight *= chosen.large_industry
        weights.append(weight)
    if not any(weights):
        weights = [1.0] * len(schemes)
    return rng.choices(schemes, weights=weights)[0]


def _certificate(
    rng: random.Random,
    partner: Partner,
    scheme: CertificationScheme,
    chosen: SchemeProfile,
    kind: str,
    country: str,
    today: dt.date,
    warning_days: int,
) -> Certificate:
    if kind == PLANNED:
        return Certificate(
            partner=partner,
            scheme=scheme,
            planned=True,
            planned_by=_first_of_month(today, rng.randint(2, 10)),
        )
    validity = _years(chosen.valid_years)
    if kind == EXPIRING:
        expires = today + dt.timedelta(days=rng.randint(5, max(5, warning_days - 1)))
    elif kind == EXPIRED:
        expires = today - dt.timedelta(days=rng.randint(10, 200))
    else:
        # Issued half a year to a few years ago, expiring well after the warning window.
        earliest = max(warning_days + 30, 180)
        expires = today + dt.timedelta(days=rng.randint(earliest, max(earliest, validity - 180)))
    issued = expires - dt.timedelta(days=validity)
    bodies = chosen.bodies.get(country) or chosen.bodies.get("") or ["DNV"]
    return Certificate(
        partner=partner,
        scheme=scheme,
        number=chosen.number(rng, country, issued.year),
        issued_on=issued,
        expires_on=expires,
        issuing_body=rng.choice(bodies),
    )


def _years(years: int) -> int:
    return round(365.25 * years)


def _first_of_month(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, 1)
