"""Reporting periods: ``2025-03`` (monthly), ``2025-Q1`` (quarterly), ``2025`` (yearly).

Periods are stored as these short strings because that is how services and business
applications write them; this module is the one place that parses them, checks them against an
indicator's frequency and turns them into dates. Within one frequency the strings sort in time
order, which keeps "latest value" queries simple.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Integer, String, case, func, literal_column

MONTHLY = "monthly"
QUARTERLY = "quarterly"
YEARLY = "yearly"
FREQUENCIES = (MONTHLY, QUARTERLY, YEARLY)

_PATTERNS = {
    MONTHLY: re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
    QUARTERLY: re.compile(r"^(\d{4})-Q([1-4])$"),
    YEARLY: re.compile(r"^(\d{4})$"),
}


@dataclass(frozen=True, order=True)
class Period:
    """One parsed period: its frequency, year and index in the year (month 1–12, quarter 1–4)."""

    year: int
    index: int
    frequency: str

    @property
    def code(self) -> str:
        if self.frequency == MONTHLY:
            return f"{self.year}-{self.index:02d}"
        if self.frequency == QUARTERLY:
            return f"{self.year}-Q{self.index}"
        return f"{self.year}"

    @property
    def start(self) -> date:
        if self.frequency == MONTHLY:
            return date(self.year, self.index, 1)
        if self.frequency == QUARTERLY:
            return date(self.year, 3 * self.index - 2, 1)
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        """Last day of the period."""
        return self.next().start - timedelta(days=1)

    def next(self) -> Period:
        per_year = {MONTHLY: 12, QUARTERLY: 4, YEARLY: 1}[self.frequency]
        if self.index < per_year:
            return Period(self.year, self.index + 1, self.frequency)
        return Period(self.year + 1, 1, self.frequency)

    def previous(self) -> Period:
        per_year = {MONTHLY: 12, QUARTERLY: 4, YEARLY: 1}[self.frequency]
        if self.index > 1:
            return Period(self.year, self.index - 1, self.frequency)
        return Period(self.year - 1, per_year, self.frequency)

    def __str__(self) -> str:
        return self.code


def parse(code: str) -> Period | None:
    """The period written ``code``, or None if it is not a valid period."""
    text = (code or "").strip()
    for frequency, pattern in _PATTERNS.items():
        match = pattern.match(text)
        if match:
            year = int(match.group(1))
            index = int(match.group(2)) if frequency != YEARLY else 1
            if not 1900 <= year <= 2200:
                return None
            return Period(year, index, frequency)
    return None


def frequency_of(code: str) -> str | None:
    found = parse(code)
    return found.frequency if found else None


def containing(day: date, frequency: str) -> Period:
    """The period of ``frequency`` that contains ``day``."""
    if frequency == MONTHLY:
        return Period(day.year, day.month, MONTHLY)
    if frequency == QUARTERLY:
        return Period(day.year, (day.month - 1) // 3 + 1, QUARTERLY)
    return Period(day.year, 1, YEARLY)


def between(first: Period, last: Period) -> list[Period]:
    """Every period from ``first`` to ``last`` inclusive (same frequency)."""
    out: list[Period] = []
    current = first
    while current <= last:
        out.append(current)
        current = current.next()
    return out


def in_year(year: int, frequency: str) -> list[Period]:
    return between(Period(year, 1, frequency), containing(date(year, 12, 31), frequency))


def year_of(code: str) -> int | None:
    """The year a period or a target period (``2025``) belongs to."""
    found = parse(code)
    return found.year if found else None


#: End month of each quarter, as the two digits the SQL key writes.
_QUARTER_END = {"1": "03", "2": "06", "3": "09", "4": "12"}
#: Rank of each frequency among periods ending the same month: the month, then its quarter,
#: then its year (``2026-12`` < ``2026-Q4`` < ``2026``).
_RANK = {MONTHLY: "0", QUARTERLY: "1", YEARLY: "2"}


def sort_key(code: str) -> str:
    """The chronological key of a period, the very one :func:`sql_sort_key` computes in SQL:
    year, end month, frequency rank as seven digits (``2026-Q1`` → ``2026031``)."""
    found = parse(code)
    if found is None:
        return code
    month = found.end.month
    return f"{found.year}{month:02d}{_RANK[found.frequency]}"


def sql_sort_key(column: Any) -> Any:
    """SQL key ordering a period column in time, on SQLite and PostgreSQL alike.

    As text ``2026-Q1`` sorts after ``2026-12`` and ``2026`` before ``2026-01``; this key
    reads each period as its year, the month it ends and its frequency rank — seven digits,
    built with ``substr``, ``length`` and ``||`` only (no cast, so a malformed value never
    fails a query; digits compare alike in every collation). ``NULL`` stays ``NULL``.

    Its constants are written into the SQL, not sent as parameters: the expression is then
    the very one of the measurement list's index on PostgreSQL (``ix_measurement_list_order``,
    migration 0008), which the planner matches only against an identical expression.
    """

    def num(n: int) -> Any:
        return literal_column(str(n), Integer)

    def txt(value: str) -> Any:
        return literal_column(f"'{value}'", String)

    year = func.substr(column, num(1), num(4), type_=String)
    quarter_end = case(
        *(
            (func.substr(column, num(7), num(1)) == txt(q), txt(month))
            for q, month in _QUARTER_END.items()
        ),
        else_=txt("12"),
    )
    return case(
        (func.length(column) == num(4), year + txt("12") + txt(_RANK[YEARLY])),
        (
            func.substr(column, num(6), num(1)) == txt("Q"),
            year + quarter_end + txt(_RANK[QUARTERLY]),
        ),
        else_=year + func.substr(column, num(6), num(2), type_=String) + txt(_RANK[MONTHLY]),
    )
