"""Every page in French and in English, and nothing loaded from outside the site (issue 15
item 5).

test_translations.py checks the catalogues; this module checks what the pages *show*. On
the demo town (``demo_app``, tests/demo_town.py), every page — each artefact's list, show,
add and edit pages and its card, from the registry; the hand-written screens; Flask-
AppBuilder's security screens; the error pages (403, 404, 405, 413, 500, 503); the home page
and « Mes tâches » of every demo role; the sign-in page — is rendered once in each language
(one app, one client per person and language, no browser), then:

* in English, no piece of text of the page (a text node, a tooltip, a screen reader's name,
  a message for the scripts) is one of Vigie's French msgids whose English differs (with
  placeholders: any value in them) — a label turned into text before the request knew its
  language, a template that forgot ``_()`` around a catalogued string;
* in French, no piece is one of Flask-AppBuilder's English msgids the French catalogue
  translates, nor an English translation of Vigie's;
* in both, no ``src``, ``<link href>`` or CSS ``url()`` points outside the site, and neither
  does any link or form (the site has no link that is meant to leave it).

A piece that is a value of the demo's data (every text value of its tables, history diffs
included, and every person's name) is never judged: the demo is French, and some of its
values are also catalogue strings (« Revue de direction 2025 »). Text inside an element in
another language (the language menu's « Français ») is not the page's. Strings never marked
for translation are not seen by this check (no catalogue knows them): the extraction tests
of test_translations.py and review are what find them.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import JSON, String, Text, select

from app.extensions import db
from app.registry import all_artefacts
from tests.demo_town import CRASH, UNAVAILABLE, demo_client
from tests.page_text import PageText

ROOT = Path(__file__).resolve().parent.parent
EN_PO = ROOT / "app/translations/en/LC_MESSAGES/messages.po"
FR_PO = ROOT / "app/translations/fr/LC_MESSAGES/messages.po"
LANGUAGES = ("fr", "en")

#: GET routes without parameters that are no page (a download, a redirect, a probe, JSON).
NOT_PAGES = {
    "/back",  # goes back to the previous page
    "/logout/",
    "/health",
    "/health/ready",
    "/live/version",
    "/jobs/status",
    "/import/template",  # the spreadsheet to fill in
}


# ------------------------------------------------------------------------- the catalogues
def _catalogue(path: Path) -> dict[str, str]:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    out = {}
    for message in catalog:
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        string = message.string[0] if isinstance(message.string, tuple) else message.string
        if msgid and string and not message.fuzzy:
            out[msgid] = string
    return out


_PLACEHOLDER = re.compile(r"%\(\w+\)[#0+-]*\d*(?:\.\d+)?[a-zA-Z]|%[sd]")


def _matcher(texts: Iterable[str]) -> tuple[set[str], re.Pattern[str] | None]:
    """Exact texts, and one pattern for the texts with placeholders, each placeholder a
    group (what was put in it)."""
    exact, patterns = set(), []
    for text in texts:
        text = " ".join(text.split())
        if _PLACEHOLDER.search(text):
            parts = _PLACEHOLDER.split(text)
            if sum(len(p.strip()) for p in parts) >= 6:  # enough words to recognise it
                patterns.append("(.+?)".join(re.escape(p) for p in parts))
        elif text:
            exact.add(text)
    pattern = re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None
    return exact, pattern


@dataclass(frozen=True)
class Catalogue:
    """Texts of one language as the catalogues give them: exact, or with placeholders."""

    exact: set[str]
    pattern: re.Pattern[str] | None

    @classmethod
    def of(cls, texts: Iterable[str]) -> Catalogue:
        return cls(*_matcher(texts))

    def match(self, piece: str) -> re.Match[str] | None:
        return self.pattern.fullmatch(piece) if self.pattern else None

    def has(self, piece: str) -> bool:
        return piece in self.exact or self.match(piece) is not None


@dataclass(frozen=True)
class Language:
    """What a page in one language may show, and what betrays the other one."""

    #: catalogue texts of this language (translations, and msgids written in it)
    own: Catalogue
    #: catalogue texts of the other language that this one translates differently
    other: Catalogue


@pytest.fixture(scope="module")
def languages() -> dict[str, Language]:
    english = _catalogue(EN_PO)  # Vigie: French msgid -> English
    french = _catalogue(FR_PO)  # Flask-AppBuilder: English msgid -> French
    in_french = {*english, *french.values()}
    in_english = {*english.values(), *french}
    return {
        "en": Language(
            own=Catalogue.of(in_english),
            other=Catalogue.of(m for m, e in english.items() if e != m and m not in in_english),
        ),
        "fr": Language(
            own=Catalogue.of(in_french),
            other=Catalogue.of(
                t
                for t in [*(m for m, f in french.items() if f != m), *english.values()]
                if t not in in_french
            ),
        ),
    }


# ------------------------------------------------------------------------- the demo's data
def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield " ".join(value.split())
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def _data_values(app: Flask) -> set[str]:
    """Every text value of every table, and every person's name."""
    from app.models import VigieUser

    values: set[str] = set()
    with app.app_context():
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, (String, Text, JSON))]
            if not columns:
                continue
            for row in db.session.execute(select(*columns)):
                for value in row:
                    if isinstance(value, str) and value[:1] in "[{":
                        with contextlib.suppress(ValueError):
                            value = json.loads(value)
                    values.update(_strings(value))
        for user in db.session.scalars(select(VigieUser)):
            values.add(str(user.full_name))
        db.session.remove()
    return values


# ------------------------------------------------------------------------- the pages
@dataclass
class Page:
    path: str
    person: str = "admin"
    method: str = "GET"
    data: dict[str, Any] = field(default_factory=dict)
    status: int = 200


def _first(model: Any) -> Any:
    return db.session.scalar(select(model.id).order_by(model.id))


def _pages(app: Flask) -> list[Page]:
    from app.models import Dashboard, ManagementReview, Programme, StrategicObjective, VigieUser
    from app.security.roles import ADMIN, APPLICATION
    from demo.people import ACCOUNTS_BY_USERNAME, REPRESENTATIVES

    pages: list[Page] = []
    with app.app_context():
        for artefact in all_artefacts():
            base = f"/{artefact.code_name}"
            pages += [Page(f"{base}/list/"), Page(f"{base}/add")]
            first = _first(artefact.model)
            if first is not None:
                pages += [Page(f"{base}/show/{first}"), Page(f"{base}/edit/{first}")]
                if artefact.card is not None:
                    pages.append(Page(f"/cards/{artefact.code_name}/{first}"))
        programme, dashboard = _first(Programme), _first(Dashboard)
        objective = _first(StrategicObjective)
        user = _first(VigieUser)
        pages += [
            Page(p)
            for p in (
                "/",
                "/tasks/",
                "/entry/",
                "/collection_health/",
                "/jobs/",
                "/notifications/",
                "/import/",
                "/accessibilite",
                "/application_accounts/",
                "/mail_queue/",
                "/dashboards/",
                f"/dashboards/{dashboard}",
                f"/dashboards/{dashboard}/edit",
                f"/strategy_map/{programme}",
                f"/strategy_map/{programme}/objective/{objective}",
                f"/review_meeting/{_first(ManagementReview)}",
                "/users/list/",
                "/users/add",
                f"/users/show/{user}",
                f"/users/edit/{user}",
                "/users/userinfo/",
                "/userinfoeditview/form",
                "/resetmypassword/form",
                f"/resetpassword/form?pk={user}",
                "/roles/list/",
                "/roles/show/1",
                "/groups/list/",
                "/permissions/list/",
                "/viewmenus/list/",
                "/permissionviews/list/",
            )
        ]
        db.session.remove()
    pages += [
        Page("/page-qui-n-existe-pas", status=404),
        Page(CRASH, status=500),
        Page(UNAVAILABLE, status=503),
        Page("/accessibilite", method="POST", status=405),
        Page("/import/", method="POST", data={"file": "x" * (21 * 1024 * 1024)}, status=413),
        Page("/login/", person=""),
        Page("/strategy_map/", status=302),  # to the current programme's map
        # the security model is code: no role or group is added or edited on screen
        Page("/roles/add", status=403),
        Page("/roles/edit/1", status=403),
        Page("/groups/add", status=403),
        Page("/permissions/add", status=403),
        Page("/permissionviews/add", status=403),
        Page("/viewmenus/add", status=403),
        Page("/resetpassword/form"),  # without a person: the form, refused when sent
        Page("/public/map", person="", status=404),  # not published by the demo
        Page("/accessibilite", person=""),
    ]
    for username in REPRESENTATIVES:
        if ACCOUNTS_BY_USERNAME[username].role not in (ADMIN, APPLICATION):
            pages += [Page("/", person=username), Page("/tasks/", person=username)]
    agent = next(u for u in REPRESENTATIVES if ACCOUNTS_BY_USERNAME[u].role != ADMIN)
    pages.append(Page("/users/list/", person=agent, status=403))
    return pages


@dataclass(frozen=True)
class Rendered:
    page: Page
    language: str
    html: str
    status: int


def _client(app: Flask, person: str, language: str) -> FlaskClient:
    from demo.people import account

    if person == "admin":
        return demo_client(app, language)
    if person:
        return demo_client(app, language, person, account(person).password)
    client = app.test_client()
    assert client.get(f"/lang/{language}").status_code == 302
    return client


@pytest.fixture(scope="module")
def rendered(demo_app: Flask) -> list[Rendered]:
    """Every page in each language, rendered once for the module's tests."""
    out = []
    clients: dict[tuple[str, str], FlaskClient] = {}
    for language in LANGUAGES:
        for page in _pages(demo_app):
            key = (page.person, language)
            if key not in clients:
                clients[key] = _client(demo_app, page.person, language)
            response = clients[key].open(page.path, method=page.method, data=page.data)
            out.append(
                Rendered(page, language, response.get_data(as_text=True), response.status_code)
            )
    return out


def test_every_page_is_rendered_with_its_status(rendered: list[Rendered]) -> None:
    wrong = [
        f"{r.language} {r.page.method} {r.page.path} as {r.page.person or 'anonymous'}: "
        f"{r.status}, expected {r.page.status}"
        for r in rendered
        if r.status != r.page.status
    ]
    assert not wrong, "\n".join(wrong)


def test_every_page_without_parameters_is_checked(demo_app: Flask) -> None:
    """A new screen is checked without anyone adding it here (or says why it is no page)."""
    checked = {page.path for page in _pages(demo_app)}
    missing = sorted(
        rule.rule
        for rule in demo_app.url_map.iter_rules()
        if "GET" in (rule.methods or ())
        and not rule.arguments
        and not rule.rule.startswith(
            ("/api/", "/static", "/appbuilder", "/vigie-static", "/_tests")
        )
        and rule.rule not in checked | NOT_PAGES
    )
    assert not missing, missing


def other_language(html: str, language: Language, data: set[str]) -> list[str]:
    """The pieces of a page that are in the other language (see the module docstring)."""
    found = []
    for piece in dict.fromkeys(PageText(html).pieces):
        if piece in data or piece in language.own.exact:
            continue
        if language.other.has(piece):
            found.append(f"untranslated: {piece!r}")
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_speak_the_language_chosen(
    demo_app: Flask,
    rendered: list[Rendered],
    languages: dict[str, Language],
    language: str,
) -> None:
    data = _data_values(demo_app)
    problems: dict[str, list[str]] = {}
    for r in rendered:
        if r.language != language or r.status in (301, 302):
            continue
        found = other_language(r.html, languages[language], data)
        if found:
            problems[f"{r.page.path} ({r.page.person or 'anonymous'})"] = found[:8]
    assert not problems, "\n".join(f"{path}: {found}" for path, found in problems.items())


def _outside(address: str) -> bool:
    address = address.strip().lower()
    return address.startswith(("http:", "https:", "//", "ftp:")) or "://" in address.split("?")[0]


def test_no_page_loads_or_links_anything_outside_the_site(rendered: list[Rendered]) -> None:
    problems = {}
    for r in rendered:
        page = PageText(r.html)
        found = [
            f"{what} {address}" for what, address in [*page.loads, *page.links] if _outside(address)
        ]
        if found:
            problems[f"{r.language} {r.page.path}"] = sorted(set(found))
    assert not problems, "\n".join(f"{path}: {found}" for path, found in problems.items())
