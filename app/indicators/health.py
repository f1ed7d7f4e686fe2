"""Collection health: which business applications went quiet, which values are overdue.

The "who hasn't updated" view strategy tools lack: for each source application its last push
and health (``ok`` / ``late`` / ``silent`` from its expected frequency), and every indicator
whose latest value is older than the last period already due — with its owner, so the quality
cell knows whom to call. Reads a fixed number of queries whatever the number of indicators.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from app import periods, registry
from app.extensions import db
from app.indicators import status as st
from app.indicators.latest import latest_periods, reporting_due_dates
from app.models import Indicator, SourceApplication
from app.security.actor import Actor

HEALTH_ORDER = {"silent": 0, "late": 1, "ok": 2}


class Watched(Protocol):
    """What the overdue judgement reads of an indicator: an :class:`Indicator`, or one of
    the light rows of :func:`watched_rows` (a page reads thousands of them, no objects)."""

    @property
    def id(self) -> int: ...
    @property
    def code(self) -> str: ...
    @property
    def frequency(self) -> str: ...
    @property
    def collection_mode(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def owner_service_id(self) -> int: ...


@dataclass(frozen=True)
class Overdue:
    """An indicator whose value for ``expected`` (and maybe earlier periods) is missing."""

    indicator: Any  # an Indicator, or a Watched row until :func:`with_records` reads the page
    last_period: str | None
    expected: str
    missing: int
    days_late: int


def last_due_period(
    frequency: str, today: date, overrides: dict[str, date], grace: int
) -> periods.Period:
    """The most recent period of ``frequency`` whose value is already due on ``today``."""
    current = periods.containing(today, frequency).previous()
    for _step in range(3):
        due = overrides.get(current.code) or st.due_date(current.code, grace)
        if due < today:
            return current
        current = current.previous()
    return current


def overdue_indicators(indicators: Sequence[Watched], today: date | None = None) -> list[Overdue]:
    """Indicators fed by people or applications whose latest due value is missing."""
    today = today or date.today()
    watched = [i for i in indicators if i.collection_mode != "calculated"]
    latest = latest_periods(i.id for i in watched)
    grace = st.grace_days()
    candidates = set()
    for frequency in periods.FREQUENCIES:
        current = periods.containing(today, frequency)
        for _step in range(4):
            current = current.previous()
            candidates.add(current.code)
    overrides = reporting_due_dates(candidates)
    out: list[Overdue] = []
    for indicator in watched:
        expected = last_due_period(indicator.frequency, today, overrides, grace)
        stored = latest.get(indicator.id)
        last = periods.parse(stored) if stored is not None else None
        if last is not None and last >= expected:
            continue
        if last is None and indicator.created_at.date() > expected.end:
            continue  # created after that period: nothing was owed yet
        missing = len(periods.between(last.next(), expected)) if last is not None else 1
        due = overrides.get(expected.code) or st.due_date(expected.code, grace)
        out.append(
            Overdue(
                indicator,
                stored,
                expected.code,
                missing,
                (today - due).days,
            )
        )
    out.sort(key=lambda o: (-o.days_late, o.indicator.code))
    return out


#: The columns of an indicator the overdue judgement and the counts read.
WATCHED_COLUMNS = (
    Indicator.id,
    Indicator.code,
    Indicator.frequency,
    Indicator.collection_mode,
    Indicator.created_at,
    Indicator.owner_service_id,
)


def watched_select(actor: Actor, *, mine: bool = False) -> Select[Any]:
    """The live indicators the person reads (``mine``: those they are responsible for and
    type in by hand — the values « à saisir » of their home page), as light rows."""
    stmt = select(*WATCHED_COLUMNS).where(Indicator.archived.is_(False)).order_by(Indicator.code)
    clause = registry.get("indicator").scope.clause(Indicator, actor.scope)
    if clause is not None:
        stmt = stmt.where(clause)
    if mine:
        stmt = stmt.where(
            Indicator.owner_id == (actor.user_id or -1), Indicator.collection_mode == "manual"
        )
    return stmt


def watched_rows(stmt: Select[Any]) -> list[Watched]:
    """The rows of :func:`watched_select` (or a narrower one): columns, not objects."""
    return list(db.session.execute(stmt).all())


def with_records(items: Sequence[Overdue]) -> list[Overdue]:
    """The page shown of a list of overdue values, each holding its indicator as an object
    (owner, service and application loaded with it) — one query for the page alone, so a
    page draws its page of rows, not every late indicator of the town."""
    ids = [item.indicator.id for item in items]
    if not ids:
        return []
    stmt = (
        select(Indicator)
        .where(Indicator.id.in_(ids))
        .options(
            joinedload(Indicator.owner),
            joinedload(Indicator.owner_service),
            joinedload(Indicator.source_application),
        )
    )
    found = {obj.id: obj for obj in db.session.scalars(stmt).unique()}
    return [replace(item, indicator=found[item.indicator.id]) for item in items]


def overdue_for(
    actor: Actor, *, mine: bool = False, today: date | None = None
) -> tuple[list[Overdue], int]:
    """The late values the person's collection health page lists (light rows: pass a page
    of them to :func:`with_records` to show it), and how many indicators it watches: one
    function for the page and for the counts that link to it."""
    indicators = watched_rows(watched_select(actor, mine=mine))
    return overdue_indicators(indicators, today), len(indicators)


def applications(
    scope_clause: Any = None, *, failing: bool = False
) -> list[tuple[SourceApplication, int]]:
    """Source applications (in scope) with how many indicators each feeds, silent first
    (``failing``: only the silent and late ones)."""
    counts = (
        select(Indicator.source_application_id, func.count(Indicator.id).label("n"))
        .where(Indicator.archived.is_(False))
        .group_by(Indicator.source_application_id)
        .subquery()
    )
    stmt = (
        select(SourceApplication, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.source_application_id == SourceApplication.id)
        .options(joinedload(SourceApplication.owner_service))
        .where(SourceApplication.archived.is_(False))
    )
    if scope_clause is not None:
        stmt = stmt.where(scope_clause)
    rows = [(app_row, int(n)) for app_row, n in db.session.execute(stmt)]
    if failing:
        rows = [(app_row, n) for app_row, n in rows if app_row.health != "ok"]
    rows.sort(key=lambda pair: (HEALTH_ORDER.get(pair[0].health, 3), pair[0].code))
    return rows
