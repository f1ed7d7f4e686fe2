"""What a dashboard page shows, loaded for all its widgets at once.

A dashboard holds from two to twenty widgets, each reading an indicator or an objective. Read
one widget at a time, a page would cost a few queries per widget and grow with every widget
the quality cell adds; here each kind of row is read once for the whole page:

* the widgets (1 query), then the indicators, strategic and service objectives they point to,
  each through the artefact's scope rule (3 queries — a widget whose record the reader may
  not open shows as « hors de votre périmètre », never its data);
* latest readings with lateness (3 queries, :func:`app.indicators.latest.latest_readings`);
* the last :data:`HISTORY_LENGTH` values of every indicator (1 query, a window function) and
  their targets (1 query);
* for objective widgets and indicator mini-maps, the roll-up of each programme involved,
  cut to the reader's reach (:func:`strategy_map`, a fixed number of queries whatever the
  tree's size; an indicator's mini-map adds one query for the live programmes): a child the
  reader may not open is counted (« contenu réservé »), never listed.

So the count depends on which kinds of widgets a page holds (objectives or not) and on how
many programmes they belong to (one in practice), never on the number of widgets or values.
The live endpoint reuses the same loader, so the polled data cannot drift from the page.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_appbuilder.security.sqla.models import Role
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from app import registry
from app.extensions import db
from app.formatting import format_number
from app.indicators import status as st
from app.indicators.latest import Reading, applicable_targets, judged, latest_readings
from app.indicators.rollup import Node, strategy_map
from app.models import (
    Dashboard,
    DashboardWidget,
    Indicator,
    Measurement,
    Programme,
    Service,
    ServiceObjective,
    StrategicObjective,
)
from app.reading import scoped_select
from app.security.actor import Actor

#: Values kept per indicator: the trend chart's span, the sparkline and the table use them.
HISTORY_LENGTH = 12
#: Rows a table widget lists (newest first).
TABLE_ROWS = 6


def kind_labels() -> dict[str, str]:
    """How each kind of widget is named to people — in the editor's choice and, small, under
    a widget's title — in the words of a town's staff, not a developer's (a function:
    gettext needs a request's locale)."""
    return {
        "kpi": _("Chiffre clé"),
        "trend": _("Courbe d'évolution"),
        "table": _("Tableau des dernières valeurs"),
        "map": _("Carte stratégique"),
    }


def derived_title(
    kind: str,
    indicator: Indicator | None = None,
    strategic: StrategicObjective | None = None,
    service_objective: ServiceObjective | None = None,
) -> str:
    """The title of a widget saved without one, from what it shows: the record's name, with
    what the widget does with it when that is more than its latest value (« Évolution —
    Nids-de-poule traités », « Carte stratégique — A2.1 Rénover l'éclairage »)."""
    if indicator is not None:
        name = indicator.name
    elif strategic is not None:
        name = f"{strategic.code} {strategic.title}"
    elif service_objective is not None:
        service = service_objective.service
        name = f"{service_objective.title} — {service.name}" if service else service_objective.title
    else:
        return _("Bloc sans contenu")
    prefix = {
        "trend": _("Évolution"),
        "table": _("Dernières valeurs"),
        "map": _("Carte stratégique"),
    }.get(kind)
    return f"{prefix} — {name}" if prefix else name


def widget_title(widget: DashboardWidget) -> str:
    """A stored widget's heading: its title, else :func:`derived_title` (the editor's list;
    a dashboard page uses the records it read through the reader's scope instead)."""
    if widget.title:
        return widget.title
    return derived_title(
        widget.kind, widget.indicator, widget.strategic_objective, widget.service_objective
    )


@dataclass(frozen=True)
class Trend:
    """How the latest value moved against the previous one, and whether that is good news."""

    arrow: str  # ↑ ↓ →
    css_class: str
    text: str  # what a screen reader says (the arrow alone means nothing)


@dataclass
class WidgetData:
    """Everything one widget shows; ``hidden`` when the reader may not open its record."""

    widget: DashboardWidget
    title: str
    indicator: Indicator | None = None
    objective: StrategicObjective | ServiceObjective | None = None
    latest: Reading | None = None
    history: list[Reading] = field(default_factory=list)  # newest first
    trend: Trend | None = None
    node: Node | None = None
    children: list[Node] = field(default_factory=list)
    hidden_children: int = 0
    #: mini-map of an indicator: each chain axis → objective(s) it contributes to
    paths: list[list[Node]] = field(default_factory=list)
    hidden: bool = False

    @property
    def kind(self) -> str:
        return self.widget.kind

    @property
    def status(self) -> st.Status:
        if self.latest is not None:
            return self.latest.status
        if self.node is not None:
            return st.status_info(self.node.status)
        return st.status_info(st.SANS_DONNEE)

    @property
    def chronological(self) -> list[Reading]:
        """The values oldest first, as charts draw them."""
        return list(reversed(self.history))


@dataclass
class DashboardData:
    dashboard: Dashboard
    widgets: list[WidgetData]
    updated_at: datetime | None

    def version(self) -> str:
        """A short fingerprint of what the page shows: the live script reloads on change."""
        return fingerprint([widget_payloads(self), self.updated_at])

    def fingerprints(self) -> dict[int, str]:
        """Each widget's fingerprint: the script swaps only the widgets whose data moved."""
        return {row["id"]: fingerprint(row) for row in widget_payloads(self)}


def fingerprint(data: Any) -> str:
    payload = json.dumps(data, sort_keys=True, default=str)
    return hashlib.sha1(payload.encode(), usedforsecurity=False).hexdigest()[:16]


# ------------------------------------------------------------------------------ trend
def trend_of(indicator: Indicator, history: Sequence[Reading]) -> Trend | None:
    """The latest value against the previous one, judged with the indicator's direction.

    For a « band » indicator, moving closer to the band is the improvement (its score rises).
    """
    values = [r for r in history if r.value is not None]
    if len(values) < 2:
        return None
    latest, previous = values[0], values[1]
    assert latest.value is not None and previous.value is not None
    delta = latest.value - previous.value
    if abs(delta) < 1e-9:
        return Trend(
            "→", "vigie-trend-flat", _("Stable par rapport à %(period)s", period=previous.period)
        )
    arrow = "↑" if delta > 0 else "↓"
    moved = _("En hausse") if delta > 0 else _("En baisse")
    if indicator.direction == st.INCREASE:
        better: bool | None = delta > 0
    elif indicator.direction == st.DECREASE:
        better = delta < 0
    else:
        now, before = latest.evaluation.score, previous.evaluation.score
        better = None if now is None or before is None or abs(now - before) < 1e-9 else now > before
    if better is None:
        verdict, css = _("sans effet sur l'atteinte de la cible"), "vigie-trend-flat"
    elif better:
        verdict, css = _("amélioration"), "vigie-trend-better"
    else:
        verdict, css = _("dégradation"), "vigie-trend-worse"
    return Trend(
        arrow,
        css,
        _(
            "%(moved)s par rapport à %(period)s : %(verdict)s",
            moved=moved,
            period=previous.period,
            verdict=verdict,
        ),
    )


# ------------------------------------------------------------------------------ loading
def _scoped(code: str, actor: Actor, model: Any, ids: set[int], *options: Any) -> dict[int, Any]:
    """Records of an artefact among ``ids`` that the actor may read — one query, always."""
    artefact = registry.get(code)
    stmt = scoped_select(artefact, actor, include_archived=False).where(model.id.in_(sorted(ids)))
    if not actor.may_read(artefact):
        stmt = stmt.where(model.id.is_(None))  # same query count, no rows
    if options:
        stmt = stmt.options(*options)
    return {obj.id: obj for obj in db.session.scalars(stmt).unique()}


def recent_history(
    indicators: Sequence[Indicator], limit: int = HISTORY_LENGTH
) -> dict[int, list[Reading]]:
    """The ``limit`` newest values of each indicator judged against their targets.

    Two queries whatever the number of indicators and values: a ``row_number()`` window
    keeps the newest rows per indicator (SQLite ≥ 3.25 and PostgreSQL alike), then one query
    reads every target those periods need.
    """
    ids = sorted({i.id for i in indicators})
    ranked = (
        select(
            Measurement.id.label("mid"),
            func.row_number()
            .over(
                partition_by=Measurement.indicator_id,
                order_by=Measurement.period.desc(),
            )
            .label("rank"),
        )
        .where(Measurement.indicator_id.in_(ids), Measurement.archived.is_(False))
        .subquery()
    )
    rows = db.session.scalars(
        select(Measurement)
        .join(ranked, Measurement.id == ranked.c.mid)
        .where(ranked.c.rank <= limit)
        .order_by(Measurement.indicator_id, Measurement.period.desc())
    ).all()
    targets = applicable_targets((m.indicator_id, m.period) for m in rows)
    by_id = {i.id: i for i in indicators}
    out: dict[int, list[Reading]] = defaultdict(list)
    for m in rows:
        indicator = by_id[m.indicator_id]
        out[m.indicator_id].append(judged(indicator, m, targets.get((m.indicator_id, m.period))))
    return out


def _paths_to(node: Node, indicator_id: int, above: list[Node]) -> list[list[Node]]:
    """Every chain of ancestors (programme excluded) above the leaves of one indicator."""
    if node.kind == "indicator":
        return [above] if node.id == indicator_id else []
    chain = above if node.kind == "programme" else [*above, node]
    return [p for child in node.children for p in _paths_to(child, indicator_id, chain)]


def load(dashboard: Dashboard, actor: Actor, today: date | None = None) -> DashboardData:
    """Every widget of a dashboard with its data, in a fixed number of queries.

    What the widgets show is read first for the whole page (:func:`_read_sources`), then each
    widget takes its part from it (:func:`_widget_data`, no query): that split is what keeps
    the count independent of the number of widgets.
    """
    today = today or date.today()
    widgets = _widgets_of(dashboard)
    sources = _read_sources(widgets, actor, today)
    out = [_widget_data(widget, sources) for widget in widgets]
    return DashboardData(dashboard, out, _last_update(sources.history))


@dataclass
class _Sources:
    """Everything the widgets of one page draw from, each kind of row read once.

    ``indicators``, ``strategic`` and ``service_objectives`` hold only the records the reader
    may open (by id); ``trees`` are the rolled-up maps of the programmes involved, cut to the
    reader's reach (their reserved nodes stand for what the reader may not open).
    """

    indicators: dict[int, Indicator]
    strategic: dict[int, StrategicObjective]
    service_objectives: dict[int, ServiceObjective]
    latest: dict[int, Reading]
    history: dict[int, list[Reading]]
    trees: list[Node]


def _widgets_of(dashboard: Dashboard) -> list[DashboardWidget]:
    """The dashboard's widgets in display order (1 query)."""
    return list(
        db.session.scalars(
            select(DashboardWidget)
            .where(DashboardWidget.dashboard_id == dashboard.id)
            .order_by(DashboardWidget.position, DashboardWidget.id)
        )
    )


def _read_sources(widgets: Sequence[DashboardWidget], actor: Actor, today: date) -> _Sources:
    """The records the widgets point to, through each artefact's scope rule (3 queries), the
    indicators' latest readings and recent values, then the maps of the programmes involved."""
    indicators = _scoped(
        "indicator", actor, Indicator, {w.indicator_id for w in widgets if w.indicator_id}
    )
    strategic = _scoped(
        "strategic_objective",
        actor,
        StrategicObjective,
        {w.strategic_objective_id for w in widgets if w.strategic_objective_id},
        joinedload(StrategicObjective.axis),
    )
    service_objectives = _scoped(
        "service_objective",
        actor,
        ServiceObjective,
        {w.service_objective_id for w in widgets if w.service_objective_id},
        joinedload(ServiceObjective.service),
        joinedload(ServiceObjective.strategic_objective).joinedload(StrategicObjective.axis),
    )
    shown = sorted(indicators.values(), key=lambda i: i.id)
    latest = latest_readings(shown, today)
    history = recent_history(shown)
    programmes = _programmes_shown(widgets, indicators, strategic, service_objectives)
    trees = _programme_trees(programmes, actor, today)
    return _Sources(indicators, strategic, service_objectives, latest, history, trees)


def _programmes_shown(
    widgets: Sequence[DashboardWidget],
    indicators: dict[int, Indicator],
    strategic: dict[int, StrategicObjective],
    service_objectives: dict[int, ServiceObjective],
) -> set[int]:
    """The programmes whose roll-up the page needs: those of its objective widgets (the map's
    own numbers) and, when an indicator's mini-map is shown, every live programme — it shows
    where the indicator sits on each of them (1 more query)."""
    programmes: set[int] = set()
    for obj in strategic.values():
        programmes.add(obj.axis.programme_id)
    for so in service_objectives.values():
        if so.strategic_objective is not None:
            programmes.add(so.strategic_objective.axis.programme_id)
    if any(w.kind == "map" and w.indicator_id in indicators for w in widgets):
        programmes.update(
            db.session.scalars(select(Programme.id).where(Programme.archived.is_(False)))
        )
    return programmes


def _programme_trees(programmes: set[int], actor: Actor, today: date) -> list[Node]:
    """The rolled-up tree of each programme, within the reader's services, in id order."""
    trees: list[Node] = []
    for programme_id in sorted(programmes):
        tree = strategy_map(programme_id, None, today, reader=actor)
        if tree is not None:
            trees.append(tree.programme)
    return trees


def _widget_data(widget: DashboardWidget, sources: _Sources) -> WidgetData:
    """One widget's data, or « Contenu réservé » when the reader may not open its record
    (the stored title names the record — it defaults to its name —, so it is not shown
    either)."""
    data = WidgetData(widget, widget.title or "")
    if widget.indicator_id is not None:
        _fill_indicator(data, widget.indicator_id, sources)
    else:
        _fill_objective(data, sources)
    if data.hidden:
        data.title = _("Contenu réservé")
    return data


def _fill_indicator(data: WidgetData, indicator_id: int, sources: _Sources) -> None:
    """An indicator widget: its latest value, recent values and trend; for a mini-map, each
    chain of objectives above it on the maps."""
    widget = data.widget
    indicator = sources.indicators.get(indicator_id)
    if indicator is None:
        data.hidden = True
        return
    data.indicator = indicator
    data.title = widget.title or derived_title(widget.kind, indicator=indicator)
    data.latest = sources.latest.get(indicator.id)
    data.history = sources.history.get(indicator.id, [])
    data.trend = trend_of(indicator, data.history)
    if widget.kind == "map":
        data.paths = [p for root in sources.trees for p in _paths_to(root, indicator.id, [])]


def _fill_objective(data: WidgetData, sources: _Sources) -> None:
    """An objective widget: its node on the map and its children, those the reader may not
    open (reserved nodes of the cut tree) counted rather than listed."""
    widget = data.widget
    objective: StrategicObjective | ServiceObjective | None
    if widget.strategic_objective_id is not None:
        objective = sources.strategic.get(widget.strategic_objective_id)
        kind = "strategic_objective"
    else:
        objective = sources.service_objectives.get(widget.service_objective_id or 0)
        kind = "service_objective"
    if objective is None:
        data.hidden = True
        return
    data.objective = objective
    data.title = widget.title or (
        derived_title(widget.kind, strategic=objective)
        if isinstance(objective, StrategicObjective)
        else derived_title(widget.kind, service_objective=objective)
    )
    data.node = _find_node(sources.trees, kind, objective.id)
    if data.node is None:
        return
    for child in data.node.children:
        if child.reserved:
            data.hidden_children += 1
        else:
            data.children.append(child)


def _find_node(trees: Sequence[Node], kind: str, node_id: int) -> Node | None:
    """The node of this kind and id in the first tree that has it."""
    for root in trees:
        found = root.find(kind, node_id)
        if found is not None:
            return found
    return None


def _last_update(history: dict[int, list[Reading]]) -> datetime | None:
    """When the newest value shown was last changed (None without values)."""
    stamps = [
        r.measurement.updated_at for rs in history.values() for r in rs if r.measurement is not None
    ]
    return max(stamps) if stamps else None


# ------------------------------------------------------------------------------ live data
def widget_payloads(data: DashboardData) -> list[dict[str, Any]]:
    """Per widget: value, status, period and target as the live script shows them."""

    rows = []
    for w in data.widgets:
        status = w.status
        row: dict[str, Any] = {
            "id": w.widget.id,
            "kind": w.kind,
            "hidden": w.hidden,
            "status": status.code,
            "status_label": str(status.label),
            "status_class": status.css_class,
            "status_icon": status.icon,
        }
        if w.latest is not None and w.indicator is not None:
            target = w.latest.target
            row.update(
                {
                    "value": w.latest.value,
                    "value_text": format_number(w.latest.value)
                    if w.latest.value is not None
                    else None,
                    "unit": w.indicator.unit,
                    "period": w.latest.period,
                    "target": None
                    if target is None
                    else {"value": target.value, "low": target.low, "high": target.high},
                    "trend": None
                    if w.trend is None
                    else {
                        "arrow": w.trend.arrow,
                        "css_class": w.trend.css_class,
                        "text": w.trend.text,
                    },
                }
            )
        elif w.node is not None:
            row.update(
                {
                    "score": None if w.node.score is None else round(w.node.score, 4),
                    "coverage": None if w.node.coverage is None else round(w.node.coverage, 4),
                }
            )
        rows.append(row)
    return rows


def addressed_to(actor: Actor, limit: int = 8) -> list[Dashboard]:
    """The dashboards made for this person — their roles or their services — in display
    order, for the strip of links on their home page (one query).

    Unlike the list (where the quality cell sees every dashboard to edit them), this keeps
    only the dashboards whose audience names the user, so a home page shows « theirs ».
    """
    roles = sorted(actor.scope.roles)
    named = [Dashboard.roles.any(Role.name.in_(roles))] if roles else []
    if actor.scope.service_ids:
        named.append(Dashboard.services.any(Service.id.in_(sorted(actor.scope.service_ids))))
    if not named:
        return []
    stmt = (
        select(Dashboard)
        .where(Dashboard.archived.is_(False), or_(*named))
        .order_by(Dashboard.position, Dashboard.title)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))
