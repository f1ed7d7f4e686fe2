"""The home page: who you are, your services, where to start."""

from __future__ import annotations

from typing import Any

from flask import redirect, url_for
from flask_appbuilder import IndexView, expose

from app.security.roles import AGENT, ALL_SERVICE_ROLES, SERVICE_HEAD, role_label


class VigieIndexView(IndexView):
    """Landing page after login: « Mes tâches » for service heads and agents."""

    index_template = "vigie/index.html"

    @expose("/")
    def index(self) -> Any:
        from flask_login import current_user

        roles = []
        services = []
        if current_user and current_user.is_authenticated:
            codes = {r.name for r in current_user.roles}
            if codes & {SERVICE_HEAD, AGENT} and not codes & ALL_SERVICE_ROLES:
                # service heads and agents start from what awaits them
                return redirect(url_for("MyTasksView.index"))
            roles = [role_label(r.name) for r in current_user.roles]
            services = sorted(getattr(current_user, "services", []), key=lambda s: s.code)
        return self.render_template(self.index_template, roles=roles, services=services)
