"""Fixtures for the tests that drive the real application over HTTP, loaded by ``conftest``.

``live_url`` serves the test application (CSRF on, as in production) on a free local port,
``browser`` launches the system Chromium through Playwright; both last for one test module.
Test modules take them as fixtures and import only ``sign_in`` and ``ARTIFACTS`` from here.
"""

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

from app import create_app
from tests.conftest import PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: Screenshots and PDFs the browser tests leave for a person to look at.
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


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


def pick_related(page: Any, field_id: str, typed: str, shown: str) -> None:
    """Choose a related record the way a person does: open the field's autocomplete, type
    ``typed``, click the first choice whose text holds ``shown`` (a relation field lists no
    records until something is typed)."""
    page.locator(f"#{field_id} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(typed)
    page.locator(".select2-results__option", has_text=shown).first.click()
