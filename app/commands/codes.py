"""Record codes Vigie gives itself, for artefacts that declare a :class:`CodeFormat`.

People used to type an action's code by hand, from a hint that did not match the real
format; a sequence is the system's job. The number is the next after the highest already
given for the prefix and year (archived records included, so a code is never reused). Two
people creating at the same instant may draw the same number: the unique constraint refuses
the second write, which the unit of work turns into the one French refusal, the form keeping
everything typed.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.formatting import paris_today
from app.models.mixins import Record
from app.registry.artefact import Artefact, CodeFormat


def _year(code_format: CodeFormat, obj: Record) -> int:
    source = getattr(obj, code_format.year_from, None) if code_format.year_from else None
    return source.year if isinstance(source, date) else paris_today().year


def next_code(artefact: Artefact, obj: Record) -> str:
    """The code the record would get now (its artefact must declare a code format)."""
    code_format = artefact.code_format
    assert code_format is not None, artefact.code_name
    year = _year(code_format, obj)
    stem = code_format.stem(year)
    column = getattr(artefact.model, code_format.column)
    with db.session.no_autoflush:
        given = db.session.scalars(select(column).where(column.like(f"{stem}%")))
        numbers = [int(code[len(stem) :]) for code in given if code[len(stem) :].isdigit()]
    return code_format.render(year, max(numbers, default=0) + 1)


def assign(artefact: Artefact, obj: Record) -> None:
    """Give a new record its code, unless one was sent or the artefact has none to give."""
    code_format = artefact.code_format
    if code_format is None or getattr(obj, code_format.column, None):
        return
    setattr(obj, code_format.column, next_code(artefact, obj))
