"""One chart module for every screen and every PDF: standalone SVG strings drawn server-side.

Why hand-written SVG rather than a charting library: ``bench/charts.py`` draws the same
24-point trend with this module and with pygal — this module is an order of magnitude faster,
and a string we write ourselves is exactly what WeasyPrint and the browser both render (no
script, no external style sheet, no font or CDN fetch). ENGINEERING.md's earlier figure (60
points: hand-written 0.2 ms, pygal 4 ms, matplotlib 70 ms) pointed the same way.

Every chart is a complete SVG document: ``xmlns``, ``role="img"``, a French ``<title>`` and
``aria-label`` (RGAA: a text alternative), presentation attributes only (no ``<style>``, no
``id`` — so several charts inline on one page cannot clash), no external reference. The same
string can be put inline in a page (the card, a dashboard widget: tooltips on points) or in an
``<img src="data:…">`` (:func:`data_uri`), which WeasyPrint renders about 25 % faster than
inline SVG in the PDF packs.

Public API (stable — the dashboards call it)::

    trend_svg(readings, size=CARD, title=None) -> Markup      # actual vs target + alert band
    sparkline_svg(readings, size=SPARK) -> Markup              # tiny line for KPI cards
    data_uri(svg) -> str                                       # for <img src> in PDFs
    Size, CARD, CARD_PRINT, WIDGET, PDF, SPARK                 # sizes (px of the viewBox)

``readings`` is a sequence of :class:`app.indicators.latest.Reading` of **one** indicator, in
any order (``period_readings()`` gives them newest first; the chart sorts them by period).
Both functions are cached per data version (:mod:`app.charts.cache`): calling them again with
unchanged rows returns the very same string without drawing.
"""

from __future__ import annotations

from app.charts.svg import CARD, CARD_PRINT, PDF, SPARK, WIDGET, Size, data_uri
from app.charts.trend import render_sparkline, render_trend, sparkline_svg, trend_svg

__all__ = [
    "CARD",
    "CARD_PRINT",
    "PDF",
    "SPARK",
    "WIDGET",
    "Size",
    "data_uri",
    "render_sparkline",
    "render_trend",
    "sparkline_svg",
    "trend_svg",
]
