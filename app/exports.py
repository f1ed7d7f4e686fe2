"""CSV and XLSX exports of any artefact list, with French headers and formula escaping.

One function for every list, UI or API, so every export escapes cells the same way: a cell
starting with ``= + - @``, a tab or a carriage return would run as a formula in a
spreadsheet, so it is prefixed with an apostrophe.

Both files are written for a French spreadsheet (Excel or LibreOffice set to French), with
:mod:`app.formatting`'s rules: the CSV has a BOM (so the encoding is detected), ``;`` between
cells, decimal commas without thousands separators (``1250,5``) and dates ``15/01/2027``;
the workbook holds real numbers and dates (so sums and sorting by date work) with French
number formats. Timestamps are the town's time in both (spreadsheets know no time zones).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from flask import Response
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from app.commands.values import without_refused_characters
from app.formatting import (
    DATETIME_FORMAT,
    SHEET_DATE,
    SHEET_DATETIME,
    SHEET_DECIMAL,
    SHEET_INTEGER,
    format_date,
    format_plain_number,
    town_time,
)
from app.reading import references
from app.registry.artefact import Artefact

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas in text cells; numbers and dates pass unchanged.

    A character no spreadsheet may hold (a control character, a lone surrogate — refused on
    input, but a record stored before that rule may carry one) is written « � », so one bad
    record never makes the export of its list fail for everyone.
    """
    if isinstance(value, str):
        value = without_refused_characters(value)
        if value.startswith(FORMULA_PREFIXES):
            return "'" + value
    return value


def cell_value(artefact: Artefact, obj: Any, column: str) -> Any:
    """The value of one export cell, as a person reads it (labels, not codes), with its type:
    numbers stay numbers, dates dates, timestamps become the town's wall-clock time."""
    value = getattr(obj, column, None)
    if artefact.is_relation(column):
        # a related record the reader may not open is named « contenu réservé »
        value = references().shown(value)
    choice = artefact.choices.get(column)
    if choice is not None:
        return choice.label(value)
    if isinstance(value, bool):
        return _("Oui") if value else _("Non")
    if isinstance(value, datetime):
        return town_time(value)
    if value is None or isinstance(value, (int, float, str, date)):
        return value
    if isinstance(value, (list, tuple, set)):
        return ", ".join(str(item) for item in value)
    return str(value)


def rows_for(artefact: Artefact, records: Iterable[Any]) -> Iterator[list[Any]]:
    columns = artefact.columns_for_export
    yield [artefact.column_label(c) for c in columns]
    for obj in records:
        yield [escape_cell(cell_value(artefact, obj, c)) for c in columns]


def csv_text(value: Any) -> str:
    """A typed cell as a French spreadsheet reads it from a CSV file."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(DATETIME_FORMAT)
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_plain_number(value)
    return str(value)


def sheet_cell(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    """A typed cell of the workbook, with a French number format for numbers and dates."""
    formats = (
        (datetime, SHEET_DATETIME),
        (date, SHEET_DATE),
        (bool, None),
        (int, SHEET_INTEGER),
        (float, SHEET_DECIMAL),
    )
    for kind, number_format in formats:
        if isinstance(value, kind):
            if number_format is None:
                break
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = number_format
            return cell
    return value


def export_response(artefact: Artefact, records: Iterable[Any], fmt: str) -> Response:
    """A download response (``csv`` or ``xlsx``) for the given records."""
    filename = f"{artefact.code_name}.{fmt}"
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # lets French Excel read UTF-8
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        for row in rows_for(artefact, records):
            writer.writerow([csv_text(v) for v in row])
        body: bytes = buffer.getvalue().encode("utf-8")
        mimetype = "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=str(artefact.label_plural)[:31])
        rows = rows_for(artefact, records)
        header = []
        for title in next(rows):
            cell = WriteOnlyCell(sheet, value=str(title))
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        for row in rows:
            sheet.append([sheet_cell(sheet, v) for v in row])
        out = io.BytesIO()
        workbook.save(out)
        body = out.getvalue()
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        raise ValueError(fmt)
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
