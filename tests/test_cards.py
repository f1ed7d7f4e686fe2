"""The printable cards: who may open them, what they show, and what they cost in queries.

A card shows one record with its related records; the S1 head must see S1's rows and none
of S3's, another pôle's head gets 404, a role without the artefact's read permission gets
403, and the number of SQL statements does not move when the related rows multiply.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from app import registry
from app.commands.records import update_record
from app.extensions import db
from app.models import VigieUser
from app.security.actor import Actor
from tests.conftest import World, is_postgres, login, unique
from tests.factories import Sample, account_id, build_sample, new, page_text, past_month

CARDS = ("process", "indicator", "risk", "audit")


@pytest.fixture(scope="module")
def sample(app: Flask, world: World) -> Sample:
    return build_sample(app, world)


def _card(client: Any, code: str, pk: int) -> Any:
    return client.get(f"/cards/{code}/{pk}")


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
        page = page_text(response)
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
    page = page_text(_card(client, "process", sample.ids["process"]))
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
    page = page_text(_card(client, "indicator", sample.ids["indicator"]))
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
    assert values.index(past_month(0)) < values.index(past_month(1))  # newest first
    assert "Non atteint" in values and "Atteint" in values
    assert "<svg" in client.get(f"/cards/indicator/{sample.ids['indicator']}").get_data(
        as_text=True
    )


def test_late_indicator_says_so(world: World, client: Any, sample: Sample) -> None:
    login(client, world.users["service_head"])
    page = page_text(_card(client, "indicator", sample.ids["late_indicator"]))
    latest = page.split("Situation actuelle", 1)[1].split("Définition", 1)[0]
    assert "En retard" in latest and past_month(30) in latest
    assert f"Valeur de {past_month(29)} attendue depuis le" in latest


def test_risk_card_shows_matrix_and_impact_grid(world: World, client: Any, sample: Sample) -> None:
    login(client, world.users["service_head"])
    response = _card(client, "risk", sample.ids["risk"])
    page = page_text(response)
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
    page = page_text(_card(client, "audit", sample.ids["audit"]))
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
        head = account_id(world.users["service_head"])
        process_id, risk_id, audit_id = (sample.ids[k] for k in ("process", "risk", "audit"))
        interfaces = []
        for i in range(n):
            service = s1 if i % 2 else s3
            other = new(
                "process", {"service": service, "code": unique("PRX-"), "name": f"Interface {i}"}
            )
            interfaces.append(other.id)
            ind = new(
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
            new("target", {"indicator": ind.id, "period": past_month(0)[:4], "value": 10})
            new("measurement", {"indicator": ind.id, "period": past_month(i % 5), "value": i})
            new(
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
            new(
                "document",
                {
                    "code": unique("DOCX-"),
                    "title": f"Document {i}",
                    "service": service,
                    "linked_process": process_id,
                },
            )
            new("impact_assessment", {"risk": risk_id, "partners": 1, "users": -1})
            new(
                "action",
                {
                    "code": unique("ACTX-"),
                    "title": f"Action {i}",
                    "service": s1,
                    "risk": risk_id,
                    "owner": head,
                },
            )
            finding = new(
                "finding",
                {
                    "audit": audit_id,
                    "kind": "observation",
                    "description": f"Constat {i}",
                    "service": service,
                },
            )
            for _ in range(2):
                new(
                    "action",
                    {
                        "code": unique("ACTX-"),
                        "title": "Action de constat",
                        "service": s1,
                        "finding": finding.id,
                        "owner": head,
                    },
                )
            new(
                "measurement",
                {"indicator": sample.ids["indicator"], "period": past_month(2 + i), "value": i},
            )
            new(
                "target",
                {"indicator": sample.ids["indicator"], "period": past_month(2 + i), "value": 5},
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
            new("process", {"service": s1, "code": unique("PRA-"), "name": f"Audité {i}"}).id
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
            "process": new(
                "process", {"service": s1, "code": unique("PRB-"), "name": "Processus nu"}
            ).id,
            "indicator": new(
                "indicator", {"code": unique("INB-"), "name": "Indicateur nu", "owner_service": s1}
            ).id,
            "risk": new("risk", {"service": s1, "title": "Risque nu"}).id,
            "audit": new(
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
