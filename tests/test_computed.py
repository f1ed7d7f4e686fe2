"""Computed values and cross-field checks of the quality artefacts.

Stored computed columns (a risk's gross and residual criticality, an action's days to close, a
complaint's processing days) follow their inputs on every write path — commands, REST API,
forms, and the workflow setting a completion date — and cannot be written directly. An action
is late (Python and SQL alike) when past due and still open. The checks of
``app.declarations.checks`` refuse a write with a French message on the right field, and store
nothing at all.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app import registry
from app.commands.records import create_record, update_record
from app.extensions import db
from app.models import Action, Complaint, Risk
from app.security.actor import Actor
from tests.conftest import World, login, token, unique
from tests.factories import count, form_errors

TODAY = date.today()


def _create(app: Flask, code: str, values: dict[str, Any]) -> int:
    with app.app_context():
        return int(create_record(registry.get(code), values, Actor.system_actor()).id)


def _stored(app: Flask, model: type, pk: int, *names: str) -> tuple[Any, ...]:
    with app.app_context():
        obj = db.session.get(model, pk)
        return tuple(getattr(obj, name) for name in names)


# ------------------------------------------------------------------------------ criticality
def test_criticality_follows_likelihood_and_severity_through_commands(
    app: Flask, world: World
) -> None:
    pk = _create(
        app,
        "risk",
        {
            "service": world.services["S1"],
            "title": unique("Risque "),
            "likelihood": 3,
            "severity": 4,
        },
    )
    assert _stored(app, Risk, pk, "criticality", "residual_criticality") == (12, None)
    with app.app_context():
        artefact = registry.get("risk")
        risk = db.session.get(Risk, pk)
        update_record(
            artefact,
            risk,
            {"severity": 2, "residual_likelihood": 1, "residual_severity": 2},
            Actor.system_actor(),
            expected_version=risk.version,
        )
    assert _stored(app, Risk, pk, "criticality", "residual_criticality") == (6, 2)
    with app.app_context():
        # the stored value is what SQL sorts and filters on
        found = db.session.scalars(select(Risk.id).where(Risk.criticality == 6)).all()
        assert pk in found


def test_criticality_through_the_api(app: Flask, world: World, client) -> None:
    headers = token(client, world.users["service_head"])
    created = client.post(
        "/api/v1/risk/",
        headers=headers,
        json={
            "service": world.services["S1"],
            "title": unique("Risque "),
            "likelihood": 2,
            "severity": 4,
            "residual_likelihood": 1,
            "residual_severity": 3,
        },
    )
    assert created.status_code == 201, created.json
    assert created.json["result"]["criticality"] == 8
    assert created.json["result"]["residual_criticality"] == 3
    pk = created.json["id"]
    updated = client.put(
        f"/api/v1/risk/{pk}",
        headers=headers,
        json={
            "likelihood": 4,
            "residual_likelihood": None,
            "residual_severity": None,
            "version": 1,
        },
    )
    assert updated.status_code == 200, updated.json
    assert updated.json["result"]["criticality"] == 16
    assert updated.json["result"]["residual_criticality"] is None
    assert _stored(app, Risk, pk, "criticality", "residual_criticality") == (16, None)
    assert client.get(f"/api/v1/risk/{pk}", headers=headers).json["result"]["criticality"] == 16


def test_criticality_through_the_form(app: Flask, world: World, client) -> None:
    login(client, world.users["service_head"])
    title = unique("Risque formulaire ")
    response = client.post(
        "/risk/add",
        data={
            "service": str(world.services["S1"]),
            "title": title,
            "likelihood": "4",
            "severity": "3",
            "residual_likelihood": "2",
            "residual_severity": "1",
            "status": "identifie",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    with app.app_context():
        risk = db.session.scalars(select(Risk).where(Risk.title == title)).one()
        assert (risk.criticality, risk.residual_criticality) == (12, 2)
        pk = risk.id
    page = client.get(f"/risk/show/{pk}").get_data(as_text=True)
    assert "Criticité brute" in page and "Criticité résiduelle" in page


def test_criticality_cannot_be_written(app: Flask, world: World, client) -> None:
    pk = _create(
        app,
        "risk",
        {
            "service": world.services["S1"],
            "title": unique("Risque "),
            "likelihood": 1,
            "severity": 2,
        },
    )
    response = client.put(
        f"/api/v1/risk/{pk}",
        headers=token(client, world.users["quality"]),
        json={"criticality": 16, "version": 1},
    )
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "criticality"
    assert "ne se modifie pas" in response.json["errors"][0]["message"]
    assert _stored(app, Risk, pk, "criticality", "version") == (2, 1)


# --------------------------------------------------------------------- days to close, late
def test_days_to_close_follows_completion_and_opening(app: Flask, world: World, client) -> None:
    pk = _create(
        app,
        "action",
        {
            "code": unique("ACT"),
            "title": "Action",
            "service": world.services["S1"],
            "opened_on": "2025-01-10",
        },
    )
    assert _stored(app, Action, pk, "days_to_close") == (None,)
    with app.app_context():
        # the "complete" transition sets the completion date; the flush recomputes
        action = db.session.get(Action, pk)
        action.completed_on = date(2025, 3, 1)
        action.state = "realisee"
        db.session.commit()
    assert _stored(app, Action, pk, "days_to_close") == (50,)
    response = client.put(
        f"/api/v1/action/{pk}",
        headers=token(client, world.users["quality"]),
        json={"opened_on": "2025-02-01", "version": 2},
    )
    assert response.status_code == 200, response.json
    assert response.json["result"]["days_to_close"] == 28
    assert _stored(app, Action, pk, "days_to_close") == (28,)
    refused = client.put(
        f"/api/v1/action/{pk}",
        headers=token(client, world.users["quality"]),
        json={"days_to_close": 1, "version": 3},
    )
    assert refused.status_code == 422 and refused.json["errors"][0]["field"] == "days_to_close"


@pytest.mark.parametrize(
    ("due", "state", "late"),
    [
        (TODAY - timedelta(days=1), "a_faire", True),
        (TODAY - timedelta(days=30), "en_cours", True),
        (TODAY - timedelta(days=30), "realisee", False),  # completed: awaits its check
        (TODAY, "en_cours", False),
        (TODAY + timedelta(days=5), "a_faire", False),
        (TODAY - timedelta(days=30), "verifiee", False),
        (TODAY - timedelta(days=30), "annulee", False),
        (None, "a_faire", False),
    ],
)
def test_action_is_late_in_python_and_in_sql(
    app: Flask, world: World, client, due: date | None, state: str, late: bool
) -> None:
    code = unique("ACT-L")
    pk = _create(
        app,
        "action",
        {
            "code": code,
            "title": "Action datée",
            "service": world.services["S1"],
            "due_date": due.isoformat() if due else None,
        },
    )
    with app.app_context():
        action = db.session.get(Action, pk)
        action.state = state
        db.session.commit()
        assert action.late is late
        in_sql = db.session.scalars(select(Action.id).where(Action.late, Action.id == pk)).all()
        assert (pk in in_sql) is late
        not_late = db.session.scalars(select(Action.id).where(~Action.late, Action.id == pk)).all()
        assert (pk in not_late) is not late
    headers = token(client, world.users["quality"])
    shown = client.get(f"/api/v1/action/{pk}", headers=headers).json["result"]
    assert shown["late"] is late
    listed = client.get(
        f"/api/v1/action/?q=(filters:!((col:code,opr:eq,value:'{code}')))", headers=headers
    ).json["result"]
    assert [row["late"] for row in listed] == [late]
    login(client, world.users["quality"])
    page = client.get(f"/action/show/{pk}").get_data(as_text=True)
    assert "En retard" in page


# ------------------------------------------------------------------------ processing days
def test_processing_days_follow_the_dates(app: Flask, world: World, client) -> None:
    headers = token(client, world.users["agent"])
    created = client.post(
        "/api/v1/complaint/",
        headers=headers,
        json={
            "received_on": "2025-03-03",
            "channel": "guichet",
            "service": world.services["S1"],
            "subject": unique("Réclamation "),
        },
    )
    assert created.status_code == 201, created.json
    assert created.json["result"]["processing_days"] is None
    pk = created.json["id"]
    answered = client.put(
        f"/api/v1/complaint/{pk}",
        headers=headers,
        json={"answered_on": "2025-03-17", "status": "repondue", "version": 1},
    )
    assert answered.status_code == 200, answered.json
    assert answered.json["result"]["processing_days"] == 14
    moved = client.put(
        f"/api/v1/complaint/{pk}", headers=headers, json={"received_on": "15/03/2025", "version": 2}
    )
    assert moved.status_code == 200, moved.json
    assert _stored(app, Complaint, pk, "processing_days") == (2,)
    refused = client.put(
        f"/api/v1/complaint/{pk}", headers=headers, json={"processing_days": 1, "version": 3}
    )
    assert refused.status_code == 422
    assert _stored(app, Complaint, pk, "processing_days", "version") == (2, 3)


# ---------------------------------------------------------------------------------- checks
_INDICATORS: dict[str, int] = {}


def _indicator(app: Flask, world: World, frequency: str, direction: str = "increase") -> int:
    key = f"{frequency}-{direction}"
    if key not in _INDICATORS:
        _INDICATORS[key] = _create(
            app,
            "indicator",
            {
                "code": unique("IND-C"),
                "name": f"Indicateur {key}",
                "frequency": frequency,
                "direction": direction,
                "owner_service": world.services["S1"],
            },
        )
    return _INDICATORS[key]


def _risk(app: Flask, world: World) -> int:
    return _create(
        app,
        "risk",
        {
            "service": world.services["S1"],
            "title": unique("Risque "),
            "likelihood": 1,
            "severity": 1,
        },
    )


#: (artefact, payload builder, field named by the error, words of the French message)
INVALID = {
    "monthly measurement, quarterly period": (
        "measurement",
        lambda a, w: {"indicator": _indicator(a, w, "monthly"), "period": "2025-Q1", "value": 3},
        "period",
        ["2025-Q1", "2025-03"],
    ),
    "quarterly measurement, monthly period": (
        "measurement",
        lambda a, w: {"indicator": _indicator(a, w, "quarterly"), "period": "2025-03", "value": 3},
        "period",
        ["n'est pas une période valide", "2025-Q1"],
    ),
    "target period of another frequency": (
        "target",
        lambda a, w: {"indicator": _indicator(a, w, "quarterly"), "period": "2025-05", "value": 3},
        "period",
        ["n'est pas une période valide"],
    ),
    "band target without bounds": (
        "target",
        lambda a, w: {
            "indicator": _indicator(a, w, "yearly", "band"),
            "period": "2026",
            "value": 3,
        },
        "low",
        ["borne basse"],
    ),
    "band target upside down": (
        "target",
        lambda a, w: {
            "indicator": _indicator(a, w, "yearly", "band"),
            "period": "2027",
            "low": 10,
            "high": 5,
        },
        "high",
        ["borne haute est inférieure"],
    ),
    "plain target without value": (
        "target",
        lambda a, w: {"indicator": _indicator(a, w, "yearly"), "period": "2026"},
        "value",
        ["obligatoire"],
    ),
    "impact score out of range": (
        "impact_assessment",
        lambda a, w: {"risk": _risk(a, w), "citizens": 3},
        "citizens",
        ["« Administrés »", "-2, -1, 0, 1, 2"],
    ),
    "impact of nothing": (
        "impact_assessment",
        lambda a, w: {"partners": 1},
        "risk",
        ["soit sur un risque, soit sur une action"],
    ),
    "action due before opening": (
        "action",
        lambda a, w: {
            "code": unique("ACT"),
            "title": "Action",
            "service": w.services["S1"],
            "opened_on": "2025-05-01",
            "due_date": "2025-04-30",
        },
        "due_date",
        ["échéance précède"],
    ),
    "complaint answered before received": (
        "complaint",
        lambda a, w: {
            "received_on": "2025-05-02",
            "answered_on": "2025-05-01",
            "service": w.services["S1"],
            "subject": "Réclamation",
        },
        "answered_on",
        ["réponse précède"],
    ),
    "complaint answered without a date": (
        "complaint",
        lambda a, w: {
            "received_on": "2025-05-02",
            "status": "repondue",
            "service": w.services["S1"],
            "subject": "Réclamation",
        },
        "answered_on",
        ["date de réponse"],
    ),
    "audit ending before it starts": (
        "audit",
        lambda a, w: {
            "code": unique("AUD"),
            "title": "Audit",
            "services": [w.services["S1"]],
            "start_date": "2025-06-10",
            "end_date": "2025-06-09",
        },
        "end_date",
        ["fin précède"],
    ),
    "certificate expiring before obtained": (
        "certification",
        lambda a, w: {
            "services": [w.services["S1"]],
            "obtained_on": "2025-06-10",
            "expires_on": "2024-06-10",
        },
        "expires_on",
        ["échéance précède"],
    ),
    "calculated indicator without formula": (
        "indicator",
        lambda a, w: {
            "code": unique("IND"),
            "name": "Calculé",
            "collection_mode": "calculated",
            "owner_service": w.services["S1"],
        },
        "formula",
        ["calculé", "formule"],
    ),
    "formula on a manual indicator": (
        "indicator",
        lambda a, w: {
            "code": unique("IND"),
            "name": "Manuel",
            "collection_mode": "manual",
            "formula": "1 + 1",
            "owner_service": w.services["S1"],
        },
        "formula",
        ["Seul un indicateur calculé"],
    ),
    "baseline period of another frequency": (
        "indicator",
        lambda a, w: {
            "code": unique("IND"),
            "name": "Mensuel",
            "frequency": "monthly",
            "baseline_period": "2024",
            "owner_service": w.services["S1"],
        },
        "baseline_period",
        ["2025-03"],
    ),
    "half a residual risk": (
        "risk",
        lambda a, w: {
            "service": w.services["S1"],
            "title": "Risque",
            "likelihood": 2,
            "severity": 2,
            "residual_likelihood": 1,
        },
        "residual_severity",
        ["ensemble"],
    ),
    "satisfaction above 100 %": (
        "survey",
        lambda a, w: {"title": "Enquête", "services": [w.services["S1"]], "satisfaction_rate": 120},
        "satisfaction_rate",
        ["entre 0 et 100"],
    ),
    "reporting period that is no period": (
        "reporting_period",
        lambda a, w: {"period": "2025-13"},
        "period",
        ["n'est pas une période"],
    ),
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_checks_refuse_in_french_on_the_field_and_store_nothing(
    app: Flask, world: World, client, case: str
) -> None:
    code, build, field, words = INVALID[case]
    payload = build(app, world)
    before = count(app, code)
    response = client.post(
        f"/api/v1/{code}/", json=payload, headers=token(client, world.users["quality"])
    )
    assert response.status_code == 422, response.json
    errors = {e["field"]: e["message"] for e in response.json["errors"]}
    assert field in errors, errors
    for word in words:
        assert word.lower() in errors[field].lower(), errors[field]
    assert count(app, code) == before


def test_checks_also_guard_updates(app: Flask, world: World, client) -> None:
    """A valid record made invalid by an update is refused and left as it was."""
    headers = token(client, world.users["quality"])
    pk = _create(
        app,
        "action",
        {
            "code": unique("ACT"),
            "title": "Action",
            "service": world.services["S1"],
            "opened_on": "2025-05-01",
            "due_date": "2025-06-01",
        },
    )
    response = client.put(
        f"/api/v1/action/{pk}", headers=headers, json={"opened_on": "2025-07-01", "version": 1}
    )
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "due_date"
    assert _stored(app, Action, pk, "opened_on", "version") == (date(2025, 5, 1), 1)


def test_check_errors_show_on_the_form_field(app: Flask, world: World, client) -> None:
    indicator = _indicator(app, world, "monthly")
    before = count(app, "measurement")
    login(client, world.users["service_head"])
    response = client.post(
        "/measurement/add", data={"indicator": str(indicator), "period": "2025", "value": "12,5"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    period_row = html[html.index('name="period"') :]
    assert "n'est pas une période valide pour cet indicateur" in period_row[:1500]
    assert count(app, "measurement") == before
    # the same entry with a period of the indicator's frequency (and a French decimal) is kept
    response = client.post(
        "/measurement/add", data={"indicator": str(indicator), "period": "2025-04", "value": "12,5"}
    )
    assert response.status_code == 302, form_errors(response)
    assert count(app, "measurement") == before + 1
    with app.app_context():
        from app.models import Measurement

        stored = db.session.scalars(
            select(Measurement.value).where(
                Measurement.indicator_id == indicator, Measurement.period == "2025-04"
            )
        ).one()
        assert stored == 12.5
