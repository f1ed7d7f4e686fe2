"""The cells of CSV and XLSX exports: French headers, labels, typed values, formula escaping.

One set of rules for every list, UI or API, streamed or built in a job, so every export
escapes cells the same way: a cell
starting with ``= + - @``, a tab or a carriage return would run as a formula in a
spreadsheet, so it is prefixed with an apostrophe.

Both files are written for a French spreadsheet (Excel or LibreOffice set to French), with
:mod:`app.formatting`'s rules: the CSV has a BOM (so the encoding is detected), ``;`` between
cells, decimal commas without thousands separators (``1250,5``) and dates ``15/01/2027``;
the workbook holds real numbers and dates (so sums and sorting by date work) with French
number formats. Timestamps are the town's time in both (spreadsheets know no time zones).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from openpyxl.cell import WriteOnlyCell
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
        return escape_text(value)
    return value


def escape_text(value: str | None) -> str | None:
    """:func:`escape_cell` of a cell known to be a text or empty (the set-based reader knows
    a column's type, and calls this a million times for a large list)."""
    if value is None:
        return None
    value = without_refused_characters(value)
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def cell_value(artefact: Artefact, obj: Any, column: str) -> Any:
    """The value of one export cell, as a person reads it (labels, not codes), with its type:
    numbers stay numbers, dates dates, timestamps become the town's wall-clock time."""
    value = getattr(obj, column, None)
    if artefact.is_relation(column):
        if isinstance(value, (list, tuple)):
            # a collection's records in the order of their ids, whatever order the database
            # gave them in: the set-based reader writes them so, and a file is reproducible
            value = sorted(value, key=lambda related: related.id)
        # a related record the reader may not open is named « contenu réservé »
        value = references().shown(value)
    return shown_value(artefact, column, value)


def shown_value(artefact: Artefact, column: str, value: Any) -> Any:
    """:func:`cell_value` for a value already read (a related record already named, or
    « contenu réservé »): the set-based reader (:mod:`app.exports.reader`) reads columns,
    not records, and gives them here so both paths write the same cell."""
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


def header(artefact: Artefact) -> list[str]:
    """The French column labels of the export, in the request's (or job's) language."""
    return [artefact.column_label(c) for c in artefact.columns_for_export]


def rows_for(artefact: Artefact, records: Iterable[Any]) -> Iterator[list[Any]]:
    """Header then one row per record, from ORM records (a list already in memory)."""
    columns = artefact.columns_for_export
    yield header(artefact)
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
