"""In real Chromium: a service head signs in, sees French menus and only their objectives."""

from __future__ import annotations

import pytest
from flask import Flask

from app import registry
from app.commands.records import create_record
from app.security.actor import Actor
from tests.browser_fixtures import ARTIFACTS
from tests.conftest import PASSWORD, World, unique

pytestmark = pytest.mark.browser


def test_service_head_sees_french_menus_and_only_own_objectives(
    app: Flask, world: World, live_url: str, browser
) -> None:
    own_title, other_title = unique("Objectif navigateur S1 "), unique("Objectif navigateur S3 ")
    with app.app_context():
        artefact = registry.get("service_objective")
        for service, title in (("S1", own_title), ("S3", other_title)):
            # the list shows the latest years first: a far year keeps these on page 1
            create_record(
                artefact,
                {"service": world.services[service], "year": 2099, "title": title},
                Actor.system_actor(),
            )
    page = browser.new_page(locale="fr-FR")
    page.goto(f"{live_url}/login/")
    page.fill("input[name=username]", world.users["service_head"])
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    # wait for the page after login (a busy machine may still show the login form)
    page.wait_for_url(lambda url: "/login" not in url)
    page.wait_for_load_state("networkidle")
    menu = page.locator("nav, .navbar").first.inner_text()
    assert "Stratégie" in menu
    assert "Security" not in menu and "Sécurité" not in menu
    page.get_by_text("Stratégie", exact=False).first.click()
    page.get_by_role("link", name="Objectifs de service").first.click()
    page.wait_for_load_state("networkidle")
    body = page.inner_text("body")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "service-head-objectives.png"), full_page=True)
    assert "Objectifs de service" in body
    assert own_title in body
    assert other_title not in body
    page.close()
