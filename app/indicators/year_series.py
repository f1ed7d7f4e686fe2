"""A year's values of many indicators at once: the trend window and the year's latest reading.

The per-service annual report draws one trend per indicator and states where each indicator
stood at the end of the year. Reading them one indicator at a time would send a query per
indicator; :func:`year_series` sends three, whatever the number of indicators or of values:

* the values of every indicator over its **window** — the year and, before it, enough years
  for a readable trend (24 months, 12 quarters, 6 years: :data:`WINDOW_YEARS`) — one query
  whose row count is bounded by the window, not by the history stored;
* the targets that apply to those values (:func:`app.indicators.latest.applicable_targets`);
* the reporting due dates of the periods that would follow each year's latest value.

Scope is the caller's business, as in :mod:`app.indicators.latest`: pass only indicators the
reader may read.

(Another batched reader of recent values may live beside it for the review pack; this one is
shaped by the annual report's « year window » and « latest of the year ».)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, false, or_, select

from app import periods
from app.extensions import db
from app.indicators import status as st
from app.indicators.latest import Reading, applicable_targets, judged, reporting_due_dates
from app.models import Indicator, Measurement

#: Years of values a trend covers, by frequency, counting the report's year.
WINDOW_YEARS: dict[str, int] = {periods.MONTHLY: 2, periods.QUARTERLY: 3, periods.YEARLY: 6}


@dataclass(frozen=True)
class YearSeries:
    """One indicator's values over its window and its standing at the end of the year."""

    indicator: Indicator
    #: Every value of the window judged against its own period's target, newest first
    #: (what the chart and the card's tables take).
    history: list[Reading]
    #: The year's newest value, « en retard » when the value that should follow it within the
    #: year is overdue; without a value in the year, « sans donnée » (or « en retard » when
    #: the year's values are overdue).
    latest: Reading

    @property
    def in_year(self) -> list[Reading]:
        """The window's readings that fall in the asked year, newest first (empty when the
        year has no value: the latest reading then carries none)."""
        year = self.latest_year
        return [r for r in self.history if r.period and periods.year_of(r.period) == year]

    @property
    def latest_year(self) -> int | None:
        return periods.year_of(self.latest.period) if self.latest.period else None


def window_start(frequency: str, year: int) -> int:
    """First year of an indicator's trend window ending with ``year``."""
    return year - WINDOW_YEARS.get(frequency, 2) + 1


def window_measurements(indicators: Sequence[Indicator], year: int) -> dict[int, list[Measurement]]:
    """Non-archived values of each indicator over its window ending with ``year`` — one query,
    oldest first. The query is sent even for no indicator, so a page costs the same always."""
    by_start: dict[int, list[int]] = {}
    for indicator in indicators:
        by_start.setdefault(window_start(indicator.frequency, year), []).append(indicator.id)
    windows = [
        and_(Measurement.indicator_id.in_(sorted(ids)), Measurement.period >= str(first))
        for first, ids in sorted(by_start.items())
    ]
    stmt = (
        select(Measurement)
        .where(
            or_(*windows) if windows else false(),
            Measurement.period < str(year + 1),
            Measurement.archived.is_(False),
        )
        .order_by(Measurement.indicator_id, Measurement.period)
    )
    found: dict[int, list[Measurement]] = {indicator.id: [] for indicator in indicators}
    for measurement in db.session.scalars(stmt):
        found.setdefault(measurement.indicator_id, []).append(measurement)
    return found


def year_series(
    indicators: Sequence[Indicator], year: int, today: date | None = None
) -> dict[int, YearSeries]:
    """Each indicator's window of values and its standing at the end of ``year`` — three
    queries in all (values, targets, due dates)."""
    today = today or date.today()
    values = window_measurements(indicators, year)
    targets = applicable_targets(
        (indicator_id, m.period) for indicator_id, ms in values.items() for m in ms
    )
    following = {
        indicator_id: st.next_period(ms[-1].period) for indicator_id, ms in values.items() if ms
    }
    overrides = reporting_due_dates(code for code in following.values() if code)
    grace = st.grace_days()
    result: dict[int, YearSeries] = {}
    for indicator in indicators:
        history = [
            judged(indicator, m, targets.get((indicator.id, m.period)))
            for m in reversed(values.get(indicator.id, []))
        ]
        latest = _standing(
            indicator, history, year, following.get(indicator.id), overrides, today, grace
        )
        result[indicator.id] = YearSeries(indicator, history, latest)
    return result


def _standing(
    indicator: Indicator,
    history: list[Reading],
    year: int,
    next_code: str | None,
    overrides: dict[str, date],
    today: date,
    grace: int,
) -> Reading:
    """The year's newest reading, judged late when the value after it, due within the year,
    has not come (a value due in the next year does not make a closed year late)."""
    newest = history[0] if history else None
    due = None
    late = False
    if newest is not None and next_code is not None and periods.year_of(next_code) == year:
        due = st.due_date(next_code, grace, overrides.get(next_code))
        late = st.is_late(newest.period, today, due)
    if newest is None or periods.year_of(newest.period or "") != year:
        # nothing filed in the year itself: overdue if the year's first value is
        evaluation = st.NO_DATA
        if newest is not None and next_code is not None and late:
            evaluation = st.Evaluation(st.EN_RETARD)
        return Reading(indicator, None, None, evaluation, due)
    return Reading(
        indicator,
        newest.measurement,
        newest.target,
        st.current_status(newest.evaluation, late),
        due,
    )
