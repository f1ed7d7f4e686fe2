"""Vigie's security manager: FAB's, with the extended user (services, manager)."""

from __future__ import annotations

from typing import Any

from flask import g, has_request_context
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.views import UserDBModelView
from flask_babel import lazy_gettext as _l

from app.models.organisation import VigieUser

_USER_EXTRA = ["services", "manager"]


class VigieUserView(UserDBModelView):
    """User administration with service memberships and the manager (administrators only)."""

    list_columns = ["first_name", "last_name", "username", "email", "active", "roles", "services"]
    add_columns = [
        "first_name",
        "last_name",
        "username",
        "active",
        "email",
        "roles",
        *_USER_EXTRA,
        "password",
        "conf_password",
    ]
    edit_columns = [
        "first_name",
        "last_name",
        "username",
        "active",
        "email",
        "roles",
        *_USER_EXTRA,
    ]
    search_columns = ["first_name", "last_name", "username", "email", "active", "roles", "services"]
    show_fieldsets = [
        (_l("Compte"), {"fields": ["username", "active", "roles", "login_count"]}),
        (_l("Identité"), {"fields": ["first_name", "last_name", "email"], "expanded": True}),
        (_l("Organisation"), {"fields": _USER_EXTRA, "expanded": True}),
        (
            _l("Suivi"),
            {
                "fields": ["last_login", "fail_login_count", "created_on", "changed_on"],
                "expanded": False,
            },
        ),
    ]
    label_columns = {
        **UserDBModelView.label_columns,
        "services": _l("Services"),
        "manager": _l("Responsable hiérarchique"),
        "roles": _l("Rôles"),
    }
    description_columns = {
        **UserDBModelView.description_columns,
        "services": _l("Services dont l'agent est membre ; un membre d'un pôle voit ses services."),
        "manager": _l("Voit les objectifs individuels de l'agent."),
    }


class VigieSecurityManager(SecurityManager):
    user_model = VigieUser
    userdbmodelview = VigieUserView

    def _has_view_access(self, user: object, permission_name: str, view_name: str) -> bool:
        """Answer from the user's permissions read once per request.

        Flask-AppBuilder asks the database once per permission checked, and the menu alone
        checks about 45 entries on every page: reading the user's (permission, view) pairs in
        one query per request makes every page about twice as fast. A permission changed by
        an administrator applies from the next request.
        """
        granted = self._request_permissions(user)
        if granted is None:
            return bool(super()._has_view_access(user, permission_name, view_name))
        return (permission_name, view_name) in granted

    def _request_permissions(self, user: Any) -> frozenset[tuple[str, str]] | None:
        if not has_request_context() or not getattr(user, "is_authenticated", False):
            return None
        cache: dict[Any, frozenset[tuple[str, str]]] = g.setdefault("vigie_permissions", {})
        key = getattr(user, "id", None)
        if key not in cache:
            pairs: set[tuple[str, str]] = set()
            for permissions in self.get_user_roles_permissions(user).values():
                pairs.update(permissions)
            cache[key] = frozenset(pairs)
        return cache[key]
