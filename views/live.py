"""Live pages: the map and the indicator cards follow new values without a reload.

One mechanism for every live page: the page marks a region with ``data-live`` and the data
version it was drawn from; ``live.js`` asks ``/live/version`` every few seconds (one indexed
``max(updated_at)`` query) and, when the version moved, fetches the page again and swaps the
marked regions in place, announcing it politely to screen readers. Pushes, imports and entry
forms all write ``measurement.updated_at``, so any new value moves the version.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app, jsonify
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access

from app.indicators.freshness import data_version

#: Seconds between two checks: "within seconds" of a value's arrival, cheap for the server.
POLL_SECONDS = 10


def live_context(updated: datetime | None = None) -> dict[str, Any]:
    """What ``vigie/_live.html`` needs: the data version the page was drawn from (pass the
    page's own ``last_update()`` to read it once)."""
    every = current_app.config.get("VIGIE_LIVE_POLL_SECONDS") or POLL_SECONDS
    return {"live_version": data_version(updated), "live_every": int(every)}


class LiveView(BaseView):
    """``/live/version``: readable by whoever reads indicators."""

    route_base = "/live"
    class_permission_name = "indicator"
    method_permission_name = {"version": "read"}

    @expose("/version")
    @has_access
    def version(self) -> Any:
        response = jsonify(version=data_version())
        response.headers["Cache-Control"] = "no-store"
        return response


def register_live(appbuilder: Any) -> None:
    appbuilder.add_view_no_menu(LiveView)
