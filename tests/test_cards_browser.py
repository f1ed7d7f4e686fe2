"""In real Chromium: a service head opens the four cards, on screen and as printed (A4).

Screenshots land in ``test-artifacts/`` (screen) and the print rendering as PDF, so a person
can look at what the users get.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.browser_fixtures import ARTIFACTS
from tests.conftest import PASSWORD, World
from tests.factories import Sample, build_sample, new, past_month

pytestmark = pytest.mark.browser

#: Card, the headings a service head must see on it.
EXPECTED = {
    "process": (
        "Fiche d'identité processus",
        "Identité",
        "Interfaces avec d'autres processus",
        "Indicateurs",
        "Risques",
        "Documents",
    ),
    "indicator": (
        "Fiche indicateur",
        "Situation actuelle",
        "Définition",
        "Cibles",
        "Dernières valeurs",
    ),
    "risk": (
        "Fiche de maîtrise des risques",
        "Analyse du risque",
        "Criticité",
        "Analyse d'impact",
        "Actions liées",
    ),
    "audit": ("Audit", "Identité de l'audit", "Constats", "Non-conformité mineure"),
}


@pytest.fixture(scope="module")
def cards_sample(app: Flask, world: World) -> Sample:
    """The content-test sample, plus a year and a half of values for a readable trend."""
    sample = build_sample(app, world)
    with app.app_context():
        for offset in range(2, 20):
            new(
                "measurement",
                {
                    "indicator": sample.ids["indicator"],
                    "period": past_month(offset),
                    "value": 70 + (offset * 37) % 45,
                },
            )
    return sample


def _sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)  # signed in before going on
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("code", list(EXPECTED))
def test_service_head_opens_each_card(
    world: World,
    live_url: str,
    browser: Any,
    cards_sample: Sample,
    code: str,
) -> None:
    page = browser.new_page(locale="fr-FR", viewport={"width": 1280, "height": 900})
    _sign_in(page, live_url, world.users["service_head"])
    # from the generic show page, through the « Fiche » button, as a user would
    page.goto(f"{live_url}/{code}/show/{cards_sample.ids[code]}")
    page.get_by_role("link", name="Fiche").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/cards/{code}/{cards_sample.ids[code]}")
    title = page.locator("h1#card-title")
    assert title.is_visible()
    for heading in EXPECTED[code]:
        assert page.get_by_role("heading", name=heading).first.is_visible(), heading
    print_button = page.get_by_role("button", name="Imprimer")
    assert print_button.is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"card-{code}.png"), full_page=True)
    # printed: navbar and buttons gone, one A4 page wide
    page.emulate_media(media="print")
    assert not print_button.is_visible()
    assert not page.locator("header.top").first.is_visible()
    assert title.is_visible()
    page.screenshot(path=str(ARTIFACTS / f"card-{code}-print.png"), full_page=True)
    page.pdf(path=str(ARTIFACTS / f"card-{code}.pdf"), format="A4", print_background=True)
    page.close()
