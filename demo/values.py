"""Plausible indicator histories: yearly targets and period values around them.

Pure computation (no database). Each indicator gets a **profile** for the recent years —
``atteint``, ``vigilance`` or ``non_atteint`` — and values are drawn so that, judged the way
``app.indicators.status`` judges them (shortfall against the target as a share of the target,
« vigilance » within the indicator's alert threshold), the indicator lands in that status:

* the target follows a slow improvement trajectory (a few per cent a year in the better
  direction), so trend charts show progress over the years;
* the period value is the year's target level × a performance factor (profile-driven for the
  last two years, a random mix before) × a seasonal weight × a little noise;
* a ``sum`` indicator's yearly target is the period level times the periods of a year (its
  seasonal weights average 1), a ``mean`` or ``last`` indicator's is the level itself; a stock
  (``last``) moves smoothly from one year's level to the next.

Values are rounded the way a service would write them (whole euros, one decimal for rates…)
and kept inside the indicator's admitted range.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

from app import periods

PROFILES = ("atteint", "vigilance", "non_atteint")
PROFILE_WEIGHTS = (0.5, 0.25, 0.25)

#: Monthly weights (January first) of the seasonal profiles; each averages 1 over a year.
_SEASONS_RAW: dict[str, tuple[float, ...]] = {
    "winter": (1.5, 1.4, 1.2, 0.9, 0.7, 0.55, 0.5, 0.5, 0.65, 0.95, 1.3, 1.5),
    "summer": (0.5, 0.5, 0.7, 0.9, 1.1, 1.5, 1.8, 1.7, 1.2, 0.8, 0.6, 0.5),
    "school": (1.1, 1.05, 1.1, 0.95, 1.0, 1.05, 0.35, 0.1, 1.1, 1.0, 1.1, 0.9),
    "planting": (1.9, 1.6, 1.3, 0.2, 0.1, 0.1, 0.1, 0.1, 0.3, 1.2, 2.5, 2.6),
}
SEASONS: dict[str, tuple[float, ...]] = {
    name: tuple(w * 12 / sum(weights) for w in weights) for name, weights in _SEASONS_RAW.items()
}
PER_YEAR = {periods.MONTHLY: 12, periods.QUARTERLY: 4, periods.YEARLY: 1}
_ONE_DAY = timedelta(days=1)
_WHOLE_UNITS = frozenset({"€", "kWh", "litres", "m³", "m²", "g/repas"})


@dataclass(frozen=True)
class Shape:
    """What the generator needs to know about an indicator."""

    unit: str
    direction: str
    frequency: str
    aggregation: str
    level: float
    threshold: float
    band: tuple[float, float] | None = None
    season: str | None = None

    @property
    def is_rate(self) -> bool:
        return self.unit == "%"


@dataclass(frozen=True)
class YearTarget:
    year: int
    value: float | None
    low: float | None
    high: float | None


def alert_threshold(unit: str, level: float) -> float:
    """Tighter tolerance for rates close to 100 % (99 % availability is not « vigilance »)."""
    if unit == "%" and level >= 85:
        return 0.05
    return 0.1


def decimals(shape: Shape) -> int:
    if shape.unit == "prêts/document":
        return 2
    if shape.unit in _WHOLE_UNITS or shape.level >= 1000:
        return 0
    if shape.unit in ("nombre", "heures") and shape.aggregation != "mean":
        return 0
    return 1


def nice(value: float, shape: Shape) -> float:
    """A target as a person would set it: three significant digits, whole percentages, whole
    numbers for counts."""
    if value == 0:
        return 0.0
    if shape.is_rate:
        return round(value, 1) if value >= 99 or value < 10 else float(round(value))
    digits = 2 - math.floor(math.log10(abs(value)))
    return float(round(value, min(digits, decimals(shape), 1)))


def _bounded(value: float, shape: Shape) -> float:
    value = max(value, 0.0)
    if shape.is_rate:
        value = min(value, 100.0)
    return round(value, decimals(shape))


def target_level(shape: Shape, year: int, reference_year: int, growth: float) -> float:
    """The per-period level aimed at in ``year`` (higher in the past for ``decrease``)."""
    steps = reference_year - year
    if shape.direction == "increase":
        level = shape.level / (1 + growth) ** steps
    else:
        level = shape.level * (1 + growth) ** steps
    return min(level, 100.0) if shape.is_rate else level


def targets(shape: Shape, years: range, reference_year: int, growth: float) -> list[YearTarget]:
    """One target per year: a value, or low/high bounds for a band."""
    out = []
    factor = PER_YEAR[shape.frequency] if shape.aggregation == "sum" else 1
    for year in years:
        if shape.direction == "band" and shape.band is not None:
            low, high = shape.band
            out.append(
                YearTarget(year, None, nice(low * factor, shape), nice(high * factor, shape))
            )
        else:
            level = target_level(shape, year, reference_year, growth)
            out.append(YearTarget(year, nice(level * factor, shape), None, None))
    return out


def _performance(rng: random.Random, profile: str, recent: bool) -> float:
    """Signed distance to the target in alert-threshold units (positive: better)."""
    if not recent:
        return rng.uniform(-1.0, 0.9)
    if profile == "atteint":
        return rng.uniform(0.3, 0.9)
    if profile == "vigilance":
        return rng.uniform(-0.75, -0.3)
    return rng.uniform(-3.0, -1.6)


def _year_level(
    shape: Shape, year: int, reference_year: int, growth: float, performance: float
) -> float:
    """The per-period level actually reached in ``year``."""
    if shape.direction == "band" and shape.band is not None:
        low, high = shape.band
        centre, half = (low + high) / 2, (high - low) / 2
        if performance >= 0:
            return centre + half * min(performance, 0.9) * (1 if year % 2 else -1)
        bound, sign = (high, 1) if year % 2 else (low, -1)
        return bound + sign * bound * shape.threshold * abs(performance) * 0.9
    level = target_level(shape, year, reference_year, growth)
    delta = performance * shape.threshold
    return level * (1 + delta) if shape.direction == "increase" else level * (1 - delta)


def series(
    shape: Shape,
    rng: random.Random,
    first: periods.Period,
    last: periods.Period,
    reference_year: int,
    growth: float,
    profile: str,
) -> list[tuple[str, date, float]]:
    """(period code, last day of the period, value) from ``first`` to ``last`` inclusive."""
    years = range(first.year - 1, last.year + 1)
    levels = {
        year: _year_level(
            shape,
            year,
            reference_year,
            growth,
            _performance(rng, profile, year >= reference_year - 1),
        )
        for year in years
    }
    per_year = PER_YEAR[shape.frequency]
    weights = _weights(shape, per_year)
    noise = 0.012 if shape.aggregation != "sum" else 0.045
    if shape.unit in ("nombre", "heures") and shape.level < 30:
        noise = 0.12
    out = []
    stops = periods.between(first, last.next())
    for period, following in itertools.pairwise(stops):
        level = levels[period.year]
        if shape.aggregation == "last":
            share = period.index / per_year
            level = levels[period.year - 1] + (level - levels[period.year - 1]) * share
        value = level * weights[period.index - 1] * (1 + rng.gauss(0, noise))
        out.append((period.code, following.start - _ONE_DAY, _bounded(value, shape)))
    return out


def _weights(shape: Shape, per_year: int) -> tuple[float, ...]:
    if shape.season is None or per_year == 1:
        return (1.0,) * per_year
    monthly = SEASONS[shape.season]
    if per_year == 12:
        return monthly
    size = 12 // per_year
    return tuple(sum(monthly[i * size : (i + 1) * size]) / size for i in range(per_year))
