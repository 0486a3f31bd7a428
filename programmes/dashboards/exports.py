"""A section's tables as CSV and XLSX downloads: the same rows the page shows, as numbers.

CSV as Nordic Excel opens it (like the import templates): a BOM, semicolons, numbers with
the locale's decimal sign and no grouping. A section with several tables gives one block
per table (a caption row, a header row, the rows), blocks separated by an empty row.
XLSX: one sheet per table, numbers as numbers.
"""

import csv
import io
import re
from decimal import Decimal
from typing import Any

from babel.numbers import get_decimal_symbol
from openpyxl import Workbook
from openpyxl.styles import Font

from programmes.core.i18n import formatting_locale
from programmes.dashboards.sections import COUNT, PERCENT, TEXT, TONNES, Section, kind_of, raw

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NUMBER_FORMATS = {COUNT: "#,##0", TONNES: "#,##0.0##", PERCENT: "0.0"}
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _csv_value(value: Any, decimal_sign: str) -> Any:
    if isinstance(value, Decimal | float):
        return str(value).replace(".", decimal_sign)
    return "" if value is None else value


def section_csv(section: Section) -> bytes:
    decimal_sign = get_decimal_symbol(formatting_locale())
    output = io.StringIO()
    writer = csv.writer(output, delimiter=";", lineterminator="\r\n")
    for position, table in enumerate(section.tables):
        if position:
            writer.writerow([])
        writer.writerow([table.caption])
        writer.writerow([column.label for column in table.columns])
        for row in table.rows:
            writer.writerow([_csv_value(raw(value), decimal_sign) for value in row])
    return ("\ufeff" + output.getvalue()).encode("utf-8")


def _sheet_title(caption: str, taken: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub(" ", caption).strip()[:28] or "Sheet"
    title, number = base, 2
    while title.lower() in taken:
        title, number = f"{base[:26]} {number}", number + 1
    taken.add(title.lower())
    return title


def section_xlsx(section: Section) -> bytes:
    workbook = Workbook()
    taken: set[str] = set()
    for position, table in enumerate(section.tables or [None]):
        sheet = workbook.active if position == 0 else workbook.create_sheet()
        if table is None:  # a section without numbers (the target when data is missing)
            sheet.title = _sheet_title(section.title, taken)
            for note in section.notes:
                sheet.append([note])
            continue
        sheet.title = _sheet_title(table.caption, taken)
        sheet.append([table.caption])
        sheet["A1"].font = Font(bold=True)
        sheet.append([column.label for column in table.columns])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for values in table.rows:
            sheet.append([raw(value) for value in values])
            for cell, value, column in zip(
                sheet[sheet.max_row], values, table.columns, strict=True
            ):
                kind = kind_of(value, column)
                if kind != TEXT and cell.value is not None:
                    cell.number_format = NUMBER_FORMATS[kind]
        sheet.freeze_panes = "B3"
        for index, column in enumerate(table.columns, start=1):
            letter = sheet.cell(row=2, column=index).column_letter
            sheet.column_dimensions[letter].width = max(12, min(len(column.label) + 4, 48))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
