"""Every route is protected by a permission (Superset's ``test_views_are_secured``)."""

from __future__ import annotations

import re

import pytest
from flask import Flask

#: Endpoints that are public on purpose (login, static files, language switch, OpenAPI).
PUBLIC_ENDPOINTS = {
    "static",
    "appbuilder.static",
    "AuthDBView.login",
    "AuthDBView.logout",
    "LocaleView.index",
    "UtilView.back",
    "VigieIndexView.index",
    "SecurityApi.login",
    "SecurityApi.refresh",
    # the citizens' transparency page: off by default (404), top levels only when on —
    # see tests/test_strategy_map_page.py
    "vigie_public.public_map",
    # the accessibility statement public bodies publish — see tests/test_page_structure.py
    "vigie_accessibility.statement",
    # liveness and readiness for load balancers — see tests/test_health_endpoints.py
    "vigie_health.live",
    "vigie_health.ready",
}


def _function(app: Flask, endpoint: str):
    return app.view_functions[endpoint]


def test_every_endpoint_has_a_permission(app: Flask) -> None:
    unprotected = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        func = _function(app, rule.endpoint)
        # FAB's has_access / protect wrappers carry the permission they check
        if not getattr(func, "_permission_name", None):
            unprotected.append(rule.endpoint)
    assert unprotected == []


def _sample_url(rule) -> str:
    url = rule.rule
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: "1", url)


def test_anonymous_gets_nothing(app: Flask) -> None:
    client = app.test_client()
    leaks = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS or "GET" not in rule.methods:
            continue
        response = client.get(_sample_url(rule))
        if response.status_code not in (302, 401, 403, 404, 405):
            leaks.append((rule.rule, response.status_code))
        if response.status_code == 302:
            assert "/login" in response.headers["Location"], rule.rule
    assert leaks == []


@pytest.mark.parametrize("path", ["/ResetPasswordView/form", "/resetpassword/form"])
def test_reset_password_of_others_needs_admin(app: Flask, path: str) -> None:
    response = app.test_client().get(path)
    assert response.status_code in (302, 401, 403, 404)
