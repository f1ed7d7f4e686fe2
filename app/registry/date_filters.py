"""List and API filters on date columns that read dates the French way.

Flask-AppBuilder's filters read a date value with ``dateutil`` month first: a filter
« Échéance = 05/03/2027 » searched the 3rd of May. These read it with
:func:`app.formatting.parse_date` (``05/03/2027``, ``5/3/27`` or ISO ``2027-03-05``, as the
forms do); a value that is not a date matches nothing rather than another date. Same filters,
same order (so ``_flt_0_due_date`` still means « égal à »), only the reading changes.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import date
from typing import Any

from flask_appbuilder.models.sqla.filters import (
    FilterEqual,
    FilterGreater,
    FilterNotEqual,
    FilterSmaller,
    SQLAFilterConverter,
)
from sqlalchemy import false

from app.formatting import parse_date


class _FrenchDate:
    """Mixin: parse the filter's value before FAB's filter compares the column with it.

    Only on a date column: FAB's REST filters pick their class from a global map by
    operator name (``eq``…), which may hold one of these for any column.
    """

    column_name: str
    datamodel: Any

    def apply(self, query: Any, value: Any) -> Any:
        if self.datamodel.is_date(self.column_name) and not isinstance(value, date):
            try:
                value = parse_date(str(value))
            except ValueError:
                return query.filter(false())
        return super().apply(query, value)  # type: ignore[misc]


class DateEqual(_FrenchDate, FilterEqual):
    pass


class DateGreater(_FrenchDate, FilterGreater):
    pass


class DateSmaller(_FrenchDate, FilterSmaller):
    pass


class DateNotEqual(_FrenchDate, FilterNotEqual):
    pass


class FrenchFilterConverter(SQLAFilterConverter):
    """FAB's filters, with the date ones above."""

    conversion_table = tuple(
        ("is_date", [DateEqual, DateGreater, DateSmaller, DateNotEqual])
        if test == "is_date"
        else (test, filters)
        for test, filters in SQLAFilterConverter.conversion_table
    )


def iso_date_filters(filters: list[Any], datamodel: Any) -> list[Any]:
    """REST filters (``q=(filters:!(…))``) with their date values rewritten ISO, so that
    whichever class FAB's operator map gives reads ``05/03/2027`` as the 5th of March."""
    rewritten = []
    for item in filters:
        column = item.get("col") if isinstance(item, dict) else None
        value = item.get("value") if isinstance(item, dict) else None
        if isinstance(value, str) and column and datamodel.is_date(column):
            # a value that is not a date is left as sent: FAB reads it or matches nothing
            with suppress(ValueError):
                item = {**item, "value": parse_date(value).isoformat()}
        rewritten.append(item)
    return rewritten
