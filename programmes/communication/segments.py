"""Who an announcement goes to: the segment's criteria, as stored in ``Announcement.segment``.

Criteria combine with AND; the values of one criterion with OR. An empty segment is every
partner that has not ended; ended partners are never in a segment.

- ``stages``: stages of the journey (not ``ended``);
- ``tiers``: tier ids of the programme;
- ``sectors``: sectors (``partners.Sector``);
- ``not_reported_year``: partners without an answered follow-up for that year;
- ``certificate_expiring``: partners with a certificate in the programme's warning window
  that they have not renewed (as the certificate reminders decide).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from programmes.configuration.models import Tier
from programmes.partners.models import Sector, Stage

KEYS = ("stages", "tiers", "sectors", "not_reported_year", "certificate_expiring")
SEGMENT_STAGES = [value for value in Stage.values if value != Stage.ENDED]
FIRST_YEAR, LAST_YEAR = 2000, 2100


def segment_clean(raw: Any) -> dict[str, Any]:
    """The criteria in their stored form, or a ValidationError under ``segment`` that names
    what is wrong (an unknown stage, tier or sector, a year out of range, unknown keys)."""
    if raw in (None, ""):
        raw = {}
    if not isinstance(raw, dict):
        raise ValidationError({"segment": [_("Give the recipients as criteria.")]})
    problems: list[str] = []
    unknown = sorted(set(raw) - set(KEYS))
    if unknown:
        problems.append(_("Unknown criteria: %(names)s.") % {"names": ", ".join(unknown)})
    stages = _text_list(raw.get("stages"), SEGMENT_STAGES, _("Unknown stage: %(value)s."), problems)
    sectors = _text_list(
        raw.get("sectors"), Sector.values, _("Unknown sector: %(value)s."), problems
    )
    tiers = _tiers(raw.get("tiers"), problems)
    year = raw.get("not_reported_year")
    if year in ("", None):
        year = None
    elif isinstance(year, bool) or not str(year).isdigit():
        problems.append(_("The follow-up year must be a year such as 2026."))
    else:
        year = int(year)
        if not FIRST_YEAR <= year <= LAST_YEAR:
            problems.append(_("The follow-up year must be a year such as 2026."))
    expiring = raw.get("certificate_expiring", False)
    if not isinstance(expiring, bool):
        problems.append(_("“Certificate expiring” is true or false."))
    if problems:
        raise ValidationError({"segment": problems})
    cleaned: dict[str, Any] = {}
    if stages:
        cleaned["stages"] = stages
    if tiers:
        cleaned["tiers"] = tiers
    if sectors:
        cleaned["sectors"] = sectors
    if year is not None:
        cleaned["not_reported_year"] = year
    if expiring:
        cleaned["certificate_expiring"] = True
    return cleaned


def _text_list(value: Any, allowed: list[str], message: str, problems: list[str]) -> list[str]:
    if value in (None, ""):
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        problems.append(message % {"value": value})
        return []
    for item in value:
        if item not in allowed:
            problems.append(message % {"value": item})
    return sorted(set(value))


def _tiers(value: Any, problems: list[str]) -> list[int]:
    if value in (None, ""):
        return []
    if not isinstance(value, list) or not all(
        isinstance(item, int) and not isinstance(item, bool) for item in value
    ):
        problems.append(_("Unknown tier: %(value)s.") % {"value": value})
        return []
    wanted = sorted(set(value))
    known = set(Tier.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    for item in wanted:
        if item not in known:
            problems.append(_("Unknown tier: %(value)s.") % {"value": item})
    return wanted
