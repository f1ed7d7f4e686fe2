"""The service-scope matrix: every registered artefact × every path × own/other × UI and API.

A service head of S1 (pôle A) must reach S1 records and nothing of S3 (pôle B), on every
path — list, show, history, edit form, export, create, update, delete (archive), restore, and
the related-record pickers (forms and the API's ``_info``); writes that would put a record
into S3, or move one there, are refused and store nothing. Global roles reach everything.
Rules with more readers than "own services" have their own tests at the end: records covering
several services, published documents, dashboard audiences (and ``test_confidentiality`` for
individual objectives). The cases — how to build a record of each artefact in a service —
are in ``tests.scope_cases``; adding an artefact without one fails
``test_every_artefact_has_a_case``.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from flask import Flask

from app import registry
from app.commands.records import create_record
from app.extensions import db
from app.security.actor import Actor
from app.security.scope import ByMany
from tests.conftest import World, login, token, unique
from tests.factories import count, form_errors, info_values, picker_options
from tests.scope_cases import ARTEFACTS, CASES, Case

HEAD = "service_head"


def test_every_artefact_has_a_case(app: Flask) -> None:
    with app.app_context():
        assert {a.code_name for a in registry.all_artefacts()} == set(CASES)


def make(app: Flask, world: World, case: Case, service: str) -> int:
    """Create a record through the command layer (as the system) and return its id."""
    with app.app_context():
        obj = create_record(
            registry.get(case.code), case.payload(world, app, service), Actor.system_actor()
        )
        return int(obj.id)


def field_value(app: Flask, code: str, pk: int, field: str) -> Any:
    with app.app_context():
        obj = db.session.get(registry.get(code).model, pk)
        return getattr(obj, field)


def form_data(payload: dict[str, Any], code: str | None = None) -> dict[str, Any]:
    """The payload as a browser posts the form (a select left alone posts its blank)."""
    data: dict[str, Any] = {}
    if code is not None:
        with_blank = registry.get(code)
        for name in with_blank.choices:
            if name in with_blank.editable_fields and with_blank.is_nullable(name):
                data[name] = ""
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
def test_list_shows_own_not_other(
    app: Flask, world: World, client: Any, code: str, channel: str
) -> None:
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
        ids = {pk for pk in (own, other) if f'/{code}/show/{pk}"' in html}
    assert own in ids
    assert (other in ids) is (not case.scoped)


@pytest.mark.parametrize("code", ARTEFACTS)
@pytest.mark.parametrize("channel", ["api", "ui"])
@pytest.mark.parametrize("path", ["show", "history", "edit_form"])
def test_read_one_own_ok_other_404(
    app: Flask, world: World, client: Any, code: str, channel: str, path: str
) -> None:
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
def test_export_holds_own_not_other(
    app: Flask, world: World, client: Any, code: str, channel: str
) -> None:
    case = CASES[code]
    own_payload = case.payload(world, app, "S1")
    other_payload = case.payload(world, app, "S3")
    with app.app_context():
        artefact = registry.get(code)
        create_record(artefact, own_payload, Actor.system_actor())
        create_record(artefact, other_payload, Actor.system_actor())
    marker_field = case.marker_field
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
def test_create(
    app: Flask, world: World, client: Any, code: str, channel: str, target: str
) -> None:
    case = CASES[code]
    payload = case.payload(world, app, "S1" if target == "own" else "S3")
    before = count(app, code)
    allowed = head_may_write(case, target)
    if channel == "api":
        response = client.post(
            f"/api/v1/{code}/", json=payload, headers=token(client, world.users[HEAD])
        )
        if allowed:
            assert response.status_code == 201, response.json
        elif case.head_writes:
            # the service is out of reach: refused in French, naming the field (and the
            # people of that service the payload names, out of reach too)
            assert response.status_code == 422, response.json
            errors = {e["field"]: e["message"] for e in response.json["errors"]}
            assert case.move_field in errors, errors
            assert "accessible" in errors[case.move_field]
        else:
            assert response.status_code == 403, response.json
    else:
        login(client, world.users[HEAD])
        response = client.post(f"/{code}/add", data=form_data(payload, code))
        if allowed:
            assert response.status_code == 302, form_errors(response)
        else:
            # role refused (FAB redirects with "access denied") or service not offered
            assert response.status_code in (302, 403, 422)
    assert count(app, code) == before + (1 if allowed else 0)


@pytest.mark.parametrize("code", ARTEFACTS)
@pytest.mark.parametrize("channel", ["api", "ui"])
@pytest.mark.parametrize("target", ["own", "other"])
def test_update(
    app: Flask, world: World, client: Any, code: str, channel: str, target: str
) -> None:
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
            f"/api/v1/{code}/{pk}",
            json={case.field: new_value, "version": version},
            headers=token(client, world.users[HEAD]),
        )
        expected = 200 if allowed else refusal_status(case)
        assert response.status_code == expected, response.json
    else:
        login(client, world.users[HEAD])
        data = form_data({**payload, case.field: new_value, "version": version}, code)
        response = client.post(f"/{code}/edit/{pk}", data=data)
        if allowed:
            assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        else:
            assert response.status_code in (302, 403, 404)
    assert field_value(app, code, pk, case.field) == (new_value if allowed else old)


def placement(app: Flask, code: str, pk: int) -> set[int] | None:
    """The services a stored record belongs to, as its scope rule reads them."""
    with app.app_context():
        artefact = registry.get(code)
        return artefact.scope.service_ids(db.session.get(artefact.model, pk))


MOVABLE = [
    code
    for code, case in sorted(CASES.items())
    if case.scoped and case.head_writes and case.move_field
]


@pytest.mark.parametrize("code", MOVABLE)
@pytest.mark.parametrize("channel", ["api", "ui"])
def test_move_record_out_of_my_services_is_refused(
    app: Flask, world: World, client: Any, code: str, channel: str
) -> None:
    case = CASES[code]
    assert case.move_field is not None
    payload = case.payload(world, app, "S1")
    # the value that would place the record in S3 (S3 itself, an S3 indicator, an S3 agent…)
    elsewhere = case.payload(world, app, "S3")[case.move_field]
    with app.app_context():
        obj = create_record(registry.get(code), payload, Actor.system_actor())
        pk, version = obj.id, obj.version
    before = placement(app, code, pk)
    if channel == "api":
        response = client.put(
            f"/api/v1/{code}/{pk}",
            json={case.move_field: elsewhere, "version": version},
            headers=token(client, world.users[HEAD]),
        )
        # the related id is out of reach: refused, naming the field
        assert response.status_code == 422, response.json
        assert response.json["errors"][0]["field"] == case.move_field
    else:
        login(client, world.users[HEAD])
        data = form_data({**payload, case.move_field: elsewhere, "version": version}, code)
        response = client.post(f"/{code}/edit/{pk}", data=data)
        assert response.status_code == 422
    assert placement(app, code, pk) == before
    assert field_value(app, code, pk, "version") == version


@pytest.mark.parametrize("code", ARTEFACTS)
@pytest.mark.parametrize("channel", ["api", "ui"])
@pytest.mark.parametrize("target", ["own", "other"])
def test_delete_archives(
    app: Flask, world: World, client: Any, code: str, channel: str, target: str
) -> None:
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
    if allowed and target == "own":
        # archived: out of the lists unless asked, still readable by whoever read it
        headers = token(client, world.users[HEAD])
        listed = client.get(f"/api/v1/{code}/?q=(page_size:500)", headers=headers).json["ids"]
        assert pk not in listed
        with_archives = client.get(
            f"/api/v1/{code}/?archived=include&q=(page_size:500)", headers=headers
        ).json["ids"]
        assert pk in with_archives
        shown = client.get(f"/api/v1/{code}/{pk}", headers=headers)
        assert shown.status_code == 200 and shown.json["result"]["archived"] is True


def test_quality_cell_writes_everywhere(app: Flask, world: World, client: Any) -> None:
    headers = token(client, world.users["quality"])
    for code, case in CASES.items():
        if not case.quality_writes_anywhere:
            continue
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
def test_global_roles_read_every_service(app: Flask, world: World, client: Any, role: str) -> None:
    pk = make(app, world, CASES["service_objective"], "S3")
    headers = token(client, world.users[role])
    assert client.get(f"/api/v1/service_objective/{pk}", headers=headers).status_code == 200


def test_application_account_reads_nothing_here(app: Flask, world: World, client: Any) -> None:
    pk = make(app, world, CASES["service_objective"], "S1")
    headers = token(client, world.users["application"])
    assert client.get(f"/api/v1/service_objective/{pk}", headers=headers).status_code == 403


def _view(code: str) -> str:
    return "".join(part.capitalize() for part in code.split("_")) + "View"


@pytest.mark.parametrize("code", ARTEFACTS)
@pytest.mark.parametrize("channel", ["api", "ui"])
@pytest.mark.parametrize("target", ["own", "other"])
def test_restore(
    app: Flask, world: World, client: Any, code: str, channel: str, target: str
) -> None:
    case = CASES[code]
    pk = make(app, world, case, "S1" if target == "own" else "S3")
    with app.app_context():
        from app.commands.records import archive_record

        artefact = registry.get(code)
        archive_record(artefact, db.session.get(artefact.model, pk), Actor.system_actor())
    allowed = head_may_write(case, target)
    if channel == "api":
        response = client.post(
            f"/api/v1/{code}/{pk}/restore", json={}, headers=token(client, world.users[HEAD])
        )
        assert response.status_code == (200 if allowed else refusal_status(case)), response.json
    else:
        login(client, world.users[HEAD])
        response = client.post(f"/{code}/restore/{pk}")
        if allowed:
            assert response.status_code == 302
        elif case.scoped and case.head_writes:
            assert response.status_code == 404
        else:
            assert response.status_code in (302, 403)  # FAB: "access denied", back to login
    assert field_value(app, code, pk, "archived") is not allowed


# ------------------------------------------------------------------ related-record pickers
def _one(value: Any) -> Any:
    return value[0] if isinstance(value, list) else value


@pytest.mark.parametrize("code", MOVABLE)
@pytest.mark.parametrize("channel", ["api", "ui"])
def test_pickers_offer_own_records_only(
    app: Flask, world: World, client: Any, code: str, channel: str
) -> None:
    """The field that places a record offers the head's reach, nothing of S3."""
    case = CASES[code]
    assert case.move_field is not None
    own = _one(case.payload(world, app, "S1")[case.move_field])
    other = _one(case.payload(world, app, "S3")[case.move_field])
    if channel == "api":
        headers = token(client, world.users[HEAD])
        for key in ("add_columns", "edit_columns"):
            offered = info_values(client, headers, code, key, case.move_field)
            assert own in offered and other not in offered, key
    else:
        login(client, world.users[HEAD])
        response = client.get(f"/{code}/add")
        assert response.status_code == 200
        offered = picker_options(client, response.get_data(as_text=True), case.move_field)
        assert own in offered and other not in offered


MULTI = [code for code in MOVABLE if registry.get(code).is_collection(CASES[code].move_field or "")]


@pytest.mark.parametrize("code", MULTI)
def test_form_refuses_a_service_out_of_reach_instead_of_dropping_it(
    app: Flask, world: World, client: Any, code: str
) -> None:
    """Choosing S1 and S3 in a multiple picker is refused, not saved as S1 alone."""
    case = CASES[code]
    assert case.move_field is not None
    payload = case.payload(world, app, "S1")
    both = [*payload[case.move_field], *case.payload(world, app, "S3")[case.move_field]]
    with app.app_context():
        obj = create_record(registry.get(code), payload, Actor.system_actor())
        pk, version = obj.id, obj.version
    login(client, world.users[HEAD])
    new_value = unique("Modifié ")
    response = client.post(
        f"/{code}/edit/{pk}",
        data=form_data(
            {**payload, case.move_field: both, case.field: new_value, "version": version}, code
        ),
    )
    assert response.status_code == 422
    assert field_value(app, code, pk, case.field) != new_value
    before = count(app, code)
    response = client.post(
        f"/{code}/add",
        data=form_data({**case.payload(world, app, "S1"), case.move_field: both}, code),
    )
    assert response.status_code == 422
    assert count(app, code) == before


# ---------------------------------------------------- records covering several services
SHARED = [code for code in ARTEFACTS if isinstance(registry.get(code).scope, ByMany)]


@pytest.mark.parametrize("code", SHARED)
def test_shared_record_is_read_by_each_service_and_written_by_neither(
    app: Flask, world: World, client: Any, code: str
) -> None:
    """An audit, certification, revision or survey of S1 and S3: both heads read it; a head
    writes it only if every service is theirs; the quality cell writes it."""
    case = CASES[code]
    relation = registry.get(code).scope.relation  # type: ignore[attr-defined]
    payload = {
        **case.payload(world, app, "S1"),
        relation: [world.services["S1"], world.services["S3"]],
    }
    with app.app_context():
        obj = create_record(registry.get(code), payload, Actor.system_actor())
        pk, version = obj.id, obj.version
    marker = payload[case.marker_field]
    for head in ("service_head", "head_s3", "pole_head"):
        headers = token(client, world.users[head])
        listed = client.get(f"/api/v1/{code}/?q=(page_size:500)", headers=headers)
        assert pk in listed.json["ids"], head
        assert client.get(f"/api/v1/{code}/{pk}", headers=headers).status_code == 200, head
        exported = client.get(f"/api/v1/{code}/export?format=csv", headers=headers)
        assert marker in exported.get_data(as_text=True), head
    headers = token(client, world.users[HEAD])
    update = client.put(
        f"/api/v1/{code}/{pk}",
        json={case.field: "Pris en main", "version": version},
        headers=headers,
    )
    archive = client.delete(f"/api/v1/{code}/{pk}", headers=headers)
    if case.head_writes:
        # readable, so not "absent": refused in French as a record of other services too
        assert update.status_code == 403 and "pas tous les vôtres" in update.json["message"]
        assert archive.status_code == 403
    else:
        assert update.status_code == 403 and archive.status_code == 403
    assert field_value(app, code, pk, case.field) == payload[case.field]
    assert field_value(app, code, pk, "archived") is False
    quality = token(client, world.users["quality"])
    response = client.put(
        f"/api/v1/{code}/{pk}",
        json={case.field: "Par la qualité", "version": version},
        headers=quality,
    )
    assert response.status_code == 200, response.json
    # a record of none of the head's services stays out of reach
    other = {
        **case.payload(world, app, "S3"),
        relation: [world.services["S3"], world.services["BULK"]],
    }
    with app.app_context():
        hidden = create_record(registry.get(code), other, Actor.system_actor()).id
    headers = token(client, world.users[HEAD])
    assert client.get(f"/api/v1/{code}/{hidden}", headers=headers).status_code == 404
    login(client, world.users[HEAD])
    assert client.get(f"/{code}/show/{pk}").status_code == 200
    assert client.get(f"/{code}/show/{hidden}").status_code == 404


# -------------------------------------------------------------------- published documents
def _publish(app: Flask, pk: int) -> None:
    with app.app_context():
        from app.models import Document

        db.session.get(Document, pk).state = "publie"
        db.session.commit()


@pytest.mark.parametrize("reader", ["service_head", "agent", "agent_s1_b", "head_s3"])
def test_published_documents_are_read_by_every_agent(
    app: Flask, world: World, client: Any, reader: str
) -> None:
    case = CASES["document"]
    published = case.payload(world, app, "BULK")
    draft = case.payload(world, app, "BULK")
    with app.app_context():
        artefact = registry.get("document")
        published_id = create_record(artefact, published, Actor.system_actor()).id
        draft_id = create_record(artefact, draft, Actor.system_actor()).id
        version_id = create_record(
            registry.get("document_version"),
            {
                "document": published_id,
                "number": 1,
                "text": "Texte publié",
                "change_summary": unique("Version publiée "),
            },
            Actor.system_actor(),
        ).id
        # the next version, still a draft, stays with the document's service
        draft_version_id = create_record(
            registry.get("document_version"),
            {"document": published_id, "number": 2, "text": "Projet"},
            Actor.system_actor(),
        ).id
        from app.models import DocumentVersion

        db.session.get(DocumentVersion, version_id).status = "publiee"
        db.session.commit()
    _publish(app, published_id)
    headers = token(client, world.users[reader])
    ids = set(client.get("/api/v1/document/?q=(page_size:500)", headers=headers).json["ids"])
    assert published_id in ids and draft_id not in ids
    assert client.get(f"/api/v1/document/{published_id}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/document/{draft_id}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/document_version/{version_id}", headers=headers).status_code == 200
    draft_version = client.get(f"/api/v1/document_version/{draft_version_id}", headers=headers)
    assert draft_version.status_code == 404
    login(client, world.users[reader])
    page = client.get("/document/list/?psize_DocumentView=500").get_data(as_text=True)
    assert f'/document/show/{published_id}"' in page
    assert f'/document/show/{draft_id}"' not in page
    assert client.get(f"/document/show/{published_id}").status_code == 200
    exported = client.get("/document/export/csv").get_data(as_text=True)
    assert published["code"] in exported and draft["code"] not in exported


def test_published_document_of_another_service_is_not_writable(
    app: Flask, world: World, client: Any
) -> None:
    case = CASES["document"]
    payload = case.payload(world, app, "S3")
    pk = make_from(app, "document", payload)
    _publish(app, pk)
    headers = token(client, world.users[HEAD])
    version = field_value(app, "document", pk, "version")
    response = client.put(
        f"/api/v1/document/{pk}", json={"title": "Réécrit", "version": version}, headers=headers
    )
    assert response.status_code == 403, response.json
    assert client.delete(f"/api/v1/document/{pk}", headers=headers).status_code == 403
    created = client.post(
        "/api/v1/document_version/",
        headers=headers,
        json={"document": pk, "number": 99, "text": "Ajout", "change_summary": "Ajout"},
    )
    assert created.status_code == 422 and created.json["errors"][0]["field"] == "document"
    assert field_value(app, "document", pk, "title") == payload["title"]
    assert field_value(app, "document", pk, "archived") is False


def make_from(app: Flask, code: str, payload: dict[str, Any]) -> int:
    with app.app_context():
        return int(create_record(registry.get(code), payload, Actor.system_actor()).id)


# ------------------------------------------------------------------------------ dashboards
def _role_id(app: Flask, name: str) -> int:
    with app.app_context():
        return int(app.appbuilder.sm.find_role(name).id)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("audience", "readers", "not_readers"),
    [
        ("everyone", ["service_head", "agent", "official", "auditor", "head_s3"], []),
        ("role:official", ["official", "quality", "admin"], ["service_head", "executive"]),
        # global roles reach every service, hence every service's audience
        ("service:S3", ["head_s3", "executive", "quality", "admin"], ["service_head", "agent"]),
        ("service:S1", ["service_head", "agent", "pole_head", "official"], ["head_s3"]),
    ],
)
def test_dashboard_audience(
    app: Flask, world: World, client: Any, audience: str, readers: list[str], not_readers: list[str]
) -> None:
    """Shown to its audience roles and services (a pôle reaches its services' dashboards),
    to everyone without audience; the quality cell and administrators see them all."""
    kind, _sep, value = audience.partition(":")
    payload: dict[str, Any] = {"title": unique("Tableau "), "position": 1}
    if kind == "role":
        payload["roles"] = [_role_id(app, value)]
    elif kind == "service":
        payload["services"] = [world.services[value]]
    pk = make_from(app, "dashboard", payload)
    for role in readers:
        headers = token(client, world.users[role])
        assert (
            pk in client.get("/api/v1/dashboard/?q=(page_size:500)", headers=headers).json["ids"]
        ), role
        assert client.get(f"/api/v1/dashboard/{pk}", headers=headers).status_code == 200, role
    for role in not_readers:
        headers = token(client, world.users[role])
        assert (
            pk
            not in client.get("/api/v1/dashboard/?q=(page_size:500)", headers=headers).json["ids"]
        ), role
        assert client.get(f"/api/v1/dashboard/{pk}", headers=headers).status_code == 404, role
