"""Climate accounts from CSV or XLSX: a partner's own history, or many partners' accounts at
once brought in by staff (rows keyed by business id).

One row per partner and year. ``read_upload`` checks the upload by content and turns it into
a plain table; ``import_plan`` validates every row and collects every problem, each naming
its row and column; ``accounts_import`` writes everything in one transaction, or nothing
when any row is bad. Reading, header matching and number parsing are shared with the other
imports (``programmes.core.spreadsheets``).

Activities come either in a column whose header carries the unit ("Electricity (kWh)") or
as a pair: the quantity under the activity's name ("Electricity") and its unit in a second
column ("Electricity, unit"). A quantity of a pair without its unit is refused.
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise, lazy
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programmes.climate.models import (
    ACCOUNT_FIELDS,
    ActivityData,
    ActivityKind,
    ActivityUnit,
    ClimateAccount,
    Method,
    Scope3Category,
    Scope3Emission,
)
from programmes.climate.selectors import emissions_total
from programmes.climate.services import UNITS_BY_KIND, Activity, unit_labels, year_problems
from programmes.core import spreadsheets
from programmes.core.audit import audit_record
from programmes.core.i18n import current_tenant
from programmes.core.spreadsheets import Cell, Column, ImportRefused, Table
from programmes.partners.business_ids import business_id_display
from programmes.partners.importing import EXAMPLE_BUSINESS_IDS
from programmes.partners.models import Partner
from programmes.partners.services import business_clean_or_raise
from programmes.people.models import STAFF_ROLES

ACCOUNTS = "accounts"
# "Scope 3 …" headers that are no category's column: a total, category 16, a typo.
SCOPE3_HEADER = re.compile(r"^scope\s*3(?!\d)[\s._:,;\-–]*(?:(?:category|cat\.?)\s*)?(\d+)?")
YES = ("yes", "y", "x", "1", "true", "ja", "j", "kyllä", "k")
NO = ("no", "n", "0", "false", "nej", "nei", "ei")
UNIT_ALIASES = {
    "liter": ActivityUnit.LITRE,
    "litre": ActivityUnit.LITRE,
    "litres": ActivityUnit.LITRE,
    "liters": ActivityUnit.LITRE,
    "ltr": ActivityUnit.LITRE,
    "m³": ActivityUnit.CUBIC_METRE,
    "ton": ActivityUnit.TONNE,
    "tons": ActivityUnit.TONNE,
    "tonnes": ActivityUnit.TONNE,
    "tonne": ActivityUnit.TONNE,
}


def _formatted(template: Promise, **parts: Any) -> Promise:
    """A lazy label put together in the language active when it is read."""

    def text() -> str:
        return str(template) % {name: str(part) for name, part in parts.items()}

    return lazy(text, str)()


def fixed_key(kind: str, unit: str) -> str:
    return f"{kind}_{unit.lower()}"


BUSINESS_ID = Column("business_id", gettext_lazy("business id"), text=True)
ACCOUNT_COLUMNS = (
    Column("year", gettext_lazy("year"), required=True),
    Column("scope1", gettext_lazy("scope 1 (t CO2e)"), required=True, aliases=("scope 1",)),
    Column(
        "scope2_location",
        gettext_lazy("scope 2, location-based (t CO2e)"),
        required=True,
        aliases=("scope 2 location", "scope 2, location-based", "scope 2 location-based"),
    ),
    Column(
        "scope2_market",
        gettext_lazy("scope 2, market-based (t CO2e)"),
        aliases=("scope 2 market", "scope 2, market-based", "scope 2 market-based"),
    ),
    *(
        Column(
            f"scope3_{category.value}",
            _formatted(gettext_lazy("scope 3, %(category)s (t CO2e)"), category=category.label),
            aliases=(f"scope 3.{category.value}", f"scope 3 {category.value}"),
        )
        for category in Scope3Category
    ),
    Column("method", gettext_lazy("method or tool"), True, Method),
    Column("method_detail", gettext_lazy("method, in your own words")),
    Column("is_baseline", gettext_lazy("baseline year")),
)
# One column per activity and unit ("Electricity (kWh)"); the template has the first unit's.
FIXED_UNIT_COLUMNS = tuple(
    Column(
        fixed_key(kind, unit),
        _formatted(
            gettext_lazy("%(activity)s (%(unit)s)"),
            activity=ActivityKind(kind).label,
            unit=ActivityUnit(unit).label,
        ),
    )
    for kind, units in UNITS_BY_KIND.items()
    for unit in units
)
# The quantity under the activity's name and its unit in a second column.
PAIR_COLUMNS = tuple(
    column
    for kind in UNITS_BY_KIND
    for column in (
        Column(kind, ActivityKind(kind).label),
        Column(
            f"{kind}_unit",
            _formatted(gettext_lazy("%(activity)s, unit"), activity=ActivityKind(kind).label),
        ),
    )
)
NOTES = Column("notes", gettext_lazy("notes"))
ALL_COLUMNS = (BUSINESS_ID, *ACCOUNT_COLUMNS, *FIXED_UNIT_COLUMNS, *PAIR_COLUMNS, NOTES)


def columns_for(*, staff: bool) -> tuple[Column, ...]:
    """The columns read: with the business id first (required) when staff import many
    partners; a partner's own import may carry it, and it must then be its own."""
    business_id = Column(BUSINESS_ID.key, BUSINESS_ID.label, required=staff, text=True)
    return (business_id, *ALL_COLUMNS[1:])


def template_columns(*, staff: bool) -> tuple[Column, ...]:
    """The template's columns: each activity once, in its first unit."""
    first_units = {fixed_key(kind, units[0]) for kind, units in UNITS_BY_KIND.items()}
    activities = tuple(c for c in FIXED_UNIT_COLUMNS if c.key in first_units)
    return (*((BUSINESS_ID,) if staff else ()), *ACCOUNT_COLUMNS, *activities, NOTES)


@dataclass(frozen=True)
class Problem(spreadsheets.Problem):
    """Why an import is refused: "Row 4, scope 1 (t CO2e): Give a number of zero or more." """

    sheet: str = ACCOUNTS
    columns = {ACCOUNTS: ALL_COLUMNS}


@dataclass
class AccountRow:
    row: int
    partner_id: int | None
    partner_name: str
    business_id: str
    fields: dict[str, Any]  # keyword arguments of ClimateAccount
    scope3: dict[int, Decimal] = field(default_factory=dict)
    activities: list[Activity] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return emissions_total(
            self.fields["scope1"],
            self.fields["scope2_location"],
            self.fields.get("scope2_market"),
            sum(self.scope3.values(), Decimal(0)),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "partner": self.partner_id,
            "partner_name": self.partner_name,
            "business_id": self.business_id,
            "year": self.fields["year"],
            "total": self.total,
            "is_baseline": self.fields["is_baseline"],
            "scope3_categories": sorted(self.scope3),
            "activities": len(self.activities),
        }


@dataclass(frozen=True)
class BaselineMove:
    partner_name: str
    from_year: int
    to_year: int


@dataclass(frozen=True)
class ImportPlan:
    rows: list[AccountRow]
    ignored_columns: list[str]
    baseline_moves: list[BaselineMove]

    @property
    def partner_count(self) -> int:
        return len({row.partner_id for row in self.rows})


# --- Reading ------------------------------------------------------------------------------


def read_upload(upload: IO[bytes]) -> Table:
    """The first sheet of a workbook, or the CSV, checked by content; ImportRefused when the
    file is not a readable CSV or XLSX."""
    try:
        table, _named = spreadsheets.read_sheets(upload)
    except ValidationError as error:
        raise ImportRefused([Problem(message) for message in error.messages]) from None
    return table


# --- Validating -------------------------------------------------------------------------


class _Checker(spreadsheets.Checker):
    problem_class = Problem

    def __init__(self, *, staff: bool) -> None:
        super().__init__({ACCOUNTS: columns_for(staff=staff)})
        self.today = timezone.localdate()
        self.yes_no: dict[str, bool] = {
            **dict.fromkeys(YES, True),
            **dict.fromkeys(spreadsheets.in_languages(gettext_lazy("Yes"), self.languages), True),
            **dict.fromkeys(NO, False),
            **dict.fromkeys(spreadsheets.in_languages(gettext_lazy("No"), self.languages), False),
        }
        self.units = {
            **self.choice_lookup(ActivityUnit.choices),
            **{spreadsheets.normal(alias): unit for alias, unit in UNIT_ALIASES.items()},
        }

    def unknown_header(self, header: Cell, sheet: str, row: int) -> str | None:
        match = SCOPE3_HEADER.match(spreadsheets.normal(header))
        if match is None:
            return super().unknown_header(header, sheet, row)
        number = int(match.group(1)) if match.group(1) else None
        if number in Scope3Category.values:
            return f"scope3_{number}"
        self.problem(
            _(
                "The column “%(column)s” is not a scope 3 category: give one column per "
                "category, 1 to 15, named as in the template."
            )
            % {"column": header},
            sheet,
            row,
        )
        return None

    # Parsers of one cell.

    def business_id(self, raw: Cell) -> str:
        return business_clean_or_raise(spreadsheets.text(raw), self.tenant.country)

    def year(self, raw: Cell) -> int:
        year = self.whole_number(raw)
        if problems := year_problems(year, today=self.today):
            raise ValidationError(problems)
        return year

    def amount(self, raw: Cell) -> Decimal:
        value = self.number(raw)
        if value < 0:
            raise ValidationError(_("Give a number of zero or more: no negative values."))
        return value

    def yes_or_no(self, raw: Cell) -> bool:
        value = self.yes_no.get(spreadsheets.normal(spreadsheets.text(raw)))
        if value is None:
            raise ValidationError(_("Give %(yes)s or %(no)s.") % {"yes": _("Yes"), "no": _("No")})
        return value

    def unit_of(self, kind: str) -> Callable[[Cell], str]:
        def parse(raw: Cell) -> str:
            unit = self.units.get(spreadsheets.normal(raw))
            if unit not in UNITS_BY_KIND[kind]:
                raise ValidationError(
                    _("Unknown unit “%(value)s”: give one of %(units)s.")
                    % {"value": raw, "units": ", ".join(unit_labels(kind))}
                )
            return unit

        return parse

    def parsers(self) -> dict[str, Callable[[Cell], Any]]:
        parsers: dict[str, Callable[[Cell], Any]] = {
            "business_id": self.business_id,
            "year": self.year,
            "scope1": self.amount,
            "scope2_location": self.amount,
            "scope2_market": self.amount,
            "method": self.choice("method"),
            "is_baseline": self.yes_or_no,
        }
        for category in Scope3Category.values:
            parsers[f"scope3_{category}"] = self.amount
        for kind, units in UNITS_BY_KIND.items():
            for unit in units:
                parsers[fixed_key(kind, unit)] = self.amount
            parsers[kind] = self.amount
            parsers[f"{kind}_unit"] = self.unit_of(kind)
        return parsers

    # Checks of one row.

    def activities(
        self, number: int, data: dict[str, Any], failed: set[str]
    ) -> list[tuple[Activity, str, str]]:
        """(activity, quantity column, unit column) of each activity given in the row."""
        found = []
        for kind, units in UNITS_BY_KIND.items():
            given = [
                (fixed_key(kind, unit), data[fixed_key(kind, unit)], unit, fixed_key(kind, unit))
                for unit in units
                if fixed_key(kind, unit) in data
            ]
            unit_key = f"{kind}_unit"
            quantity, unit = data.get(kind), data.get(unit_key)
            if quantity is not None and unit is None:
                if unit_key not in failed:
                    self.problem(
                        _("The unit is missing: give one of %(units)s.")
                        % {"units": ", ".join(unit_labels(kind))},
                        ACCOUNTS,
                        number,
                        unit_key,
                    )
            elif unit is not None and quantity is None:
                if kind not in failed:
                    self.problem(
                        _("Give the quantity, or leave the unit out."), ACCOUNTS, number, kind
                    )
            elif quantity is not None:
                given.append((kind, quantity, unit, unit_key))
            if len(given) > 1:
                self.problem(
                    _("%(activity)s is given in more than one column: give it once.")
                    % {"activity": ActivityKind(kind).label},
                    ACCOUNTS,
                    number,
                    given[1][0],
                )
            elif given:
                key, quantity, unit, unit_column = given[0]
                found.append((Activity(kind=kind, quantity=quantity, unit=unit), key, unit_column))
        return found


def import_plan(table: Table, *, partner: Partner | None = None) -> ImportPlan:
    """What an import would create: staff's (``partner`` None, rows keyed by business id)
    or one partner's own; ImportRefused with every problem when any row is bad."""
    staff = partner is None
    check = _Checker(staff=staff)
    parsers = check.parsers()
    rows: list[AccountRow] = []
    for number, values in check.rows(table, ACCOUNTS):
        data, failed = check.parse(ACCOUNTS, number, values, parsers)
        business_id = data.get("business_id", "")
        if not staff and business_id and business_id != partner.business_id:
            check.problem(
                _("This is not your organisation's business id."), ACCOUNTS, number, "business_id"
            )
        fields = {name: data.get(name) for name in ACCOUNT_FIELDS}
        fields["is_baseline"] = bool(fields["is_baseline"])
        fields["method_detail"] = fields["method_detail"] or ""
        fields["notes"] = fields["notes"] or ""
        check.model_problems(
            ClimateAccount(**fields),
            ACCOUNTS,
            number,
            failed,
            exclude=["partner", "reported_by"],
        )
        scope3 = {}
        for category in Scope3Category.values:
            key = f"scope3_{category}"
            if data.get(key) is not None:
                scope3[category] = data[key]
                check.model_problems(
                    Scope3Emission(category=category, tonnes=data[key]),
                    ACCOUNTS,
                    number,
                    failed,
                    {"tonnes": key},
                    exclude=["account"],
                )
        activities = []
        for activity, key, unit_key in check.activities(number, data, failed):
            activities.append(activity)
            check.model_problems(
                ActivityData(kind=activity.kind, quantity=activity.quantity, unit=activity.unit),
                ACCOUNTS,
                number,
                failed,
                {"quantity": key, "unit": unit_key},
                exclude=["account"],
            )
        rows.append(
            AccountRow(
                row=number,
                partner_id=None if staff else partner.pk,
                partner_name="" if staff else partner.name,
                business_id=business_id if staff else partner.business_id,
                fields=fields,
                scope3=scope3,
                activities=activities,
            )
        )
    if staff:
        _find_partners(check, rows)
    moves = _against_each_other_and_existing(check, rows)
    if check.problems:
        raise ImportRefused(sorted(check.problems, key=lambda p: p.row or 0))
    return ImportPlan(rows=rows, ignored_columns=check.ignored, baseline_moves=moves)


def _find_partners(check: _Checker, rows: list[AccountRow]) -> None:
    """Each row's partner by business id, in one query: an unknown one is a problem."""
    wanted = {row.business_id for row in rows if row.business_id}
    partners = {
        business_id: (pk, name)
        for pk, business_id, name in Partner.objects.filter(business_id__in=wanted).values_list(
            "pk", "business_id", "name"
        )
    }
    for row in rows:
        if row.business_id and row.business_id in partners:
            row.partner_id, row.partner_name = partners[row.business_id]
        elif row.business_id:
            check.problem(
                _("No partner in the programme has this business id."),
                ACCOUNTS,
                row.row,
                "business_id",
            )


def _against_each_other_and_existing(check: _Checker, rows: list[AccountRow]) -> list[BaselineMove]:
    """Years given twice for a partner, in the file or already in the programme; more than
    one baseline a partner; and which baselines the import moves. One query."""
    first_row: dict[tuple[Any, int], int] = {}
    baseline_row: dict[Any, int] = {}
    for row in rows:
        owner = row.partner_id or row.business_id
        year = row.fields["year"]
        if not owner:
            continue
        if year is not None:
            if (owner, year) in first_row:
                check.problem(
                    _("This year is also given in row %(row)s.")
                    % {"row": first_row[(owner, year)]},
                    ACCOUNTS,
                    row.row,
                    "year",
                )
            else:
                first_row[(owner, year)] = row.row
        if row.fields["is_baseline"]:
            if owner in baseline_row:
                check.problem(
                    _("Only one baseline year a partner: row %(row)s is marked as well.")
                    % {"row": baseline_row[owner]},
                    ACCOUNTS,
                    row.row,
                    "is_baseline",
                )
            else:
                baseline_row[owner] = row.row
    known = [row for row in rows if row.partner_id is not None and row.fields["year"] is not None]
    if not known:
        return []
    existing = (
        ClimateAccount.objects.filter(
            Q(year__in={row.fields["year"] for row in known}) | Q(is_baseline=True),
            partner_id__in={row.partner_id for row in known},
        )
        .order_by()
        .values_list("partner_id", "year", "is_baseline")
    )
    years, baselines = set(), {}
    for partner_id, year, is_baseline in existing:
        years.add((partner_id, year))
        if is_baseline:
            baselines[partner_id] = year
    moves = []
    for row in known:
        year = row.fields["year"]
        if (row.partner_id, year) in years:
            check.problem(
                _("There is already a climate account for %(year)s.") % {"year": year},
                ACCOUNTS,
                row.row,
                "year",
            )
        if row.fields["is_baseline"] and baselines.get(row.partner_id, year) != year:
            moves.append(BaselineMove(row.partner_name, baselines[row.partner_id], year))
    return moves


# --- Importing --------------------------------------------------------------------------


def accounts_import(
    *, actor: Any, table: Table, partner: Partner | None = None, dry_run: bool = False
) -> ImportPlan:
    """Validate the table and, unless ``dry_run``, create every account (with its scope 3
    categories and activities) in one transaction: any problem and nothing is written.
    Without ``partner`` (staff only) rows name their partner by business id."""
    if partner is None and getattr(actor, "role", None) not in STAFF_ROLES:
        raise PermissionDenied
    plan = import_plan(table, partner=partner)
    if dry_run:
        return plan
    reporter = actor if getattr(actor, "is_authenticated", False) else None
    partner_ids = sorted({row.partner_id for row in plan.rows})
    try:
        with transaction.atomic():
            # The same lock as account_save takes: years and baselines hold while writing.
            list(
                Partner.objects.select_for_update()
                .filter(pk__in=partner_ids)
                .order_by("pk")
                .values_list("pk")
            )
            moving = {row.partner_id for row in plan.rows if row.fields["is_baseline"]}
            ClimateAccount.objects.filter(partner_id__in=moving, is_baseline=True).update(
                is_baseline=False
            )
            accounts = ClimateAccount.objects.bulk_create(
                ClimateAccount(partner_id=row.partner_id, reported_by=reporter, **row.fields)
                for row in plan.rows
            )
            Scope3Emission.objects.bulk_create(
                Scope3Emission(account=account, category=category, tonnes=tonnes)
                for account, row in zip(accounts, plan.rows, strict=True)
                for category, tonnes in sorted(row.scope3.items())
            )
            ActivityData.objects.bulk_create(
                ActivityData(account=account, kind=a.kind, quantity=a.quantity, unit=a.unit)
                for account, row in zip(accounts, plan.rows, strict=True)
                for a in row.activities
            )
            years = [row.fields["year"] for row in plan.rows]
            audit_record(
                actor=actor,
                action="climate_accounts.imported",
                target=partner,
                data={
                    "accounts": len(plan.rows),
                    "partners": len(partner_ids),
                    "years": [min(years), max(years)],
                    "baselines_moved": [
                        [move.partner_name, move.from_year, move.to_year]
                        for move in plan.baseline_moves
                    ],
                },
            )
    except IntegrityError:
        raise ImportRefused(
            [Problem(_("Another climate account was saved while importing. Check the file again."))]
        ) from None
    return plan


# --- Templates and guidance -------------------------------------------------------------


def column_guide(*, staff: bool) -> list[dict[str, Any]]:
    """What to write in each column of the template, in the active language."""
    tonnes = _("Tonnes CO2e, zero or more; leave empty when not calculated.")
    hints = {
        "business_id": _("The business id of a partner in the programme."),
        "year": _("A year from %(first)s to this year, e.g. %(year)s.")
        % {"first": 1990, "year": timezone.localdate().year - 1},
        "scope1": _("Tonnes CO2e, zero or more."),
        "scope2_location": _("Tonnes CO2e, zero or more."),
        "scope2_market": _(
            "Tonnes CO2e; when given, it counts in the total instead of the location-based figure."
        ),
        "method_detail": _("Optional, e.g. the name of your consultant or tool."),
        "is_baseline": _(
            "%(yes)s for the year you measure your reductions from (one year a partner), "
            "else %(no)s or empty."
        )
        % {"yes": _("Yes"), "no": _("No")},
        "notes": _("Optional."),
    }
    for category in Scope3Category.values:
        hints[f"scope3_{category}"] = tonnes
    for kind, units in UNITS_BY_KIND.items():
        if len(units) == 1:
            hints[fixed_key(kind, units[0])] = _("A quantity, zero or more.")
            continue
        hints[fixed_key(kind, units[0])] = _(
            "A quantity, zero or more. To give it in %(units)s instead: a column "
            "“%(column)s” with the quantity and a column “%(unit_column)s” with the unit."
        ) % {
            "units": ", ".join(str(ActivityUnit(unit).label) for unit in units[1:]),
            "column": capfirst(str(ActivityKind(kind).label)),
            "unit_column": capfirst(
                _("%(activity)s, unit") % {"activity": ActivityKind(kind).label}
            ),
        }
    return spreadsheets.column_guide(template_columns(staff=staff), hints, _choice_labels)


def _choice_labels(column: Column) -> list[str]:
    assert column.choices is not None
    return [str(label) for _code, label in column.choices.choices]


def _example(*, staff: bool, business_id: str = "") -> list[Cell | dt.date]:
    values: dict[str, Any] = {
        "business_id": business_id,
        "year": timezone.localdate().year - 1,
        "scope1": 12.5,
        "scope2_location": 8.2,
        "scope2_market": 3.1,
        "scope3_1": 40,
        "scope3_6": 2.3,
        "scope3_7": 5.8,
        "method": Method.KLIMAKOMPASSET.label,
        "is_baseline": _("No"),
        fixed_key(ActivityKind.ELECTRICITY, ActivityUnit.KWH): 52000,
        fixed_key(ActivityKind.DISTRICT_HEATING, ActivityUnit.KWH): 61000,
        fixed_key(ActivityKind.DIESEL, ActivityUnit.LITRE): 3100,
        fixed_key(ActivityKind.VEHICLE_DISTANCE, ActivityUnit.KM): 18000,
        fixed_key(ActivityKind.FLIGHT_DISTANCE, ActivityUnit.KM): 4200,
        "notes": _("Example: replace this row with your own accounts."),
    }
    return [spreadsheets.plain(values.get(c.key)) for c in template_columns(staff=staff)]


def example_business_id() -> str:
    """A partner of the programme for the staff template's example row (so that the
    template imports as it is), else a made-up valid one."""
    tenant = current_tenant()
    business_id = (
        Partner.objects.order_by("name").values_list("business_id", flat=True).first()
        or EXAMPLE_BUSINESS_IDS[tenant.country]
    )
    return business_id_display(business_id, tenant.country)


def template_xlsx(*, staff: bool) -> bytes:
    business_id = example_business_id() if staff else ""
    return spreadsheets.template_xlsx(
        [
            (
                capfirst(_("Climate accounts")),
                template_columns(staff=staff),
                [_example(staff=staff, business_id=business_id)],
            )
        ]
    )


def template_csv(*, staff: bool) -> bytes:
    business_id = example_business_id() if staff else ""
    return spreadsheets.template_csv(
        template_columns(staff=staff), [_example(staff=staff, business_id=business_id)]
    )
