"""Fictional partners for the demo tenants, spread over every stage of the journey."""

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from programmes.partners.business_ids import VALIDATORS
from programmes.partners.models import EndReason, Partner, Stage
from programmes.partners.services import partner_create_at_stage

WORDS = {
    "DK": (
        [
            "Nordlys",
            "Vendsyssel",
            "Skagen",
            "Hav",
            "Klit",
            "Lønstrup",
            "Tversted",
            "Bjergby",
            "Sindal",
            "Hirtshals",
            "Grøn",
            "Strand",
        ],
        [
            "Tømrer ApS",
            "Bageri",
            "Transport A/S",
            "Camping",
            "Elektro ApS",
            "Fiskeri",
            "Rådgivning ApS",
            "Efterskole",
            "Boligforening",
            "Maskinfabrik A/S",
        ],
    ),
    "FI": (
        ["Borgå", "Kulloo", "Pellinge", "Emsalö", "Gammelbacka", "Kerkkoo", "Hamari", "Skaftkärr"],
        [
            "Bageri Ab",
            "Bygg Oy",
            "Energi Ab",
            "Konsult Oy",
            "Logistik Ab",
            "Skola",
            "Trädgård Oy",
            "Hotell Ab",
        ],
    ),
    "NO": (
        [
            "Fredrikstad",
            "Sarpsborg",
            "Halden",
            "Moss",
            "Hvaler",
            "Rakkestad",
            "Askim",
            "Glomma",
            "Østfold",
        ],
        [
            "Bygg AS",
            "Transport AS",
            "Energi AS",
            "Regnskap AS",
            "Mekaniske AS",
            "Renhold AS",
            "Videregående skole",
            "Bryggeri AS",
            "Hagesenter AS",
        ],
    ),
    "SE": (
        [
            "Växjö",
            "Lund",
            "Umeå",
            "Borlänge",
            "Kristianstad",
            "Skellefteå",
            "Örebro",
            "Kalmar",
            "Falun",
            "Gävle",
            "Ystad",
            "Piteå",
            "Östersund",
            "Härnösand",
            *[
                "Malmö",
                "Uppsala",
                "Linköping",
                "Norrköping",
                "Jönköping",
                "Halmstad",
                "Karlstad",
                "Sundsvall",
            ],
            *[
                "Luleå",
                "Eskilstuna",
                "Södertälje",
                "Borås",
                "Trollhättan",
                "Visby",
                "Motala",
                "Hässleholm",
            ],
            *[
                "Varberg",
                "Kungsbacka",
                "Alingsås",
                "Lidköping",
                "Skövde",
                "Nyköping",
                "Västervik",
                "Kiruna",
            ],
            *["Ludvika", "Mora"],
        ],
        ["kommun"],
    ),
}
STAGE_MIX = [Stage.ACTIVE] * 10 + [
    Stage.APPLIED,
    Stage.ASSESSED,
    Stage.GOALS_PROPOSED,
    Stage.APPROVED,
    Stage.BOOKED,
    Stage.ENDED,
]
SECTORS = [
    "construction",
    "energy",
    "manufacturing",
    "transport",
    "retail",
    "hospitality",
    "services",
    "education",
    "culture",
]


def _business_ids(country: str, seed: int) -> Any:
    module = VALIDATORS[country]
    width = {"DK": 8, "SE": 10, "FI": 8, "NO": 9}[country]
    start = {"DK": 20000000, "SE": 5560000000, "FI": 2000000, "NO": 910000000}[country]
    number = start + seed * 1000
    while True:
        candidate = str(number).zfill(width)
        if module.is_valid(candidate):
            yield candidate
        number += 1


def demo_partners_create(
    *, country: str, language: str, count: int, municipalities: bool = False
) -> int:
    """Create ``count`` fictional partners; skipped when the tenant already has partners."""
    if Partner.objects.exists():
        return 0
    rng = random.Random(f"{country}-{count}")  # noqa: S311  (fictional data, repeatable)
    first, second = WORDS[country]
    ids = _business_ids(country, seed=count)
    names: set[str] = set()
    today = timezone.localdate()
    created = 0
    while created < count:
        name = f"{rng.choice(first)} {rng.choice(second)}"
        if name in names:
            if len(names) >= len(first) * len(second):
                break
            continue
        names.add(name)
        # Every stage at least once, then mostly active partners.
        stage = Stage.values[created] if created < len(Stage.values) else rng.choice(STAGE_MIX)
        extra: dict[str, Any] = {"city": name.split()[0]}
        if municipalities:
            extra["inhabitants"] = rng.randrange(8_000, 160_000, 500)
        else:
            extra["employees"] = rng.choice([3, 8, 15, 40, 75, 150, 320, 800, 1500])
        if stage in {Stage.ACTIVE, Stage.ENDED}:
            extra["joined_on"] = today - dt.timedelta(days=rng.randrange(60, 1800))
        if stage == Stage.ENDED:
            extra["end_reason"] = rng.choice([EndReason.LEFT, EndReason.UNRESPONSIVE])
            extra["ended_at"] = timezone.now() - dt.timedelta(days=rng.randrange(10, 300))
        partner_create_at_stage(
            actor=None,
            name=name,
            business_id=next(ids),
            kind="municipality"
            if municipalities
            else rng.choice(["company"] * 4 + ["ngo", "school"]),
            sector="public" if municipalities else rng.choice(SECTORS),
            language=language,
            stage=stage,
            reason="demo data",
            **extra,
        )
        created += 1
    return created
