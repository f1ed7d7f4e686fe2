"""The strategy map of the large town against the fastest hand-written SQL it cannot beat.

Baseline: one PostgreSQL query returning the latest value of every indicator (a LATERAL
subquery served by the unique (indicator_id, period) index), which any map must at least read.
Measured: the whole roll-up (tree, links, latest values, targets, due dates, scores), always
computed from the current rows — no cache, so never a stale status. Aim: ≤ 5× the baseline.

Then the *Carte stratégique* page as an official gets it (HTTP through the app, SVG, matrix,
template) against the time of its SQL alone: the very statements the page sent, replayed with
their parameters on a raw connection. The ratio is what Python adds on top of the database.
"""

from __future__ import annotations

import time

from flask import Flask
from sqlalchemy import event, select, text

from app.extensions import db
from app.indicators.rollup import strategy_map
from app.models import Programme
from bench.common import Result, median_time, peak_rss_mib, section
from demo.people import DemoAccount

LATEST_SQL = text(
    """
    SELECT i.id, m.period, m.value
    FROM indicator i
    CROSS JOIN LATERAL (
        SELECT period, value FROM measurement
        WHERE indicator_id = i.id AND NOT archived
        ORDER BY period DESC LIMIT 1
    ) m
    WHERE NOT i.archived
    """
)


def run(app: Flask) -> list[Result]:
    with section("Carte stratégique de la grande ville"), app.app_context():
        programme_id = db.session.scalar(select(Programme.id).order_by(Programme.id))
        if programme_id is None:
            print("   aucun programme : chargez la ville de démonstration")
            return []
        rows = len(db.session.execute(LATEST_SQL).all())

        def baseline() -> None:
            db.session.execute(LATEST_SQL).all()

        def full_map() -> None:
            db.session.expire_all()
            strategy_map(programme_id)

        baseline()
        full_map()
        t_sql = median_time(baseline, 5)
        t_map = median_time(full_map, 5)
        start = time.perf_counter()
        result = strategy_map(programme_id)
        nodes = sum(1 for _ in _walk(result.programme)) if result else 0
        print(
            f"   dernière valeur par indicateur (SQL LATERAL) : {t_sql * 1000:7.1f} ms "
            f"({rows} indicateurs)"
        )
        print(f"   carte complète (roll-up, {nodes} nœuds)       : {t_map * 1000:7.1f} ms")
        print(
            f"   mémoire maximale du processus : {peak_rss_mib():.0f} Mio "
            f"(dernier calcul {time.perf_counter() - start:.2f} s)"
        )
        results = [
            Result(
                "carte : roll-up / SQL LATERAL",
                f"{t_map * 1000:.0f} ms",
                f"{t_sql * 1000:.0f} ms",
                t_map / t_sql,
                5.0,
                False,
            )
        ]
        page = _page(app, programme_id)
        if page:
            results.append(
                Result(
                    "page carte / ses requêtes rejouées",
                    f"{page['page'] * 1000:.0f} ms",
                    f"{page['page_sql'] * 1000:.0f} ms",
                    page["page"] / page["page_sql"],
                    2.0,
                    False,
                )
            )
        for measure in results:
            print(measure.line())
        return results


def _page(app: Flask, programme_id: int) -> dict[str, float]:
    """Render time of the map page vs its SQL replayed alone."""
    client = app.test_client()
    account = DemoAccount("elu", "official", "", "")
    answer = client.post("/login/", data={"username": "elu", "password": account.password})
    if answer.status_code != 302:
        print("   connexion de l'élu impossible : page non mesurée")
        return {}
    url = f"/strategy_map/{programme_id}"
    client.get(url)  # warm-up: first-request caches
    captured: list[tuple[str, object]] = []

    def capture(
        _conn: object, _cursor: object, statement: str, parameters: object, *_args: object
    ) -> None:
        captured.append((statement, parameters))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        response = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    size = len(response.data)

    def render_page() -> None:
        assert client.get(url).status_code == 200

    def replay_sql() -> None:
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            for statement, parameters in captured:
                cursor.execute(statement, parameters)
                if cursor.description is not None:
                    cursor.fetchall()
            raw.rollback()
        finally:
            raw.close()

    t_page = median_time(render_page, 5)
    t_sql = median_time(replay_sql, 5)
    print(
        f"   page « Carte stratégique » (élu, {len(captured)} requêtes, {size // 1024} Kio) : "
        f"{t_page * 1000:7.1f} ms"
    )
    print(f"   ses requêtes SQL seules, rejouées               : {t_sql * 1000:7.1f} ms")
    return {"page": t_page, "page_sql": t_sql}


def _walk(node):  # type: ignore[no-untyped-def]
    yield node
    for child in node.children:
        yield from _walk(child)
