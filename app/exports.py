"""CSV and XLSX exports of any artefact list, with French headers and formula escaping.

One function for every list, UI or API, so every export escapes cells the same way: a cell
starting with ``= + - @``, a tab or a carriage return would run as a formula in a
spreadsheet, so it is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from flask import Response
from flask_babel import gettext as _
from openpyxl import Workbook

from app.registry.artefact import Artefact

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas in text cells; numbers and dates pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def cell_value(artefact: Artefact, obj: Any, column: str) -> Any:
    """The value of one export cell, as a person reads it (labels, not codes)."""
    value = getattr(obj, column, None)
    choice = artefact.choices.get(column)
    if choice is not None:
        return choice.label(value)
    if isinstance(value, bool):
        return _("Oui") if value else _("Non")
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if value is None or isinstance(value, (int, float, str)):
        return value
    if isinstance(value, (list, tuple, set)):
        return ", ".join(str(item) for item in value)
    return str(value)


def rows_for(artefact: Artefact, records: Iterable[Any]) -> Iterable[list[Any]]:
    columns = artefact.columns_for_export
    yield [artefact.column_label(c) for c in columns]
    for obj in records:
        yield [escape_cell(cell_value(artefact, obj, c)) for c in columns]


def export_response(artefact: Artefact, records: Iterable[Any], fmt: str) -> Response:
    """A download response (``csv`` or ``xlsx``) for the given records."""
    filename = f"{artefact.code_name}.{fmt}"
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # lets French Excel read UTF-8
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        for row in rows_for(artefact, records):
            writer.writerow(["" if v is None else v for v in row])
        body: bytes = buffer.getvalue().encode("utf-8")
        mimetype = "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=str(artefact.label_plural)[:31])
        for row in rows_for(artefact, records):
            sheet.append(row)
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
