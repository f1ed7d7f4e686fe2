"""A safe default for routes Flask-AppBuilder leaves without a permission decorator.

FAB's ``action`` / ``action_post`` routes check permissions inside and load rows unfiltered.
Every route without a permission marker, other than the public ones listed here, is wrapped
so that only administrators reach it; the route meta-test then sees no unprotected route.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from flask import Flask, abort

from app.security.roles import ADMIN
from app.security.scope import request_user

PUBLIC_ENDPOINTS = frozenset(
    {
        "static",
        "appbuilder.static",
        "VigieIndexView.index",
        "UtilView.back",
        "LocaleView.index",
        "SecurityApi.login",
        "SecurityApi.refresh",
        "AuthDBView.login",
        "AuthDBView.logout",
        # the citizens' transparency page: anonymous by design, off unless configured
        "vigie_public.public_map",
        # the accessibility statement, which public bodies publish for all (views/accessibility.py)
        "vigie_accessibility.statement",
        # load balancers and monitoring: verdicts and counts only (app/health_checks.py)
        "vigie_health.live",
        "vigie_health.ready",
    }
)


def admin_only(func: Any) -> Any:
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        user = request_user()
        if user is None or not any(role.name == ADMIN for role in user.roles):
            abort(403)
        return func(*args, **kwargs)

    wrapper._permission_name = "admin_only"  # type: ignore[attr-defined]
    return wrapper


def guard_unmarked_routes(app: Flask) -> list[str]:
    """Wrap every unmarked, non-public endpoint as admin-only; return their names."""
    wrapped = []
    for endpoint, func in list(app.view_functions.items()):
        if endpoint in PUBLIC_ENDPOINTS or getattr(func, "_permission_name", None):
            continue
        app.view_functions[endpoint] = admin_only(func)
        wrapped.append(endpoint)
    return wrapped
