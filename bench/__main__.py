"""``python -m bench``: build the large demo town on PostgreSQL, then run every benchmark.

``make bench`` starts a throwaway PostgreSQL and calls this. Set ``VIGIE_BENCH_REUSE=1`` to
keep an existing benchmark database (skips the large demo build).
"""

from __future__ import annotations

import os
import platform
import time

from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from app.security.sync import sync_roles
from bench import batch_push, review_pack, strategy_map
from bench.common import BENCH_DB, bench_url, make_app, section, server_url
from demo import load_demo


def _fresh_database() -> None:
    engine = create_engine(server_url(), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {BENCH_DB}"))
        conn.execute(text(f"CREATE DATABASE {BENCH_DB}"))
    engine.dispose()


def main() -> None:
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
    strategy_map.run(app)
    batch_push.run(app)
    review_pack.run()


if __name__ == "__main__":
    main()
