"""Turning raw payload values (JSON, CSV cells) into model values, with French errors.

Forms already give Python objects; payloads give strings, numbers and ids. Coercion is
declarative from the model's column types so every artefact gets it without code.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Boolean, Date, DateTime, Float, Integer, Numeric, String, Text
from sqlalchemy import inspect as sa_inspect

from app.commands.errors import FieldError
from app.registry.artefact import Artefact

_TRUE = {"1", "true", "oui", "yes", "vrai", "o", "y"}
_FALSE = {"0", "false", "non", "no", "faux", "n", ""}


def column_type(artefact: Artefact, name: str) -> Any | None:
    mapper: Any = sa_inspect(artefact.model)
    attr = mapper.column_attrs.get(name)
    if attr is None:
        return None
    return attr.columns[0].type


def coerce_scalar(artefact: Artefact, name: str, raw: Any) -> tuple[Any, FieldError | None]:
    """Coerce one scalar field; return (value, error)."""
    label = artefact.column_label(name)
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None, None
    ctype = column_type(artefact, name)
    try:
        if isinstance(ctype, Boolean):
            if isinstance(raw, bool):
                return raw, None
            text = str(raw).strip().lower()
            if text in _TRUE:
                return True, None
            if text in _FALSE:
                return False, None
            raise ValueError
        if isinstance(ctype, Integer):
            if isinstance(raw, bool):
                raise ValueError
            if isinstance(raw, float) and not raw.is_integer():
                raise ValueError
            number = int(str(raw).strip())
            choice = artefact.choices.get(name)
            if choice is not None and str(number) not in choice.codes:
                return None, FieldError(
                    name,
                    _(
                        "« %(label)s » doit valoir l'une de ces valeurs : %(codes)s.",
                        label=label,
                        codes=", ".join(choice.codes),
                    ),
                )
            return number, None
        if isinstance(ctype, (Float, Numeric)):
            if isinstance(raw, bool):
                raise ValueError
            value = float(str(raw).strip().replace(",", ".").replace("\u202f", "").replace(" ", ""))
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError
            return value, None
        if isinstance(ctype, DateTime):
            if isinstance(raw, datetime):
                return raw, None
            return datetime.fromisoformat(str(raw).strip()), None
        if isinstance(ctype, Date):
            if isinstance(raw, date):
                return raw, None
            text = str(raw).strip()
            if "/" in text:
                day, month, year = text.split("/")
                return date(int(year), int(month), int(day)), None
            return date.fromisoformat(text), None
        if isinstance(ctype, (String, Text)):
            if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
                raise ValueError
            text = str(raw).strip()
            length = getattr(ctype, "length", None)
            if length and len(text) > length:
                return None, FieldError(
                    name,
                    _("« %(label)s » dépasse %(n)d caractères.", label=label, n=length),
                )
            choice = artefact.choices.get(name)
            if choice is not None and text not in choice.codes:
                return None, FieldError(
                    name,
                    _(
                        "« %(label)s » doit valoir l'une de ces valeurs : %(codes)s.",
                        label=label,
                        codes=", ".join(choice.codes),
                    ),
                )
            return text, None
    except (TypeError, ValueError):
        return None, FieldError(name, _expected_message(label, ctype))
    return raw, None


def _expected_message(label: str, ctype: Any) -> str:
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
