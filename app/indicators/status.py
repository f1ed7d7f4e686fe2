"""Status and score of an indicator value against its target (DOMAIN §3).

Pure functions, no database: the readers in :mod:`app.indicators.latest` fetch the rows, this
module judges them. Everything a screen needs to show a status — its French label, its CSS
class, its icon — lives in :data:`STATUS`, so a status is written once and never shown by
colour alone (the label is always printed beside the icon).

The rule, the same for every direction so that a roll-up can reuse it on scores:

* the **gap** is how far the value falls short of the target, as a fraction of the target
  (0 when the target is met or the value is inside the band);
* the **score** is ``1 − gap`` clipped to [0, 1];
* **atteint** when the gap is 0, **vigilance** while the gap stays within the indicator's alert
  threshold, **non_atteint** beyond it (:func:`status_for_score` applies the same cut points
  to a score).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l

from app import periods

ATTEINT = "atteint"
VIGILANCE = "vigilance"
NON_ATTEINT = "non_atteint"
SANS_DONNEE = "sans_donnee"
EN_RETARD = "en_retard"
#: A value exists but no target applies to its period: it cannot be judged and is left out of
#: roll-ups like a missing value, but the screen must not pretend there is no data.
SANS_CIBLE = "sans_cible"

INCREASE = "increase"
DECREASE = "decrease"
BAND = "band"

#: Alert threshold used when an indicator has none (10 % of the target).
DEFAULT_ALERT_THRESHOLD = 0.1
#: Days after the end of a period before a missing value counts as late, unless a reporting
#: period sets its own due date. The one place to change it; the application setting
#: ``VIGIE_INDICATOR_GRACE_DAYS`` overrides it when present.
DEFAULT_GRACE_DAYS = 15
#: Tolerance on float comparisons (a value equal to its target is met, not 1e-16 short).
_EPSILON = 1e-9


@dataclass(frozen=True)
class Status:
    """How one status is shown: French label, CSS class and icon (never colour alone)."""

    code: str
    label: Any  # lazy string: rendered in the reader's language
    css_class: str
    icon: str  # Font Awesome 4 name (the FAB theme ships v4 shims)
    symbol: str  # plain-text mark for exports, PDFs and screen readers' neighbours

    def __str__(self) -> str:
        return str(self.label)


STATUS: dict[str, Status] = {
    s.code: s
    for s in (
        Status(ATTEINT, _l("Atteint"), "vigie-status-atteint", "fa-check-circle", "✔"),
        Status(
            VIGILANCE, _l("Vigilance"), "vigie-status-vigilance", "fa-exclamation-triangle", "!"
        ),
        Status(NON_ATTEINT, _l("Non atteint"), "vigie-status-non-atteint", "fa-times-circle", "✖"),
        Status(SANS_DONNEE, _l("Sans donnée"), "vigie-status-sans-donnee", "fa-circle-o", "–"),
        Status(EN_RETARD, _l("En retard"), "vigie-status-en-retard", "fa-clock-o", "◷"),
        Status(
            SANS_CIBLE, _l("Sans cible"), "vigie-status-sans-cible", "fa-question-circle-o", "?"
        ),
    )
}


def status_info(code: str) -> Status:
    """The display entry of a status code (unknown codes show as « sans donnée »)."""
    return STATUS.get(code, STATUS[SANS_DONNEE])


@dataclass(frozen=True)
class Evaluation:
    """The judgement of one value: status code, score in [0, 1] (None if unjudged), gap."""

    status: str
    score: float | None = None
    gap: float | None = None

    @property
    def info(self) -> Status:
        return status_info(self.status)


NO_DATA = Evaluation(SANS_DONNEE)
NO_TARGET = Evaluation(SANS_CIBLE)


def _relative(shortfall: float, reference: float) -> float:
    """Shortfall as a fraction of the reference; any shortfall against 0 is total."""
    if shortfall <= _EPSILON:
        return 0.0
    if abs(reference) <= _EPSILON:
        return math.inf
    return shortfall / abs(reference)


def gap_of(
    value: float,
    direction: str,
    target: float | None = None,
    low: float | None = None,
    high: float | None = None,
) -> float | None:
    """How far ``value`` falls short, as a fraction of the target; None when no target applies.

    ``increase`` and ``decrease`` use ``target`` (else the band bound that makes sense); a
    ``band`` uses ``low``/``high`` (a single ``target`` is a band of width 0) and measures the
    distance to the bound it crosses, relative to that bound.
    """
    if direction == BAND:
        low = low if low is not None else target
        high = high if high is not None else target
        if low is None and high is None:
            return None
        if low is not None and value < low:
            return _relative(low - value, low)
        if high is not None and value > high:
            return _relative(value - high, high)
        return 0.0
    if direction == DECREASE:
        aim = target if target is not None else high
        return None if aim is None else _relative(value - aim, aim)
    aim = target if target is not None else low
    return None if aim is None else _relative(aim - value, aim)


def status_for_score(score: float | None, alert_threshold: float | None = None) -> str:
    """The status of a score, with the cut points every level (indicator, objective…) uses."""
    if score is None:
        return SANS_DONNEE
    threshold = DEFAULT_ALERT_THRESHOLD if alert_threshold is None else max(alert_threshold, 0)
    if score >= 1 - _EPSILON:
        return ATTEINT
    if score >= 1 - threshold - _EPSILON:
        return VIGILANCE
    return NON_ATTEINT


def evaluate(
    value: float | None,
    direction: str,
    target: float | None = None,
    low: float | None = None,
    high: float | None = None,
    alert_threshold: float | None = None,
) -> Evaluation:
    """Judge one value against its target (no lateness here: see :func:`is_late`)."""
    if value is None:
        return NO_DATA
    gap = gap_of(value, direction, target, low, high)
    if gap is None:
        return NO_TARGET
    score = max(0.0, min(1.0, 1.0 - gap))
    return Evaluation(status_for_score(score, alert_threshold), score, gap)


@dataclass(frozen=True)
class PeriodTarget:
    """The target a value of one period is judged against — and the one every screen shows.

    A yearly target of a ``sum`` indicator is the year's total: for one month (or quarter) it
    is shared out evenly over the year's periods, so « 131 heures » in March is shown and
    judged against « 125 heures » (a twelfth of 1 500), never against the whole year's goal.
    ``mean`` and ``last`` indicators keep the yearly value. ``source`` is the stored target row
    (its period, comment and id), ``share`` the fraction of it that applies (1.0 when none).
    """

    value: float | None
    low: float | None
    high: float | None
    #: The period judged (``2026-03``), not the target row's (``2026``).
    period: str | None
    source: Any
    share: float = 1.0

    @property
    def shared(self) -> bool:
        """True when this is a share of a longer period's target (a month of a yearly sum)."""
        return self.share < 1.0

    @property
    def source_period(self) -> str | None:
        return getattr(self.source, "period", None)

    @property
    def comment(self) -> str | None:
        return getattr(self.source, "comment", None)


def period_target(
    indicator: Any, target_row: Any | None, period: str | None = None
) -> PeriodTarget | None:
    """The target that applies to ``period`` (see :class:`PeriodTarget`); idempotent."""
    if target_row is None:
        return None
    if isinstance(target_row, PeriodTarget):
        return target_row
    share = _share_of_year(indicator, target_row, period)
    return PeriodTarget(
        _times(target_row.value, share),
        _times(target_row.low, share),
        _times(target_row.high, share),
        period or getattr(target_row, "period", None),
        target_row,
        share,
    )


def evaluate_target(
    value: float | None, indicator: Any, target_row: Any | None, period: str | None = None
) -> Evaluation:
    """:func:`evaluate` with an ``Indicator`` and the target of ``period`` — a ``Target`` row
    or a :class:`PeriodTarget` (or None): the one status rule of every screen and report."""
    if value is None:
        return NO_DATA
    target = period_target(indicator, target_row, period)
    if target is None:
        return NO_TARGET
    return evaluate(
        value, indicator.direction, target.value, target.low, target.high, indicator.alert_threshold
    )


def _share_of_year(indicator: Any, target_row: Any, period: str | None) -> float:
    if period is None or getattr(indicator, "aggregation", None) != "sum":
        return 1.0
    parsed = periods.parse(period)
    target_period = periods.parse(getattr(target_row, "period", "") or "")
    if parsed is None or target_period is None:
        return 1.0
    if target_period.frequency != periods.YEARLY or parsed.frequency == periods.YEARLY:
        return 1.0
    return 1.0 / len(periods.in_year(parsed.year, parsed.frequency))


def _times(value: float | None, share: float) -> float | None:
    return None if value is None else value * share


# --------------------------------------------------------------------------------- lateness
def grace_days() -> int:
    """The grace after a period's end (``VIGIE_INDICATOR_GRACE_DAYS`` if the app sets it)."""
    if has_app_context():
        configured = current_app.config.get("VIGIE_INDICATOR_GRACE_DAYS")
        if configured is not None:
            return int(configured)
    return DEFAULT_GRACE_DAYS


def due_date(period_code: str, grace: int | None = None, override: date | None = None) -> date:
    """When the value of a period is due: the reporting period's date, else its end + grace."""
    if override is not None:
        return override
    period = periods.parse(period_code)
    if period is None:
        raise ValueError(f"not a period: {period_code!r}")
    return period.end + timedelta(days=grace_days() if grace is None else grace)


def next_period(period_code: str) -> str | None:
    """The period after ``period_code`` (same frequency), or None if it is not a period."""
    period = periods.parse(period_code)
    return period.next().code if period is not None else None


def is_late(latest_period: str | None, today: date, due: date | None) -> bool:
    """True when the period after the latest value is past its due date.

    ``due`` is that next period's due date (:func:`due_date`); an indicator that never had a
    value is « sans donnée », not late, since nothing says when its first value was due.
    """
    return latest_period is not None and due is not None and today > due


def current_status(evaluation: Evaluation, late: bool) -> Evaluation:
    """The status shown for an indicator now: « en retard » wins, the score is kept."""
    if late:
        return Evaluation(EN_RETARD, evaluation.score, evaluation.gap)
    return evaluation
