"""In real Chromium at 390 px (a phone): the pages people open on the move do not scroll
sideways as a whole (issue 15 item 8).

For each page, the page's own width (``document.documentElement.scrollWidth``) must not exceed
the window's: wide content — the strategy map's drawing, the service × axis matrix, tables —
scrolls inside its own box instead. The drawing keeps a readable size (it is not shrunk to
the phone's width), and every column of the matrix can be reached.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from app import notifications
from app.extensions import db
from app.models import VigieUser
from tests.browser_fixtures import ARTIFACTS, sign_in
from tests.conftest import World, unique
from tests.factories import account_id, build_programme

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

#: (page name, role, path template) — the pages issue 15 names, as the role that uses them.
PAGES = [
    ("carte", "official", "/strategy_map/{programme}?period=2026"),
    ("mes-taches", "service_head", "/tasks/"),
    ("saisie", "service_head", "/entry/"),
    ("fiche-indicateur", "service_head", "/cards/indicator/{indicator}"),
    ("accueil", "service_head", "/"),
]


def _overflow(page: Any) -> int:
    """How many pixels the page is wider than the window (0: no sideways scrolling)."""
    return int(
        page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    )


def _widest(page: Any) -> list[str]:
    """The elements that stick out on the right (tag, classes, start of text): the failure
    says what to fix."""
    return list(
        page.evaluate(
            """() => {
                const width = document.documentElement.clientWidth;
                return [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > width + 0.5)
                    .slice(0, 5)
                    .map(e => `${e.tagName.toLowerCase()}.${e.className} «${
                        (e.textContent || '').trim().slice(0, 40)}»`);
            }"""
        )
    )


def test_phone_pages_do_not_scroll_sideways(
    app: Flask, world: World, live_url: str, browser: Any
) -> None:
    town = build_programme(app, world)
    ids = {"programme": town["programme"], "indicator": town["objectives"]["S1"][2]}
    ARTIFACTS.mkdir(exist_ok=True)
    contexts: dict[str, Any] = {}
    try:
        for name, role, template in PAGES:
            if role not in contexts:
                context = browser.new_context(locale="fr-FR", viewport=PHONE, is_mobile=True)
                contexts[role] = (context, sign_in(context, live_url, world.users[role]))
            page = contexts[role][1]
            page.goto(live_url + template.format(**ids), wait_until="domcontentloaded")
            assert page.locator("h1").count() == 1, name
            page.screenshot(path=str(ARTIFACTS / f"phone-{name}.png"), full_page=True)
            assert _overflow(page) <= 0, (name, _overflow(page), _widest(page))
    finally:
        for context, _page in contexts.values():
            context.close()


def test_the_map_stays_readable_and_the_matrix_whole_on_a_phone(
    app: Flask, world: World, live_url: str, browser: Any
) -> None:
    town = build_programme(app, world)
    context = browser.new_context(locale="fr-FR", viewport=PHONE, is_mobile=True)
    try:
        page = sign_in(context, live_url, world.users["official"])
        page.goto(f"{live_url}/strategy_map/{town['programme']}?period=2026")
        # the drawing keeps a size its text can be read at, and scrolls inside its figure
        drawing = page.evaluate(
            """() => {
                const figure = document.querySelector('.vigie-map-figure');
                const svg = figure.querySelector('svg');
                return {svg: svg.getBoundingClientRect().width, figure: figure.clientWidth,
                        scroll: figure.scrollWidth,
                        overflow: getComputedStyle(figure).overflowX};
            }"""
        )
        assert drawing["svg"] >= 700, drawing  # not shrunk to 390 px
        assert drawing["scroll"] > drawing["figure"] and drawing["overflow"] in ("auto", "scroll")
        # every column of the matrix is there, reachable by scrolling its own box
        matrix = page.evaluate(
            """() => {
                const table = document.querySelector('.vigie-matrix');
                const box = table.parentElement;
                const last = table.querySelector('thead th:last-child').getBoundingClientRect();
                const first = table.querySelector('thead th:first-child').getBoundingClientRect();
                return {columns: table.querySelectorAll('thead th').length,
                        overflow: getComputedStyle(box).overflowX,
                        table: table.scrollWidth, box: box.scrollWidth,
                        lastWidth: last.width, firstWidth: first.width};
            }"""
        )
        assert matrix["columns"] == 3, matrix  # the service column and the programme's two axes
        assert matrix["lastWidth"] > 40 and matrix["firstWidth"] > 40, matrix
        assert matrix["overflow"] in ("auto", "scroll") or matrix["table"] <= PHONE["width"]
        assert matrix["box"] >= matrix["table"], matrix  # nothing clipped
        assert _overflow(page) <= 0
    finally:
        context.close()


#: The administrator's menu is the longest (Sécurité), the quality cell's the longest of the
#: people using Vigie daily; an official's and an agent's are made of other entries.
@pytest.mark.parametrize("role", ["admin", "quality", "official", "agent"])
def test_the_menu_bar_is_one_row_at_1280_px(
    app: Flask, world: World, live_url: str, browser: Any, role: str
) -> None:
    """Every role sees the whole menu bar on one row on 1280 px screens and wider — the
    administrator's too, whose ninth entry (Sécurité) compacts the bar up to 1800 px — with
    a three-digit unread count in the bell: the bar is no taller than one entry."""
    username = world.users[role]
    with app.app_context():
        user = db.session.get(VigieUser, account_id(username))
        notifications.notify([user] * 120, subject=unique("Cloche "), body="…", link="/tasks/")
        db.session.commit()
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    try:
        page = sign_in(context, live_url, username)
        page.goto(f"{live_url}/tasks/")
        for width in (1280, 1440, 1600):
            page.set_viewport_size({"width": width, "height": 800})
            heights = page.evaluate(
                """() => ({bar: document.querySelector('.navbar').getBoundingClientRect().height,
                           entry: document.querySelector('#vigie-menu > ul > li > a')
                                      .getBoundingClientRect().height})"""
            )
            widths = page.evaluate(
                """() => [...document.querySelectorAll(
                             '#vigie-menu > ul, .navbar-header, .navbar > .container')]
                         .map(e => [e.className, Math.round(e.getBoundingClientRect().width)])"""
            )
            assert heights["bar"] <= heights["entry"] + 12, (width, heights, widths)
    finally:
        context.close()
