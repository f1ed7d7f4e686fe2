"""The workflow engine through the REST API, generated from the closed tables (DOMAIN §5, §7).

Every case is derived from ``workflows.tables.WORKFLOWS`` — rows, their roles, guards, reasons,
inputs and four-eyes rules — never from a hand-written list of pairs, so a row added to a table
is tested the day it is added, and a pair left out of a table is tested as refused:

* each declared (state, event) succeeds for each allowed role and for admin, stores the state
  and writes one ``transition`` history entry; ``/transitions`` lists exactly what the caller
  may fire;
* each role the row does not name gets 403, each undeclared pair 409, a record out of the
  caller's services 404;
* guards: person guards and four-eyes rules 403 (the event is not offered), state guards 409
  (the event is offered as blocked), reasons and inputs 422 naming the field;
* ``state`` is written by transitions only, never by CRUD;
* of two processes firing the same event at once against a live server, one wins.

Records are built by ``tests.workflow_builders`` in service S1 with unique codes; a refusal
changes nothing, so records only refused are shared by the module (and checked unchanged).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app import registry
from app.extensions import db
from app.models import Action, HistoryEntry, ManagementReview, Proposal, ServiceObjective
from app.security.roles import ADMIN, ROLE_CODES
from app.security.scope import Unscoped
from tests.conftest import World, login, token, unique
from tests.factories import force, new
from tests.workflow_builders import (
    INPUT_VALUES,
    YEAR,
    action_on,
    base_values,
    build,
    headed_service,
    payload,
    stored,
    user_id,
)
from workflows.guards import FOUR_EYES, PERSON_GUARDS, STATE_GUARDS
from workflows.tables import WORKFLOWS, Transition

# -- cases generated from the tables ---------------------------------------------------------
ROWS: list[tuple[str, Transition]] = [
    (code, row) for code, workflow in WORKFLOWS.items() for row in workflow.transitions
]


def _rid(code: str, row: Transition) -> str:
    return f"{code}:{row.source}-{row.event}"


def _allowed(row: Transition) -> list[str]:
    """Roles that may fire the row: those it names, and admin (DOMAIN: admin may do all)."""
    return sorted(row.roles | {ADMIN})


def _first_role(row: Transition) -> str:
    return sorted(row.roles)[0]


SUCCESS = [
    pytest.param(code, row, role, id=f"{_rid(code, row)}-by-{role}")
    for code, row in ROWS
    for role in _allowed(row)
]
FORBIDDEN = [
    pytest.param(code, row, role, id=f"{_rid(code, row)}-by-{role}")
    for code, row in ROWS
    for role in ROLE_CODES
    if role not in _allowed(row)
]


def _events(code: str) -> list[str]:
    return sorted({row.event for row in WORKFLOWS[code].transitions})


def _someone_allowed(code: str, event: str) -> str:
    """A role allowed to fire ``event`` from some state of the workflow."""
    return sorted(
        {role for row in WORKFLOWS[code].transitions if row.event == event for role in row.roles}
    )[0]


UNDECLARED = [
    pytest.param(code, state, event, id=f"{code}:{state}-{event}")
    for code, workflow in WORKFLOWS.items()
    for state in workflow.states.codes
    for event in _events(code)
    if workflow.find(state, event) is None
]
REASONED = [
    pytest.param(code, row, id=_rid(code, row)) for code, row in ROWS if row.reason_required
]
WITH_INPUTS = [
    pytest.param(code, row, name, id=f"{_rid(code, row)}-{name}")
    for code, row in ROWS
    for name in row.inputs
]
ALL_ROWS = [pytest.param(code, row, id=_rid(code, row)) for code, row in ROWS]
FOUR_EYED = [
    pytest.param(code, row, role, id=f"{_rid(code, row)}-{row.four_eyes}-by-{role}")
    for code, row in ROWS
    if row.four_eyes
    for role in _allowed(row)
]
GUARDED = [
    pytest.param(code, row, guard, id=f"{_rid(code, row)}-{guard}")
    for code, row in ROWS
    for guard in row.guards
]


def test_the_tables_name_only_rules_the_engine_and_the_builders_know() -> None:
    """A guard or input the tests cannot set up would silently shrink the generated cases."""
    from tests.workflow_builders import SATISFY, VIOLATE

    for _code, row in ROWS:
        for name in row.guards:
            assert name in PERSON_GUARDS or name in STATE_GUARDS, name
            assert name in SATISFY and name in VIOLATE, name
        if row.four_eyes:
            assert row.four_eyes in FOUR_EYES and row.four_eyes in SATISFY, row.four_eyes
        assert set(row.inputs) <= set(INPUT_VALUES), row.inputs


# -- helpers ------------------------------------------------------------------------------------
def url(code: str, record_id: int, what: str = "") -> str:
    return f"/api/v1/{code}/{record_id}/{what}".rstrip("/")


def get(client: FlaskClient, username: str, path: str) -> Any:
    return login(client, username).get(path)


def fire(
    client: FlaskClient, username: str, code: str, record_id: int, body: dict[str, Any]
) -> Any:
    return login(client, username).post(url(code, record_id, "transition"), json=body)


def offered(
    client: FlaskClient, username: str, code: str, record_id: int
) -> dict[str, dict[str, Any]]:
    """``GET …/transitions`` as ``username``: the events offered, by name."""
    response = get(client, username, url(code, record_id, "transitions"))
    assert response.status_code == 200, response.json
    return {event["event"]: event for event in response.json["events"]}


def fields(response: Any) -> set[str]:
    return {error["field"] for error in response.json.get("errors", [])}


@pytest.fixture(scope="module")
def bare(app: Flask, world: World) -> Callable[[str, str], int]:
    """One bare S1 record per (workflow, state), for refusals that come before any guard.

    Built on first use, so running one test builds only what it needs.
    """
    cache: dict[tuple[str, str], int] = {}

    def get(code: str, state: str) -> int:
        if (code, state) not in cache:
            cache[code, state] = build(app, world, code, state)
        return cache[code, state]

    return get


# -- 1, 9, 10: every declared pair succeeds for every allowed role ------------------------------
@pytest.mark.parametrize(("code", "row", "role"), SUCCESS)
def test_declared_transition_succeeds_for_allowed_role(
    app: Flask, world: World, client: FlaskClient, code: str, row: Transition, role: str
) -> None:
    """The row fires for the role, stores its target and says so in the history.

    Before firing, ``/transitions`` offers exactly the rows leaving the state that the role
    may fire — the builder satisfies every guard of those rows, so all are firable.
    """
    user = world.users[role]
    record_id = build(app, world, code, row.source, user)
    events = offered(client, user, code, record_id)
    expected = {
        r.event for r in WORKFLOWS[code].events_from(row.source) if role == ADMIN or role in r.roles
    }
    assert set(events) == expected
    assert all(e["firable"] and e["blocked_by"] is None for e in events.values()), events
    offer = events[row.event]
    assert offer["to"] == row.target
    assert offer["reason_required"] is row.reason_required
    assert offer["inputs"] == list(row.inputs)

    body = payload(row)
    response = fire(client, user, code, record_id, body)
    assert response.status_code == 200, response.json
    assert response.json["state"] == row.target
    assert response.json["event"] == row.event
    state, version = stored(app, code, record_id)
    assert state == row.target
    assert response.json["version"] == version

    history = get(client, user, url(code, record_id, "history"))
    assert history.status_code == 200
    newest = history.json["result"][0]
    assert newest["action"] == "transition"
    assert newest["event"] == row.event
    assert (newest["from_state"], newest["to_state"]) == (row.source, row.target)
    assert newest["reason"] == body["reason"]
    assert newest["user"] == user
    assert newest["changes"]["state"] == [row.source, row.target]
    for name in row.inputs:
        assert newest["changes"][name] == [None, INPUT_VALUES[name]]
    after = get(client, user, url(code, record_id, "transitions")).json
    assert (after["state"], after["version"]) == (row.target, version)
    assert after["history"] == history.json["result"]


# -- 2: every other role is refused -------------------------------------------------------------
@pytest.mark.parametrize(("code", "row", "role"), FORBIDDEN)
def test_declared_transition_refused_for_other_roles(
    app: Flask, world: World, client: FlaskClient, code: str, row: Transition, role: str
) -> None:
    """403 although every guard would let this very user through: only the role is wrong."""
    user = world.users[role]
    record_id = build(app, world, code, row.source, user)
    before = stored(app, code, record_id)
    response = fire(client, user, code, record_id, payload(row))
    assert response.status_code == 403, response.json
    assert stored(app, code, record_id) == before
    listing = get(client, user, url(code, record_id, "transitions"))
    if listing.status_code == 200:  # roles that cannot read the artefact get 403 here too
        assert row.event not in {e["event"] for e in listing.json["events"]}
    else:
        assert listing.status_code == 403


# -- 3: every undeclared pair is refused --------------------------------------------------------
@pytest.mark.parametrize(("code", "state", "event"), UNDECLARED)
def test_undeclared_pair_is_refused(
    app: Flask,
    world: World,
    client: FlaskClient,
    bare: Callable[[str, str], int],
    code: str,
    state: str,
    event: str,
) -> None:
    """409 for a user whose role fires this event elsewhere in the workflow, and for admin."""
    record_id = bare(code, state)
    before = stored(app, code, record_id)
    for role in (_someone_allowed(code, event), ADMIN):
        body = {
            "event": event,
            "reason": "Essai hors table",
            **{
                name: INPUT_VALUES[name]
                for row in WORKFLOWS[code].transitions
                if row.event == event
                for name in row.inputs
            },
        }
        response = fire(client, world.users[role], code, record_id, body)
        assert response.status_code == 409, (role, response.json)
    assert stored(app, code, record_id) == before


@pytest.mark.parametrize("code", sorted(WORKFLOWS))
def test_unknown_or_missing_event_is_invalid(
    world: World, client: FlaskClient, bare: Callable[[str, str], int], code: str
) -> None:
    record_id = bare(code, WORKFLOWS[code].initial)
    admin = world.users["admin"]
    unknown = fire(client, admin, code, record_id, {"event": "teleport"})
    assert unknown.status_code == 422
    assert fields(unknown) == {"event"}
    missing = fire(client, admin, code, record_id, {"reason": "sans événement"})
    assert missing.status_code == 422
    assert fields(missing) == {"event"}


# -- 4: out of the caller's services ------------------------------------------------------------
@pytest.mark.parametrize("code", sorted(WORKFLOWS))
def test_record_out_of_callers_services(
    app: Flask, world: World, client: FlaskClient, code: str
) -> None:
    """The head of S3 does not see S1's records (404) — except those shared by the town.

    The record satisfies the first row's guards for the head of S3 (e.g. they own the
    action), so the 404 can only come from the scope.
    """
    row = WORKFLOWS[code].events_from(WORKFLOWS[code].initial)[0]
    head_s3 = world.users["head_s3"]
    record_id = build(app, world, code, row.source, head_s3)
    before = stored(app, code, record_id)
    with app.app_context():
        shared = isinstance(registry.get(code).scope, Unscoped)
    client_ = login(client, head_s3)
    if shared:  # a management review is the whole town's: readable, fired by its roles only
        assert client_.get(url(code, record_id, "transitions")).status_code == 200
        assert fire(client, head_s3, code, record_id, payload(row)).status_code == 403
    else:
        assert client_.get(url(code, record_id, "transitions")).status_code == 404
        assert client_.get(url(code, record_id, "history")).status_code == 404
        assert fire(client, head_s3, code, record_id, payload(row)).status_code == 404
    assert stored(app, code, record_id) == before


def test_pole_head_acts_for_the_services_of_the_pole(
    app: Flask, world: World, client: FlaskClient
) -> None:
    """A service head's reach includes the services below theirs (S1 is in POLE-A)."""
    row = WORKFLOWS["service_objective"].find("brouillon", "submit")
    assert row is not None
    record_id = build(app, world, "service_objective", "brouillon")
    response = fire(client, world.users["pole_head"], "service_objective", record_id, payload(row))
    assert response.status_code == 200, response.json
    other = build(app, world, "service_objective", "brouillon", service=world.services["S3"])
    assert (
        fire(client, world.users["pole_head"], "service_objective", other, payload(row)).status_code
        == 404
    )


# -- 5: four-eyes rules -------------------------------------------------------------------------
@pytest.mark.parametrize(("code", "row", "role"), FOUR_EYED)
def test_four_eyes_rule_refuses_the_excluded_person(
    app: Flask, world: World, client: FlaskClient, code: str, row: Transition, role: str
) -> None:
    """The owner does not verify their action, the author does not approve their version,
    an official does not arbitrate a service they head — admin included. Not offered, 403."""
    assert row.four_eyes is not None
    user = world.users[role]
    service = headed_service(app, world, user) if row.four_eyes == "not_head" else None
    record_id = build(app, world, code, row.source, user, violate={row.four_eyes}, service=service)
    before = stored(app, code, record_id)
    assert row.event not in offered(client, user, code, record_id)
    response = fire(client, user, code, record_id, payload(row))
    assert response.status_code == 403, response.json
    assert stored(app, code, record_id) == before


def test_official_heading_the_parent_service_cannot_arbitrate(
    app: Flask, world: World, client: FlaskClient
) -> None:
    """Heading a pôle counts as heading its services; another official may arbitrate."""
    official = world.users["official"]
    parent = headed_service(app, world, official)
    with app.app_context():
        child = int(
            new("service", {"code": unique("SVC-WF-"), "name": "Sous-service", "parent": parent}).id
        )
    row = WORKFLOWS["service_objective"].find("revu", "validate")
    assert row is not None
    record_id = build(app, world, "service_objective", "revu", world.users["admin"], service=child)
    assert fire(client, official, "service_objective", record_id, payload(row)).status_code == 403
    response = fire(client, world.users["admin"], "service_objective", record_id, payload(row))
    assert response.status_code == 200, response.json


def test_document_without_version_author_falls_back_to_its_owner(
    app: Flask, world: World, client: FlaskClient
) -> None:
    quality = world.users["quality"]
    row = WORKFLOWS["document"].find("en_relecture", "approve")
    assert row is not None
    record_id = build(app, world, "document", "en_relecture", quality)
    with app.app_context():
        from app.models import Document

        document = db.session.get(Document, record_id)
        assert document is not None
        for version in document.versions:
            force(version, author_id=None)
        force(document, owner_id=user_id(quality))
    assert fire(client, quality, "document", record_id, payload(row)).status_code == 403


# -- 6: reasons and inputs ----------------------------------------------------------------------
@pytest.mark.parametrize(("code", "row"), REASONED)
@pytest.mark.parametrize("reason", [None, "   "], ids=["missing", "blank"])
def test_required_reason(
    app: Flask, world: World, client: FlaskClient, code: str, row: Transition, reason: str | None
) -> None:
    user = world.users[_first_role(row)]
    record_id = build(app, world, code, row.source, user)
    before = stored(app, code, record_id)
    response = fire(client, user, code, record_id, payload(row, reason=reason))
    assert response.status_code == 422, response.json
    assert fields(response) == {"reason"}
    assert stored(app, code, record_id) == before


@pytest.mark.parametrize(("code", "row", "name"), WITH_INPUTS)
@pytest.mark.parametrize(
    "value", [None, "", "n_importe_quoi"], ids=["missing", "empty", "unknown-value"]
)
def test_event_input_is_required_and_checked(
    app: Flask,
    world: World,
    client: FlaskClient,
    code: str,
    row: Transition,
    name: str,
    value: str | None,
) -> None:
    user = world.users[_first_role(row)]
    record_id = build(app, world, code, row.source, user)
    before = stored(app, code, record_id)
    body = payload(row)
    body.pop(name)
    if value is not None:
        body[name] = value
    response = fire(client, user, code, record_id, body)
    assert response.status_code == 422, response.json
    assert fields(response) == {name}
    assert stored(app, code, record_id) == before


@pytest.mark.parametrize(("code", "row"), ALL_ROWS)
def test_input_the_event_does_not_take_is_refused(
    app: Flask, world: World, client: FlaskClient, code: str, row: Transition
) -> None:
    """Nothing but the event's declared inputs may ride on a transition (no ``state``…)."""
    user = world.users[_first_role(row)]
    record_id = build(app, world, code, row.source, user)
    before = stored(app, code, record_id)
    response = fire(client, user, code, record_id, payload(row, state="clos", title="x"))
    assert response.status_code == 422, response.json
    assert fields(response) == {"state", "title"}
    assert stored(app, code, record_id) == before


# -- 7: guards ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("code", "row", "guard"), GUARDED)
def test_guard_refusal(
    app: Flask, world: World, client: FlaskClient, code: str, row: Transition, guard: str
) -> None:
    """A person guard refuses 403 and the event is not offered (someone else's step); a
    state guard refuses 409 and the event is offered as blocked, with the reason why."""
    user = world.users[_first_role(row)]
    record_id = build(app, world, code, row.source, user, violate={guard})
    before = stored(app, code, record_id)
    events = offered(client, user, code, record_id)
    response = fire(client, user, code, record_id, payload(row))
    if guard in PERSON_GUARDS:
        assert response.status_code == 403, response.json
        assert row.event not in events
    else:
        assert response.status_code == 409, response.json
        assert events[row.event]["firable"] is False
        assert events[row.event]["blocked_by"] == response.json["message"]
    assert stored(app, code, record_id) == before


def test_audit_closes_once_every_nonconformity_has_a_live_action(
    app: Flask, world: World, client: FlaskClient
) -> None:
    quality = world.users["quality"]
    row = WORKFLOWS["audit"].find("rapport_emis", "close")
    assert row is not None
    record_id = build(
        app, world, "audit", "rapport_emis", quality, violate={"nonconformities_have_actions"}
    )
    assert fire(client, quality, "audit", record_id, payload(row)).status_code == 409
    with app.app_context():
        from app.models import Finding

        finding_id = db.session.scalars(
            select(Finding.id).where(Finding.audit_id == record_id)
        ).one()
        cancelled = action_on(world.services["S1"], finding_id)
        force(cancelled, state="annulee")
    response = fire(client, quality, "audit", record_id, payload(row))
    assert response.status_code == 409, "a cancelled action does not treat a non-conformity"
    with app.app_context():
        action_on(world.services["S1"], finding_id)
    response = fire(client, quality, "audit", record_id, payload(row))
    assert response.status_code == 200, response.json
    assert stored(app, "audit", record_id)[0] == "clos"


def test_audit_report_needs_a_finding_or_an_explicit_none(
    app: Flask, world: World, client: FlaskClient
) -> None:
    auditor = world.users["auditor"]
    row = WORKFLOWS["audit"].find("en_cours", "report")
    assert row is not None
    record_id = build(app, world, "audit", "en_cours", auditor, violate={"findings_or_none"})
    assert fire(client, auditor, "audit", record_id, payload(row)).status_code == 409
    _state, version = stored(app, "audit", record_id)
    edit = login(client, auditor).put(
        url("audit", record_id), json={"no_finding": True, "version": version}
    )
    assert edit.status_code == 200, edit.json
    response = fire(client, auditor, "audit", record_id, payload(row))
    assert response.status_code == 200, response.json


def test_review_decisions_follow_the_officials_arbitration(
    app: Flask, world: World, client: FlaskClient
) -> None:
    """An undecided proposal blocks recording the decisions; arbitrating the objective it
    carries decides it, and the review moves on."""
    official = world.users["official"]
    row = WORKFLOWS["management_review"].find("tenue", "record_decisions")
    assert row is not None
    review_id = build(app, world, "management_review", "tenue", official)
    objective_id = build(app, world, "service_objective", "revu")
    with app.app_context():
        proposal = new(
            "proposal",
            {
                "review": review_id,
                "service": world.services["S1"],
                "kind": "objectif",
                "title": unique("Proposition "),
                "service_objective": objective_id,
            },
        )
        proposal_id = proposal.id
    blocked = offered(client, official, "management_review", review_id)
    assert blocked[row.event]["firable"] is False
    assert fire(client, official, "management_review", review_id, payload(row)).status_code == 409
    validate = WORKFLOWS["service_objective"].find("revu", "validate")
    assert validate is not None
    response = fire(client, official, "service_objective", objective_id, payload(validate))
    assert response.status_code == 200, response.json
    with app.app_context():
        decided = db.session.get(Proposal, proposal_id)
        assert decided is not None and decided.decision == "validee"
    response = fire(client, official, "management_review", review_id, payload(row))
    assert response.status_code == 200, response.json


def test_objective_is_arbitrated_only_in_a_review_being_held(
    app: Flask, world: World, client: FlaskClient
) -> None:
    official = world.users["official"]
    row = WORKFLOWS["service_objective"].find("revu", "validate")
    assert row is not None
    record_id = build(app, world, "service_objective", "revu", official)
    with app.app_context():
        review = db.session.scalars(
            select(ManagementReview)
            .join(Proposal, Proposal.review_id == ManagementReview.id)
            .where(Proposal.service_objective_id == record_id)
        ).one()
        force(review, state="decisions_enregistrees")
    assert fire(client, official, "service_objective", record_id, payload(row)).status_code == 409


def test_publishing_makes_the_previous_version_obsolete(
    app: Flask, world: World, client: FlaskClient
) -> None:
    from app.models import Document, DocumentVersion

    quality = world.users["quality"]
    row = WORKFLOWS["document"].find("approuve", "publish")
    assert row is not None
    record_id = build(app, world, "document", "approuve", quality)
    with app.app_context():
        document = db.session.get(Document, record_id)
        assert document is not None
        draft = document.versions[0]
        old = new(
            "document_version",
            {"document": record_id, "number": draft.number + 1, "text": "Ancienne version"},
        )
        force(old, status="publiee")
        old_id, draft_id = old.id, draft.id
    assert fire(client, quality, "document", record_id, payload(row)).status_code == 200
    with app.app_context():
        statuses = {
            v.id: v.status
            for v in db.session.scalars(
                select(DocumentVersion).where(DocumentVersion.document_id == record_id)
            )
        }
    assert statuses == {old_id: "obsolete", draft_id: "publiee"}


def test_stale_version_and_archived_record_are_refused(
    app: Flask, world: World, client: FlaskClient
) -> None:
    quality = world.users["quality"]
    row = WORKFLOWS["revision"].find("ouverte", "collect")
    assert row is not None
    record_id = build(app, world, "revision", "ouverte", quality)
    _state, version = stored(app, "revision", record_id)
    stale = fire(client, quality, "revision", record_id, payload(row, version=version - 1))
    assert stale.status_code == 409
    archived = login(client, quality).delete(url("revision", record_id))
    assert archived.status_code == 200
    assert fire(client, quality, "revision", record_id, payload(row)).status_code == 409
    assert offered(client, quality, "revision", record_id) == {}
    assert stored(app, "revision", record_id)[0] == "ouverte"


# -- 8: ``state`` is not CRUD's -----------------------------------------------------------------
@pytest.mark.parametrize("code", sorted(WORKFLOWS))
def test_crud_never_writes_state(
    app: Flask, world: World, client: FlaskClient, bare: Callable[[str, str], int], code: str
) -> None:
    """POST and PUT carrying ``state`` (or an event's input) are refused whole: 422 naming
    the field, nothing created, nothing changed — not even the valid fields sent along."""
    workflow = WORKFLOWS[code]
    final = workflow.transitions[-1].target
    quality = login(client, world.users["quality"])
    values = {**base_values(code, world.services["S1"]), "state": final}
    created = quality.post(f"/api/v1/{code}/", json=values)
    assert created.status_code == 422, created.json
    assert fields(created) == {"state"}
    with app.app_context():
        model: Any = registry.get(code).model
        count = db.session.scalar(
            select(func.count()).select_from(model).where(model.title == values["title"])
        )
    assert count == 0

    record_id = bare(code, workflow.initial)
    before = stored(app, code, record_id)
    inputs = sorted({name for row in workflow.transitions for name in row.inputs})
    for extra in ({"state": final}, *({name: INPUT_VALUES[name]} for name in inputs)):
        response = quality.put(
            url(code, record_id), json={"title": "Titre changé", "version": before[1], **extra}
        )
        assert response.status_code == 422, response.json
        assert fields(response) == set(extra)
    assert stored(app, code, record_id) == before
    with app.app_context():
        assert db.session.get(model, record_id).title != "Titre changé"


def test_objective_edit_form_ignores_state(app: Flask, world: World, client: FlaskClient) -> None:
    """The screen's edit form has no state field: a forged one is dropped, the rest saved.

    (The import screen writes measurements only, which have no workflow state, so the API
    and the edit form are the write paths that could carry a ``state``.)
    """
    record_id = build(app, world, "service_objective", "brouillon")
    _state, version = stored(app, "service_objective", record_id)
    response = login(client, world.users["quality"]).post(
        f"/service_objective/edit/{record_id}",
        data={
            "service": world.services["S1"],
            "year": YEAR,
            "title": "Titre du formulaire",
            "weight": "1",
            "version": version,
            "state": "actif",
        },
    )
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:2000]
    with app.app_context():
        objective = db.session.get(ServiceObjective, record_id)
        assert objective is not None
        assert (objective.title, objective.state) == ("Titre du formulaire", "brouillon")


# -- 11: two processes racing -------------------------------------------------------------------
_RACER = r"""
import sys, time, urllib.request, urllib.error
url, jwt, start, body = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
request = urllib.request.Request(url, data=body.encode(), method="POST", headers={
    "Authorization": "Bearer " + jwt, "Content-Type": "application/json"})
while time.time() < start:
    time.sleep(0.001)
try:
    with urllib.request.urlopen(request, timeout=60) as response:
        print(response.status)
except urllib.error.HTTPError as error:
    print(error.code)
"""


def test_two_processes_firing_the_same_event_at_once(
    app: Flask,
    world: World,
    client: FlaskClient,
    live_url: str,
) -> None:
    """Of two simultaneous firings one wins (200), the other is told it lost (409), and the
    record moved once: one transition in its history."""
    quality = world.users["quality"]
    row = WORKFLOWS["action"].find("realisee", "verify")
    assert row is not None
    record_id = build(app, world, "action", "realisee", quality)
    jwt = token(client, quality)["Authorization"].removeprefix("Bearer ")
    body = json.dumps(payload(row))
    start = time.time() + 1.0
    racers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                _RACER,
                f"{live_url}{url('action', record_id, 'transition')}",
                jwt,
                str(start),
                body,
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _n in range(2)
    ]
    statuses = sorted(p.communicate(timeout=120)[0].strip() for p in racers)
    assert statuses == ["200", "409"]
    assert stored(app, "action", record_id)[0] == row.target
    with app.app_context():
        transitions = db.session.scalar(
            select(func.count())
            .select_from(HistoryEntry)
            .where(
                HistoryEntry.artefact == "action",
                HistoryEntry.record_id == record_id,
                HistoryEntry.action == "transition",
            )
        )
        verified = db.session.get(Action, record_id)
        assert verified is not None and verified.effectiveness == "efficace"
    assert transitions == 1
