"""Lists whose cost does not grow with the data: no page loads more than its page of rows.

A town of many more rows than a page (60 late indicators of S1 owned by one agent, one value
each, 30 values on one of them shown in a dashboard's table) is built once; each page is read
while counting the ORM objects the request loads (``loaded_as_persistent``: one per row read
as an object), which must stay within its page size plus a constant — FAB's search form used
to load every indicator of the town for its indicator filter. Then the relation fields'
autocomplete (scoped: an agent is offered their services' records only) and the capped count
of generated lists (« plus de 10 000 »).

The rows are archived when the module is done, so they leave the lists other modules read.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask_babel import force_locale
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from app.commands import dashboards as dashboard_commands
from app.extensions import db
from app.models import Indicator, Measurement
from app.models.types import utcnow
from app.registry.interface import COUNT_CAP
from app.security.actor import Actor
from tests.conftest import World, is_postgres, login, unique
from tests.factories import new, past_month, user_id
from views.list_widget import count_text
from workflows.tasks import LIMIT

MANY = 60
PAGE = 25  # the generated lists' and collection health's page size
#: Objects a page may load beside its rows: the signed-in person, their roles, services…
SLACK = 12
#: Flask-AppBuilder's permission objects, read for the menu whatever the page (constant).
SECURITY = {"PermissionView", "ViewMenu", "Permission", "Role"}


@contextmanager
def loaded() -> Iterator[Counter[str]]:
    """Objects the ORM loads from rows meanwhile, by class name."""
    counts: Counter[str] = Counter()

    def on_load(session: Any, instance: Any) -> None:
        counts[type(instance).__name__] += 1

    event.listen(Session, "loaded_as_persistent", on_load)
    try:
        yield counts
    finally:
        event.remove(Session, "loaded_as_persistent", on_load)


class Town:
    def __init__(self) -> None:
        self.indicators: list[int] = []
        self.codes: list[str] = []
        self.other: int = 0
        self.measurements: list[int] = []
        self.dashboard: int = 0


@pytest.fixture(scope="module")
def town(app: Flask, world: World) -> Iterator[Town]:
    made = Town()
    agent = user_id(app, world.users["agent"])
    prefix = unique("LC")
    with app.app_context():
        for number in range(MANY):
            code = f"{prefix}-{number:03d}"
            ind = new(
                "indicator",
                {
                    "code": code,
                    "name": f"Volume {code}",
                    "owner_service": world.services["S1"],
                    "owner": agent,
                    "frequency": "monthly",
                    "collection_mode": "manual",
                    "direction": "increase",
                    "unit": "u",
                },
            )
            made.indicators.append(ind.id)
            made.codes.append(code)
            made.measurements.append(
                new("measurement", {"indicator": ind.id, "period": past_month(6), "value": 1}).id
            )
        other = new(
            "indicator",
            {
                "code": f"{prefix}-S3",
                "name": f"Ailleurs {prefix}",
                "owner_service": world.services["S3"],
                "frequency": "monthly",
                "direction": "increase",
                "unit": "u",
            },
        )
        made.other = other.id
        charted = made.indicators[0]
        for offset in range(7, 37):
            made.measurements.append(
                new(
                    "measurement", {"indicator": charted, "period": past_month(offset), "value": 2}
                ).id
            )
        # created two years ago: their values are owed (a new indicator owes nothing yet)
        db.session.execute(
            update(Indicator)
            .where(Indicator.id.in_(made.indicators))
            .values(created_at=utcnow() - timedelta(days=730))
        )
        db.session.commit()
        board = new("dashboard", {"title": unique("Tableau LC "), "position": 950})
        dashboard_commands.add_widget(
            board, {"kind": "table", "indicator": charted}, Actor.system_actor()
        )
        made.dashboard = board.id
    yield made
    with app.app_context():
        ids = [*made.indicators, made.other]
        db.session.execute(
            update(Measurement).where(Measurement.id.in_(made.measurements)).values(archived=True)
        )
        db.session.execute(update(Indicator).where(Indicator.id.in_(ids)).values(archived=True))
        db.session.commit()


def _get(client: Any, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.get_data()[:300]
    return response.get_data(as_text=True)


def test_the_measurement_list_loads_its_page_not_the_indicators(
    app: Flask, world: World, client: Any, town: Town
) -> None:
    with app.app_context():
        indicators = db.session.scalar(select(func.count(Indicator.id)))
        values = db.session.scalar(select(func.count(Measurement.id)))
    assert indicators > PAGE + SLACK and values > PAGE + SLACK  # more than a page of each
    login(client, world.users["quality"])
    _get(client, "/measurement/list/")
    with loaded() as counts:
        page = _get(client, "/measurement/list/")
    assert 0 < len(set(re.findall(r"/measurement/show/(\d+)", page))) <= PAGE
    assert counts["Measurement"] <= PAGE, counts
    assert counts["Indicator"] <= PAGE + SLACK, counts
    records = sum(n for name, n in counts.items() if name not in SECURITY)
    assert records <= 2 * PAGE + SLACK, counts


def test_an_edit_form_draws_only_the_chosen_indicator(
    app: Flask, world: World, client: Any, town: Town
) -> None:
    login(client, world.users["quality"])
    with loaded() as counts:
        form = _get(client, f"/measurement/edit/{town.measurements[0]}")
    select_tag = re.search(r'<select[^>]*name="indicator"[^>]*>(.*?)</select>', form, re.S)
    assert select_tag is not None
    options = re.findall(r'<option[^>]*value="(\d+)"', select_tag.group(1))
    assert options == [str(town.indicators[0])]
    assert "selected" in select_tag.group(1)
    assert counts["Indicator"] <= 2 + SLACK, counts


def test_a_list_filtered_on_an_indicator_draws_that_one_chosen(
    app: Flask, world: World, client: Any, town: Town
) -> None:
    login(client, world.users["quality"])
    chosen = town.indicators[3]
    page = _get(client, f"/measurement/list/?_flt_0_indicator={chosen}")
    assert set(re.findall(r"/measurement/show/(\d+)", page)) == {
        str(m) for m in town.measurements[3:4]
    }
    # the search form's indicator field, written as JSON into its script: the blank choice
    # and that indicator (FAB's script chooses it), no other indicator of the town
    field = re.search(r'"indicator": "(\\u003cselect.*?\\u003c/select\\u003e)"', page)
    assert field is not None
    options = re.findall(r'\\u003coption[^\\]*?value=\\"(\w+)\\"', field.group(1))
    assert options == ["__None", str(chosen)], options
    assert town.codes[4] not in page


def test_the_autocomplete_offers_an_agent_their_services_records_only(
    app: Flask, world: World, client: Any, town: Town
) -> None:
    login(client, world.users["agent"])
    offered: dict[int, str] = {}
    page = 1
    while True:
        answer = client.get("/measurement/picker/indicator/", query_string={"page": page})
        assert answer.status_code == 200
        offered |= {int(c["id"]): c["text"] for c in answer.json["results"]}
        assert len(answer.json["results"]) <= 20
        if not answer.json["more"]:
            break
        page += 1
    assert set(town.indicators) <= set(offered)
    assert town.other not in offered
    with app.app_context():
        services = set(
            db.session.scalars(
                select(Indicator.owner_service_id).where(Indicator.id.in_(list(offered)))
            )
        )
    assert services == {world.services["S1"]}
    typed = client.get("/measurement/picker/indicator/", query_string={"q": town.codes[7]})
    assert [int(c["id"]) for c in typed.json["results"]] == [town.indicators[7]]
    assert town.codes[7] in typed.json["results"][0]["text"]
    # the other service's indicator, typed for by its code: not offered either
    hidden = client.get(
        "/measurement/picker/indicator/", query_string={"q": f"{town.codes[0][:-4]}-S3"}
    )
    assert hidden.json["results"] == []
    assert client.get("/measurement/picker/value/").status_code == 404  # not a relation
    # the quality cell reaches every service: the same address offers the S3 indicator
    login(client, world.users["quality"])
    typed = client.get(
        "/measurement/picker/indicator/", query_string={"q": f"{town.codes[0][:-4]}-S3"}
    )
    assert [int(c["id"]) for c in typed.json["results"]] == [town.other]


def test_an_id_the_picker_does_not_offer_is_refused(
    app: Flask, world: World, client: Any, town: Town
) -> None:
    login(client, world.users["agent"])
    response = client.post(
        "/measurement/add",
        data={"indicator": str(town.other), "period": past_month(1), "value": "3"},
    )
    assert response.status_code in (200, 403, 422)
    with app.app_context():
        stored = db.session.scalar(
            select(func.count(Measurement.id)).where(Measurement.indicator_id == town.other)
        )
    assert stored == 0


def test_collection_health_is_paged_with_its_filters_kept(
    app: Flask, world: World, client: Any, town: Town
) -> None:
    login(client, world.users["quality"])
    _get(client, "/collection_health/")
    with loaded() as counts:
        first = _get(client, "/collection_health/")
    assert first.count('data-row="overdue"') == PAGE
    assert counts["Indicator"] <= PAGE + SLACK, counts
    shown = re.search(r"(\d+) sur (\d+) indicateurs suivis", first)
    assert shown is not None and int(shown.group(1)) >= MANY
    assert "Page 1 sur" in first
    second = _get(client, "/collection_health/?page=1")
    assert "Page 2 sur" in second
    firsts = set(re.findall(r"/indicator/show/(\d+)", first))
    seconds = set(re.findall(r"/indicator/show/(\d+)", second))
    assert firsts and seconds and not firsts & seconds  # the next rows, not the same
    # the agent's own values (« mes saisies »): 60 of them, paged, the filter kept in the links
    login(client, world.users["agent"])
    mine = _get(client, "/collection_health/?vue=mes_saisies")
    assert mine.count('data-row="overdue"') == PAGE
    assert re.search(
        r'href="[^"]*vue=mes_saisies[^"]*page=1|href="[^"]*page=1[^"]*vue=mes_saisies', mine
    )


def test_my_tasks_shows_the_first_rows_and_the_count(
    app: Flask, world: World, client: Any, town: Town
) -> None:
    login(client, world.users["agent"])
    _get(client, "/tasks/")
    with loaded() as counts:
        page = _get(client, "/tasks/")
    section = re.search(r'data-section="measurement:due".*?</section>', page, re.S)
    assert section is not None
    assert section.group(0).count("<tr><td><a href=") == LIMIT
    total = re.search(r'<span class="badge">(\d+)</span>', section.group(0))
    assert total is not None and int(total.group(1)) >= MANY
    assert 'href="/collection_health/"' in section.group(0)  # « Voir la liste complète »
    assert counts["Indicator"] <= LIMIT + SLACK, counts


def test_a_dashboard_table_loads_its_recent_values_only(
    app: Flask, world: World, client: Any, town: Town
) -> None:
    from app.dashboards import HISTORY_LENGTH, TABLE_ROWS

    login(client, world.users["quality"])
    _get(client, f"/dashboards/{town.dashboard}")
    with loaded() as counts:
        page = _get(client, f"/dashboards/{town.dashboard}")
    table = re.search(
        r'<table class="table table-condensed vigie-values-table">(.*?)</table>', page, re.S
    )
    assert table is not None
    assert table.group(1).count("<tr") - 1 == TABLE_ROWS  # 31 values, its newest few
    assert counts["Measurement"] <= HISTORY_LENGTH + SLACK, counts


# -- the capped count ------------------------------------------------------------------------
def _measurement_view(app: Flask) -> Any:
    return next(
        v
        for v in app.appbuilder.baseviews  # type: ignore[attr-defined]
        if type(v).__name__ == "MeasurementView"
    )


def test_a_count_above_the_cap_says_more_than_and_pages_within_it(
    app: Flask, world: World, client: Any, town: Town, count_queries: Any
) -> None:
    login(client, world.users["quality"])
    exact = _get(client, "/measurement/list/")
    assert "page_MeasurementView=2" in exact  # ≥ 90 values: three pages and more
    view = _measurement_view(app)
    kept = view.datamodel.count_cap
    view.datamodel.count_cap = 30
    try:
        with count_queries() as statements:
            capped = _get(client, "/measurement/list/")
    finally:
        view.datamodel.count_cap = kept
    assert "plus de 30" in capped
    assert "page_MeasurementView=1" in capped and "page_MeasurementView=2" not in capped
    counts = [s for s in statements if "count(" in s.lower() and "measurement" in s.lower()]
    assert counts and all("LIMIT" in s.upper() for s in counts), counts


def test_the_cap_is_said_in_french_and_in_english(app: Flask) -> None:
    assert COUNT_CAP == 10_000
    with app.test_request_context():
        with force_locale("fr"):
            assert count_text(COUNT_CAP + 1) == "plus de 10\u202f000"
            assert count_text(COUNT_CAP).replace("\u202f", " ") == "10 000"
        with force_locale("en"):
            assert count_text(COUNT_CAP + 1) == "more than 10,000"


# -- the default order, read from an index ---------------------------------------------------
@pytest.mark.skipif(not is_postgres(), reason="the plan of PostgreSQL, the production database")
def test_the_measurement_list_reads_its_order_from_the_index(
    app: Flask, world: World, client: Any, town: Town
) -> None:
    """The page's query, as the app sends it, may be served by ``ix_measurement_list_order``
    (sequential scans disabled: on this small table the planner would rightly prefer one)."""
    login(client, world.users["quality"])
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM measurement" in statement:
            captured.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        _get(client, "/measurement/list/")
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    page = [(s, p) for s, p in captured if "ORDER BY" in s and "LIMIT" in s]
    assert page, [s[:120] for s, _p in captured]
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("EXPLAIN " + page[0][0], page[0][1])
        plan = "\n".join(row[0] for row in cursor.fetchall())
        raw.rollback()
    finally:
        raw.close()
    assert "ix_measurement_list_order" in plan, plan
    assert "Sort" not in plan.split("ix_measurement_list_order")[0], plan
