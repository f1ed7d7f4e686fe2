"""Logout and password change revoke the session cookie and the JWTs taken before them;
cookie flags outside demo mode; security headers on every kind of response.

Tests that sign out or change a password do it with their own new account: the suite's
accounts keep the cookies and tokens ``tests.conftest`` caches.
"""

from __future__ import annotations

import re
import uuid

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.models.history import HistoryEntry
from app.organisation import create_user, find_user
from app.security import login_history, sessions
from tests.conftest import PASSWORD, World, login, token

NEW_PASSWORD = "un-autre-mot-de-passe-solide"
PAGE = "/tasks/"  # a screen every signed-in person may open
API = "/api/v1/service_objective/"


def _person(app: Flask) -> tuple[str, int]:
    username = f"t_sess_{uuid.uuid4().hex[:10]}"
    with app.app_context():
        user = create_user(
            username=username, password=PASSWORD, role_codes=["agent"], service_codes=["S1"]
        )
        pk = int(user.id)
        db.session.remove()
    return username, pk


def _signed_in_client(app: Flask, username: str, password: str = PASSWORD) -> FlaskClient:
    client = app.test_client()
    response = client.post("/login/", data={"username": username, "password": password})
    assert response.status_code == 302 and "/login" not in response.headers["Location"]
    return client


def _jwt(app: Flask, username: str, password: str = PASSWORD) -> dict[str, str]:
    response = app.test_client().post(
        "/api/v1/security/login",
        json={"username": username, "password": password, "provider": "db", "refresh": True},
    )
    assert response.status_code == 200, response.json
    return response.json


def _with_cookie(app: Flask, value: str) -> FlaskClient:
    copy = app.test_client()
    copy.set_cookie("session", value)
    return copy


def _bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


def _refused_page(response: object) -> bool:
    location = response.headers.get("Location", "")  # type: ignore[attr-defined]
    return response.status_code == 302 and "/login" in location  # type: ignore[attr-defined]


def test_cookie_and_jwt_taken_before_logout_are_refused_after_it(app: Flask) -> None:
    username, pk = _person(app)
    client = _signed_in_client(app, username)
    stolen_cookie = client.get_cookie("session").value
    tokens = _jwt(app, username)
    assert _with_cookie(app, stolen_cookie).get(PAGE).status_code == 200
    assert app.test_client().get(API, headers=_bearer(tokens["access_token"])).status_code == 200

    assert client.get("/logout/").status_code == 302

    assert _refused_page(client.get(PAGE))
    assert _refused_page(_with_cookie(app, stolen_cookie).get(PAGE))
    api = app.test_client().get(API, headers=_bearer(tokens["access_token"]))
    assert api.status_code == 401
    assert "Jeton révoqué" in api.json["message"]
    refreshed = app.test_client().post(
        "/api/v1/security/refresh", headers=_bearer(tokens["refresh_token"])
    )
    assert refreshed.status_code == 401
    # signing in again gives a session and a token that work
    again = _signed_in_client(app, username)
    assert again.get(PAGE).status_code == 200
    fresh = _jwt(app, username)["access_token"]
    assert app.test_client().get(API, headers=_bearer(fresh)).status_code == 200
    with app.app_context():
        logouts = db.session.scalars(
            select(HistoryEntry).where(
                HistoryEntry.artefact == login_history.ARTEFACT,
                HistoryEntry.record_id == pk,
                HistoryEntry.action == login_history.LOGOUT,
            )
        ).all()
        assert [entry.user_id for entry in logouts] == [pk]
        db.session.remove()


def test_own_password_change_revokes_every_other_session_and_token(app: Flask) -> None:
    username, pk = _person(app)
    client = _signed_in_client(app, username)
    copied_cookie = client.get_cookie("session").value
    old_token = _jwt(app, username)["access_token"]

    changed = client.post(
        "/resetmypassword/form",
        data={"password": NEW_PASSWORD, "conf_password": NEW_PASSWORD},
    )
    assert changed.status_code == 302, changed.get_data(as_text=True)[:2000]

    assert client.get(PAGE).status_code == 200  # the session it was changed from goes on
    assert _refused_page(_with_cookie(app, copied_cookie).get(PAGE))
    assert app.test_client().get(API, headers=_bearer(old_token)).status_code == 401
    new_token = _jwt(app, username, NEW_PASSWORD)["access_token"]
    assert app.test_client().get(API, headers=_bearer(new_token)).status_code == 200
    with app.app_context():
        entry = db.session.scalars(
            select(HistoryEntry).where(
                HistoryEntry.record_id == pk, HistoryEntry.action == login_history.PASSWORD
            )
        ).one()
        assert entry.user_id == pk and entry.artefact == login_history.ARTEFACT
        db.session.remove()


def test_password_reset_by_an_administrator_revokes_the_persons_sessions(
    app: Flask, world: World
) -> None:
    username, pk = _person(app)
    person = _signed_in_client(app, username)
    old_token = _jwt(app, username)["access_token"]
    admin = login(app.test_client(), world.users["admin"])

    reset = admin.post(
        f"/resetpassword/form?pk={pk}",
        data={"password": NEW_PASSWORD, "conf_password": NEW_PASSWORD},
    )
    assert reset.status_code == 302, reset.get_data(as_text=True)[:2000]

    assert _refused_page(person.get(PAGE))
    assert app.test_client().get(API, headers=_bearer(old_token)).status_code == 401
    assert admin.get(PAGE).status_code == 200  # the administrator's own session is untouched
    with app.app_context():
        admin_id = find_user(world.users["admin"]).id  # type: ignore[union-attr]
        entry = db.session.scalars(
            select(HistoryEntry).where(
                HistoryEntry.record_id == pk, HistoryEntry.action == login_history.PASSWORD
            )
        ).one()
        assert entry.user_id == admin_id
        db.session.remove()


def test_a_cookie_or_token_without_the_epoch_is_refused(app: Flask) -> None:
    """Issued before revocation existed (or forged without it): refused."""
    username, pk = _person(app)
    client = _signed_in_client(app, username)
    with client.session_transaction() as stored:
        del stored[sessions.SESSION_KEY]
    assert _refused_page(client.get(PAGE))
    with app.app_context():
        from flask_jwt_extended import create_access_token

        bare = create_access_token(identity=str(pk), additional_claims={"vigie_epoch": None})
    answer = app.test_client().get(API, headers=_bearer(bare))
    assert answer.status_code == 401 and "Jeton révoqué" in answer.json["message"]


def test_session_cookie_flags_in_tests(app: Flask) -> None:
    username, _pk = _person(app)
    client = app.test_client()
    response = client.post("/login/", data={"username": username, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Expires=" in cookie  # a lifetime, not a cookie that lives as long as the browser
    assert "Secure" not in cookie  # tests and demo mode run on http://localhost


@pytest.fixture(scope="module")
def production(app: Flask) -> Flask:
    """The suite's app as production runs it: not in tests, not in demo mode, behind one
    reverse proxy."""
    return create_app({**app.config, "TESTING": False, "VIGIE_DEMO": False, "VIGIE_PROXY_HOPS": 1})


def test_session_cookie_is_secure_outside_demo_mode(app: Flask, production: Flask) -> None:
    assert production.config["SESSION_COOKIE_SECURE"] is True
    assert production.config["PERMANENT_SESSION_LIFETIME"].total_seconds() == 8 * 3600
    username, _pk = _person(app)
    response = production.test_client().post(
        "/login/", data={"username": username, "password": PASSWORD}
    )
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_cookie_policy_follows_the_mode() -> None:
    from flask import Flask as Bare

    demo = Bare("demo")
    demo.config.update(VIGIE_DEMO=True, VIGIE_SESSION_HOURS=2)
    sessions.configure_cookies(demo)
    assert demo.config["SESSION_COOKIE_SECURE"] is False
    assert demo.config["PERMANENT_SESSION_LIFETIME"].total_seconds() == 7200
    forced = Bare("forced")
    forced.config.update(VIGIE_DEMO=True, VIGIE_SECURE_COOKIES=True, VIGIE_COOKIE_SAMESITE="Strict")
    sessions.configure_cookies(forced)
    assert forced.config["SESSION_COOKIE_SECURE"] is True
    assert forced.config["SESSION_COOKIE_SAMESITE"] == "Strict"


# -- security headers ------------------------------------------------------------------------

_SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def _assert_security_headers(response: object) -> str:
    headers = response.headers  # type: ignore[attr-defined]
    csp = headers["Content-Security-Policy"]
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in headers  # served over plain HTTP
    match = re.search(r"'nonce-([^']+)'", script_src)
    assert match is not None
    return match.group(1)


def _assert_scripts_allowed(html: str, nonce: str, url: str) -> None:
    """Every inline script carries this response's nonce; no inline event handler."""
    for attributes in _SCRIPT.findall(html):
        if "src=" not in attributes:
            assert f'nonce="{nonce}"' in attributes, (url, attributes)
    assert _HANDLER.search(html) is None, (url, _HANDLER.search(html))


def test_security_headers_on_pages_with_nonced_scripts(app: Flask, world: World) -> None:
    anonymous = app.test_client()
    page = anonymous.get("/login/")
    nonce = _assert_security_headers(page)
    _assert_scripts_allowed(page.get_data(as_text=True), nonce, "/login/")
    assert _assert_security_headers(anonymous.get("/login/")) != nonce  # one per response

    client = login(app.test_client(), world.users["admin"])
    for url in (
        "/",
        "/service_objective/list/",
        "/service_objective/add",
        "/tasks/",
        "/entry/",
        "/import/",
        "/strategy_map/",
        "/jobs/",
        "/dashboards/",
        "/users/list/",
        "/resetmypassword/form",
        "/swagger/v1",
    ):
        # /strategy_map/ opens the current programme's map when there is one
        response = client.get(url, follow_redirects=True)
        assert response.status_code == 200, url
        _assert_scripts_allowed(
            response.get_data(as_text=True), _assert_security_headers(response), url
        )


def test_security_headers_on_api_static_and_errors(app: Flask, world: World) -> None:
    client = app.test_client()
    headers = token(client, world.users["quality"])
    for response in (
        client.get(API, headers=headers),  # API
        client.get("/vigie-static/vigie.js"),  # Vigie's static files
        client.get("/static/appbuilder/js/ab.js"),  # Flask-AppBuilder's
        client.get("/pas-de-page-ici"),  # 404
        client.get("/api/v1/security/login"),  # 405
        client.get(API),  # 401 without a token
    ):
        _assert_security_headers(response)


def test_hsts_only_over_https(app: Flask) -> None:
    client = app.test_client()
    secure = client.get("/login/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in client.get("/login/").headers


def test_behind_a_proxy_hsts_and_address_come_from_forwarded_headers(production: Flask) -> None:
    client = production.test_client()
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.4"}
    assert "Strict-Transport-Security" in client.get("/login/", headers=forwarded).headers
    assert "Strict-Transport-Security" not in client.get("/login/").headers
    ghost = f"t_ghost_{uuid.uuid4().hex[:8]}"
    client.post("/login/", data={"username": ghost, "password": "x" * 12}, headers=forwarded)
    with production.app_context():
        entry = db.session.scalars(
            select(HistoryEntry).where(
                HistoryEntry.action == login_history.LOGIN_FAILED, HistoryEntry.username == ghost
            )
        ).one()
        assert entry.changes["address"] == [None, "198.51.100.4"]
        db.session.remove()
