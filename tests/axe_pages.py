"""Axe-core over a list of pages, shared by the every-page accessibility tests.

The pages are split between two test modules (the registry's record pages; the hand-written
screens, the administrator's and the anonymous ones) so that the two test workers share them.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.registry import all_artefacts
from tests.browser_fixtures import ARTIFACTS

#: axe-core impacts that fail the test (« minor » ones are printed only)
BLOCKING = {"moderate", "serious", "critical"}
WIDTHS = ((1440, 900), (390, 844))
#: The artefact whose record pages are also checked at phone width: every record page is
#: drawn by the same four templates (list, show, add, edit).
PHONE_ARTEFACT = "action"


def violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    found = []
    for violation in results.response["violations"]:
        if violation.get("impact") in BLOCKING:
            targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
            found.append(f"{violation['id']} ({violation['impact']}): {targets}")
    return found


def record_pages(app: Flask) -> list[str]:
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


def check(
    page: Any, live_url: str, paths: list[str], widths: tuple[tuple[int, int], ...] = WIDTHS
) -> dict[str, list[str]]:
    """The blocking violations of each page at each width (pages the role may not open are
    skipped)."""
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
            found = violations(page)
            if found:
                problems[f"{path} @ {width}px"] = found
    return problems


def report(problems: dict[str, list[str]], name: str) -> str:
    """Write the findings where CI keeps its artefacts, and return them as text."""
    ARTIFACTS.mkdir(exist_ok=True)
    text = "\n".join(f"{where}: {found}" for where, found in sorted(problems.items()))
    (ARTIFACTS / name).write_text(text or "aucune violation\n")
    return text
