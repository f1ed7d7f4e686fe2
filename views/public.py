"""The public transparency page: the strategy map's top levels for citizens.

Switched off unless ``VIGIE_PUBLIC_MAP`` is set (it answers 404 then, as if it did not exist).
Anonymous and read-only: the programme, its axes and strategic objectives with their status,
score and coverage — the figures a town publishes. No service objective, indicator value,
person or link into the back-office is shown, so nothing personal or internal leaks, and the
page cannot be used to probe the application.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, render_template

from app.indicators.freshness import last_update
from app.indicators.rollup import Node, strategy_map
from app.programmes import default_programme_id
from app.strategy_map_svg import percent, render

public = Blueprint("vigie_public", __name__)


def _top_levels(node: Node, depth: int = 0) -> Node:
    """A copy of the tree down to strategic objectives, without the services' objectives."""
    children = (
        []
        if node.kind == "strategic_objective"
        else [_top_levels(child, depth + 1) for child in node.children]
    )
    return Node(
        node.kind,
        node.id,
        node.code,
        node.title,
        node.weight,
        node.status,
        node.score,
        node.coverage,
        children,
        {},
    )


@public.route("/public/map")
def public_map() -> Any:
    if not current_app.config.get("VIGIE_PUBLIC_MAP"):
        abort(404)
    programme_id = default_programme_id()
    result = strategy_map(programme_id) if programme_id is not None else None
    if result is None:
        abort(404)
    result.programme = _top_levels(result.programme)
    result.matrix, result.services = {}, []
    return render_template(
        "vigie/public_map.html",
        svg=render(result),
        strategy=result,
        percent=percent,
        updated=last_update(),
    )


def register_public(app: Any) -> None:
    app.register_blueprint(public)
