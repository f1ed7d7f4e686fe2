"""Shared fixtures: one real database per run (SQLite, or PostgreSQL from the environment).

The schema is built by the Alembic migrations (so every run tests them), roles are synced as
in production, and a small fixture town is created once: two pôles, three services, and one
account per role. Tests add their own records with unique names and never depend on counts
of records they did not create.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, text

from app import create_app
from app.extensions import db

#: The browser and live-server fixtures (``browser``, ``live_url``) and the demo town
#: (``demo_app``), for every test module.
pytest_plugins = ["tests.browser_fixtures", "tests.demo_town"]

PASSWORD = "motdepasse-test"
_counter = itertools.count(1)


def unique(prefix: str) -> str:
    """A code no other test uses."""
    return f"{prefix}{next(_counter):05d}"


_SEQUENCES: dict[str, itertools.count[int]] = {}


def sequence(name: str, start: int = 0) -> int:
    """The next number of a named sequence, shared by every test module of the run.

    For values that must be unique but bounded (a year, a period) and are drawn from several
    modules: a counter kept in a collected test module may exist twice (pytest imports it
    under another name than ``tests.…``); this module is imported as ``tests.conftest`` by
    every test and helper module.
    """
    counter = _SEQUENCES.setdefault(name, itertools.count(start))
    return next(counter)


def database_url(tmp_dir: str) -> str:
    """SQLite in the run's temporary folder, or the PostgreSQL database from the environment.

    Under pytest-xdist each worker gets its own PostgreSQL database (``<name>_gw0``…), created
    on the same throwaway server, so workers never reset each other's schema.
    """
    url = os.environ.get("VIGIE_TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_dir}/vigie-test.sqlite3"
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not url.startswith("postgresql"):
        return url
    from sqlalchemy import create_engine

    base, name = url.rsplit("/", 1)
    own = f"{name}_{worker}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": own}
        ).first()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{own}"'))
    engine.dispose()
    return f"{base}/{own}"


def is_postgres() -> bool:
    return (os.environ.get("VIGIE_TEST_DATABASE_URL") or "").startswith("postgresql")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Chromium tests run once, in the SQLite pass of ``make test``: they check what a page
    draws and how it behaves, which does not depend on the database; every read and write they
    go through is also tested on PostgreSQL without a browser. This keeps CI under its time
    budget (two cores: a browser test costs about as much as twenty request-level ones).
    ``VIGIE_TEST_BROWSER_ON_POSTGRES=1`` runs them on PostgreSQL too."""
    if not is_postgres() or os.environ.get("VIGIE_TEST_BROWSER_ON_POSTGRES") == "1":
        return
    skip = pytest.mark.skip(reason="Chromium tests run in the SQLite pass (tests/conftest.py)")
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(skip)


def reset_database(url: str) -> None:
    """Start from an empty database (PostgreSQL: drop and recreate the public schema)."""
    if url.startswith("postgresql"):
        from sqlalchemy import create_engine

        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()


#: Agents added to the fixture town: key → (username, services, line manager).
REPORTS: dict[str, tuple[str, list[str], str | None]] = {
    "agent_s1_b": ("t_agent_s1_b", ["S1"], None),
    "report_s1": ("t_report_s1", ["S1"], "t_head_s1"),
    "report_s3": ("t_report_s3", ["S3"], "t_head_s3"),
    "report_pole": ("t_report_pole", ["S1"], "t_head_pole_a"),
    "report_bulk": ("t_report_bulk", ["BULK"], None),
}


@dataclass
class World:
    """The fixture town: service ids by code and usernames by role (or by ``REPORTS`` key)."""

    services: dict[str, int]
    users: dict[str, str]


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    tmp = tmp_path_factory.mktemp("vigie")
    url = database_url(str(tmp))
    reset_database(url)
    flask_app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "tests-only-secret-key-0123456789abcdef0123456789",
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "VIGIE_INSTANCE_DIR": str(tmp),
            "VIGIE_REDIS_URL": os.environ.get("VIGIE_TEST_REDIS_URL"),
            "SERVER_NAME": None,
        }
    )
    with flask_app.app_context():
        from flask_migrate import upgrade

        from app.security.sync import sync_roles

        upgrade(directory=str(flask_app.extensions["migrate"].directory))
        sync_roles(flask_app.appbuilder)  # type: ignore[attr-defined]
        _build_world(flask_app)
    yield flask_app


def _build_world(flask_app: Flask) -> None:
    from app import registry
    from app.commands.records import create_record
    from app.organisation import create_user
    from app.security.actor import Actor

    service = registry.get("service")
    system = Actor.system_actor()
    pole_a = create_record(service, {"code": "POLE-A", "name": "Pôle A"}, system)
    pole_b = create_record(service, {"code": "POLE-B", "name": "Pôle B"}, system)
    for code, parent in (("S1", pole_a), ("S2", pole_a), ("S3", pole_b), ("BULK", pole_b)):
        create_record(service, {"code": code, "name": f"Service {code}", "parent": parent}, system)
    accounts = {
        "admin": ("t_admin", ["admin"], []),
        "quality": ("t_quality", ["quality"], []),
        "executive": ("t_executive", ["executive"], []),
        "official": ("t_official", ["official"], []),
        "auditor": ("t_auditor", ["auditor"], []),
        "service_head": ("t_head_s1", ["service_head"], ["S1"]),
        "agent": ("t_agent_s1", ["agent"], ["S1"]),
        "head_s3": ("t_head_s3", ["service_head"], ["S3"]),
        "pole_head": ("t_head_pole_a", ["service_head"], ["POLE-A"]),
        "application": ("t_application", ["application"], []),
    }
    for username, roles, services in accounts.values():
        create_user(
            username=username,
            password=PASSWORD,
            role_codes=roles,
            service_codes=services,
            first_name=username.capitalize(),
            last_name="Test",
        )
    # Agents with a line manager, for the confidential individual objectives: each of them is
    # the report of one head (or of nobody), and t_agent_s1_b is a colleague of t_agent_s1.
    for username, services, manager in REPORTS.values():
        create_user(
            username=username,
            password=PASSWORD,
            role_codes=["agent"],
            service_codes=services,
            first_name=username.capitalize(),
            last_name="Test",
            manager_username=manager,
        )


@pytest.fixture(scope="session")
def world(app: Flask) -> World:
    from app.models import Service

    with app.app_context():
        services = {s.code: s.id for s in db.session.query(Service).all()}
    users = {
        "admin": "t_admin",
        "quality": "t_quality",
        "executive": "t_executive",
        "official": "t_official",
        "auditor": "t_auditor",
        "service_head": "t_head_s1",
        "agent": "t_agent_s1",
        "head_s3": "t_head_s3",
        "pole_head": "t_head_pole_a",
        "application": "t_application",
        **{key: username for key, (username, _services, _manager) in REPORTS.items()},
    }
    return World(services=services, users=users)


@pytest.fixture()
def app_ctx(app: Flask) -> Iterator[None]:
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


_SESSIONS: dict[str, str] = {}


def login(client: FlaskClient, username: str, password: str = PASSWORD) -> FlaskClient:
    """Sign in through the real login form.

    A user's first sign-in of the run posts the form; later ones reuse the session cookie it
    got (hashing the password costs ~0.1 s, and the matrix signs in hundreds of times). The
    cookie is checked on every request like any other, so a deactivated account is still
    refused. A client already signed in as someone else is signed out first.
    """
    client.delete_cookie("session")
    if password == PASSWORD and username in _SESSIONS:
        client.set_cookie("session", _SESSIONS[username])
        return client
    response = client.post(
        "/login/", data={"username": username, "password": password}, follow_redirects=False
    )
    assert response.status_code == 302, response.data[:500]
    cookie = client.get_cookie("session")
    if cookie is not None and password == PASSWORD:
        _SESSIONS[username] = cookie.value
    return client


_TOKENS: dict[str, str] = {}


def token(client: FlaskClient, username: str) -> dict[str, str]:
    """JWT Authorization header for an API call, as a business application gets it."""
    if username not in _TOKENS:
        response = client.post(
            "/api/v1/security/login",
            json={"username": username, "password": PASSWORD, "provider": "db"},
        )
        assert response.status_code == 200, response.json
        _TOKENS[username] = response.json["access_token"]
    return {"Authorization": f"Bearer {_TOKENS[username]}"}


@pytest.fixture()
def count_queries(app: Flask) -> Any:
    """Context manager counting SQL statements sent to the database."""
    from contextlib import contextmanager

    @contextmanager
    def counter() -> Iterator[list[str]]:
        statements: list[str] = []

        def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            statements.append(statement)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return counter
