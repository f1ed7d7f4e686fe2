"""Is a typed value plausible, given the indicator's own history?

A value typed by hand is sometimes off by a unit or a few digits — 97 m² typed for 17,000 m².
The entry screen then asks the person to confirm instead of storing it silently. The rule is
deliberately simple, so that it can be written on the screen: with at least
:data:`MIN_HISTORY` earlier values, the value is expected within the band of the history
widened on each side by the larger of the history's spread and half its median (in absolute
value). A steady series of 17,000 gives 8,500 – 25,500; a series moving between 2 and 9
gives −5 – 16. Outside the band is a warning only — the person confirms and the value is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

#: Fewer earlier values say nothing about what is plausible.
MIN_HISTORY = 3
#: How many earlier periods the band is read from.
WINDOW = 12


@dataclass(frozen=True)
class Band:
    """The values expected from the indicator's history."""

    low: float
    high: float

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high


def band(history: Sequence[float]) -> Band | None:
    """The plausible band of a history (newest first or not), or None when it is too short."""
    values = list(history)[:WINDOW]
    if len(values) < MIN_HISTORY:
        return None
    low, high = min(values), max(values)
    margin = max(high - low, abs(median(values)) / 2)
    return Band(low - margin, high + margin)
