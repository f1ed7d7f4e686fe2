"""Latest values, applicable targets and due dates of many indicators in a fixed number of queries.

Cards, dashboards and the strategy map show dozens to thousands of indicators at once; each
reader here sends exactly one query whatever the number of indicators or of stored values —
even for an empty list, so a page costs the same whatever record it shows, on the small and
the large town. Scope is the caller's business: pass only
indicators the user may read (their targets and measurements follow the indicator's scope).

Periods of one frequency sort as strings in time order (``2025-03`` < ``2025-11``), which is
what lets ``max(period)`` find the latest value on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, func, select, true
from sqlalchemy.orm import joinedload

from app import periods
from app.extensions import db
from app.indicators import status as st
from app.models import Indicator, Measurement, ReportingPeriod, Target


@dataclass(frozen=True)
class Reading:
    """One indicator's value for a period, the target that applies and the judgement."""

    indicator: Indicator
    measurement: Measurement | None
    #: The target of the value's own period (a month's share of a yearly ``sum`` target).
    target: st.PeriodTarget | None
    evaluation: st.Evaluation
    #: Due date of the period after this value (latest readings only; None otherwise).
    next_due: date | None = None

    @property
    def status(self) -> st.Status:
        return self.evaluation.info

    @property
    def value(self) -> float | None:
        return self.measurement.value if self.measurement is not None else None

    @property
    def period(self) -> str | None:
        return self.measurement.period if self.measurement is not None else None

    @property
    def next_period(self) -> str | None:
        """The period whose value comes next (the one that is late, when it is)."""
        return st.next_period(self.period) if self.period else None


def judged(
    indicator: Indicator, measurement: Measurement, target: Target | st.PeriodTarget | None
) -> Reading:
    """A value judged against the target of its own period — how every reader builds one, so
    the target shown beside a value is always the one its status was computed from."""
    aim = st.period_target(indicator, target, measurement.period)
    return Reading(
        indicator, measurement, aim, st.evaluate_target(measurement.value, indicator, aim)
    )


def _ids(items: Iterable[Any]) -> list[int]:
    return sorted({item if isinstance(item, int) else item.id for item in items})


def latest_measurements(indicators: Iterable[Indicator | int]) -> dict[int, Measurement]:
    """The most recent non-archived measurement of each indicator — one query.

    PostgreSQL: a LATERAL subquery per indicator reading the unique (indicator_id, period)
    index backwards — the fastest plan measured here (ENGINEERING.md: 8 ms for 2,000 × 120
    rows against 99 ms for DISTINCT ON). SQLite has no LATERAL: a ``max(period)`` per
    indicator joined back to its row, served by the same index.
    """
    ids = _ids(indicators)
    if db.session.get_bind().dialect.name == "postgresql":
        wanted = select(Indicator.id.label("iid")).where(Indicator.id.in_(ids)).subquery()
        newest = (
            select(Measurement.id.label("mid"))
            .where(Measurement.indicator_id == wanted.c.iid, Measurement.archived.is_(False))
            .order_by(Measurement.period.desc())
            .limit(1)
            .correlate(wanted)
            .lateral()
        )
        stmt = (
            select(Measurement)
            .select_from(wanted)
            .join(newest, true())
            .join(Measurement, Measurement.id == newest.c.mid)
        )
        return {m.indicator_id: m for m in db.session.scalars(stmt)}
    latest = (
        select(Measurement.indicator_id, func.max(Measurement.period).label("period"))
        .where(Measurement.indicator_id.in_(ids), Measurement.archived.is_(False))
        .group_by(Measurement.indicator_id)
        .subquery()
    )
    stmt = select(Measurement).join(
        latest,
        and_(
            Measurement.indicator_id == latest.c.indicator_id, Measurement.period == latest.c.period
        ),
    )
    return {m.indicator_id: m for m in db.session.scalars(stmt)}


def latest_periods(indicator_ids: Iterable[int]) -> dict[int, str]:
    """The period of the most recent non-archived value of each indicator — one query that
    reads periods, not rows: what the overdue judgement needs for thousands of indicators
    (:func:`app.indicators.health.overdue_indicators`), without one object per indicator.

    The same plans as :func:`latest_measurements`, on the (indicator, period) index."""
    ids = _ids(indicator_ids)
    if db.session.get_bind().dialect.name == "postgresql":
        wanted = select(Indicator.id.label("iid")).where(Indicator.id.in_(ids)).subquery()
        newest = (
            select(Measurement.period.label("period"))
            .where(Measurement.indicator_id == wanted.c.iid, Measurement.archived.is_(False))
            .order_by(Measurement.period.desc())
            .limit(1)
            .correlate(wanted)
            .lateral()
        )
        stmt = select(wanted.c.iid, newest.c.period).select_from(wanted).join(newest, true())
    else:
        stmt = (
            select(Measurement.indicator_id, func.max(Measurement.period))
            .where(Measurement.indicator_id.in_(ids), Measurement.archived.is_(False))
            .group_by(Measurement.indicator_id)
        )
    return {int(iid): str(period) for iid, period in db.session.execute(stmt)}


def recent_measurements(indicator: Indicator | int, limit: int = 24) -> list[Measurement]:
    """The ``limit`` most recent non-archived values of one indicator, newest first."""
    indicator_id = indicator if isinstance(indicator, int) else indicator.id
    stmt = (
        select(Measurement)
        .options(joinedload(Measurement.entered_by), joinedload(Measurement.source_application))
        .where(Measurement.indicator_id == indicator_id, Measurement.archived.is_(False))
        .order_by(Measurement.period.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def count_measurements(indicator: Indicator | int) -> int:
    """How many non-archived values an indicator has (to say « 24 of 130 »)."""
    indicator_id = indicator if isinstance(indicator, int) else indicator.id
    stmt = (
        select(func.count())
        .select_from(Measurement)
        .where(Measurement.indicator_id == indicator_id, Measurement.archived.is_(False))
    )
    return int(db.session.scalar(stmt) or 0)


def applicable_targets(
    keys: Iterable[tuple[int, str]],
) -> dict[tuple[int, str], Target]:
    """For each (indicator id, period): the target of that period, else of its year — one query.

    A monthly indicator may carry a yearly target (``2026``) and override a month
    (``2026-07``); the period's own target wins.
    """
    wanted = {(indicator_id, code) for indicator_id, code in keys if code}
    candidates: set[str] = set()
    for _indicator_id, code in wanted:
        candidates.add(code)
        year = periods.year_of(code)
        if year is not None:
            candidates.add(str(year))
    stmt = select(Target).where(
        Target.indicator_id.in_(sorted({i for i, _c in wanted})),
        Target.period.in_(sorted(candidates)),
        Target.archived.is_(False),
    )
    by_key = {(t.indicator_id, t.period): t for t in db.session.scalars(stmt)}
    found: dict[tuple[int, str], Target] = {}
    for indicator_id, code in wanted:
        year = periods.year_of(code)
        target = by_key.get((indicator_id, code))
        if target is None and year is not None:
            target = by_key.get((indicator_id, str(year)))
        if target is not None:
            found[(indicator_id, code)] = target
    return found


def reporting_due_dates(period_codes: Iterable[str]) -> dict[str, date]:
    """Due dates the quality cell set on reporting periods, by period code — one query."""
    codes = sorted({code for code in period_codes if code})
    stmt = select(ReportingPeriod.period, ReportingPeriod.due_date).where(
        ReportingPeriod.period.in_(codes),
        ReportingPeriod.due_date.is_not(None),
        ReportingPeriod.archived.is_(False),
    )
    return {code: due for code, due in db.session.execute(stmt) if due is not None}


def _judged_latest(
    indicator: Indicator,
    measurement: Measurement | None,
    target: Target | st.PeriodTarget | None,
    overrides: dict[str, date],
    today: date,
    grace: int,
) -> Reading:
    """The reading of an indicator's latest value, « en retard » if the next one is overdue."""
    if measurement is None:
        return Reading(indicator, None, None, st.NO_DATA)
    reading = judged(indicator, measurement, target)
    next_code = st.next_period(measurement.period)
    due = st.due_date(next_code, grace, overrides.get(next_code)) if next_code else None
    late = st.is_late(measurement.period, today, due)
    return Reading(
        indicator, measurement, reading.target, st.current_status(reading.evaluation, late), due
    )


def latest_readings(
    indicators: Sequence[Indicator], today: date | None = None
) -> dict[int, Reading]:
    """Latest value, target, status and lateness of each indicator — three queries in all."""
    today = today or date.today()
    latest = latest_measurements(indicators)
    targets = applicable_targets((m.indicator_id, m.period) for m in latest.values())
    overrides = reporting_due_dates(
        code for code in (st.next_period(m.period) for m in latest.values()) if code
    )
    grace = st.grace_days()
    return {
        indicator.id: _judged_latest(
            indicator,
            latest.get(indicator.id),
            targets.get((indicator.id, latest[indicator.id].period))
            if indicator.id in latest
            else None,
            overrides,
            today,
            grace,
        )
        for indicator in indicators
    }


def as_latest(reading: Reading, today: date | None = None) -> Reading:
    """A reading already fetched (the newest of :func:`period_readings`) judged as the latest
    value, with its lateness — one query, for a page that has the values in hand."""
    next_code = st.next_period(reading.period) if reading.period else None
    overrides = reporting_due_dates([next_code] if next_code else [])
    return _judged_latest(
        reading.indicator,
        reading.measurement,
        reading.target,
        overrides,
        today or date.today(),
        st.grace_days(),
    )


def period_readings(indicator: Indicator, measurements: Sequence[Measurement]) -> list[Reading]:
    """Each given value of one indicator judged against its own period's target — one query."""
    targets = applicable_targets((indicator.id, m.period) for m in measurements)
    return [judged(indicator, m, targets.get((indicator.id, m.period))) for m in measurements]
