"""The entry sheet (*Saisie des mesures*): every manual value a service owes for a month.

For a service and a month, the sheet lists the manual indicators whose period ends that month
— monthly ones for the month, quarterly ones in the quarter's last month, yearly ones in
December — with the value already filed, the three previous values, the target and the status,
so an agent files a month for a whole service on one screen. Saving goes through
:func:`app.commands.measurements.push_batch`: the same rules, all or nothing.

Reads are a fixed number of queries whatever the number of indicators.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from app import periods
from app.extensions import db
from app.indicators import status as st
from app.indicators.latest import applicable_targets
from app.models import Indicator, Measurement, ReportingPeriod

#: Collection modes filed by people (API-fed and calculated indicators are not).
MANUAL_MODES = ("manual", "import")
HISTORY = 3


@dataclass
class EntryRow:
    """One indicator on the sheet."""

    indicator: Indicator
    period: str
    current: Measurement | None
    previous: list[tuple[str, float | None]]
    #: The target of the row's period (a month's share of a yearly ``sum`` target).
    target: st.PeriodTarget | None
    evaluation: st.Evaluation
    locked: bool
    errors: list[str] = field(default_factory=list)


@dataclass
class EntrySheet:
    service_id: int
    month: periods.Period
    rows: list[EntryRow]

    @property
    def locked_periods(self) -> list[str]:
        return sorted({row.period for row in self.rows if row.locked})


def due_period(frequency: str, month: periods.Period) -> periods.Period | None:
    """The period of ``frequency`` that ends with ``month`` (None if none ends then)."""
    if frequency == periods.MONTHLY:
        return month
    candidate = periods.containing(month.end, frequency)
    return candidate if candidate.end == month.end else None


def default_month(today: date | None = None) -> periods.Period:
    """The month whose values are being collected now: the previous one."""
    return periods.containing(today or date.today(), periods.MONTHLY).previous()


def sheet(service_id: int, month: periods.Period) -> EntrySheet:
    """The sheet of a service for a month (the caller has checked the service is in scope)."""
    indicators = db.session.scalars(
        select(Indicator)
        .where(
            Indicator.owner_service_id == service_id,
            Indicator.collection_mode.in_(MANUAL_MODES),
            Indicator.archived.is_(False),
        )
        .order_by(Indicator.code)
    ).all()
    due: list[tuple[Indicator, periods.Period]] = []
    for indicator in indicators:
        period = due_period(indicator.frequency, month)
        if period is not None:
            due.append((indicator, period))
    wanted: dict[int, list[str]] = {}
    for indicator, period in due:
        codes = [period.code]
        back = period
        for _step in range(HISTORY):
            back = back.previous()
            codes.append(back.code)
        wanted[indicator.id] = codes
    all_codes = sorted({code for codes in wanted.values() for code in codes})
    stored: dict[tuple[int, str], Measurement] = {}
    if wanted:
        for measurement in db.session.scalars(
            select(Measurement).where(
                Measurement.indicator_id.in_(sorted(wanted)),
                Measurement.period.in_(all_codes),
                Measurement.archived.is_(False),
            )
        ):
            stored[(measurement.indicator_id, measurement.period)] = measurement
    targets = applicable_targets((indicator.id, period.code) for indicator, period in due)
    locked = set(
        db.session.scalars(
            select(ReportingPeriod.period).where(
                ReportingPeriod.period.in_(sorted({p.code for _i, p in due})),
                ReportingPeriod.locked.is_(True),
            )
        )
    )
    rows = []
    for indicator, period in due:
        current = stored.get((indicator.id, period.code))
        target = st.period_target(indicator, targets.get((indicator.id, period.code)), period.code)
        previous = [
            (code, stored[(indicator.id, code)].value if (indicator.id, code) in stored else None)
            for code in wanted[indicator.id][1:]
        ]
        evaluation = st.evaluate_target(
            current.value if current else None, indicator, target, period.code
        )
        rows.append(
            EntryRow(
                indicator, period.code, current, previous, target, evaluation, period.code in locked
            )
        )
    return EntrySheet(service_id, month, rows)


def changed_rows(sheet_: EntrySheet, form: Any) -> tuple[list[dict[str, Any]], list[EntryRow]]:
    """Batch rows for the values typed in a submitted form (unchanged ones are left out).

    Returns the rows and, in the same order, the sheet row each came from, so errors by
    batch index land on the right line.
    """
    out: list[dict[str, Any]] = []
    origin: list[EntryRow] = []
    for row in sheet_.rows:
        raw = (form.get(f"value-{row.indicator.id}") or "").strip()
        comment = (form.get(f"comment-{row.indicator.id}") or "").strip()
        if raw == "":
            continue
        if row.current is not None:
            same_value = _same(raw, row.current.value)
            if same_value and comment == (row.current.comment or ""):
                continue
        out.append(
            {
                "indicator": row.indicator.code,
                "period": row.period,
                "value": raw,
                "comment": comment or None,
            }
        )
        origin.append(row)
    return out, origin


def _same(raw: str, stored: float) -> bool:
    try:
        return float(raw.replace(",", ".").replace(" ", "").replace("\u202f", "")) == stored
    except ValueError:
        return False
