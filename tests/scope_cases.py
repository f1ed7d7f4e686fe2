"""The service-scope matrix's description of every registered artefact (``CASES``).

How to build a record of each artefact placed "in" a service — in the service itself, under a
parent record of that service, or for an agent whose line manager heads it — and which role
may write it. ``test_scope_matrix`` runs every path against these cases, ``test_exports``
checks each artefact's export with them and ``test_query_counts`` fills every list with them.
Parent records (an indicator per service, the matrix's programme…) are built once per run and
reused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask

from tests.conftest import PASSWORD, World, sequence, unique
from tests.factories import new, user_id


@dataclass
class Case:
    """How to build records of one artefact for the matrix.

    ``payload(world, app, "S1")`` gives a record placed in S1: in the service itself, or under
    a parent of S1 (an indicator of S1 for a target), or — for the confidential individual
    objectives — for an agent whose line manager is the head of S1. Under that reading a head
    of S1 reaches "S1" records and not "S3" ones whatever the artefact's scope rule; the rules
    with extra readers (published documents, shared audits, dashboards for everyone,
    objectives hidden from global roles) have their own tests at the end of
    ``test_scope_matrix`` and in ``test_confidentiality``.
    """

    code: str
    payload: Callable[[World, Flask, str], dict[str, Any]]  # (world, app, service code)
    field: str  # a text field to update
    scoped: bool  # records belong to a service
    head_writes: bool  # the service head role may write this artefact
    move_field: str | None = None  # relation that places the record in a service
    marker: str | None = None  # payload field naming the record in exports (code, else title)
    quality_writes_anywhere: bool = True  # the quality cell creates these in any service
    list_user: str = "quality"  # a role that lists every record (query counts)

    @property
    def marker_field(self) -> str:
        return self.marker or self.field


_PROGRAMME: dict[str, int] = {}


def _programme(app: Flask) -> int:
    if "id" not in _PROGRAMME:
        with app.app_context():
            obj = new(
                "programme", {"title": "Programme matrice", "start_year": 2020, "end_year": 2026}
            )
            _PROGRAMME["id"] = obj.id
            axis = new("axis", {"programme": obj.id, "code": "AX-M", "title": "Axe matrice"})
            _PROGRAMME["axis"] = axis.id
    return _PROGRAMME["id"]


def _cached(key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
    if key not in _PARENTS:
        _PARENTS[key] = build()
    return _PARENTS[key]


_PARENTS: dict[tuple[Any, ...], Any] = {}


def _system_create(app: Flask, code: str, values: dict[str, Any]) -> int:
    with app.app_context():
        return int(new(code, values).id)


def _monthly() -> tuple[int, str]:
    """A fresh monthly period and the block it belongs to (a new indicator every block)."""
    n = sequence("monthly period")
    block, index = divmod(n, 3000)
    return block, f"{1900 + index // 12}-{index % 12 + 1:02d}"


def _indicator(w: World, a: Flask, s: str, block: int = 0) -> int:
    return int(
        _cached(
            ("indicator", s, block),
            lambda: _system_create(
                a,
                "indicator",
                {
                    "code": unique("IND-M"),
                    "name": f"Indicateur matrice {s}",
                    "owner_service": w.services[s],
                    "frequency": "monthly",
                },
            ),
        )
    )


def _period_of_indicator(w: World, a: Flask, s: str) -> tuple[int, str]:
    block, period = _monthly()
    return _indicator(w, a, s, block), period


def _document(w: World, a: Flask, s: str) -> int:
    return int(
        _cached(
            ("document", s),
            lambda: _system_create(
                a,
                "document",
                {
                    "code": unique("DOC-M"),
                    "title": f"Document matrice {s}",
                    "service": w.services[s],
                },
            ),
        )
    )


def _risk(w: World, a: Flask, s: str) -> int:
    return int(
        _cached(
            ("risk", s),
            lambda: _system_create(
                a,
                "risk",
                {
                    "service": w.services[s],
                    "title": f"Risque matrice {s}",
                    "likelihood": 2,
                    "severity": 2,
                },
            ),
        )
    )


def _audit(w: World, a: Flask, s: str) -> int:
    return int(
        _cached(
            ("audit", s),
            lambda: _system_create(
                a,
                "audit",
                {
                    "code": unique("AUD-M"),
                    "title": f"Audit matrice {s}",
                    "services": [w.services[s]],
                },
            ),
        )
    )


def _review(a: Flask) -> int:
    return int(
        _cached(
            ("review",),
            lambda: _system_create(
                a,
                "management_review",
                {
                    "year": 2026,
                    "title": "Revue de direction matrice",
                },
            ),
        )
    )


#: The agent whose objectives are "in" a service: their line manager heads it.
REPORT_OF = {"S1": "report_s1", "S3": "report_s3", "BULK": "report_bulk"}


def _report(w: World, a: Flask, s: str) -> int:
    """The agent of ``s`` (for another service than the above: one made for it)."""
    if s in REPORT_OF:
        return user_id(a, w.users[REPORT_OF[s]])

    def build() -> str:
        from app.organisation import create_user, find_user

        username = f"t_report_{s.lower()}"
        with a.app_context():
            if find_user(username) is None:
                create_user(
                    username=username,
                    password=PASSWORD,
                    role_codes=["agent"],
                    service_codes=[s],
                    first_name=username,
                    last_name="Test",
                )
        return username

    return user_id(a, _cached(("report", s), build))


def _target(w: World, a: Flask, s: str) -> dict[str, Any]:
    indicator, period = _period_of_indicator(w, a, s)
    return {"indicator": indicator, "period": period, "value": 10.0, "comment": unique("Cible ")}


def _measurement(w: World, a: Flask, s: str) -> dict[str, Any]:
    indicator, period = _period_of_indicator(w, a, s)
    return {"indicator": indicator, "period": period, "value": 5.0, "comment": unique("Mesure ")}


def _quarter() -> str:
    n = sequence("quarter")
    return f"{1900 + n // 4}-Q{n % 4 + 1}"


CASES: dict[str, Case] = {
    "service": Case(
        "service",
        lambda w, a, s: {
            "code": unique("SV"),
            "name": "Sous-service",
            "parent": w.services[s],
            "active": True,
        },
        field="name",
        scoped=True,
        head_writes=False,
        marker="code",
    ),
    "programme": Case(
        "programme",
        lambda w, a, s: {
            "title": unique("Programme "),
            "start_year": 2020,
            "end_year": 2026,
            "status": "draft",
        },
        field="title",
        scoped=False,
        head_writes=False,
    ),
    "axis": Case(
        "axis",
        lambda w, a, s: {
            "programme": _programme(a),
            "code": unique("A"),
            "title": "Axe",
            "position": 1,
        },
        field="title",
        scoped=False,
        head_writes=False,
        marker="code",
    ),
    "strategic_objective": Case(
        "strategic_objective",
        lambda w, a, s: (
            _programme(a)
            and {
                "axis": _PROGRAMME["axis"],
                "code": unique("OS"),
                "title": "Objectif",
                "services": [w.services[s]],
                "weight": 1.0,
            }
        ),
        field="title",
        scoped=False,
        head_writes=False,
        marker="code",
    ),
    "service_objective": Case(
        "service_objective",
        lambda w, a, s: {
            "service": w.services[s],
            "year": 2026,
            "title": unique("Objectif "),
            "weight": 1.0,
        },
        field="title",
        scoped=True,
        head_writes=True,
        move_field="service",
    ),
    "individual_objective": Case(
        "individual_objective",
        lambda w, a, s: {
            "agent": _report(w, a, s),
            "year": 2026,
            "title": unique("Objectif individuel "),
            "achievement": "en_cours",
        },
        field="title",
        scoped=True,
        head_writes=True,
        move_field="agent",
        # confidential: the quality cell writes only its own and its reports' objectives
        quality_writes_anywhere=False,
        list_user="admin",
    ),
    "indicator": Case(
        "indicator",
        lambda w, a, s: {
            "code": unique("IND"),
            "name": unique("Indicateur "),
            "owner_service": w.services[s],
            "direction": "increase",
            "frequency": "monthly",
            "aggregation": "sum",
            "collection_mode": "manual",
            "alert_threshold": 0.1,
            "weight": 1.0,
        },
        field="name",
        scoped=True,
        head_writes=True,
        move_field="owner_service",
        marker="code",
    ),
    "target": Case(
        "target",
        _target,
        field="comment",
        scoped=True,
        head_writes=True,
        move_field="indicator",
    ),
    "measurement": Case(
        "measurement",
        _measurement,
        field="comment",
        scoped=True,
        head_writes=True,
        move_field="indicator",
    ),
    "reporting_period": Case(
        "reporting_period",
        lambda w, a, s: {"period": _quarter(), "comment": unique("Période ")},
        field="comment",
        scoped=False,
        head_writes=False,
    ),
    "source_application": Case(
        "source_application",
        lambda w, a, s: {
            "code": unique("APP"),
            "name": unique("Application "),
            "owner_service": w.services[s],
            "expected_frequency": "monthly",
        },
        field="name",
        scoped=True,
        head_writes=False,
        marker="code",
    ),
    "process": Case(
        "process",
        lambda w, a, s: {
            "code": unique("PR"),
            "name": unique("Processus "),
            "service": w.services[s],
            "kind": "realisation",
            "pilot": _report(w, a, s),
        },
        field="name",
        scoped=True,
        head_writes=True,
        move_field="service",
        marker="code",
    ),
    "document": Case(
        "document",
        lambda w, a, s: {
            "code": unique("DOC"),
            "title": unique("Document "),
            "service": w.services[s],
            "kind": "procedure",
        },
        field="title",
        scoped=True,
        head_writes=True,
        move_field="service",
        marker="code",
    ),
    "document_version": Case(
        "document_version",
        lambda w, a, s: {
            "document": _document(w, a, s),
            "number": sequence("version number", 1),
            "text": "Texte de la version",
            "change_summary": unique("Version "),
            "author": _report(w, a, s),
        },
        field="change_summary",
        scoped=True,
        head_writes=True,
        move_field="document",
    ),
    "risk": Case(
        "risk",
        lambda w, a, s: {
            "service": w.services[s],
            "title": unique("Risque "),
            "likelihood": 2,
            "severity": 3,
            "status": "identifie",
        },
        field="title",
        scoped=True,
        head_writes=True,
        move_field="service",
    ),
    "impact_assessment": Case(
        "impact_assessment",
        lambda w, a, s: {
            "risk": _risk(w, a, s),
            "partners": 1,
            "users": 0,
            "citizens": -1,
            "staff": 0,
            "environment": 2,
            "partners_comment": unique("Impact "),
        },
        field="partners_comment",
        scoped=True,
        head_writes=True,
        move_field="risk",
    ),
    "certification": Case(
        "certification",
        lambda w, a, s: {
            "standard": "ISO 9001:2015",
            "certificate_number": unique("CERT"),
            "certifying_body": "AFNOR Certification",
            "status": "valide",
            "services": [w.services[s]],
        },
        field="certifying_body",
        scoped=True,
        head_writes=False,
        marker="certificate_number",
    ),
    "audit_programme": Case(
        "audit_programme",
        lambda w, a, s: {
            "year": sequence("audit programme year", 2300),
            "title": unique("Programme d'audit "),
            "status": "projet",
        },
        field="title",
        scoped=False,
        head_writes=False,
    ),
    "audit": Case(
        "audit",
        lambda w, a, s: {
            "code": unique("AUD"),
            "title": unique("Audit "),
            "kind": "interne",
            "services": [w.services[s]],
            "lead_auditor": _report(w, a, s),
        },
        field="title",
        scoped=True,
        head_writes=False,
        marker="code",
    ),
    "finding": Case(
        "finding",
        lambda w, a, s: {
            "audit": _audit(w, a, s),
            "kind": "observation",
            "description": unique("Constat "),
            "service": w.services[s],
            "status": "ouvert",
        },
        field="description",
        scoped=True,
        head_writes=False,
    ),
    "action": Case(
        "action",
        lambda w, a, s: {
            "code": unique("ACT"),
            "title": unique("Action "),
            "service": w.services[s],
            "origin": "suggestion",
            "kind": "corrective",
            "progress": 0,
            "owner": _report(w, a, s),
        },
        field="title",
        scoped=True,
        head_writes=True,
        move_field="service",
        marker="code",
    ),
    "revision": Case(
        "revision",
        lambda w, a, s: {
            "year": 2026,
            "title": unique("Révision "),
            "scope": "objectifs",
            "services": [w.services[s]],
        },
        field="title",
        scoped=True,
        head_writes=False,
    ),
    "management_review": Case(
        "management_review",
        lambda w, a, s: {"year": 2026, "title": unique("Revue ")},
        field="title",
        scoped=False,
        head_writes=False,
    ),
    "proposal": Case(
        "proposal",
        lambda w, a, s: {
            "review": _review(a),
            "service": w.services[s],
            "kind": "objectif",
            "title": unique("Proposition "),
        },
        field="title",
        scoped=True,
        head_writes=True,
        move_field="service",
    ),
    "survey": Case(
        "survey",
        lambda w, a, s: {
            "title": unique("Enquête "),
            "period": "2025",
            "services": [w.services[s]],
            "respondents": 120,
            "satisfaction_rate": 81.5,
        },
        field="title",
        scoped=True,
        head_writes=True,
        move_field="services",
    ),
    "complaint": Case(
        "complaint",
        lambda w, a, s: {
            "received_on": "2025-03-03",
            "channel": "courriel",
            "service": w.services[s],
            "subject": unique("Réclamation "),
            "status": "recue",
        },
        field="subject",
        scoped=True,
        head_writes=True,
        move_field="service",
    ),
    "dashboard": Case(
        "dashboard",
        # a dashboard for one service's audience is "in" that service
        lambda w, a, s: {
            "title": unique("Tableau de bord "),
            "position": 1,
            "services": [w.services[s]],
        },
        field="title",
        scoped=True,
        head_writes=False,
    ),
}

ARTEFACTS = sorted(CASES)
