"""The entry sheet (*Saisie des mesures*): every manual value a service owes for a month.

For a service and a month, the sheet lists the service's manual indicators — always all of
them, in code order, so that the screen looks the same every month — and marks those due:
monthly ones every month, quarterly ones in the quarter's last month, yearly ones in
December. A due row shows the value already filed, the three previous values, the target of
its period and the status, and takes a new value, a comment, or the clearing of a wrong value
(archived, with a reason). A row not due this month says when it is due. A typed value outside
the indicator's history (:mod:`app.indicators.plausibility`) asks for a confirmation.
Saving goes through :func:`app.commands.measurements.push_batch` (the same rules, all or
nothing) and :func:`app.commands.measurements.clear_values`.

Reads are a fixed number of queries whatever the number of indicators.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from app import periods
from app.extensions import db
from app.formatting import format_number, parse_number
from app.indicators import plausibility
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
    #: The period due this month, or (not due) the period in progress.
    period: str
    #: True when the row's period ends with the sheet's month: the value is owed now.
    due: bool
    current: Measurement | None
    previous: list[tuple[str, float | None]]
    #: The target of the row's period (a month's share of a yearly ``sum`` target).
    target: st.PeriodTarget | None
    evaluation: st.Evaluation
    locked: bool
    #: The values expected from the indicator's history (None: too little history).
    band: plausibility.Band | None = None
    errors: list[str] = field(default_factory=list)
    #: A typed value outside :attr:`band`, waiting for the person's confirmation.
    warning: str | None = None

    @property
    def due_month(self) -> str:
        """The month whose sheet takes this row's value (its period's last month)."""
        parsed = periods.parse(self.period)
        end = parsed.end if parsed is not None else date.today()
        return periods.containing(end, periods.MONTHLY).code

    @property
    def missing(self) -> bool:
        """Due and not filed yet."""
        return self.due and self.current is None


@dataclass
class EntrySheet:
    service_id: int
    month: periods.Period
    rows: list[EntryRow]
    #: Refusals of the reason typed with the save (missing for a cleared value…).
    reason_errors: list[str] = field(default_factory=list)

    @property
    def locked_periods(self) -> list[str]:
        return sorted({row.period for row in self.rows if row.locked and row.due})

    @property
    def due_rows(self) -> list[EntryRow]:
        return [row for row in self.rows if row.due]

    @property
    def clearable(self) -> bool:
        """Some due value is filed: the screen offers to clear it, which asks for a reason."""
        return any(row.due and row.current is not None for row in self.rows)


def due_period(frequency: str, month: periods.Period) -> periods.Period | None:
    """The period of ``frequency`` that ends with ``month`` (None if none ends then)."""
    if frequency == periods.MONTHLY:
        return month
    candidate = periods.containing(month.end, frequency)
    return candidate if candidate.end == month.end else None


def default_month(today: date | None = None) -> periods.Period:
    """The month whose values are being collected now: the previous one."""
    return periods.containing(today or date.today(), periods.MONTHLY).previous()


def _back(period: periods.Period, steps: int) -> list[str]:
    codes = []
    for _step in range(steps):
        period = period.previous()
        codes.append(period.code)
    return codes


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
    placed: list[tuple[Indicator, periods.Period, bool]] = []
    for indicator in indicators:
        period = due_period(indicator.frequency, month)
        due = period is not None
        if period is None:  # a quarter or a year still running: due in its last month
            period = periods.containing(month.start, indicator.frequency)
        placed.append((indicator, period, due))
    earlier = {ind.id: _back(period, plausibility.WINDOW) for ind, period, _d in placed}
    all_codes = sorted(
        {p.code for _i, p, _d in placed} | {c for codes in earlier.values() for c in codes}
    )
    stored: dict[tuple[int, str], Measurement] = {}
    if placed:
        for measurement in db.session.scalars(
            select(Measurement).where(
                Measurement.indicator_id.in_(sorted(earlier)),
                Measurement.period.in_(all_codes),
                Measurement.archived.is_(False),
            )
        ):
            stored[(measurement.indicator_id, measurement.period)] = measurement
    targets = applicable_targets((indicator.id, period.code) for indicator, period, _d in placed)
    locked = set(
        db.session.scalars(
            select(ReportingPeriod.period).where(
                ReportingPeriod.period.in_(sorted({p.code for _i, p, _d in placed})),
                ReportingPeriod.locked.is_(True),
            )
        )
    )
    rows = []
    for indicator, period, due in placed:
        current = stored.get((indicator.id, period.code))
        target = st.period_target(indicator, targets.get((indicator.id, period.code)), period.code)
        history = [
            stored[(indicator.id, code)].value
            for code in earlier[indicator.id]
            if (indicator.id, code) in stored
        ]
        previous = [
            (code, stored[(indicator.id, code)].value if (indicator.id, code) in stored else None)
            for code in earlier[indicator.id][:HISTORY]
        ]
        evaluation = st.evaluate_target(
            current.value if current else None, indicator, target, period.code
        )
        rows.append(
            EntryRow(
                indicator,
                period.code,
                due,
                current,
                previous,
                target,
                evaluation,
                period.code in locked,
                band=plausibility.band(history),
            )
        )
    return EntrySheet(service_id, month, rows)


@dataclass
class Submission:
    """What a submitted sheet asks for: batch rows for the values typed (unchanged ones left
    out) with, in the same order, the sheet row each came from — so that errors by batch
    index land on the right line —, and the rows whose value is to be cleared."""

    rows: list[dict[str, Any]]
    origin: list[EntryRow]
    clears: list[EntryRow]

    def __bool__(self) -> bool:
        return bool(self.rows or self.clears)


def submission(sheet_: EntrySheet, form: Any) -> Submission:
    """Read a submitted sheet; rows not due this month take nothing."""
    out = Submission([], [], [])
    for row in sheet_.due_rows:
        key = row.indicator.id
        if row.current is not None and form.get(f"clear-{key}"):
            out.clears.append(row)
            continue
        raw = (form.get(f"value-{key}") or "").strip()
        comment = (form.get(f"comment-{key}") or "").strip()
        if raw == "":
            continue
        if row.current is not None:
            same_value = parse_number(raw) == row.current.value
            if same_value and comment == (row.current.comment or ""):
                continue
        out.rows.append(
            {
                "indicator": row.indicator.code,
                "period": row.period,
                "value": raw,
                "comment": comment or None,
            }
        )
        out.origin.append(row)
    return out


def unconfirmed_outliers(submitted: Submission, form: Any) -> list[EntryRow]:
    """The typed values outside their indicator's history that the person has not confirmed
    (``confirm-<id>`` ticked), each marked with its warning."""
    flagged = []
    for row, batch_row in zip(submitted.origin, submitted.rows, strict=True):
        value = parse_number(batch_row["value"])
        if row.band is None or value is None or row.band.contains(value):
            continue
        if form.get(f"confirm-{row.indicator.id}"):
            continue
        row.warning = _(
            "Valeur inhabituelle : l'historique de cet indicateur laisse attendre entre "
            "%(low)s et %(high)s. Vérifiez-la, puis cochez « Je confirme » pour l'enregistrer.",
            low=format_number(row.band.low),
            high=format_number(row.band.high),
        )
        flagged.append(row)
    return flagged
