"""The strategy chapters of the review pack: the map as on screen, then each axis and
strategic objective with its services, service objectives, indicators and their trends.

Everything comes from the one roll-up the screen uses (:func:`app.indicators.rollup.strategy_map`
with the reader's services), so the pack's statuses and scores are the map's; the records the
tables print (axes, objectives, services, indicators) are then read by id in one query per
kind, and every trend of the pack from three batched queries
(:func:`app.indicators.year_series.year_series`, the annual service report's reader: the same
window of years per frequency, so both documents draw the same curves). The cost is fixed
whatever the number of objectives or indicators.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app import registry
from app.charts import PDF, data_uri, trend_svg
from app.extensions import db
from app.indicators import status as st
from app.indicators.rollup import Node, StrategyMap, strategy_map
from app.indicators.year_series import year_series
from app.models import Axis, Indicator, Programme, Service, ServiceObjective, StrategicObjective
from app.programmes import default_programme_id
from app.reading import readable_all, related
from app.security.actor import Actor
from app.strategy_map_svg import render as render_map

#: At most this many trend charts in a pack (about four per page): the pack of a large town
#: stays a document people read, and the indicator cards hold every other trend.
MAX_CHARTS = 80


@dataclass
class IndicatorRow:
    """One indicator line of a strategic objective's table, with its trend if drawn."""

    indicator: Indicator
    node: Node
    chart: str | None = None

    @property
    def status(self) -> st.Status:
        return st.status_info(self.node.status)

    @property
    def target(self) -> dict[str, float | None] | None:
        found: dict[str, float | None] | None = self.node.details.get("target")
        return found


@dataclass
class ServiceObjectiveRow:
    objective: ServiceObjective
    node: Node
    indicator_codes: list[str]

    @property
    def status(self) -> st.Status:
        return st.status_info(self.node.status)


@dataclass
class ObjectiveSection:
    node: Node
    objective: StrategicObjective | None
    services: list[Service]
    hidden_services: int
    service_objectives: list[ServiceObjectiveRow]
    indicators: list[IndicatorRow]

    @property
    def status(self) -> st.Status:
        return st.status_info(self.node.status)

    @property
    def charts(self) -> list[IndicatorRow]:
        return [row for row in self.indicators if row.chart]


@dataclass
class AxisSection:
    node: Node
    axis: Axis | None
    objectives: list[ObjectiveSection]
    anchor: str
    #: Strategic objectives left out because none of the reader's services contributes.
    left_out: int = 0

    @property
    def status(self) -> st.Status:
        return st.status_info(self.node.status)


@dataclass
class MatrixCell:
    score: float | None
    coverage: float
    status: st.Status


@dataclass
class Strategy:
    """What the map and axis chapters print."""

    programme: Programme
    result: StrategyMap
    map_uri: str
    axes: list[AxisSection]
    matrix: list[tuple[str, str, list[MatrixCell | None]]]
    charts: int = 0
    charts_left_out: int = 0
    indicator_total: int = 0

    @property
    def programme_node(self) -> Node:
        return self.result.programme

    @property
    def programme_status(self) -> st.Status:
        return st.status_info(self.result.programme.status)


def programme_for(year: int) -> int | None:
    """The programme whose mandate covers the review's year (the active one first), else the
    programme the map shows by default."""
    stmt = (
        select(Programme.id)
        .where(
            Programme.archived.is_(False), Programme.start_year <= year, Programme.end_year >= year
        )
        .order_by(
            (Programme.status == "active").desc(), Programme.start_year.desc(), Programme.id.desc()
        )
        .limit(1)
    )
    return db.session.scalar(stmt) or default_programme_id()


def map_period(year: int, today: date) -> str | None:
    """The live map (latest values) for the current year's review — what the screen shows
    and what the officials discuss; the year's aggregated values for a past year's review,
    so a pack rebuilt later still shows that year."""
    return None if year >= today.year else str(year)


def gather(actor: Actor, year: int, today: date) -> Strategy | None:
    """The map, its matrix and the axis sections for the reader (None without programme)."""
    if not actor.may_read(registry.get("programme")):
        return None
    programme_id = programme_for(year)
    if programme_id is None:
        return None
    programme = db.session.get(Programme, programme_id)
    result = strategy_map(programme_id, map_period(year, today), today, reader=actor)
    if programme is None or result is None:
        return None
    svg = render_map(result)  # no links: a PDF is not the screen
    axes = _axes(actor, result, year)
    strategy = Strategy(programme, result, data_uri(svg), axes, _matrix(result))
    _charts(strategy, year)
    return strategy


def _nodes(root: Node, kind: str) -> list[Node]:
    found = [root] if root.kind == kind else []
    for child in root.children:
        found.extend(_nodes(child, kind))
    return found


def _axes(actor: Actor, result: StrategyMap, year: int) -> list[AxisSection]:
    root = result.programme
    axis_ids = [n.id for n in root.children]
    strategic_ids = [n.id for n in _nodes(root, "strategic_objective")]
    service_objective_ids = [n.id for n in _nodes(root, "service_objective")]
    indicator_ids = sorted({n.id for n in _nodes(root, "indicator")})
    axes = {
        a.id: a
        for a in related(
            "axis", actor, Axis.id.in_(axis_ids), options=(selectinload(Axis.referents),)
        )
    }
    strategic = {
        o.id: o
        for o in related(
            "strategic_objective",
            actor,
            StrategicObjective.id.in_(strategic_ids),
            options=(
                selectinload(StrategicObjective.services),
                joinedload(StrategicObjective.owner),
            ),
        )
    }
    objectives = {
        o.id: o
        for o in related(
            "service_objective",
            actor,
            ServiceObjective.id.in_(service_objective_ids),
            options=(joinedload(ServiceObjective.service),),
        )
    }
    indicators = {
        i.id: i
        for i in related(
            "indicator",
            actor,
            Indicator.id.in_(indicator_ids),
            options=(joinedload(Indicator.owner_service),),
        )
    }
    sections = []
    for number, axis_node in enumerate(root.children, start=1):
        objective_sections = []
        for node in axis_node.children:
            objective = strategic.get(node.id)
            services = list(objective.services) if objective is not None else []
            shown = sorted(readable_all("service", actor, services), key=lambda s: s.code)
            rows, seen = [], set()
            so_rows = []
            for child in node.children:
                if child.kind == "service_objective" and child.id in objectives:
                    codes = [leaf.code for leaf in child.children if leaf.id in indicators]
                    so_rows.append(ServiceObjectiveRow(objectives[child.id], child, codes))
                leaves = child.children if child.kind == "service_objective" else [child]
                for leaf in leaves:
                    if leaf.kind == "indicator" and leaf.id in indicators and leaf.id not in seen:
                        seen.add(leaf.id)
                        rows.append(IndicatorRow(indicators[leaf.id], leaf))
            rows.sort(key=lambda r: r.indicator.code)
            objective_sections.append(
                ObjectiveSection(node, objective, shown, len(services) - len(shown), so_rows, rows)
            )
        kept = objective_sections
        if not actor.scope.all_services:
            # a service head's pack: only the objectives their services work on
            kept = [o for o in objective_sections if o.service_objectives or o.indicators]
        sections.append(
            AxisSection(
                axis_node,
                axes.get(axis_node.id),
                kept,
                f"axe-{number}",
                len(objective_sections) - len(kept),
            )
        )
    return sections


def _matrix(result: StrategyMap) -> list[tuple[str, str, list[MatrixCell | None]]]:
    axes = result.programme.children
    rows = []
    for service_code, service_name in result.services:
        cells: list[MatrixCell | None] = []
        for axis in axes:
            value = result.matrix.get((service_code, axis.code))
            cells.append(
                None
                if value is None
                else MatrixCell(value[0], value[1], st.status_info(st.status_for_score(value[0])))
            )
        rows.append((service_code, service_name, cells))
    return rows


def _charts(strategy: Strategy, year: int) -> None:
    """Trend charts for the indicators that have a value in the review's year, each drawn
    once (an indicator shared by two objectives is charted under the first), capped."""
    rows = [
        row for axis in strategy.axes for section in axis.objectives for row in section.indicators
    ]
    unique = {row.indicator.id: row.indicator for row in rows}
    strategy.indicator_total = len(unique)
    found = year_series(list(unique.values()), year)
    drawn: set[int] = set()
    for row in rows:
        series = found.get(row.indicator.id)
        if row.indicator.id in drawn or series is None or not series.in_year:
            continue
        if len(drawn) >= MAX_CHARTS:
            strategy.charts_left_out += 1
            drawn.add(row.indicator.id)
            continue
        drawn.add(row.indicator.id)
        row.chart = data_uri(trend_svg(series.history, size=PDF))
        strategy.charts += 1


def percent(value: float | None) -> Markup:
    """A share as French readers write it (« 87 % », narrow no-break space), « — » if none."""
    if value is None:
        return Markup("—")
    return Markup(f"{round(value * 100):d}\u202f%")
