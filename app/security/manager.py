"""Vigie's security manager: FAB's, with the extended user (services, manager)."""

from __future__ import annotations

from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.views import UserDBModelView
from flask_babel import lazy_gettext as _l

from app.models.organisation import VigieUser

_USER_EXTRA = ["services", "manager"]


class VigieUserView(UserDBModelView):
    """User administration with service memberships and the manager (administrators only)."""

    list_columns = ["first_name", "last_name", "username", "email", "active", "roles", "services"]
    add_columns = [
        "first_name", "last_name", "username", "active", "email", "roles", *_USER_EXTRA,
        "password", "conf_password",
    ]
    edit_columns = [
        "first_name", "last_name", "username", "active", "email", "roles", *_USER_EXTRA,
    ]
    search_columns = ["first_name", "last_name", "username", "email", "active", "roles",
                      "services"]
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
