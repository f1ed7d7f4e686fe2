"""In real Chromium: each role's home page shows its counts, and following each count's link
opens a list of exactly that many rows; the menu bar carries the unread notifications."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from app import notifications
from app.extensions import db
from app.models import VigieUser
from tests.browser_fixtures import ARTIFACTS, sign_in
from tests.conftest import World, unique
from tests.factories import account_id, build_home_world

pytestmark = pytest.mark.browser

#: Counts that must be on each role's page (build_home_world makes them non-zero).
EXPECTED = {
    "official": {"proposal:a_arbitrer"},
    "service_head": {"action:en_retard", "action:ouvertes", "health:overdue"},
    "agent": {"health:mine"},
    "admin": {"health:overdue", "health:applications", "mail:failed", "jobs:failed"},
    "quality": {"health:overdue", "health:applications", "jobs:failed"},
    "executive": {"action:en_retard", "health:overdue"},
}


def _rows(page: Any, live_url: str, link: str) -> int:
    """Open a count's link (as the person would) and count the rows of the list it shows."""
    path = link.split("#")[0]
    if "/list/" in path:
        artefact = path.strip("/").split("/")[0]
        view = "".join(part.capitalize() for part in artefact.split("_")) + "View"
        page.goto(f"{live_url}{path}")
        assert page.locator(".vigie-worklist").count() == 1  # the filter is said in words
        # every row on one page: FAB's page size argument
        page.goto(page.url + f"&psize_{view}=1000")
        return page.locator(".table-responsive table tr:has(td)").count()
    page.goto(f"{live_url}{path}")
    if path.startswith("/collection_health/"):
        kind = "application" if "applications=" in path else "overdue"
        total = page.locator(f"tr[data-row={kind}]").count()
        while kind == "overdue" and page.locator(".pager li.next a").count():
            with page.expect_navigation():  # the next page of overdue values
                page.locator(".pager li.next a").first.click()
            total += page.locator(f"tr[data-row={kind}]").count()
        return total
    if path.startswith("/jobs/"):
        return page.locator("tr[data-job]").count()
    if path.startswith("/mail_queue/"):
        return page.locator("tr[data-row=mail]").count()
    raise AssertionError(link)


def test_each_home_count_opens_a_list_of_as_many_rows(
    app: Flask, world: World, live_url: str, browser: Any
) -> None:
    build_home_world(app, world)
    ARTIFACTS.mkdir(exist_ok=True)
    for role, keys in EXPECTED.items():
        context = browser.new_context(locale="fr-FR", viewport={"width": 1440, "height": 900})
        page = sign_in(context, live_url, world.users[role])
        page.goto(f"{live_url}/")
        page.screenshot(path=str(ARTIFACTS / f"home-{role}.png"), full_page=True)
        tiles = page.locator(".vigie-home-tile")
        found = {}
        for n in range(tiles.count()):
            tile = tiles.nth(n)
            link = tile.locator("a.vigie-home-count")
            count = int(tile.get_attribute("data-count") or "0")
            assert link.locator(".vigie-home-number").inner_text().strip() == str(count)
            found[tile.get_attribute("data-home")] = (count, link.get_attribute("href"))
        assert keys <= set(found), (role, found)
        for key, (count, href) in found.items():
            assert count > 0
            assert _rows(page, live_url, href) == count, (role, key, href)
        context.close()


def test_the_menu_bar_shows_the_unread_count(
    app: Flask, world: World, live_url: str, browser: Any
) -> None:
    username = world.users["report_s3"]
    with app.app_context():
        uid = account_id(username)
        notifications.mark_read(uid)
        user = db.session.get(VigieUser, uid)
        notifications.notify([user] * 3, subject=unique("Cloche "), body="…", link="/tasks/")
        db.session.commit()
    context = browser.new_context(locale="fr-FR", viewport={"width": 1440, "height": 900})
    page = sign_in(context, live_url, username)
    for path in ("/", "/tasks/", "/action/list/"):
        page.goto(f"{live_url}{path}")
        bell = page.get_by_role("link", name="Notifications non lues : 3")
        assert bell.locator(".vigie-unread").inner_text().strip() == "3", path
    bell.click()
    page.wait_for_url("**/notifications/")
    context.close()
