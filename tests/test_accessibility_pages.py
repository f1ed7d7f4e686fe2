"""RGAA on every page (issue 15 item 9): axe-core at 1440 px, and at 390 px on every screen
whose layout is its own, impact moderate or above.

The list of pages is the registry's — every artefact's list, show, add and edit page, as the
quality cell opens them — plus the hand-written screens, each as the role that uses it. A new
artefact or screen is checked without anyone adding it here. The layout's structure is in
test_page_structure.py; the map's keyboard drill-down in test_accessibility.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.registry import all_artefacts
from tests.browser_fixtures import ARTIFACTS, sign_in
from tests.conftest import World
from tests.factories import build_meeting, build_programme

pytestmark = pytest.mark.browser

#: axe-core impacts that fail the test (« minor » ones are printed only)
BLOCKING = {"moderate", "serious", "critical"}
WIDTHS = ((1440, 900), (390, 844))


def _violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    found = []
    for violation in results.response["violations"]:
        if violation.get("impact") in BLOCKING:
            targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
            found.append(f"{violation['id']} ({violation['impact']}): {targets}")
    return found


def _record_pages(app: Flask) -> list[str]:
    """Every artefact's list, and the show and edit pages of its first record; its add page."""
    paths = []
    with app.app_context():
        for artefact in all_artefacts():
            base = f"/{artefact.code_name}"
            paths += [f"{base}/list/", f"{base}/add"]
            first = db.session.scalar(select(artefact.model.id).order_by(artefact.model.id))
            if first is not None:
                paths += [f"{base}/show/{first}", f"{base}/edit/{first}"]
        db.session.remove()
    return paths


def _check(
    page: Any, live_url: str, paths: list[str], widths: tuple[tuple[int, int], ...] = WIDTHS
) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    for path in paths:
        response = page.goto(live_url + path, wait_until="load")
        if response is None or response.status in (403, 405):
            continue  # not this role's page
        for width, height in widths:
            page.set_viewport_size({"width": width, "height": height})
            # the page's own resize handling (scrolling boxes made focusable) runs before
            # the next frames are drawn: let two go by before axe reads the page
            page.evaluate(
                "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
            )
            found = _violations(page)
            if found:
                problems[f"{path} @ {width}px"] = found
    return problems


def test_every_page_of_the_quality_cell_and_the_administrator(
    app: Flask, world: World, live_url: str, browser: Any
) -> None:
    town = build_programme(app, world)
    meeting = build_meeting(app, world)
    _objective, _title, indicator = town["objectives"]["S1"]
    hand_written = [
        "/",
        "/tasks/",
        "/entry/",
        "/collection_health/",
        "/jobs/",
        "/notifications/",
        "/dashboards/",
        f"/strategy_map/{town['programme']}",
        f"/strategy_map/{town['programme']}/objective/{town['strategic'][0][0]}",
        f"/cards/indicator/{indicator}",
        f"/review_meeting/{meeting.review_id}",
        "/import/",
        "/accessibilite",
        "/page-qui-n-existe-pas",
    ]
    ARTIFACTS.mkdir(exist_ok=True)
    problems: dict[str, list[str]] = {}
    context = browser.new_context(locale="fr-FR")
    try:
        page = sign_in(context, live_url, world.users["quality"])
        records = _record_pages(app)
        # the phone width on the hand-written screens and on one artefact's list, show, add
        # and edit pages: every record page is drawn by those same four templates
        phone = hand_written + [p for p in records if p.startswith("/action/")]
        problems |= _check(page, live_url, phone)
        problems |= _check(page, live_url, [p for p in records if p not in phone], WIDTHS[:1])
    finally:
        context.close()
    context = browser.new_context(locale="fr-FR")
    try:
        page = sign_in(context, live_url, world.users["admin"])
        admin_pages = ["/users/list/", "/roles/list/", "/application_accounts/", "/mail_queue/"]
        problems |= _check(page, live_url, admin_pages)
    finally:
        context.close()
    context = browser.new_context(locale="fr-FR")
    try:
        page = context.new_page()
        problems |= _check(page, live_url, ["/login/", "/accessibilite"])
    finally:
        context.close()
    report = "\n".join(f"{where}: {found}" for where, found in sorted(problems.items()))
    (ARTIFACTS / "axe-every-page.txt").write_text(report or "aucune violation\n")
    assert problems == {}, report
