"""In real Chromium: the strategy map and the indicator card show a new value without a reload.

The seed's dashboards are "fed in real time": a value pushed by a business application must
reach an open map within seconds. The page is opened, a value arrives through the command
layer (as a push would write it), and the drill-down table changes in place — the JavaScript
state set before the push survives, so the page was not reloaded.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from app.commands.measurements import push_batch
from app.extensions import db
from app.models import Indicator, VigieUser
from app.security.actor import Actor
from tests.browser_fixtures import sign_in
from tests.conftest import World
from tests.factories import build_programme

pytestmark = pytest.mark.browser


@pytest.fixture()
def fast_polling(app: Flask) -> Iterator[None]:
    before = app.config.get("VIGIE_LIVE_POLL_SECONDS")
    app.config["VIGIE_LIVE_POLL_SECONDS"] = 1
    yield
    app.config["VIGIE_LIVE_POLL_SECONDS"] = before


def test_a_pushed_value_appears_on_the_open_map(
    app: Flask, world: World, live_url: str, browser: Any, fast_polling: None
) -> None:
    town = build_programme(app, world)
    first_id, _code = town["strategic"][0]
    _objective, _title, indicator_id = town["objectives"]["S1"]
    context = browser.new_context(locale="fr-FR")
    page = sign_in(context, live_url, "t_official")
    page.goto(f"{live_url}/strategy_map/{town['programme']}/objective/{first_id}")
    assert "\t90\xa0%" in page.inner_text("#live-objective")
    page.evaluate("window.vigieNotReloaded = true")
    card = context.new_page()  # the indicator card, open in a second tab
    card.goto(f"{live_url}/cards/indicator/{indicator_id}")
    assert "63,5" not in card.inner_text("#live-latest")
    card.evaluate("window.vigieNotReloaded = true")
    with app.app_context():
        indicator = db.session.get(Indicator, indicator_id)
        assert indicator is not None
        quality = db.session.query(VigieUser).filter_by(username="t_quality").one()
        push_batch(
            [{"indicator": indicator.code, "period": "2026", "value": 63.5}],
            Actor.for_user(quality),
            source="api",
            reason="Correction de test",
        )
    # Playwright's expect, not wait_for_function: a predicate string is eval'd in the page,
    # which the Content-Security-Policy forbids (no 'unsafe-eval')
    expect(page.locator("#live-objective")).to_contain_text("63,5", timeout=15000)
    assert page.evaluate("window.vigieNotReloaded") is True
    expect(card.locator("#live-latest")).to_contain_text("63,5", timeout=15000)
    assert card.evaluate("window.vigieNotReloaded") is True
    context.close()
