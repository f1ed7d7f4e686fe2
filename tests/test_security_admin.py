"""Security administration: roles stay as the code defines them, keys only for applications,
and every change to people, memberships, roles and keys is in Vigie's history.

FAB's security endpoints are enumerated from the URL map (every one Vigie refuses, per
``app.security.administration``), tried as the administrator with the emptying payloads, and
the roles' permissions, the keys and the groups must read the same afterwards.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from app import registry
from app.commands.errors import Forbidden
from app.commands.records import create_record
from app.extensions import db
from app.models import HistoryEntry, SourceApplication
from app.security.actor import Actor
from app.security.administration import READ_ONLY, REFUSED, refusal_of, roles_sync
from tests.conftest import PASSWORD, World, login, token, unique

#: Words of the refusals (app/security/administration.py).
ROLES_REFUSAL = "définis dans le code"
KEYS_REFUSAL = "Comptes d'application"
GROUPS_REFUSAL = "groupes"

#: A body for every refused write: the emptying list, a new name, a key for the admin…
PAYLOAD: dict[str, Any] = {
    "permission_view_menu_ids": [],
    "user_ids": [],
    "group_ids": [],
    "name": "pirate",
    "label": "pirate",
    "permission_id": 1,
    "view_menu_id": 1,
}


def expected(endpoint: str) -> str:
    """The words the refusal of ``endpoint`` must say."""
    if endpoint.startswith("ApiKey"):
        return KEYS_REFUSAL
    return GROUPS_REFUSAL if "Group" in endpoint else ROLES_REFUSAL


def role_permissions(app: Flask) -> dict[str, set[tuple[str, str]]]:
    with app.app_context():
        sm = app.appbuilder.sm  # type: ignore[attr-defined]
        perms = {
            r.name: {(p.permission.name, p.view_menu.name) for p in r.permissions}
            for r in sm.get_all_roles()
        }
        db.session.remove()
    return perms


def counts(app: Flask) -> dict[str, int]:
    from flask_appbuilder.security.sqla.models import (
        ApiKey,
        Group,
        Permission,
        PermissionView,
        ViewMenu,
    )

    with app.app_context():
        found = {
            model.__name__: db.session.scalar(select(func.count()).select_from(model)) or 0
            for model in (ApiKey, Group, Permission, PermissionView, ViewMenu)
        }
        db.session.remove()
    return found


def ids(app: Flask) -> dict[str, Any]:
    """Real ids for the URLs: the admin role, one of its permissions, a view, a key."""
    from flask_appbuilder.security.sqla.models import ApiKey

    with app.app_context():
        sm = app.appbuilder.sm  # type: ignore[attr-defined]
        admin = sm.find_role("admin")
        pv = admin.permissions[0]
        key = db.session.scalars(select(ApiKey)).first()
        found = {
            "pk": admin.id,
            "role_id": admin.id,
            "pv": pv.id,
            "view_menu": pv.view_menu_id,
            "key_uuid": key.uuid if key is not None else "0",
        }
        db.session.remove()
    return found


def issued_key(app: Flask, world: World) -> tuple[int, str]:
    """A source application with a key issued through Comptes d'application."""
    from app.security.applications import issue_key

    with app.app_context():
        source = create_record(
            registry.get("source_application"),
            {
                "code": unique("ADMAPP"),
                "name": "Logiciel",
                "owner_service": world.services["S1"],
                "expected_frequency": "monthly",
            },
            Actor.system_actor(),
        )
        source_id = int(source.id)
        issued = issue_key(db.session.get(SourceApplication, source_id), None)
        db.session.remove()
        return source_id, issued.uuid


def url_of(rule: Any, values: dict[str, Any]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "pk" and "/permissions-resources/" in rule.rule:
            return str(values["pv"])
        if name == "pk" and "/resources/" in rule.rule:
            return str(values["view_menu"])
        if name == "name":
            return "copyrole"
        return str(values.get(name, values["pk"]))

    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", value, rule.rule)


def refused_rules(app: Flask, api: bool) -> list[tuple[str, str, Any]]:
    found = []
    for rule in app.url_map.iter_rules():
        if refusal_of(rule.endpoint) is None or rule.rule.startswith("/api/") != api:
            continue
        for method in sorted(set(rule.methods or ()) - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, rule))
    return found


def test_the_refusals_cover_the_calls_of_the_issue(app: Flask) -> None:
    api = {endpoint for endpoint, _m, _r in refused_rules(app, api=True)}
    screens = {endpoint for endpoint, _m, _r in refused_rules(app, api=False)}
    assert {
        "RoleApi.add_role_permissions",
        "RoleApi.post",
        "RoleApi.put",
        "RoleApi.delete",
        "RoleApi.update_role_users",
        "PermissionViewMenuApi.delete",
        "ViewMenuApi.delete",
        "ApiKeyApi.create_api_key",
        "ApiKeyApi.revoke_api_key",
    } <= api
    assert {"RoleModelView.edit", "RoleModelView.delete", "RoleModelView.action_post"} <= screens
    # every class named in the policy exists in this FAB (a rename would skip it silently)
    owners = {endpoint.split(".")[0] for endpoint in app.view_functions}
    assert set(READ_ONLY) - {"UserGroupModelView"} <= owners
    assert set(REFUSED) <= owners
    # what stays: reading roles, managing people
    for kept in ("RoleApi.get_list", "RoleModelView.list", "UserApi.put", "VigieUserView.edit"):
        assert refusal_of(kept) is None


def test_no_security_api_call_changes_a_role_or_mints_a_key(app: Flask, world: World) -> None:
    issued_key(app, world)
    values = ids(app)
    before, totals = role_permissions(app), counts(app)
    assert before["admin"] and before["agent"]
    client = app.test_client()
    headers = token(client, world.users["admin"])
    answered = []
    for endpoint, method, rule in refused_rules(app, api=True):
        response = client.open(url_of(rule, values), method=method, json=PAYLOAD, headers=headers)
        message = (response.json or {}).get("message", "")
        if response.status_code != 403 or expected(endpoint) not in message:
            answered.append((endpoint, method, response.status_code, message))
    assert answered == []
    assert role_permissions(app) == before
    assert counts(app) == totals


def test_the_emptying_call_is_a_french_403(app: Flask, world: World) -> None:
    values = ids(app)
    before = role_permissions(app)
    client = app.test_client()
    response = client.post(
        f"/api/v1/security/roles/{values['role_id']}/permissions",
        json={"permission_view_menu_ids": []},
        headers=token(client, world.users["admin"]),
    )
    assert response.status_code == 403
    assert ROLES_REFUSAL in response.json["message"]
    minted = client.post(
        "/api/v1/security/api_keys/",
        json={"name": "clé admin"},
        headers=token(client, world.users["admin"]),
    )
    assert minted.status_code == 403
    assert KEYS_REFUSAL in minted.json["message"]
    assert role_permissions(app) == before


def test_no_security_screen_changes_a_role(app: Flask, world: World) -> None:
    values = ids(app)
    before, totals = role_permissions(app), counts(app)
    client = login(app.test_client(), world.users["admin"])
    answered = []
    for endpoint, method, rule in refused_rules(app, api=False):
        url = url_of(rule, values)
        data = {"name": "pirate", "permissions": [], "action": "copyrole", "rowid": values["pk"]}
        response = client.open(url, method=method, data=data)
        if method == "GET":
            page = response.get_data(as_text=True)
            if response.status_code != 403 or expected(endpoint) not in page:
                answered.append((endpoint, method, response.status_code))
        else:  # a refused write on a screen: the message flashed, back where it came from
            shown = client.get(response.headers.get("Location", "/")).get_data(as_text=True)
            if response.status_code != 302 or expected(endpoint) not in shown:
                answered.append((endpoint, method, response.status_code))
    assert answered == []
    assert role_permissions(app) == before
    assert counts(app) == totals
    page = client.get(f"/roles/edit/{values['pk']}").get_data(as_text=True)
    assert ROLES_REFUSAL in page


def test_the_database_refuses_a_role_change_outside_the_sync(app: Flask, world: World) -> None:
    from flask_appbuilder.security.sqla.models import ApiKey

    from app.unit_of_work import unit_of_work

    before = role_permissions(app)
    with app.app_context():
        sm = app.appbuilder.sm  # type: ignore[attr-defined]
        with pytest.raises(Forbidden, match=ROLES_REFUSAL), unit_of_work():
            sm.find_role("admin").permissions = []
        with pytest.raises(Forbidden), unit_of_work():
            sm.find_role("agent").name = "pirate"
        sm.add_role("pirate")  # FAB logs the refusal and rolls back
        assert sm.find_role("pirate") is None
        admin = sm.find_user(username=world.users["admin"])
        keys = db.session.scalar(select(func.count()).select_from(ApiKey))
        assert sm.create_api_key(admin, "clé admin") is None
        assert db.session.scalar(select(func.count()).select_from(ApiKey)) == keys
        db.session.remove()
    assert role_permissions(app) == before


# ---------------------------------------------------------------------------------- history
def last_entry(app: Flask) -> int:
    """The newest history entry's id: SQLite gives a deleted account's id to the next one,
    so a test reads only the entries written after it started."""
    with app.app_context():
        found = db.session.scalar(select(func.max(HistoryEntry.id))) or 0
        db.session.remove()
    return int(found)


def entries(app: Flask, artefact: str, record_id: int, since: int = 0) -> list[HistoryEntry]:
    with app.app_context():
        found = list(
            db.session.scalars(
                select(HistoryEntry)
                .where(
                    HistoryEntry.artefact == artefact,
                    HistoryEntry.record_id == record_id,
                    HistoryEntry.id > since,
                )
                .order_by(HistoryEntry.id)
            )
        )
        db.session.expunge_all()
        db.session.remove()
    return found


def user_id(app: Flask, username: str) -> int:
    with app.app_context():
        from app.organisation import find_user

        user = find_user(username)
        assert user is not None
        db.session.remove()
        return int(user.id)


def role_id(app: Flask, code: str) -> int:
    with app.app_context():
        found = int(app.appbuilder.sm.find_role(code).id)  # type: ignore[attr-defined]
        db.session.remove()
    return found


def test_accounts_changed_on_fab_screens_are_in_the_history(app: Flask, world: World) -> None:
    admin = login(app.test_client(), world.users["admin"])
    username = unique("t_ecran_")
    added = admin.post(
        "/users/add",
        data={
            "first_name": "Écran",
            "last_name": "Test",
            "username": username,
            "active": "y",
            "email": f"{username}@vigie.invalid",
            "roles": [str(role_id(app, "agent"))],
            "services": [str(world.services["S1"])],
            "password": PASSWORD,
            "conf_password": PASSWORD,
        },
    )
    assert added.status_code == 302, added.get_data(as_text=True)[:2000]
    pk = user_id(app, username)
    created = entries(app, "user", pk)
    assert [e.action for e in created] == ["create"]
    assert created[0].username == world.users["admin"]
    assert created[0].changes["username"] == [None, username]
    assert created[0].changes["roles"] == [None, ["agent"]]
    assert created[0].changes["services"] == [None, ["S1"]]
    assert "password" not in created[0].changes
    assert "/users/add" in (created[0].reason or "")

    edited = admin.post(
        f"/users/edit/{pk}",
        data={
            "first_name": "Écran",
            "last_name": "Test",
            "username": username,
            "email": f"{username}@vigie.invalid",
            "roles": [str(role_id(app, "service_head"))],
            "services": [str(world.services["S2"])],
        },  # "active" left out: the account is deactivated
    )
    assert edited.status_code == 302, edited.get_data(as_text=True)[:2000]
    update = entries(app, "user", pk)[-1]
    assert update.action == "update", update.changes
    assert update.changes.get("active") == [True, False], [
        e.changes for e in entries(app, "user", pk)
    ]
    assert update.changes["active"] == [True, False]
    assert update.changes["roles"] == [["agent"], ["service_head"]]
    assert update.changes["services"] == [["S1"], ["S2"]]
    assert "désactivé" in (update.reason or "")

    reset = admin.post(
        f"/resetpassword/form?pk={pk}",
        data={"password": "un-autre-mot-de-passe", "conf_password": "un-autre-mot-de-passe"},
    )
    assert reset.status_code == 302
    last = entries(app, "user", pk)[-1]
    assert last.changes == {"password": ["********", "********"]}
    assert last.username == world.users["admin"]


def test_accounts_changed_through_fab_api_are_in_the_history(app: Flask, world: World) -> None:
    client = app.test_client()
    headers = token(client, world.users["admin"])
    since = last_entry(app)
    username = unique("t_api_")
    created = client.post(
        "/api/v1/security/users/",
        json={
            "first_name": "Api",
            "last_name": "Test",
            "username": username,
            "email": f"{username}@vigie.invalid",
            "active": True,
            "password": PASSWORD,
            "roles": [role_id(app, "agent")],
        },
        headers=headers,
    )
    assert created.status_code == 201, created.json
    pk = created.json["id"]
    changed = client.put(
        f"/api/v1/security/users/{pk}",
        json={"roles": [role_id(app, "auditor")], "last_name": "Changé"},
        headers=headers,
    )
    assert changed.status_code == 200, changed.json
    deleted = client.delete(f"/api/v1/security/users/{pk}", headers=headers)
    assert deleted.status_code == 200, deleted.json
    found = entries(app, "user", pk, since)
    assert [e.action for e in found] == ["create", "update", "delete"], [e.changes for e in found]
    assert all(e.username == world.users["admin"] for e in found)
    assert found[1].changes["roles"] == [["agent"], ["auditor"]]
    assert found[1].changes["last_name"] == ["Test", "Changé"]
    assert found[2].changes == {"name": [username, None]}


def test_own_profile_and_command_line_changes_are_in_the_history(app: Flask, world: World) -> None:
    runner = app.test_cli_runner()
    since = last_entry(app)
    username = unique("t_cli_")
    result = runner.invoke(
        args=[
            *("users", "create", "--username", username, "--password", PASSWORD),
            *("--role", "agent", "--service", "S1"),
        ]
    )
    assert result.exit_code == 0, result.output
    pk = user_id(app, username)
    first = entries(app, "user", pk, since)
    assert first and first[0].action == "create" and first[0].username == "système"
    assert any(e.changes.get("services") == [[], ["S1"]] for e in first)
    own = login(app.test_client(), username)
    edited = own.post("/userinfoeditview/form", data={"first_name": "Moi", "last_name": "Même"})
    assert edited.status_code == 302
    last = entries(app, "user", pk)[-1]
    assert last.username == username
    assert last.changes["first_name"] == [username, "Moi"]


def test_keys_and_role_syncs_are_in_the_history(app: Flask, world: World) -> None:
    from flask_appbuilder.security.sqla.models import ApiKey

    from app.security.applications import revoke_keys
    from app.security.sync import sync_roles

    source_id, uuid = issued_key(app, world)
    with app.app_context():
        key_id = db.session.scalars(select(ApiKey.id).where(ApiKey.uuid == uuid)).one()
        revoke_keys(db.session.get(SourceApplication, source_id), None, reason="essai")
        db.session.remove()
    found = entries(app, "api_key", key_id)
    assert [e.action for e in found] == ["create", "update"]
    assert found[0].changes["key_prefix"] == [None, "vigie_"]
    assert "revoked_on" in found[1].changes
    assert "key_hash" not in found[0].changes

    # a permission lost by the agent role comes back with the sync, and both are in history
    agent = role_id(app, "agent")
    with app.app_context():
        sm = app.appbuilder.sm  # type: ignore[attr-defined]
        role = sm.find_role("agent")
        lost = sorted(role.permissions, key=lambda pv: pv.id)[0]
        name = f"{lost.permission.name} on {lost.view_menu.name}"
        with roles_sync():
            role.permissions.remove(lost)
            db.session.commit()
        sync_roles(app.appbuilder)  # type: ignore[attr-defined]
        db.session.remove()
    last_two = entries(app, "role", agent)[-2:]
    assert last_two[0].changes["permissions"] == [[name], []]
    assert last_two[1].changes["permissions"] == [[], [name]]
    assert "vigie roles sync" in (last_two[1].reason or "")
