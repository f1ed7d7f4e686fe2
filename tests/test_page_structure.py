"""RGAA in the shared layout (issue 15 item 9), read from the HTML every page is made of.

Each page has a skip link first that leads to its one ``<main>``, a banner, a named main menu,
a footer with the accessibility statement, one ``<h1>`` and a ``<title>`` naming the page
before « Vigie » — checked on lists, show, add and edit pages of every artefact the quality
cell opens, and on the hand-written screens. A refused form says « Erreur — » in its title,
opens with an announced summary, and ties each error to its field. Browser-level checks
(axe-core, keyboard) are in test_accessibility.py.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.registry import all_artefacts
from tests.conftest import World, login


class Page(HTMLParser):
    """What of a page's structure RGAA looks at."""

    def __init__(self) -> None:
        super().__init__()
        self.first_link: str | None = None
        self.ids: set[str] = set()
        self.tags: dict[str, int] = {}
        self.title = ""
        self.h1 = ""
        self._in: str | None = None
        self.nav_labels: list[str] = []
        self.invalid: list[dict[str, str]] = []
        self.alerts = 0
        self.footer_links: list[str] = []
        self._footer = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and self.first_link is None:
            self.first_link = a.get("href", "")
        if tag == "h1" or (tag == "title" and not self.title):
            self._in = tag  # the page's <title>, not an SVG drawing's tooltips
        if tag == "nav" and a.get("aria-label"):
            self.nav_labels.append(a["aria-label"])
        if a.get("aria-invalid") == "true":
            self.invalid.append(a)
        if a.get("role") == "alert":
            self.alerts += 1
        if tag == "footer":
            self._footer = True
        if tag == "a" and self._footer:
            self.footer_links.append(a.get("href", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None
        if tag == "footer":
            self._footer = False

    def handle_data(self, data: str) -> None:
        if self._in == "title":
            self.title += data
        elif self._in == "h1":
            self.h1 += data


def read(client: FlaskClient, path: str) -> Page:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    page = Page()
    page.feed(response.get_data(as_text=True))
    return page


def check_layout(page: Page, path: str) -> None:
    assert page.first_link == "#contenu", (path, page.first_link)
    assert "contenu" in page.ids and page.tags.get("main") == 1, path
    assert page.tags.get("header") == 1 and page.tags.get("footer") == 1, path
    assert "Menu principal" in page.nav_labels, path
    assert "/accessibilite" in page.footer_links, path
    assert page.tags.get("h1") == 1, (path, page.tags.get("h1"))
    title = " ".join(page.title.split())
    assert title.endswith("— Vigie") and len(title) > len("— Vigie") + 2, (path, title)


HAND_WRITTEN = [
    "/",
    "/tasks/",
    "/entry/",
    "/collection_health/",
    "/jobs/",
    "/notifications/",
    "/dashboards/",
    "/strategy_map/",
]
#: the administrator's own screens
ADMIN_SCREENS = ["/application_accounts/", "/mail_queue/", "/users/list/", "/roles/list/"]


def test_the_accessibility_statement_is_public_and_complete(app: Flask) -> None:
    client = app.test_client()
    page = read(client, "/accessibilite")
    check_layout(page, "/accessibilite")
    assert "Déclaration d'accessibilité" in page.h1
    text = client.get("/accessibilite").get_data(as_text=True)
    for part in ("État de conformité", "RGAA", "Voies de recours", "Défenseur des droits"):
        assert part in text


def test_login_page_has_the_layout(app: Flask) -> None:
    check_layout(read(app.test_client(), "/login/"), "/login/")


def test_every_list_show_and_form_page_has_the_layout(
    app: Flask, world: World, client: FlaskClient
) -> None:
    login(client, world.users["quality"])
    for artefact in all_artefacts():
        base = f"/{artefact.code_name}"
        listing = client.get(f"{base}/list/")
        if listing.status_code != 200:
            continue  # not a screen of the quality cell's
        check_layout(read(client, f"{base}/list/"), f"{base}/list/")
        with app.app_context():
            from app.extensions import db

            first = db.session.query(artefact.model.id).order_by(artefact.model.id).first()
        # the first record may be out of the quality cell's reach (a person's own objective)
        if first is not None and client.get(f"{base}/show/{first[0]}").status_code == 200:
            check_layout(read(client, f"{base}/show/{first[0]}"), f"{base}/show/{first[0]}")
        if client.get(f"{base}/add").status_code == 200:
            check_layout(read(client, f"{base}/add"), f"{base}/add")


@pytest.mark.parametrize(
    "role, path",
    [("quality", p) for p in HAND_WRITTEN] + [("admin", p) for p in ADMIN_SCREENS],
)
def test_hand_written_screens_have_the_layout(
    world: World, client: FlaskClient, role: str, path: str
) -> None:
    login(client, world.users[role])
    response = client.get(path, follow_redirects=True)
    assert response.status_code == 200, path
    page = Page()
    page.feed(response.get_data(as_text=True))
    check_layout(page, path)


def test_a_refused_form_says_so_and_ties_each_error_to_its_field(
    world: World, client: FlaskClient
) -> None:
    login(client, world.users["quality"])
    response = client.post(
        "/action/add",
        data={"title": "", "progress": "beaucoup", "due_date": "31/02/2026"},
    )
    assert response.status_code == 422  # refused, nothing stored
    page = Page()
    page.feed(response.get_data(as_text=True))
    assert " ".join(page.title.split()).startswith("Erreur — "), page.title
    assert page.alerts >= 1  # the summary is announced
    assert page.invalid, "no field carries aria-invalid"
    for field in page.invalid:
        described = field.get("aria-describedby", "").split()
        assert any(d.endswith("-erreur") for d in described), field
        assert all(d in page.ids for d in described), field
