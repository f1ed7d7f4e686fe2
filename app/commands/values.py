"""Turning raw payload values (JSON, CSV cells) into model values, with French errors.

Forms already give Python objects; payloads give strings, numbers and ids. Coercion is
declarative from the model's column types so every artefact gets it without code.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import Boolean, Date, DateTime, Float, Integer, Numeric, String, Text
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Mapper
from sqlalchemy.types import TypeEngine

from app.commands.errors import FieldError
from app.formatting import ImpossibleDate, date_error, parse_date
from app.registry.artefact import Artefact

_TRUE = {"1", "true", "oui", "yes", "vrai", "o", "y"}
_FALSE = {"0", "false", "non", "no", "faux", "n", ""}


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
    """A text (a number is taken as its digits; a list or a boolean is refused), within the
    column's length, one of the choices if the column has a list of them."""
    if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
        raise ValueError
    text = str(raw).strip()
    length = getattr(field.ctype, "length", None)
    if length and len(text) > length:
        return None, FieldError(
            field.name,
            _("« %(label)s » dépasse %(n)d caractères.", label=field.label, n=length),
        )
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
