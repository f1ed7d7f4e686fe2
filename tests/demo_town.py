"""The demo town, for the tests that read every page as people meet it, loaded by ``conftest``.

``demo_app`` loads the demo once per run through the real command line (``vigie db upgrade``
then ``vigie demo load``) into a database of its own — a SQLite file, or a database of its
own on the PostgreSQL test server when the run uses PostgreSQL — and builds the application
on it. Shared by the human-values test and the languages test, so the demo is loaded once.

Two routes are added for the tests only, before the first request (they exist on this app,
never on the production one): ``/_tests/crash`` raises an unexpected exception and
``/_tests/unavailable`` answers as when the database is down, so the 500 and 503 pages are
drawn through the real error handlers.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

import pytest
from flask import Flask, Response
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from tests.factories import form_errors

ROOT = Path(__file__).resolve().parent.parent
ADMIN_PASSWORD = "admin-mot-de-passe"
#: The test-only routes of the demo app (see the module docstring).
CRASH = "/_tests/crash"
UNAVAILABLE = "/_tests/unavailable"


def _demo_database(folder: Path) -> str:
    """A database for the demo alone: SQLite in ``folder``, or a fresh PostgreSQL one."""
    url = os.environ.get("VIGIE_TEST_DATABASE_URL") or ""
    if not url.startswith("postgresql"):
        return f"sqlite:///{folder}/demo.sqlite3"
    base, name = url.rsplit("/", 1)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    own = f"{name}_demo" + (f"_{worker}" if worker else "")
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{own}"'))
        conn.execute(text(f'CREATE DATABASE "{own}"'))
    engine.dispose()
    return f"{base}/{own}"


def _vigie(*args: str, env: dict[str, str]) -> None:
    done = subprocess.run(
        [str(Path(sys.executable).with_name("vigie")), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]


def _crash() -> NoReturn:
    raise RuntimeError("a bug, on purpose (tests/demo_town.py)")


def _unavailable() -> Response:
    from app.faults import unavailable_response

    return unavailable_response()


@pytest.fixture(scope="session")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    from app import create_app

    folder = tmp_path_factory.mktemp("demo-town")
    url = _demo_database(folder)
    env = {
        **os.environ,
        "VIGIE_DEMO": "1",
        "VIGIE_INSTANCE_DIR": str(folder),
        "VIGIE_DATABASE_URL": url,
        "VIGIE_ADMIN_PASSWORD": ADMIN_PASSWORD,
    }
    env.pop("VIGIE_FILES_DIR", None)
    _vigie("db", "upgrade", env=env)
    _vigie("demo", "load", env=env)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "tests-only-secret-key-0123456789abcdef0123456789",
            "SQLALCHEMY_DATABASE_URI": url,
            "VIGIE_INSTANCE_DIR": str(folder),
            "VIGIE_FILES_DIR": None,
            "SERVER_NAME": None,
            "WTF_CSRF_ENABLED": False,
        }
    )
    app.add_url_rule(CRASH, "tests_crash", _crash)
    app.add_url_rule(UNAVAILABLE, "tests_unavailable", _unavailable)
    return app


def demo_client(
    app: Flask, language: str, username: str = "admin", password: str = ADMIN_PASSWORD
) -> FlaskClient:
    """A client signed in as ``username`` that reads the pages in ``language`` (the way a
    person switches: Flask-AppBuilder's ``/lang/<code>``, kept in the session)."""
    client = app.test_client()
    response = client.post("/login/", data={"username": username, "password": password})
    assert response.status_code == 302, form_errors(response)
    assert client.get(f"/lang/{language}").status_code == 302
    return client
