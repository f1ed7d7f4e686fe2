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
        # a mix of narrow and wide widgets that a grid of fixed cells would leave holes in
        for kind in ("kpi", "trend", "kpi"):
            dashboard_commands.add_widget(
                dashboard, {"kind": kind, "indicator": indicator_id}, Actor.system_actor()
            )
        dashboard_id = dashboard.id
    context = browser.new_context(locale="fr-FR", viewport={"width": 1366, "height": 900})
    page = sign_in(context, live_url, "t_official")
    page.goto(f"{live_url}/dashboards/")
    page.get_by_role("link", name=title).first.click()
    page.wait_for_url(lambda url: f"/dashboards/{dashboard_id}" in url)
    widgets = page.locator("[data-widget-body]")
    assert widgets.count() == 7
    text = page.inner_text("body")
    assert "90" in text and "Données mises à jour" in text
    # one yearly value so far: the trend widget says so rather than drawing a lone point
    assert "Moins de deux valeurs" in text
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        layout = page.evaluate(LAYOUT)
        assert layout["scroll"] <= width, (width, layout)  # no sideways scroll of the page
        assert len(layout["rows"]) >= (2 if width > 1000 else 7), (width, layout)
        _assert_no_holes(layout, width)
        page.screenshot(path=str(ARTIFACTS / f"dashboard-{width}.png"), full_page=True)
    context.close()


#: The widgets' boxes grouped in rows (same top), with the grid's width and gaps.
LAYOUT = """() => {
  const grid = document.querySelector('.vigie-widgets');
  const style = getComputedStyle(grid);
  const rows = [];
  for (const el of grid.children) {
    const b = el.getBoundingClientRect();
    let row = rows.find(r => Math.abs(r.top - b.top) < 1);
    if (!row) { row = {top: b.top, boxes: []}; rows.push(row); }
    row.boxes.push({left: b.left, right: b.right, width: b.width, bottom: b.bottom});
  }
  return {width: grid.getBoundingClientRect().width, columnGap: parseFloat(style.columnGap),
          rowGap: parseFloat(style.rowGap), rows: rows,
          scroll: document.documentElement.scrollWidth};
}"""


def _assert_no_holes(layout: dict[str, Any], width: int) -> None:
    """Every row fills the grid's width, its widgets end at the same height, and each row
    starts one gap below the one above: no empty cell anywhere."""
    previous_bottom = None
    for row in layout["rows"]:
        boxes = row["boxes"]
        used = sum(b["width"] for b in boxes) + layout["columnGap"] * (len(boxes) - 1)
        assert abs(used - layout["width"]) <= 2, (width, "row not filled", row)
        bottoms = {round(b["bottom"]) for b in boxes}
        assert max(bottoms) - min(bottoms) <= 1, (width, "uneven row", row)
        if previous_bottom is not None:
            assert abs(row["top"] - previous_bottom - layout["rowGap"]) <= 1, (width, row)
        previous_bottom = max(b["bottom"] for b in boxes)
