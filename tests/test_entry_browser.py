"""In real Chromium: an agent files a month of values for their service in one save."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from app import registry
from app.commands.records import create_record
from app.extensions import db
from app.models import Indicator, Measurement
from app.security.actor import Actor
from tests.browser_fixtures import ARTIFACTS
from tests.conftest import PASSWORD, World, unique

pytestmark = pytest.mark.browser


def test_agent_files_a_month_in_one_save(
    app: Flask,
    world: World,
    live_url: str,
    browser,
) -> None:
    with app.app_context():
        system = Actor.system_actor()
        service = create_record(
            registry.get("service"),
            {"code": unique("NAV"), "name": "Propreté urbaine", "parent": world.services["S1"]},
            system,
        )
        codes = []
        for name in (
            "Tonnes de déchets collectées",
            "Dépôts sauvages signalés",
            "Réclamations traitées sous 48 h",
        ):
            code = unique("PRO-")
            create_record(
                registry.get("indicator"),
                {
                    "code": code,
                    "name": name,
                    "owner_service": service.id,
                    "frequency": "monthly",
                    "unit": "nombre",
                    "min_value": 0,
                },
                system,
            )
            codes.append(code)
        service_id = service.id
    page = browser.new_page(locale="fr-FR")
    page.goto(f"{live_url}/login/")
    page.fill("input[name=username]", world.users["agent"])
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)  # signed in before going on
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_url}/entry/?service={service_id}&month=2025-09")
    assert page.locator("h1").inner_text() == "Saisie des mesures"
    first = page.get_by_label(codes[0], exact=False).first
    first.focus()
    page.keyboard.type("12,5")
    page.keyboard.press("Tab")  # → its comment
    page.keyboard.type("Pesée du 30")
    page.keyboard.press("Tab")  # → next indicator's value
    page.keyboard.type("abc")
    assert page.locator(".has-error").count() == 1  # checked while typing
    page.keyboard.press("Control+A")
    page.keyboard.type("7")
    assert page.locator(".has-error").count() == 0
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type("30")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "entry-before-save.png"), full_page=True)
    with page.expect_navigation():
        page.keyboard.press("Enter")  # one save for the whole month
    assert "3 valeur(s) enregistrée(s)" in page.inner_text("body")
    page.screenshot(path=str(ARTIFACTS / "entry-saved.png"), full_page=True)
    page.close()
    with app.app_context():
        stored = dict(
            db.session.execute(
                select(Indicator.code, Measurement.value)
                .join(Measurement, Measurement.indicator_id == Indicator.id)
                .where(Indicator.code.in_(codes), Measurement.period == "2025-09")
            ).all()
        )
    assert stored == {codes[0]: 12.5, codes[1]: 7.0, codes[2]: 30.0}
