"""The small demo town's review pack: job time against WeasyPrint alone, pages, memory.

What is measured, in the same run:

* **the job** — the pack requested as the quality cell would (``app.jobs``), built by a
  real ``vigie worker --burst`` process against real Redis: the job's own time (claimed →
  recorded: gathering the data, the HTML, WeasyPrint, storing the file write-then-rename,
  recording it), the median of three builds;
* **the baseline** — WeasyPrint alone rendering the very same final HTML (built once by the
  same builder, as the same person) in this process, median of three;
* the ratio between the two (the aim is ≤ 1.5: the framework and the data gathering must stay
  small next to the layout work), the page count and size, and the worker's peak memory
  (largest resident set among the worker processes and their work-horses).

``python -m bench.review_pack`` (needs ``VIGIE_TEST_PG_URL`` and ``VIGIE_TEST_REDIS_URL``, as
``make bench`` sets them); builds the small demo once in ``vigie_bench_small``.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text

from app import jobs
from app.extensions import db
from app.models import ManagementReview, Programme
from app.models.jobs import Job
from app.models.organisation import VigieUser
from app.security.actor import Actor
from app.security.sync import sync_roles
from bench.common import make_app, section, server_url
from demo import load_demo
from reports.pdf import render_pdf
from reports.review_pack import build

SMALL_DB = "vigie_bench_small"
RUNS = 3


def _small_url() -> str:
    base = server_url().rsplit("/", 1)[0]
    engine = create_engine(server_url(), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": SMALL_DB}
        ).first():
            conn.execute(text(f"CREATE DATABASE {SMALL_DB}"))
    engine.dispose()
    return f"{base}/{SMALL_DB}"


def _prepare(app: Flask) -> None:
    upgrade(directory=str(app.extensions["migrate"].directory))
    sync_roles(app.appbuilder)  # type: ignore[attr-defined]
    if db.session.scalar(select(Programme.id).limit(1)) is None:
        load_demo(scale="small")


def _worker_env(app: Flask) -> dict[str, str]:
    env = {
        **os.environ,
        "VIGIE_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "VIGIE_REDIS_URL": app.config["VIGIE_REDIS_URL"],
        "VIGIE_QUEUE": app.config["VIGIE_QUEUE"],
        "VIGIE_MAIL_QUEUE": app.config["VIGIE_QUEUE"],
        "VIGIE_INSTANCE_DIR": app.config["VIGIE_INSTANCE_DIR"],
        "VIGIE_SECRET_KEY": app.config["SECRET_KEY"],
    }
    env.pop("VIGIE_DEMO", None)
    return env


def run(redis_url: str | None = None) -> None:
    redis_url = redis_url or os.environ.get("VIGIE_TEST_REDIS_URL")
    if not redis_url:
        raise SystemExit("Set VIGIE_TEST_REDIS_URL (make bench does).")
    instance = tempfile.mkdtemp(prefix="vigie-bench-pack-")
    app = make_app(_small_url())
    app.config.update(
        VIGIE_REDIS_URL=redis_url,
        VIGIE_INSTANCE_DIR=instance,
        VIGIE_QUEUE=f"vigie-bench-{uuid.uuid4().hex[:8]}",
    )
    with section("Dossier de revue de direction — petite ville de démonstration"):
        with app.app_context():
            _prepare(app)
            review_id = db.session.scalars(
                select(ManagementReview.id).order_by(ManagementReview.year.desc())
            ).first()
            quality_id = db.session.scalar(
                select(VigieUser.id).where(VigieUser.username == "qualite")
            )
        assert review_id is not None and quality_id is not None
        job_seconds, waits = [], []
        pages = size = 0
        vigie = Path(sys.executable).with_name("vigie")
        for _ in range(RUNS):
            with app.app_context():
                actor = Actor.for_user(db.session.get(VigieUser, quality_id))
                job_id = jobs.request_and_queue(
                    "review_pack", actor, subject="management_review", record_id=review_id
                ).job.id
            started = time.perf_counter()
            subprocess.run(
                [str(vigie), "worker", "--burst"],
                env=_worker_env(app),
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            waits.append(time.perf_counter() - started)
            with app.app_context():
                job = db.session.get(Job, job_id)
                assert job is not None
                if job.state != "termine":
                    raise SystemExit(f"le dossier a échoué : {job.error}")
                assert job.started_at and job.finished_at
                job_seconds.append((job.finished_at - job.started_at).total_seconds())
                pages, size = job.pages or 0, job.file_size or 0
        worker_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

        with app.app_context():
            actor = Actor.for_user(db.session.get(VigieUser, quality_id))
            gather_start = time.perf_counter()
            document = build({"review_id": review_id}, actor, lambda _p, _l: None)
            gather = time.perf_counter() - gather_start
            renders = []
            for _ in range(RUNS):
                start = time.perf_counter()
                rendered = render_pdf(document.html)
                renders.append(time.perf_counter() - start)
        job_time = statistics.median(job_seconds)
        alone = statistics.median(renders)
        print(
            f"   travail complet (worker RQ) : {job_time:.2f} s médiane de {RUNS} "
            f"({', '.join(f'{s:.2f}' for s in job_seconds)}) ; avec démarrage du worker "
            f"{statistics.median(waits):.2f} s"
        )
        print(
            f"   WeasyPrint seul, même HTML : {alone:.2f} s médiane de {RUNS} ; "
            f"collecte + HTML seuls : {gather:.2f} s"
        )
        print(f"   rapport travail / WeasyPrint seul : {job_time / alone:.2f}× (objectif ≤ 1,5×)")
        print(
            f"   {pages} pages ({rendered.pages} au rendu seul), {size / 1024:.0f} Kio ; "
            f"mémoire de pointe du worker : {worker_peak:.0f} Mio"
        )


if __name__ == "__main__":
    run()
