"""In real Chromium: the main pages run under the Content-Security-Policy without a single
violation, and Vigie's scripts (now static files) still do their work."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from app import registry
from app.commands.records import create_record
from app.security.actor import Actor
from tests.browser_fixtures import sign_in
from tests.conftest import World, unique

pytestmark = pytest.mark.browser

PAGES = (
    "/",
    "/service_objective/list/",
    "/service_objective/add",
    "/indicator/list/",
    "/tasks/",
    "/entry/",
    "/import/",
    "/strategy_map/",
    "/dashboards/",
    "/jobs/",
    "/users/list/",
    "/resetmypassword/form",
    "/swagger/v1",
)


def _watch(page: Any) -> list[str]:
    """Console messages and page errors that say the policy blocked something."""
    seen: list[str] = []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: seen.append(f"pageerror: {error}"))
    return seen


def test_main_pages_have_no_csp_violation(
    app: Flask, world: World, live_url: str, browser: Any
) -> None:
    page = sign_in(browser, live_url, world.users["admin"])
    violations = _watch(page)
    for path in PAGES:
        page.goto(f"{live_url}{path}")
        page.wait_for_load_state("networkidle")
        assert not violations, (path, violations)
    page.close()


def test_login_page_and_scripts_work_under_the_policy(
    app: Flask, world: World, live_url: str, browser: Any
) -> None:
    page = browser.new_page(locale="fr-FR")
    violations = _watch(page)
    page.goto(f"{live_url}/login/")
    page.wait_for_load_state("networkidle")
    assert not violations
    # jQuery and FAB's scripts ran (they come with the response's nonce)
    assert page.evaluate("typeof window.jQuery") == "function"
    page.close()

    with app.app_context():
        code = unique("CSP-")
        create_record(
            registry.get("indicator"),
            {
                "code": code,
                "name": "Indicateur saisi sous la politique de sécurité",
                "owner_service": world.services["S1"],
                "frequency": "monthly",
                "unit": "nombre",
            },
            Actor.system_actor(),
        )
    page = sign_in(browser, live_url, world.users["agent"])
    violations = _watch(page)
    page.goto(f"{live_url}/entry/?service={world.services['S1']}")
    page.wait_for_load_state("networkidle")
    row = page.locator("tr", has_text=code)
    value = row.locator(".vigie-entry-value")
    value.fill("douze")  # vigie.js checks as you type
    assert value.get_attribute("aria-invalid") == "true"
    assert "Nombre attendu" in row.locator(".vigie-entry-error").inner_text()
    assert not violations
    page.close()
