"""Every list page and API list sends the same number of queries at 10 and 300 rows.

A relation shown in a list, or a property reading one, costs one query per row unless the
data interface loads it with the page. The rows are spread over 20 services (so over 20
indicators, documents, risks, agents… for the records that hang from those), since rows
sharing one related record would hide the per-row query behind SQLAlchemy's identity map; 300
rows fill the UI page (25) and the API page (100), so any per-row query shows as a difference.

The module may run in any order with the others: the rows it adds are archived once it is
done, and archived records leave every list. Left live, they would stay in the lists other
modules read a first page of — ``test_scope_matrix`` and ``test_confidentiality`` look for
their new record among the first 500 rows, and the artefacts every head reads (programmes,
axes, reviews…) or that global roles read (dashboards, an administrator's individual
objectives) sort these 300 rows level with that record (same year, start year or position),
so past 500 rows the record could fall off the page.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import update

from app import registry
from app.commands.records import create_record
from app.extensions import db
from app.security.actor import Actor
from tests.conftest import World, login, unique
from tests.scope_cases import ARTEFACTS, CASES

FEW, MANY, SPREAD = 10, 300, 20


@pytest.fixture(scope="module")
def bulk(app: Flask, world: World) -> tuple[World, list[str]]:
    """The world plus 20 services under BULK to spread the rows over."""
    codes = [unique("BLK") for _ in range(SPREAD)]
    services = dict(world.services)
    with app.app_context():
        for code in codes:
            services[code] = create_record(
                registry.get("service"),
                {"code": code, "name": f"Volume {code}", "parent": world.services["BULK"]},
                Actor.system_actor(),
            ).id
    return World(services=services, users=world.users), codes


@pytest.fixture(scope="module")
def added(app: Flask) -> Iterator[dict[str, list[int]]]:
    """Ids of the rows the tests add, by artefact; archived when the module is done."""
    rows: dict[str, list[int]] = {}
    yield rows
    with app.app_context():
        for code, ids in rows.items():
            model = registry.get(code).model
            db.session.execute(update(model).where(model.id.in_(ids)).values(archived=True))
        db.session.commit()


@pytest.mark.parametrize("code", ARTEFACTS)
def test_list_queries_do_not_grow_with_rows(
    app: Flask,
    world: World,
    client: Any,
    count_queries: Any,
    bulk: tuple[World, list[str]],
    added: dict[str, list[int]],
    code: str,
) -> None:
    case = CASES[code]
    spread_world, services = bulk
    rotation = itertools.cycle(services)
    # a reader of every record (individual objectives: an administrator, nobody else)
    login(client, world.users[case.list_user])

    def add(n: int) -> None:
        with app.app_context():
            artefact = registry.get(code)
            for _ in range(n):
                payload = case.payload(spread_world, app, next(rotation))
                made = create_record(artefact, payload, Actor.system_actor())
                added.setdefault(code, []).append(made.id)

    def measure() -> tuple[int, int, int]:
        client.get(f"/{code}/list/")
        with count_queries() as ui:
            page = client.get(f"/{code}/list/")
            assert page.status_code == 200
        with count_queries() as api:
            listed = client.get(f"/api/v1/{code}/?q=(page_size:100)")
            assert listed.status_code == 200
        return len(ui), len(api), len(listed.json["ids"])

    add(FEW)
    small = measure()
    add(MANY - FEW)
    large = measure()
    assert large[2] == 100 and small[2] >= FEW  # the lists did hold the rows
    assert large[:2] == small[:2], (small, large)


HOME_ROLES = ("official", "service_head", "agent", "admin", "quality", "executive", "auditor")


def test_home_page_queries_do_not_grow_with_data(
    app: Flask,
    world: World,
    client: Any,
    count_queries: Any,
    added: dict[str, list[int]],
) -> None:
    """Each role's home page: the same number of queries with one and with three times as
    much waiting (late actions, overdue values, proposals, failed mails and jobs)."""
    from tests.factories import build_home_world

    def build() -> None:
        made = build_home_world(app, world)
        meeting = made.meeting
        for code, ids in (
            ("action", made.late_actions.values()),
            ("indicator", [*made.overdue_indicators.values(), meeting.indicator_id]),
            ("proposal", [*meeting.objective_proposals, meeting.target_proposal]),
            ("proposal", [meeting.other_proposal]),
            ("service_objective", meeting.objectives),
            ("management_review", [meeting.review_id]),
            ("source_application", [made.application]),
        ):
            added.setdefault(code, []).extend(ids)

    def measure() -> dict[str, int]:
        counts = {}
        for role in HOME_ROLES:
            login(client, world.users[role])
            client.get("/")
            with count_queries() as statements:
                assert client.get("/").status_code == 200
            counts[role] = len(statements)
        return counts

    build()
    small = measure()
    build()
    build()
    assert measure() == small
