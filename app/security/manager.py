"""Vigie's security manager: FAB's, with the extended user (services, manager)."""

from __future__ import annotations

from typing import Any

from flask import Flask, g, has_request_context
from flask_appbuilder.security import views as fab_views
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.views import UserDBModelView
from flask_appbuilder.widgets import ListWidget, ShowWidget
from flask_babel import lazy_gettext as _l

from app.models.organisation import VigieUser
from app.registry import display
from app.security import login_history, login_throttle, sessions
from app.security.permission_labels import action_label, permissions_text, subject_label
from app.security.roles import role_label

_USER_EXTRA = ["services", "manager"]
#: Every column the users screens show, in words (FAB prints ``None``, ``True`` and Python
#: lists).
_USER_SHOWN = [
    "first_name",
    "last_name",
    "username",
    "email",
    "active",
    "roles",
    "services",
    "manager",
    "login_count",
    "last_login",
    "fail_login_count",
    "created_on",
    "changed_on",
    "created_by",
    "changed_by",
]


class WithPageHeading:
    """FAB's security screens drawn by templates that add the page's one ``<h1>`` (RGAA 9.1);
    they only extend FAB's own."""

    list_template = "vigie/security/list.html"
    show_template = "vigie/security/show.html"
    add_template = "vigie/security/add.html"
    edit_template = "vigie/security/edit.html"


class VigieUserView(WithPageHeading, UserDBModelView):
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
    formatters_columns = dict.fromkeys(_USER_SHOWN, display.shown_plain)
    description_columns = {
        **UserDBModelView.description_columns,
        "services": _l("Services dont l'agent est membre ; un membre d'un pôle voit ses services."),
        "manager": _l("Voit les objectifs individuels de l'agent."),
    }


class RoleModelView(WithPageHeading, fab_views.RoleModelView):
    """Roles read as an administrator says them: « Responsable de service », and its rights
    as « Lecture — Audits » (FAB's own widgets print ``can read on audit``). Read-only: roles
    are the code's (:mod:`app.security.administration`). It keeps FAB's class name, which
    names its endpoints and permissions."""

    list_widget = ListWidget
    show_widget = ShowWidget
    list_title = _l("Rôles")
    show_title = _l("Rôle")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # no « copy role » bulk action: roles are the code's (a copy would be a role nobody
        # defined, and its unlabelled row checkboxes fail RGAA 11.1)
        self.actions.pop("copyrole", None)

    label_columns = {"name": _l("Rôle"), "permissions": _l("Droits"), "groups": _l("Groupes")}
    formatters_columns = {"name": role_label, "permissions": permissions_text}


class PermissionViewModelView(WithPageHeading, fab_views.PermissionViewModelView):
    """Each right on a view or menu in words (« Écriture » on « Actions »), not FAB's codes
    (FAB's class name kept: it names the endpoints and permissions)."""

    list_title = _l("Droits sur les vues")
    show_title = _l("Droit sur une vue")
    label_columns = {"permission": _l("Droit"), "view_menu": _l("Vue ou menu")}
    formatters_columns = {
        "permission": lambda permission: action_label(permission.name),
        "view_menu": lambda view: subject_label(view.name),
    }


class UserGroupModelView(WithPageHeading, fab_views.UserGroupModelView):
    """Groups with labels in the reader's language: FAB declares none for this view, and the
    names it makes up from the columns (« Name », « Roles ») are English in French too (FAB's
    class name kept: it names the endpoints and permissions)."""

    label_columns = {
        "name": _l("Nom"),
        "label": _l("Libellé"),
        "description": _l("Description"),
        "users": _l("Utilisateurs"),
        "roles": _l("Rôles"),
    }


class VigieSecurityManager(SecurityManager):
    user_model = VigieUser
    userdbmodelview = VigieUserView
    rolemodelview = RoleModelView
    permissionviewmodelview = PermissionViewModelView
    groupmodelview = UserGroupModelView
    #: FAB's user statistics chart loads Google's charting script from the Internet (no
    #: external resource on any page); the user list says the same in words.
    userstatschartview = None

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

    # -- sign-in, sessions and tokens: the logic is in app.security.login_throttle (failed
    # -- attempts), app.security.sessions (revocation) and app.security.login_history

    def create_limiter(self, app: Flask) -> Any:
        """Vigie's Flask-Limiter on the app's Redis (failed sign-ins only)."""
        return login_throttle.create_limiter(app)

    def create_jwt_manager(self, app: Flask) -> Any:
        """FAB's JWT manager, whose tokens carry the session epoch and are refused after it."""
        jwt_manager = super().create_jwt_manager(app)
        sessions.install_jwt(jwt_manager)
        return jwt_manager

    def load_user(self, pk: Any) -> Any:
        """The session cookie's user, unless it was issued before a logout or password
        change (Flask-Login's user loader, checked on every request)."""
        user = super().load_user(pk)
        if user is None or not sessions.session_is_current(user):
            return None
        return user

    def load_user_jwt(self, _jwt_header: Any, jwt_data: Any) -> Any:
        """The token's user (active); its epoch was checked by the blocklist loader."""
        user = super().load_user(jwt_data["sub"])
        if user is not None:
            g.user = user
        return user

    def auth_user_db(self, username: Any, password: Any) -> Any:
        """FAB's check (a dummy hash verified for unknown names, so both take as long), then
        the failure counted by the limiter and written to the history."""
        user = super().auth_user_db(username, password)
        if user is None:
            login_throttle.mark_failed()
            login_history.record_failure(str(username or ""), g.pop("vigie_failed_account", None))
        return user

    def on_user_login(self, user: Any) -> None:
        login_history.record(login_history.LOGIN, user)

    def on_user_login_failed(self, user: Any) -> None:
        g.vigie_failed_account = user

    def on_user_logout(self, user: Any) -> None:
        """Signing out revokes every session cookie and JWT of the person."""
        sessions.revoke(user)
        login_history.record(login_history.LOGOUT, user)
