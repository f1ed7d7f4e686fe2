"""The carte stratégique page: SVG drawn from the data, period selector, matrix, drill-down.

The map is what users judge Vigie on first: it must show every axis and strategic objective
with a status in words (not colour alone), score and coverage, follow the period asked, lead
from an objective to its services' objectives and indicator cards, and show a service head
only their own services' objectives.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree

from flask import Flask
from flask.testing import FlaskClient

from app.strategy_map_svg import render, wrap
from tests.conftest import World, login
from tests.factories import build_programme

SVG_NS = "{http://www.w3.org/2000/svg}"


def test_the_map_shows_every_axis_and_objective_with_status_in_words(
    app: Flask, client: FlaskClient, world: World
) -> None:
    town = build_programme(app, world)
    login(client, "t_official")
    page = client.get(f"/strategy_map/{town['programme']}").get_data(as_text=True)
    svg = page[page.index("<svg") : page.index("</svg>") + 6]
    root = ElementTree.fromstring(svg)
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG_NS}text"))
    for code in town["axes"] + [code for _id, code in town["strategic"]]:
        assert code in texts
    assert "Atteint" in texts or "Non atteint" in texts  # status in words
    assert "score" in texts and "couverture" in texts
    links = [a.get("href") for a in root.iter(f"{SVG_NS}a")]
    assert len(links) == 3 and all("/objective/" in (href or "") for href in links)
    assert root.get("aria-label") and root.find(f"{SVG_NS}title") is not None
    assert "Contribution des services aux axes" in page and "S1 — Service S1" in page


def test_period_selector_and_invalid_periods(app: Flask, client: FlaskClient, world: World) -> None:
    town = build_programme(app, world)
    login(client, "t_official")
    url = f"/strategy_map/{town['programme']}"
    year = client.get(f"{url}?period=2026").get_data(as_text=True)
    assert '<option value="2026" selected>' in year
    assert client.get(f"{url}?period=2026-Q2").status_code == 200
    assert client.get(f"{url}?period=n-importe").status_code == 404
    assert client.get("/strategy_map/999999").status_code == 404


def test_drill_down_to_the_indicator_card(app: Flask, client: FlaskClient, world: World) -> None:
    town = build_programme(app, world)
    first_id, _code = town["strategic"][0]
    login(client, "t_official")
    page = client.get(f"/strategy_map/{town['programme']}/objective/{first_id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    for _service, (objective_id, title, indicator_id) in town["objectives"].items():
        assert title in text
        assert f"/cards/indicator/{indicator_id}" in text
        assert f"/service_objective/show/{objective_id}" in text
    assert "Non atteint" in text and "Atteint" in text
    assert client.get(f"/strategy_map/{town['programme']}/objective/999999").status_code == 404


def test_a_service_head_sees_only_their_services_objectives(
    app: Flask, client: FlaskClient, world: World
) -> None:
    town = build_programme(app, world)
    first_id, _code = town["strategic"][0]
    login(client, "t_head_s1")
    text = client.get(f"/strategy_map/{town['programme']}/objective/{first_id}").get_data(
        as_text=True
    )
    assert town["objectives"]["S1"][1] in text
    assert town["objectives"]["S3"][1] not in text
    matrix = client.get(f"/strategy_map/{town['programme']}").get_data(as_text=True)
    assert "S3 — Service S3" not in matrix


def test_the_map_is_in_the_menu_and_redirects_to_the_current_programme(client: FlaskClient) -> None:
    login(client, "t_official")
    assert "Carte stratégique" in client.get("/tasks/").get_data(as_text=True)
    response = client.get("/strategy_map/")
    assert response.status_code in (200, 302)


def test_long_titles_wrap_and_the_svg_is_standalone(app: Flask) -> None:
    lines = wrap("Un titre " * 20, 300, max_lines=3)
    assert len(lines) == 3 and lines[-1].endswith("…")
    with app.app_context():
        from app.indicators.rollup import Node, StrategyMap

        root = Node(
            "programme",
            1,
            "2020–2026",
            "Programme <test> & co",
            children=[
                Node(
                    "axis",
                    2,
                    "A1",
                    "Axe",
                    children=[
                        Node("strategic_objective", 3, "A1.1", "Objectif", details={"services": []})
                    ],
                )
            ],
        )
        svg = render(StrategyMap(root, None, 2026, {}, []))
    ElementTree.fromstring(svg)  # escaped, well formed
    assert 'xmlns="http://www.w3.org/2000/svg"' in svg
    assert not re.search(r'(href|src)="https?://', svg)  # nothing fetched from outside


def test_public_page_is_off_by_default_and_shows_only_top_levels(app: Flask, world: World) -> None:
    build_programme(app, world)
    anonymous = app.test_client()
    assert anonymous.get("/public/map").status_code == 404
    app.config["VIGIE_PUBLIC_MAP"] = True
    try:
        page = anonymous.get("/public/map")
    finally:
        app.config["VIGIE_PUBLIC_MAP"] = False
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Carte stratégique" in text and "score" in text
    assert "Service S1" not in text and "Objectif S1" not in text  # no services' objectives
    assert "MAPS1" not in text  # no indicators
    assert "/strategy_map/" not in text and "href=" not in text.split("<svg", 1)[1]
