"""The strategy map's numbers: indicator statuses rolled up to objectives, axes and programme.

DOMAIN §3: an objective's score is the weighted mean of its indicators' and child objectives'
scores; an axis's, of its strategic objectives; the programme's, of its axes. Nodes without a
score are left out of the mean. **Coverage** is the share of weight whose values are in: an
indicator counts as covered when it has a value for the period read and, on the live map, when
no value it owes is late — counted exactly as the collection health page counts late and
missing values (:func:`app.indicators.health.overdue_indicators`); a late indicator still gives
its latest score to the mean. A parent's coverage is the weighted mean of its children's.
The same cut points (:func:`app.indicators.status.status_for_score`) turn a score into
a status at every level.

Which value an indicator contributes depends on the period asked:

* none — the latest value of each indicator, late ones flagged ``en_retard`` (the live map);
* a year (``2025``) — the year's values aggregated as the indicator says (``sum``, ``mean`` or
  ``last``) against the yearly target; a ``sum`` over a year still running is compared with
  the target pro-rated to the periods filed, so a half-year is not shown as half-failed;
* a month or a quarter — the value of the period of the indicator's frequency that ends with
  it (a quarterly indicator is read at 2025-Q1 for 2025-03).

Reading the whole tree costs a fixed number of queries whatever its size: the tree, the
indicator links, the values and the targets are each read in one statement.

**Scope.** The roll-up is computed on the whole town, so every reader sees the same scores
on the programme, its axes and strategic objectives (which are shared). Given a ``reader``,
the tree is then cut to what they may open, through the registry's scope rules
(:func:`app.reading.readable_ids`, one query per kind of node): a service objective or an
indicator out of their reach becomes a « contenu réservé » node — no id, name, value, status,
score or target, no children —, still counted in its parent's score; the service × axis
matrix keeps only the services the reader reaches.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import periods, registry
from app.extensions import db
from app.indicators import status as st
from app.indicators.health import overdue_indicators
from app.indicators.latest import applicable_targets, latest_readings
from app.models import (
    Axis,
    Indicator,
    Measurement,
    Programme,
    ServiceObjective,
    StrategicObjective,
)
from app.models.indicators import indicator_service_objective, indicator_strategic_objective
from app.reading import readable_ids
from app.security.actor import Actor

#: Service objectives that count on the map (refused or deferred ones do not).
COUNTED_STATES = ("brouillon", "propose", "revu", "valide", "amende", "actif", "clos")


@dataclass
class Node:
    """One node of the map: programme, axis, objective or indicator."""

    kind: str
    id: int
    code: str
    title: str
    weight: float = 1.0
    status: str = st.SANS_DONNEE
    score: float | None = None
    coverage: float | None = None
    children: list[Node] = field(default_factory=list)
    #: indicators: value, target, unit, period read; services: contributing service codes
    details: dict[str, Any] = field(default_factory=dict)
    #: Out of the reader's reach: shown as « contenu réservé », nothing else.
    reserved: bool = False
    #: Indicators on the live map: a value it owes is late (as collection health counts it).
    late: bool = False

    def covered(self) -> float:
        """The share of this node whose values are in: an indicator with a value read and
        nothing late is 1, else 0; an objective, axis or programme, its coverage."""
        if self.kind == "indicator":
            return 1.0 if self.score is not None and not self.late else 0.0
        return self.coverage or 0.0

    def find(self, kind: str, node_id: int) -> Node | None:
        """The node of this kind and id in the subtree (depth first), if any."""
        if self.kind == kind and self.id == node_id:
            return self
        for child in self.children:
            found = child.find(kind, node_id)
            if found is not None:
                return found
        return None

    @property
    def status_text(self) -> str:
        """The status as text — mark and words — for tables and readers without colour."""
        info = st.status_info(self.status)
        return f"{info.symbol} {info.label}"

    def as_dict(self) -> dict[str, Any]:
        if self.reserved:
            return {"kind": self.kind, "reserved": True, "title": self.title}
        return {
            "kind": self.kind,
            "id": self.id,
            "code": self.code,
            "title": self.title,
            "weight": self.weight,
            "status": self.status,
            "status_label": str(st.status_info(self.status).label),
            "score": None if self.score is None else round(self.score, 4),
            "coverage": None if self.coverage is None else round(self.coverage, 4),
            **self.details,
            "children": [child.as_dict() for child in self.children],
        }


@dataclass
class StrategyMap:
    programme: Node
    period: str | None
    year: int
    #: (service code, axis code) → (score, coverage) of the service's objectives on that axis
    matrix: dict[tuple[str, str], tuple[float | None, float]]
    services: list[tuple[str, str]]  # (code, name), in display order

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "year": self.year,
            "programme": self.programme.as_dict(),
            "matrix": [
                {
                    "service": service,
                    "axis": axis,
                    "score": None if score is None else round(score, 4),
                    "coverage": round(coverage, 4),
                }
                for (service, axis), (score, coverage) in sorted(self.matrix.items())
            ],
        }


# ------------------------------------------------------------------------------ aggregation
def weighted(children: Iterable[Node]) -> tuple[float | None, float | None]:
    """Weighted mean of the children's scores, and their weighted coverage (see
    :meth:`Node.covered`: a late value scores but is not counted as in)."""
    total = scored = acc = covered = 0.0
    for child in children:
        weight = max(child.weight, 0.0)
        total += weight
        covered += weight * child.covered()
        if child.score is not None:
            scored += weight
            acc += weight * child.score
    if total <= 0:
        return None, None
    return (acc / scored if scored > 0 else None), covered / total


def settle(node: Node) -> Node:
    """Compute a non-leaf node's score, coverage and status from its children."""
    score, coverage = weighted(node.children)
    node.score, node.coverage = score, coverage
    node.status = st.status_for_score(score)
    return node


def aggregate(values: Sequence[float], how: str) -> float | None:
    if not values:
        return None
    if how == "sum":
        return float(sum(values))
    if how == "mean":
        return float(sum(values)) / len(values)
    return float(values[-1])


# ------------------------------------------------------------------------------ leaves
def _indicator_node(indicator: Indicator, weight: float) -> Node:
    return Node(
        "indicator",
        indicator.id,
        indicator.code,
        indicator.name,
        weight,
        details={"unit": indicator.unit, "frequency": indicator.frequency},
    )


def _judge_latest(nodes: dict[int, list[Node]], indicators: list[Indicator], today: date) -> None:
    readings = latest_readings(indicators, today)
    # late as the collection health page counts it (two queries), or judged late by its status
    late = {overdue.indicator.id for overdue in overdue_indicators(indicators, today)}
    for indicator in indicators:
        reading = readings[indicator.id]
        for node in nodes[indicator.id]:
            node.status = reading.evaluation.status
            node.score = reading.evaluation.score
            node.late = indicator.id in late or node.status == st.EN_RETARD
            node.details.update(
                {
                    "period": reading.period,
                    "value": reading.value,
                    "target": _target_dict(reading.target),
                    "late": node.late,
                }
            )


def _target_dict(target: st.PeriodTarget | None) -> dict[str, float | None] | None:
    """The target judged against, for the period shown (a share of the year's when so)."""
    if target is None:
        return None
    return {"value": target.value, "low": target.low, "high": target.high}


def _judge_period(
    nodes: dict[int, list[Node]], indicators: list[Indicator], period: periods.Period, today: date
) -> None:
    """Values for a year (aggregated) or for the period of each frequency ending with it."""
    wanted: dict[int, list[str]] = {}
    for indicator in indicators:
        if period.frequency == periods.YEARLY:
            wanted[indicator.id] = [
                p.code for p in periods.in_year(period.year, indicator.frequency)
            ]
        else:
            own = periods.containing(period.end, indicator.frequency)
            wanted[indicator.id] = [own.code] if own.end == period.end else []
    codes = sorted({c for cs in wanted.values() for c in cs})
    values: dict[tuple[int, str], float] = {}
    if codes and wanted:
        for row in db.session.execute(
            select(Measurement.indicator_id, Measurement.period, Measurement.value).where(
                Measurement.indicator_id.in_(sorted(wanted)),
                Measurement.period.in_(codes),
                Measurement.archived.is_(False),
            )
        ):
            values[(row.indicator_id, row.period)] = row.value
    target_keys = [
        (
            indicator.id,
            period.code
            if period.frequency == periods.YEARLY
            else (wanted[indicator.id][0] if wanted[indicator.id] else period.code),
        )
        for indicator in indicators
    ]
    targets = applicable_targets(target_keys)
    for indicator, key in zip(indicators, target_keys, strict=True):
        series = [
            values[(indicator.id, c)] for c in wanted[indicator.id] if (indicator.id, c) in values
        ]
        value = aggregate(series, indicator.aggregation)
        target = targets.get(key)
        aim = st.period_target(indicator, target, key[1])
        if (
            value is not None
            and target is not None
            and indicator.aggregation == "sum"
            and period.frequency == periods.YEARLY
            and len(wanted[indicator.id]) > 1
            and len(series) < len(wanted[indicator.id])
        ):
            # a year still running: its sum is compared with the share of the periods filed
            share = len(series) / len(wanted[indicator.id])
            aim = st.PeriodTarget(
                _scaled(target.value, share),
                _scaled(target.low, share),
                _scaled(target.high, share),
                key[1],
                target,
                share,
            )
        evaluation = st.evaluate_target(value, indicator, aim)
        for node in nodes[indicator.id]:
            node.status, node.score = evaluation.status, evaluation.score
            node.details.update(
                {
                    "period": key[1],
                    "value": value,
                    "target": _target_dict(aim),
                    "values_filed": len(series),
                    "values_expected": len(wanted[indicator.id]),
                }
            )


def _scaled(value: float | None, share: float) -> float | None:
    return None if value is None else value * share


# ------------------------------------------------------------------------------ the tree
#: Where an indicator is linked: ("service", service objective id) or ("strategic", id).
_LinkKey = tuple[str, int]
#: A service objective's node with the code of its axis, for the services × axes matrix.
_ServiceNode = tuple[ServiceObjective, Node, str]


def strategy_map(
    programme_id: int,
    period_code: str | None = None,
    today: date | None = None,
    reader: Actor | None = None,
) -> StrategyMap | None:
    """The rolled-up map of a programme (None if it does not exist).

    Computed on the whole town; with a ``reader``, cut to what they may open (see the module
    docstring: nodes out of reach become « contenu réservé », scores unchanged). Without one
    — the public page's top levels, Vigie itself — the whole tree.

    One step per function, each reading its rows in a fixed number of statements whatever
    the tree's size: the programme's axes, their strategic objectives, the year's service
    objectives, the indicators linked to them; then the tree is built from those rows, its
    leaves are judged for the period asked, every level is settled bottom up and the
    services × axes matrix is drawn from the settled service objectives.
    """
    today = today or date.today()
    programme = db.session.get(Programme, programme_id)
    if programme is None:
        return None
    period = periods.parse(period_code) if period_code else None
    year = period.year if period is not None else today.year
    axes = _live_axes(programme_id)
    strategic = _live_strategic_objectives(axes)
    service_objectives = _counted_service_objectives(strategic, year)
    links = _indicator_links(service_objectives, strategic)
    indicators = list(_linked_indicators(links))

    leaves = _Leaves(links, indicators)
    axis_nodes, service_nodes = _axis_nodes(axes, strategic, service_objectives, leaves)
    if period is None:
        _judge_latest(leaves.by_indicator, indicators, today)
    else:
        _judge_period(leaves.by_indicator, indicators, period, today)
    root = _settle_tree(programme, axis_nodes)
    matrix, services = _service_matrix(service_nodes)
    result = StrategyMap(root, period.code if period else None, year, matrix, services)
    if reader is not None:
        cut_to_reach(result, reader, service_objectives)
    return result


def reserved_node(node: Node) -> Node:
    """The « contenu réservé » stand-in of a node the reader may not open (same kind)."""
    return Node(node.kind, 0, "", _("Contenu réservé"), reserved=True)


def cut_to_reach(
    result: StrategyMap, reader: Actor, service_objectives: Sequence[ServiceObjective]
) -> None:
    """Replace the service objectives and indicators the reader may not open by reserved
    nodes, and keep the matrix rows of the services they reach (three queries at most)."""
    root = result.programme
    so_ids = {n.id for n in _walk(root) if n.kind == "service_objective"}
    indicator_ids = {n.id for n in _walk(root) if n.kind == "indicator"}
    open_ids = {
        "service_objective": readable_ids(
            registry.get("service_objective"), reader, so_ids, always=True
        ),
        "indicator": readable_ids(registry.get("indicator"), reader, indicator_ids, always=True),
    }

    def cut(node: Node) -> None:
        kept = []
        for child in node.children:
            if child.kind in open_ids and child.id not in open_ids[child.kind]:
                kept.append(reserved_node(child))
            else:
                cut(child)
                kept.append(child)
        node.children = kept

    cut(root)
    service_ids = {so.service.code: so.service_id for so in service_objectives}
    reached = readable_ids(registry.get("service"), reader, service_ids.values(), always=True)
    result.services = [(c, n) for c, n in result.services if service_ids.get(c) in reached]
    codes = {c for c, _n in result.services}
    result.matrix = {key: value for key, value in result.matrix.items() if key[0] in codes}


def _walk(node: Node) -> Iterable[Node]:
    yield node
    for child in node.children:
        yield from _walk(child)


def _live_axes(programme_id: int) -> Sequence[Axis]:
    """The programme's axes in display order (archived ones are off the map)."""
    return db.session.scalars(
        select(Axis)
        .where(Axis.programme_id == programme_id, Axis.archived.is_(False))
        .order_by(Axis.position, Axis.code)
    ).all()


def _live_strategic_objectives(axes: Sequence[Axis]) -> Sequence[StrategicObjective]:
    """The strategic objectives of these axes, by code, with the services they involve."""
    return db.session.scalars(
        select(StrategicObjective)
        .options(selectinload(StrategicObjective.services))
        .where(
            StrategicObjective.axis_id.in_([a.id for a in axes]),
            StrategicObjective.archived.is_(False),
        )
        .order_by(StrategicObjective.code)
    ).all()


def _counted_service_objectives(
    strategic: Sequence[StrategicObjective], year: int
) -> Sequence[ServiceObjective]:
    """The year's service objectives under these strategic objectives that count on the map
    (:data:`COUNTED_STATES`), of every service (the reader's cut comes after the roll-up)."""
    stmt = (
        select(ServiceObjective)
        .options(selectinload(ServiceObjective.service))
        .where(
            ServiceObjective.strategic_objective_id.in_([s.id for s in strategic]),
            ServiceObjective.year == year,
            ServiceObjective.state.in_(COUNTED_STATES),
            ServiceObjective.archived.is_(False),
        )
        .order_by(ServiceObjective.id)
    )
    return db.session.scalars(stmt).all()


def _indicator_links(
    service_objectives: Sequence[ServiceObjective], strategic: Sequence[StrategicObjective]
) -> dict[_LinkKey, list[int]]:
    """The ids of the indicators linked to each objective (one query per kind of objective)."""
    links: dict[_LinkKey, list[int]] = defaultdict(list)
    for row in db.session.execute(
        select(
            indicator_service_objective.c.service_objective_id,
            indicator_service_objective.c.indicator_id,
        ).where(
            indicator_service_objective.c.service_objective_id.in_(
                [o.id for o in service_objectives]
            )
        )
    ):
        links[("service", row.service_objective_id)].append(row.indicator_id)
    for row in db.session.execute(
        select(
            indicator_strategic_objective.c.strategic_objective_id,
            indicator_strategic_objective.c.indicator_id,
        ).where(
            indicator_strategic_objective.c.strategic_objective_id.in_([s.id for s in strategic])
        )
    ):
        links[("strategic", row.strategic_objective_id)].append(row.indicator_id)
    return links


def _linked_indicators(links: dict[_LinkKey, list[int]]) -> Sequence[Indicator]:
    """The live indicators among those linked, by code."""
    indicator_ids = sorted({i for ids in links.values() for i in ids})
    return db.session.scalars(
        select(Indicator)
        .where(Indicator.id.in_(indicator_ids), Indicator.archived.is_(False))
        .order_by(Indicator.code)
    ).all()


class _Leaves:
    """The indicator leaves of the tree as it is built.

    An indicator linked to several objectives is a leaf under each of them; its copies are
    kept together (:attr:`by_indicator`) so that its value, read once, is written on all.
    """

    def __init__(self, links: dict[_LinkKey, list[int]], indicators: Sequence[Indicator]) -> None:
        self.links = links
        self.by_id = {i.id: i for i in indicators}
        self.by_indicator: dict[int, list[Node]] = defaultdict(list)

    def under(self, key: _LinkKey) -> list[Node]:
        """New leaves for the indicators linked to one objective, by code (an archived
        indicator, not read, has none)."""
        linked = [self.by_id[i] for i in self.links.get(key, []) if i in self.by_id]
        out = []
        for indicator in sorted(linked, key=lambda i: i.code):
            node = _indicator_node(indicator, indicator.weight)
            self.by_indicator[indicator.id].append(node)
            out.append(node)
        return out


def _axis_nodes(
    axes: Sequence[Axis],
    strategic: Sequence[StrategicObjective],
    service_objectives: Sequence[ServiceObjective],
    leaves: _Leaves,
) -> tuple[list[Node], list[_ServiceNode]]:
    """The tree under the programme, not judged yet: each axis, its strategic objectives,
    under each of them its service objectives (with their indicators) then its own
    indicators. Also each service objective's node with its axis, for the matrix."""
    so_by_strategic: dict[int, list[ServiceObjective]] = defaultdict(list)
    for objective in service_objectives:
        so_by_strategic[objective.strategic_objective_id or 0].append(objective)
    service_nodes: list[_ServiceNode] = []
    axis_nodes: list[Node] = []
    for axis in axes:
        axis_node = Node("axis", axis.id, axis.code, axis.title)
        for objective in (s for s in strategic if s.axis_id == axis.id):
            node = _strategic_node(objective)
            for so in so_by_strategic.get(objective.id, []):
                so_node = _service_node(so, leaves)
                node.children.append(so_node)
                service_nodes.append((so, so_node, axis.code))
            node.children.extend(leaves.under(("strategic", objective.id)))
            axis_node.children.append(node)
        axis_nodes.append(axis_node)
    return axis_nodes, service_nodes


def _strategic_node(objective: StrategicObjective) -> Node:
    """A strategic objective's node, without children yet, naming the services involved."""
    return Node(
        "strategic_objective",
        objective.id,
        objective.code,
        objective.title,
        objective.weight,
        details={"services": [s.code for s in objective.services]},
    )


def _service_node(so: ServiceObjective, leaves: _Leaves) -> Node:
    """A service objective's node (coded by its service) with its indicators."""
    node = Node(
        "service_objective",
        so.id,
        so.service.code,
        so.title,
        so.weight,
        details={"service": so.service.code, "state": so.state, "year": so.year},
    )
    node.children = leaves.under(("service", so.id))
    return node


def _settle_tree(programme: Programme, axis_nodes: list[Node]) -> Node:
    """Scores from the judged leaves up: service objectives, strategic objectives, axes, and
    the programme's root (a mean needs its children's scores first)."""
    for axis_node in axis_nodes:
        for objective_node in axis_node.children:
            for child in objective_node.children:
                if child.kind == "service_objective":
                    settle(child)
            settle(objective_node)
        settle(axis_node)
    return settle(
        Node(
            "programme",
            programme.id,
            f"{programme.start_year}–{programme.end_year}",
            programme.title,
            children=axis_nodes,
        )
    )


def _service_matrix(
    service_nodes: Sequence[_ServiceNode],
) -> tuple[dict[tuple[str, str], tuple[float | None, float]], list[tuple[str, str]]]:
    """Each service's weighted score and coverage on each axis (from its settled service
    objectives), and the services as (code, name) by code."""
    matrix_children: dict[tuple[str, str], list[Node]] = defaultdict(list)
    services: dict[str, str] = {}
    for so, so_node, axis_code in service_nodes:
        matrix_children[(so.service.code, axis_code)].append(so_node)
        services[so.service.code] = so.service.name
    matrix = {}
    for key, children in matrix_children.items():
        score, coverage = weighted(children)
        matrix[key] = (score, coverage or 0.0)
    return matrix, sorted(services.items())
