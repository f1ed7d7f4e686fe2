"""The service-scope matrix: every registered artefact × every path × own/other × UI and API.

A service head of S1 (pôle A) must reach S1 records and nothing of S3 (pôle B), on every
path; writes that would put a record into S3, or move one there, are refused and store
nothing. Global roles reach everything. Adding an artefact without a case here fails
``test_every_artefact_has_a_case``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from app import registry
from app.commands.records import Actor, create_record
from app.extensions import db
from tests.conftest import World, login, token, unique


@dataclass
class Case:
    """How to build records of one artefact for the matrix."""

    code: str
    payload: Callable[[World, Flask, str], dict[str, Any]]  # (world, app, service code)
    field: str  # a text field to update
    scoped: bool  # records belong to a service
    head_writes: bool  # the service head role may write this artefact
    move_field: str | None = None  # relation that places the record in a service


_PROGRAMME: dict[str, int] = {}


def _programme(app: Flask) -> int:
    if "id" not in _PROGRAMME:
        with app.app_context():
            obj = create_record(
                registry.get("programme"),
                {"title": "Programme matrice", "start_year": 2020, "end_year": 2026},
                Actor.system_actor(),
            )
            _PROGRAMME["id"] = obj.id
            axis = create_record(
                registry.get("axis"),
                {"programme": obj.id, "code": "AX-M", "title": "Axe matrice"},
                Actor.system_actor(),
            )
            _PROGRAMME["axis"] = axis.id
    return _PROGRAMME["id"]


CASES: dict[str, Case] = {
    "service": Case(
        "service",
        lambda w, a, s: {"code": unique("SV"), "name": "Sous-service", "parent": w.services[s],
                         "active": True},
        field="name",
        scoped=True,
        head_writes=False,
    ),
    "programme": Case(
        "programme",
        lambda w, a, s: {"title": unique("Programme "), "start_year": 2020, "end_year": 2026,
                         "status": "draft"},
        field="title",
        scoped=False,
        head_writes=False,
    ),
    "axis": Case(
        "axis",
        lambda w, a, s: {"programme": _programme(a), "code": unique("A"), "title": "Axe",
                         "position": 1},
        field="title",
        scoped=False,
        head_writes=False,
    ),
    "strategic_objective": Case(
        "strategic_objective",
        lambda w, a, s: (
            _programme(a)
            and {"axis": _PROGRAMME["axis"], "code": unique("OS"), "title": "Objectif",
                 "services": [w.services[s]], "weight": 1.0}
        ),
        field="title",
        scoped=False,
        head_writes=False,
    ),
    "service_objective": Case(
        "service_objective",
        lambda w, a, s: {"service": w.services[s], "year": 2026, "title": unique("Objectif "),
                         "weight": 1.0},
        field="title",
        scoped=True,
        head_writes=True,
        move_field="service",
    ),
}

ARTEFACTS = sorted(CASES)
HEAD = "service_head"


def test_every_artefact_has_a_case(app: Flask) -> None:
    with app.app_context():
        assert {a.code_name for a in registry.all_artefacts()} <= set(CASES)


def make(app: Flask, world: World, case: Case, service: str) -> int:
    """Create a record through the command layer (as the system) and return its id."""
    with app.app_context():
        obj = create_record(
            registry.get(case.code), case.payload(world, app, service), Actor.system_actor()
        )
        return int(obj.id)


def count(app: Flask, code: str) -> int:
    with app.app_context():
        model = registry.get(code).model
        return int(db.session.scalar(select(func.count()).select_from(model)))


def field_value(app: Flask, code: str, pk: int, field: str) -> Any:
    with app.app_context():
        obj = db.session.get(registry.get(code).model, pk)
        return getattr(obj, field)


def form_data(payload: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in payload.items():
        if isinstance(value, list):
            data[key] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[key] = "y"
        elif value is not None:
            data[key] = str(value)
    return data


def head_may_write(case: Case, target: str) -> bool:
    """The S1 head writes artefacts of their role, in S1 (or not bound to services)."""
    return case.head_writes and (target == "own" or not case.scoped)


def refusal_status(case: Case) -> int:
    """Another service's record reads as absent (404); a role without the right gets 403."""
    return 404 if case.scoped and case.head_writes else 403


# ------------------------------------------------------------------------------------ reads
@pytest.mark.parametrize("code", ARTEFACTS)
@pytest.mark.parametrize("channel", ["api", "ui"])
def test_list_shows_own_not_other(app: Flask, world: World, client: Any, code: str,
                                  channel: str) -> None:
    case = CASES[code]
    own = make(app, world, case, "S1")
    other = make(app, world, case, "S3")
    if channel == "api":
        headers = token(client, world.users[HEAD])
        response = client.get(f"/api/v1/{code}/?q=(page_size:500)", headers=headers)
        assert response.status_code == 200
        ids = set(response.json["ids"])
    else:
        login(client, world.users[HEAD])
        response = client.get(f"/{code}/list/?psize_{_view(code)}=500")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        ids = {pk for pk in (own, other) if f"/{code}/show/{pk}\"" in html}
    assert own in ids
    assert (other in ids) is (not case.scoped)


@pytest.mark.parametrize("code", ARTEFACTS)
@pytest.mark.parametrize("channel", ["api", "ui"])
@pytest.mark.parametrize("path", ["show", "history", "edit_form"])
def test_read_one_own_ok_other_404(app: Flask, world: World, client: Any, code: str,
                                   channel: str, path: str) -> None:
    case = CASES[code]
    if path == "edit_form" and (channel == "api" or not case.head_writes):
        pytest.skip("edit form: UI only, for artefacts the head may write")
    own = make(app, world, case, "S1")
    other = make(app, world, case, "S3")
    if channel == "api":
        headers = token(client, world.users[HEAD])
        suffix = "/history" if path == "history" else ""
        get = lambda pk: client.get(f"/api/v1/{code}/{pk}{suffix}", headers=headers)  # noqa: E731
    else:
        login(client, world.users[HEAD])
        url = {"show": "/{c}/show/{pk}", "history": "/{c}/show/{pk}", "edit_form": "/{c}/edit/{pk}"}
        get = lambda pk: client.get(url[path].format(c=code, pk=pk))  # noqa: E731
    assert get(own).status_code == 200
    assert get(other).status_code == (404 if case.scoped else 200)


@pytest.mark.parametrize("code", ARTEFACTS)
@pytest.mark.parametrize("channel", ["api", "ui"])
def test_export_holds_own_not_other(app: Flask, world: World, client: Any, code: str,
                                    channel: str) -> None:
    case = CASES[code]
    own_payload = case.payload(world, app, "S1")
    other_payload = case.payload(world, app, "S3")
    with app.app_context():
        artefact = registry.get(code)
        create_record(artefact, own_payload, Actor.system_actor())
        create_record(artefact, other_payload, Actor.system_actor())
    marker_field = "code" if "code" in own_payload else "title"
    if channel == "api":
        headers = token(client, world.users[HEAD])
        response = client.get(f"/api/v1/{code}/export?format=csv", headers=headers)
    else:
        login(client, world.users[HEAD])
        response = client.get(f"/{code}/export/csv")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    cells = {cell for row in rows[1:] for cell in row}
    assert own_payload[marker_field] in cells
    assert (other_payload[marker_field] in cells) is (not case.scoped)


# ----------------------------------------------------------------------------------- writes
@pytest.mark.parametrize("code", ARTEFACTS)
@pytest.mark.parametrize("channel", ["api", "ui"])
@pytest.mark.parametrize("target", ["own", "other"])
def test_create(app: Flask, world: World, client: Any, code: str, channel: str,
                target: str) -> None:
    case = CASES[code]
    payload = case.payload(world, app, "S1" if target == "own" else "S3")
    before = count(app, code)
    allowed = head_may_write(case, target)
    if channel == "api":
        response = client.post(f"/api/v1/{code}/", json=payload,
                               headers=token(client, world.users[HEAD]))
        if allowed:
            assert response.status_code == 201, response.json
        elif case.head_writes:
            # the service is out of reach: refused in French, naming the field
            assert response.status_code == 422, response.json
            assert response.json["errors"][0]["field"] == case.move_field
            assert "accessible" in response.json["errors"][0]["message"]
        else:
            assert response.status_code == 403, response.json
    else:
        login(client, world.users[HEAD])
        response = client.post(f"/{code}/add", data=form_data(payload))
        if allowed:
            assert response.status_code == 302
        else:
            # role refused (FAB redirects with "access denied") or service not offered
            assert response.status_code in (302, 403, 422)
    assert count(app, code) == before + (1 if allowed else 0)


@pytest.mark.parametrize("code", ARTEFACTS)
@pytest.mark.parametrize("channel", ["api", "ui"])
@pytest.mark.parametrize("target", ["own", "other"])
def test_update(app: Flask, world: World, client: Any, code: str, channel: str,
                target: str) -> None:
    case = CASES[code]
    service = "S1" if target == "own" else "S3"
    payload = case.payload(world, app, service)
    with app.app_context():
        obj = create_record(registry.get(code), payload, Actor.system_actor())
        pk, version, old = obj.id, obj.version, getattr(obj, case.field)
    new_value = unique("Nouveau ")
    allowed = head_may_write(case, target)
    if channel == "api":
        response = client.put(
            f"/api/v1/{code}/{pk}", json={case.field: new_value, "version": version},
            headers=token(client, world.users[HEAD]),
        )
        expected = 200 if allowed else refusal_status(case)
        assert response.status_code == expected, response.json
    else:
        login(client, world.users[HEAD])
        data = form_data({**payload, case.field: new_value, "version": version})
        response = client.post(f"/{code}/edit/{pk}", data=data)
        if allowed:
            assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        else:
            assert response.status_code in (302, 403, 404)
    assert field_value(app, code, pk, case.field) == (new_value if allowed else old)


@pytest.mark.parametrize("channel", ["api", "ui"])
def test_move_record_out_of_my_services_is_refused(app: Flask, world: World, client: Any,
                                                   channel: str) -> None:
    for code, case in CASES.items():
        if not (case.scoped and case.head_writes and case.move_field):
            continue
        payload = case.payload(world, app, "S1")
        with app.app_context():
            obj = create_record(registry.get(code), payload, Actor.system_actor())
            pk, version = obj.id, obj.version
        if channel == "api":
            response = client.put(
                f"/api/v1/{code}/{pk}",
                json={case.move_field: world.services["S3"], "version": version},
                headers=token(client, world.users[HEAD]),
            )
            # the related id is out of reach: refused, naming the field
            assert response.status_code == 422, response.json
            assert response.json["errors"][0]["field"] == case.move_field
        else:
            login(client, world.users[HEAD])
            data = form_data({**payload, case.move_field: world.services["S3"],
                              "version": version})
            response = client.post(f"/{code}/edit/{pk}", data=data)
            assert response.status_code == 422
        with app.app_context():
            moved = db.session.get(registry.get(code).model, pk)
            assert getattr(moved, case.move_field).code == "S1"


@pytest.mark.parametrize("code", ARTEFACTS)
@pytest.mark.parametrize("channel", ["api", "ui"])
@pytest.mark.parametrize("target", ["own", "other"])
def test_delete_archives(app: Flask, world: World, client: Any, code: str, channel: str,
                         target: str) -> None:
    case = CASES[code]
    pk = make(app, world, case, "S1" if target == "own" else "S3")
    allowed = head_may_write(case, target)
    before = count(app, code)
    if channel == "api":
        response = client.delete(f"/api/v1/{code}/{pk}", headers=token(client, world.users[HEAD]))
        expected = 200 if allowed else refusal_status(case)
        assert response.status_code == expected, response.json
    else:
        login(client, world.users[HEAD])
        response = client.post(f"/{code}/delete/{pk}")
        assert response.status_code in ((302,) if allowed else (302, 403, 404))
    assert count(app, code) == before  # never a hard delete
    assert field_value(app, code, pk, "archived") is allowed


def test_quality_cell_writes_everywhere(app: Flask, world: World, client: Any) -> None:
    headers = token(client, world.users["quality"])
    for code, case in CASES.items():
        payload = case.payload(world, app, "S3")
        response = client.post(f"/api/v1/{code}/", json=payload, headers=headers)
        assert response.status_code == 201, (code, response.json)


def test_pole_member_reaches_child_services(app: Flask, world: World, client: Any) -> None:
    case = CASES["service_objective"]
    in_s2 = make(app, world, case, "S2")
    in_s3 = make(app, world, case, "S3")
    headers = token(client, world.users["pole_head"])
    assert client.get(f"/api/v1/service_objective/{in_s2}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/service_objective/{in_s3}", headers=headers).status_code == 404


@pytest.mark.parametrize("role", ["quality", "executive", "official", "auditor", "admin"])
def test_global_roles_read_every_service(app: Flask, world: World, client: Any,
                                         role: str) -> None:
    pk = make(app, world, CASES["service_objective"], "S3")
    headers = token(client, world.users[role])
    assert client.get(f"/api/v1/service_objective/{pk}", headers=headers).status_code == 200


def test_application_account_reads_nothing_here(app: Flask, world: World, client: Any) -> None:
    pk = make(app, world, CASES["service_objective"], "S1")
    headers = token(client, world.users["application"])
    assert client.get(f"/api/v1/service_objective/{pk}", headers=headers).status_code == 403


def _view(code: str) -> str:
    return "".join(part.capitalize() for part in code.split("_")) + "View"


@pytest.mark.parametrize("channel", ["api", "ui"])
def test_restore_of_another_service_record_is_404(app: Flask, world: World, client: Any,
                                                  channel: str) -> None:
    case = CASES["service_objective"]
    pk = make(app, world, case, "S3")
    with app.app_context():
        from app.commands.records import archive_record

        artefact = registry.get(case.code)
        archive_record(artefact, db.session.get(artefact.model, pk), Actor.system_actor())
    if channel == "api":
        response = client.post(f"/api/v1/{case.code}/{pk}/restore", json={},
                               headers=token(client, world.users[HEAD]))
    else:
        login(client, world.users[HEAD])
        response = client.post(f"/{case.code}/restore/{pk}")
    assert response.status_code == 404
    assert field_value(app, case.code, pk, "archived") is True
