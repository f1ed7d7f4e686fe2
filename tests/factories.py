"""Builders and readers shared by the test modules, which never import each other.

What several modules build — a record created as the system, the cards' sample, the
strategy-map programme, a review being held — or read back — a page's text, a refused form's
errors, the ids a picker offers — lives here once; each test module keeps what is its own.
Every record gets unique codes and titles (``unique``), so a builder may run any number of
times in one database. The service-scope matrix's description of every artefact is in
``tests.scope_cases``, the workflow engine's builders in ``tests.workflow_builders``, and the
browser fixtures in ``tests.browser_fixtures``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from html import unescape
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from app import periods, registry
from app.commands.records import create_record, update_record
from app.extensions import db
from app.models import ServiceObjective, VigieUser
from app.security.actor import Actor
from tests.conftest import World, unique


# -- records ---------------------------------------------------------------------------------
def new(code: str, values: dict[str, Any]) -> Any:
    """A record through the command layer (checks, history), as the system."""
    return create_record(registry.get(code), values, Actor.system_actor())


def force(obj: Any, **attrs: Any) -> None:
    """Setup only: write columns no command writes (``state``, a proposal's decision)."""
    for name, value in attrs.items():
        setattr(obj, name, value)
    db.session.commit()


def account_id(username: str) -> int:
    """A user's id (in an application context)."""
    return int(db.session.scalar(select(VigieUser.id).where(VigieUser.username == username)))


_USER_IDS: dict[str, int] = {}


def user_id(app: Flask, username: str) -> int:
    """A user's id, looked up once per run (opens its own application context)."""
    if username not in _USER_IDS:
        with app.app_context():
            from app.organisation import find_user

            user = find_user(username)
            assert user is not None, username
            _USER_IDS[username] = int(user.id)
    return _USER_IDS[username]


def past_month(offset: int) -> str:
    """The month ``offset`` months before last month (0 = last month: not late today)."""
    period = periods.containing(date.today(), periods.MONTHLY).previous()
    for _ in range(offset):
        period = period.previous()
    return period.code


# -- the cards' sample -----------------------------------------------------------------------
@dataclass
class Sample:
    """One record of each card, with related rows in S1 (shown) and S3 (hidden)."""

    ids: dict[str, int]
    texts: dict[str, str]


def build_sample(app: Flask, world: World) -> Sample:
    """A process of S1 with indicators, risks, documents, interfaces; a risk; an audit."""
    with app.app_context():
        head = account_id(world.users["service_head"])
        s1, s3 = world.services["S1"], world.services["S3"]
        t = {
            key: unique(f"{key} ")
            for key in (
                "process",
                "interface",
                "hidden_interface",
                "ind_ok",
                "ind_watch",
                "ind_late",
                "ind_empty",
                "ind_hidden",
                "risk",
                "hidden_risk",
                "doc",
                "hidden_doc",
                "action",
                "finding_nc",
                "finding_strength",
                "finding_hidden",
                "audit",
                "objective",
                "comment_partners",
                "comment_staff",
            )
        }
        process = new(
            "process",
            {
                "service": s1,
                "code": unique("PR-"),
                "name": t["process"],
                "kind": "realisation",
                "pilot": head,
                "purpose": "Entretenir la voirie communale",
                "beneficiaries": "Usagers de la voirie",
                "inputs": "Demandes des administrés",
                "outputs": "Chaussées réparées",
                "activities": "Diagnostic\nRéparation",
                "resources": "Deux équipes",
                "requirements": "Code de la voirie routière",
            },
        )
        interface = new(
            "process",
            {"service": s1, "code": unique("PR-"), "name": t["interface"], "kind": "support"},
        )
        hidden_interface = new(
            "process",
            {
                "service": s3,
                "code": unique("PR-"),
                "name": t["hidden_interface"],
                "kind": "support",
            },
        )
        process_artefact = registry.get("process")

        update_record(
            process_artefact,
            process,
            {"interfaces": [interface.id, hidden_interface.id]},
            Actor.system_actor(),
            expected_version=process.version,
        )
        objective = new(
            "service_objective",
            {"service": s1, "year": date.today().year, "title": t["objective"], "weight": 1.0},
        )

        def indicator(name: str, service: int, **extra: Any) -> Any:
            return new(
                "indicator",
                {
                    "code": unique("IND-"),
                    "name": t[name],
                    "owner_service": service,
                    "linked_process": process.id,
                    "frequency": "monthly",
                    "direction": "increase",
                    "unit": "%",
                    "alert_threshold": 0.1,
                    **extra,
                },
            )

        ok = indicator(
            "ind_ok",
            s1,
            owner=head,
            definition="Part des demandes traitées",
            service_objectives=[objective.id],
        )
        watch = indicator("ind_watch", s1)
        late = indicator("ind_late", s1)
        indicator("ind_empty", s1)
        hidden = indicator("ind_hidden", s3)
        for ind in (ok, watch, late, hidden):
            for year in {periods.year_of(past_month(0)), periods.year_of(past_month(30))}:
                new("target", {"indicator": ind.id, "period": str(year), "value": 100})
        new("measurement", {"indicator": ok.id, "period": past_month(1), "value": 80})
        new("measurement", {"indicator": ok.id, "period": past_month(0), "value": 120})
        new("measurement", {"indicator": watch.id, "period": past_month(0), "value": 95})
        new("measurement", {"indicator": late.id, "period": past_month(30), "value": 100})
        new("measurement", {"indicator": hidden.id, "period": past_month(0), "value": 50})

        risk = new(
            "risk",
            {
                "service": s1,
                "linked_process": process.id,
                "title": t["risk"],
                "cause": "Chaussée dégradée",
                "consequence": "Chute d'un usager",
                "likelihood": 3,
                "severity": 4,
                "residual_likelihood": 2,
                "residual_severity": 2,
                "controls": "Tournées d'inspection",
                "owner": head,
                "status": "traite",
                "review_date": "2027-01-15",
            },
        )
        new(
            "risk",
            {
                "service": s3,
                "linked_process": process.id,
                "title": t["hidden_risk"],
                "likelihood": 1,
                "severity": 1,
            },
        )
        new(
            "impact_assessment",
            {
                "risk": risk.id,
                "partners": -2,
                "partners_comment": t["comment_partners"],
                "users": 1,
                "citizens": 0,
                "staff": -1,
                "staff_comment": t["comment_staff"],
                "environment": 2,
                "assessed_on": "2026-02-01",
            },
        )
        new(
            "document",
            {
                "code": unique("DOC-"),
                "title": t["doc"],
                "service": s1,
                "linked_process": process.id,
                "review_due": "2020-01-01",
            },
        )
        new(
            "document",
            {
                "code": unique("DOC-"),
                "title": t["hidden_doc"],
                "service": s3,
                "linked_process": process.id,
            },
        )
        new(
            "action",
            {
                "code": unique("ACT-"),
                "title": t["action"],
                "service": s1,
                "risk": risk.id,
                "owner": head,
                "due_date": (date.today() - timedelta(days=3)).isoformat(),
            },
        )

        audit = new(
            "audit",
            {
                "code": unique("AUD-"),
                "title": t["audit"],
                "kind": "interne",
                "standard": "ISO 9001:2015",
                "services": [s1, s3],
                "processes": [process.id],
                "planned_date": "2026-03-10",
                "conclusion": "Système globalement maîtrisé",
            },
        )
        nc = new(
            "finding",
            {
                "audit": audit.id,
                "kind": "nc_mineure",
                "clause": "9001:8.5.1",
                "description": t["finding_nc"],
                "service": s1,
            },
        )
        new(
            "finding",
            {
                "audit": audit.id,
                "kind": "point_fort",
                "description": t["finding_strength"],
                "service": s1,
            },
        )
        new(
            "finding",
            {
                "audit": audit.id,
                "kind": "observation",
                "description": t["finding_hidden"],
                "service": s3,
            },
        )
        new(
            "action",
            {
                "code": unique("ACT-"),
                "title": t["action"] + " NC",
                "service": s1,
                "finding": nc.id,
                "owner": head,
                "due_date": (date.today() - timedelta(days=3)).isoformat(),
            },
        )
        ids = {
            "process": process.id,
            "indicator": ok.id,
            "late_indicator": late.id,
            "risk": risk.id,
            "audit": audit.id,
            "finding": nc.id,
        }
        return Sample(ids, t)


# -- a strategy-map programme ------------------------------------------------------------
def build_programme(app: Flask, world: World) -> dict[str, Any]:
    """A programme with two axes, three strategic objectives, S1 and S3 objectives with
    indicators, values and targets (one reached, one missed)."""
    system = Actor.system_actor()
    with app.app_context():
        programme = create_record(
            registry.get("programme"),
            {
                "title": unique("Programme carte"),
                "start_year": 2024,
                "end_year": 2026,
                "status": "active",
            },
            system,
        )
        axes = [
            create_record(
                registry.get("axis"),
                {
                    "programme": programme.id,
                    "code": unique(f"AX{n}"),
                    "title": f"Axe numéro {n}",
                    "position": n,
                },
                system,
            )
            for n in (1, 2)
        ]
        strategic = [
            create_record(
                registry.get("strategic_objective"),
                {
                    "axis": axes[n // 2].id,
                    "code": unique(f"SO{n}"),
                    "title": f"Objectif stratégique {n} au titre assez long "
                    "pour être coupé en lignes",
                    "services": [world.services["S1"], world.services["S3"]],
                },
                system,
            )
            for n in range(3)
        ]
        objectives = {}
        for service in ("S1", "S3"):
            objective = create_record(
                registry.get("service_objective"),
                {
                    "service": world.services[service],
                    "year": 2026,
                    "title": unique(f"Objectif {service}"),
                    "strategic_objective": strategic[0].id,
                },
                system,
            )
            indicator = create_record(
                registry.get("indicator"),
                {
                    "code": unique(f"MAP{service}"),
                    "name": f"Indicateur {service}",
                    "owner_service": world.services[service],
                    "frequency": "yearly",
                    "direction": "increase",
                    "unit": "%",
                    "service_objectives": [objective.id],
                },
                system,
            )
            create_record(
                registry.get("target"),
                {"indicator": indicator.id, "period": "2026", "value": 80},
                system,
            )
            create_record(
                registry.get("measurement"),
                {
                    "indicator": indicator.id,
                    "period": "2026",
                    "value": 90 if service == "S1" else 40,
                },
                system,
            )
            objectives[service] = (objective.id, objective.title, indicator.id)
        return {
            "programme": programme.id,
            "axes": [a.code for a in axes],
            "strategic": [(s.id, s.code) for s in strategic],
            "objectives": objectives,
        }


# -- a review being held --------------------------------------------------------------------
@dataclass
class Meeting:
    review_id: int
    objective_proposals: list[int]
    objectives: list[int]
    target_proposal: int
    indicator_id: int
    other_proposal: int
    year: int


def _objective(world: World, service: str, title: str, year: int) -> ServiceObjective:
    system = Actor.system_actor()
    obj = create_record(
        registry.get("service_objective"),
        {"service": world.services[service], "year": year, "title": title},
        system,
    )
    obj.state = "revu"
    db.session.commit()
    return obj


def build_meeting(
    app: Flask, world: World, *, objectives: int = 3, state: str = "tenue"
) -> Meeting:
    """A review being held, with objective proposals (S1), a target and a means proposal."""
    system = Actor.system_actor()
    with app.app_context():
        year = 2030 + int(unique("y").rsplit("-", 1)[-1][-3:]) % 50
        review = create_record(
            registry.get("management_review"), {"year": year, "title": unique("Revue")}, system
        )
        review.state = state
        db.session.commit()
        indicator = create_record(
            registry.get("indicator"),
            {
                "code": unique("IND"),
                "name": "Taux de test",
                "owner_service": world.services["S1"],
                "frequency": "yearly",
                "direction": "increase",
                "unit": "%",
            },
            system,
        )
        objective_ids, proposal_ids = [], []
        for n in range(objectives):
            objective = _objective(world, "S1", unique(f"Objectif {n}"), year)
            objective_ids.append(objective.id)
            proposal = create_record(
                registry.get("proposal"),
                {
                    "review": review.id,
                    "service": world.services["S1"],
                    "kind": "objectif",
                    "title": unique(f"Proposition {n}"),
                    "service_objective": objective.id,
                },
                system,
            )
            proposal_ids.append(proposal.id)
        target = create_record(
            registry.get("proposal"),
            {
                "review": review.id,
                "service": world.services["S1"],
                "kind": "cible",
                "title": unique("Cible"),
                "indicator": indicator.id,
                "proposed_value": 87.5,
            },
            system,
        )
        other = create_record(
            registry.get("proposal"),
            {
                "review": review.id,
                "service": world.services["S3"],
                "kind": "moyens",
                "title": unique("Moyens"),
            },
            system,
        )
        return Meeting(
            review.id, proposal_ids, objective_ids, target.id, indicator.id, other.id, year
        )


# -- reading back ----------------------------------------------------------------------------
def page_text(response: Any) -> str:
    """The page's visible text, tags stripped and spaces squeezed."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    text = unescape(re.sub(r"<[^>]+>", " ", html)).replace("\xa0", " ")
    return re.sub(r"\s+", " ", text)


def count(app: Flask, code: str) -> int:
    """How many rows the artefact's table holds (archived ones included)."""
    with app.app_context():
        model = registry.get(code).model
        return int(db.session.scalar(select(func.count()).select_from(model)))


def form_errors(response: Any) -> str:
    """The error messages of a refused form page (for assertion messages)."""
    html = response.get_data(as_text=True)
    found = re.findall(r'class="[^"]*(?:help-block|alert)[^"]*"[^>]*>(.*?)<', html, re.S)
    return " | ".join(m.strip() for m in found if m.strip()) or html[:1500]


def picker_options(client: Any, html: str, name: str) -> set[int]:
    """The ids a form's select offers: those its autocomplete answers (every page), as the
    person would find them typing (``views.pickers``)."""
    match = re.search(rf'<select[^>]*name="{name}"[^>]*>', html)
    assert match, f"no select {name!r} in the form"
    url = re.search(r'data-vigie-picker="([^"]+)"', match.group(0))
    assert url, f"select {name!r} has no autocomplete"
    offered: set[int] = set()
    page = 1
    while True:
        response = client.get(url.group(1), query_string={"page": page})
        assert response.status_code == 200, response.get_data()[:300]
        offered |= {int(choice["id"]) for choice in response.json["results"]}
        if not response.json["more"]:
            return offered
        page += 1


def info_values(client: Any, headers: dict[str, str], code: str, key: str, column: str) -> set[int]:
    """Every id the API's ``_info`` offers for a related field (all pages)."""
    offered: set[int] = set()
    page = 0
    while True:
        response = client.get(
            f"/api/v1/{code}/_info?q=(keys:!({key}),{key}:({column}:(page:{page},page_size:100)))",
            headers=headers,
        )
        assert response.status_code == 200, response.json
        info = next(c for c in response.json[key] if c["name"] == column)
        assert "Project-Id-Version" not in str(info["description"])  # no catalogue header
        offered |= {v["id"] for v in info["values"]}
        page += 1
        if not info["values"] or page * 100 >= info["count"]:
            return offered


# -- something waiting on every home page ----------------------------------------------------
@dataclass
class HomeWorld:
    """Records that put a count on each role's home page, in S1 (and the same in S3)."""

    late_actions: dict[str, int]
    overdue_indicators: dict[str, int]
    meeting: Meeting
    failed_mail: int
    failed_job: int
    application: int


def build_home_world(app: Flask, world: World) -> HomeWorld:
    """A late action and an overdue hand-typed value in S1 and in S3 (the agent of S1 types
    S1's), a review being held with proposals, a failed mail, a failed job, a silent
    business application."""
    from app.models import Job, Notification

    meeting = build_meeting(app, world, objectives=1)
    with app.app_context():
        late_actions, overdue = {}, {}
        owners = {"S1": world.users["agent"], "S3": world.users["head_s3"]}
        for service, owner in owners.items():
            late_actions[service] = new(
                "action",
                {
                    "code": unique("ACT-"),
                    "title": unique(f"Action en retard {service} "),
                    "service": world.services[service],
                    "due_date": (date.today() - timedelta(days=5)).isoformat(),
                },
            ).id
            indicator = new(
                "indicator",
                {
                    "code": unique("LATE-"),
                    "name": unique(f"Valeur attendue {service} "),
                    "owner_service": world.services[service],
                    "owner": account_id(owner),
                    "frequency": "monthly",
                    "direction": "increase",
                    "unit": "%",
                    "collection_mode": "manual",
                },
            )
            new("measurement", {"indicator": indicator.id, "period": past_month(6), "value": 1})
            overdue[service] = indicator.id
        mail = Notification(
            user_id=account_id(world.users["quality"]),
            subject=unique("Courriel refusé "),
            body="…",
            mail_state="echec",
            mail_attempts=5,
            mail_error="550 boîte inconnue",
        )
        job = Job(
            kind="review_pack",
            title=unique("Dossier en échec "),
            state="echec",
            error="Le moteur PDF a échoué.",
            requested_by_id=account_id(world.users["quality"]),
        )
        db.session.add_all([mail, job])
        db.session.commit()
        application = new(
            "source_application",
            {
                "code": unique("APP-"),
                "name": unique("Application muette "),
                "owner_service": world.services["S1"],
                "expected_frequency": "daily",
            },
        )
        return HomeWorld(late_actions, overdue, meeting, mail.id, job.id, application.id)
