"""The indicator trend drawn by :mod:`app.charts` against the same chart drawn by pygal.

Why this exists: issue 6 asks to choose the chart library by measured speed and look. Same
data for both — 24 monthly values, a yearly target that changes once, the status of each
point — drawn at the card's size. Printed: median time per chart (ms), the ratio, the size
of the SVG, and the time of a cache hit. No database: the readings are built in memory.

Run: ``.venv/bin/python -m bench.charts`` (pygal is not a dependency of Vigie: ``pip install
pygal`` in the venv to get its line; without it only our own figures are printed).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from typing import Any

from app import create_app, periods
from app.charts import CARD, render_sparkline, render_trend, trend_svg
from app.charts.cache import charts
from app.indicators import status as st
from app.indicators.latest import Reading
from app.models import Indicator, Measurement, Target

REPEAT = 200


def _readings(n: int = 24) -> list[Any]:
    # every attribute set, as on rows loaded from the database (an unset attribute of a
    # transient ORM object costs ten times more to read, which would skew the figures)
    indicator = Indicator(
        id=1,
        code="ENV-004",
        name="Taux de tri des déchets",
        unit="%",
        direction="increase",
        alert_threshold=0.1,
        aggregation="mean",
        frequency="monthly",
        version=1,
    )
    period = periods.Period(2024, 1, periods.MONTHLY)
    out = []
    for i in range(n):
        target = Target(
            id=period.year,
            period=str(period.year),
            value=60.0 if period.year == 2024 else 65.0,
            low=None,
            high=None,
            version=1,
        )
        value = 52 + i * 0.6 + (3 if i % 4 == 0 else 0)
        measurement = Measurement(id=i, period=period.code, value=value, version=1)
        out.append(
            Reading(
                indicator,
                measurement,
                target,
                st.evaluate_target(value, indicator, target, period.code),
            )
        )
        period = period.next()
    return out


def _median_ms(run: Callable[[], Any], repeat: int = REPEAT) -> float:
    run()  # warm-up: imports, babel locale data
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _pygal(readings: list[Any]) -> Callable[[], str]:
    # optional: pygal is not a dependency of Vigie (see the docstring)
    import pygal
    from pygal.style import Style  # optional, as above

    style = Style(
        background="white", plot_background="#fbfcfd", colors=("#2c5d8a", "#2f3b47", "#d9a520")
    )

    def draw() -> str:
        chart = pygal.Line(
            width=880,
            height=250,
            style=style,
            show_dots=True,
            x_label_rotation=0,
            show_minor_x_labels=False,
            disable_xml_declaration=True,
            decimal_separator=",",
            thousands_separator="\u202f",
            js=[],
        )
        chart.title = "ENV-004 — Taux de tri des déchets"
        chart.x_labels = [r.period for r in readings]
        chart.x_labels_major = [r.period for r in readings[::3]]
        chart.add("Valeur", [{"value": r.value, "label": str(r.status.label)} for r in readings])
        chart.add(
            "Cible",
            [r.target.value for r in readings],
            stroke_style={"dasharray": "5,3"},
            show_dots=False,
        )
        chart.add("Zone de vigilance", [r.target.value * 0.9 for r in readings], show_dots=False)
        return str(chart.render(is_unicode=True))

    return draw


def main() -> None:
    """Measured inside a French request of a real app, as a page draws them (translations,
    locale), not in a bare interpreter where ``gettext`` is a no-op."""
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
                "SECRET_KEY": "bench-only-secret-key-0123456789abcdef",
                "TESTING": True,
                "VIGIE_INSTANCE_DIR": tmp,
            }
        )
        with app.test_request_context("/", headers={"Accept-Language": "fr"}):
            _compare()


def _compare() -> None:
    readings = _readings()
    ours = _median_ms(lambda: render_trend(readings, CARD))
    spark = _median_ms(lambda: render_sparkline(readings))
    charts.clear()
    trend_svg(readings, CARD)
    hit = _median_ms(lambda: trend_svg(readings, CARD), repeat=2000)
    size = len(render_trend(readings, CARD).encode())
    print(f"24-point trend, card size ({REPEAT} runs, median):")
    print(f"  app.charts render_trend   {ours:7.3f} ms   {size / 1024:5.1f} kB")
    print(f"  app.charts sparkline      {spark:7.3f} ms")
    print(
        f"  app.charts cache hit      {hit * 1000:7.1f} µs  ({ours / hit:,.0f}× faster than "
        "drawing)"
    )
    try:
        draw = _pygal(readings)
    except ImportError:
        print("  pygal: not installed (pip install pygal to compare)")
        return
    theirs = _median_ms(draw, repeat=max(REPEAT // 4, 20))
    their_size = len(draw().encode())
    print(
        f"  pygal Line                {theirs:7.3f} ms   {their_size / 1024:5.1f} kB"
        "  (no alert band, no status shapes, embedded CSS + script hooks)"
    )
    print(f"  ratio pygal / app.charts  {theirs / ours:7.1f}×")


if __name__ == "__main__":
    main()
