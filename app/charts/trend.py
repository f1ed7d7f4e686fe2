"""Trend charts of one indicator: actual values against the target and its alert band.

What the reader must see at a glance, and why each part is drawn the way it is:

* **the target** of each period as a dashed step line (targets change from year to year, and
  a monthly ``sum`` indicator is judged against its share of the yearly target, exactly as
  :func:`app.indicators.status.evaluate_target` does), or a green band for ``band`` targets;
* **the alert band** — the « vigilance » zone: values that miss the target by no more than the
  indicator's alert threshold (below the target for ``increase``, above it for ``decrease``,
  on both sides of a band). A point inside it is « Vigilance », beyond it « Non atteint »;
* **each value** as a point whose colour *and* shape give its status (circle atteint,
  triangle vigilance, square non atteint, ring sans cible), explained by the legend; the
  latest value is written beside its point;
* **periods** on a time axis (a missing month leaves a gap rather than a false slope), with
  labels thinned to stay readable at every frequency: ``janv. · mars · mai`` over the year
  for 24+ months, ``T1 · T2`` for quarters, ``2021 · 2022`` for years;
* French numbers everywhere (``12,5``; narrow-space thousands).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from babel.dates import get_month_names
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from app import periods
from app.charts import svg
from app.charts.cache import charts, readings_key
from app.charts.svg import CARD, SPARK, Size, esc, num
from app.formatting import format_chart_number, unit_for
from app.indicators import status as st

#: Beyond this many periods between the first and the last value the axis stops being a
#: calendar (one slot per period) and becomes one slot per value.
MAX_CALENDAR_SLOTS = 400


# ----------------------------------------------------------------------------- public API
def trend_svg(readings: Sequence[Any], size: Size = CARD, title: str | None = None) -> Markup:
    """Actual values over time against target and alert band, as a standalone SVG (cached).

    ``readings``: :class:`app.indicators.latest.Reading` of one indicator, any order (those
    without a value are skipped). ``size``: ``CARD``, ``WIDGET``, ``PDF`` or your own
    :class:`Size`. ``title``: the text alternative's subject (default ``CODE — name``).
    Returns ``Markup`` so a template inserts it as is.
    """
    key = readings_key("trend", readings, size, title, _locale())
    return charts.get_or_render(key, lambda: Markup(render_trend(readings, size, title)))


def sparkline_svg(readings: Sequence[Any], size: Size = SPARK, title: str | None = None) -> Markup:
    """A small line of the values with the target and the latest point's status (cached).

    For KPI cards: no axes, no legend; the text alternative gives the latest value, status
    and how many values the line shows. The trend arrow is the caller's.
    """
    key = readings_key("spark", readings, size, title, _locale())
    return charts.get_or_render(key, lambda: Markup(render_sparkline(readings, size, title)))


# ------------------------------------------------------------------------------ the data
@dataclass(frozen=True)
class Aim:
    """The target of one period as drawn: a line (``value``) or a band, and alert zones."""

    value: float | None
    low: float | None
    high: float | None
    alerts: tuple[tuple[float, float], ...]

    @property
    def is_band(self) -> bool:
        return self.low is not None and self.high is not None and self.high > self.low

    def numbers(self) -> list[float]:
        found = [v for v in (self.value, self.low, self.high) if v is not None]
        return found + [edge for zone in self.alerts for edge in zone]


def aim_of(reading: Any) -> Aim | None:
    """The target and vigilance zone(s) that judged this reading (None without target).

    The zone is where :func:`app.indicators.status.evaluate` answers « vigilance »: a gap
    of at most the alert threshold, measured relative to the target bound it crosses.
    """
    indicator = reading.indicator
    target = st.period_target(indicator, reading.target, reading.period)  # the status's rule
    if target is None:
        return None
    value, low, high = target.value, target.low, target.high
    threshold = indicator.alert_threshold
    threshold = st.DEFAULT_ALERT_THRESHOLD if threshold is None else max(threshold, 0.0)
    direction = indicator.direction
    if direction == st.BAND:
        low = low if low is not None else value
        high = high if high is not None else value
        if low is None and high is None:
            return None
        alerts = []
        if low is not None:
            alerts.append((low - threshold * abs(low), low))
        if high is not None:
            alerts.append((high, high + threshold * abs(high)))
        line = low if low == high else None
        return Aim(line, low, high, tuple(alerts))
    if direction == st.DECREASE:
        aim = value if value is not None else high
        if aim is None:
            return None
        return Aim(aim, None, None, ((aim, aim + threshold * abs(aim)),))
    aim = value if value is not None else low
    if aim is None:
        return None
    return Aim(aim, None, None, ((aim - threshold * abs(aim), aim),))


@dataclass(frozen=True)
class Slot:
    """One place on the time axis: a period, and the reading drawn there if any."""

    code: str
    period: periods.Period | None
    reading: Any | None


def _valued(readings: Sequence[Any]) -> list[Any]:
    """Readings that have a value, oldest first (periods of a frequency sort as strings,
    but a parsed period also orders ``2025-Q4`` before ``2026-Q1`` across any mix)."""
    drawn = [r for r in readings if r.measurement is not None and r.value is not None]

    def order(reading: Any) -> tuple[Any, ...]:
        parsed = periods.parse(reading.period or "")
        return (0, parsed.start, reading.period) if parsed else (1, None, reading.period)

    try:
        return sorted(drawn, key=order)
    except TypeError:  # unparseable codes mixed with real ones: keep the codes' order
        return sorted(drawn, key=lambda r: r.period or "")


def axis_slots(drawn: Sequence[Any]) -> list[Slot]:
    """One slot per period from the first value to the last (gaps stay gaps), or one per
    value when the periods are not all of one frequency or span too many periods."""
    parsed = [periods.parse(r.period or "") for r in drawn]
    if drawn and all(parsed) and len({p.frequency for p in parsed if p}) == 1:
        first, last = parsed[0], parsed[-1]
        assert first is not None and last is not None
        if _span(first, last) <= MAX_CALENDAR_SLOTS:
            by_code = {r.period: r for r in drawn}
            return [Slot(p.code, p, by_code.get(p.code)) for p in periods.between(first, last)]
    return [Slot(r.period or "", p, r) for r, p in zip(drawn, parsed, strict=True)]


def _span(first: periods.Period, last: periods.Period) -> int:
    per_year = {periods.MONTHLY: 12, periods.QUARTERLY: 4, periods.YEARLY: 1}[first.frequency]
    return (last.year - first.year) * per_year + last.index - first.index + 1


# ------------------------------------------------------------------------------ helpers
def _locale() -> str:
    """The reader's language (part of the cache key: labels are translated)."""
    found = get_locale()
    return str(found) if found else "fr"


def _month_names() -> dict[int, str]:
    try:
        return dict(get_month_names("abbreviated", locale=_locale()))
    except Exception:  # an unknown locale must not break a page: French, the app's own
        return dict(get_month_names("abbreviated", locale="fr"))


def _unit_suffix(unit: str | None, value: float = 2) -> str:
    written = unit_for(value, unit)
    return f"\u00a0{written}" if written else ""


def _value_text(value: float, unit: str | None) -> str:
    return format_chart_number(value) + _unit_suffix(unit, value)


def _aim_text(aim: Aim | None, unit: str | None, none: str | None = None) -> str:
    if aim is None:
        return none or _("aucune")
    if aim.is_band:
        assert aim.low is not None and aim.high is not None
        return _(
            "entre %(low)s et %(high)s",
            low=format_chart_number(aim.low),
            high=format_chart_number(aim.high),
        ) + _unit_suffix(unit, aim.high)
    shown = aim.value if aim.value is not None else (aim.low if aim.low is not None else aim.high)
    return _value_text(shown, unit) if shown is not None else (none or _("aucune"))


def _subject(indicator: Any, title: str | None) -> str:
    if title:
        return title
    if indicator is None:
        return _("Indicateur")
    return f"{indicator.code} — {indicator.name}"


def _summary(subject: str, drawn: Sequence[Any]) -> str:
    """The text alternative: what the chart shows, in one French sentence or two."""
    if not drawn:
        return _("%(subject)s : aucune valeur à représenter.", subject=subject)
    newest = drawn[-1]
    unit = newest.indicator.unit
    text = _(
        "%(subject)s : évolution de %(n)s valeurs, de %(first)s à %(last)s.",
        subject=subject,
        n=len(drawn),
        first=drawn[0].period,
        last=newest.period,
    )
    return (
        text
        + " "
        + _(
            "Dernière valeur %(value)s (%(status)s), cible %(target)s.",
            value=_value_text(newest.value, unit),
            status=newest.status.label,
            target=_aim_text(aim_of(newest), unit),
        )
    )


class _Words:
    """Translated words a chart repeats at every point, looked up once per drawing (the
    translation lookup, not the SVG, was most of the drawing time)."""

    def __init__(self) -> None:
        self.statuses: dict[str, str] = {}
        self.target = _("cible %(target)s")
        self.none = _("aucune")

    def status(self, code: str) -> str:
        if code not in self.statuses:
            self.statuses[code] = str(st.status_info(code).label)
        return self.statuses[code]


def _point_title(reading: Any, aim: Aim | None, words: _Words) -> str:
    unit = reading.indicator.unit
    text = (
        f"{reading.period} : {_value_text(reading.value, unit)} — "
        f"{words.status(reading.evaluation.status)}"
    )
    if aim is not None:
        text += " · " + words.target % {"target": _aim_text(aim, unit, words.none)}
    return text


@dataclass(frozen=True)
class _Label:
    x: float
    text: str
    row: int  # 0: the period, 1: the year under it


def period_labels(
    slots: Sequence[Slot], xs: Sequence[float], slot_width: float, font: float
) -> list[_Label]:
    """Axis labels that never overlap: every k-th period with k chosen from steps that
    keep the calendar's rhythm (months by 1, 2, 3, 4, 6, 12; quarters by 1, 2, 4; years by
    1, 2, 5, 10), plus the year under the first period and under each January / Q1."""
    if not slots:
        return []
    frequency = slots[0].period.frequency if slots[0].period else None
    gap = font * 0.9
    labels: list[_Label] = []
    if frequency == periods.MONTHLY:
        names = _month_names()
        widest = max(svg.text_width(name, font) for name in names.values())
        step = _step(widest + gap, slot_width, (1, 2, 3, 4, 6, 12))
        year_step = _step(svg.text_width("2026", font) + gap, slot_width * 12, (1, 2, 5, 10))
        for slot, x in zip(slots, xs, strict=True):
            p = slot.period
            assert p is not None
            if step <= 12 and (p.index - 1) % step == 0:
                labels.append(_Label(x, names[p.index], 0))
            labels.extend(_year_label(slots, slot, x, p, year_step, slot_width * 12, font))
        return labels
    if frequency == periods.QUARTERLY:
        step = _step(svg.text_width("T4", font) + gap, slot_width, (1, 2, 4))
        year_step = _step(svg.text_width("2026", font) + gap, slot_width * 4, (1, 2, 5, 10))
        for slot, x in zip(slots, xs, strict=True):
            p = slot.period
            assert p is not None
            if step <= 4 and (p.index - 1) % step == 0:
                labels.append(_Label(x, _("T%(n)s", n=p.index), 0))
            labels.extend(_year_label(slots, slot, x, p, year_step, slot_width * 4, font))
        return labels
    if frequency == periods.YEARLY:
        step = _step(svg.text_width("2026", font) + gap, slot_width, (1, 2, 5, 10, 20, 50))
        for slot, x in zip(slots, xs, strict=True):
            assert slot.period is not None
            if slot.period.year % step == 0 or (slot is slots[-1] and step == 1):
                labels.append(_Label(x, slot.code, 0))
        return labels
    widest = max(svg.text_width(slot.code, font) for slot in slots)
    step = max(1, math.ceil((widest + gap) / max(slot_width, 1e-9)))
    return [
        _Label(x, slot.code, 0)
        for i, (slot, x) in enumerate(zip(slots, xs, strict=True))
        if i % step == 0
    ]


def _step(needed: float, available: float, steps: Sequence[int]) -> int:
    for step in steps:
        if step * available >= needed:
            return step
    return steps[-1] * 10  # never reached on an axis of a sane length: no label at all


def _year_label(
    slots: Sequence[Slot],
    slot: Slot,
    x: float,
    p: periods.Period,
    year_step: int,
    year_width: float,
    font: float,
) -> list[_Label]:
    """The year under the first slot, and under each year's first period (every
    ``year_step`` years) unless it would touch the first slot's year."""
    if slot is slots[0]:
        first_new_year = next(
            (
                i
                for i, s in enumerate(slots)
                if s.period is not None and s.period.index == 1 and i > 0
            ),
            None,
        )
        room = svg.text_width("2026", font) + font
        per_slot = year_width / (12 if p.frequency == periods.MONTHLY else 4)
        if first_new_year is not None and first_new_year * per_slot < room:
            return []  # next January is too close: it carries the year alone
        return [_Label(x, str(p.year), 1)]
    if p.index == 1 and p.year % year_step == 0:
        return [_Label(x, str(p.year), 1)]
    return []


def _runs(slots: Sequence[Slot], aims: dict[int, Aim | None]) -> list[tuple[int, int, Aim]]:
    """Consecutive slots sharing one target, as (first index, last index, aim)."""
    runs: list[tuple[int, int, Aim]] = []
    for i, slot in enumerate(slots):
        aim = aims.get(id(slot.reading)) if slot.reading is not None else None
        if aim is None:
            continue
        if runs and runs[-1][1] == i - 1 and runs[-1][2] == aim:
            runs[-1] = (runs[-1][0], i, aim)
        else:
            runs.append((i, i, aim))
    return runs


def _legend(entries: list[tuple[str, str]], size: Size, y: float, left: float) -> list[str]:
    """Legend entries laid out left to right, wrapping to a new row when the width ends."""
    font = size.font
    out: list[str] = []
    x, row_height = left, font * 1.7
    for kind, label in entries:
        width = 22 + svg.text_width(label, font) + font * 1.2
        if x + width > size.width - 4 and x > left:
            x, y = left, y + row_height
        cy = y - font * 0.35
        if kind == "line":
            out.append(
                f'<line x1="{num(x)}" y1="{num(cy)}" x2="{num(x + 18)}" y2="{num(cy)}" '
                f'stroke="{svg.LINE}" stroke-width="2"/>'
            )
        elif kind == "target":
            out.append(
                f'<line x1="{num(x)}" y1="{num(cy)}" x2="{num(x + 18)}" y2="{num(cy)}" '
                f'stroke="{svg.TARGET}" stroke-width="1.5" stroke-dasharray="5 3"/>'
            )
        elif kind in ("band", "alert"):
            fill, edge = (
                (svg.TARGET_FILL, svg.TARGET)
                if kind == "band"
                else (svg.ALERT_FILL, svg.ALERT_EDGE)
            )
            out.append(
                f'<rect x="{num(x)}" y="{num(cy - font * 0.45)}" width="18" '
                f'height="{num(font * 0.9)}" fill="{fill}" stroke="{edge}" '
                f'stroke-width="0.8"/>'
            )
        else:
            out.append(svg.marker(kind, x + 9, cy, size.marker))
        out.append(f'<text x="{num(x + 22)}" y="{num(y)}">{esc(label)}</text>')
        x += width
    return out


def _legend_rows(entries: list[tuple[str, str]], size: Size) -> int:
    rows, x = 1, 0.0
    usable = size.width - 8
    for _kind, label in entries:
        width = 22 + svg.text_width(label, size.font) + size.font * 1.2
        if x + width > usable and x > 0:
            rows, x = rows + 1, 0.0
        x += width
    return rows


# ------------------------------------------------------------------------------ drawing
def render_trend(readings: Sequence[Any], size: Size = CARD, title: str | None = None) -> str:
    """Draw the trend (uncached: :func:`trend_svg` is what pages call).

    The legend is worked out first (its height decides where the plot ends), then the plot's
    frame; the layers are then drawn bottom to top, so that nothing hides a point: alert zones
    and target bands, the value axis, the target lines, the values, the latest value's
    number, the period labels and the legend.
    """
    drawn = _valued(readings)
    indicator = readings[0].indicator if readings else None
    label = _summary(_subject(indicator, title), drawn)
    if not drawn:
        return _empty_trend(size, label)

    newest = drawn[-1]
    unit = newest.indicator.unit
    slots = axis_slots(drawn)
    aim_by_reading = {id(r): aim_of(r) for r in drawn}
    aims = list(aim_by_reading.values())
    words = _Words()
    entries = _legend_entries(drawn, aims, words)
    legend_height = _legend_rows(entries, size) * size.font * 1.7 if size.legend else 0.0
    newest_text = _value_text(newest.value, unit)
    frame = _frame(drawn, slots, aims, size, legend_height, newest_text)
    runs = _runs(slots, aim_by_reading)

    body = _aim_zones(runs, frame)
    if size.axes:
        body += _value_axis(frame, unit, size.font)
    body += _target_lines(runs, frame)
    body += _value_lines(slots, frame)
    body += _value_points(slots, frame, aim_by_reading, words, size.marker)
    body.append(_newest_value(newest.value, newest_text, frame, size))
    if size.axes:
        body += _period_axis(slots, frame, size.font)
    if size.legend:
        body += _legend_group(entries, size, legend_height, frame.left)
    return svg.document(size.width, size.height, label, body, size.font)


def _empty_trend(size: Size, label: str) -> str:
    """A framed « Aucune valeur saisie. » where the chart would be: the card keeps its shape
    and says why it has no curve, rather than leaving a hole."""
    empty = [
        f'<rect x="0.5" y="0.5" width="{size.width - 1}" height="{size.height - 1}" '
        f'fill="#fbfcfd" stroke="{svg.GRID}"/>',
        f'<text x="{num(size.width / 2)}" y="{num(size.height / 2)}" '
        f'text-anchor="middle" fill="{svg.MUTED}">{esc(_("Aucune valeur saisie."))}'
        "</text>",
    ]
    return svg.document(size.width, size.height, label, empty, size.font)


def _legend_entries(
    drawn: Sequence[Any], aims: Sequence[Aim | None], words: _Words
) -> list[tuple[str, str]]:
    """What the legend explains, and only what the chart draws: the value line, each kind of
    target (band or line), the vigilance zone, then the statuses of the points shown, from
    best to worst."""
    entries: list[tuple[str, str]] = [("line", _("Valeur"))]
    if any(a is not None and a.is_band for a in aims):
        entries.append(("band", _("Cible (fourchette)")))
    if any(a is not None and not a.is_band for a in aims):
        entries.append(("target", _("Cible")))
    if any(a is not None and a.alerts for a in aims):
        entries.append(("alert", _("Zone de vigilance")))
    order = [st.ATTEINT, st.VIGILANCE, st.NON_ATTEINT, st.EN_RETARD, st.SANS_CIBLE, st.SANS_DONNEE]
    statuses = {reading.evaluation.status for reading in drawn}
    entries += [(code, words.status(code)) for code in sorted(statuses, key=order.index)]
    return entries


@dataclass(frozen=True)
class _Frame:
    """Where the plot sits in the drawing, its value scale (the first and last tick, so the
    grid ends on round numbers) and the centre of each slot of the time axis."""

    left: float
    right: float
    top: float
    bottom: float
    low: float
    high: float
    ticks: list[float]
    tick_texts: list[str]
    slot_width: float
    xs: list[float]

    def y_of(self, value: float) -> float:
        """The height at which a value is drawn."""
        return self.bottom - (value - self.low) / (self.high - self.low) * (self.bottom - self.top)

    def run_edges(self, first: int, last: int) -> tuple[float, float]:
        """Left and right edges of the slots ``first`` to ``last``: a target spans its
        periods whole, from edge to edge, not from point to point."""
        return self.left + first * self.slot_width, self.left + (last + 1) * self.slot_width


def _frame(
    drawn: Sequence[Any],
    slots: Sequence[Slot],
    aims: Sequence[Aim | None],
    size: Size,
    legend_height: float,
    newest_text: str,
) -> _Frame:
    """Lay the plot out: room above for the unit, below for the period labels and the
    legend, on the left for the widest tick, on the right for the latest value (written
    beside its point, never over the line); ticks as many as the height reads well."""
    font = size.font
    top = font * 2.2 if size.axes else size.marker + 2
    bottom = _plot_bottom(slots, size, legend_height)
    plot_height = max(bottom - top, 20.0)
    low, high = _value_range(drawn, aims)
    ticks, decimals = svg.nice_ticks(low, high, max(3, min(6, int(plot_height / (font * 3)))))
    tick_texts = [format_chart_number(t, decimals) for t in ticks]
    left = (max(svg.text_width(t, font) for t in tick_texts) + font * 1.2) if size.axes else 2
    right = size.width - (
        svg.text_width(newest_text, font) + size.marker * 2 + font * 0.6 if size.axes else 2
    )
    slot_width = (right - left) / len(slots)
    xs = [left + (i + 0.5) * slot_width for i in range(len(slots))]
    return _Frame(left, right, top, bottom, ticks[0], ticks[-1], ticks, tick_texts, slot_width, xs)


def _plot_bottom(slots: Sequence[Slot], size: Size, legend_height: float) -> float:
    """Where the plot ends: above the legend and the period labels (two rows of labels for
    months and quarters, whose year is written under them)."""
    font = size.font
    frequency = slots[0].period.frequency if slots[0].period else None
    label_rows = (2 if frequency in (periods.MONTHLY, periods.QUARTERLY) else 1) if size.axes else 0
    return size.height - legend_height - label_rows * font * 1.3 - (font * 0.8 if size.axes else 2)


def _value_range(drawn: Sequence[Any], aims: Sequence[Aim | None]) -> tuple[float, float]:
    """The lowest and highest number the value axis must show — values, targets and alert
    zones all visible; a flat series gets room above and below rather than a zero-height
    scale."""
    numbers = [r.value for r in drawn] + [v for a in aims if a is not None for v in a.numbers()]
    low, high = min(numbers), max(numbers)
    if high - low < 1e-9:
        low, high = low - max(abs(low) * 0.1, 1), high + max(abs(high) * 0.1, 1)
    return low, high


def _aim_zones(runs: Sequence[tuple[int, int, Aim]], frame: _Frame) -> list[str]:
    """Alert zones and target bands, first in the drawing so that they lie under the grid,
    the lines and the points."""
    body: list[str] = []
    for first, last, aim in runs:
        x0, x1 = frame.run_edges(first, last)
        for zone_low, zone_high in aim.alerts:
            y0 = frame.y_of(max(zone_high, zone_low))
            y1 = frame.y_of(min(zone_high, zone_low))
            body.append(
                f'<rect x="{num(x0)}" y="{num(y0)}" width="{num(x1 - x0)}" '
                f'height="{num(max(y1 - y0, 0.5))}" fill="{svg.ALERT_FILL}"/>'
            )
        if aim.is_band:
            assert aim.low is not None and aim.high is not None
            y0, y1 = frame.y_of(aim.high), frame.y_of(aim.low)
            body.append(
                f'<rect x="{num(x0)}" y="{num(y0)}" width="{num(x1 - x0)}" '
                f'height="{num(y1 - y0)}" fill="{svg.TARGET_FILL}"/>'
            )
    return body


def _value_axis(frame: _Frame, unit: str | None, font: float) -> list[str]:
    """The grid line and French number of each tick, the frame's left and bottom edges, and
    the unit above the axis."""
    body: list[str] = []
    left, right = frame.left, frame.right
    for tick, text in zip(frame.ticks, frame.tick_texts, strict=True):
        y = frame.y_of(tick)
        body.append(
            f'<line x1="{num(left)}" y1="{num(y)}" x2="{num(right)}" y2="{num(y)}" '
            f'stroke="{svg.GRID}" stroke-width="1"/>'
        )
        body.append(
            f'<text x="{num(left - font * 0.5)}" y="{num(y + font * 0.35)}" '
            f'text-anchor="end" fill="{svg.MUTED}">{esc(text)}</text>'
        )
    body.append(
        f'<path d="M{num(left)} {num(frame.top - font * 0.5)}V{num(frame.bottom)}H{num(right)}" '
        f'fill="none" stroke="{svg.FRAME}" stroke-width="1"/>'
    )
    if unit_for(2, unit):  # a count (« nombre ») needs no axis title
        body.append(f'<text x="2" y="{num(font * 1.1)}" fill="{svg.MUTED}">{esc(unit)}</text>')
    return body


def _target_lines(runs: Sequence[tuple[int, int, Aim]], frame: _Frame) -> list[str]:
    """The targets (both bounds of a band) as dashed steps: one level per run of periods
    sharing a target, so a target that changes in January steps there."""
    body: list[str] = []
    for first, last, aim in runs:
        x0, x1 = frame.run_edges(first, last)
        bounds = [aim.low, aim.high] if aim.is_band else [aim.value]
        for bound in bounds:
            if bound is None:
                continue
            y = frame.y_of(bound)
            body.append(
                f'<line x1="{num(x0)}" y1="{num(y)}" x2="{num(x1)}" y2="{num(y)}" '
                f'stroke="{svg.TARGET}" stroke-width="1.5" stroke-dasharray="5 3"/>'
            )
    return body


def _value_lines(slots: Sequence[Slot], frame: _Frame) -> list[str]:
    """The values joined by a line, broken where a period has no value (a gap rather than a
    false slope); a value alone between two gaps has only its point."""
    segment: list[str] = []
    lines: list[list[str]] = []
    for slot, x in zip(slots, frame.xs, strict=True):
        if slot.reading is None:
            if segment:
                lines.append(segment)
            segment = []
            continue
        segment.append(f"{num(x)},{num(frame.y_of(slot.reading.value))}")
    if segment:
        lines.append(segment)
    return [
        f'<polyline points="{" ".join(points)}" fill="none" '
        f'stroke="{svg.LINE}" stroke-width="2" stroke-linejoin="round"/>'
        for points in lines
        if len(points) > 1
    ]


def _value_points(
    slots: Sequence[Slot],
    frame: _Frame,
    aim_by_reading: dict[int, Aim | None],
    words: _Words,
    radius: float,
) -> list[str]:
    """One marker per value, on top of the line: its status in colour and shape, and a
    tooltip with the period, value, status and target."""
    return [
        svg.marker(
            slot.reading.evaluation.status,
            x,
            frame.y_of(slot.reading.value),
            radius,
            _point_title(slot.reading, aim_by_reading[id(slot.reading)], words),
        )
        for slot, x in zip(slots, frame.xs, strict=True)
        if slot.reading is not None
    ]


def _newest_value(value: float, text: str, frame: _Frame, size: Size) -> str:
    """The latest value written right of its point — the number a reader looks for first —
    kept inside the plot's height."""
    font = size.font
    y = min(max(frame.y_of(value) + font * 0.35, frame.top + font * 0.35), frame.bottom)
    return (
        f'<text x="{num(frame.xs[-1] + size.marker * 2)}" y="{num(y)}" '
        f'font-weight="bold">{esc(text)}</text>'
    )


def _period_axis(slots: Sequence[Slot], frame: _Frame, font: float) -> list[str]:
    """The period labels under the plot (see :func:`period_labels`), the year row muted and
    bold under the periods' row."""
    body: list[str] = []
    for item in period_labels(slots, frame.xs, frame.slot_width, font):
        y = frame.bottom + font * 1.3 * (item.row + 1)
        colour = svg.TEXT if item.row == 0 else svg.MUTED
        weight = ' font-weight="bold"' if item.row == 1 else ""
        body.append(
            f'<text x="{num(item.x)}" y="{num(y)}" text-anchor="middle" '
            f'fill="{colour}"{weight}>{esc(item.text)}</text>'
        )
    return body


def _legend_group(
    entries: list[tuple[str, str]], size: Size, legend_height: float, left: float
) -> list[str]:
    """The legend at the bottom, aligned with the plot's left edge, in a group of its own so
    its lines and shapes are kept apart from the plot's."""
    first_row_y = size.height - legend_height + size.font * 1.2
    return ["<g>", *_legend(entries, size, first_row_y, left), "</g>"]


def render_sparkline(readings: Sequence[Any], size: Size = SPARK, title: str | None = None) -> str:
    """Draw the sparkline (uncached: :func:`sparkline_svg` is what pages call)."""
    drawn = _valued(readings)
    indicator = readings[0].indicator if readings else None
    label = _summary(_subject(indicator, title), drawn)
    if not drawn:
        flat = [
            f'<line x1="2" y1="{num(size.height / 2)}" x2="{size.width - 2}" '
            f'y2="{num(size.height / 2)}" stroke="{svg.FRAME}" stroke-dasharray="2 3"/>'
        ]
        return svg.document(size.width, size.height, label, flat, size.font)
    slots = axis_slots(drawn)
    aim_by_reading = {id(r): aim_of(r) for r in drawn}
    numbers = [r.value for r in drawn] + [
        v
        for a in aim_by_reading.values()
        if a is not None
        for v in (a.value, a.low, a.high)
        if v is not None
    ]
    low, high = min(numbers), max(numbers)
    if high - low < 1e-9:
        low, high = low - 1, high + 1
    pad = size.marker * 1.6 + 1
    left, right, top, bottom = pad, size.width - pad, pad, size.height - pad
    slot_width = (right - left) / len(slots)

    def y_of(value: float) -> float:
        return bottom - (value - low) / (high - low) * (bottom - top)

    body: list[str] = []
    for first, last, aim in _runs(slots, aim_by_reading):
        x0, x1 = left + first * slot_width, left + (last + 1) * slot_width
        for bound in [aim.low, aim.high] if aim.is_band else [aim.value]:
            if bound is not None:
                body.append(
                    f'<line x1="{num(x0)}" y1="{num(y_of(bound))}" x2="{num(x1)}" '
                    f'y2="{num(y_of(bound))}" stroke="{svg.MUTED}" stroke-width="1" '
                    f'stroke-dasharray="3 2"/>'
                )
    points = [
        f"{num(left + (i + 0.5) * slot_width)},{num(y_of(s.reading.value))}"
        for i, s in enumerate(slots)
        if s.reading is not None
    ]
    if len(points) > 1:
        body.append(
            f'<polyline points="{" ".join(points)}" fill="none" stroke="{svg.LINE}" '
            f'stroke-width="1.5" stroke-linejoin="round"/>'
        )
    newest = drawn[-1]
    body.append(
        svg.marker(
            newest.evaluation.status,
            left + (len(slots) - 0.5) * slot_width,
            y_of(newest.value),
            size.marker,
        )
    )
    return svg.document(size.width, size.height, label, body, size.font)
