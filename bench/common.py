"""Shared benchmark plumbing: the database, the app, timing and memory measurements."""

from __future__ import annotations

import os
import resource
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text

from app import create_app
from app.extensions import db
from app.models import Programme
from app.security.sync import sync_roles
from demo import load_demo

BENCH_DB = "vigie_bench"
SMALL_DB = "vigie_bench_small"


def server_url() -> str:
    """The PostgreSQL server ``make bench`` started (``VIGIE_TEST_PG_URL``)."""
    url = os.environ.get("VIGIE_BENCH_DATABASE_URL") or os.environ.get("VIGIE_TEST_PG_URL")
    if not url:
        raise SystemExit("Set VIGIE_TEST_PG_URL (make bench does) or VIGIE_BENCH_DATABASE_URL.")
    return url


def bench_url() -> str:
    """The benchmark database on that server (recreated by ``bench`` unless reused)."""
    if os.environ.get("VIGIE_BENCH_DATABASE_URL"):
        return os.environ["VIGIE_BENCH_DATABASE_URL"]
    base = server_url().rsplit("/", 1)[0]
    return f"{base}/{BENCH_DB}"


def make_app(url: str) -> Flask:
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench-only-secret-key-0123456789abcdef",
            "WTF_CSRF_ENABLED": False,
            "TESTING": True,
        }
    )


def median_time(run: Callable[[], Any], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def section(title: str) -> Iterator[None]:
    print(f"\n== {title}")
    start = time.perf_counter()
    yield
    print(f"   ({time.perf_counter() - start:.1f} s)")


@dataclass(frozen=True)
class Result:
    """One line of ``make bench``'s summary: a measure, its baseline taken in the same run,
    the ratio between them and the aim it must meet.

    ``higher_is_better`` says which way the aim points: a throughput ratio must reach the aim
    (``ratio >= aim``), a time ratio must stay under it (``ratio <= aim``).
    """

    name: str
    measured: str
    baseline: str
    ratio: float
    aim: float
    higher_is_better: bool

    @property
    def passed(self) -> bool:
        return self.ratio >= self.aim if self.higher_is_better else self.ratio <= self.aim

    @property
    def aim_text(self) -> str:
        return f"{'≥' if self.higher_is_better else '≤'} {self.aim:g}"

    def line(self) -> str:
        verdict = "PASS" if self.passed else "FAIL"
        return f"   {self.name} : {self.ratio:.2f} (objectif {self.aim_text}) {verdict}"


def small_url() -> str:
    """The small demo town's database on the bench server (created if missing), against
    which the large town's figures are compared."""
    base = server_url().rsplit("/", 1)[0]
    engine = create_engine(server_url(), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": SMALL_DB}
        ).first():
            conn.execute(text(f"CREATE DATABASE {SMALL_DB}"))
    engine.dispose()
    return f"{base}/{SMALL_DB}"


def prepare_small(app: Flask) -> None:
    """Migrate the small town's database and load the small demo once."""
    with app.app_context():
        upgrade(directory=str(app.extensions["migrate"].directory))
        sync_roles(app.appbuilder)  # type: ignore[attr-defined]
        if db.session.scalar(select(Programme.id).limit(1)) is None:
            load_demo(scale="small")
