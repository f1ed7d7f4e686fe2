"""The derived-scope matrix: every view that gathers records shows a service head nothing of
another service's records.

``test_scope_matrix`` holds a record's own paths (list, show, export, writes…). Here are the
views that *gather* records — the strategy map and its drill-down, cards, dashboards, reports,
parents' pages and exports naming their children, pickers, « Mes tâches », notifications,
collection health… A town is built once with records of S3 carrying a secret word, a secret
value and secret people, several of them linked to S1's records (an S3 indicator measuring an
S1 objective, an S3 process interfacing an S1 one…). For each derived view, the head of S1
must see their own records and none of S3's: no name, no value, at most « contenu réservé ».

Every route Vigie adds must be covered: :data:`CASES` names the endpoints each case reads,
:data:`EXEMPT` the others with the reason they gather nothing out of scope (they write, they
serve one record's own path, or only roles reaching every service open them).
``test_every_route_has_a_case`` fails for a new route in neither — add its case here.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app import registry
from app.commands import dashboards as dashboard_commands
from app.commands.records import update_record
from app.extensions import db
from app.models import Document, DocumentVersion, Notification
from app.security.actor import Actor
from tests.conftest import World, login, token, unique
from tests.factories import force, info_values, new, page_text, picker_options, user_id

HEAD = "service_head"
#: The word every S3 record of this module carries in its name, and the value its indicators
#: hold (in any notation: 4242.5, « 4 242,5 »).
SECRET = "Zorglub"
SECRET_VALUE = re.compile(r"4[\s\u202f\xa0.,]?242")


def leaks(text: str, people: bool = True) -> list[str]:
    """What of S3 a text shows: the secret word, the secret value, S3's people (unless the view
    may name them: an S1 record can have anyone of the town as its owner)."""
    words = (SECRET, "t_head_s3", "T_head_s3", "t_report_s3") if people else (SECRET,)
    found = [w for w in words if w in text]
    if SECRET_VALUE.search(text):
        found.append("4242.5")
    return found


@dataclass
class Town:
    ids: dict[str, int]
    own: dict[str, str]  # names of S1 records the head must see


@pytest.fixture(scope="module")
def town(app: Flask, world: World) -> Town:
    """S1's and S3's records, S3's carrying the secret, cross-linked where views gather."""
    s1, s3 = world.services["S1"], world.services["S3"]
    year = date.today().year
    with app.app_context():
        head_s1 = user_id(app, world.users[HEAD])
        programme = new(
            "programme",
            {"title": unique("Programme dérivé "), "start_year": year - 1, "end_year": year + 1},
        )
        force(programme, status="active")
        axis = new("axis", {"programme": programme.id, "code": unique("AXD"), "title": "Axe"})
        strategic = new(
            "strategic_objective",
            {
                "axis": axis.id,
                "code": unique("SOD"),
                "title": unique("Objectif stratégique partagé "),
                "services": [s1, s3],
            },
        )
        own_objective = new(
            "service_objective",
            {
                "service": s1,
                "year": year,
                "title": unique("Objectif propre "),
                "strategic_objective": strategic.id,
            },
        )
        secret_objective = new(
            "service_objective",
            {
                "service": s3,
                "year": year,
                "title": unique(f"{SECRET} objectif "),
                "strategic_objective": strategic.id,
            },
        )
        own_process = new(
            "process",
            {"code": unique("PRD"), "name": unique("Processus propre "), "service": s1},
        )
        secret_process = new(
            "process",
            {"code": unique("PRS"), "name": unique(f"{SECRET} processus "), "service": s3},
        )
        update_record(
            registry.get("process"),
            own_process,
            {"interfaces": [secret_process.id]},
            Actor.system_actor(),
            expected_version=own_process.version,
        )
        own_indicator = new(
            "indicator",
            {
                "code": unique("OWN"),
                "name": unique("Indicateur propre "),
                "owner_service": s1,
                "frequency": "yearly",
                "direction": "increase",
                "linked_process": own_process.id,
                # measuring S3's objective too: S1's page names it
                "service_objectives": [own_objective.id, secret_objective.id],
            },
        )
        secret_indicator = new(
            "indicator",
            {
                "code": unique("ZRG"),
                "name": unique(f"{SECRET} indicateur "),
                "owner_service": s3,
                "frequency": "yearly",
                "direction": "increase",
                "linked_process": own_process.id,
                # under S3's objective, S1's objective and the strategic objective itself
                "service_objectives": [secret_objective.id, own_objective.id],
                "strategic_objectives": [strategic.id],
            },
        )
        # a manual S3 indicator the quality cell named S1's head responsible for, value due
        overdue = new(
            "indicator",
            {
                "code": unique("ZRM"),
                "name": unique(f"{SECRET} à saisir "),
                "owner_service": s3,
                "owner": head_s1,
                "frequency": "monthly",
                "collection_mode": "manual",
            },
        )
        for indicator, value in ((own_indicator, 12.0), (secret_indicator, 4242.5)):
            new("target", {"indicator": indicator.id, "period": str(year), "value": 5000})
            new("measurement", {"indicator": indicator.id, "period": str(year), "value": value})
        new(
            "risk",
            {
                "service": s3,
                "linked_process": own_process.id,
                "title": unique(f"{SECRET} risque "),
                "likelihood": 2,
                "severity": 2,
            },
        )
        own_risk = new(
            "risk",
            {
                "service": s1,
                "linked_process": own_process.id,
                "title": unique("Risque propre "),
                "likelihood": 2,
                "severity": 2,
            },
        )
        shared_audit = new(
            "audit",
            {
                "code": unique("AUS"),
                "title": unique("Audit partagé "),
                "kind": "interne",
                "services": [s1, s3],
                "processes": [own_process.id, secret_process.id],
            },
        )
        new(
            "finding",
            {
                "audit": shared_audit.id,
                "kind": "observation",
                "description": unique(f"{SECRET} constat "),
                "service": s3,
            },
        )
        # S1's finding on the shared audit, with an S3 action opened on it (its page lists it)
        own_finding = new(
            "finding",
            {
                "audit": shared_audit.id,
                "kind": "nc_mineure",
                "description": unique("Constat propre "),
                "service": s1,
            },
        )
        # documents: S3's draft, S3's published one with its published and draft versions
        draft_doc = new(
            "document",
            {"code": unique("ZRD"), "title": unique(f"{SECRET} brouillon "), "service": s3},
        )
        published = new(
            "document",
            {"code": unique("PUB"), "title": unique("Procédure publiée "), "service": s3},
        )
        released = new(
            "document_version",
            {
                "document": published.id,
                "number": 1,
                "text": "Texte publié",
                "change_summary": unique("Version publiée "),
            },
        )
        draft = new(
            "document_version",
            {
                "document": published.id,
                "number": 2,
                "text": f"{SECRET} texte en relecture",
                "change_summary": unique(f"{SECRET} version "),
            },
        )
        hidden_draft = new(
            "document_version",
            {"document": draft_doc.id, "number": 1, "text": f"{SECRET} texte"},
        )
        force(db.session.get(Document, published.id), state="publie")
        force(db.session.get(DocumentVersion, released.id), status="publiee")
        secret_action = new(
            "action",
            {
                "code": unique("ZRA"),
                "title": unique(f"{SECRET} action "),
                "service": s3,
                "origin": "suggestion",
                "kind": "corrective",
                "owner": user_id(app, world.users["head_s3"]),
                "finding": own_finding.id,
            },
        )
        # a notification about an S3 record, kept from when S1's head could open it
        db.session.add(
            Notification(
                user_id=head_s1,
                subject=f"Action « {SECRET} » : échéance",
                body=f"{SECRET} — 4242.5",
                link=f"/action/show/{secret_action.id}",
                artefact="action",
                record_id=secret_action.id,
                event="reminder",
                mail_state="desactive",
            )
        )
        db.session.commit()
        board = new("dashboard", {"title": unique("Tableau dérivé "), "position": 950})
        system = Actor.system_actor()
        for values in (
            {"kind": "kpi", "indicator": own_indicator.id},
            {"kind": "kpi", "indicator": secret_indicator.id},
            {"kind": "table", "indicator": secret_indicator.id},
            {"kind": "map", "indicator": own_indicator.id},
            {"kind": "kpi", "objective": f"strategic:{strategic.id}"},
            {"kind": "kpi", "objective": f"service:{own_objective.id}"},
            {"kind": "kpi", "objective": f"service:{secret_objective.id}"},
        ):
            dashboard_commands.add_widget(board, values, system)
        ids = {
            "programme": programme.id,
            "strategic": strategic.id,
            "own_objective": own_objective.id,
            "secret_objective": secret_objective.id,
            "own_process": own_process.id,
            "own_risk": own_risk.id,
            "audit": shared_audit.id,
            "own_finding": own_finding.id,
            "secret_process": secret_process.id,
            "own_indicator": own_indicator.id,
            "secret_indicator": secret_indicator.id,
            "overdue": overdue.id,
            "published": published.id,
            "released": released.id,
            "draft": draft.id,
            "hidden_draft": hidden_draft.id,
            "board": board.id,
            "s1": s1,
        }
        own = {
            "objective": own_objective.title,
            "indicator": own_indicator.code,
            "process": own_process.code,
            "strategic": strategic.code,
            "finding": own_finding.description,
            "released": released.change_summary,
        }
    return Town(ids, own)


# ------------------------------------------------------------------------------ the cases
#: What a case gets: the test client signed in as S1's head (session), the API headers of
#: the same person, the town, the app. It returns the texts it read, and asserts what S1's
#: head must see there.
Reader = Callable[[FlaskClient, dict[str, str], Town, Flask], list[str]]


def _ok(response: Any) -> str:
    assert response.status_code == 200, (response.status_code, response.get_data()[:300])
    return str(response.get_data(as_text=True))


def _map_api(client: FlaskClient, headers: dict[str, str], town: Town, app: Flask) -> list[str]:
    response = client.get(f"/api/v1/strategy_map/{town.ids['programme']}", headers=headers)
    text = _ok(response)
    assert town.own["objective"] in text and town.own["indicator"] in text
    reserved = []

    def walk(node: dict[str, Any]) -> None:
        if node.get("reserved"):
            reserved.append(node)
        for child in node.get("children", []):
            walk(child)

    walk(response.json["programme"])
    # S3's objective, S3's indicator under S1's objective and under the strategic objective
    assert len(reserved) >= 3
    assert all(set(n) == {"kind", "reserved", "title"} for n in reserved), reserved
    assert all(row["service"] != "S3" for row in response.json["matrix"])
    return [text]


def _map_pages(client: FlaskClient, headers: dict[str, str], town: Town, app: Flask) -> list[str]:
    base = f"/strategy_map/{town.ids['programme']}"
    index = client.get("/strategy_map/")
    assert index.status_code in (200, 302)
    page = _ok(client.get(base))
    drill = _ok(client.get(f"{base}/objective/{town.ids['strategic']}"))
    assert town.own["objective"] in drill and "Contenu réservé" in drill
    assert "S3 — Service S3" not in page
    return [page, drill]


def _public_map(client: FlaskClient, headers: dict[str, str], town: Town, app: Flask) -> list[str]:
    app.config["VIGIE_PUBLIC_MAP"] = True
    try:
        page = _ok(app.test_client().get("/public/map"))
    finally:
        app.config["VIGIE_PUBLIC_MAP"] = False
    return [page]


def _cards(client: FlaskClient, headers: dict[str, str], town: Town, app: Flask) -> list[str]:
    process = _ok(client.get(f"/cards/process/{town.ids['own_process']}"))
    indicator = _ok(client.get(f"/cards/indicator/{town.ids['own_indicator']}"))
    risk = _ok(client.get(f"/cards/risk/{town.ids['own_risk']}"))
    audit = _ok(client.get(f"/cards/audit/{town.ids['audit']}"))
    assert town.own["process"] in process and town.own["objective"] in indicator
    assert client.get(f"/cards/indicator/{town.ids['secret_indicator']}").status_code == 404
    return [process, indicator, risk, audit]


def _dashboards(client: FlaskClient, headers: dict[str, str], town: Town, app: Flask) -> list[str]:
    board = town.ids["board"]
    index = _ok(client.get("/dashboards/"))
    page = _ok(client.get(f"/dashboards/{board}"))
    data = _ok(client.get(f"/dashboards/{board}/data"))
    assert "Contenu réservé" in page
    return [index, page, data]


def _parents(client: FlaskClient, headers: dict[str, str], town: Town, app: Flask) -> list[str]:
    """Parents' pages and exports naming their children: the strategic objective (its
    indicators), S1's indicator (the objectives it measures), S1's process (interfaces) —
    their lists too, also as shown again under a refused saved filter."""
    texts = []
    for code, key in (
        ("strategic_objective", "strategic"),
        ("indicator", "own_indicator"),
        ("process", "own_process"),
    ):
        pk = town.ids[key]
        show = _ok(client.get(f"/{code}/show/{pk}"))
        assert "Contenu réservé" in show, code
        api = client.get(f"/api/v1/{code}/{pk}", headers=headers)
        listed = client.get(f"/api/v1/{code}/?q=(page_size:500)", headers=headers)
        refused = client.post(f"/{code}/filters/save", data={"filter_name": " "})
        assert refused.status_code == 422  # a refused saved filter shows the list again
        texts += [
            show,
            refused.get_data(as_text=True),
            _ok(client.get(f"/{code}/list/")),
            _ok(client.get(f"/{code}/export/csv")),
            _ok(api),
            _ok(listed),
            _ok(client.get(f"/api/v1/{code}/export?format=csv", headers=headers)),
        ]
        assert '"reserved": true' in json.dumps(api.json), code
    return texts


def _versions(client: FlaskClient, headers: dict[str, str], town: Town, app: Flask) -> list[str]:
    """Document versions: S3's published version is read by S1, its drafts are not."""
    ids = town.ids
    listed = client.get("/api/v1/document_version/?q=(page_size:500)", headers=headers)
    found = set(_ok_json(listed)["ids"])
    assert ids["released"] in found
    assert ids["draft"] not in found and ids["hidden_draft"] not in found
    for pk in (ids["draft"], ids["hidden_draft"]):
        assert client.get(f"/api/v1/document_version/{pk}", headers=headers).status_code == 404
        assert client.get(f"/document_version/show/{pk}").status_code == 404
        assert client.get(f"/document_version/file/{pk}").status_code == 404
    assert client.get(f"/api/v1/document_version/{ids['released']}", headers=headers).json
    # the document's page lists its released version (with its summary), never the draft
    document = _ok(client.get(f"/document/show/{ids['published']}"))
    assert town.own["released"] in document
    assert f"/document_version/show/{ids['released']}" in document
    assert f"/document_version/show/{ids['draft']}" not in document
    return [
        _ok(listed),
        _ok(client.get("/document_version/list/?psize_DocumentVersionView=500")),
        _ok(client.get("/document_version/export/csv")),
        _ok(client.get(f"/document_version/show/{ids['released']}")),
        document,
    ]


def _children(client: FlaskClient, headers: dict[str, str], town: Town, app: Flask) -> list[str]:
    """Children sections of parents' pages: the shared audit lists S1's finding, not S3's;
    S1's finding lists no S3 action opened on it."""
    audit = _ok(client.get(f"/audit/show/{town.ids['audit']}"))
    assert town.own["finding"] in audit
    finding = _ok(client.get(f"/finding/show/{town.ids['own_finding']}"))
    assert "Aucune action pour l'instant." in finding
    return [audit, finding]


def _ok_json(response: Any) -> Any:
    assert response.status_code == 200, response.get_data()[:300]
    return response.json


def _pickers(client: FlaskClient, headers: dict[str, str], town: Town, app: Flask) -> list[str]:
    """Pickers offer S1's records and S1's people, nothing of S3 (API ``_info``, forms)."""
    with app.app_context():
        from app.organisation import find_user

        s3_people = {find_user(u).id for u in ("t_head_s3", "t_report_s3")}
        s1_people = {find_user(u).id for u in ("t_head_s1", "t_agent_s1")}
    for code, column in (("process", "pilot"), ("indicator", "owner"), ("action", "owner")):
        for key in ("add_columns", "edit_columns"):
            offered = info_values(client, headers, code, key, column)
            assert s1_people <= offered and not offered & s3_people, (code, column, key)
        form = _ok(client.get(f"/{code}/add"))
        offered = picker_options(client, form, column)
        assert s1_people <= offered and not offered & s3_people, (code, column)
    offered = info_values(client, headers, "indicator", "add_columns", "service_objectives")
    assert town.ids["own_objective"] in offered
    assert town.ids["secret_objective"] not in offered
    # the autocomplete of every relation field of these forms and list searches, all of it
    # and typed for the secret word: S1's records only
    answers = []
    for code in ("indicator", "measurement", "action", "process", "service_objective"):
        view = next(
            v
            for v in app.appbuilder.baseviews  # type: ignore[attr-defined]
            if getattr(v, "artefact", None) is registry.get(code) and hasattr(v, "picker_names")
        )
        for name in sorted(view.picker_names):
            for typed in ("", SECRET):
                response = client.get(f"/{code}/picker/{name}/", query_string={"q": typed})
                answers.append(_ok(response))
                if typed:
                    assert response.json["results"] == [], (code, name)
    return [
        _ok(client.get("/api/v1/indicator/_info", headers=headers)),
        _ok(client.get("/indicator/add")),
        *answers,
    ]


def _tasks(client: FlaskClient, headers: dict[str, str], town: Town, app: Flask) -> list[str]:
    return [_ok(client.get("/tasks/")), _ok(client.get("/", follow_redirects=True))]


def _notifications(
    client: FlaskClient, headers: dict[str, str], town: Town, app: Flask
) -> list[str]:
    page = _ok(client.get("/notifications/"))
    assert "Contenu réservé" in page
    with app.app_context():
        mine = db.session.scalars(
            select(Notification.id).where(Notification.body.contains(SECRET))
        ).all()
    opened = [client.get(f"/notifications/{pk}/open") for pk in mine]
    assert all(SECRET not in (r.headers.get("Location") or "") for r in opened)
    return [page]


def _health(client: FlaskClient, headers: dict[str, str], town: Town, app: Flask) -> list[str]:
    return [_ok(client.get("/collection_health/"))]


def _entry(client: FlaskClient, headers: dict[str, str], town: Town, app: Flask) -> list[str]:
    from openpyxl import load_workbook

    s1 = town.ids["s1"]
    template = client.get(f"/import/template?service={s1}")
    assert template.status_code == 200
    sheet = load_workbook(io.BytesIO(template.get_data())).active
    cells = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row)
    return [
        _ok(client.get("/entry/")),
        _ok(client.get(f"/entry/?service={s1}")),
        cells,
        _ok(client.get("/import/")),
    ]


def _service_report(
    client: FlaskClient, headers: dict[str, str], town: Town, app: Flask
) -> list[str]:
    """The annual report of S1, built as S1's head (what the PDF job runs)."""
    from reports import service_report

    with app.app_context():
        from app.organisation import find_user

        actor = Actor.for_user(find_user("t_head_s1"))
        document = service_report.build(
            {"service_id": town.ids["s1"], "year": date.today().year}, actor, lambda *a: None
        )
        html = document.html
        db.session.remove()
    assert town.own["indicator"] in html
    return [html]


def _review_pack(client: FlaskClient, headers: dict[str, str], town: Town, app: Flask) -> list[str]:
    """The strategy chapters of a pack, gathered as S1's head (the builders' reader)."""
    from reports import review_strategy

    with app.app_context():
        from app.organisation import find_user

        actor = Actor.for_user(find_user("t_head_s1"))
        strategy = review_strategy.gather(actor, date.today().year, date.today())
        assert strategy is not None
        names = [
            f"{row.indicator.code} {row.indicator.name} {row.node.details}"
            for axis in strategy.axes
            for section in axis.objectives
            for row in section.indicators
        ] + [
            f"{row.objective.title}"
            for axis in strategy.axes
            for section in axis.objectives
            for row in section.service_objectives
        ]
        tree = json.dumps(strategy.result.as_dict(), ensure_ascii=False)
        db.session.remove()
    return [*names, tree]


@dataclass(frozen=True)
class Case:
    """One derived view: the endpoints it reads and how S1's head reads them."""

    endpoints: tuple[str, ...]
    read: Reader
    #: whether S3's people's names count as a leak: not where S1's own records are listed in
    #: full with their owners (the workflow tests make S3's head the owner of S1 actions)
    people: bool = True


CASES: dict[str, Case] = {
    "strategy map (API)": Case(("StrategyMapApi.get_map",), _map_api),
    "strategy map and drill-down": Case(
        ("StrategyMapView.index", "StrategyMapView.show", "StrategyMapView.objective"),
        _map_pages,
    ),
    "public map": Case(("vigie_public.public_map",), _public_map),
    "cards": Case(
        (
            "ProcessCardView.card",
            "IndicatorCardView.card",
            "RiskCardView.card",
            "AuditCardView.card",
        ),
        _cards,
    ),
    "dashboards": Case(
        ("DashboardsView.index", "DashboardsView.show", "DashboardsView.data"), _dashboards
    ),
    "parents' pages and exports": Case(
        (
            "ArtefactView.show",
            "ArtefactView.list",
            "ArtefactView.save_filter",
            "ArtefactView.export",
            "ArtefactApi.get",
            "ArtefactApi.get_list",
            "ArtefactApi.export",
        ),
        _parents,
    ),
    "document versions": Case(("ArtefactView.download_file", "ArtefactApi.get_file"), _versions),
    # the children sections of the generic show page (ArtefactView.show, listed above)
    "children sections": Case((), _children),
    "pickers": Case(
        ("ArtefactApi.info", "ArtefactView.add", "ArtefactView.edit", "ArtefactView.picker"),
        _pickers,
    ),
    "« Mes tâches »": Case(("MyTasksView.index", "VigieIndexView.index"), _tasks),
    "notifications": Case(("MyNotificationsView.list", "MyNotificationsView.open"), _notifications),
    "collection health": Case(("CollectionHealthView.overview",), _health),
    "entry sheet and imports": Case(
        (
            "MeasurementEntryView.sheet",
            "MeasurementImportView.template",
            "MeasurementImportView.upload",
        ),
        _entry,
    ),
    "service annual report": Case((), _service_report, people=False),
    "review pack (strategy chapters)": Case((), _review_pack),
}

#: Routes Vigie adds that gather nothing out of their reader's scope, and why.
EXEMPT: dict[str, str] = {
    "vigie_accessibility.statement": "a fixed text, no record (test_page_structure)",
    # one record's own paths: test_scope_matrix reads them for every artefact, own and other
    "ArtefactApi.history": "a record's own history (test_scope_matrix)",
    "ArtefactApi.transitions": "a record's own workflow (test_scope_matrix, workflow tests)",
    "ArtefactApi.transition": "write",
    "ArtefactApi.latest_report": "a record's own report, readable as the record (test_jobs)",
    "ArtefactView.restore": "write",
    "ArtefactView.delete": "write",
    "ArtefactView.transition": "write",
    "ArtefactView.delete_filter": "write (the person's own saved filter: test_lists)",
    "ArtefactView.download": "refused for everyone",
    "ArtefactView.action": "refused for everyone",
    "ArtefactView.action_post": "refused for everyone",
    "ArtefactApi.post": "write",
    "ArtefactApi.put": "write",
    "ArtefactApi.delete": "write",
    "ArtefactApi.restore": "write",
    "ArtefactApi.put_file": "write",
    "ArtefactApi.request_report": "write (queues a report built as the asker: test_jobs)",
    # jobs: their visibility rule has its own tests (test_jobs, test_report_documents)
    "JobApi.get_job": "jobs: own jobs (test_jobs)",
    "JobApi.get_job_file": "jobs: own jobs (test_jobs)",
    "JobApi.get_list": "jobs: own jobs (test_jobs)",
    "JobApi.rerun": "write",
    "JobsView.list": "jobs: own jobs (test_jobs)",
    "JobsView.status": "jobs: own jobs (test_jobs)",
    "JobsView.download": "jobs: own jobs (test_jobs)",
    "JobsView.rerun": "write",
    "JobsView.ask": "write",
    # only roles reaching every service open them
    "ReviewMeetingView.meeting": "officials and the general direction (all services)",
    "ReviewMeetingView.decide": "write",
    "DashboardsView.editor": "the quality cell edits dashboards (all services)",
    "DashboardsView.add_widget": "write",
    "DashboardsView.move_widget": "write",
    "DashboardsView.remove_widget": "write",
    "ApplicationAccountsView.list": "administrators only",
    "ApplicationAccountsView.issue": "write",
    "ApplicationAccountsView.revoke": "write",
    "MailQueueView.list": "administrators only",
    "MailQueueView.resend_one": "write",
    "MailQueueView.resend_all": "write",
    "MyNotificationsView.read_all": "write",
    "MeasurementImportView.confirm": "write",
    "MeasurementBatchApi.batch": "write",
    "ReportingPeriodLockApi.lock": "write",
    "ReportingPeriodLockApi.unlock": "write",
    "ReportingPeriodLockView.lock": "write",
    "ReportingPeriodLockView.unlock": "write",
    # no record at all
    "LiveView.version": "a timestamp: the whole town's values move the shared scores",
    "vigie_health.live": "the process answers: no record (test_health_endpoints)",
    "vigie_health.ready": "the state of the database, Redis, workers and disk: no record",
}


def _vigie_endpoints(app: Flask) -> set[str]:
    """Every endpoint of a view or API Vigie defines (Flask-AppBuilder's own security
    screens left out), generated artefact views named by their base class."""
    from app.api.base import ArtefactApi
    from views.crud import ArtefactView

    names: set[str] = set()
    for view in app.appbuilder.baseviews:  # type: ignore[attr-defined]
        module = type(view).__module__
        if not module.startswith(("views.", "app.api.", "reports.")):
            continue
        label = type(view).__name__
        if isinstance(view, ArtefactView):
            label = "ArtefactView"
        elif isinstance(view, ArtefactApi):
            label = "ArtefactApi"
        prefix = f"{type(view).__name__}."
        for rule in app.url_map.iter_rules():
            if rule.endpoint.startswith(prefix):
                names.add(f"{label}.{rule.endpoint[len(prefix) :]}")
    names |= {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("vigie_")}
    return names


def test_every_route_has_a_case(app: Flask) -> None:
    """A route Vigie adds is a derived view with a case, or exempt with a reason."""
    covered = {endpoint for case in CASES.values() for endpoint in case.endpoints}
    routes = _vigie_endpoints(app)
    missing = routes - covered - set(EXEMPT)
    assert not missing, f"derived views without a case in test_derived_scope: {sorted(missing)}"
    stale = (covered | set(EXEMPT)) - routes
    assert not stale, f"cases naming no route: {sorted(stale)}"


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_service_head_sees_nothing_of_another_service(
    app: Flask, world: World, client: FlaskClient, town: Town, name: str
) -> None:
    login(client, world.users[HEAD])
    headers = token(client, world.users[HEAD])
    texts = CASES[name].read(client, headers, town, app)
    assert texts
    for number, text in enumerate(texts):
        shown = page_text_of(text)
        found = leaks(shown, CASES[name].people)
        at = min((shown.find(w) for w in found if w in shown), default=0)
        assert not found, (name, number, found, shown[max(at - 300, 0) : at + 100])


def page_text_of(text: str) -> str:
    """An HTML page's visible text (scripts and tags out); other texts as they are."""
    if "<html" not in text[:500].lower():
        return text

    class _Response:
        def get_data(self, as_text: bool = True) -> str:
            return text

    return page_text(_Response())


def test_the_matrix_can_fail(app: Flask, world: World, client: FlaskClient, town: Town) -> None:
    """The quality cell reaches S3: the same reads show the secret (the checks see it)."""
    login(client, world.users["quality"])
    headers = token(client, world.users["quality"])
    response = client.get(f"/api/v1/strategy_map/{town.ids['programme']}", headers=headers)
    assert "4242.5" in leaks(response.get_data(as_text=True))
    show = client.get(f"/strategic_objective/show/{town.ids['strategic']}")
    assert SECRET in leaks(page_text(show))
    # children sections: S3's draft version, S3's finding and S3's action on S1's finding
    for path in (
        f"/document/show/{town.ids['published']}",
        f"/audit/show/{town.ids['audit']}",
        f"/finding/show/{town.ids['own_finding']}",
    ):
        assert SECRET in leaks(page_text(client.get(path))), path


def test_scores_are_the_whole_towns_for_every_reader(
    app: Flask, world: World, client: FlaskClient, town: Town
) -> None:
    """A hidden child still counts in its parent's score: the head and the quality cell read
    the same score on the strategic objective."""
    url = f"/api/v1/strategy_map/{town.ids['programme']}"

    def score(user: str) -> Any:
        tree = client.get(url, headers=token(client, world.users[user])).json["programme"]
        for axis in tree["children"]:
            for objective in axis["children"]:
                if objective.get("id") == town.ids["strategic"]:
                    return objective["score"], objective["coverage"]
        raise AssertionError("strategic objective not on the map")

    assert score(HEAD) == score("quality")


# -------------------------------------------------------------------- document versions
@pytest.mark.parametrize(
    ("reader", "reads_draft"),
    [
        ("service_head", False),
        ("agent", False),
        ("executive", False),  # a global role, but neither the service nor the quality cell
        ("head_s3", True),  # the document's service
        ("quality", True),
    ],
)
def test_drafts_stay_with_their_service_the_published_version_is_shared(
    app: Flask, world: World, client: FlaskClient, town: Town, reader: str, reads_draft: bool
) -> None:
    headers = token(client, world.users[reader])
    draft = client.get(f"/api/v1/document_version/{town.ids['draft']}", headers=headers)
    released = client.get(f"/api/v1/document_version/{town.ids['released']}", headers=headers)
    assert released.status_code == 200
    assert draft.status_code == (200 if reads_draft else 404)


def test_the_approver_reads_the_draft_they_approve(
    app: Flask, world: World, client: FlaskClient
) -> None:
    """An approver from another service opens the document and its draft version."""
    with app.app_context():
        approver = user_id(app, world.users[HEAD])
        document = new(
            "document",
            {
                "code": unique("APR"),
                "title": unique("À approuver "),
                "service": world.services["S3"],
                "approver": approver,
            },
        )
        version = new("document_version", {"document": document.id, "number": 1, "text": "Projet"})
        ids = (document.id, version.id)
    headers = token(client, world.users[HEAD])
    assert client.get(f"/api/v1/document/{ids[0]}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/document_version/{ids[1]}", headers=headers).status_code == 200
    other = token(client, world.users["agent"])
    assert client.get(f"/api/v1/document_version/{ids[1]}", headers=other).status_code == 404


# --------------------------------------------------------------------------------- people
def test_a_head_cannot_name_another_services_person(
    app: Flask, world: World, client: FlaskClient
) -> None:
    """The picker's rule holds on writes: S3's head as pilot of an S1 process is refused;
    the quality cell may name them; a person already named may be kept."""
    s3_head = user_id(app, world.users["head_s3"])
    payload = {
        "code": unique("PRP"),
        "name": "Processus piloté",
        "service": world.services["S1"],
        "pilot": s3_head,
    }
    headers = token(client, world.users[HEAD])
    refused = client.post("/api/v1/process/", json=payload, headers=headers)
    assert refused.status_code == 422, refused.json
    assert refused.json["errors"][0]["field"] == "pilot"
    made = client.post("/api/v1/process/", json=payload, headers=token(client, "t_quality"))
    assert made.status_code == 201, made.json
    kept = client.put(
        f"/api/v1/process/{made.json['id']}",
        json={"name": "Renommé", "pilot": s3_head, "version": made.json["result"]["version"]},
        headers=headers,
    )
    assert kept.status_code == 200, kept.json
