"""The home page: who you are, your services, where to start."""

from __future__ import annotations

from typing import Any

from flask_appbuilder import IndexView, expose

from app.security.roles import role_label


class VigieIndexView(IndexView):
    """Landing page after login (role-specific homes come with the map and "Mes tâches")."""

    index_template = "vigie/index.html"

    @expose("/")
    def index(self) -> Any:
        from flask_login import current_user

        roles = []
        services = []
        if current_user and current_user.is_authenticated:
            roles = [role_label(r.name) for r in current_user.roles]
            services = sorted(getattr(current_user, "services", []), key=lambda s: s.code)
        return self.render_template(self.index_template, roles=roles, services=services)
