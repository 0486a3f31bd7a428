"""Presets: the reference programmes as data files in presets/<name>.json, applied to a new
tenant by ``onboard_tenant --preset`` and ``load_demo``."""

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
