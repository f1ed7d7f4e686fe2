"""Human values only: every list, show page and history of the demo town reads as people
write, in French and in English.

The demo is loaded once for the run (``demo_app``, tests/demo_town.py). Then, as the
administrator (who reads every artefact) and in both languages, the test renders every
artefact's list and the show page (with its history timeline) of a sample of its records —
the records with the longest histories, the first and the last, an archived one — and fails
on what a person should never meet in the page's VISIBLE text (tags, attributes and scripts
stripped): a Python list's brackets, ``True``/``False``/``None``, an ISO date, a raw state
or choice code, a login instead of a person's name, a MIME type, a full SHA-256, a unit that
does not agree with its number (« 1 pages ») or a count written « 3 nombre ».
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.extensions import db
from tests.demo_town import demo_client
from tests.factories import form_errors
from tests.page_text import VisibleText

#: Records whose show page is rendered, per artefact and per way of choosing them.
SAMPLE = 3


@dataclass
class Town:
    """What the checks need to know about the demo: its pages and its raw words."""

    pages: list[str]
    logins: set[str]
    codes: set[str]


def _sample(code: str, model: Any) -> list[int]:
    from app.models.history import HistoryEntry

    chosen: list[int] = []
    longest = db.session.execute(
        select(HistoryEntry.record_id)
        .where(HistoryEntry.artefact == code)
        .group_by(HistoryEntry.record_id)
        .order_by(func.count().desc(), HistoryEntry.record_id)
        .limit(SAMPLE)
    ).scalars()
    chosen += list(longest)
    chosen += list(db.session.scalars(select(model.id).order_by(model.id).limit(1)))
    chosen += list(db.session.scalars(select(model.id).order_by(model.id.desc()).limit(1)))
    if hasattr(model, "archived"):
        chosen += list(
            db.session.scalars(select(model.id).where(model.archived.is_(True)).limit(1))
        )
    return list(dict.fromkeys(chosen))


@pytest.fixture(scope="module")
def town(demo_app: Flask) -> Iterator[Town]:
    from app import registry
    from app.models import VigieUser

    with demo_app.app_context():
        pages: list[str] = []
        codes: set[str] = set()
        for artefact in registry.all_artefacts():
            pages.append(f"/{artefact.code_name}/list/")
            pages.append(f"/{artefact.code_name}/list/?archived=only")
            pages += [
                f"/{artefact.code_name}/show/{pk}"
                for pk in _sample(artefact.code_name, artefact.model)
            ]
            for choice in artefact.choices.values():
                # a code that is also a word (« clos », « projet ») cannot be told apart
                codes |= {c for c in choice.codes if "_" in str(c)}
        users = db.session.scalars(select(VigieUser)).all()
        logins = {u.username for u in users if u.full_name and u.full_name != u.username}
        db.session.remove()
    yield Town(pages=pages, logins=logins, codes=codes)


# ------------------------------------------------------------------------- what is seen
#: Raw values, by what they are.
RAW = {
    "Python list": re.compile(r"[\[\]]"),
    "True/False/None": re.compile(r"\b(True|False|None)\b"),
    "ISO date": re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    "MIME type": re.compile(r"\b(?:application|image|text)/[\w.+-]+"),
    "full SHA-256": re.compile(r"\b[0-9a-f]{64}\b"),
    "record id": re.compile(r"\bn°\s?\d+\b(?!\s?(?:de|du|of))", re.I),
    "unit not agreed": re.compile(
        r"(?<![\d,])[01](?:,\d+)?\s(?:jours|heures|tonnes|pages|minutes|années|litres)\b"
    ),
    "count as a unit": re.compile(r"\d\snombre\b"),
}
#: Text that looks raw but is not, each as narrow as possible.
ALLOWED = (
    # a numbered version is « N° de version 3 » (its label), not a record id
    re.compile(r"N° de version"),
)


def raw_values(text: str, town: Town) -> list[str]:
    found: list[str] = []
    for allowed in ALLOWED:
        text = allowed.sub(" ", text)
    for what, pattern in RAW.items():
        for match in pattern.finditer(text):
            found.append(f"{what}: …{text[max(0, match.start() - 60) : match.end() + 30]}…")
    words = set(re.findall(r"[\w.@-]+", text))
    found += [f"login: {w}" for w in sorted(words & town.logins)]
    found += [f"raw code: {w}" for w in sorted(words & town.codes)]
    return found


@pytest.mark.parametrize("language", ["fr", "en"])
def test_lists_show_pages_and_histories_show_human_values(
    demo_app: Flask, town: Town, language: str
) -> None:
    client = demo_client(demo_app, language)
    problems: dict[str, list[str]] = {}
    for url in town.pages:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        found = raw_values(VisibleText(response.get_data(as_text=True)).text, town)
        if found:
            problems[url] = found[:5]
    assert not problems, "\n".join(f"{url}: {found}" for url, found in problems.items())


def test_the_checks_can_fail(town: Town) -> None:
    """Each raw value the test looks for is caught (so a clean run means something)."""
    samples = [
        "Services — ['ACCUEIL']",
        "Actif — True",
        "Date prévue — 2025-03-22",
        "Type de fichier application/pdf",
        "Empreinte " + "a9" * 32,
        "Constat n° 74",
        "1 pages",
        "3 nombre",
    ]
    for sample in samples:
        assert raw_values(sample, town), sample
    assert not raw_values("N° de version 3 — 1 page — 3 pages — 22/03/2025", town)


# ------------------------------------------------------- codes, people and units, one by one
def _created(app: Flask, code: str, title: str) -> Any:
    from app import registry

    with app.app_context():
        model: Any = registry.get(code).model
        obj = db.session.scalars(select(model).where(model.title == title)).one()
        db.session.expunge(obj)
        return obj


def test_actions_and_audits_are_numbered_by_vigie_in_their_year(
    app: Flask, world: Any, client: FlaskClient
) -> None:
    from app.declarations.choices import STANDARD
    from tests.conftest import login, sequence, unique

    year = 2150 + sequence("human values code year")  # parse_date reads 1900–2199
    login(client, world.users["quality"])
    assert 'name="code"' not in client.get("/action/add").get_data(as_text=True)
    assert 'name="code"' not in client.get("/audit/add").get_data(as_text=True)
    assert 'name="code"' in client.get("/document/add").get_data(as_text=True)  # typed
    made = []
    for _ in range(2):
        title = unique("Action numérotée ")
        response = client.post(
            "/action/add",
            data={
                "title": title,
                "service": str(world.services["S1"]),
                "origin": "suggestion",
                "kind": "corrective",
                "opened_on": f"{year}-03-02",
                "progress": "0",
            },
        )
        assert response.status_code == 302, form_errors(response)
        made.append(_created(app, "action", title).code)
    assert made == [f"ACT-{year}-00001", f"ACT-{year}-00002"]
    title = unique("Audit numéroté ")
    response = client.post(
        "/audit/add",
        data={
            "title": title,
            "kind": "interne",
            "standard": STANDARD.codes[0],
            "services": [str(world.services["S1"])],
            "planned_date": f"{year}-05-04",
        },
    )
    assert response.status_code == 302, form_errors(response)
    assert _created(app, "audit", title).code == f"AUD-{year}-01"


def test_history_names_people_not_logins(app: Flask, world: Any, client: FlaskClient) -> None:
    from tests.conftest import login, unique

    login(client, world.users["quality"])
    title = unique("Objectif suivi ")
    response = client.post(
        "/service_objective/add",
        data={"service": str(world.services["S1"]), "year": "2026", "title": title, "weight": "1"},
    )
    assert response.status_code == 302, form_errors(response)
    page = VisibleText(client.get(response.headers["Location"]).get_data(as_text=True)).text
    history = page[page.index("Historique") :]
    assert "T_quality Test" in history
    assert not re.search(rf"\b{world.users['quality']}\b", history)


@pytest.mark.parametrize(
    ("value", "unit", "written"),
    [
        (1, "pages", "1\u00a0page"),
        (3, "page", "3\u00a0pages"),
        (1.5, "jours", "1,5\u00a0jour"),
        (3, "nombre", "3"),
        (12.5, "%", "12,5\u00a0%"),
        (1, "mois", "1\u00a0mois"),
        (3, "kWh", "3\u00a0kWh"),
        (1, "prêts/document", "1\u00a0prêt/document"),
        (1500, "heures", "1\u202f500\u00a0heures"),
    ],
)
def test_units_agree_with_their_number(app: Flask, value: float, unit: str, written: str) -> None:
    from app.formatting import format_quantity

    with app.test_request_context():
        assert format_quantity(value, unit) == written
