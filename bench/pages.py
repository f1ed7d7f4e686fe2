"""Every page of the quality cell on the large town against the same page on the small one.

What is measured, in the same run, through the Flask test client signed in as ``qualite``
(the median of five reads after a warm-up read, the two towns read in turns):

* **every generated list** (``/<artefact>/list/``) and the hand-written screens — strategy
  map, collection health, « Mes tâches », the dashboards (their index and the first one with
  a table widget), the entry sheet — on the large demo (the benchmark database
  ``python -m bench`` builds) and on the small demo (built once in ``vigie_bench_small``, as
  :mod:`bench.review_pack` does); the ratio large / small of each, aim ≤ 1.5: a page costs
  what its page of rows costs, not what the town holds;
* **the map page against its own SQL**: the statements it sent (captured with a
  ``before_cursor_execute`` listener), replayed with their parameters on a raw connection;
  aim ≤ 2 (what Python adds on top of the database).

``python -m bench.pages`` (needs ``VIGIE_TEST_PG_URL``; the large database must exist:
``python -m bench`` builds it, or set ``VIGIE_BENCH_DATABASE_URL``). ``--explain PATH``
prints the PostgreSQL plan of the slowest statement a page sends (is its order indexed?).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from app.extensions import db
from app.models import Dashboard, DashboardWidget, Programme
from app.registry import all_artefacts
from bench.common import Result, bench_url, make_app, prepare_small, section, small_url
from demo.people import DemoAccount

#: Reads per page (the median is kept), after one warm-up read.
RUNS = 5
#: Aims: a page on the large town within 1.5× the small town's; the map within 2× its SQL.
GROWTH_AIM = 1.5
MAP_AIM = 2.0
QUALITY = "qualite"


def _client(app: Flask, username: str = QUALITY) -> FlaskClient:
    client = app.test_client()
    account = DemoAccount(username, "", "", "")
    answer = client.post("/login/", data={"username": username, "password": account.password})
    if answer.status_code != 302:
        raise SystemExit(f"connexion de {username} impossible ({answer.status_code})")
    return client


def pages(app: Flask) -> dict[str, str]:
    """Name → path of every page measured, on this town."""
    with app.app_context():
        programme = db.session.scalar(
            select(Programme.id).where(Programme.archived.is_(False)).order_by(Programme.id)
        )
        board = db.session.scalar(
            select(Dashboard.id)
            .join(DashboardWidget, DashboardWidget.dashboard_id == Dashboard.id)
            .where(DashboardWidget.kind == "table")
            .order_by(Dashboard.id)
        )
    found = {f"liste {a.code_name}": f"/{a.code_name}/list/" for a in all_artefacts()}
    found.update(
        {
            "carte stratégique": f"/strategy_map/{programme}",
            "santé de la collecte": "/collection_health/",
            "mes tâches": "/tasks/",
            "tableaux de bord": "/dashboards/",
            "tableau de bord (tableau)": f"/dashboards/{board}",
            "saisie": "/entry/",
        }
    )
    return found


def _median(run: Callable[[], Any]) -> float:
    run()  # warm-up: first-request caches, compiled statements
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _reader(client: FlaskClient, path: str) -> Callable[[], None]:
    def read() -> None:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)

    return read


def paired_times(
    large: Flask, small: Flask, large_paths: dict[str, str], small_paths: dict[str, str]
) -> dict[str, tuple[float, float]]:
    """Median time (seconds) of each page on both towns, as the quality cell reads it.

    The two towns are read in turns, page by page (large, small, large…), so that the load
    of a shared machine weighs on both sides of each ratio alike."""
    clients = (_client(large), _client(small))
    out = {}
    for name in large_paths:
        reads = (_reader(clients[0], large_paths[name]), _reader(clients[1], small_paths[name]))
        for read in reads:
            read()  # warm-up
        times: tuple[list[float], list[float]] = ([], [])
        for _ in range(RUNS):
            for side, read in enumerate(reads):
                start = time.perf_counter()
                read()
                times[side].append(time.perf_counter() - start)
        out[name] = (statistics.median(times[0]), statistics.median(times[1]))
    return out


def captured_statements(app: Flask, path: str) -> list[tuple[str, Any]]:
    """The SQL statements (and parameters) one read of ``path`` sends."""
    client = _client(app)
    client.get(path)
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        captured.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    return captured


def replay_time(app: Flask, statements: list[tuple[str, Any]]) -> float:
    """Median time of the statements alone, replayed on a raw connection."""
    with app.app_context():
        engine = db.engine

    def replay() -> None:
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            for statement, parameters in statements:
                cursor.execute(statement, parameters)
                if cursor.description is not None:
                    cursor.fetchall()
            raw.rollback()
        finally:
            raw.close()

    return _median(replay)


def explain(app: Flask, path: str) -> str:
    """The plan (EXPLAIN ANALYZE) of the slowest statement ``path`` sends."""
    statements = captured_statements(app, path)
    with app.app_context():
        engine = db.engine
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        slowest: tuple[float, str, Any] = (0.0, "", None)
        for statement, parameters in statements:
            start = time.perf_counter()
            cursor.execute(statement, parameters)
            if cursor.description is not None:
                cursor.fetchall()
            spent = time.perf_counter() - start
            if spent > slowest[0]:
                slowest = (spent, statement, parameters)
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest[1], slowest[2])
        plan = "\n".join(row[0] for row in cursor.fetchall())
        raw.rollback()
    finally:
        raw.close()
    return f"{slowest[1]}\n{plan}"


def run(app: Flask, small: Flask | None = None) -> list[Result]:
    """Time every page on the large town (``app``) and the small one; the results."""
    if small is None:
        small = make_app(small_url())
        prepare_small(small)
    results: list[Result] = []
    with section("Pages de la cellule qualité : grande ville / petite ville"):
        large_paths, small_paths = pages(app), pages(small)
        times = paired_times(app, small, large_paths, small_paths)
        for name, (on_large, on_small) in times.items():
            result = Result(
                f"page {name}",
                f"{on_large * 1000:.0f} ms",
                f"{on_small * 1000:.0f} ms",
                on_large / on_small,
                GROWTH_AIM,
                higher_is_better=False,
            )
            print(
                f"   {name:<40} {on_large * 1000:8.1f} ms / {on_small * 1000:7.1f} ms  → "
                f"{result.ratio:5.2f}× {'PASS' if result.passed else 'FAIL'}"
            )
            results.append(result)
    with section("Carte stratégique : la page contre ses requêtes rejouées (grande ville)"):
        path = large_paths["carte stratégique"]
        statements = captured_statements(app, path)
        sql = replay_time(app, statements)
        page = times["carte stratégique"][0]
        result = Result(
            "carte stratégique / ses requêtes",
            f"{page * 1000:.0f} ms",
            f"{sql * 1000:.0f} ms ({len(statements)} requêtes)",
            page / sql,
            MAP_AIM,
            higher_is_better=False,
        )
        print(result.line() + f"  ({page * 1000:.0f} ms / {sql * 1000:.0f} ms)")
        results.append(result)
    failed = [r.name for r in results if not r.passed]
    print(f"   {len(results) - len(failed)} / {len(results)} objectifs atteints")
    return results


def main(argv: list[str]) -> None:
    app = make_app(bench_url())
    if len(argv) > 1 and argv[0] == "--explain":
        for path in argv[1:]:
            print(f"== {path}\n{explain(app, path)}\n")
        return
    run(app)


if __name__ == "__main__":
    main(sys.argv[1:])
