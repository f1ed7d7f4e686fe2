"""Exports at town scale: read set-based in chunks, CSV streamed, large workbooks in a job.

What users rely on: the streamed CSV is the file the record-by-record export wrote (same
rows, order, labels, « contenu réservé », French formats); an export never holds its rows as
records (it reads the list in chunks, so a 51,000-row action plan costs no more memory than
a page); an XLSX of more rows than ``VIGIE_EXPORT_JOB_THRESHOLD`` is built by a real worker
as the person who asked — their scope, their filters — with every row, offered in « Mes
travaux » after a French message, and nobody else downloads it.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_login import login_user
from openpyxl import load_workbook
from sqlalchemy import event

from app import registry
from app.commands.records import create_record
from app.exports import csv_text, reader, rows_for
from app.extensions import db
from app.models.organisation import VigieUser
from app.reading import scoped_select
from app.registry import all_artefacts
from app.security.actor import Actor
from tests.conftest import World, login, token, unique
from tests.factories import build_sample
from tests.test_jobs import Workers, needs_redis, wait_for
from tests.test_jobs import workers as workers

#: Rows of the test's own service S1 and of S3 (out of an S1 agent's reach).
IN_S1 = 27
IN_S3 = 6
THRESHOLD = 20


@dataclass(frozen=True)
class Plan:
    prefix: str
    s1_titles: frozenset[str]
    s3_titles: frozenset[str]


@pytest.fixture(scope="module")
def plan(app: Flask, world: World) -> Plan:
    """Actions of S1 and S3 under one title prefix; some S1 ones point to an S3 risk (named
    « contenu réservé » for an S1 reader), with formula-like titles, dates and progress."""
    prefix = unique("EXP-STREAM-")
    system = Actor.system_actor()
    with app.app_context():
        hidden_risk = create_record(
            registry.get("risk"),
            {"service": world.services["S3"], "title": unique("Risque S3 "), "likelihood": 2},
            system,
        ).id
        titles: dict[str, set[str]] = {"S1": set(), "S3": set()}
        for service, count in (("S1", IN_S1), ("S3", IN_S3)):
            for n in range(count):
                title = f"{prefix} {service} {n:03d}" + (" =SOMME(A1)" if n % 7 == 0 else "")
                values: dict[str, Any] = {
                    "code": unique("ACT-"),
                    "title": title,
                    "service": world.services[service],
                    "progress": (n * 13) % 101,
                    "due_date": (date.today() + timedelta(days=n - 10)).isoformat(),
                }
                if service == "S1" and n % 3 == 0:
                    values["risk"] = hidden_risk
                create_record(registry.get("action"), values, system)
                titles[service].add(title)
    return Plan(prefix, frozenset(titles["S1"]), frozenset(titles["S3"]))


def _old_csv(app: Flask, world: World, role: str, prefix: str | None, code: str = "action") -> str:
    """The CSV as the record-by-record export wrote it (ORM records of the list, in the list's
    default order, through :func:`rows_for`), for the person of ``role``."""
    artefact = registry.get(code)
    model: Any = artefact.model
    with app.test_request_context("/"):
        user = db.session.scalar(
            db.select(VigieUser).where(VigieUser.username == world.users[role])
        )
        login_user(user)
        actor = Actor.current()
        stmt = scoped_select(artefact, actor, include_archived=False)
        if prefix is not None:
            stmt = stmt.where(model.title.startswith(prefix))
        stmt = stmt.order_by(*artefact.default_order())
        records = list(db.session.scalars(stmt))
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        for row in rows_for(artefact, records):
            writer.writerow([csv_text(v) for v in row])
        return buffer.getvalue()


@pytest.mark.parametrize("role", ["agent", "quality"])
def test_the_streamed_csv_is_the_record_by_record_file(
    app: Flask, client: FlaskClient, world: World, plan: Plan, role: str
) -> None:
    login(client, world.users[role])
    response = client.get(f"/action/export/csv?_flt_0_title={plan.prefix}")
    assert response.status_code == 200
    assert response.is_streamed  # sent as it is read, not built whole first
    body = response.get_data(as_text=True)
    assert body == _old_csv(app, world, role, plan.prefix)
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    titles = {r["Intitulé"] for r in rows}
    if role == "agent":  # their service only; the S3 risk is named « contenu réservé »
        assert titles == {f"'{t}" if t.startswith("=") else t for t in plan.s1_titles}
        assert {r["Risque d'origine"] for r in rows} == {"", "Contenu réservé"}
    else:
        assert len(rows) == IN_S1 + IN_S3
        assert "Contenu réservé" not in {r["Risque d'origine"] for r in rows}


@pytest.mark.parametrize("role", ["agent", "quality"])
def test_every_list_streams_the_record_by_record_file(
    app: Flask, client: FlaskClient, world: World, plan: Plan, role: str
) -> None:
    """Every artefact's list: collections (an audit's services, processes, auditors; a
    process's interfaces, one of another service: « contenu réservé » for an agent), values
    computed in Python only (an application's health), closed lists, yes/no, timestamps."""
    build_sample(app, world)
    with app.app_context():
        create_record(
            registry.get("source_application"),
            {
                "code": unique("APP-"),
                "name": unique("Logiciel "),
                "owner_service": world.services["S1"],
            },
            Actor.system_actor(),
        )
    login(client, world.users[role])
    compared = 0
    for artefact in all_artefacts():
        with app.test_request_context("/"):
            user = db.session.scalar(
                db.select(VigieUser).where(VigieUser.username == world.users[role])
            )
            if not Actor.for_user(user).may_read(artefact):
                continue
        response = client.get(f"/{artefact.code_name}/export/csv")
        assert response.status_code == 200, artefact.code_name
        expected = _old_csv(app, world, role, None, artefact.code_name)
        assert response.get_data(as_text=True) == expected, artefact.code_name
        compared += 1
    assert compared >= 15


@pytest.fixture()
def statements(app: Flask) -> Iterator[list[tuple[str, int]]]:
    """Each SQL statement sent, with the number of action records the session then held."""
    seen: list[tuple[str, int]] = []
    action = registry.get("action").model

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        held = sum(1 for key in db.session.identity_map if key[0] is action)
        seen.append((statement, held))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    yield seen
    event.remove(engine, "before_cursor_execute", before)


def test_an_export_reads_its_rows_in_chunks_and_holds_no_records(
    client: FlaskClient,
    world: World,
    plan: Plan,
    statements: list[tuple[str, int]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Chunks of 10 rows: the CSV leaves in one piece per chunk, and no action is ever loaded
    as a record (the old export held every row's record, and every related record, until the
    file was built)."""
    monkeypatch.setattr(reader, "CHUNK", 10)
    login(client, world.users["quality"])
    response = client.get(f"/action/export/csv?_flt_0_title={plan.prefix}", buffered=False)
    pieces = iter(response.response)
    head = next(pieces)
    assert head.decode().startswith("\ufeffN°;")
    first = next(pieces)
    rest = list(pieces)
    response.close()
    total = IN_S1 + IN_S3
    chunks = [first, *rest]
    assert len(chunks) == math.ceil(total / 10)
    assert [piece.decode().count("\r\n") for piece in chunks] == [10, 10, 10, total - 30]
    assert statements and max(held for _s, held in statements) == 0
    assert any(statement.lstrip().upper().startswith("SELECT") for statement, _h in statements)


def test_a_workbook_below_the_threshold_is_sent_at_once(
    app: Flask, client: FlaskClient, world: World, plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "VIGIE_EXPORT_JOB_THRESHOLD", IN_S1)
    login(client, world.users["agent"])
    response = client.get(f"/action/export/xlsx?_flt_0_title={plan.prefix}")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + IN_S1


def _workbook_titles(data: bytes) -> list[str]:
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    column = rows[0].index("Intitulé")
    return [str(row[column]) for row in rows[1:]]


@needs_redis
def test_a_large_workbook_is_a_job_with_every_row_of_the_askers_scope(
    app: Flask,
    client: FlaskClient,
    world: World,
    plan: Plan,
    workers: Workers,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(app.config, "VIGIE_EXPORT_JOB_THRESHOLD", THRESHOLD)
    login(client, world.users["agent"])
    asked = client.get(f"/action/export/xlsx?_flt_0_title={plan.prefix}")
    assert asked.status_code == 303 and asked.headers["Location"].endswith("/jobs/")
    page = client.get(asked.headers["Location"]).get_data(as_text=True)
    assert "préparé en arrière-plan" in page and "Mes travaux" in page
    # the same list through the API, by the quality cell (every service): a job too
    quality = token(client, world.users["quality"])
    client.delete_cookie("session")  # the API call is the quality cell's alone
    api = client.get(
        "/api/v1/action/export?format=xlsx&q=(filters:!((col:title,opr:sw,value:'"
        f"{plan.prefix}')))",
        headers=quality,
    )
    assert api.status_code == 202, api.get_json()
    from app.models.jobs import Job

    with app.app_context():
        agent_job = db.session.scalars(
            db.select(Job).where(Job.kind == "list_export").order_by(Job.id.desc())
        ).all()[1]
        agent_job_id = agent_job.id
    workers.start()
    done = wait_for(app, agent_job_id, ("termine", "echec"))
    assert done.state == "termine", done.error
    assert done.title == "Export XLSX : Plan d'actions" and done.result_text == f"{IN_S1} lignes"
    quality_job = wait_for(app, api.get_json()["job_id"], ("termine", "echec"))
    assert quality_job.state == "termine", quality_job.error

    login(client, world.users["agent"])
    mine = client.get(f"/jobs/{agent_job_id}/file")
    assert mine.status_code == 200
    titles = _workbook_titles(mine.data)  # every row of the agent's list, none of S3
    expected = {f"'{t}" if t.startswith("=") else t for t in plan.s1_titles}
    assert len(titles) == IN_S1 and set(titles) == expected
    assert "Export XLSX : Plan d&#39;actions" in client.get("/jobs/").get_data(as_text=True)

    client.delete_cookie("session")
    everything = client.get(f"/api/v1/job/{quality_job.id}/file", headers=quality)
    assert everything.status_code == 200
    assert len(_workbook_titles(everything.data)) == IN_S1 + IN_S3
    # an export is its asker's alone: the quality cell does not see the agent's
    assert client.get(f"/api/v1/job/{agent_job_id}/file", headers=quality).status_code == 404
    login(client, world.users["quality"])
    assert client.get(f"/jobs/{agent_job_id}/file").status_code == 404
