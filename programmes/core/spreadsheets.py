"""What every CSV/XLSX import shares: reading uploads into plain tables, matching headers
against column labels in the tenant's languages, parsing cells in the tenant's locale and
reporting every problem by row and column.

A topic's import (``partners.importing``, ``climate.importing``) declares its ``Column``s,
subclasses ``Problem`` (to name its sheets and columns) and ``Checker`` (for its own cell
parsers), and writes in one transaction. Tables hold only JSON values (str, int, float or
None; dates as ISO text), so a preview can keep them in the session and the confirmation
validates them again from scratch.
"""

import csv
import datetime as dt
import io
import itertools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any, ClassVar

from babel.numbers import NumberFormatError, parse_decimal
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from programmes.core.i18n import current_tenant, formatting_locale
from programmes.core.uploads import check_spreadsheet, decode_text

Cell = str | int | float | None
Table = list[list[Cell]]

MAX_ROWS = 5000
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y")
DATE_AND_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[ T]00:00(:00)?")
PLAIN_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")
THOUSANDS_LOOKALIKE = re.compile(r"-?\d{1,3}[.,]\d{3}")  # 1.500: thousands or decimals?


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise  # as in messages: "Row 4, business id: …"
    required: bool = False
    choices: type[models.Choices] | None = None
    text: bool = False  # kept as text in the XLSX template (leading zeros, spaces)
    aliases: tuple[str, ...] = ()  # other headers accepted, in any language (e.g. "scope 1")

    @property
    def header(self) -> str:
        return capfirst(str(self.label))


@dataclass(frozen=True)
class Problem:
    """Why an import is refused: the message, and where (sheet, spreadsheet row, column).

    Subclasses name their sheets' columns in ``columns`` (so that the column is named in
    the language the problem is shown in) and may word other sheets' messages."""

    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""

    columns: ClassVar[Mapping[str, Sequence[Column]]] = {}

    @property
    def label(self) -> str:
        column = next((c for c in self.columns.get(self.sheet, ()) if c.key == self.column), None)
        return str(column.label) if column else ""

    def __str__(self) -> str:
        where = {"row": self.row, "column": self.label, "message": self.message}
        if self.row and self.label:
            return _("Row %(row)s, %(column)s: %(message)s") % where
        if self.row:
            return _("Row %(row)s: %(message)s") % where
        return self.message

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "label": self.label,
            "message": str(self),
        }


class ImportRefused(ValidationError):
    """Every problem found in an import; nothing was written."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__([str(problem) for problem in self.problems], code="import_refused")


# --- Reading ------------------------------------------------------------------------------


def read_sheets(
    upload: IO[bytes], named: Mapping[str, Promise] | None = None
) -> tuple[Table, dict[str, Table]]:
    """The upload, checked by content, as its main table and, for an XLSX, the sheets whose
    title is one of ``named`` ({key: sheet name}, in any of the tenant's languages or
    English); the main table is the first other sheet. ValidationError with the message
    when the file is not a readable CSV or XLSX."""
    checked = check_spreadsheet(upload)
    if checked.extension == "xlsx":
        return xlsx_tables(checked.content, named or {})
    return csv_table(checked.content), {}


def xlsx_tables(content: bytes, named: Mapping[str, Promise]) -> tuple[Table, dict[str, Table]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (KeyError, ValueError, zip and XML errors)
        raise ValidationError(_("The XLSX file is damaged."), code="bad_xlsx") from None
    try:
        sheets = workbook.worksheets
        found = {}
        for key, name in named.items():
            names = in_languages(name)
            sheet = next((s for s in sheets if normal(s.title) in names), None)
            if sheet is not None:
                found[key] = sheet
        main = next((s for s in sheets if all(s is not f for f in found.values())), None)
        if main is None:
            raise ValidationError(_("The file has no rows to import."), code="empty")
        return sheet_table(main), {key: sheet_table(sheet) for key, sheet in found.items()}
    except ValidationError:
        raise
    except Exception:
        raise ValidationError(_("The XLSX file is damaged."), code="bad_xlsx") from None
    finally:
        workbook.close()


def sheet_table(worksheet: Any) -> Table:
    """The sheet's cells. Sheets often carry thousands of formatted but empty rows: only the
    first rows are kept, and the rest only looked at for content beyond the limit."""
    rows = worksheet.iter_rows(values_only=True)
    table = [[cell(value) for value in row] for row in itertools.islice(rows, 2 * MAX_ROWS)]
    if any(value is not None for row in rows for value in row):
        _too_many_rows()
    return _limited(table)


def cell(value: Any) -> Cell:
    """A cell as a JSON value: date cells become ISO text, numbers stay numbers (so that no
    locale reads 1.5 as fifteen)."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if value is None:
        return None
    return str(value).strip() or None


def csv_table(content: bytes) -> Table:
    text = decode_text(content) or ""
    first_line = text.split("\n", 1)[0]
    # Nordic Excel saves CSV with semicolons; others use commas (or tabs).
    delimiter = max(";,\t", key=first_line.count)
    try:
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return _limited([[value.strip() or None for value in row] for row in rows])
    except csv.Error:
        raise ValidationError(_("The CSV file cannot be read."), code="bad_csv") from None


def _limited(table: Table) -> Table:
    """The table without its trailing empty rows and cells; refused when too long."""
    table = [_trimmed(row) for row in table]
    while table and not table[-1]:
        table.pop()
    if len(table) > MAX_ROWS + 1:
        _too_many_rows()
    return table


def _too_many_rows() -> None:
    raise ValidationError(
        _("The file has more than %(count)s rows: split it into smaller files.")
        % {"count": MAX_ROWS},
        code="too_many_rows",
    )


def _trimmed(row: list[Cell]) -> list[Cell]:
    end = len(row)
    while end and row[end - 1] in (None, ""):
        end -= 1
    return row[:end]


# --- Matching and parsing ----------------------------------------------------------------


def normal(text: Any) -> str:
    """A header or choice as compared: spaces collapsed, asterisks dropped, case folded."""
    return " ".join(str(text).replace("*", " ").split()).casefold()


def in_languages(label: Promise | str, languages: Sequence[str] | None = None) -> set[str]:
    """A label as written in each of the tenant's languages and English, normalised."""
    tenant = current_tenant()
    codes = dict.fromkeys([*(languages or (tenant.languages if tenant else [])), "en"])
    found = set()
    for code in codes:
        with translation.override(code):
            found.add(normal(label))
    return found


def text(raw: Cell) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def date(raw: Cell) -> dt.date:
    value = text(raw)
    if DATE_AND_TIME.fullmatch(value):  # a date cell saved to CSV by Excel
        value = value[:10]
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValidationError(_("Give a date as YYYY-MM-DD or DD.MM.YYYY."))


def parse_number(value: str, locale: str) -> Decimal:
    """A number as ``locale`` writes it (1.234,5 in da_DK, 1 234,5 in sv_SE), or plainly
    (1234.5 or 1234,5); ValidationError "Give a number." otherwise. "1.500" is read the
    locale's way (fifteen hundred in Danish), never guessed."""
    value = re.sub(r"[\s\u00a0\u202f]", "", value)
    if PLAIN_NUMBER.fullmatch(value) and not THOUSANDS_LOOKALIKE.fullmatch(value):
        return Decimal(value.replace(",", "."))
    try:
        return parse_decimal(value, locale=locale, strict=True)
    except (NumberFormatError, InvalidOperation, ValueError):
        raise ValidationError(_("Give a number.")) from None


Rows = list[tuple[int, dict[str, Cell]]]


class Checker:
    """Validates the tables of one import against its columns, collecting every problem.

    ``problem_class`` is the import's ``Problem`` subclass; ``columns`` maps each sheet to
    its columns. Choice columns accept the code or the label in any of the tenant's
    languages or English."""

    problem_class: type[Problem] = Problem

    def __init__(self, columns: Mapping[str, Sequence[Column]]) -> None:
        self.tenant = current_tenant()
        self.languages: list[str] = list(self.tenant.languages)
        self.locale = formatting_locale(self.tenant)
        self.columns = columns
        self.problems: list[Problem] = []
        self.ignored: list[str] = []
        self.lookups: dict[str, dict[str, Any]] = {}
        for column in itertools.chain.from_iterable(columns.values()):
            if column.choices is not None and column.key not in self.lookups:
                self.lookups[column.key] = self.choice_lookup(column.choices.choices)

    def choice_lookup(self, choices: Iterable[tuple[Any, Any]]) -> dict[str, Any]:
        """{code or label as normalised in any language: code}."""
        pairs = list(choices)
        return {
            **{str(code).casefold(): code for code, _label in pairs},
            **{
                alias: code
                for code, label in pairs
                for alias in in_languages(label, self.languages)
            },
        }

    def problem(self, message: str, sheet: str, row: int | None = None, column: str = "") -> None:
        self.problems.append(self.problem_class(str(message), sheet, row, column))

    def unknown_header(self, header: Cell, sheet: str, row: int) -> str | None:
        """A header that is no column's: the key it stands for, or None to leave it out
        (named in the preview). Imports with patterned headers override this."""
        self.ignored.append(str(header))  # a programme's own columns, e.g. notes
        return None

    def rows(self, table: Table, sheet: str, *, must_have_rows: bool = True) -> Rows:
        """(spreadsheet row number, {column key: cell}) of each non-empty row under the
        header; [] with a problem when required columns are missing."""
        columns = self.columns[sheet]
        header_at = next((i for i, row in enumerate(table) if row), None)
        if header_at is None:
            if must_have_rows:
                self.problem(_("The file has no rows to import."), sheet)
            return []
        aliases: dict[str, str] = {}
        for column in columns:
            aliases[column.key] = column.key
            aliases.update(dict.fromkeys(map(normal, column.aliases), column.key))
            aliases.update(dict.fromkeys(in_languages(column.label, self.languages), column.key))
        positions: dict[str, int] = {}
        usable = True
        for position, header in enumerate(table[header_at]):
            if header in (None, ""):
                continue
            key = aliases.get(normal(header))
            if key is None:
                key = self.unknown_header(header, sheet, header_at + 1)
                if key is None:
                    continue
            if key in positions:
                self.problem(
                    _("The column “%(column)s” appears twice.") % {"column": header}, sheet
                )
                usable = False
            else:
                positions[key] = position
        for column in columns:
            if column.required and column.key not in positions:
                self.problem(
                    _("The column “%(column)s” is missing.") % {"column": column.header}, sheet
                )
                usable = False
        if not usable:
            return []
        found = []
        for index in range(header_at + 1, len(table)):
            row = table[index]
            values = {key: row[at] if at < len(row) else None for key, at in positions.items()}
            if any(value not in (None, "") for value in values.values()):
                found.append((index + 1, values))
        if not found and must_have_rows:
            self.problem(_("The file has no rows to import."), sheet)
        return found

    def parse(
        self,
        sheet: str,
        row: int,
        values: dict[str, Cell],
        parsers: Mapping[str, Callable[[Cell], Any]],
    ) -> tuple[dict[str, Any], set[str]]:
        """Each column's value by its parser (text when none), and the columns that failed."""
        parsed: dict[str, Any] = {}
        failed: set[str] = set()
        for column in self.columns[sheet]:
            raw = values.get(column.key)
            if raw in (None, ""):
                if column.required:
                    self.problem(_("Fill in this column."), sheet, row, column.key)
                    failed.add(column.key)
                continue
            try:
                parsed[column.key] = parsers.get(column.key, text)(raw)
            except ValidationError as error:
                for message in error.messages:
                    self.problem(message, sheet, row, column.key)
                failed.add(column.key)
        return parsed, failed

    def model_problems(
        self,
        instance: models.Model,
        sheet: str,
        row: int,
        failed: set[str],
        columns: Mapping[str, str] | None = None,
        exclude: Sequence[str] = (),
    ) -> None:
        """The model's own checks (lengths, e-mail address…) on the columns that parsed.
        ``columns`` maps model fields to column keys where they differ. Uniqueness and
        constraints are the import's to check, across its rows and in one query."""
        columns = columns or {}
        try:
            instance.full_clean(
                exclude=[*exclude, *failed, *(f for f, c in columns.items() if c in failed)],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.problem(message, sheet, row, columns.get(name, name))
                failed.add(columns.get(name, name))

    # Parsers of one cell: the value, or ValidationError with the message for the cell.

    def choice_labels(self, column: Column) -> list[str]:
        assert column.choices is not None
        return [str(label) for _code, label in column.choices.choices]

    def choice(self, key: str) -> Callable[[Cell], Any]:
        def parse(raw: Cell) -> Any:
            code = self.lookups[key].get(normal(raw))
            if code is None:
                column = next(
                    c for c in itertools.chain.from_iterable(self.columns.values()) if c.key == key
                )
                raise ValidationError(
                    _("Unknown value “%(value)s”: give one of %(choices)s.")
                    % {"value": raw, "choices": ", ".join(self.choice_labels(column))}
                )
            return code

        return parse

    def number(self, raw: Cell) -> Decimal:
        """A number as the tenant's locale writes it (1.234,5 in Danish, 1 234,5 in
        Swedish), or plainly (1234.5); numbers typed in the sheet as they are."""
        if isinstance(raw, int | float):
            return Decimal(str(raw))
        return parse_number(str(raw), self.locale)

    def whole_number(self, raw: Cell) -> int:
        value = self.number(raw)
        if value != value.to_integral_value() or value < 0:
            raise ValidationError(_("Give a whole number of zero or more."))
        return int(value)


# --- Guidance and templates --------------------------------------------------------------


def column_guide(
    columns: Sequence[Column],
    hints: Mapping[str, str],
    choice_labels: Callable[[Column], list[str]],
) -> list[dict[str, Any]]:
    """What to write in each column, in the active language, for an import page."""
    return [
        {
            "header": column.header,
            "required": column.required,
            "hint": "; ".join(choice_labels(column))
            if column.choices
            else hints.get(column.key, ""),
        }
        for column in columns
    ]


def plain(value: Any) -> Cell | dt.date:
    return str(value) if isinstance(value, Promise) else value


TemplateSheet = tuple[str, Sequence[Column], Sequence[Sequence[Cell | dt.date]]]


def template_xlsx(sheets: Sequence[TemplateSheet]) -> bytes:
    """A workbook of (title, columns, example rows) sheets: bold headers in the active
    language, frozen, text columns formatted as text (leading zeros stay)."""
    workbook = Workbook()
    for position, (title, columns, examples) in enumerate(sheets):
        worksheet = workbook.active if position == 0 else workbook.create_sheet()
        worksheet.title = title
        worksheet.append([column.header for column in columns])
        for example in examples:
            worksheet.append(list(example))
        worksheet.freeze_panes = "A2"
        for index, column in enumerate(columns, start=1):
            header = worksheet.cell(row=1, column=index)
            header.font = Font(bold=True)
            letter = header.column_letter
            worksheet.column_dimensions[letter].width = max(14, len(column.header) + 4)
            for row in range(2, len(examples) + 2):
                example = worksheet.cell(row=row, column=index)
                if column.text:  # typed ids and postcodes keep their leading zeros
                    worksheet.column_dimensions[letter].number_format = "@"
                    example.number_format = "@"
                elif isinstance(example.value, dt.date):
                    example.number_format = "yyyy-mm-dd"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def template_csv(columns: Sequence[Column], examples: Sequence[Sequence[Cell | dt.date]]) -> bytes:
    """A CSV as Nordic Excel opens it: a BOM and semicolons."""
    output = io.StringIO()
    writer = csv.writer(output, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.header for column in columns])
    for example in examples:
        writer.writerow(
            [value.isoformat() if isinstance(value, dt.date) else value for value in example]
        )
    return ("\ufeff" + output.getvalue()).encode("utf-8")
