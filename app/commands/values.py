"""Turning raw payload values (JSON, CSV cells) into model values, with French errors.

Forms already give Python objects; payloads give strings, numbers and ids. Coercion is
declarative from the model's column types so every artefact gets it without code.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Mapper
from sqlalchemy.types import TypeEngine

from app.commands.errors import FieldError
from app.formatting import ImpossibleDate, date_error, parse_date
from app.registry.artefact import Artefact

_TRUE = {"1", "true", "oui", "yes", "vrai", "o", "y"}
_FALSE = {"0", "false", "non", "no", "faux", "n", ""}


#: Characters no text Vigie stores may hold: the C0 and C1 control characters (NUL, escape,
#: vertical tab… — what a paste from a word processor or a hostile client may carry), DEL, lone
#: UTF-16 surrogates (they cannot be encoded, so no database, export or page could take them)
#: and the two non-characters XML refuses. Tab, line feed and carriage return are allowed in
#: multi-line texts only (:data:`_LINE_CHARACTERS`).
_REFUSED_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_LINE_CHARACTERS = re.compile("[\t\n\r]")
#: Longest reason (« motif »), comment or justification typed with a change.
REASON_MAX_LENGTH = 2000
#: Largest whole number a column of each integer type holds (PostgreSQL's widths; SQLite's
#: INTEGER is 64-bit): beyond, the database refuses the statement.
_INTEGER_LIMITS: tuple[tuple[type[object], int], ...] = (
    (SmallInteger, 2**15 - 1),
    (BigInteger, 2**63 - 1),
    (Integer, 2**31 - 1),
)
#: Largest record id a URL or a payload may name: ids are ``INTEGER`` columns, 32-bit on
#: PostgreSQL (a larger number in a query on them is refused by the database, not unmatched).
MAX_ID = 2**31 - 1


def without_refused_characters(text: str) -> str:
    """``text`` with each refused character (:data:`_REFUSED_CHARACTERS`) shown as « � »: for
    what must be written out even if an older version of Vigie stored it (an export)."""
    return _REFUSED_CHARACTERS.sub("\ufffd", text)


def text_problem(text: str, *, multiline: bool) -> str | None:
    """What is wrong with the characters of ``text`` (French, to follow a field's name), or
    None: the one rule of the characters Vigie accepts, for every text it stores."""
    bad = _REFUSED_CHARACTERS.search(text)
    if bad is not None:
        if "\ud800" <= bad.group() <= "\udfff":
            return _("contient un caractère mal encodé (demi-codet UTF-16 isolé).")
        return _(
            "contient un caractère de contrôle interdit (U+%(code)04X).", code=ord(bad.group())
        )
    if not multiline and _LINE_CHARACTERS.search(text):
        return _("tient sur une ligne : ni tabulation ni retour à la ligne.")
    return None


def check_text(
    name: str, label: str, raw: object, *, max_length: int | None, multiline: bool
) -> tuple[str | None, FieldError | None]:
    """A typed text (trimmed; None when blank) or the French refusal naming the field: not a
    text, a refused character (:func:`text_problem`), longer than ``max_length``."""
    if raw is None:
        return None, None
    if not isinstance(raw, str):
        return None, FieldError(name, _("« %(label)s » doit être un texte.", label=label))
    text = raw.strip()
    problem = text_problem(text, multiline=multiline)
    if problem is not None:
        return None, FieldError(name, f"« {label} » {problem}")
    if max_length is not None and len(text) > max_length:
        return None, FieldError(
            name, _("« %(label)s » dépasse %(n)d caractères.", label=label, n=max_length)
        )
    return text or None, None


def check_reason(
    raw: object, name: str = "reason", label: str | None = None
) -> tuple[str | None, FieldError | None]:
    """A reason, comment or justification typed with a change (« motif »): multi-line,
    within :data:`REASON_MAX_LENGTH`; ``label`` names it in the message (default « Motif »)."""
    label = label or _("Motif")
    return check_text(name, label, raw, max_length=REASON_MAX_LENGTH, multiline=True)


def within_id_range(pk: int) -> bool:
    """``pk`` may be a record id (positive, within :data:`MAX_ID`): else no record has it."""
    return 0 < pk <= MAX_ID


#: A column's SQL type (``String(300)``, ``Integer()``…), whatever Python values it holds.
ColumnType = TypeEngine[object]


def column_type(artefact: Artefact, name: str) -> ColumnType | None:
    mapper: Mapper[object] = sa_inspect(artefact.model)
    attr = mapper.column_attrs.get(name)
    if attr is None:
        return None
    return attr.columns[0].type


def coerce_scalar(artefact: Artefact, name: str, raw: object) -> tuple[object, FieldError | None]:
    """Coerce one scalar field; return (value, error).

    A blank is no value, and a column of a type without a coercer (:data:`_COERCERS`) takes
    the raw value as it is. A value its coercer cannot read is refused with the message
    saying what the column expects; one it reads but the column does not allow (too long,
    not one of the choices) with the message of that rule.
    """
    label = artefact.column_label(name)
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None, None
    ctype = column_type(artefact, name)
    coerce = _coercer_for(ctype)
    if coerce is None:
        return raw, None
    try:
        return coerce(_Field(artefact, name, label, ctype), raw)
    except (TypeError, ValueError):
        return None, FieldError(name, _expected_message(label, ctype))


@dataclass(frozen=True)
class _Field:
    """The field being coerced: what the column rules and the messages need to know."""

    artefact: Artefact
    name: str
    label: str
    ctype: ColumnType | None


#: What a coercer gives: (value, None), or (None, the error of a rule the value breaks). It
#: raises ``ValueError`` or ``TypeError`` when it cannot read the value at all.
_Coerced = tuple[object, FieldError | None]
_Coercer = Callable[[_Field, object], _Coerced]


def _to_boolean(field: _Field, raw: object) -> _Coerced:
    """A boolean, or the words people type for one (« oui », « non », « vrai », 1, 0…)."""
    if isinstance(raw, bool):
        return raw, None
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True, None
    if text in _FALSE:
        return False, None
    raise ValueError


def _to_integer(field: _Field, raw: object) -> _Coerced:
    """A whole number (``True`` is not 1, ``2.5`` is not 2), one of the choices if the column
    has a list of them."""
    if isinstance(raw, bool):
        raise ValueError
    if isinstance(raw, float) and not raw.is_integer():
        raise ValueError
    number = int(str(raw).strip())
    limit = next((n for types, n in _INTEGER_LIMITS if isinstance(field.ctype, types)), None)
    if limit is not None and not -limit - 1 <= number <= limit:
        return None, FieldError(
            field.name,
            _("« %(label)s » : nombre hors des limites acceptées.", label=field.label),
        )
    refused = _not_a_choice(field, str(number))
    return (None, refused) if refused is not None else (number, None)


def _to_number(field: _Field, raw: object) -> _Coerced:
    """A finite number, written the French way too (``1 250,5``, with a space or a narrow
    no-break space between thousands)."""
    if isinstance(raw, bool):
        raise ValueError
    value = float(str(raw).strip().replace(",", ".").replace("\u202f", "").replace(" ", ""))
    if not math.isfinite(value):
        raise ValueError
    return value, None


def _to_datetime(field: _Field, raw: object) -> _Coerced:
    """A date and time, in ISO 8601."""
    if isinstance(raw, datetime):
        return raw, None
    return datetime.fromisoformat(str(raw).strip()), None


def _to_date(field: _Field, raw: object) -> _Coerced:
    """A date, as French readers write it (``JJ/MM/AAAA``, ``15/1/27``) or in ISO 8601, read
    by :func:`app.formatting.parse_date` like the forms' dates."""
    if isinstance(raw, date):
        return raw, None
    text = str(raw).strip()
    try:
        return parse_date(text), None
    except ImpossibleDate as error:  # readable, but not in the calendar: say so
        return None, FieldError(field.name, date_error(field.label, text, error))


def _to_text(field: _Field, raw: object) -> _Coerced:
    """A text (a number is taken as its digits; a list or a boolean is refused) of accepted
    characters, within the field's declared maximum (:meth:`Artefact.max_length`), one of
    the choices if the column has a list of them."""
    if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
        raise ValueError
    text, error = check_text(
        field.name,
        field.label,
        str(raw),
        max_length=field.artefact.max_length(field.name),
        multiline=field.artefact.is_multiline(field.name),
    )
    if error is not None or text is None:
        return None, error
    refused = _not_a_choice(field, text)
    return (None, refused) if refused is not None else (text, None)


def _not_a_choice(field: _Field, code: str) -> FieldError | None:
    """The error when the column lists its allowed codes and ``code`` is not one of them."""
    choice = field.artefact.choices.get(field.name)
    if choice is None or code in choice.codes:
        return None
    return FieldError(
        field.name,
        _(
            "« %(label)s » doit valoir l'une de ces valeurs : %(codes)s.",
            label=field.label,
            codes=", ".join(choice.codes),
        ),
    )


#: Column type → its coercer, tried in this order (the first the column is an instance of).
_COERCERS: tuple[tuple[type[object] | tuple[type[object], ...], _Coercer], ...] = (
    (Boolean, _to_boolean),
    (Integer, _to_integer),
    ((Float, Numeric), _to_number),
    (DateTime, _to_datetime),
    (Date, _to_date),
    ((String, Text), _to_text),
)


def _coercer_for(ctype: ColumnType | None) -> _Coercer | None:
    """The coercer of a column type; None for a type the payloads need not convert (and for
    a name that is not a column)."""
    return next((coerce for types, coerce in _COERCERS if isinstance(ctype, types)), None)


def _expected_message(label: str, ctype: ColumnType | None) -> str:
    if isinstance(ctype, Boolean):
        return _("« %(label)s » doit être vrai ou faux.", label=label)
    if isinstance(ctype, Integer):
        return _("« %(label)s » doit être un nombre entier.", label=label)
    if isinstance(ctype, (Float, Numeric)):
        return _("« %(label)s » doit être un nombre.", label=label)
    if isinstance(ctype, DateTime):
        return _("« %(label)s » doit être une date et heure (AAAA-MM-JJTHH:MM).", label=label)
    if isinstance(ctype, Date):
        return _("« %(label)s » doit être une date (JJ/MM/AAAA ou AAAA-MM-JJ).", label=label)
    return _("« %(label)s » doit être un texte.", label=label)
