"""Bringing an existing programme over: its partners (with their main contact and goals)
from the CSV or XLSX sheet the programme keeps today.

``read_uploads`` checks the upload(s) by content and turns them into plain tables of cells;
``import_plan`` validates every row against the tenant's rules and collects every problem,
each naming its row and column; ``partners_import`` creates everything in one transaction,
or nothing when any row is bad. Tables hold only JSON values, so a preview can keep them in
the session and the confirmation validates them again from scratch. Reading, header
matching, cell parsing and problem reporting are shared with other imports
(``programmes.core.spreadsheets``); what is here is the partners' own.
"""

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programmes.configuration.models import Theme
from programmes.core import spreadsheets
from programmes.core.audit import audit_record
from programmes.core.i18n import current_tenant
from programmes.core.spreadsheets import Cell, Column, ImportRefused, Table
from programmes.partners.business_ids import NAMES, business_id_display
from programmes.partners.models import (
    ContactRole,
    Goal,
    GoalStatus,
    Horizon,
    OrganisationKind,
    Partner,
    PartnerContact,
    Sector,
    Stage,
)
from programmes.partners.services import business_clean_or_raise, partner_create_at_stage

PARTNERS, GOALS = "partners", "goals"
MAX_ROWS = spreadsheets.MAX_ROWS
# Goals of partners at these stages were agreed before the programme came over.
GOAL_STATUS_BY_STAGE = {
    Stage.GOALS_PROPOSED: GoalStatus.PROPOSED,
    Stage.APPROVED: GoalStatus.APPROVED,
    Stage.BOOKED: GoalStatus.APPROVED,
    Stage.ACTIVE: GoalStatus.APPROVED,
}
# Valid business ids (python-stdnum) for the template's example row.
EXAMPLE_BUSINESS_IDS = {"DK": "12345674", "SE": "5561234567", "FI": "1234567-1", "NO": "123456785"}
EXAMPLE_POSTCODES = {"DK": "9800", "SE": "123 45", "FI": "00100", "NO": "0150"}
EXAMPLE_PHONES = {
    "DK": "+45 12 34 56 78",
    "SE": "+46 8 123 456",
    "FI": "+358 9 123 456",
    "NO": "+47 12 34 56 78",
}
PARTNER_COLUMNS = (
    Column("name", gettext_lazy("organisation name"), required=True),
    Column("business_id", gettext_lazy("business id"), required=True, text=True),
    Column("kind", gettext_lazy("kind of organisation"), True, OrganisationKind),
    Column("sector", gettext_lazy("sector"), True, Sector),
    Column("employees", gettext_lazy("number of employees")),
    Column("street", gettext_lazy("street address")),
    Column("postcode", gettext_lazy("postcode"), text=True),
    Column("city", gettext_lazy("town or city")),
    Column("contact_name", gettext_lazy("contact name"), required=True),
    Column("contact_email", gettext_lazy("contact e-mail address"), required=True),
    Column("contact_phone", gettext_lazy("contact phone"), text=True),
    Column("stage", gettext_lazy("stage"), True, Stage),
    Column("joined_on", gettext_lazy("signed on")),
    Column("language", gettext_lazy("language")),
)
GOAL_COLUMNS = (
    Column("business_id", gettext_lazy("business id"), required=True, text=True),
    Column("theme", gettext_lazy("theme"), True, Theme),
    Column("description", gettext_lazy("goal"), required=True),
    Column("indicator", gettext_lazy("indicator"), required=True),
    Column("unit", gettext_lazy("unit"), required=True),
    Column("baseline_value", gettext_lazy("baseline value"), required=True),
    Column("baseline_year", gettext_lazy("baseline year"), required=True),
    Column("target_value", gettext_lazy("target value"), required=True),
    Column("target_date", gettext_lazy("target date"), required=True),
    Column("horizon", gettext_lazy("horizon"), True, Horizon),
)
COLUMNS = {PARTNERS: PARTNER_COLUMNS, GOALS: GOAL_COLUMNS}
SHEET_NAMES = {PARTNERS: gettext_lazy("Partners"), GOALS: gettext_lazy("Goals")}
CONTACT_FIELDS = {"name": "contact_name", "email": "contact_email", "phone": "contact_phone"}


@dataclass(frozen=True)
class Problem(spreadsheets.Problem):
    """Why an import is refused: the message, and where (sheet, spreadsheet row, column)."""

    sheet: str = PARTNERS
    columns = COLUMNS

    def __str__(self) -> str:
        if self.sheet != GOALS:
            return super().__str__()
        where = {"row": self.row, "column": self.label, "message": self.message}
        if self.row and self.label:
            return _("Goals, row %(row)s, %(column)s: %(message)s") % where
        if self.row:
            return _("Goals, row %(row)s: %(message)s") % where
        return _("Goals: %(message)s") % where


@dataclass(frozen=True)
class Tables:
    """The uploaded sheets as rows of cells (str, int, float or None; dates as ISO text)."""

    partners: Table
    goals: Table | None = None

    def as_json(self) -> dict[str, Any]:
        return {"partners": self.partners, "goals": self.goals}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Tables":
        return cls(partners=data["partners"], goals=data.get("goals"))


@dataclass
class PartnerRow:
    row: int
    partner: dict[str, Any]  # keyword arguments of partner_create_at_stage
    contact: dict[str, str]
    goals: list[dict[str, Any]] = field(default_factory=list)

    @property
    def stage_label(self) -> str:
        return str(Stage(self.partner["stage"]).label)

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "name": self.partner["name"],
            "business_id": self.partner["business_id"],
            "stage": self.partner["stage"],
            "joined_on": self.partner.get("joined_on"),
            "contact_email": self.contact["email"],
            "goals": len(self.goals),
        }


@dataclass(frozen=True)
class ImportPlan:
    rows: list[PartnerRow]
    ignored_columns: list[str]

    @property
    def goal_count(self) -> int:
        return sum(len(row.goals) for row in self.rows)


# --- Reading ------------------------------------------------------------------------------


def read_uploads(upload: IO[bytes], goals_upload: IO[bytes] | None = None) -> Tables:
    """The partners' table (and goals: an XLSX's "Goals" sheet or a second file), checked
    by content; ImportRefused when a file is not a readable CSV or XLSX."""
    problems: list[Problem] = []
    partners, goals = _read_one(upload, PARTNERS, problems)
    if goals_upload is not None:
        first, goals_sheet = _read_one(goals_upload, GOALS, problems)
        if goals is not None:
            problems.append(
                Problem(
                    _("Give the goals in the workbook's goals sheet or a separate file, not both."),
                    GOALS,
                )
            )
        goals = goals_sheet if goals_sheet is not None else first
    if problems:
        raise ImportRefused(problems)
    return Tables(partners=partners, goals=goals)


def _read_one(upload: IO[bytes], sheet: str, problems: list[Problem]) -> tuple[Table, Table | None]:
    """The first sheet (or the CSV) and the workbook's goals sheet, if it has one."""
    try:
        main, named = spreadsheets.read_sheets(upload, {GOALS: SHEET_NAMES[GOALS]})
    except ValidationError as error:
        problems.extend(Problem(message, sheet) for message in error.messages)
        return [], None
    return main, named.get(GOALS)


# --- Validating -------------------------------------------------------------------------


class _Validator(spreadsheets.Checker):
    """Validates the tables of one import, collecting every problem."""

    problem_class = Problem

    def __init__(self) -> None:
        super().__init__(COLUMNS)
        self.lookups["language"] = {}
        for code in self.languages:
            info = translation.get_language_info(code)
            for name in (code, info["name"], info["name_local"], info["name_translated"]):
                self.lookups["language"][spreadsheets.normal(name)] = code

    def choice_labels(self, column: Column) -> list[str]:
        return choice_labels(column)

    def stage(self, raw: Cell) -> str:
        stage = self.choice("stage")(raw)
        if stage == Stage.ENDED:
            raise ValidationError(_("Ended partnerships are not imported."))
        return stage

    def language(self, raw: Cell) -> str:
        code = self.lookups["language"].get(spreadsheets.normal(raw))
        if code is None:
            raise ValidationError(
                _("Unknown language “%(value)s”: give one of %(choices)s.")
                % {"value": raw, "choices": ", ".join(self.languages)}
            )
        return code

    def business_id(self, raw: Cell) -> str:
        return business_clean_or_raise(_text(raw), self.tenant.country)


_text = spreadsheets.text
_date = spreadsheets.date


def _email(raw: Cell) -> str:
    return _text(raw).lower()


def import_plan(tables: Tables) -> ImportPlan:
    """What an import would create; ImportRefused with every problem when any row is bad."""
    check = _Validator()
    today = timezone.localdate()
    parsers: dict[str, Callable[[Cell], Any]] = {
        "business_id": check.business_id,
        "kind": check.choice("kind"),
        "sector": check.choice("sector"),
        "employees": check.whole_number,
        "contact_email": _email,
        "stage": check.stage,
        "joined_on": _date,
        "language": check.language,
    }
    partner_rows: list[PartnerRow] = []
    first_row_of: dict[str, int] = {}  # business id → row, for every row whose id is valid
    for number, values in check.rows(tables.partners, PARTNERS):
        data, failed = check.parse(PARTNERS, number, values, parsers)
        business_id = data.get("business_id")
        if business_id is not None:
            if business_id in first_row_of:
                check.problem(
                    _("This business id is also given in row %(row)s.")
                    % {"row": first_row_of[business_id]},
                    PARTNERS,
                    number,
                    "business_id",
                )
            else:
                first_row_of[business_id] = number
        stage, joined_on = data.get("stage"), data.get("joined_on")
        if stage == Stage.ACTIVE and joined_on is None and "joined_on" not in failed:
            check.problem(
                _("Give the signing date of an active partner."), PARTNERS, number, "joined_on"
            )
        elif joined_on is not None and stage is not None and stage != Stage.ACTIVE:
            check.problem(
                _("Give a signing date only for active partners."), PARTNERS, number, "joined_on"
            )
        elif joined_on is not None and joined_on > today:
            check.problem(_("The signing date is in the future."), PARTNERS, number, "joined_on")
        partner = {
            "name": data.get("name", ""),
            "business_id": business_id or "",
            "kind": data.get("kind", ""),
            "sector": data.get("sector", ""),
            "employees": data.get("employees"),
            "street": data.get("street", ""),
            "postcode": data.get("postcode", ""),
            "city": data.get("city", ""),
            "language": data.get("language", check.languages[0]),
            "stage": stage or "",
            "joined_on": joined_on,
        }
        check.model_problems(
            Partner(**partner, stage_changed_at=timezone.now()), PARTNERS, number, failed
        )
        contact = {
            "name": data.get("contact_name", ""),
            "email": data.get("contact_email", ""),
            "phone": data.get("contact_phone", ""),
            "role": ContactRole.MAIN,
        }
        check.model_problems(
            PartnerContact(**contact),
            PARTNERS,
            number,
            failed,
            CONTACT_FIELDS,
            exclude=["partner"],
        )
        partner_rows.append(PartnerRow(number, partner, contact))
    existing = set(
        Partner.objects.filter(business_id__in=first_row_of).values_list("business_id", flat=True)
    )
    for business_id in sorted(existing, key=first_row_of.__getitem__):
        check.problem(
            _("An organisation with this business id is already in the programme."),
            PARTNERS,
            first_row_of[business_id],
            "business_id",
        )
    by_id = {row.partner["business_id"]: row for row in partner_rows if row.partner["business_id"]}
    # Without partners every goal would be "unknown": the partners' problems say enough.
    goal_table = (tables.goals or []) if partner_rows else []
    for number, values in check.rows(goal_table, GOALS, must_have_rows=False):
        data, failed = check.parse(
            GOALS,
            number,
            values,
            {
                "business_id": check.business_id,
                "theme": check.choice("theme"),
                "baseline_value": check.number,
                "baseline_year": check.whole_number,
                "target_value": check.number,
                "target_date": _date,
                "horizon": check.choice("horizon"),
            },
        )
        owner = by_id.get(data.get("business_id", ""))
        if "business_id" in data and owner is None:
            check.problem(
                _("No partner in this import has this business id."),
                GOALS,
                number,
                "business_id",
            )
        goal = {key: value for key, value in data.items() if key != "business_id"}
        check.model_problems(Goal(**goal), GOALS, number, failed, exclude=["partner"])
        year, target = data.get("baseline_year"), data.get("target_date")
        if year is not None and target is not None and target.year < year:
            check.problem(
                _("The target date is before the baseline year."), GOALS, number, "target_date"
            )
        if owner is not None:
            goal["status"] = GOAL_STATUS_BY_STAGE.get(owner.partner["stage"], GoalStatus.DRAFT)
            owner.goals.append(goal)
    if check.problems:
        order = {PARTNERS: 0, GOALS: 1}
        raise ImportRefused(sorted(check.problems, key=lambda p: (order[p.sheet], p.row or 0)))
    return ImportPlan(rows=partner_rows, ignored_columns=check.ignored)


# --- Importing --------------------------------------------------------------------------


def partners_import(*, actor: Any, tables: Tables, dry_run: bool = False) -> ImportPlan:
    """Validate the tables and, unless ``dry_run``, create every partner (at its stage, with
    its main contact and goals) in one transaction: any problem and nothing is written."""
    plan = import_plan(tables)
    if dry_run:
        return plan
    reason = _("Imported from a spreadsheet.")
    try:
        with transaction.atomic():
            for row in plan.rows:
                try:
                    partner = partner_create_at_stage(
                        actor=actor, reason=reason, contacts=[row.contact], **row.partner
                    )
                except ValidationError as error:  # a partner saved since the validation
                    raise ImportRefused(
                        [
                            Problem(message, PARTNERS, row.row, field)
                            for field, messages in error.message_dict.items()
                            for message in messages
                        ]
                    ) from None
                Goal.objects.bulk_create(Goal(partner=partner, **goal) for goal in row.goals)
            audit_record(
                actor=actor,
                action="partners.imported",
                data={
                    "partners": len(plan.rows),
                    "contacts": len(plan.rows),
                    "goals": plan.goal_count,
                    "stages": dict(Counter(row.partner["stage"] for row in plan.rows)),
                },
            )
    except IntegrityError:
        raise ImportRefused(
            [Problem(_("Another partner was saved while importing. Check the file again."))]
        ) from None
    return plan


# --- Templates and guidance -------------------------------------------------------------


def choice_labels(column: Column) -> list[str]:
    assert column.choices is not None
    return [
        str(label)
        for code, label in column.choices.choices
        if not (column.choices is Stage and code == Stage.ENDED)
    ]


def column_guide(sheet: str) -> list[dict[str, Any]]:
    """What to write in each column, in the active language, for the import page."""
    tenant = current_tenant()
    hints: dict[str, str] = {
        "business_id": NAMES[tenant.country],
        "employees": _("A whole number."),
        "joined_on": _("Required for active partners: YYYY-MM-DD or DD.MM.YYYY."),
        "target_date": _("YYYY-MM-DD or DD.MM.YYYY."),
        "language": _("One of %(languages)s; the programme's first language when empty.")
        % {"languages": ", ".join(tenant.languages)},
        "baseline_value": _("A number."),
        "target_value": _("A number."),
        "baseline_year": _("A year, e.g. 2024."),
    }
    if sheet == GOALS:
        hints["business_id"] = _("The business id of a partner in the partners' sheet.")
    return spreadsheets.column_guide(COLUMNS[sheet], hints, choice_labels)


def _example_rows() -> dict[str, list[Cell | dt.date]]:
    """One example partner and goal, in the active language."""
    tenant = current_tenant()
    business_id = business_id_display(EXAMPLE_BUSINESS_IDS[tenant.country], tenant.country)
    partner = {
        "name": _("Example Ltd"),
        "business_id": business_id,
        "kind": OrganisationKind.COMPANY.label,
        "sector": Sector.SERVICES.label,
        "employees": 25,
        "street": _("Example Street 1"),
        "postcode": EXAMPLE_POSTCODES[tenant.country],
        "city": _("Example Town"),
        "contact_name": _("Anna Example"),
        "contact_email": "anna@example.org",
        "contact_phone": EXAMPLE_PHONES[tenant.country],
        "stage": Stage.ACTIVE.label,
        "joined_on": dt.date(2024, 3, 1),
        "language": tenant.primary_language,
    }
    goal = {
        "business_id": business_id,
        "theme": Theme.ENERGY.label,
        "description": _("Cut our electricity use by a fifth."),
        "indicator": _("Electricity use"),
        "unit": "MWh",
        "baseline_value": 120,
        "baseline_year": 2023,
        "target_value": 96,
        "target_date": dt.date(2030, 12, 31),
        "horizon": Horizon.LONG_TERM.label,
    }
    return {
        PARTNERS: [_plain(partner[c.key]) for c in PARTNER_COLUMNS],
        GOALS: [_plain(goal[c.key]) for c in GOAL_COLUMNS],
    }


_plain = spreadsheets.plain


def template_xlsx() -> bytes:
    """A workbook with the partners' sheet and the goals sheet, headers in the active
    language and one example row each."""
    examples = _example_rows()
    return spreadsheets.template_xlsx(
        [
            (capfirst(str(SHEET_NAMES[sheet])), COLUMNS[sheet], [examples[sheet]])
            for sheet in (PARTNERS, GOALS)
        ]
    )


def template_csv(sheet: str = PARTNERS) -> bytes:
    """The partners' (or goals') CSV: a BOM and semicolons, as Nordic Excel opens it."""
    return spreadsheets.template_csv(COLUMNS[sheet], [_example_rows()[sheet]])
