"""In real Chromium: a service head signs in, sees French menus and only their objectives."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from app import create_app, registry
from app.commands.records import create_record
from app.security.actor import Actor
from tests.conftest import PASSWORD, World, unique

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_url(app: Flask) -> Iterator[str]:
    served = create_app({**app.config, "WTF_CSRF_ENABLED": True})
    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium est introuvable : installez le paquet Debian « chromium ».")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


def sign_in(opener: Any, live_url: str, username: str) -> Any:
    """A page signed in through the login form; ``opener`` is a browser or a context."""
    page = opener.new_page(**({"locale": "fr-FR"} if hasattr(opener, "new_context") else {}))
    page.goto(f"{live_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)  # signed in before going on
    return page


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
