"""The dashboard's sections as people see them: a heading, charts, tables and notes, built
from the figures of ``selectors``. Pages, CSV and XLSX downloads all read the same
``Table``s, so a download always holds the numbers the page shows.

Charts are cached briefly per tenant, keyed by a hash of everything drawn (so a change in
the data or the language gives a new key and a chart is never stale).
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programmes.configuration.models import PublicFigure
from programmes.core.i18n import format_number, formatting_locale
from programmes.dashboards import charts
from programmes.dashboards.selectors import (
    CategoryCount,
    Figures,
    Scopes,
    TargetGap,
    percent,
)

CHART_CACHE_SECONDS = 600

# Kinds of cells: how a value is shown on the page and typed in a spreadsheet.
TEXT, COUNT, TONNES, PERCENT = "text", "count", "tonnes", "percent"


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = COUNT


@dataclass(frozen=True)
class Typed:
    """A cell whose kind differs from its column's (a table of figure / value rows)."""

    value: Any
    kind: str


def raw(value: Any) -> Any:
    return value.value if isinstance(value, Typed) else value


def kind_of(value: Any, column: "Column") -> str:
    return value.kind if isinstance(value, Typed) else column.kind


@dataclass(frozen=True)
class Table:
    """Numbers with a caption, and the chart drawn from them (``bar_chart_svg``'s
    arguments), shown above the table."""

    caption: str
    columns: list[Column]
    rows: list[list[Any]]  # raw values: str, int, Decimal, None (not known) or Typed
    chart: dict[str, Any] | None = None

    def display_rows(self) -> list[list[str]]:
        return [
            [
                show(raw(value), kind_of(value, column))
                for value, column in zip(row, self.columns, strict=True)
            ]
            for row in self.rows
        ]

    @property
    def chart_svg(self) -> str:
        """Drawn only when a page shows it (downloads and the API never do)."""
        return chart(**self.chart) if self.chart else ""


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    tables: list[Table]
    notes: list[str] = field(default_factory=list)


def show(value: Any, kind: str) -> str:
    if value is None:
        return "–"
    if kind == TEXT:
        return str(value)
    if kind == TONNES:
        return format_number(value, decimals=1)
    if kind == PERCENT:
        return f"{format_number(value, decimals=1)} %"
    return format_number(value)


def chart(**spec: Any) -> str:
    """``charts.bar_chart_svg(**spec)``, from the cache when drawn lately. The key holds
    the schema (and the cache's key function prefixes it again) and the locale numbers
    are written in."""
    digest = hashlib.sha256(
        json.dumps([spec, formatting_locale()], default=str, sort_keys=True).encode()
    ).hexdigest()
    key = f"dashboard-chart:{connection.schema_name}:{digest}"
    svg = cache.get(key)
    if svg is None:
        svg = charts.bar_chart_svg(**spec)
        cache.set(key, svg, CHART_CACHE_SECONDS)
    return svg


def _counts_chart(title: str, rows: list[CategoryCount], series: str, unit: str) -> dict[str, Any]:
    return {
        "title": title,
        "categories": [row.label for row in rows],
        "series": [(series, [row.count for row in rows])],
        "unit": unit,
        "horizontal": True,
    }


def _counts_table(
    caption: str, heading: str, rows: list[CategoryCount], count: str, unit: str
) -> Table:
    return Table(
        caption,
        [Column(heading, TEXT), Column(count)],
        [[row.label, row.count] for row in rows],
        chart=_counts_chart(caption, rows, count, unit) if rows else None,
    )


# --- One builder per section ----------------------------------------------------------------


def partners_section(figures: Figures, *, staff: bool) -> Section:
    partners, unit = _("Partners"), _("partners")
    return Section(
        PublicFigure.PARTNERS,
        _("Partners"),
        [
            _counts_table(
                _("Organisations by stage"), _("Stage"), figures.partners_by_stage, partners, unit
            ),
            _counts_table(
                _("Active partners by sector"),
                _("Sector"),
                figures.partners_by_sector,
                partners,
                unit,
            ),
            _counts_table(
                _("Active partners by tier"), _("Tier"), figures.partners_by_tier, partners, unit
            ),
        ],
    )


def emissions_section(figures: Figures, *, staff: bool) -> Section:
    years = figures.emissions
    caption = _("Reported emissions per year and scope (t CO2e)")
    table = Table(
        caption,
        [
            Column(_("Year"), TEXT),
            Column(_("Climate accounts")),
            Column(_("Scope 1"), TONNES),
            Column(_("Scope 2, location-based"), TONNES),
            Column(_("Scope 3"), TONNES),
            Column(_("Total"), TONNES),
            Column(_("Scope 2, market-based"), TONNES),
            Column(_("Accounts with market-based scope 2")),
        ],
        [
            [
                str(row.year),
                row.accounts,
                row.scope1,
                row.scope2_location,
                row.scope3,
                row.total,
                row.scope2_market,
                row.market_accounts,
            ]
            for row in years
        ],
        chart={
            "title": caption,
            "categories": [str(row.year) for row in years],
            "series": [
                (_("Scope 1"), [float(row.scope1) for row in years]),
                (_("Scope 2, location-based"), [float(row.scope2_location) for row in years]),
                (_("Scope 3"), [float(row.scope3) for row in years]),
            ],
            "unit": _("t CO2e"),
        }
        if years
        else None,
    )
    notes = [
        _(
            "The total is scope 1, scope 2 location-based and scope 3. Market-based scope 2 "
            "is shown for the accounts that report it and is not added to the total."
        )
    ]
    if not years:
        notes.insert(0, _("No climate accounts have been reported yet."))
    return Section(PublicFigure.EMISSIONS, _("Reported emissions"), [table], notes)


def _scope_rows(baseline: Scopes, latest: Scopes) -> list[list[Any]]:
    rows = []
    for label, before, after in (
        (_("Scope 1"), baseline.scope1, latest.scope1),
        (_("Scope 2, location-based"), baseline.scope2_location, latest.scope2_location),
        (_("Scope 3"), baseline.scope3, latest.scope3),
        (_("Total"), baseline.total, latest.total),
    ):
        rows.append([label, before, after, before - after, percent(before - after, before)])
    return rows


def reductions_section(figures: Figures, *, staff: bool) -> Section:
    result = figures.reductions
    compared = len(result.partners)
    caption = _("Reduction against the baseline, all partners compared (t CO2e)")
    baseline, latest = result.baseline, result.latest
    tables = [
        Table(
            caption,
            [
                Column(_("Scope"), TEXT),
                Column(_("Baseline"), TONNES),
                Column(_("Latest account"), TONNES),
                Column(_("Reduction"), TONNES),
                Column(_("Reduction (%)"), PERCENT),
            ],
            _scope_rows(baseline, latest) if compared else [],
            chart={
                "title": caption,
                "categories": [_("Baseline"), _("Latest account")],
                "series": [
                    (_("Scope 1"), [float(baseline.scope1), float(latest.scope1)]),
                    (
                        _("Scope 2, location-based"),
                        [float(baseline.scope2_location), float(latest.scope2_location)],
                    ),
                    (_("Scope 3"), [float(baseline.scope3), float(latest.scope3)]),
                ],
                "unit": _("t CO2e"),
            }
            if compared
            else None,
        )
    ]
    if staff:  # the public sees the programme's figure, never a partner's emissions
        tables.append(
            Table(
                _("Reduction of each partner against its baseline (t CO2e)"),
                [
                    Column(_("Partner"), TEXT),
                    Column(_("Baseline year"), TEXT),
                    Column(_("Baseline"), TONNES),
                    Column(_("Latest year"), TEXT),
                    Column(_("Latest account"), TONNES),
                    Column(_("Reduction"), TONNES),
                    Column(_("Reduction (%)"), PERCENT),
                ],
                [
                    [
                        row.name,
                        str(row.baseline_year),
                        row.baseline.total,
                        str(row.latest_year),
                        row.latest.total,
                        row.change,
                        row.change_percent,
                    ]
                    for row in result.partners
                ],
            )
        )
    if compared:
        notes = [
            _(
                "%(compared)s active partners have a baseline account and a later one; "
                "%(reduced)s of them emit less than in their baseline year. Each partner's "
                "latest account is compared with its own baseline; a negative reduction is "
                "an increase."
            )
            % {"compared": format_number(compared), "reduced": format_number(result.reduced)}
        ]
    else:
        notes = [_("No active partner has a baseline account and a later one yet.")]
    return Section(PublicFigure.REDUCTIONS, _("Reductions against the baseline"), tables, notes)


def reporting_section(figures: Figures, *, staff: bool) -> Section:
    share = figures.reporting
    year = str(share.year)
    caption = _("Active partners with a climate account for %(year)s") % {"year": year}
    table = Table(
        caption,
        [
            Column(_("Year"), TEXT),
            Column(_("Active partners")),
            Column(_("With a climate account")),
            Column(_("Share"), PERCENT),
        ],
        [[year, share.active, share.reported, share.share_percent]],
        chart={
            "title": caption,
            "categories": [year],
            "series": [
                (_("With a climate account"), [share.reported]),
                (_("Without"), [share.active - share.reported]),
            ],
            "unit": _("partners"),
            "horizontal": True,
        }
        if share.active
        else None,
    )
    notes = [
        _(
            "A year's climate account is reported in the following year; the share counts "
            "the partners active today."
        )
    ]
    return Section(PublicFigure.REPORTING, _("Partners that reported"), [table], notes)


def certification_section(figures: Figures, *, staff: bool) -> Section:
    coverage = figures.certification
    rows = [
        (_("Valid certificate"), coverage.valid),
        (
            _("Certificate expiring within %(days)s days")
            % {"days": format_number(coverage.warning_days)},
            coverage.expiring,
        ),
        (_("Certification planned"), coverage.planned),
        (_("No certificate"), coverage.none),
    ]
    caption = _("Active partners by environmental certificate")
    table = Table(
        caption,
        [Column(_("Certificate"), TEXT), Column(_("Partners")), Column(_("Share"), PERCENT)],
        [[label, count, percent(count, coverage.active)] for label, count in rows]
        + [[_("All active partners"), coverage.active, percent(coverage.active, coverage.active)]],
        chart={
            "title": caption,
            "categories": [label for label, _count in rows],
            "series": [(_("Partners"), [count for _label, count in rows])],
            "unit": _("partners"),
            "horizontal": True,
        }
        if coverage.active
        else None,
    )
    notes = [
        _(
            "Coverage: %(percent)s of the active partners (%(covered)s of %(active)s) hold a "
            "valid certificate or one that expires soon."
        )
        % {
            "percent": show(coverage.coverage_percent, PERCENT),
            "covered": format_number(coverage.covered),
            "active": format_number(coverage.active),
        }
    ]
    return Section(PublicFigure.CERTIFICATION, _("Certification coverage"), [table], notes)


def goals_section(figures: Figures, *, staff: bool) -> Section:
    table = _counts_table(
        _("Goals of active partners by status"), _("Status"), figures.goals, _("Goals"), _("goals")
    )
    return Section(PublicFigure.GOALS, _("Goals by status"), [table])


TARGET_GAPS: dict[str, Promise] = {
    TargetGap.NO_TARGET: gettext_lazy(
        "The programme has no reduction target with a target year in its profile."
    ),
    TargetGap.NO_BASELINE_YEAR: gettext_lazy("The programme has no baseline year in its profile."),
    TargetGap.NO_DATA: gettext_lazy(
        "No active partner has a climate account for the programme's baseline year and a "
        "later one, so progress cannot be measured yet."
    ),
    TargetGap.ZERO_BASELINE: gettext_lazy(
        "The partners compared reported no emissions for the baseline year, so no reduction "
        "can be computed."
    ),
}


def target_section(figures: Figures, *, staff: bool) -> Section:
    target = figures.target
    title = _("Progress towards the municipal target")
    if not target.possible:
        notes = [_("The data does not allow progress towards the target to be shown:")]
        notes += [str(TARGET_GAPS[gap]) for gap in target.missing]
        return Section(PublicFigure.TARGET, title, [], notes)
    baseline_year, latest_year = str(target.baseline_year), str(target.latest_year)
    target_year = str(target.target_year)
    caption = _("Emissions of the partners compared, against the target")
    achieved = [
        (_("Achieved by %(year)s") % {"year": latest_year}, target.achieved_percent),
        (_("Due by %(year)s") % {"year": latest_year}, target.expected_percent),
        (_("Target by %(year)s") % {"year": target_year}, target.target_percent),
    ]
    table = Table(
        caption,
        [Column(_("Figure"), TEXT), Column(_("Value"), TEXT)],
        [
            [_("Baseline year"), baseline_year],
            [_("Partners compared"), Typed(target.partners, COUNT)],
            [_("Emissions in the baseline year (t CO2e)"), Typed(target.baseline_tonnes, TONNES)],
            [_("Latest emissions (t CO2e)"), Typed(target.latest_tonnes, TONNES)],
            [_("Latest year"), latest_year],
            [_("Reduction achieved"), Typed(target.achieved_percent, PERCENT)],
            [
                _("Reduction due by now on a straight path"),
                Typed(target.expected_percent, PERCENT),
            ],
            [
                _("Target by %(year)s") % {"year": target_year},
                Typed(target.target_percent, PERCENT),
            ],
        ],
        chart={
            "title": caption,
            "categories": [label for label, _value in achieved],
            "series": [(_("Reduction"), [float(value or 0) for _label, value in achieved])],
            "unit": "%",
            "horizontal": True,
            "decimals": 1,
        },
    )
    notes = [
        _(
            "Active partners with a climate account for %(baseline)s and a later one are "
            "compared, each with its latest account."
        )
        % {"baseline": baseline_year}
    ]
    if target.on_track is True:
        notes.append(_("The partners compared are on track for the target."))
    elif target.on_track is False:
        notes.append(_("The partners compared are behind the straight path to the target."))
    return Section(PublicFigure.TARGET, title, [table], notes)


BUILDERS: dict[str, Callable[..., Section]] = {
    PublicFigure.PARTNERS: partners_section,
    PublicFigure.EMISSIONS: emissions_section,
    PublicFigure.REDUCTIONS: reductions_section,
    PublicFigure.REPORTING: reporting_section,
    PublicFigure.CERTIFICATION: certification_section,
    PublicFigure.GOALS: goals_section,
    PublicFigure.TARGET: target_section,
}


def build_sections(figures: Figures, codes: list[str], *, staff: bool) -> list[Section]:
    return [BUILDERS[code](figures, staff=staff) for code in codes]
