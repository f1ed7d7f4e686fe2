"""The home page: who you are, your services, where to start."""

from __future__ import annotations

from typing import Any

from flask import redirect, url_for
from flask_appbuilder import IndexView, expose
from flask_login import current_user

from app.security.roles import (
    AGENT,
    AUDITOR,
    EXECUTIVE,
    OFFICIAL,
    QUALITY,
    SERVICE_HEAD,
    role_label,
)


class VigieIndexView(IndexView):
    """Landing page after login: the map for officials and the general direction, « Mes
    tâches » for the people who run the quality system and the services."""

    index_template = "vigie/index.html"

    @expose("/")
    def index(self) -> Any:
        roles = []
        services = []
        if current_user and current_user.is_authenticated:
            codes = {r.name for r in current_user.roles}
            if codes & {OFFICIAL, EXECUTIVE}:
                # officials and the general direction steer by the strategy map
                return redirect(url_for("StrategyMapView.index"))
            if codes & {SERVICE_HEAD, AGENT, QUALITY, AUDITOR}:
                # the others start from what awaits them
                return redirect(url_for("MyTasksView.index"))
            roles = [role_label(r.name) for r in current_user.roles]
            services = sorted(getattr(current_user, "services", []), key=lambda s: s.code)
        return self.render_template(self.index_template, roles=roles, services=services)
