"""How a value of an artefact's column reads for people — one rule for every screen.

Lists, show pages and history timelines all go through :func:`shown` (a live value read from
the record) or :func:`shown_recorded` (the JSON value a history diff keeps), so a value reads
the same wherever it appears: a related record by its label, several by their labels joined
with commas, a boolean « Oui »/« Non », a coded value by its label, numbers and dates French
(``app.formatting``), timestamps in Paris time, a person by their full name, a file by its
name, its size in words and its type in words. Never a Python list, ``True``, ``None``, an
ISO date, a MIME type or a full SHA-256.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from flask_appbuilder.security.sqla.models import Role
from flask_babel import lazy_gettext as _l

from app.formatting import format_date, format_datetime, format_number, format_size, yes_no
from app.registry.artefact import Artefact
from app.security.roles import role_label

#: What an empty value reads as, everywhere.
EMPTY = "—"

#: A stored file's type in words (the MIME type is for browsers, not for people).
FILE_TYPES = {
    "application/pdf": _l("Document PDF"),
    "application/vnd.oasis.opendocument.text": _l("Texte OpenDocument"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": _l("Document Word"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": _l("Classeur Excel"),
    "image/png": _l("Image PNG"),
    "image/jpeg": _l("Image JPEG"),
}
#: Columns that only a machine reads (the stored file's generated name): never shown.
HIDDEN = frozenset({"file_key"})
#: A SHA-256 is shown by its first characters: enough to compare two files by eye.
SHORT_HASH = 12


def file_type_words(mime: str | None) -> str:
    """« Document PDF » for ``application/pdf``; an unknown type reads « Fichier »."""
    if not mime:
        return EMPTY
    return str(FILE_TYPES.get(mime, _l("Fichier")))


def short_hash(value: str | None) -> str:
    return f"{value[:SHORT_HASH]}…" if value else EMPTY


def _special(name: str, value: Any) -> str | None:
    """The file columns, read the way people talk about files."""
    if name == "file_size":
        return format_size(value) if value is not None else EMPTY
    if name == "file_type":
        return file_type_words(value)
    if name == "file_sha256":
        return short_hash(value)
    return None


def _label(value: Any) -> str:
    """A related record by its label: a person by their full name, a role by its French
    name, any other record by the label its model gives (its code and title)."""
    if isinstance(value, Role):
        return role_label(value.name)
    full_name = getattr(value, "full_name", None)
    if full_name:
        return str(full_name)
    return str(value)


def _joined(items: Iterable[str]) -> str:
    text = ", ".join(item for item in items if item)
    return text or EMPTY


def shown(artefact: Artefact, name: str, value: Any) -> str:
    """A value read from a record, as people read it (see the module docstring)."""
    special = _special(name, value)
    if special is not None:
        return special
    if value is None or value == "":
        return EMPTY
    choice = artefact.choices.get(name)
    if choice is not None:
        if isinstance(value, (list, tuple, set)):
            return _joined(choice.label(v) for v in value)
        return choice.label(value)
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, (int, float)) and artefact.column_kind(name) == "number":
        return format_number(value)
    if isinstance(value, (list, tuple, set)) or artefact.is_collection(name):
        return _joined(_label(v) for v in value)
    if artefact.is_relation(name):
        return _label(value)
    if isinstance(value, float):
        return format_number(value)
    return str(value)


def shown_plain(value: Any) -> str:
    """A value with no declaration to read it by (a user's field on FAB's users screens):
    « — » for nothing, « Oui »/« Non », French dates and numbers, related records by their
    label, several joined."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, (int, float)):
        return format_number(value)
    if hasattr(value, "__iter__"):
        return _joined(_label(item) for item in value)
    return _label(value)


def shown_recorded(artefact: Artefact, name: str, value: Any) -> str:
    """A value as a history diff recorded it (JSON: ISO dates, labels of related records,
    lists of labels), as people read it."""
    special = _special(name, value)
    if special is not None:
        return special
    if value is None or value == "" or value == []:
        return EMPTY
    kind = artefact.column_kind(name)
    if isinstance(value, str) and kind in ("date", "datetime"):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return value
        return format_date(parsed.date()) if kind == "date" else format_datetime(parsed)
    if isinstance(value, bool) or kind == "boolean":
        return yes_no(value)
    if artefact.is_relation(name) and artefact.related_model(name) is Role:
        # roles are recorded by their code
        codes = value if isinstance(value, list) else [value]
        return _joined(role_label(str(code)) for code in codes)
    return shown(artefact, name, value)


def is_shown(name: str) -> bool:
    """Whether a column appears to people at all (a stored file's key does not)."""
    return name not in HIDDEN
