"""The carte stratégique drawn as SVG from the rolled-up map, with no hand placement.

The layout is computed from the data: the programme on top, one column per axis, the axis's
strategic objectives stacked under it, each box sized to its wrapped title, with the services
contributing to it. Every node carries its status as a colour **and** a text mark and label
(never colour alone), its score and its coverage. The output is a standalone SVG string
(``xmlns``, presentation attributes, no external reference) so the same drawing serves the web
page, a projector, A4 landscape print and the PDF review pack (as an ``<img>``).

Boxes may link to a drill-down URL (``link(node)``); in a PDF, pass no links.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from xml.sax.saxutils import escape

from flask_babel import gettext as _

from app.indicators import status as st
from app.indicators.rollup import Node, StrategyMap

#: Fill, border and text colours per status: pale fills with dark text keep ≥ 4.5:1 contrast.
PALETTE: dict[str, tuple[str, str, str]] = {
    st.ATTEINT: ("#dff0d8", "#3c763d", "#1e4d1e"),
    st.VIGILANCE: ("#fcefc7", "#b7860b", "#5c4300"),
    st.NON_ATTEINT: ("#f6d5d3", "#b0352b", "#7a1a12"),
    st.SANS_DONNEE: ("#eceff2", "#8896a4", "#37424d"),
    st.EN_RETARD: ("#e4dcf2", "#7b5fb0", "#3f2470"),
    st.SANS_CIBLE: ("#f4f5f7", "#8896a4", "#37424d"),
}
FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"

WIDTH = 1200  # drawn at about its own size on a 1366-px screen or a projector
MARGIN = 12
GAP = 16
LINE = 19  # line height of body text
CHAR = 8.0  # average width of one character at 15 px, to wrap titles


@dataclass
class Box:
    x: float
    y: float
    w: float
    h: float


def wrap(text: str, width: float, size: float = 15.0, max_lines: int = 4) -> list[str]:
    """Greedy word wrap for a box ``width`` px wide; the last line ends with … if cut."""
    per_line = max(8, int(width / (CHAR * size / 15.0)))
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if len(candidate) <= per_line:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: per_line - 1].rstrip() + "…"
    return lines or [""]


def percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100):d} %"


def _status_line(node: Node) -> str:
    info = st.status_info(node.status)
    return f"{info.symbol} {info.label}"


def _figures(node: Node) -> str:
    return _(
        "score %(score)s · couverture %(coverage)s",
        score=percent(node.score),
        coverage=percent(node.coverage),
    )


def _text(
    x: float,
    y: float,
    text: str,
    *,
    size: float = 15,
    weight: str = "normal",
    color: str = "#1f2933",
    anchor: str = "start",
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" font-size="{size}" '
        f'font-weight="{weight}" fill="{color}" text-anchor="{anchor}">'
        f"{escape(text)}</text>"
    )


def _node_box(
    node: Node, box: Box, title_lines: list[str], extra: list[str], link: str | None, heading: str
) -> str:
    fill, border, ink = PALETTE.get(node.status, PALETTE[st.SANS_DONNEE])
    label = f"{heading} {node.code} — {node.title}. {_status_line(node)}, {_figures(node)}."
    parts = [
        f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="{box.w:.1f}" height="{box.h:.1f}" '
        f'rx="6" fill="{fill}" stroke="{border}" stroke-width="2"/>',
        # a status stripe on the left: redundant with the text mark, for scanning
        f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="7" height="{box.h:.1f}" rx="3" '
        f'fill="{border}"/>',
    ]
    y = box.y + 22
    parts.append(_text(box.x + 16, y, node.code, size=15, weight="bold", color=ink))
    parts.append(
        _text(
            box.x + box.w - 10,
            y,
            _status_line(node),
            size=14,
            weight="bold",
            color=ink,
            anchor="end",
        )
    )
    for line in title_lines:
        y += LINE
        parts.append(_text(box.x + 16, y, line, size=15, color="#1f2933"))
    y += LINE
    parts.append(_text(box.x + 16, y, _figures(node), size=14, weight="bold", color=ink))
    for line in extra:
        y += LINE - 2
        parts.append(_text(box.x + 16, y, line, size=13, color="#37424d"))
    body = "".join(parts)
    title = f"<title>{escape(label)}</title>"
    if link:
        return f'<a href="{escape(link)}" aria-label="{escape(label)}">{title}{body}</a>'
    return f"<g>{title}{body}</g>"


def render(
    strategy: StrategyMap,
    *,
    link: Callable[[Node], str | None] | None = None,
    title: str | None = None,
) -> str:
    """The whole map as one SVG document string."""
    root = strategy.programme
    axes = root.children
    columns = max(1, len(axes))
    col_w = (WIDTH - 2 * MARGIN - (columns - 1) * GAP) / columns
    inner_w = col_w - 26

    # programme band
    head_lines = wrap(root.title, WIDTH - 2 * MARGIN - 260, max_lines=2)
    head = Box(MARGIN, MARGIN, WIDTH - 2 * MARGIN, 48 + LINE * len(head_lines))
    parts = [_node_box(root, head, head_lines, [], link(root) if link else None, _("Programme"))]

    bottoms = []
    for index, axis in enumerate(axes):
        x = MARGIN + index * (col_w + GAP)
        y = head.y + head.h + GAP
        # connector from the programme to the axis
        parts.append(
            f'<line x1="{x + col_w / 2:.1f}" y1="{head.y + head.h:.1f}" '
            f'x2="{x + col_w / 2:.1f}" y2="{y:.1f}" stroke="#8896a4" '
            f'stroke-width="2"/>'
        )
        axis_lines = wrap(axis.title, inner_w, max_lines=3)
        axis_box = Box(x, y, col_w, 48 + LINE * len(axis_lines))
        parts.append(
            _node_box(axis, axis_box, axis_lines, [], link(axis) if link else None, _("Axe"))
        )
        y = axis_box.y + axis_box.h + GAP
        spine_top = axis_box.y + axis_box.h
        for objective in axis.children:
            lines = wrap(objective.title, inner_w - 14, max_lines=4)
            services = objective.details.get("services") or []
            extra = (
                wrap(
                    _("Services : %(list)s", list=", ".join(services)),
                    inner_w - 14,
                    size=13,
                    max_lines=3,
                )
                if services
                else [_("Aucun service rattaché")]
            )
            box = Box(x + 14, y, col_w - 14, 48 + LINE * len(lines) + (LINE - 2) * len(extra))
            parts.append(
                f'<line x1="{x + 5:.1f}" y1="{box.y + 22:.1f}" x2="{box.x:.1f}" '
                f'y2="{box.y + 22:.1f}" stroke="#8896a4" stroke-width="2"/>'
            )
            parts.append(
                _node_box(
                    objective,
                    box,
                    lines,
                    extra,
                    link(objective) if link else None,
                    _("Objectif stratégique"),
                )
            )
            y = box.y + box.h + 12
        parts.append(
            f'<line x1="{x + 5:.1f}" y1="{spine_top:.1f}" x2="{x + 5:.1f}" '
            f'y2="{max(spine_top, y - 12 - 1):.1f}" stroke="#8896a4" '
            f'stroke-width="2"/>'
        )
        bottoms.append(y)
    height = int(max([head.y + head.h, *bottoms]) + MARGIN)
    label = title or _("Carte stratégique : %(title)s", title=root.title)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="group" aria-label="{escape(label)}" '
        f'class="vigie-map-svg"><title>{escape(label)}</title>'
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>{"".join(parts)}</svg>'
    )
