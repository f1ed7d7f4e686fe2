"""RGAA on every record page (issue 15 item 9): axe-core at 1440 px, impact moderate or above,
on every artefact's list, show and edit page as the quality cell opens them.

The list of pages is the registry's: a new artefact is checked without anyone adding it
here. Its phone width, the hand-written screens and the other roles' pages are in
test_accessibility_screens.py; the layout's structure in test_page_structure.py; the map's
keyboard drill-down in test_accessibility.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.axe_pages import PHONE_ARTEFACT, WIDTHS, check, record_pages, report
from tests.browser_fixtures import sign_in
from tests.conftest import World
from tests.factories import build_programme

pytestmark = pytest.mark.browser


def test_every_record_page_of_the_quality_cell(
    app: Flask, world: World, live_url: str, browser: Any
) -> None:
    build_programme(app, world)
    context = browser.new_context(locale="fr-FR")
    try:
        page = sign_in(context, live_url, world.users["quality"])
        # add pages are the edit page's form, empty: one artefact's is checked (the screens
        # module, at both widths), the others' edit pages carry their fields and values
        paths = [
            p
            for p in record_pages(app)
            if not p.startswith(f"/{PHONE_ARTEFACT}/") and not p.endswith("/add")
        ]
        problems = check(page, live_url, paths, WIDTHS[:1])
    finally:
        context.close()
    text = report(problems, "axe-record-pages.txt")
    assert problems == {}, text
