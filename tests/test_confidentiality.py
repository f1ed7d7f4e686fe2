"""Individual objectives are confidential: the agent, the agent's line manager (the one named on
the record and the agent's current one) and administrators — nobody else.

Not the quality cell, the executive, officials or auditors (who read everything else), not a
colleague of the same service, not the head of the agent's service when someone else manages
the agent. Checked on every path a title could leak through: list page, show page, REST list
and show, history, CSV and XLSX exports (UI and API), FAB's search filters, and the pickers.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from app import registry
from app.commands.records import create_record
from app.extensions import db
from app.security.actor import Actor
from tests.conftest import PASSWORD, World, login, token, unique
from tests.factories import count, info_values, picker_options, user_id

CODE = "individual_objective"
VIEW = "IndividualObjectiveView"

#: Who sees an objective of t_report_s1 (agent of S1 managed by the head of S1).
READERS = ["report_s1", "service_head", "admin"]
#: Everyone else, global readers included.
HIDDEN_FROM = [
    "quality",
    "executive",
    "official",
    "auditor",
    "agent",
    "agent_s1_b",
    "head_s3",
    "pole_head",
    "report_s3",
]


def _objective(app: Flask, world: World, agent: str, **extra: Any) -> tuple[int, str]:
    """An objective of the agent ``agent`` (a world key, or a username)."""
    title = unique("Objectif confidentiel ")
    with app.app_context():
        obj = create_record(
            registry.get(CODE),
            {
                "agent": user_id(app, world.users.get(agent, agent)),
                "year": 2026,
                "title": title,
                "expected_result": "Réduire les délais",
                **extra,
            },
            Actor.system_actor(),
        )
        return int(obj.id), title


def _fresh(app: Flask) -> FlaskClient:
    return app.test_client()


def _seen_everywhere(app: Flask, username: str, pk: int, title: str) -> dict[str, bool]:
    """Whether the objective shows, path by path, to this user."""
    seen: dict[str, bool] = {}
    api = _fresh(app)
    headers = token(api, username)
    listed = api.get(f"/api/v1/{CODE}/?q=(page_size:500)", headers=headers)
    seen["api list"] = listed.status_code == 200 and pk in listed.json["ids"]
    shown = api.get(f"/api/v1/{CODE}/{pk}", headers=headers)
    seen["api show"] = shown.status_code == 200
    history = api.get(f"/api/v1/{CODE}/{pk}/history", headers=headers)
    seen["api history"] = history.status_code == 200
    searched = api.get(
        f"/api/v1/{CODE}/?q=(filters:!((col:title,opr:ct,value:'{title}')))", headers=headers
    )
    seen["api search"] = searched.status_code == 200 and pk in searched.json["ids"]
    exported = api.get(f"/api/v1/{CODE}/export?format=csv", headers=headers)
    seen["api csv"] = title in exported.get_data(as_text=True)

    ui = login(_fresh(app), username)
    page = ui.get(f"/{CODE}/list/?psize_{VIEW}=500")
    seen["list page"] = f'/{CODE}/show/{pk}"' in page.get_data(as_text=True)
    show = ui.get(f"/{CODE}/show/{pk}")
    seen["show page"] = show.status_code == 200 and title in show.get_data(as_text=True)
    found = ui.get(f"/{CODE}/list/?_flt_0_title={title}")
    # (the page repeats the searched words in its filter box: look for the record's link)
    seen["search page"] = f'/{CODE}/show/{pk}"' in found.get_data(as_text=True)
    by_agent = ui.get(f"/{CODE}/list/?_flt_0_agent={_agent_of(app, pk)}&psize_{VIEW}=500")
    seen["search by agent"] = f'/{CODE}/show/{pk}"' in by_agent.get_data(as_text=True)
    csv_file = ui.get(f"/{CODE}/export/csv")
    seen["csv"] = title in csv_file.get_data(as_text=True)
    xlsx_file = ui.get(f"/{CODE}/export/xlsx")
    seen["xlsx"] = xlsx_file.status_code == 200 and title in _xlsx_cells(xlsx_file.data)
    # whoever does not see the record gets a refusal, never an empty 200 page naming it
    if not seen["show page"]:
        assert show.status_code in (302, 403, 404)
        assert title not in show.get_data(as_text=True)
    return seen


def _xlsx_cells(data: bytes) -> set[Any]:
    try:
        sheet = load_workbook(io.BytesIO(data)).active
    except Exception:  # a refusal page is not a workbook
        return set()
    return {cell.value for row in sheet.iter_rows() for cell in row}


def _agent_of(app: Flask, pk: int) -> int:
    with app.app_context():
        return int(db.session.get(registry.get(CODE).model, pk).agent_id)


@pytest.mark.parametrize("reader", READERS)
def test_agent_manager_and_admin_see_the_objective_everywhere(
    app: Flask, world: World, reader: str
) -> None:
    pk, title = _objective(app, world, "report_s1")
    seen = _seen_everywhere(app, world.users[reader], pk, title)
    assert all(seen.values()), seen


@pytest.mark.parametrize("role", HIDDEN_FROM)
def test_everyone_else_sees_it_nowhere(app: Flask, world: World, role: str) -> None:
    pk, title = _objective(app, world, "report_s1")
    seen = _seen_everywhere(app, world.users[role], pk, title)
    assert not any(seen.values()), seen


def test_head_of_the_agents_service_is_not_the_manager(app: Flask, world: World) -> None:
    """t_report_pole works in S1 but reports to the pôle head: the head of S1 sees nothing."""
    pk, title = _objective(app, world, "report_pole")
    assert not any(_seen_everywhere(app, world.users["service_head"], pk, title).values())
    assert all(_seen_everywhere(app, world.users["pole_head"], pk, title).values())
    assert all(_seen_everywhere(app, world.users["report_pole"], pk, title).values())


def test_manager_on_record_and_current_manager_both_see_it(app: Flask, world: World) -> None:
    """An agent changed manager: the former one (named on last year's objectives) and the new
    one both see them; the former one may no longer set new objectives for the agent."""
    from app.organisation import create_user, find_user

    with app.app_context():
        old, new, agent = unique("t_old_mgr"), unique("t_new_mgr"), unique("t_moved")
        for username in (old, new):
            create_user(
                username=username,
                password=PASSWORD,
                role_codes=["service_head"],
                service_codes=["S2"],
            )
        create_user(
            username=agent,
            password=PASSWORD,
            role_codes=["agent"],
            service_codes=["S2"],
            manager_username=old,
        )
    pk, title = _objective(app, world, agent)
    with app.app_context():
        assert db.session.get(registry.get(CODE).model, pk).manager.username == old
        moved = find_user(agent)
        moved.manager = find_user(new)
        db.session.commit()
    for username in (old, new, agent):
        assert all(_seen_everywhere(app, username, pk, title).values()), username

    api = _fresh(app)
    before = count(app, CODE)
    refused = api.post(
        f"/api/v1/{CODE}/",
        headers=token(api, old),
        json={"agent": user_id(app, agent), "year": 2027, "title": "Nouvel objectif"},
    )
    assert refused.status_code == 422, refused.json
    assert refused.json["errors"][0]["field"] == "agent"
    assert count(app, CODE) == before
    accepted = api.post(
        f"/api/v1/{CODE}/",
        headers=token(api, new),
        json={"agent": user_id(app, agent), "year": 2027, "title": "Nouvel objectif"},
    )
    assert accepted.status_code == 201, accepted.json
    assert accepted.json["result"]["manager"]["username"] == new


@pytest.mark.parametrize("role", ["quality", "executive", "service_head", "agent"])
def test_creating_an_objective_for_someone_elses_report_is_refused(
    app: Flask, world: World, role: str
) -> None:
    """Whatever the role, nobody but the agent and their manager sets their objectives —
    naming oneself as manager does not help."""
    target = user_id(app, world.users["report_s3"])
    me = user_id(app, world.users[role])
    api = _fresh(app)
    headers = token(api, world.users[role])
    before = count(app, CODE)
    for extra in ({}, {"manager": me}):
        response = api.post(
            f"/api/v1/{CODE}/",
            headers=headers,
            json={"agent": target, "year": 2026, "title": "Objectif imposé", **extra},
        )
        assert response.status_code == 422, response.json
        error = response.json["errors"][0]
        assert error["field"] == "agent"
        assert "responsable hiérarchique" in error["message"]
    ui = login(_fresh(app), world.users[role])
    page = ui.post(
        f"/{CODE}/add",
        data={"agent": str(target), "year": "2026", "title": "Objectif imposé", "achievement": ""},
    )
    assert page.status_code == 422
    assert count(app, CODE) == before


def test_agent_and_manager_write_it(app: Flask, world: World) -> None:
    api = _fresh(app)
    created = api.post(
        f"/api/v1/{CODE}/",
        headers=token(api, world.users["report_s1"]),
        json={
            "agent": user_id(app, world.users["report_s1"]),
            "year": 2026,
            "title": unique("Mon objectif "),
        },
    )
    assert created.status_code == 201, created.json
    # the manager is filled in from the agent's
    assert created.json["result"]["manager"]["username"] == world.users["service_head"]
    pk = created.json["id"]
    updated = api.put(
        f"/api/v1/{CODE}/{pk}",
        headers=token(api, world.users["service_head"]),
        json={"achievement": "atteint", "version": 1},
    )
    assert updated.status_code == 200, updated.json
    archived = api.delete(f"/api/v1/{CODE}/{pk}", headers=token(api, world.users["report_s1"]))
    assert archived.status_code == 200 and archived.json["archived"] is True


def test_an_objective_cannot_be_handed_over_to_another_agent(app: Flask, world: World) -> None:
    """The manager holds the objective, but moving it to an agent they do not manage (who
    would then see it, with their manager) is refused on the agent field."""
    pk, title = _objective(app, world, "report_s1")
    api = _fresh(app)
    for role in ("service_head", "report_s1"):
        response = api.put(
            f"/api/v1/{CODE}/{pk}",
            headers=token(api, world.users[role]),
            json={"agent": user_id(app, world.users["report_s3"]), "version": 1},
        )
        assert response.status_code == 422, response.json
        assert response.json["errors"][0]["field"] == "agent"
    assert _agent_of(app, pk) == user_id(app, world.users["report_s1"])
    assert not any(_seen_everywhere(app, world.users["report_s3"], pk, title).values())


@pytest.mark.parametrize("role", ["quality", "executive", "head_s3"])
def test_others_cannot_write_it(app: Flask, world: World, role: str) -> None:
    pk, title = _objective(app, world, "report_s1")
    api = _fresh(app)
    headers = token(api, world.users[role])
    update = api.put(
        f"/api/v1/{CODE}/{pk}", headers=headers, json={"title": "Réécrit", "version": 1}
    )
    assert update.status_code == 404
    assert api.delete(f"/api/v1/{CODE}/{pk}", headers=headers).status_code == 404
    ui = login(_fresh(app), world.users[role])
    assert ui.get(f"/{CODE}/edit/{pk}").status_code == 404
    assert ui.post(f"/{CODE}/delete/{pk}").status_code == 404
    with app.app_context():
        obj = db.session.get(registry.get(CODE).model, pk)
        assert obj.title == title and obj.archived is False and obj.version == 1


@pytest.mark.parametrize("role", ["service_head", "report_s1", "quality"])
def test_agent_picker_offers_oneself_and_ones_reports(app: Flask, world: World, role: str) -> None:
    me = user_id(app, world.users[role])
    reports = {
        user_id(app, world.users[key])
        for key, manager in (
            ("report_s1", "service_head"),
            ("report_s3", "head_s3"),
            ("report_pole", "pole_head"),
        )
        if manager == role
    }
    strangers = (
        {
            user_id(app, world.users[key])
            for key in ("report_s1", "report_s3", "agent_s1_b", "report_pole")
        }
        - reports
        - {me}
    )
    ui = login(_fresh(app), world.users[role])
    offered = picker_options(ui, ui.get(f"/{CODE}/add").get_data(as_text=True), "agent")
    assert {me, *reports} <= offered
    assert not offered & strangers
    api = _fresh(app)
    offered = info_values(api, token(api, world.users[role]), CODE, "add_columns", "agent")
    assert {me, *reports} <= offered
    assert not offered & strangers


def test_api_never_publishes_account_secrets(app: Flask, world: World) -> None:
    """Related people appear as id and username, never as the whole account."""
    pk, _title = _objective(app, world, "report_s1")
    api = _fresh(app)
    headers = token(api, world.users["service_head"])
    for url in (f"/api/v1/{CODE}/{pk}", f"/api/v1/{CODE}/?q=(page_size:500)"):
        text = api.get(url, headers=headers).get_data(as_text=True)
        assert world.users["report_s1"] in text
        assert not re.search(r"password|scrypt|pbkdf2|login_count|email", text), url
    shown = api.get(f"/api/v1/{CODE}/{pk}", headers=headers).json["result"]
    assert shown["agent"] == {
        "id": user_id(app, world.users["report_s1"]),
        "username": world.users["report_s1"],
    }
