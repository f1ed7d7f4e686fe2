"""Failed sign-ins are throttled per account and per address, with a lockout that ends by
itself; an unknown name costs the same hash check; every attempt is in the history.

The suite's app is shared: each test signs in as its own new account, from its own client
address (documentation ranges, only ever a WSGI environ value), so the limits it fills touch
nobody else, even when the run is repeated within the lockout.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.models.history import HistoryEntry
from app.organisation import create_user
from app.security import login_history, login_throttle
from tests.conftest import PASSWORD

WRONG = "pas-le-bon-mot-de-passe"


def _person(app: Flask) -> str:
    username = f"t_lock_{uuid.uuid4().hex[:10]}"
    with app.app_context():
        create_user(username=username, password=PASSWORD, role_codes=["agent"])
        db.session.remove()
    return username


def _address() -> str:
    return f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}"


def _client(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _form(client: FlaskClient, username: str, password: str) -> object:
    return client.post("/login/", data={"username": username, "password": password})


def _api(client: FlaskClient, username: str, password: str) -> object:
    return client.post(
        "/api/v1/security/login",
        json={"username": username, "password": password, "provider": "db"},
    )


def _signed_in(response: object) -> bool:
    """The form answers a success with a redirect away from the login page."""
    location = response.headers.get("Location", "")  # type: ignore[attr-defined]
    return response.status_code == 302 and "/login" not in location  # type: ignore[attr-defined]


def _redis(app: Flask):  # type: ignore[no-untyped-def]
    limiter = app.appbuilder.sm.limiter  # type: ignore[attr-defined]
    return limiter.storage.get_connection()


def _advance(app: Flask, fragment: str, seconds: int) -> None:
    """Let ``seconds`` pass for the limiter's keys of one account or address: every key that
    would have expired by then expires now (its TTL is the window it counts)."""
    redis = _redis(app)
    for key in list(redis.scan_iter(match=f"*{fragment}*", count=1000)):
        ttl = redis.pttl(key)
        if 0 <= ttl <= seconds * 1000:
            redis.delete(key)


@pytest.fixture()
def limits_cleared(app: Flask) -> Iterator[list[str]]:
    """Key fragments a test fills; forgotten afterwards (hygiene: they are unique anyway)."""
    fragments: list[str] = []
    yield fragments
    redis = _redis(app)
    for fragment in fragments:
        for key in list(redis.scan_iter(match=f"*{fragment}*", count=1000)):
            redis.delete(key)


def _entries(app: Flask, action: str, **where: object) -> list[HistoryEntry]:
    with app.app_context():
        stmt = select(HistoryEntry).where(
            HistoryEntry.artefact == login_history.ARTEFACT, HistoryEntry.action == action
        )
        for column, value in where.items():
            stmt = stmt.where(getattr(HistoryEntry, column) == value)
        found = list(db.session.scalars(stmt))
        db.session.remove()
    return found


def test_limiter_counts_in_the_apps_redis(app: Flask) -> None:
    """The suite's app limits in a real Redis (the test one, or the embedded server)."""
    assert _redis(app).ping()


def test_eleventh_failed_login_in_a_minute_is_refused_even_with_the_right_password(
    app: Flask, limits_cleared: list[str]
) -> None:
    username, address = _person(app), _address()
    limits_cleared += [username, address]
    client = _client(app, address)
    for attempt in range(10):
        refused = _form(client, username, WRONG)
        assert refused.status_code == 302 and "/login" in refused.headers["Location"], attempt

    locked = _form(client, username, PASSWORD)
    assert locked.status_code == 429
    page = locked.get_data(as_text=True)
    assert "Trop de tentatives de connexion échouées" in page
    assert "même avec le bon mot de passe" in page
    assert 'lang="fr"' in page
    assert int(locked.headers["Retry-After"]) == app.config["VIGIE_LOGIN_LOCKOUT_SECONDS"]
    # the lock is the account's: the API refuses it too, in French JSON, from anywhere
    api = _api(_client(app, _address()), username, PASSWORD)
    assert api.status_code == 429
    assert api.is_json and api.json["message"].startswith("Trop de tentatives")
    assert 0 < int(api.headers["Retry-After"]) <= app.config["VIGIE_LOGIN_LOCKOUT_SECONDS"]
    # another account from the same address still signs in (10 failures < address limit)
    other = _person(app)
    assert _signed_in(_form(client, other, PASSWORD))

    with app.app_context():
        from app.organisation import find_user

        account = find_user(username)
        assert account is not None
        account_id = account.id
        db.session.remove()
    lockouts = _entries(app, login_history.LOCKOUT, record_id=account_id)
    assert len(lockouts) == 1
    assert lockouts[0].username == "système" and lockouts[0].user_id is None
    assert lockouts[0].changes["subject"] == [None, "account"]
    assert lockouts[0].changes["address"] == [None, address]


def test_failed_api_logins_count_and_answer_french_json(
    app: Flask, limits_cleared: list[str]
) -> None:
    username, address = _person(app), _address()
    limits_cleared += [username, address]
    client = _client(app, address)
    for _ in range(10):
        assert _api(client, username, WRONG).status_code == 401
    locked = _api(client, username, PASSWORD)
    assert locked.status_code == 429
    assert "bloquée" in locked.json["message"]
    assert locked.json["retry_after"] == app.config["VIGIE_LOGIN_LOCKOUT_SECONDS"]
    # and the form shares the count: the same account is locked there too
    assert _form(client, username, PASSWORD).status_code == 429


def test_lockout_ends_by_itself(app: Flask, limits_cleared: list[str]) -> None:
    username, address = _person(app), _address()
    limits_cleared += [username, address]
    client = _client(app, address)
    for _ in range(10):
        _form(client, username, WRONG)
    assert _form(client, username, PASSWORD).status_code == 429

    # a minute later the failures have left the window, but the lock lasts
    _advance(app, username, 61)
    assert _form(client, username, PASSWORD).status_code == 429
    # once the lockout's duration has passed, the right password opens the session again
    _advance(app, username, app.config["VIGIE_LOGIN_LOCKOUT_SECONDS"])
    _advance(app, address, app.config["VIGIE_LOGIN_LOCKOUT_SECONDS"])
    assert _signed_in(_form(client, username, PASSWORD))


def test_failures_from_one_address_lock_the_address(app: Flask, limits_cleared: list[str]) -> None:
    address = _address()
    limits_cleared.append(address)
    client = _client(app, address)
    names = [f"t_nobody_{uuid.uuid4().hex[:8]}" for _ in range(30)]
    limits_cleared.extend(names)
    for name in names:  # many names, one address: each account far from its own limit
        _form(client, name, WRONG)
    username = _person(app)
    limits_cleared.append(username)
    locked = _form(client, username, PASSWORD)
    assert locked.status_code == 429
    assert "Trop de tentatives" in locked.get_data(as_text=True)
    # the same person from another address is not concerned
    assert _signed_in(_form(_client(app, _address()), username, PASSWORD))
    lockouts = _entries(app, login_history.LOCKOUT, record_id=0, username=username)
    assert [entry.changes["subject"] for entry in lockouts] == [[None, "address"]]


def test_successful_logins_never_count(app: Flask, limits_cleared: list[str]) -> None:
    username, address = _person(app), _address()
    limits_cleared += [username, address]
    client = _client(app, address)
    for _ in range(12):
        client.delete_cookie("session")
        assert _signed_in(_form(client, username, PASSWORD))
    # a typo after a busy morning is still only the first failure
    assert _form(client, username, WRONG).status_code == 302
    client.delete_cookie("session")
    assert _signed_in(_form(client, username, PASSWORD))


def test_unknown_username_verifies_a_hash_as_costly_as_a_real_one(
    app: Flask, monkeypatch: pytest.MonkeyPatch, limits_cleared: list[str]
) -> None:
    import flask_appbuilder.security.manager as fab_manager

    username, address = _person(app), _address()
    unknown = f"t_ghost_{uuid.uuid4().hex[:8]}"
    limits_cleared += [username, unknown, address]
    checked: list[str] = []
    real_check = fab_manager.check_password_hash

    def spy(pwhash: str, password: str) -> bool:
        checked.append(pwhash)
        return bool(real_check(pwhash, password))

    monkeypatch.setattr(fab_manager, "check_password_hash", spy)
    client = _client(app, address)
    _form(client, unknown, WRONG)
    _form(client, username, WRONG)
    with app.app_context():
        from app.organisation import find_user

        account = find_user(username)
        assert account is not None
        stored = account.password
        db.session.remove()
    dummy = app.config["AUTH_DB_FAKE_PASSWORD_HASH_CHECK"]
    assert checked == [dummy, stored]
    # same method and cost parameters (« scrypt:32768:8:1 »), different salt and value
    assert dummy.split("$")[0] == stored.split("$")[0]


def test_logins_and_failures_are_in_the_history(app: Flask, limits_cleared: list[str]) -> None:
    username, address = _person(app), _address()
    unknown = f"t_ghost_{uuid.uuid4().hex[:8]}"
    limits_cleared += [username, unknown, address]
    client = _client(app, address)
    _form(client, username, WRONG)
    _form(client, unknown, WRONG)
    assert _signed_in(_form(client, username, PASSWORD))
    assert _api(client, username, PASSWORD).status_code == 200
    with app.app_context():
        from app.organisation import find_user

        account = find_user(username)
        assert account is not None
        account_id = account.id
        db.session.remove()

    failed = _entries(app, login_history.LOGIN_FAILED, record_id=account_id)
    assert len(failed) == 1
    assert failed[0].user_id is None and failed[0].username == username
    assert failed[0].changes == {"address": [None, address], "via": [None, "form"]}
    ghost = _entries(app, login_history.LOGIN_FAILED, record_id=0, username=unknown)
    assert len(ghost) == 1 and ghost[0].user_id is None
    logins = _entries(app, login_history.LOGIN, record_id=account_id)
    assert sorted(entry.changes["via"][1] for entry in logins) == ["api", "form"]
    assert all(entry.user_id == account_id for entry in logins)


def test_unreachable_redis_falls_back_to_memory_never_a_500(
    app: Flask, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Redis down (nothing listens on the port): sign-in works and is still throttled."""
    # the migrations' logging configuration (alembic's fileConfig) disabled the loggers that
    # existed when the suite's database was built, Flask-Limiter's among them
    monkeypatch.setattr(logging.getLogger("flask-limiter"), "disabled", False)
    cut_off = create_app({**app.config, "VIGIE_REDIS_URL": "redis://127.0.0.1:1/0"})
    username, address = _person(app), _address()
    client = _client(cut_off, address)
    with caplog.at_level(logging.WARNING):
        assert _signed_in(_form(client, username, PASSWORD))
    assert "falling back to in-memory storage" in caplog.text
    client.delete_cookie("session")
    for _ in range(10):
        assert _form(client, username, WRONG).status_code == 302
    locked = _form(client, username, PASSWORD)
    assert locked.status_code == 429
    assert "Trop de tentatives" in locked.get_data(as_text=True)


def test_limiter_keys_name_the_account_and_the_address(app: Flask) -> None:
    with app.test_request_context(
        "/login/",
        method="POST",
        data={"username": "  Marie.Dupont "},
        environ_base={"REMOTE_ADDR": "192.0.2.7"},
    ):
        assert login_throttle.account_key().endswith(":account:marie.dupont")
        assert login_throttle.address_key().endswith(":address:192.0.2.7")
