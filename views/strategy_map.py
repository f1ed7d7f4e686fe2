"""*Carte stratégique*: the programme, its axes and strategic objectives, rolled up live.

The page draws the map as server-side SVG (:mod:`app.strategy_map_svg`) for the chosen period,
with the *service × axis* contribution matrix as an accessible table beside it, and drills down
from a strategic objective to its service objectives, their indicators and the indicator cards.
Everything comes from one roll-up (:func:`app.indicators.rollup.strategy_map`), read in a fixed
number of queries whatever the size of the town.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import dashboards, periods
from app.extensions import db
from app.indicators import status as st
from app.indicators.freshness import last_update
from app.indicators.rollup import Node, StrategyMap, strategy_map
from app.models import Programme
from app.programmes import default_programme_id
from app.security.actor import Actor
from app.strategy_map_svg import percent, render
from views.live import live_context


def period_choices(programme: Programme, today: date | None = None) -> list[tuple[str, str]]:
    """Latest values, then the programme's years, the recent quarters and months."""
    today = today or date.today()
    choices: list[tuple[str, str]] = [("", _("Dernières valeurs (en direct)"))]
    last_year = min(programme.end_year, today.year)
    for year in range(last_year, programme.start_year - 1, -1):
        choices.append((str(year), _("Année %(year)s", year=year)))
    quarter = periods.containing(today, periods.QUARTERLY)
    for _step in range(6):
        choices.append((quarter.code, _("Trimestre %(code)s", code=quarter.code)))
        quarter = quarter.previous()
    month = periods.containing(today, periods.MONTHLY).previous()
    for _step in range(12):
        choices.append((month.code, _("Mois %(code)s", code=month.code)))
        month = month.previous()
    return choices


def axis_of(root: Node, objective: Node) -> Node | None:
    for axis in root.children:
        if any(child is objective for child in axis.children):
            return axis
    return None


class StrategyMapView(BaseView):
    """``/strategy_map/``: whoever reads the programme sees its map."""

    route_base = "/strategy_map"
    class_permission_name = "programme"
    method_permission_name = {"index": "read", "show": "read", "objective": "read"}
    default_view = "index"

    def _period(self) -> str | None:
        code = (request.args.get("period") or "").strip() or None
        if code is not None and periods.parse(code) is None:
            abort(404)
        return code

    def _map(self, programme_id: int, code: str | None) -> tuple[Programme, StrategyMap]:
        programme = db.session.get(Programme, programme_id)
        if programme is None or programme.archived:
            abort(404)
        result = strategy_map(programme_id, code, reader=Actor.current())
        if result is None:
            abort(404)
        return programme, result

    @expose("/")
    @has_access
    def index(self) -> Any:
        programme_id = default_programme_id()
        if programme_id is None:
            return self.render_template("vigie/strategy_map/empty.html")
        period = request.args.get("period") or None
        return redirect(url_for("StrategyMapView.show", programme_id=programme_id, period=period))

    @expose("/<int:programme_id>")
    @has_access
    def show(self, programme_id: int) -> Any:
        code = self._period()
        programme, result = self._map(programme_id, code)
        updated = last_update()

        def link(node: Node) -> str | None:
            if node.kind == "strategic_objective":
                return url_for(
                    "StrategyMapView.objective",
                    programme_id=programme_id,
                    objective_id=node.id,
                    period=code or None,
                )
            return None

        axes = result.programme.children
        matrix = [
            (
                service_code,
                service_name,
                [self._cell(result.matrix.get((service_code, axis.code))) for axis in axes],
            )
            for service_code, service_name in result.services
        ]
        return self.render_template(
            "vigie/strategy_map/map.html",
            programme=programme,
            strategy=result,
            svg=render(result, link=link),
            axes=axes,
            matrix=matrix,
            choices=period_choices(programme),
            period=code or "",
            updated=updated,
            percent=percent,
            status_info=st.status_info,
            **live_context(updated),
            my_dashboards=dashboards.addressed_to(Actor.current()),
        )

    @staticmethod
    def _cell(value: tuple[float | None, float] | None) -> dict[str, Any] | None:
        if value is None:
            return None
        score, coverage = value
        return {
            "score": score,
            "coverage": coverage,
            "status": st.status_info(st.status_for_score(score)),
        }

    @expose("/<int:programme_id>/objective/<int:objective_id>")
    @has_access
    def objective(self, programme_id: int, objective_id: int) -> Any:
        code = self._period()
        programme, result = self._map(programme_id, code)
        updated = last_update()
        node = result.programme.find("strategic_objective", objective_id)
        if node is None:
            abort(404)
        return self.render_template(
            "vigie/strategy_map/objective.html",
            programme=programme,
            strategy=result,
            node=node,
            axis=axis_of(result.programme, node),
            choices=period_choices(programme),
            period=code or "",
            updated=updated,
            percent=percent,
            status_info=st.status_info,
            **live_context(updated),
        )


def register_strategy_map(appbuilder: Any) -> None:
    appbuilder.add_view(
        StrategyMapView,
        "strategy_map",
        label=_l("Carte stratégique"),
        icon="fa-sitemap",
        category="strategy",
        category_label=_l("Stratégie"),
    )
    # the map heads the strategy menu: it is the page the strategy is judged on
    for item in appbuilder.menu.menu:
        if item.name == "strategy":
            item.childs.sort(key=lambda child: child.name != "strategy_map")
