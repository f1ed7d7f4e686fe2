"""The action plan's export on the large town, against what the database and openpyxl alone
take for the same rows.

* CSV: ``GET /action/export/csv`` as the quality cell (every service, the list's default
  order, the stream read to its end) against ``COPY (SELECT …) TO STDOUT`` of the same
  columns — the related records' names joined, the same order — on a raw connection. Aim:
  ≤ 3×.
* XLSX: the background export's build (``app.exports.job.build``: the list read in chunks,
  written by openpyxl's write-only mode to a temporary file) against openpyxl's write-only
  mode writing the very same rows already in memory. Aim: ≤ 3×.
* Memory: the process's resident memory (``VmRSS``) before and after both exports. Aim:
  growth < 50 MiB (the record-by-record export kept +420 MiB per worker).
"""

from __future__ import annotations

import os
import tempfile
import time
from typing import Any

from flask import Flask
from openpyxl import Workbook
from sqlalchemy import String, cast, func, literal, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import aliased

from app import registry
from app.exports import ListSpec
from app.exports import job as export_job
from app.exports.cells import sheet_cell
from app.exports.reader import RowReader
from app.extensions import db
from app.jobs.documents import no_progress
from app.models import VigieUser
from app.security.actor import Actor
from bench.common import Result, section
from demo.people import DemoAccount

QUALITY = "qualite"


def vm_rss_mib() -> float:
    """This process's resident memory now (``/proc/self/status``), in MiB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _copy_sql() -> str:
    """``SELECT`` of the action export's columns, names of related records joined, in the
    list's default order, compiled for PostgreSQL (``COPY`` takes no bind parameters)."""
    artefact = registry.get("action")
    action: Any = artefact.model
    models: dict[str, Any] = {name: artefact.related_model(name) for name in artefact.relationships}
    service = aliased(models["service"])
    owner, checker = aliased(VigieUser), aliased(VigieUser)
    finding, risk = aliased(models["finding"]), aliased(models["risk"])
    review, revision = aliased(models["management_review"]), aliased(models["revision"])
    survey = aliased(models["survey"])

    def person(user: Any) -> Any:
        return func.trim(user.first_name + literal(" ") + user.last_name)

    columns = [
        action.id,
        action.code,
        action.title,
        action.description,
        action.origin,
        action.kind,
        service.code + literal(" — ") + service.name,
        person(owner),
        action.opened_on,
        action.due_date,
        action.progress,
        action.state,
        action.late,
        action.completed_on,
        action.days_to_close,
        action.effectiveness,
        person(checker),
        action.effectiveness_checked_at,
        finding.kind
        + literal(" · ")
        + func.coalesce(finding.clause, "")
        + literal(" ")
        + func.left(finding.description, 60),
        risk.title,
        review.title,
        cast(revision.year, String) + literal(" · ") + revision.title,
        survey.title,
        action.version,
        action.archived,
        action.created_at,
        action.updated_at,
    ]
    stmt = (
        select(*columns)
        .outerjoin(service, service.id == action.service_id)
        .outerjoin(owner, owner.id == action.owner_id)
        .outerjoin(checker, checker.id == action.effectiveness_checked_by_id)
        .outerjoin(finding, finding.id == action.finding_id)
        .outerjoin(risk, risk.id == action.risk_id)
        .outerjoin(review, review.id == action.management_review_id)
        .outerjoin(revision, revision.id == action.revision_id)
        .outerjoin(survey, survey.id == action.survey_id)
        .where(action.archived.is_(False))
        .order_by(*artefact.default_order())
    )
    compiled = stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
    return str(compiled)


def _copy_out(sql: str) -> int:
    """The rows as CSV from PostgreSQL itself; returns the bytes received."""
    raw = db.engine.raw_connection()
    try:
        cursor: Any = raw.cursor()
        received = 0
        with cursor.copy(
            f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, DELIMITER ';', HEADER)"
        ) as copy:
            for data in copy:
                received += len(data)
        raw.rollback()
        return received
    finally:
        raw.close()


def _best(run: Any, repeat: int = 3) -> tuple[float, Any]:
    """The fastest of ``repeat`` runs (the machine is shared) and the last run's result."""
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = run()
        best = min(best, time.perf_counter() - start)
    return best, out


def run(app: Flask) -> list[Result]:
    """Measure the three ratios (see the module docstring) and print them."""
    results: list[Result] = []
    with section("Export du plan d'actions (grande ville)"), app.app_context():
        user = db.session.scalar(select(VigieUser).where(VigieUser.username == QUALITY))
        if user is None:
            print("   pas de cellule qualité : chargez la ville de démonstration")
            return results
        client = app.test_client()
        account = DemoAccount(QUALITY, "quality", "", "")
        answer = client.post("/login/", data={"username": QUALITY, "password": account.password})
        if answer.status_code != 302:
            print("   connexion de la cellule qualité impossible : export non mesuré")
            return results
        actor = Actor.for_user(user)
        artefact = registry.get("action")
        params = {"artefact": "action", "format": "xlsx", "list": ListSpec().params()}
        sql = _copy_sql()
        db.session.remove()

        rss_before = vm_rss_mib()

        def app_csv() -> int:
            response = client.get("/action/export/csv", buffered=False)
            size = sum(len(piece) for piece in response.response)
            response.close()
            return size

        def app_xlsx() -> int:
            produced = export_job.build(params, actor, no_progress)
            size = os.path.getsize(produced.path)
            os.unlink(produced.path)
            db.session.remove()
            return size

        t_csv, csv_size = _best(app_csv)
        t_xlsx, xlsx_size = _best(app_xlsx, 2)
        rss_after = vm_rss_mib()
        t_copy, copy_size = _best(lambda: _copy_out(sql), 5)

        # the same rows, already in memory, written by openpyxl's write-only mode alone
        rows = [
            row
            for chunk in RowReader(artefact, actor).chunks(ListSpec().query(artefact, actor))
            for row in chunk
        ]
        db.session.remove()

        def openpyxl_alone() -> None:
            workbook = Workbook(write_only=True)
            sheet = workbook.create_sheet(title="Plan d'actions")
            for row in rows:
                sheet.append([sheet_cell(sheet, v) for v in row])
            with tempfile.NamedTemporaryFile(suffix=".xlsx") as out:
                workbook.save(out.name)

        t_openpyxl, _ = _best(openpyxl_alone, 2)
        growth = rss_after - rss_before
        print(f"   {len(rows)} actions exportées (cellule qualité, tous services)")
        print(
            f"   CSV Vigie (flux HTTP lu jusqu'au bout) : {t_csv:6.2f} s ({csv_size // 1024} Kio)"
        )
        print(
            f"   COPY (SELECT …) TO STDOUT             : {t_copy:6.2f} s ({copy_size // 1024} Kio)"
        )
        print(
            f"   XLSX Vigie (travail d'export)          : {t_xlsx:6.2f} s ({xlsx_size // 1024} Kio)"
        )
        print(f"   openpyxl seul, lignes en mémoire       : {t_openpyxl:6.2f} s")
        print(
            f"   mémoire (VmRSS) : {rss_before:.0f} → {rss_after:.0f} Mio, "
            f"+{growth:.1f} Mio pendant les exports"
        )
        results = [
            Result(
                "export CSV / COPY TO STDOUT",
                f"{t_csv:.2f} s",
                f"{t_copy:.2f} s",
                t_csv / t_copy,
                3.0,
                higher_is_better=False,
            ),
            Result(
                "export XLSX / openpyxl write-only seul",
                f"{t_xlsx:.2f} s",
                f"{t_openpyxl:.2f} s",
                t_xlsx / t_openpyxl,
                3.0,
                higher_is_better=False,
            ),
            Result(
                "export : croissance mémoire / 50 Mio",
                f"+{growth:.1f} Mio",
                "50 Mio",
                growth / 50.0,
                1.0,
                higher_is_better=False,
            ),
        ]
        for result in results:
            print(result.line())
    return results


if __name__ == "__main__":  # python -m bench.exports: on an existing bench database
    from bench.common import bench_url, make_app

    run(make_app(bench_url()))
