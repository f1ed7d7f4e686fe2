"""``python -m bench``: build the large demo town on PostgreSQL, then run every benchmark.

``make bench`` starts a throwaway PostgreSQL and Redis and calls this. Every measure is a
ratio against a baseline taken in the same run (:class:`bench.common.Result`), and the run
ends with a one-screen summary: each line's ratio, its aim and PASS/FAIL.

Options: ``--runs N`` repeats the benchmarks N times (the summary shows every run's ratio,
to show the spread; default 1); ``--only a,b`` runs some modules (``map``, ``push``,
``exports``, ``pages``, ``pack``, ``load``). ``VIGIE_BENCH_REUSE=1`` keeps an existing
benchmark database (skips the large demo build).
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from app.security.sync import sync_roles
from bench import batch_push, exports, mixed_load, pages, review_pack, strategy_map
from bench.common import BENCH_DB, Result, bench_url, make_app, section, server_url
from demo import load_demo

#: The modules in the order they run: the mixed load last (it leaves the most rows behind).
MODULES: dict[str, Callable[[Flask], list[Result]]] = {
    "map": strategy_map.run,
    "push": batch_push.run,
    "exports": exports.run,
    "pages": pages.run,
    "pack": review_pack.run,
    "load": mixed_load.run,
}


def _fresh_database() -> None:
    engine = create_engine(server_url(), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {BENCH_DB}"))
        conn.execute(text(f"CREATE DATABASE {BENCH_DB}"))
    engine.dispose()


def _summary(runs: list[list[Result]]) -> None:
    """One line per measure: the ratio of every run, the aim, PASS only if every run met it."""
    print("\n== Résumé (ratios mesurés contre une référence prise dans le même passage)")
    names: list[str] = []
    by_name: dict[str, list[Result]] = {}
    for results in runs:
        for result in results:
            if result.name not in by_name:
                names.append(result.name)
            by_name.setdefault(result.name, []).append(result)
    width = max((len(name) for name in names), default=10)
    heads = " ".join(f"{'passage ' + str(n + 1):>10}" for n in range(len(runs)))
    print(f"   {'mesure':<{width}} {heads} {'objectif':>9}  verdict")
    failed = 0
    for name in names:
        results = by_name[name]
        ratios = " ".join(f"{r.ratio:>10.2f}" for r in results)
        ratios += " " * 11 * (len(runs) - len(results))
        passed = all(r.passed for r in results)
        failed += not passed
        aim = results[0].aim_text
        print(f"   {name:<{width}} {ratios} {aim:>9}  {'PASS' if passed else 'FAIL'}")
    print(f"   {len(names) - failed} objectif(s) atteint(s) sur {len(names)}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--only", default=",".join(MODULES))
    options = parser.parse_args()
    chosen = [name.strip() for name in options.only.split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(MODULES))
    if unknown:
        parser.error(f"modules inconnus : {', '.join(unknown)} (parmi {', '.join(MODULES)})")
    print(
        f"Machine : {platform.node()} · {os.cpu_count()} cœurs · Python "
        f"{platform.python_version()} · {platform.platform()}"
    )
    url = bench_url()
    app = make_app(url)
    reuse = os.environ.get("VIGIE_BENCH_REUSE") == "1"
    if not reuse and not os.environ.get("VIGIE_BENCH_DATABASE_URL"):
        _fresh_database()
    with app.app_context():
        upgrade(directory=str(app.extensions["migrate"].directory))
        sync_roles(app.appbuilder)  # type: ignore[attr-defined]
        if not reuse:
            with section("Ville de démonstration, grande échelle (PostgreSQL)"):
                start = time.perf_counter()
                summary = load_demo(scale="large")
                print(f"   construite en {time.perf_counter() - start:.1f} s : {summary}")
    runs: list[list[Result]] = []
    for n in range(options.runs):
        if options.runs > 1:
            print(f"\n######## passage {n + 1} sur {options.runs}")
        results: list[Result] = []
        for name in chosen:
            results.extend(MODULES[name](app))
        runs.append(results)
    _summary(runs)


if __name__ == "__main__":
    main()
