"""RGAA: axe-core finds no serious or critical violation on the pages users judge Vigie by.

French public bodies must follow the RGAA. axe-core (bundled with axe-playwright-python, no
network) runs in real Chromium on the login page, the strategy map, a dashboard and an
indicator card, with real data in them; any violation of impact « serious » or « critical »
fails the test and is printed with the elements concerned. The map is also used with the
keyboard alone: tabbing reaches the drill-down links of the SVG.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from app import registry
from app.commands import dashboards as dashboard_commands
from app.commands.records import create_record
from app.security.actor import Actor
from tests.browser_fixtures import pick_related, sign_in
from tests.conftest import World, unique
from tests.factories import build_meeting, build_programme

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}


def _axe(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    found = []
    for violation in results.response["violations"]:
        if violation.get("impact") in BLOCKING:
            targets = [", ".join(node["target"]) for node in violation["nodes"][:5]]
            found.append(
                f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets}"
            )
    return found


def test_login_page(live_url: str, browser: Any) -> None:
    page = browser.new_page(locale="fr-FR")
    page.goto(f"{live_url}/login/")
    assert _axe(page) == []
    page.close()


def test_map_dashboard_and_card(app: Flask, world: World, live_url: str, browser: Any) -> None:
    town = build_programme(app, world)
    _objective, _title, indicator_id = town["objectives"]["S1"]
    with app.app_context():
        dashboard = create_record(
            registry.get("dashboard"),
            {"title": unique("Tableau accessible"), "position": 950},
            Actor.system_actor(),
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
    page = sign_in(browser, live_url, "t_official")
    problems: dict[str, list[str]] = {}
    for name, url in (
        ("carte", f"/strategy_map/{town['programme']}"),
        (
            "carte, objectif",
            f"/strategy_map/{town['programme']}/objective/{town['strategic'][0][0]}",
        ),
        ("tableau de bord", f"/dashboards/{dashboard_id}"),
        ("fiche indicateur", f"/cards/indicator/{indicator_id}"),
    ):
        page.goto(f"{live_url}{url}")
        found = _axe(page)
        if found:
            problems[name] = found
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())
    page.close()


def test_the_map_drills_down_with_the_keyboard(
    app: Flask, world: World, live_url: str, browser: Any
) -> None:
    town = build_programme(app, world)
    page = sign_in(browser, live_url, "t_official")
    page.goto(f"{live_url}/strategy_map/{town['programme']}")
    for _ in range(60):  # tab through the page until a box of the map has the focus
        page.keyboard.press("Tab")
        href = page.evaluate("document.activeElement.getAttribute('href') || ''")
        if "/objective/" in href:
            break
    else:
        pytest.fail("no drill-down link of the map is reachable with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/objective/" in url)
    assert "Objectifs des services" in page.inner_text("body")
    page.close()


def test_jobs_page_and_report_panel(app: Flask, world: World, live_url: str, browser: Any) -> None:
    """« Mes travaux » (progress bars, a failed job's error, « Relancer ») and the review's
    « Documents PDF » panel (a blocked report says why)."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models.jobs import Job
    from app.models.organisation import VigieUser

    meeting = build_meeting(app, world)
    with app.app_context():
        quality = db.session.scalar(
            select(VigieUser.id).where(VigieUser.username == world.users["quality"])
        )
        for state, progress, error in (
            ("en_cours", 40, None),
            ("echec", 10, "Délai dépassé."),
            ("en_attente", 0, None),
        ):
            db.session.add(
                Job(
                    kind="review_pack",
                    title=unique("Dossier"),
                    params_json="{}",
                    subject_artefact="management_review",
                    subject_id=meeting.review_id,
                    requested_by_id=quality,
                    state=state,
                    progress=progress,
                    error=error,
                    step="Mise en page du PDF",
                )
            )
        db.session.commit()
    page = sign_in(browser, live_url, world.users["quality"])
    problems: dict[str, list[str]] = {}
    for name, url in (
        ("mes travaux", "/jobs/"),
        ("revue", f"/management_review/show/{meeting.review_id}"),
    ):
        page.goto(f"{live_url}{url}")
        found = _axe(page)
        if found:
            problems[name] = found
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())
    page.close()


def test_the_menu_with_the_keyboard_alone(world: World, live_url: str, browser: Any) -> None:
    """Tab first reaches the skip link (Enter moves into the page's <main>), then the brand and
    every top-level entry of the menu, each showing its focus; Enter opens a submenu and the
    arrow keys go through its entries."""
    page = sign_in(browser, live_url, world.users["quality"])
    page.goto(f"{live_url}/tasks/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#contenu"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"
    page.goto(f"{live_url}/tasks/")
    entries = page.evaluate(
        "[...document.querySelectorAll('#vigie-menu > ul.navbar-nav:not(.navbar-right) > li > a')]"
        ".map(a => a.textContent.trim())"
    )
    assert len(entries) >= 4
    reached: list[str] = []
    for _ in range(len(entries) + 3):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => { const a = document.activeElement;
                       const top = a.closest('#vigie-menu > ul:not(.navbar-right) > li');
                       return top && a.parentElement === top ? a.textContent.trim() : null; }"""
        )
        if focused:
            outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            assert outline != "none", focused  # the focus is visible
            reached.append(focused)
    assert reached == entries
    dropdown = page.locator("#vigie-menu .dropdown-toggle").first
    dropdown.focus()
    page.keyboard.press("Enter")
    assert dropdown.get_attribute("aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    assert page.evaluate("!!document.activeElement.closest('.dropdown-menu')")
    page.close()


def test_a_refused_form_with_the_keyboard_puts_the_focus_on_the_error(
    world: World, live_url: str, browser: Any
) -> None:
    """Typed and sent with Enter, a wrong action form comes back with an announced summary
    naming the field, and the focus on that field, described by its error."""
    page = sign_in(browser, live_url, world.users["quality"])
    page.goto(f"{live_url}/action/add")
    page.focus("#title")
    page.keyboard.type(unique("Action au clavier "))
    # the required service is chosen in its autocomplete, so the browser lets the form go
    pick_related(page, "service", "S1", "S1 —")
    page.focus("#progress")
    page.keyboard.type("beaucoup")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    summary = page.locator("[role=alert].vigie-form-summary")
    assert summary.count() == 1
    assert "Avancement" in summary.inner_text() or "avancement" in summary.inner_text().lower()
    focused = page.evaluate(
        """() => { const e = document.activeElement;
                   return {id: e.id, invalid: e.getAttribute('aria-invalid'),
                           described: e.getAttribute('aria-describedby') || ''}; }"""
    )
    assert focused["invalid"] == "true", focused
    error_id = next(d for d in focused["described"].split() if d.endswith("-erreur"))
    assert page.locator(f"#{error_id}").inner_text().strip()
    assert page.title().startswith("Erreur — ")
    page.close()
