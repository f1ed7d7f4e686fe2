"""Migrations, configuration, CSRF, roles sync and the ``vigie`` command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask

from app import create_app
from app.composition import ConfigurationError
from app.extensions import db
from tests.conftest import PASSWORD, World, is_postgres

ROOT = Path(__file__).resolve().parent.parent


def test_single_migration_head(app: Flask) -> None:
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config(app.extensions["migrate"].directory)
        assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_models_match_migrations(app: Flask) -> None:
    """The schema built by upgrading from empty (conftest) equals the models."""
    with app.app_context(), db.engine.connect() as conn:
        # the app's own autogenerate options (which objects Alembic compares)
        include = app.extensions["migrate"].configure_args["include_object"]
        context = MigrationContext.configure(
            conn, opts={"compare_type": False, "include_object": include}
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_upgrade_from_empty_ran_on_this_database(app: Flask) -> None:
    with app.app_context(), db.engine.connect() as conn:
        dialect = conn.dialect.name
        version = MigrationContext.configure(conn).get_current_revision()
    assert version is not None
    assert dialect == ("postgresql" if is_postgres() else "sqlite")


@pytest.mark.parametrize("key", [None, "", "changeme", "court"])
def test_refuses_to_start_without_a_real_secret_key(monkeypatch, tmp_path, key) -> None:
    monkeypatch.delenv("VIGIE_DEMO", raising=False)
    if key is None:
        monkeypatch.delenv("VIGIE_SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("VIGIE_SECRET_KEY", key)
    monkeypatch.setenv("VIGIE_DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite3")
    with pytest.raises(ConfigurationError, match="VIGIE_SECRET_KEY"):
        create_app()


def test_environment_overrides_defaults(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("VIGIE_SECRET_KEY", "une-cle-secrete-assez-longue-pour-la-prod")
    monkeypatch.setenv("VIGIE_DATABASE_URL", f"sqlite:///{tmp_path}/y.sqlite3")
    monkeypatch.setenv("VIGIE_REDIS_URL", "redis://127.0.0.1:1/0")
    flask_app = create_app()
    assert flask_app.config["SQLALCHEMY_DATABASE_URI"].endswith("y.sqlite3")
    assert flask_app.config["VIGIE_REDIS_URL"] == "redis://127.0.0.1:1/0"
    assert flask_app.config["BABEL_DEFAULT_LOCALE"] == "fr"


def test_csrf_protects_forms(app: Flask, world: World) -> None:
    protected = create_app({**app.config, "WTF_CSRF_ENABLED": True, "TESTING": True})
    client = protected.test_client()
    page = client.get("/login/")
    assert b"csrf_token" in page.data
    response = client.post(
        "/login/", data={"username": world.users["quality"], "password": PASSWORD}
    )
    assert response.status_code == 400


def test_jwt_api_login_works_with_csrf_on(app: Flask, world: World) -> None:
    protected = create_app({**app.config, "WTF_CSRF_ENABLED": True, "TESTING": True})
    response = protected.test_client().post(
        "/api/v1/security/login",
        json={"username": world.users["quality"], "password": PASSWORD, "provider": "db"},
    )
    assert response.status_code == 200


def test_roles_sync_is_idempotent_and_matches_code(app: Flask) -> None:
    from app.security.sync import desired_permissions, sync_roles

    with app.app_context():
        sm = app.appbuilder.sm  # type: ignore[attr-defined]
        sync_roles(app.appbuilder)  # type: ignore[attr-defined]
        first = {
            r.name: {(p.permission.name, p.view_menu.name) for p in r.permissions}
            for r in sm.get_all_roles()
        }
        sync_roles(app.appbuilder)  # type: ignore[attr-defined]
        second = {
            r.name: {(p.permission.name, p.view_menu.name) for p in r.permissions}
            for r in sm.get_all_roles()
        }
        assert first == second
        for code, perms in desired_permissions().items():
            assert first[code] == perms
        assert ("can_write", "service_objective") in first["service_head"]
        assert ("can_write", "service_objective") not in first["official"]
        assert ("can_write", "programme") in first["admin"]


def _vigie(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).with_name("vigie")), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def test_cli_upgrade_and_users_create(tmp_path) -> None:
    env = {
        **os.environ,
        "VIGIE_DEMO": "1",
        "VIGIE_DATABASE_URL": f"sqlite:///{tmp_path}/cli.sqlite3",
        "VIGIE_INSTANCE_DIR": str(tmp_path),
        "VIGIE_ADMIN_PASSWORD": "admin-mot-de-passe",
    }
    upgrade = _vigie("db", "upgrade", env=env)
    assert upgrade.returncode == 0, upgrade.stderr
    again = _vigie("db", "upgrade", env=env)
    assert again.returncode == 0, again.stderr
    missing = _vigie(
        "users",
        "create",
        "--username",
        "marie",
        "--password",
        "marie-secret-2026",
        "--role",
        "agent",
        "--service",
        "NULLE",
        env=env,
    )
    assert missing.returncode != 0 and "Service inconnu" in missing.stderr
    ok = _vigie(
        "users",
        "create",
        "--username",
        "marie",
        "--password",
        "marie-secret-2026",
        "--role",
        "quality",
        env=env,
    )
    assert ok.returncode == 0, ok.stderr
    assert "marie" in ok.stdout
    dup = _vigie(
        "users",
        "create",
        "--username",
        "marie",
        "--password",
        "marie-secret-2026",
        "--role",
        "quality",
        env=env,
    )
    assert dup.returncode != 0 and "existe déjà" in dup.stderr
