"""Application accounts: bound from the CLI, keys issued once, rotated and revoked by admins."""

from __future__ import annotations

import re

from flask import Flask

from app import registry
from app.commands.records import create_record
from app.extensions import db
from app.models import HistoryEntry, SourceApplication
from app.security.actor import Actor
from tests.conftest import PASSWORD, World, login, unique


def _source(app: Flask, world: World) -> tuple[int, str]:
    code = unique("APP")
    with app.app_context():
        obj = create_record(
            registry.get("source_application"),
            {
                "code": code,
                "name": f"Logiciel {code}",
                "owner_service": world.services["S1"],
                "expected_frequency": "monthly",
            },
            Actor.system_actor(),
        )
        return obj.id, code


def _valid(app: Flask, secret: str) -> str | None:
    with app.test_request_context():
        user = app.appbuilder.sm.validate_api_key(secret)  # type: ignore[attr-defined]
        return user.username if user else None


def test_cli_binds_an_application_account(app: Flask, world: World) -> None:
    pk, code = _source(app, world)
    runner = app.test_cli_runner()
    username = unique("app-cli-")
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--username",
            username,
            "--password",
            PASSWORD,
            "--role",
            "application",
            "--application",
            code,
        ]
    )
    assert result.exit_code == 0, result.output
    assert f"compte d'API de « {code} »" in result.output
    with app.app_context():
        source = db.session.get(SourceApplication, pk)
        assert source is not None and source.account is not None
        assert source.account.username == username
    refused = runner.invoke(
        args=[
            "users",
            "create",
            "--username",
            unique("x-"),
            "--password",
            PASSWORD,
            "--role",
            "agent",
            "--application",
            code,
        ]
    )
    assert refused.exit_code != 0
    assert "--role application" in refused.output
    unknown = runner.invoke(
        args=[
            "users",
            "create",
            "--username",
            unique("x-"),
            "--password",
            PASSWORD,
            "--role",
            "application",
            "--application",
            "NOPE",
        ]
    )
    assert unknown.exit_code != 0
    assert "inconnue" in unknown.output


def test_admin_issues_rotates_and_revokes_keys(app: Flask, world: World, client) -> None:
    pk, code = _source(app, world)
    login(client, world.users["admin"])
    page = client.post(f"/application_accounts/{pk}/issue")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    first = re.search(r'value="(vigie_[^"]+)"', page.get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    assert _valid(app, first) == f"app-{code.lower()}"
    listing = client.get("/application_accounts/").get_data(as_text=True)
    assert code in listing and first not in listing

    rotated = client.post(f"/application_accounts/{pk}/issue", data={"rotate": "1"})
    second = re.search(r'value="(vigie_[^"]+)"', rotated.get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    assert second != first
    assert _valid(app, first) is None
    assert _valid(app, second) == f"app-{code.lower()}"

    assert client.post(f"/application_accounts/{pk}/revoke").status_code == 302
    assert _valid(app, second) is None

    with app.app_context():
        reasons = [
            e.reason
            for e in db.session.query(HistoryEntry).filter_by(
                artefact="source_application", record_id=pk
            )
        ]
        entries = " ".join(r or "" for r in reasons)
        assert "Clé d'API émise" in entries and "renouvelée" in entries and "révoquées" in entries
        assert all(
            first not in str(e.changes) and second not in str(e.changes)
            for e in db.session.query(HistoryEntry).filter_by(record_id=pk)
        )


def test_only_admins_manage_keys(app: Flask, world: World, client) -> None:
    pk, _code = _source(app, world)
    login(client, world.users["quality"])
    assert client.get("/application_accounts/").status_code in (302, 403)
    response = client.post(f"/application_accounts/{pk}/issue")
    assert response.status_code in (302, 403)
    with app.app_context():
        source = db.session.get(SourceApplication, pk)
        assert source is not None and source.account is None
