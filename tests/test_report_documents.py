"""The annual service report and the card PDFs, read as a person reads them: rendered by
WeasyPrint, then turned back into text with ``pdftotext -layout``.

The report covers last year (values filed month by month, an indicator that stopped in
March and is now « en retard »), so what it says does not depend on today's date.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.commands.errors import NotFound
from app.extensions import db
from app.jobs.documents import Document
from app.models import VigieUser
from app.security.actor import Actor
from reports import card_pdf, service_report
from reports.pdf import Rendered, render_pdf
from tests.conftest import World, unique
from tests.factories import new

YEAR = date.today().year - 1
HOSTILE = '<img src="http://127.0.0.1:1/x">'


def _actor(username: str) -> Actor:
    user = db.session.scalar(select(VigieUser).where(VigieUser.username == username))
    return Actor.for_user(user)


def _text(rendered: Rendered) -> str:
    """What a reader sees: the PDF's text, laid out as on the page."""
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=rendered.data, capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def chapter(text: str, title: str) -> str:
    """The pages of one chapter: those whose running header names it (top right)."""
    pages = [
        page
        for page in text.split("\f")
        if page.strip() and page.strip().splitlines()[0].rstrip().endswith(title)
    ]
    assert pages, title
    return "\n".join(pages)


@dataclass
class Steps:
    """A progress callback that remembers what it was told."""

    calls: list[tuple[int, str]]

    def __call__(self, percent: int, label: str) -> None:
        self.calls.append((percent, label))


@dataclass
class Town:
    """One service of POLE-A with a year of everything the report shows."""

    service_id: int
    code: str
    ids: dict[str, int]
    texts: dict[str, str]


def _month(month: int) -> str:
    return f"{YEAR}-{month:02d}"


def build_service(world: World, indicators: int = 4, values: int = 12, rows: int = 1) -> Town:
    """A service with ``indicators`` judged ones (plus one late and one empty), ``values``
    monthly values each, and ``rows`` processes, risks, actions, audits, complaints…"""
    t = {
        key: unique(f"{key} ")
        for key in (
            "service",
            "objective",
            "policy",
            "ind_ok",
            "ind_late",
            "ind_empty",
            "process",
            "risk",
            "late_action",
            "later_action",
            "audit",
            "finding",
            "survey",
            "proposal",
        )
    }
    code = unique("RAP-")
    service = new(
        "service", {"code": code, "name": t["service"], "parent": world.services["POLE-A"]}
    )
    programme = new(
        "programme", {"title": unique("Programme "), "start_year": YEAR - 2, "end_year": YEAR + 3}
    )
    axis = new("axis", {"programme": programme.id, "code": "A9", "title": unique("Axe ")})
    strategic = new(
        "strategic_objective",
        {"axis": axis.id, "code": unique("SO"), "title": unique("Stratégie ")},
    )
    objective = new(
        "service_objective",
        {
            "service": service.id,
            "year": YEAR,
            "title": t["objective"],
            "strategic_objective": strategic.id,
            "expected_result": "Réparer plus vite",
            "description": "Texte saisi : " + HOSTILE,
        },
    )
    new("service_objective", {"service": service.id, "year": YEAR, "title": t["policy"]})

    first_process = new(
        "process",
        {
            "service": service.id,
            "code": unique("RP-"),
            "name": t["process"],
            "kind": "realisation",
            "purpose": "Finalité : " + HOSTILE,
        },
    )

    def indicator(name: str, **extra: Any) -> Any:
        return new(
            "indicator",
            {
                "code": unique("RI-"),
                "name": name,
                "owner_service": service.id,
                "linked_process": first_process.id,
                "frequency": "monthly",
                "direction": "increase",
                "unit": "%",
                "alert_threshold": 0.1,
                "service_objectives": [objective.id],
                **extra,
            },
        )

    judged = []
    for i in range(indicators):
        name = t["ind_ok"] if i == 0 else f"{t['ind_ok']} n° {i}"
        ind = indicator(name)
        judged.append(ind)
        new("target", {"indicator": ind.id, "period": str(YEAR), "value": 100})
        # the first is met (120), the next in the alert zone (95), then missed (50)
        final = (120, 95, 50)[min(i, 2)]
        for month in range(12 - values + 1, 13):
            new(
                "measurement",
                {
                    "indicator": ind.id,
                    "period": _month(month),
                    "value": final if month == 12 else 80 + month,
                },
            )
    late = indicator(t["ind_late"])
    new("target", {"indicator": late.id, "period": str(YEAR), "value": 100})
    for month in (1, 2, 3):
        new("measurement", {"indicator": late.id, "period": _month(month), "value": 100})
    indicator(t["ind_empty"])

    # a different owner on each row (risks and actions apart): an owner loaded row by row
    # would show in the count
    def user_ids(*names: str) -> list[int]:
        return [
            db.session.scalar(select(VigieUser.id).where(VigieUser.username == name))
            for name in names
        ]

    risk_owners = user_ids("t_head_s1", "t_agent_s1", "t_auditor", "t_admin", "t_executive")
    action_owners = user_ids(
        "t_official", "t_head_s3", "t_agent_s1_b", "t_report_s1", "t_report_s3"
    )
    process_ids, risk_ids, audit_ids = [], [], []
    for i in range(rows):
        suffix = "" if i == 0 else f" n° {i}"
        head = action_owners[i % len(action_owners)]
        process = (
            first_process
            if i == 0
            else new(
                "process",
                {"service": service.id, "code": unique("RP-"), "name": t["process"] + suffix},
            )
        )
        process_ids.append(process.id)
        risk = new(
            "risk",
            {
                "service": service.id,
                "linked_process": process.id,
                "title": t["risk"] + suffix,
                "likelihood": 3,
                "severity": 4,
                "owner": risk_owners[i % len(risk_owners)],
                "residual_likelihood": 1,
                "residual_severity": 2,
            },
        )
        risk_ids.append(risk.id)
        audit = new(
            "audit",
            {
                "code": unique("RA-"),
                "title": t["audit"] + suffix,
                "kind": "interne",
                "services": [service.id],
                "processes": [process.id],
                "planned_date": f"{YEAR}-05-10",
            },
        )
        audit_ids.append(audit.id)
        finding = new(
            "finding",
            {
                "audit": audit.id,
                "kind": "nc_mineure",
                "clause": "9001:8.5.1",
                "service": service.id,
                "description": t["finding"] + suffix + " " + HOSTILE,
            },
        )
        new(
            "action",
            {
                "code": unique("RACT-"),
                "title": t["later_action"] + suffix,
                "service": service.id,
                "finding": finding.id,
                "owner": head,
                "opened_on": f"{YEAR}-02-01",
                "due_date": (date.today() + timedelta(days=400)).isoformat(),
            },
        )
        new(
            "action",
            {
                "code": unique("RACT-"),
                "title": t["late_action"] + suffix,
                "service": service.id,
                "owner": head,
                "opened_on": f"{YEAR}-03-01",
                "due_date": f"{YEAR}-06-30",
            },
        )
        for received, answered in (
            (f"{YEAR}-03-02", f"{YEAR}-03-12"),
            (f"{YEAR}-04-01", None),
            (f"{YEAR - 1}-06-01", None),
        ):
            new(
                "complaint",
                {
                    "service": service.id,
                    "received_on": received,
                    "answered_on": answered,
                    "subject": "Nid-de-poule",
                    "channel": "web",
                    "status": "repondue" if answered else "recue",
                },
            )
    new(
        "survey",
        {
            "title": t["survey"],
            "period": str(YEAR),
            "services": [service.id],
            "respondents": 240,
            "satisfaction_rate": 87,
        },
    )
    review = new("management_review", {"year": YEAR, "title": unique("Revue ")})
    new(
        "proposal",
        {"review": review.id, "service": service.id, "kind": "objectif", "title": t["proposal"]},
    )
    ids = {
        "service": service.id,
        "process": process_ids[0],
        "risk": risk_ids[0],
        "audit": audit_ids[0],
        "indicator": judged[0].id,
        "objective": objective.id,
    }
    return Town(service.id, code, ids, t)


@pytest.fixture(scope="module")
def town(app: Flask, world: World) -> Town:
    with app.app_context():
        return build_service(world)


@pytest.fixture(scope="module")
def report(app: Flask, world: World, town: Town) -> Iterator[tuple[Document, Rendered, str, Steps]]:
    with app.app_context():
        steps = Steps([])
        document = service_report.build(
            {"service_id": town.service_id, "year": YEAR}, _actor(world.users["quality"]), steps
        )
        rendered = render_pdf(document.html)
        yield document, rendered, _text(rendered), steps
        db.session.remove()


# ---------------------------------------------------------------------- service report
def test_report_names_the_service_and_numbers_its_pages(town: Town, report: Any) -> None:
    document, rendered, text, steps = report
    assert document.filename == f"Rapport_annuel_{town.code}_{YEAR}.pdf"
    assert document.title == f"Rapport annuel {YEAR} — {town.texts['service']}"
    assert rendered.pages >= 8  # cover, contents and a chapter per subject
    # the cover is not numbered; every other page is, out of the whole document
    assert f"Page 2 sur {rendered.pages}" in text
    assert f"Page {rendered.pages} sur {rendered.pages}" in text
    assert "RAPPORT ANNUEL DE SERVICE" in text and "Pôle A" in text and "Sommaire" in text
    assert [percent for percent, _label in steps.calls] == sorted(
        percent for percent, _label in steps.calls
    )
    assert steps.calls[-1][0] == 100 and all(label for _p, label in steps.calls)


def test_report_shows_objectives_indicators_and_their_status(town: Town, report: Any) -> None:
    _document, _rendered, text, _steps = report
    t = town.texts
    objectives = chapter(text, f"Objectifs de service {YEAR}")
    assert t["objective"] in objectives and t["policy"] in objectives
    assert "Objectif stratégique SO" in objectives and "Réparer plus vite" in objectives
    assert "sans objectif stratégique" in objectives
    table = chapter(text, "Indicateurs du service")
    for name, words in (
        (t["ind_ok"], "Atteint"),
        (t["ind_late"], "En retard"),
        (t["ind_empty"], "Sans donnée"),
    ):
        row = _squeezed(table.split(name, 1)[1][:240])
        assert words in row, (name, row)
    ok_row = _squeezed(table.split(t["ind_ok"], 1)[1][:200])
    assert f"{YEAR}-12" in ok_row and "120 %" in ok_row and "100 %" in ok_row
    assert "Vigilance" in table and "Non atteint" in table
    assert "Évolution" in text  # one trend per indicator with values


def test_report_lists_processes_audits_actions_complaints_and_proposals(
    town: Town, report: Any
) -> None:
    _document, _rendered, text, _steps = report
    t = town.texts
    processes = chapter(text, "Processus et risques")
    assert t["process"] in processes and t["risk"] in processes
    assert "12 · Critique" in processes and "2 · Faible" in processes
    audits = _squeezed(chapter(text, "Audits et constats"))
    assert t["audit"] in audits and t["finding"] in audits
    # (a wrapped cell reads line by line: « Non-conformité » then « mineure »)
    assert "Non-conformité" in audits and "mineure" in audits and "9001:8.5.1" in audits
    actions = chapter(text, "Plan d'actions")
    assert actions.index(t["late_action"]) < actions.index(t["later_action"])
    assert "En retard" in actions
    listening = _squeezed(chapter(text, "Écoute des usagers"))
    assert f"2 réclamations reçues, contre 1 en {YEAR - 1}" in listening
    assert "Formulaire web" in listening and t["survey"] in listening
    review = chapter(text, f"Revue de direction {YEAR}")
    assert t["proposal"] in review and "En attente de décision" in review


def test_user_text_is_shown_not_fetched(town: Town, report: Any) -> None:
    document, rendered, text, _steps = report
    assert rendered.refused == ()
    assert HOSTILE not in document.html
    assert "&lt;img src=" in document.html
    assert 'src="http://127.0.0.1:1/x"' in _squeezed(text).replace("\u00ad", "")


def test_head_of_another_service_gets_not_found(app: Flask, world: World, town: Town) -> None:
    with app.app_context():
        for who in ("head_s3", "service_head"):
            steps = Steps([])
            with pytest.raises(NotFound):
                service_report.build(
                    {"service_id": town.service_id, "year": YEAR}, _actor(world.users[who]), steps
                )
            assert all(percent < 60 for percent, _label in steps.calls)  # nothing laid out
            with pytest.raises(NotFound):
                card_pdf.build(
                    {"artefact": "process", "id": town.ids["process"]},
                    _actor(world.users[who]),
                    Steps([]),
                )
        # the pôle's head reads the service below the pôle
        document = service_report.build(
            {"service_id": town.service_id, "year": YEAR},
            _actor(world.users["pole_head"]),
            Steps([]),
        )
        assert town.texts["objective"] in document.html
        db.session.remove()


# ------------------------------------------------------------------------------- cards
@pytest.mark.parametrize(
    "code, word, key_texts",
    [
        ("process", "processus", ("process", "ind_ok", "risk")),
        ("indicator", "indicateur", ("ind_ok", "objective")),
        ("risk", "risque", ("risk", "process")),
        ("audit", "audit", ("audit", "finding", "later_action")),
    ],
)
def test_card_pdf_is_the_card_on_one_page(
    app: Flask, world: World, town: Town, code: str, word: str, key_texts: tuple[str, ...]
) -> None:
    with app.app_context():
        steps = Steps([])
        document = card_pdf.build(
            {"artefact": code, "id": town.ids[code]}, _actor(world.users["pole_head"]), steps
        )
        rendered = render_pdf(document.html)
        text = _text(rendered)
        db.session.remove()
    assert rendered.pages == 1, (code, rendered.pages)
    assert rendered.refused == ()
    assert re.fullmatch(rf"Fiche_{word}_[A-Za-z0-9_-]+\.pdf", document.filename)
    assert "Page 1 sur 1" in text and "Imprimer" not in text
    squeezed = _squeezed(text)
    for key in key_texts:
        assert town.texts[key] in squeezed, (code, key)
    headings = {
        "process": ("Fiche d'identité processus", "Indicateurs", "Risques", "12 · Critique"),
        "indicator": (
            "Fiche indicateur",
            "Situation actuelle",
            "Dernières valeurs",
            "Atteint",
            "Cibles",
        ),
        "risk": (
            "Fiche de maîtrise des risques",
            "Criticité",
            "Probabilité",
            "12 · Critique",
            "2 · Faible",
        ),
        "audit": ("Fiche d'audit", "Constats", "Non-conformité mineure"),
    }[code]
    for heading in headings:
        assert heading in squeezed, (code, heading)
    assert steps.calls and steps.calls[-1][0] == 100


def test_card_pdf_links_point_at_the_site(app: Flask, world: World, town: Town) -> None:
    """No request in a worker: a PDF links to records under VIGIE_BASE_URL."""
    with app.app_context():
        document = card_pdf.build(
            {"artefact": "process", "id": town.ids["process"]},
            _actor(world.users["quality"]),
            Steps([]),
        )
        db.session.remove()
    base = app.config["VIGIE_BASE_URL"].rstrip("/")
    assert f'href="{base}/cards/indicator/{town.ids["indicator"]}"' in document.html
    assert "<script" not in document.html and "data-vigie-print" not in document.html


def test_unknown_card_kind_is_refused(app: Flask, world: World) -> None:
    from app.commands.errors import Invalid

    with app.app_context(), pytest.raises(Invalid):
        card_pdf.build({"artefact": "document", "id": 1}, _actor(world.users["quality"]), Steps([]))


# ------------------------------------------------------------------------- query count
def test_report_queries_do_not_grow_with_the_data(
    app: Flask, world: World, count_queries: Any
) -> None:
    """2 indicators with 2 values and one of everything, or 20 indicators with 12 values
    and five of everything: the report sends the same statements."""
    with app.app_context():
        small = build_service(world, indicators=2, values=2, rows=1)
        large = build_service(world, indicators=20, values=12, rows=5)

    def measure(town: Town) -> tuple[int, str]:
        with app.app_context():
            actor = _actor(world.users["quality"])
            with count_queries() as statements:
                document = service_report.build(
                    {"service_id": town.service_id, "year": YEAR}, actor, Steps([])
                )
            db.session.remove()
        return len(statements), document.html

    small_count, _html = measure(small)
    large_count, html = measure(large)
    assert html.count("data:image/svg+xml") == 21  # a chart per indicator with values
    print(f"\nannual report queries: small {small_count}, large {large_count}")
    assert small_count == large_count
    assert small_count <= 22
