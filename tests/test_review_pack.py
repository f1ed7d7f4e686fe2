"""The review pack and the minutes of a Revue de Direction, read as their readers read them.

Each test builds a small strategy of its own (a programme, an axis, a strategic objective
with objectives of S1 and S3, indicators with values), a review with proposals, the previous
review with its decisions, an audit with an open finding, actions, complaints, a survey and
a certification, renders the real PDF through the report fetcher and reads its text with
``pdftotext``: what a service head or an official would actually see.

The database is shared by the whole run, so every name asserted on is unique to the test
(other tests' actions or audits may appear in a town-wide pack; nothing here counts them).
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app import registry
from app.extensions import db
from app.jobs.documents import no_progress
from app.models import Measurement, Target, VigieUser
from app.security.actor import Actor
from reports import minutes, review_pack
from reports.pdf import render_pdf
from tests.conftest import World, unique
from tests.factories import new

HOSTILE = '<img src="http://evil.invalid/x.png"><script>alert(1)</script>'


def _force(obj: Any, **attrs: Any) -> None:
    """Setup only: columns no command writes (``state``, a proposal's decision)."""
    for name, value in attrs.items():
        setattr(obj, name, value)
    db.session.commit()


def _actor(username: str) -> Actor:
    user = db.session.scalars(select(VigieUser).where(VigieUser.username == username)).one()
    return Actor.for_user(user)


@dataclass
class Pack:
    """What a test built, by the unique words the PDF must (or must not) show."""

    review_id: int
    year: int
    words: dict[str, str] = field(default_factory=dict)
    objective_s1: int = 0
    indicator_s1: int = 0
    service_id: int = 0
    previous_id: int = 0


def build_world(world: World) -> Pack:
    """A programme and a review for this year, with everything the pack reports on."""
    today = date.today()
    year = today.year
    w: dict[str, str] = {}
    programme = new(
        "programme",
        {
            "title": unique("Programme PK"),
            "start_year": year,
            "end_year": year + 4,
            "status": "active",
        },
    )
    w["axis"] = unique("AXEPK")
    axis = new("axis", {"programme": programme.id, "code": unique("X"), "title": w["axis"]})
    w["strategic"] = unique("STRATPK")
    strategic = new(
        "strategic_objective",
        {
            "axis": axis.id,
            "code": unique("SO"),
            "title": w["strategic"],
            "services": [world.services["S1"], world.services["S3"]],
        },
    )
    objectives = {}
    for key in ("S1", "S3"):
        w[f"objective_{key}"] = unique(f"OBJ{key}PK")
        objectives[key] = new(
            "service_objective",
            {
                "service": world.services[key],
                "strategic_objective": strategic.id,
                "year": year,
                "title": w[f"objective_{key}"],
                "expected_result": unique("RESPK"),
            },
        )
        _force(objectives[key], state="revu")
    indicators = {}
    for key in ("S1", "S3"):
        w[f"indicator_{key}"] = unique(f"IND{key}PK")
        indicators[key] = new(
            "indicator",
            {
                "code": unique(f"I{key}"),
                "name": w[f"indicator_{key}"],
                "owner_service": world.services[key],
                "frequency": "monthly",
                "aggregation": "mean",
                "direction": "increase",
                "unit": "%",
                "service_objectives": [objectives[key].id],
            },
        )
        db.session.add_all(
            [
                Target(indicator_id=indicators[key].id, period=str(year), value=80.0),
                Measurement(indicator_id=indicators[key].id, period=f"{year}-01", value=82.5),
                Measurement(indicator_id=indicators[key].id, period=f"{year - 1}-12", value=70.0),
            ]
        )
    db.session.commit()

    previous = new(
        "management_review",
        {"year": year - 1, "title": unique("Revue PK"), "held_on": today - timedelta(days=300)},
    )
    _force(previous, state="close", conclusion=unique("CONCLUPK"))
    w["previous_objective"] = unique("OBJPREVPK")
    old = new(
        "service_objective",
        {"service": world.services["S1"], "year": year - 1, "title": w["previous_objective"]},
    )
    _force(old, state="actif")
    w["previous_proposal"] = unique("PROPPREVPK")
    w["previous_rationale"] = unique("MOTIFPK")
    prev_proposal = new(
        "proposal",
        {
            "review": previous.id,
            "service": world.services["S1"],
            "kind": "objectif",
            "title": w["previous_proposal"],
            "service_objective": old.id,
        },
    )
    _force(
        prev_proposal,
        decision="amendee",
        rationale=w["previous_rationale"],
        deliberation_ref="DCM-PK-001",
    )

    review = new("management_review", {"year": year, "title": unique("Revue PK"), "held_on": today})
    _force(review, state="dossier_pret")
    for key in ("S1", "S3"):
        w[f"proposal_{key}"] = unique(f"PROP{key}PK")
        new(
            "proposal",
            {
                "review": review.id,
                "service": world.services[key],
                "kind": "objectif",
                "title": w[f"proposal_{key}"],
                "description": unique("DESCPK"),
                "service_objective": objectives[key].id,
            },
        )
    w["target_proposal"] = unique("CIBLEPK")
    new(
        "proposal",
        {
            "review": review.id,
            "service": world.services["S1"],
            "kind": "cible",
            "title": w["target_proposal"],
            "indicator": indicators["S1"].id,
            "proposed_value": 91.5,
        },
    )
    new(
        "proposal",
        {
            "review": review.id,
            "service": world.services["S1"],
            "kind": "moyens",
            "title": HOSTILE,
            "description": HOSTILE,
        },
    )

    audit = new(
        "audit",
        {
            "code": unique("AUDPK"),
            "title": unique("Audit PK"),
            "kind": "interne",
            "planned_date": today - timedelta(days=20),
            "services": [world.services["S1"]],
        },
    )
    w["audit"] = audit.code
    w["finding"] = unique("CONSTATPK")
    finding = new(
        "finding",
        {
            "audit": audit.id,
            "kind": "nc_mineure",
            "description": w["finding"],
            "service": world.services["S1"],
        },
    )
    w["finding_action"] = unique("ACTFPK")
    new(
        "action",
        {
            "code": w["finding_action"],
            "title": "Corriger",
            "origin": "audit",
            "service": world.services["S1"],
            "finding": finding.id,
            "opened_on": today - timedelta(days=19),
            "due_date": today + timedelta(days=30),
        },
    )
    w["late_action"] = unique("ACTLPK")
    late = new(
        "action",
        {
            "code": w["late_action"],
            "title": "En retard",
            "service": world.services["S1"],
            "opened_on": today - timedelta(days=60),
            "due_date": today - timedelta(days=10),
        },
    )
    _force(late, state="en_cours")
    w["done_action"] = unique("ACTDPK")  # earlier due date, but completed: not late
    done = new(
        "action",
        {
            "code": w["done_action"],
            "title": "Faite",
            "service": world.services["S1"],
            "opened_on": today - timedelta(days=200),
            "due_date": today - timedelta(days=100),
        },
    )
    _force(done, state="realisee")
    w["s3_action"] = unique("ACT3PK")
    new(
        "action",
        {
            "code": w["s3_action"],
            "title": "Autre service",
            "service": world.services["S3"],
            "due_date": today + timedelta(days=9),
        },
    )

    service = new(
        "service",
        {
            "code": unique("SRVPK"),
            "name": "Service des réclamations",
            "parent": world.services["S1"],
        },
    )
    w["service"] = service.code
    for received, answered, justified, status in (
        (date(year, 1, 2), date(year, 1, 5), False, "repondue"),
        (date(year, 1, 2), date(year, 1, 8), True, "close"),
        (date(year, 1, 3), None, None, "recue"),
    ):
        new(
            "complaint",
            {
                "received_on": received,
                "answered_on": answered,
                "justified": justified,
                "status": status,
                "service": service.id,
                "subject": "Objet",
                "channel": "courriel",
            },
        )
    w["survey"] = unique("ENQPK")
    new(
        "survey",
        {
            "title": w["survey"],
            "conducted_on": today - timedelta(days=5),
            "respondents": 120,
            "satisfaction_rate": 87.5,
            "services": [world.services["S1"]],
        },
    )
    w["certificate"] = unique("CERTPK")
    new(
        "certification",
        {
            "standard": "ISO 9001:2015",
            "certificate_number": w["certificate"],
            "certifying_body": "AFNOR",
            "obtained_on": today - timedelta(days=900),
            "expires_on": today + timedelta(days=60),
            "services": [world.services["S1"]],
        },
    )
    return Pack(
        review.id, year, w, objectives["S1"].id, indicators["S1"].id, service.id, previous.id
    )


@pytest.fixture(scope="module")
def pack(app: Flask, world: World) -> Pack:
    with app.app_context():
        built = build_world(world)
        db.session.remove()
        return built


def pdf_text(data: bytes) -> str:
    """The PDF's text as ``pdftotext -layout`` gives it, spaces normalised."""
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, check=True, capture_output=True
    ).stdout.decode("utf-8")
    return out.replace("\u00a0", " ").replace("\u202f", " ")


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@dataclass
class Read:
    text: str
    pages: int
    refused: tuple[str, ...]
    filename: str


def read_pack(app: Flask, username: str, review_id: int, builder: Any = review_pack) -> Read:
    with app.app_context():
        steps: list[tuple[int, str]] = []
        document = builder.build(
            {"review_id": review_id},
            _actor(username),
            lambda percent, label: steps.append((percent, label)),
        )
        assert steps[0][0] == 0 and steps[-1][0] == 100
        assert all(isinstance(label, str) and label for _p, label in steps)
        rendered = render_pdf(document.html)
        db.session.remove()
    return Read(pdf_text(rendered.data), rendered.pages, rendered.refused, document.filename)


@pytest.fixture(scope="module")
def quality_pack(app: Flask, pack: Pack) -> Read:
    return read_pack(app, "t_quality", pack.review_id)


def test_pack_holds_every_chapter_with_its_context(quality_pack: Read, pack: Pack) -> None:
    text = flat(quality_pack.text)
    w = pack.words
    for key in (
        "axis",
        "strategic",
        "objective_S1",
        "objective_S3",
        "indicator_S1",
        "indicator_S3",
        "proposal_S1",
        "proposal_S3",
        "target_proposal",
        "audit",
        "finding",
        "finding_action",
        "survey",
        "certificate",
        "previous_proposal",
        "previous_rationale",
    ):
        assert w[key] in text, key
    for title in (
        "Sommaire",
        "Carte stratégique",
        "Contribution des services aux axes",
        "Résultats par axe stratégique",
        "Audits et constats",
        "Plan d'actions",
        "Satisfaction des usagers et réclamations",
        "Certifications",
        "Propositions à arbitrer",
        "Suivi des décisions de la revue précédente",
    ):
        assert title in text, title
    # the target proposal: its indicator, latest value, current target and the value proposed
    assert "Cible proposée 91,5 %" in text
    assert "82,5 %" in text and "Atteint" in text
    # the previous review's objective: what became of it
    assert f"Objectif {pack.year - 1} : Actif" in text
    assert "Amendée" in text and "DCM-PK-001" in text
    assert quality_pack.filename == f"Dossier_revue_de_direction_{pack.year}.pdf"


def test_table_of_contents_and_page_numbers(quality_pack: Read, pack: Pack) -> None:
    pages = quality_pack.pages
    assert pages >= 8
    text = quality_pack.text
    assert f"Page 2 sur {pages}" in text and f"Page {pages} sur {pages}" in text
    # each TOC entry is followed by its page number (leader dots in between)
    toc = text.split("Sommaire", 1)[1].split("Page 2 sur", 1)[0]
    for entry in (
        "Carte stratégique",
        "Plan d'actions",
        "Propositions à arbitrer",
        pack.words["axis"],
    ):
        match = re.search(re.escape(entry) + r"[ .]*?(\d+)\s*$", toc, re.MULTILINE)
        assert match is not None, entry
        assert 3 <= int(match.group(1)) <= pages


def test_late_actions_come_first(app: Flask, quality_pack: Read, pack: Pack) -> None:
    """Late actions lead the plan; the list is bounded and every open action is counted.
    (Other tests leave actions in the session's database: the order is checked over the
    whole list, and the pack's own two actions where both are listed.)"""
    from reports.review_quality import ACTIONS_LISTED, open_actions

    with app.app_context():
        plan = open_actions(_actor("t_quality"))
        flags = [a.late for a in plan.listed]
        codes = [a.code for a in plan.listed]
        db.session.remove()
    assert flags == sorted(flags, reverse=True)  # no late action after one that is not
    assert len(codes) <= ACTIONS_LISTED and plan.total >= len(codes) and plan.late >= 1
    assert plan.total == sum(total for _code, _name, total, _late in plan.by_service)
    if plan.late < ACTIONS_LISTED:
        late = codes.index(pack.words["late_action"])
        assert pack.words["done_action"] not in codes[:late]  # due earlier, but not late
    text = flat(quality_pack.text)
    assert "Plan d'actions" in text and "En retard" in text
    if plan.hidden > 1:
        assert "à retrouver dans Vigie" in text


def test_complaint_figures_by_service(quality_pack: Read, pack: Pack) -> None:
    line = next(
        line
        for line in quality_pack.text.splitlines()
        if pack.words["service"] in line and "%" in line
    )
    cells = line.split()
    # received, received the year before, change, mean days, answered in 15 days, justified,
    # waiting
    assert cells[1:] == ["3", "0", "—", "4,5", "100", "%", "33", "%", "1"], line


def test_a_service_head_sees_only_their_services(app: Flask, pack: Pack) -> None:
    read = read_pack(app, "t_head_s1", pack.review_id)
    text = flat(read.text)
    w = pack.words
    for key in ("objective_S1", "proposal_S1", "indicator_S1", "late_action", "target_proposal"):
        assert w[key] in text, key
    for key in ("objective_S3", "proposal_S3", "indicator_S3", "s3_action"):
        assert w[key] not in text, key
    assert "Dossier limité aux services de son destinataire" in text


def test_user_text_is_printed_never_fetched_nor_run(quality_pack: Read) -> None:
    assert quality_pack.refused == ()
    text = flat(quality_pack.text)
    assert '<img src="http://evil.invalid/x.png">' in text
    assert "<script>alert(1)</script>" in text


def test_gathering_costs_the_same_whatever_the_data(
    app: Flask, world: World, count_queries: Any
) -> None:
    with app.app_context():
        small = build_world(world)
        db.session.remove()

    def counted() -> int:
        with app.app_context():
            actor = _actor("t_quality")
            with count_queries() as statements:
                review_pack.build({"review_id": small.review_id}, actor, no_progress)
            db.session.remove()
        return len(statements)

    before = counted()
    with app.app_context():
        review = small.review_id
        for n in range(10):
            objective = new(
                "service_objective",
                {
                    "service": world.services["S1"],
                    "year": small.year,
                    "title": unique("Obj"),
                    "strategic_objective": db.session.get(
                        registry.get("service_objective").model, small.objective_s1
                    ).strategic_objective_id,
                },
            )
            indicator = new(
                "indicator",
                {
                    "code": unique("IQ"),
                    "name": unique("Ind"),
                    "owner_service": world.services["S1"],
                    "frequency": "monthly",
                    "service_objectives": [objective.id],
                },
            )
            db.session.add(
                Measurement(indicator_id=indicator.id, period=f"{small.year}-01", value=float(n))
            )
            db.session.commit()
            new(
                "proposal",
                {
                    "review": review,
                    "service": world.services["S1"],
                    "kind": "objectif",
                    "title": unique("P"),
                    "service_objective": objective.id,
                },
            )
            new(
                "action",
                {
                    "code": unique("AQ"),
                    "title": "Action",
                    "service": world.services["S1"],
                    "due_date": date.today(),
                },
            )
            new(
                "complaint",
                {
                    "received_on": date(small.year, 1, 5),
                    "subject": "Objet",
                    "service": small.service_id,
                },
            )
        db.session.remove()
    after = counted()
    assert after == before, (before, after)


def test_minutes_record_each_decision(app: Flask, pack: Pack) -> None:
    read = read_pack(app, "t_executive", pack.previous_id, builder=minutes)
    text = flat(read.text)
    assert read.filename == f"Compte_rendu_revue_de_direction_{pack.year - 1}.pdf"
    assert "Compte rendu de la revue de direction" in text
    assert pack.words["previous_proposal"] in text and pack.words["previous_rationale"] in text
    assert "Amendée" in text and "DCM-PK-001" in text
    assert "Participants" in text and "Conclusions" in text
    assert re.search(r"Page 1 sur \d+", text)
    assert read.refused == ()
