"""The printable cards: who may open them, what they show, and what they cost in queries.

A card shows one record with its related records; the S1 head must see S1's rows and none
of S3's, another pôle's head gets 404, a role without the artefact's read permission gets
403, and the number of SQL statements does not move when the related rows multiply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from html import unescape
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from app import periods, registry
from app.commands.records import create_record, update_record
from app.extensions import db
from app.models import VigieUser
from app.security.actor import Actor
from tests.conftest import World, is_postgres, login, unique

CARDS = ("process", "indicator", "risk", "audit")


def _user_id(username: str) -> int:
    return int(db.session.scalar(select(VigieUser.id).where(VigieUser.username == username)))


def _new(code: str, values: dict[str, Any]) -> Any:
    return create_record(registry.get(code), values, Actor.system_actor())


def _month(offset: int) -> str:
    """The month ``offset`` months before last month (0 = last month: not late today)."""
    period = periods.containing(date.today(), periods.MONTHLY).previous()
    for _ in range(offset):
        period = period.previous()
    return period.code


@dataclass
class Sample:
    """One record of each card, with related rows in S1 (shown) and S3 (hidden)."""

    ids: dict[str, int]
    texts: dict[str, str]


def build_sample(app: Flask, world: World) -> Sample:
    """A process of S1 with indicators, risks, documents, interfaces; a risk; an audit."""
    with app.app_context():
        head = _user_id(world.users["service_head"])
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
        process = _new(
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
        interface = _new(
            "process",
            {"service": s1, "code": unique("PR-"), "name": t["interface"], "kind": "support"},
        )
        hidden_interface = _new(
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
        objective = _new(
            "service_objective",
            {"service": s1, "year": date.today().year, "title": t["objective"], "weight": 1.0},
        )

        def indicator(name: str, service: int, **extra: Any) -> Any:
            return _new(
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
            for year in {periods.year_of(_month(0)), periods.year_of(_month(30))}:
                _new("target", {"indicator": ind.id, "period": str(year), "value": 100})
        _new("measurement", {"indicator": ok.id, "period": _month(1), "value": 80})
        _new("measurement", {"indicator": ok.id, "period": _month(0), "value": 120})
        _new("measurement", {"indicator": watch.id, "period": _month(0), "value": 95})
        _new("measurement", {"indicator": late.id, "period": _month(30), "value": 100})
        _new("measurement", {"indicator": hidden.id, "period": _month(0), "value": 50})

        risk = _new(
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
        _new(
            "risk",
            {
                "service": s3,
                "linked_process": process.id,
                "title": t["hidden_risk"],
                "likelihood": 1,
                "severity": 1,
            },
        )
        _new(
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
        _new(
            "document",
            {
                "code": unique("DOC-"),
                "title": t["doc"],
                "service": s1,
                "linked_process": process.id,
                "review_due": "2020-01-01",
            },
        )
        _new(
            "document",
            {
                "code": unique("DOC-"),
                "title": t["hidden_doc"],
                "service": s3,
                "linked_process": process.id,
            },
        )
        _new(
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

        audit = _new(
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
        nc = _new(
            "finding",
            {
                "audit": audit.id,
                "kind": "nc_mineure",
                "clause": "9001:8.5.1",
                "description": t["finding_nc"],
                "service": s1,
            },
        )
        _new(
            "finding",
            {
                "audit": audit.id,
                "kind": "point_fort",
                "description": t["finding_strength"],
                "service": s1,
            },
        )
        _new(
            "finding",
            {
                "audit": audit.id,
                "kind": "observation",
                "description": t["finding_hidden"],
                "service": s3,
            },
        )
        _new(
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


@pytest.fixture(scope="module")
def sample(app: Flask, world: World) -> Sample:
    return build_sample(app, world)


def _card(client: Any, code: str, pk: int) -> Any:
    return client.get(f"/cards/{code}/{pk}")


def _text(response: Any) -> str:
    """The page's visible text, tags stripped and spaces squeezed."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    text = unescape(re.sub(r"<[^>]+>", " ", html)).replace("\xa0", " ")
    return re.sub(r"\s+", " ", text)


# ------------------------------------------------------------------------------- access
@pytest.mark.parametrize("code", CARDS)
def test_reader_of_the_service_opens_the_card(
    world: World, client: Any, sample: Sample, code: str
) -> None:
    for who in ("service_head", "agent", "pole_head", "quality", "official"):
        login(client, world.users[who])
        response = _card(client, code, sample.ids[code])
        assert response.status_code == 200, (who, code)
        assert "Imprimer" in response.get_data(as_text=True)


@pytest.mark.parametrize("code", CARDS)
def test_head_of_another_pole_gets_404(
    world: World, client: Any, sample: Sample, code: str
) -> None:
    login(client, world.users["head_s3"])
    if code == "audit":
        # the audit covers S1 and S3: the S3 head reads it, but none of S1's findings
        response = _card(client, code, sample.ids[code])
        assert response.status_code == 200
        page = _text(response)
        assert sample.texts["finding_hidden"] in page
        assert sample.texts["finding_nc"] not in page
        return
    assert _card(client, code, sample.ids[code]).status_code == 404


def test_unknown_record_is_404(world: World, client: Any) -> None:
    login(client, world.users["quality"])
    for code in CARDS:
        assert _card(client, code, 99_999_999).status_code == 404


@pytest.mark.parametrize("code", CARDS)
def test_role_without_read_permission_is_refused(
    world: World, client: Any, sample: Sample, code: str
) -> None:
    login(client, world.users["application"])
    assert _card(client, code, sample.ids[code]).status_code == 403


@pytest.mark.parametrize("code", CARDS)
def test_anonymous_is_sent_to_login(client: Any, sample: Sample, code: str) -> None:
    response = _card(client, code, sample.ids[code])
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_card_routes_keep_write_permission_on_artefacts(app: Flask) -> None:
    """Registering read-only card views must not strip ``can_write`` at role sync."""
    with app.app_context():
        sm = app.appbuilder.sm  # type: ignore[attr-defined]
        for code in CARDS:
            for perm in ("can_read", "can_write"):
                assert sm.find_permission_view_menu(perm, code) is not None, (perm, code)
        head = sm.find_role("service_head")
        held = {(pv.permission.name, pv.view_menu.name) for pv in head.permissions}
        assert ("can_write", "process") in held and ("can_write", "risk") in held


@pytest.mark.parametrize("code", CARDS)
def test_show_page_has_a_card_button(world: World, client: Any, sample: Sample, code: str) -> None:
    login(client, world.users["service_head"])
    html = client.get(f"/{code}/show/{sample.ids[code]}").get_data(as_text=True)
    assert f'href="/cards/{code}/{sample.ids[code]}"' in html
    assert "Fiche" in html


# ------------------------------------------------------------------------- content
def test_process_card_shows_identity_statuses_and_only_own_rows(
    world: World, client: Any, sample: Sample
) -> None:
    login(client, world.users["service_head"])
    page = _text(_card(client, "process", sample.ids["process"]))
    t = sample.texts
    for heading in (
        "Fiche d'identité processus",
        "Identité",
        "Interfaces avec d'autres processus",
        "Indicateurs",
        "Risques",
        "Documents",
        "Finalité",
        "Bénéficiaires",
        "Données d'entrée",
        "Données de sortie",
        "Ressources",
    ):
        assert heading in page, heading
    assert "Entretenir la voirie communale" in page and "Code de la voirie routière" in page
    assert t["interface"] in page and t["hidden_interface"] not in page
    assert t["risk"] in page and t["hidden_risk"] not in page
    assert "12 · Critique" in page and "4 · Modérée" in page
    assert t["doc"] in page and t["hidden_doc"] not in page and "dépassée" in page
    assert t["ind_hidden"] not in page
    row = {
        name: page.split(t[name], 1)[1][:160]
        for name in ("ind_ok", "ind_watch", "ind_late", "ind_empty")
    }
    assert "120 %" in row["ind_ok"] and "Atteint" in row["ind_ok"]
    assert "95 %" in row["ind_watch"] and "Vigilance" in row["ind_watch"]
    assert "En retard" in row["ind_late"]
    assert "Sans donnée" in row["ind_empty"]


def test_indicator_card_shows_definition_targets_values(
    world: World, client: Any, sample: Sample
) -> None:
    login(client, world.users["service_head"])
    page = _text(_card(client, "indicator", sample.ids["indicator"]))
    for heading in (
        "Fiche indicateur",
        "Situation actuelle",
        "Définition",
        "Cibles",
        "Dernières valeurs",
        "Objectifs mesurés",
        "Sens d'amélioration",
        "Hausse souhaitée",
        "Mensuelle",
        "Saisie manuelle",
    ):
        assert heading in page, heading
    assert "Part des demandes traitées" in page
    assert sample.texts["objective"] in page
    values = page.split("Dernières valeurs", 1)[1].split("Saisi le", 1)[1]  # the table
    assert values.index(_month(0)) < values.index(_month(1))  # newest first
    assert "Non atteint" in values and "Atteint" in values
    assert "<svg" in client.get(f"/cards/indicator/{sample.ids['indicator']}").get_data(
        as_text=True
    )


def test_late_indicator_says_so(world: World, client: Any, sample: Sample) -> None:
    login(client, world.users["service_head"])
    page = _text(_card(client, "indicator", sample.ids["late_indicator"]))
    latest = page.split("Situation actuelle", 1)[1].split("Définition", 1)[0]
    assert "En retard" in latest and _month(30) in latest
    assert f"Valeur de {_month(29)} attendue depuis le" in latest


def test_risk_card_shows_matrix_and_impact_grid(world: World, client: Any, sample: Sample) -> None:
    login(client, world.users["service_head"])
    response = _card(client, "risk", sample.ids["risk"])
    page = _text(response)
    for heading in (
        "Fiche de maîtrise des risques",
        "Analyse du risque",
        "Criticité",
        "Analyse d'impact",
        "Actions liées",
        "Moyens de maîtrise",
    ):
        assert heading in page, heading
    assert "Chaussée dégradée" in page and "Tournées d'inspection" in page
    assert "12 · Critique" in page and "4 · Modérée" in page
    grid = page.split("Analyse d'impact", 1)[1].split("Actions liées", 1)[0]
    expected = [
        ("Partenaires", "−2", "Très négatif"),
        ("Usagers", "+1", "Positif"),
        ("Administrés", "0", "Neutre"),
        ("Agents", "−1", "Négatif"),
        ("Environnement", "+2", "Très positif"),
    ]
    for group, score, word in expected:
        after = grid.split(group, 1)[1][:80]
        assert score in after and word in after, (group, after)
    assert sample.texts["comment_partners"] in grid and sample.texts["comment_staff"] in grid
    html = response.get_data(as_text=True)
    assert html.count("vigie-marker-gross") >= 2 and html.count("vigie-marker-residual") >= 2
    actions = page.split("Actions liées", 1)[1]
    assert sample.texts["action"] in actions and "En retard" in actions


def test_audit_card_groups_findings_with_actions(world: World, client: Any, sample: Sample) -> None:
    login(client, world.users["service_head"])
    page = _text(_card(client, "audit", sample.ids["audit"]))
    for heading in (
        "Identité de l'audit",
        "Constats",
        "Non-conformité mineure",
        "Point fort",
        "Services audités",
        "Processus audités",
        "Interne",
        "ISO 9001:2015",
        "Planifié",
        "Système globalement maîtrisé",
    ):
        assert heading in page, heading
    assert sample.texts["finding_hidden"] not in page
    assert "autre service hors de votre périmètre" in page
    nc = page.split(sample.texts["finding_nc"], 1)[1].split(sample.texts["finding_strength"])[0]
    assert sample.texts["action"] + " NC" in nc and "En retard" in nc and "À faire" in nc
    assert page.index("Non-conformité mineure") < page.index("Point fort")


def test_card_is_printable(world: World, client: Any, sample: Sample) -> None:
    login(client, world.users["service_head"])
    html = _card(client, "risk", sample.ids["risk"]).get_data(as_text=True)
    assert "cards.css" in html and "data-vigie-print" in html and "window.print()" in html
    css = client.get("/vigie-static/cards.css").get_data(as_text=True)
    assert "@media print" in css and "size: A4" in css


# ------------------------------------------------------------------------ query counts
def _grow(app: Flask, world: World, sample: Sample, n: int) -> None:
    """Multiply every related list of the sample's records by ``n``."""
    with app.app_context():
        s1, s3 = world.services["S1"], world.services["S3"]
        head = _user_id(world.users["service_head"])
        process_id, risk_id, audit_id = (sample.ids[k] for k in ("process", "risk", "audit"))
        interfaces = []
        for i in range(n):
            service = s1 if i % 2 else s3
            other = _new(
                "process", {"service": service, "code": unique("PRX-"), "name": f"Interface {i}"}
            )
            interfaces.append(other.id)
            ind = _new(
                "indicator",
                {
                    "code": unique("INX-"),
                    "name": f"Indicateur {i}",
                    "owner_service": service,
                    "linked_process": process_id,
                    "frequency": "monthly",
                    "owner": head,
                },
            )
            _new("target", {"indicator": ind.id, "period": _month(0)[:4], "value": 10})
            _new("measurement", {"indicator": ind.id, "period": _month(i % 5), "value": i})
            _new(
                "risk",
                {
                    "service": service,
                    "linked_process": process_id,
                    "owner": head,
                    "title": f"Risque {i}",
                    "likelihood": 2,
                    "severity": 2,
                },
            )
            _new(
                "document",
                {
                    "code": unique("DOCX-"),
                    "title": f"Document {i}",
                    "service": service,
                    "linked_process": process_id,
                },
            )
            _new("impact_assessment", {"risk": risk_id, "partners": 1, "users": -1})
            _new(
                "action",
                {
                    "code": unique("ACTX-"),
                    "title": f"Action {i}",
                    "service": s1,
                    "risk": risk_id,
                    "owner": head,
                },
            )
            finding = _new(
                "finding",
                {
                    "audit": audit_id,
                    "kind": "observation",
                    "description": f"Constat {i}",
                    "service": service,
                },
            )
            for _ in range(2):
                _new(
                    "action",
                    {
                        "code": unique("ACTX-"),
                        "title": "Action de constat",
                        "service": s1,
                        "finding": finding.id,
                        "owner": head,
                    },
                )
            _new(
                "measurement",
                {"indicator": sample.ids["indicator"], "period": _month(2 + i), "value": i},
            )
            _new(
                "target",
                {"indicator": sample.ids["indicator"], "period": _month(2 + i), "value": 5},
            )

        process = db.session.get(registry.get("process").model, process_id)
        current = [p.id for p in process.interfaces]
        update_record(
            registry.get("process"),
            process,
            {"interfaces": current + interfaces},
            Actor.system_actor(),
            expected_version=process.version,
        )
        audit = db.session.get(registry.get("audit").model, audit_id)
        extra = [
            _new("process", {"service": s1, "code": unique("PRA-"), "name": f"Audité {i}"}).id
            for i in range(n)
        ]
        update_record(
            registry.get("audit"),
            audit,
            {"processes": [p.id for p in audit.processes] + extra},
            Actor.system_actor(),
            expected_version=audit.version,
        )


def test_card_queries_do_not_grow_with_related_rows(
    app: Flask, world: World, client: Any, count_queries: Any
) -> None:
    mine = build_sample(app, world)
    login(client, world.users["service_head"])

    def measure() -> dict[str, tuple[int, int]]:
        counts = {}
        for code in CARDS:
            _card(client, code, mine.ids[code])  # warm-up: first-request caches
            with count_queries() as statements:
                assert _card(client, code, mine.ids[code]).status_code == 200
            # (all statements, those that are not the navbar's per-menu permission checks)
            own = [s for s in statements if "ab_permission_view" not in s]
            counts[code] = (len(statements), len(own))
        return counts

    small = measure()
    _grow(app, world, mine, 30)
    large = measure()
    print(
        f"\ncard queries (all, without menu checks), few related rows: {small}; 30x more: {large}"
    )
    assert large == small
    # 6 of them: user, roles, scope; 1 the data version the live indicator card polls against
    assert max(own for _all, own in small.values()) <= 16


def test_card_queries_are_the_same_for_every_record(
    app: Flask, world: World, client: Any, sample: Sample, count_queries: Any
) -> None:
    """A bare record (no related rows, no pilot) costs what a full one costs."""
    with app.app_context():
        s1 = world.services["S1"]
        bare = {
            "process": _new(
                "process", {"service": s1, "code": unique("PRB-"), "name": "Processus nu"}
            ).id,
            "indicator": _new(
                "indicator", {"code": unique("INB-"), "name": "Indicateur nu", "owner_service": s1}
            ).id,
            "risk": _new("risk", {"service": s1, "title": "Risque nu"}).id,
            "audit": _new(
                "audit", {"code": unique("AUB-"), "title": "Audit nu", "services": [s1]}
            ).id,
        }
    login(client, world.users["service_head"])
    for code in CARDS:
        counts = []
        for pk in (sample.ids[code], bare[code]):
            _card(client, code, pk)
            with count_queries() as statements:
                assert _card(client, code, pk).status_code == 200
            counts.append(len(statements))
        assert counts[0] == counts[1], (code, counts)


# ----------------------------------------------------------------- small and large demo
def _demo_card_counts(tmp: Any, scale: str, head: str | None) -> tuple[str, dict[str, int]]:
    """Load the demo town at ``scale`` in a fresh database; count each card's queries for a
    service head (the first whose services hold all four kinds of record, or ``head``)."""
    from sqlalchemy import event

    from app import create_app
    from app.security.sync import sync_roles
    from demo import load_demo
    from demo.people import SERVICE_HEADS, DemoAccount

    demo_app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "tests-only-secret-key-0123456789abcdef0123456789",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/demo-{scale}.sqlite3",
            "WTF_CSRF_ENABLED": False,
            "VIGIE_INSTANCE_DIR": str(tmp),
            "SERVER_NAME": None,
        }
    )
    with demo_app.app_context():
        from flask_migrate import upgrade

        from app.reading import scoped_select

        upgrade(directory=str(demo_app.extensions["migrate"].directory))
        sync_roles(demo_app.appbuilder)  # type: ignore[attr-defined]
        load_demo(scale)
        candidates = []
        for username in [head] if head else sorted(set(SERVICE_HEADS.values())):
            user = db.session.scalar(select(VigieUser).where(VigieUser.username == username))
            actor = Actor.for_user(user)
            if actor.scope.service_ids is None:
                continue  # a global role (the DGS): not a service head's view
            found = {}
            for code in CARDS:
                artefact = registry.get(code)
                stmt = scoped_select(artefact, actor, include_archived=False)
                first = db.session.scalars(stmt.order_by(artefact.model.id).limit(1)).first()
                if first is not None:
                    found[code] = first.id
            if len(found) == len(CARDS):
                reach = len(actor.scope.service_ids)
                candidates.append((reach, username, found))
        db.session.remove()
    # the head of the narrowest service: a real « responsable de service », not the DGS
    _reach, head, chosen = min(candidates) if candidates else (0, head, {})
    if not chosen:
        pytest.skip(
            f"the {scale} demo has no service head with a process, an indicator, "
            "a risk and an audit"
        )
    assert head is not None
    client = demo_app.test_client()
    password = DemoAccount(head, "service_head", "", "").password
    assert client.post("/login/", data={"username": head, "password": password}).status_code == 302
    with demo_app.app_context():
        engine = db.engine
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    counts: dict[str, Any] = {}
    urls = {f"card {code}": f"/cards/{code}/{chosen[code]}" for code in CARDS}
    with demo_app.app_context():
        from app.models import StrategicObjective
        from app.programmes import default_programme_id

        programme_id = default_programme_id()
        first_objective = db.session.scalar(select(func.min(StrategicObjective.id)))
        head_user = db.session.scalar(select(VigieUser).where(VigieUser.username == head))
        dashboards = registry.get("dashboard")
        visible = scoped_select(dashboards, Actor.for_user(head_user), include_archived=False)
        dashboard_id = db.session.scalars(visible.order_by(dashboards.model.id)).first().id
    urls["dashboard"] = f"/dashboards/{dashboard_id}"
    urls["dashboard data"] = f"/dashboards/{dashboard_id}/data"
    urls["map"] = f"/strategy_map/{programme_id}"
    urls["map 2025"] = f"/strategy_map/{programme_id}?period=2025"
    urls["map objective"] = f"/strategy_map/{programme_id}/objective/{first_objective}"
    urls["api map"] = f"/api/v1/strategy_map/{programme_id}"
    for artefact in registry.all_artefacts():
        urls[f"list {artefact.code_name}"] = f"/{artefact.code_name}/list/"
        urls[f"api {artefact.code_name}"] = f"/api/v1/{artefact.code_name}/?q=(page_size:100)"
    for name, url in urls.items():
        client.get(url)  # warm-up: first-request caches
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            status = client.get(url).status_code
        finally:
            event.remove(engine, "before_cursor_execute", count)
        if name.startswith(("card", "map", "dashboard")):
            assert status == 200, name
        counts[name] = (status, len(statements))
    return head, counts


@pytest.mark.skipif(
    is_postgres(),
    reason="query counts do not depend on the database: "
    "measured once, on SQLite demo towns built for the purpose",
)
def test_card_queries_same_on_small_and_large_demo(tmp_path: Any) -> None:
    """The demo towns differ by an order of magnitude (200 vs 3,000 indicators, 7,000 vs
    280,000 values, 300 vs 50,000 actions); every card, every list page and every API list
    sends the same number of queries (and answers the same status) on both."""
    head, small = _demo_card_counts(tmp_path, "small", None)
    _head, large = _demo_card_counts(tmp_path, "large", head)
    print(f"\ndemo card queries as {head}: small {small}, large {large}")
    assert large == small
