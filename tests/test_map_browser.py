"""In real Chromium: an official steers from the map down to an indicator card, and reads a
dashboard.

The official signs in, goes from the home page to the carte stratégique, changes the period,
opens a strategic objective from the drawing, then an indicator card from the drill-down table; then
opens a dashboard and sees each of its widgets with real values.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from app import registry
from app.commands import dashboards as dashboard_commands
from app.commands.records import create_record
from app.security.actor import Actor
from tests.browser_fixtures import ARTIFACTS, sign_in
from tests.conftest import World, unique
from tests.factories import build_programme

pytestmark = pytest.mark.browser


def test_an_official_goes_from_the_map_to_an_indicator_card(
    app: Flask, world: World, live_url: str, browser: Any
) -> None:
    town = build_programme(app, world)
    first_id, first_code = town["strategic"][0]
    _objective, _title, indicator_id = town["objectives"]["S1"]
    with app.app_context():  # the map of this programme is the one officials land on
        from app.extensions import db
        from app.models import Programme

        for programme in db.session.query(Programme).filter(Programme.id != town["programme"]):
            programme.status = "closed"
        db.session.commit()
    context = browser.new_context(locale="fr-FR", viewport={"width": 1366, "height": 900})
    page = sign_in(context, live_url, "t_official")
    page.wait_for_url(f"{live_url}/")  # every role lands on its home page
    page.get_by_role("link", name="Voir la carte stratégique").first.click()
    page.wait_for_url(lambda url: f"/strategy_map/{town['programme']}" in url)
    assert "Carte stratégique" in page.inner_text("h1")

    page.select_option("#map-period", "2026")  # the form submits on change
    page.wait_for_url(lambda url: "period=2026" in url)
    assert page.locator("#map-period").input_value() == "2026"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "strategy-map.png"), full_page=True)

    page.locator(f"svg a[href*='/objective/{first_id}']").first.click()
    page.wait_for_url(lambda url: f"/objective/{first_id}" in url and "period=2026" in url)
    assert first_code in page.inner_text("h1")
    page.locator(f"a[href$='/cards/indicator/{indicator_id}']").first.click()
    page.wait_for_url(lambda url: f"/cards/indicator/{indicator_id}" in url)
    body = page.inner_text("body")
    assert "fiche indicateur" in body.lower() and "Indicateur S1" in body
    page.screenshot(path=str(ARTIFACTS / "indicator-card.png"), full_page=True)
    context.close()


def test_a_dashboard_renders_its_widgets(
    app: Flask, world: World, live_url: str, browser: Any
) -> None:
    town = build_programme(app, world)
    _objective, _title, indicator_id = town["objectives"]["S1"]
    title = unique("Tableau de l'élu")
    with app.app_context():
        dashboard = create_record(
            registry.get("dashboard"), {"title": title, "position": 960}, Actor.system_actor()
        )
        for kind in ("kpi", "trend", "table"):
            dashboard_commands.add_widget(
                dashboard, {"kind": kind, "indicator": indicator_id}, Actor.system_actor()
            )
        dashboard_commands.add_widget(
            dashboard,
            {"kind": "map", "objective": f"strategic:{town['strategic'][0][0]}"},
            Actor.system_actor(),
        )
        dashboard_id = dashboard.id
    context = browser.new_context(locale="fr-FR", viewport={"width": 1366, "height": 900})
    page = sign_in(context, live_url, "t_official")
    page.goto(f"{live_url}/dashboards/")
    page.get_by_role("link", name=title).first.click()
    page.wait_for_url(lambda url: f"/dashboards/{dashboard_id}" in url)
    widgets = page.locator("[data-widget-body]")
    assert widgets.count() == 4
    text = page.inner_text("body")
    assert "90" in text and "Données mises à jour" in text
    # one yearly value so far: the trend widget says so rather than drawing a lone point
    assert "Moins de deux valeurs" in text
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    context.close()
