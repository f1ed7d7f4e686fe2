"""The strategy map of the large town against the fastest hand-written SQL it cannot beat.

Baseline: one PostgreSQL query returning the latest value of every indicator (a LATERAL
subquery served by the unique (indicator_id, period) index), which any map must at least read.
Measured: the whole roll-up (tree, links, latest values, targets, due dates, scores), always
computed from the current rows — no cache, so never a stale status. Aim: ≤ 5× the baseline.

The *Carte stratégique* page against its own SQL replayed is measured with every other page
in :mod:`bench.pages`.
"""

from __future__ import annotations

import time

from flask import Flask
from sqlalchemy import select, text

from app.extensions import db
from app.indicators.rollup import strategy_map
from app.models import Programme
from bench.common import Result, median_time, peak_rss_mib, section

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
        for measure in results:
            print(measure.line())
        return results


def _walk(node):  # type: ignore[no-untyped-def]
    yield node
    for child in node.children:
        yield from _walk(child)
