"""A small LRU cache of rendered charts, keyed by the data they draw.

Why: a dashboard redraws the same trends at every refresh (and the « live » pages poll), while
the values behind them change a few times a month. Drawing a 24-point trend costs about a
millisecond; finding it in a dict costs microseconds.

How it invalidates — it never has to: the key **is** the drawn data's version. It holds, for
the indicator, its id, ``version`` and every field the chart reads (code, name, unit,
direction, alert threshold, aggregation); for each reading, the measurement's id, ``version``
and value, the target's id, ``version`` and bounds, and the status code; then the chart kind, the
size, the title and the language. (A period is not repeated: changing it is an update, which
bumps the row's ``version``; values and bounds are there in case a bulk write path ever
forgets to.) Editing a value bumps its ``version``
(``version_id_col``) and changes the value; a batch upsert that would not bump the version
still changes the value; a new target adds its id; archiving drops the row from the readings.
Any of these yields a new key, so a stale chart can never be served; the old entry is simply
never asked for again and falls off the end of the LRU. Nothing to clear on writes, nothing
shared between processes (each worker warms its own, bounded, copy).

Bounded: :data:`MAX_ENTRIES` charts (a card chart is ~6 kB, so a few MB at most per process).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any

from app.charts.svg import Size

#: Charts kept per process; the 22 demo dashboards with ~10 widgets each fit several times.
MAX_ENTRIES = 1024


class ChartCache:
    """A thread-safe LRU (waitress serves requests from several threads)."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_or_render(self, key: Hashable, render: Callable[[], Any]) -> Any:
        """The cached chart for ``key``, or ``render()`` stored under it."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
        value = render()  # outside the lock: two threads may draw the same chart once each
        with self._lock:
            self.misses += 1
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._items)


#: The process-wide cache used by :func:`app.charts.trend_svg` and ``sparkline_svg``.
charts = ChartCache()


def _row_key(row: Any, *fields: str) -> tuple[Any, ...] | None:
    """The fields of a row, read from its instance dict when loaded (SQLAlchemy keeps the
    current value there; reading it directly is 5× cheaper than the instrumented attribute,
    which is most of a cache hit's cost) and through the attribute otherwise (expired or
    never loaded: the attribute loads it, so the key is never built from a stale value)."""
    if row is None:
        return None
    loaded = row.__dict__
    return tuple(
        loaded[name] if name in loaded else getattr(row, name, None)
        for name in ("id", "version", *fields)
    )


def readings_key(
    kind: str, readings: Sequence[Any], size: Size, title: str | None, locale: str
) -> tuple[Any, ...]:
    """The data version of a chart: everything it draws, nothing it does not (see above)."""
    indicator = readings[0].indicator if readings else None
    return (
        kind,
        size,
        title,
        locale,
        _row_key(indicator, "code", "name", "unit", "direction", "alert_threshold", "aggregation"),
        tuple(
            (
                _row_key(r.measurement, "value"),
                _row_key(r.target, "value", "low", "high"),
                r.evaluation.status,
            )
            for r in readings
        ),
    )
