"""Presets: the reference programmes as data files in presets/<name>.json, applied to a new
tenant by ``onboard_tenant --preset`` and ``load_demo``.

The format (every text a {language: text} mapping):

    {"title": "...",
     "programme": {name, description, member_kind, target_text, target_year,
                   target_reduction_percent, baseline_year, benefits: [...], benefits_text,
                   expectations, main_events_expected, report_due_month, report_due_day},
     "contacts": [{name, title, email, phone}],
     "fee_schedules": [{key, name, kind, flat_amount, size_measure, base_amount,
                        per_inhabitant_amount, cap_amount, joining_fee, pro_rata, vat_rate,
                        bands: [[min, max or null, amount], ...]}],
     "tiers": [{key, name, description, fee_schedule: key or null}],
     "certification_schemes": [{name, website}],
     "certification_rules": [{description, schemes: [names], within_months, plan_counts,
                              tiers: [keys]}],
     "obligations": [{kind, text, tiers: [keys]}],
     "signing_rounds": [{title, month, day, hour, place, capacity, signatory_name,
                         signatory_title}],      # dated on the next such day to come
     "award_categories": [{name, description, prize_text, opens: "MM-DD", closes: "MM-DD",
                           nominators, previous_winners_excluded, municipal_units_excluded,
                           criteria: [{name, weight}]}],   # the next window to close
     "wheel": [{title, description, kind, month}],
     "assessment_questions": [{theme, text, answer_type, unit, suggestion}],
     "privacy_statement": {text}}              # published as version 1
"""

import json
from functools import cache
from pathlib import Path
from typing import Any

PRESET_DIR = Path(__file__).resolve().parent / "presets"


def preset_names() -> list[str]:
    return sorted(path.stem for path in PRESET_DIR.glob("*.json"))


@cache
def preset_load(name: str) -> dict[str, Any]:
    if name not in preset_names():
        raise KeyError(name)
    return json.loads((PRESET_DIR / f"{name}.json").read_text(encoding="utf-8"))
