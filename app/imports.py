"""Measurement files from the services: CSV or XLSX → rows for the batch command.

French offices produce CSV with semicolons (or commas), in UTF-8 or Windows-1252, with decimal
commas, and XLSX from LibreOffice or Excel. This module reads all of them into the batch
format, remembering each row's line in the file, so an error says « ligne 7, colonne
Valeur » — the line and header the user sees in their spreadsheet — and the same rules as the
API apply (:func:`app.commands.measurements.push_batch`, all or nothing).

Headers are matched loosely (accents, case, spaces): ``Indicateur``/``Code``, ``Période``,
``Valeur``, ``Commentaire``; other columns (``Nom de l'indicateur`` in the template) are
ignored. What Vigie's own measurement export writes reads back (round trip): « code — nom »
indicators, decimal commas, and periods that a spreadsheet re-saved as dates.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from app.commands.errors import FieldError, Invalid
from app.commands.values import without_refused_characters
from app.formatting import parse_date

MAX_BYTES = 15 * 1024 * 1024
#: A carriage return that does not end a CRLF line.
_BARE_CR = re.compile("\r(?!\n)")
COLUMNS = {
    "indicator": ("indicateur", "code", "code indicateur", "code de l'indicateur", "indicator"),
    "period": ("periode", "period", "mois", "annee"),
    "value": ("valeur", "value", "resultat"),
    "comment": ("commentaire", "comment", "commentaires", "observation"),
}
#: French column names shown in error messages.
COLUMN_LABELS = {
    "indicator": "Indicateur",
    "period": "Période",
    "value": "Valeur",
    "comment": "Commentaire",
}


@dataclass
class ParsedFile:
    """Rows ready for the batch command, and for each its line number in the file."""

    rows: list[dict[str, Any]]
    lines: list[int]
    headers: dict[str, str]  # field → header as written in the file

    def locate(self, error: FieldError) -> FieldError:
        """The batch error rewritten with the file's line and column."""
        if error.index is None or error.index >= len(self.lines):
            return error
        column = self.headers.get(error.field, COLUMN_LABELS.get(error.field, error.field))
        line = self.lines[error.index]
        return FieldError(
            column,
            _(
                "Ligne %(line)d, colonne « %(column)s » : %(message)s",
                line=line,
                column=column,
                message=error.message,
            ),
            line,
        )


def _key(text: Any) -> str:
    folded = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return " ".join(folded.lower().replace("_", " ").split()).strip(" :")


def _headers(cells: list[Any]) -> tuple[dict[str, int], dict[str, str]]:
    positions: dict[str, int] = {}
    written: dict[str, str] = {}
    for position, cell in enumerate(cells):
        key = _key(cell)
        for field, names in COLUMNS.items():
            if key in names and field not in positions:
                positions[field] = position
                written[field] = str(cell).strip()
    missing = [COLUMN_LABELS[f] for f in ("indicator", "period", "value") if f not in positions]
    if missing:
        raise Invalid(
            _(
                "Colonnes obligatoires absentes de la première ligne : %(cols)s.",
                cols=", ".join(missing),
            ),
            [
                FieldError(
                    "file",
                    _(
                        "La première ligne doit nommer les colonnes Indicateur, "
                        "Période et Valeur (Commentaire facultatif)."
                    ),
                    1,
                )
            ],
        )
    return positions, written


#: A month written the French way (``03/2025``), as a spreadsheet may save a period.
_FRENCH_MONTH = re.compile(r"(\d{1,2})/(\d{4})")
#: Between an indicator's code and its name, as Vigie's exports write an indicator.
CODE_AND_NAME = " — "


def _cell(value: Any) -> Any:
    """A cell as the batch expects it (periods written as dates become ``2025-03``)."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m")
    if isinstance(value, date):
        return value.strftime("%Y-%m")
    if isinstance(value, str):
        return value.strip()
    return value


def _period(value: Any) -> Any:
    """A period cell: a year typed as a number, or a month that a spreadsheet re-saved as a
    French date (``01/03/2025``) or month (``03/2025``), as the batch writes it (``2025-03``)."""
    if isinstance(value, (int, float)) and float(value).is_integer():
        return str(int(value))
    if not isinstance(value, str):
        return value
    month = _FRENCH_MONTH.fullmatch(value)
    if month:
        return f"{int(month.group(2)):04d}-{int(month.group(1)):02d}"
    if "/" in value:
        try:
            return parse_date(value).strftime("%Y-%m")
        except ValueError:
            return value  # the batch names the line and says what a period looks like
    return value


def _indicator(value: Any) -> Any:
    """An indicator cell: its code, or « code — name » as Vigie's exports write it."""
    if isinstance(value, str) and CODE_AND_NAME in value:
        return value.split(CODE_AND_NAME, 1)[0].strip()
    return value


def _rows(table: list[list[Any]]) -> ParsedFile:
    if not table:
        raise Invalid(_("Le fichier est vide."), [FieldError("file", _("Fichier vide."))])
    positions, written = _headers(table[0])
    rows: list[dict[str, Any]] = []
    lines: list[int] = []
    for line, cells in enumerate(table[1:], start=2):
        if not any(str(c).strip() for c in cells if c is not None):
            continue  # blank lines are common at the end of spreadsheets
        row: dict[str, Any] = {}
        for field, position in positions.items():
            value = _cell(cells[position]) if position < len(cells) else None
            if field == "period":
                value = _period(value)
            elif field == "indicator":
                value = _indicator(value)
            if field == "comment":
                if value not in (None, ""):
                    row[field] = str(value)
                continue
            row[field] = value
        rows.append(row)
        lines.append(line)
    return ParsedFile(rows, lines, written)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def read_csv(data: bytes) -> ParsedFile:
    text = _decode(data)
    if "\r" in text and "\n" not in text:
        text = text.replace("\r", "\n")  # lines ended by CR alone (old Mac spreadsheets)
    sample = text[:4096]
    first = sample.splitlines()[0] if sample else ""
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    if "\t" in first and first.count("\t") > max(first.count(";"), first.count(",")):
        delimiter = "\t"
    _refuse_bare_cr(text, delimiter)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        table = [list(r) for r in reader]
    except csv.Error as exc:
        raise Invalid(
            _("Fichier CSV illisible : rien n'a été enregistré."),
            [
                FieldError(
                    "file",
                    _(
                        "Ligne %(line)d : le fichier CSV est mal formé (%(detail)s).",
                        line=reader.line_num,
                        detail=str(exc),
                    ),
                    reader.line_num,
                )
            ],
        ) from None
    return _rows(table)


def _refuse_bare_cr(text: str, delimiter: str) -> None:
    """A carriage return alone inside a field (not the CR of a CRLF line end) would split or
    glue lines depending on the reader: the file is refused, naming the line and column."""
    bare = _BARE_CR.search(text)
    if bare is None:
        return
    line_start = text.rfind("\n", 0, bare.start()) + 1
    line = text.count("\n", 0, bare.start()) + 1
    position = _unquoted(text[line_start : bare.start()]).count(delimiter)
    headers = next(csv.reader(io.StringIO(text.split("\n", 1)[0]), delimiter=delimiter), [])
    column = str(headers[position]).strip() if position < len(headers) else str(position + 1)
    message = _(
        "Ligne %(line)d, colonne « %(column)s » : retour chariot (CR) isolé dans le champ ; "
        "retirez-le ou mettez le texte entre guillemets avec un vrai retour à la ligne.",
        line=line,
        column=column,
    )
    raise Invalid(
        _("Fichier CSV refusé : rien n'a été enregistré."), [FieldError(column, message, line)]
    )


def _unquoted(text: str) -> str:
    """``text`` without its double-quoted parts (delimiters inside quotes separate nothing)."""
    return "".join(part for index, part in enumerate(text.split('"')) if index % 2 == 0)


def read_xlsx(data: bytes) -> ParsedFile:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise Invalid(
            _("Fichier XLSX illisible."),
            [FieldError("file", _("Le fichier n'est pas un classeur XLSX valide."))],
        ) from None
    try:
        sheet = workbook.worksheets[0]
        table = [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    return _rows(table)


def read(filename: str, data: bytes) -> ParsedFile:
    """Parse an uploaded measurement file by its extension (``.csv`` or ``.xlsx``)."""
    name = (filename or "").lower()
    if len(data) > MAX_BYTES:
        raise Invalid(
            _("Fichier trop volumineux."), [FieldError("file", _("15 Mo au plus par import."))]
        )
    if name.endswith(".xlsx"):
        if not data.startswith(b"PK"):
            raise Invalid(
                _("Fichier XLSX illisible."),
                [FieldError("file", _("Le contenu ne correspond pas à un XLSX."))],
            )
        return read_xlsx(data)
    if name.endswith((".csv", ".txt")):
        return read_csv(data)
    raise Invalid(
        _("Format non pris en charge."),
        [FieldError("file", _("Déposez un fichier .csv ou .xlsx."))],
    )


def template_xlsx(rows: list[tuple[str, str, str, float | None, str | None]]) -> bytes:
    """A pre-filled workbook: code, name, period, value (if any), comment per indicator."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Mesures"
    sheet.append(["Indicateur", "Nom de l'indicateur", "Période", "Valeur", "Commentaire"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for code, name, period, value, comment in rows:
        texts = [without_refused_characters(t) if t else None for t in (code, name, period)]
        note = without_refused_characters(comment) if comment else None
        sheet.append([*texts[:3], value, note])
    widths = {"A": 14, "B": 60, "C": 10, "D": 12, "E": 40}
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width
    check = DataValidation(
        type="decimal",
        operator="between",
        formula1="-1E12",
        formula2="1E12",
        allow_blank=True,
        error="Nombre attendu, par exemple 12,5.",
    )
    sheet.add_data_validation(check)
    check.add(f"D2:D{max(len(rows) + 1, 2)}")
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
