"""The review pack as a job against WeasyPrint alone on the same HTML, on the large demo town.

What is measured, in the same run, for each town (the large one ``bench`` built, then the
small one in ``vigie_bench_small``, cheap to build once):

* **the job** — the pack requested as the quality cell would (``app.jobs``), built by a
  real ``vigie worker --burst`` process against real Redis: the job's own time (claimed →
  recorded: gathering the data, the charts, the HTML, WeasyPrint, storing the file
  write-then-rename, recording it), the median of three builds. Each build runs in a fresh
  worker process, the least favourable case (nothing warmed by an earlier job);
* **the baseline** — WeasyPrint alone with its defaults (``HTML(string=…).write_pdf()``, no
  Vigie code but the fetcher of the style sheets) on the very same final HTML, built once by
  the same builder as the same person, in a process of its own after one warm-up render
  (its import and first font loading not counted), median of three, each run right after a
  job so that a busy spell of the shared machine weighs on both sides;
* the ratio between the two: the aim is ≤ 1.2 (the framework, the gathering and the storing
  must stay small next to the layout work), the page count and size, the worker's peak
  memory (largest resident set among the child processes).

``python -m bench.review_pack`` (needs ``VIGIE_TEST_PG_URL`` and ``VIGIE_TEST_REDIS_URL``, as
``make bench`` sets them) reuses the benchmark database as it is; ``make bench`` calls
:func:`run` with the app of the large town it has just built.
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
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from app import jobs
from app.extensions import db
from app.models import ManagementReview
from app.models.jobs import Job
from app.models.organisation import VigieUser
from app.security.actor import Actor
from bench.common import Result, bench_url, make_app, prepare_small, section, small_url
from reports.review_pack import build

RUNS = 3
#: Job time / WeasyPrint alone on the same HTML (issue 16).
AIM = 1.2


@dataclass(frozen=True)
class Measure:
    job: float
    alone: float
    gather: float
    pages: int
    size: int
    worker_peak_mib: float


def _job_app(url: str, redis_url: str) -> Flask:
    """An app of its own on ``url`` (the caller's app keeps its configuration)."""
    app = make_app(url)
    app.config.update(
        VIGIE_REDIS_URL=redis_url,
        VIGIE_INSTANCE_DIR=tempfile.mkdtemp(prefix="vigie-bench-pack-"),
        VIGIE_QUEUE=f"vigie-bench-{uuid.uuid4().hex[:8]}",
    )
    return app


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


#: WeasyPrint alone, in a process of its own (no app, no data loaded: nothing of Vigie's in its
#: heap to slow its garbage collector): one warm-up render, then the timed one.
_ALONE = """
import sys, time
from weasyprint import HTML
from reports.blueprint import STATIC_FOLDER, STATIC_PREFIX
from reports.pdf import BASE_URL, StaticOnlyFetcher
html = open(sys.argv[1], encoding="utf-8").read()
fetcher = StaticOnlyFetcher({STATIC_PREFIX: STATIC_FOLDER.resolve()})
HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf()
start = time.perf_counter()
HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf()
print(time.perf_counter() - start)
"""


def weasyprint_alone(html: str) -> float:
    """Seconds WeasyPrint takes on its own with its defaults — ``HTML(string=…).write_pdf()``,
    parse, lay out, write — with only the fetcher that serves the report style sheets."""
    with tempfile.NamedTemporaryFile("w", suffix=".html", encoding="utf-8") as file:
        file.write(html)
        file.flush()
        out = subprocess.run(
            [sys.executable, "-c", _ALONE, file.name],
            check=True,
            capture_output=True,
            text=True,
            cwd=Path(__file__).resolve().parent.parent,
        ).stdout
    return float(out.strip().splitlines()[-1])


def measure(app: Flask) -> Measure:
    """The pack's job time (fresh worker each time) and WeasyPrint alone, same run."""
    with app.app_context():
        review_id = db.session.scalars(
            select(ManagementReview.id).order_by(ManagementReview.year.desc())
        ).first()
        quality_id = db.session.scalar(select(VigieUser.id).where(VigieUser.username == "qualite"))
    if review_id is None or quality_id is None:
        raise SystemExit("pas de revue de direction ni de compte « qualite » : chargez la démo")
    with app.app_context():
        actor = Actor.for_user(db.session.get(VigieUser, quality_id))
        gather_start = time.perf_counter()
        document = build({"review_id": review_id}, actor, lambda _p, _l: None)
        gather = time.perf_counter() - gather_start
        db.session.remove()
    job_seconds, renders = [], []
    pages = size = 0
    vigie = Path(sys.executable).with_name("vigie")
    for _ in range(RUNS):  # interleaved: a busy spell of the machine hits both sides
        with app.app_context():
            actor = Actor.for_user(db.session.get(VigieUser, quality_id))
            job_id = jobs.request_and_queue(
                "review_pack", actor, subject="management_review", record_id=review_id
            ).job.id
        subprocess.run(
            [str(vigie), "worker", "--burst"],
            env=_worker_env(app),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        with app.app_context():
            job = db.session.get(Job, job_id)
            assert job is not None
            if job.state != "termine":
                raise SystemExit(f"le dossier a échoué : {job.error}")
            assert job.started_at and job.finished_at
            job_seconds.append((job.finished_at - job.started_at).total_seconds())
            pages, size = job.pages or 0, job.file_size or 0
        renders.append(weasyprint_alone(document.html))
    worker_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    alone = statistics.median(renders)
    job_time = statistics.median(job_seconds)
    print(
        f"   travail complet (worker RQ neuf à chaque fois) : {job_time:.2f} s médiane de "
        f"{RUNS} ({', '.join(f'{s:.2f}' for s in job_seconds)})"
    )
    print(
        f"   WeasyPrint seul, même HTML : {alone:.2f} s médiane de {RUNS} "
        f"({', '.join(f'{s:.2f}' for s in renders)}) ; "
        f"collecte + graphiques + HTML seuls : {gather:.2f} s"
    )
    print(
        f"   {pages} pages, {size / 1024:.0f} Kio ; mémoire de pointe des processus fils "
        "(worker, WeasyPrint seul) : "
        f"{worker_peak:.0f} Mio"
    )
    return Measure(job_time, alone, gather, pages, size, worker_peak)


def _result(town: str, found: Measure) -> Result:
    result = Result(
        name=f"dossier de revue ({town}, {found.pages} p.) / WeasyPrint seul",
        measured=f"{found.job:.2f} s",
        baseline=f"{found.alone:.2f} s",
        ratio=found.job / found.alone,
        aim=AIM,
        higher_is_better=False,
    )
    print(result.line())
    return result


def run(app: Flask | None = None, redis_url: str | None = None, small: bool = True) -> list[Result]:
    """The pack on the town of ``app`` (the large demo under ``make bench``; by default the
    benchmark database as it is), then on the small demo town unless ``small`` is False."""
    app = app or make_app(bench_url())
    redis_url = redis_url or os.environ.get("VIGIE_TEST_REDIS_URL")
    if not redis_url:
        raise SystemExit("Set VIGIE_TEST_REDIS_URL (make bench does).")
    results = []
    with section("Dossier de revue de direction — grande ville de démonstration"):
        large = _job_app(app.config["SQLALCHEMY_DATABASE_URI"], redis_url)
        results.append(_result("grande ville", measure(large)))
    if small:
        with section("Dossier de revue de direction — petite ville de démonstration"):
            little = _job_app(small_url(), redis_url)
            prepare_small(little)
            results.append(_result("petite ville", measure(little)))
    return results


if __name__ == "__main__":
    run(small="--sans-petite-ville" not in sys.argv)
