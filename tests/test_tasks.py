"""« Mes tâches »: each person sees what awaits them now, and only that.

The sections come from the workflow tables (rows with a task heading), so these tests follow
records through their workflow and check who sees them at each turn.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from app import registry
from app.commands.records import create_record
from app.extensions import db
from app.security.actor import Actor
from tests.conftest import PASSWORD, World, login, unique
from tests.factories import build_meeting, build_programme


def _tasks(client: FlaskClient, username: str) -> str:
    login(client, username)
    response = client.get("/tasks/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_an_objective_travels_through_each_persons_tasks(
    app: Flask, client: FlaskClient, world: World
) -> None:
    title = unique("Objectif à suivre")
    with app.app_context():
        objective = create_record(
            registry.get("service_objective"),
            {
                # an old year: to-dos come oldest first, so other files' objectives never hide it
                "service": world.services["S1"],
                "year": 2001,
                "title": title,
            },
            Actor.system_actor(),
        )
        pk = objective.id
    assert title in _tasks(client, "t_head_s1")
    assert title not in _tasks(client, "t_head_s3")  # another service
    assert title not in _tasks(client, "t_quality")  # not submitted yet
    login(client, "t_head_s1")
    assert (
        client.post(
            f"/api/v1/service_objective/{pk}/transition", json={"event": "submit"}
        ).status_code
        == 200
    )
    assert title not in _tasks(client, "t_head_s1")
    assert title in _tasks(client, "t_quality")


def test_actions_owned_come_late_first_and_verification_goes_to_someone_else(
    app: Flask, client: FlaskClient, world: World
) -> None:
    from app.organisation import create_user

    username = unique("agent-taches").lower()
    # an agent of their own in a service of their own: other files' actions (those without
    # an owner are everyone's in the service) never crowd them out
    with app.app_context():
        service = create_record(
            registry.get("service"),
            {
                "code": unique("TCH"),
                "name": unique("Service des tâches"),
                "parent": world.services["POLE-A"],
            },
            Actor.system_actor(),
        )
        service_id, service_code = service.id, service.code
        agent = create_user(
            username=username,
            password=PASSWORD,
            role_codes=["agent"],
            service_codes=[service_code],
            first_name="Agent",
            last_name="Tâches",
        ).id
    today = date.today()
    late, later = unique("Action en retard"), unique("Action à venir")
    with app.app_context():
        system = Actor.system_actor()
        for title, due in ((later, today + timedelta(days=30)), (late, today - timedelta(days=3))):
            create_record(
                registry.get("action"),
                {
                    "code": unique("ACT"),
                    "title": title,
                    "service": service_id,
                    "owner": agent,
                    "due_date": due,
                },
                system,
            )
    page = _tasks(client, username)
    assert late in page and later in page
    assert page.index(late) < page.index(later)
    assert "En retard" in page
    assert late not in _tasks(client, "t_head_s3")


def test_officials_find_the_proposals_to_arbitrate(
    app: Flask, client: FlaskClient, world: World
) -> None:
    meeting = build_meeting(app, world, objectives=1)
    page = _tasks(client, "t_official")
    assert "Propositions à arbitrer" in page
    assert f"/review_meeting/{meeting.review_id}#proposal-" in page
    assert "Propositions à arbitrer" not in _tasks(client, "t_quality")


def test_each_role_lands_on_its_home_page(client: FlaskClient) -> None:
    """One address for everyone: the home page says what awaits (tests/test_home.py)."""
    for username in (
        "t_head_s1",
        "t_agent_s1",
        "t_quality",
        "t_official",
        "t_executive",
        "t_admin",
    ):
        login(client, username)
        response = client.get("/")
        assert response.status_code == 200
        assert "À faire maintenant" in response.get_data(as_text=True)


def test_tasks_page_query_count_does_not_grow(
    app: Flask, client: FlaskClient, world: World, count_queries: Any
) -> None:
    def add_objectives(n: int) -> None:
        with app.app_context():
            for _ in range(n):
                create_record(
                    registry.get("service_objective"),
                    {
                        "service": world.services["S1"],
                        "year": 2026,
                        "title": unique("Lot"),
                    },
                    Actor.system_actor(),
                )

    login(client, "t_head_s1")
    counts = []
    for batch in (1, 25):
        add_objectives(batch)
        client.get("/tasks/")
        with count_queries() as statements:
            assert client.get("/tasks/").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_home_pages_link_the_dashboards_made_for_the_person(
    app: Flask, client: FlaskClient, world: World
) -> None:
    from flask_appbuilder.security.sqla.models import Role

    title_s1, title_exec = unique("Tableau S1"), unique("Tableau DG")
    with app.app_context():
        executive = db.session.query(Role).filter_by(name="executive").one()
        create_record(
            registry.get("dashboard"),
            {"title": title_s1, "services": [world.services["S1"]], "position": 0},
            Actor.system_actor(),
        )
        create_record(
            registry.get("dashboard"),
            {"title": title_exec, "roles": [executive.id], "position": 0},
            Actor.system_actor(),
        )
    tasks = _tasks(client, "t_head_s1")
    assert title_s1 in tasks and title_exec not in tasks
    build_programme(app, world)  # a programme to map: the executive's home page
    login(client, "t_executive")
    home = client.get("/strategy_map/")
    assert home.status_code == 302
    page = client.get(home.location).get_data(as_text=True)
    assert title_exec in page and title_s1 not in page
