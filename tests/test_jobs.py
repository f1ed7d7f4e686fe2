"""Background jobs with real RQ workers (separate ``vigie worker`` processes) and real Redis.

What users rely on: a requested review pack is built by a worker and downloadable, with its
text (``pdftotext``) holding the review's axes, objectives, proposals and figures; a failure
ends ``echec`` with its reason in French; a worker killed mid-job leaves a job the sweeper
marks failed, and running it again succeeds; two workers never build the same pack twice;
Redis stopped → the request answers a French 503, the job is kept and the rest of Vigie works;
the PDF renderer fetches nothing from the network; people only see and download the jobs
their scope covers.
"""

from __future__ import annotations

import contextlib
import http.server
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, render_template_string
from flask.testing import FlaskClient
from sqlalchemy import select, update

from app import registry
from app.commands.records import create_record
from app.extensions import db
from app.jobs import requests as job_requests
from app.jobs import worker as job_worker
from app.models import HistoryEntry, ManagementReview, Programme
from app.models.jobs import Job
from app.security.actor import Actor
from reports.pdf import render_pdf
from tests.conftest import World, login, token, unique
from tests.factories import build_meeting, build_programme

REDIS_URL = os.environ.get("VIGIE_TEST_REDIS_URL")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="VIGIE_TEST_REDIS_URL is not set")
VIGIE = Path(sys.executable).with_name("vigie")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -------------------------------------------------------------------------------- workers
@dataclass
class Workers:
    """Real ``vigie worker`` processes on a queue of this test's own."""

    app: Flask
    queue: str
    redis_url: str
    env_extra: dict[str, str] = field(default_factory=dict)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def env(self) -> dict[str, str]:
        config = self.app.config
        env = {
            **os.environ,
            "VIGIE_DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
            "VIGIE_REDIS_URL": self.redis_url,
            # both queues its own: never another test run's jobs (ids of another database)
            "VIGIE_QUEUE": self.queue,
            "VIGIE_MAIL_QUEUE": self.queue,
            "VIGIE_INSTANCE_DIR": config["VIGIE_INSTANCE_DIR"],
            "VIGIE_SECRET_KEY": config["SECRET_KEY"],
            "VIGIE_JOB_HEARTBEAT_SECONDS": "0.5",
            **self.env_extra,
        }
        env.pop("VIGIE_DEMO", None)
        if config.get("VIGIE_FILES_DIR"):
            env["VIGIE_FILES_DIR"] = str(config["VIGIE_FILES_DIR"])
        return env

    def start(self, count: int = 1) -> None:
        for _ in range(count):
            self.processes.append(
                subprocess.Popen(
                    [str(VIGIE), "worker"],
                    env=self.env(),
                    start_new_session=True,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )

    def kill(self) -> None:
        """SIGKILL each worker and its work-horse (RQ forks the horse into a session of its
        own, so the worker's process group does not hold it) — as the OOM killer or a crash
        of the machine would."""
        for process in self.processes:
            for pid in [*_children(process.pid), process.pid]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            process.wait(timeout=10)
        self.processes.clear()

    def stop(self) -> None:
        """End of test: no warm shutdown (it would wait for a running build), and no
        work-horse left behind to build on while the next tests run."""
        self.kill()


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (name) state ppid ..." — the name may hold spaces: split after the last ")"
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 1 and int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


@pytest.fixture()
def workers(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workers]:
    assert REDIS_URL
    queue = f"vigie-test-jobs-{uuid.uuid4().hex[:10]}"
    monkeypatch.setitem(app.config, "VIGIE_QUEUE", queue)
    monkeypatch.setitem(app.config, "VIGIE_REDIS_URL", REDIS_URL)
    pool = Workers(app, queue, REDIS_URL)
    yield pool
    pool.stop()


def job_row(app: Flask, job_id: int | str) -> Job:
    with app.app_context():
        job = db.session.get(Job, int(job_id))
        assert job is not None
        db.session.expunge(job)
        return job


def wait_for(app: Flask, job_id: int | str, states: tuple[str, ...], timeout: float = 180.0) -> Job:
    deadline = time.monotonic() + timeout
    while True:
        job = job_row(app, job_id)
        if job.state in states:
            return job
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} still {job.state} ({job.step}): {job.error}")
        time.sleep(0.1)


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / f"{uuid.uuid4().hex}.pdf"
    path.write_bytes(data)
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    )
    return " ".join(out.stdout.split())


def ask_pack(client: FlaskClient, headers: dict[str, str], review_id: int) -> Any:
    return client.post(f"/api/v1/management_review/{review_id}/pack", headers=headers)


# ---------------------------------------------------------------------------------- tests
@needs_redis
def test_a_worker_builds_the_pack_and_it_is_downloadable(
    app: Flask, client: FlaskClient, world: World, workers: Workers, tmp_path: Path
) -> None:

    town = build_programme(app, world)  # axes, strategic and service objectives, values
    meeting = build_meeting(app, world)
    with app.app_context():  # the review of the programme's last year, with the town's proposals
        # the pack reads the programme active in the review's year: other tests' programmes
        # of the shared database step aside (a town has one active mandate)
        db.session.execute(
            update(Programme)
            .where(Programme.id != town["programme"], Programme.status == "active")
            .values(status="closed")
        )
        review = db.session.get(ManagementReview, meeting.review_id)
        assert review is not None
        review.year = 2026
        objective_id, objective_title, _indicator = town["objectives"]["S1"]
        create_record(
            registry.get("proposal"),
            {
                "review": review.id,
                "service": world.services["S1"],
                "kind": "objectif",
                "title": unique("Proposition carte"),
                "service_objective": objective_id,
            },
            Actor.system_actor(),
        )
        db.session.commit()
    headers = token(client, world.users["quality"])
    answer = ask_pack(client, headers, meeting.review_id)
    assert answer.status_code == 202, answer.get_json()
    job_id = answer.get_json()["job_id"]
    status = client.get(f"/api/v1/job/{job_id}", headers=headers).get_json()
    assert status["state"] == "en_attente" and status["progress"] == 0
    # the same request again while it waits: the same job, not a second one
    again = ask_pack(client, headers, meeting.review_id).get_json()
    assert again["job_id"] == job_id and again["existing"] is True

    workers.start()
    job = wait_for(app, job_id, ("termine", "echec"))
    assert job.state == "termine", job.error
    status = client.get(f"/api/v1/job/{job_id}", headers=headers).get_json()
    assert status["progress"] == 100 and status["finished_at"] and status["started_at"]
    assert status["requested_by"] == world.users["quality"]
    assert status["data_version"] and status["pages"] >= 3
    download = client.get(status["file"]["url"], headers=headers)
    assert download.status_code == 200 and download.data.startswith(b"%PDF-")
    import hashlib

    assert hashlib.sha256(download.data).hexdigest() == status["file"]["sha256"]
    # downloadable from the review too (the newest finished pack)
    from_review = client.get(f"/api/v1/management_review/{meeting.review_id}/pack", headers=headers)
    assert from_review.status_code == 200 and from_review.data == download.data

    text = pdf_text(download.data, tmp_path)
    with app.app_context():
        review = db.session.get(ManagementReview, meeting.review_id)
        assert review is not None
        titles = [p.title for p in review.proposals]
        review_title = review.title
    assert review_title in text
    for title in titles:
        assert title in text, title
    for code in town["axes"]:
        assert code in text, code
    assert "Axe numéro 1" in text and "Objectif stratégique 0" in text
    assert objective_title in text and "Indicateur S1" in text
    assert "87,5" in text  # the target proposal's proposed value, in French
    assert "90 %" in text or "90 %" in text  # the S1 indicator's value
    assert "Page 1 sur" in text or "Page 2 sur" in text
    # no partial file left beside the stored one
    files_dir = Path(
        app.config.get("VIGIE_FILES_DIR") or Path(app.config["VIGIE_INSTANCE_DIR"]) / "files"
    )
    assert not list(files_dir.rglob("*.part"))


@needs_redis
def test_a_failing_job_ends_failed_with_its_reason(
    app: Flask, client: FlaskClient, world: World, workers: Workers
) -> None:
    """A service head asks for a sub-service's annual report; before a worker takes it, the
    sub-service moves to another pôle, out of the head's reach: the build (run as the head)
    cannot read it, and the job says so."""
    with app.app_context():
        system = Actor.system_actor()
        service = create_record(
            registry.get("service"),
            {
                "code": unique("SRV"),
                "name": unique("Service déplacé"),
                "parent": world.services["S1"],
            },
            system,
        )
        service_id = service.id
    headers = token(client, world.users["service_head"])
    answer = client.post(
        f"/api/v1/service/{service_id}/annual_report", headers=headers, json={"year": 2026}
    )
    assert answer.status_code == 202, answer.get_json()
    job_id = answer.get_json()["job_id"]
    with app.app_context():  # the service moves to another pôle before any worker runs
        moved = db.session.get(registry.get("service").model, service_id)
        moved.parent_id = world.services["S3"]
        db.session.commit()
    workers.start()
    job = wait_for(app, job_id, ("termine", "echec"))
    assert job.state == "echec"
    assert job.error and "introuvable" in job.error.lower()
    assert job.file_key is None and job.active_key is None
    status = client.get(f"/api/v1/job/{job_id}", headers=headers).get_json()
    assert status["state_label"] == "Échec" and status["error"] == job.error


@needs_redis
def test_a_killed_worker_is_swept_and_the_rerun_succeeds(
    app: Flask, client: FlaskClient, world: World, workers: Workers, monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting = build_meeting(app, world, objectives=8)
    headers = token(client, world.users["quality"])
    job_id = ask_pack(client, headers, meeting.review_id).get_json()["job_id"]
    workers.start()
    running = wait_for(app, job_id, ("en_cours", "termine", "echec"))
    assert running.state == "en_cours", "the pack ended before the worker could be killed"
    workers.kill()
    assert job_row(app, job_id).state == "en_cours"  # nobody told the database

    monkeypatch.setitem(app.config, "VIGIE_JOB_STALE_SECONDS", 2)
    with app.app_context():  # not yet silent for long enough: left alone
        job_worker.sweep()
    assert job_row(app, job_id).state == "en_cours"
    time.sleep(2.5)
    with app.app_context():  # (other tests' rows in this database may be swept too)
        summary = job_worker.sweep()
    assert summary.abandoned >= 1
    failed = job_row(app, job_id)
    assert failed.state == "echec" and "abandonné" in (failed.error or "")
    assert failed.active_key is None

    rerun = client.post(f"/api/v1/job/{job_id}/rerun", headers=headers)
    assert rerun.status_code == 202, rerun.get_json()
    new_id = rerun.get_json()["job_id"]
    assert new_id != job_id
    workers.start()
    done = wait_for(app, new_id, ("termine", "echec"))
    assert done.state == "termine", done.error
    assert done.rerun_of_id == int(job_id) and done.file_sha256


@needs_redis
def test_two_workers_never_build_the_same_pack_twice(
    app: Flask, client: FlaskClient, world: World, workers: Workers
) -> None:
    first = build_meeting(app, world)
    second = build_meeting(app, world)
    headers = token(client, world.users["quality"])
    one = ask_pack(client, headers, first.review_id).get_json()["job_id"]
    two = ask_pack(client, headers, second.review_id).get_json()["job_id"]
    with app.app_context():  # a re-queue race: the first job's RQ job queued three times
        job = db.session.get(Job, int(one))
        assert job is not None
        assert job_requests.dispatch([job]) and job_requests.dispatch([job])
    workers.start(2)
    done_one = wait_for(app, one, ("termine", "echec"))
    done_two = wait_for(app, two, ("termine", "echec"))
    assert done_one.state == done_two.state == "termine"
    assert done_one.attempts == 1 and done_two.attempts == 1
    with app.app_context():
        packs = db.session.scalars(
            select(Job).where(Job.kind == "review_pack", Job.subject_id == first.review_id)
        ).all()
    assert len(packs) == 1


@pytest.fixture()
def private_redis(tmp_path: Path) -> Iterator[Any]:
    """A redis-server of this test's own, so it can be stopped without touching others."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = free_port()

    class Server:
        url = f"redis://127.0.0.1:{port}/0"
        process: subprocess.Popen[bytes] | None = None

        def start(self) -> None:
            self.process = subprocess.Popen(
                [
                    binary,
                    "--port",
                    str(port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(tmp_path),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                with socket.socket() as sock:
                    if sock.connect_ex(("127.0.0.1", port)) == 0:
                        return
                time.sleep(0.05)
            raise RuntimeError("redis-server did not start")

        def stop(self) -> None:
            if self.process is not None:
                self.process.terminate()
                self.process.wait(timeout=10)
                self.process = None

    server = Server()
    server.start()
    yield server
    server.stop()


def test_redis_stopped_answers_503_keeps_the_job_and_crud_works(
    app: Flask,
    client: FlaskClient,
    world: World,
    private_redis: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(app.config, "VIGIE_REDIS_URL", private_redis.url)
    monkeypatch.setitem(app.config, "VIGIE_QUEUE", f"vigie-test-{uuid.uuid4().hex[:8]}")
    meeting = build_meeting(app, world)
    other = build_meeting(app, world)
    headers = token(client, world.users["quality"])
    assert ask_pack(client, headers, meeting.review_id).status_code == 202

    private_redis.stop()
    answer = ask_pack(client, headers, other.review_id)
    assert answer.status_code == 503
    message = answer.get_json()["message"]
    assert "indisponible" in message and "enregistrée" in message
    with app.app_context():
        kept = db.session.scalars(
            select(Job).where(Job.kind == "review_pack", Job.subject_id == other.review_id)
        ).one()
        assert kept.state == "en_attente"
        kept_id = kept.id
    # the rest of Vigie works: read and write through the API, pages render
    created = client.post(
        "/api/v1/service_objective/",
        headers=headers,
        json={"service": world.services["S1"], "year": 2026, "title": unique("Pendant la panne")},
    )
    assert created.status_code == 201, created.get_json()
    assert client.get("/api/v1/service_objective/", headers=headers).status_code == 200
    login(client, world.users["quality"])
    assert client.get(f"/management_review/show/{other.review_id}").status_code == 200
    assert client.get("/jobs/").status_code == 200
    # a transition that queues a report still happens (the job waits for Redis)
    with app.app_context():
        review = create_record(
            registry.get("management_review"),
            {"year": 2031, "title": unique("Revue panne")},
            Actor.system_actor(),
        )
        review_id = review.id
    fired = client.post(
        f"/api/v1/management_review/{review_id}/transition",
        headers=headers,
        json={"event": "build_pack"},
    )
    assert fired.status_code == 200, fired.get_json()

    private_redis.start()  # Redis is back: the sweeper queues what waited
    monkeypatch.setitem(app.config, "VIGIE_JOB_REQUEUE_SECONDS", 0)
    with app.app_context():
        summary = job_worker.sweep()
        assert summary.requeued >= 2
        from rq.job import Job as RqJob

        from app.jobs.queue import connection

        rq_job = RqJob.fetch(job_requests.rq_id(kept_id), connection=connection(app))
        assert rq_job.get_status() == "queued"


@needs_redis
def test_build_pack_and_close_queue_the_pack_and_the_minutes(
    app: Flask, client: FlaskClient, world: World, workers: Workers, tmp_path: Path
) -> None:
    with app.app_context():
        review = create_record(
            registry.get("management_review"),
            {"year": 2032, "title": unique("Revue transitions")},
            Actor.system_actor(),
        )
        review_id = review.id
    headers = token(client, world.users["quality"])
    fired = client.post(
        f"/api/v1/management_review/{review_id}/transition",
        headers=headers,
        json={"event": "build_pack"},
    )
    assert fired.status_code == 200
    with app.app_context():
        pack = db.session.scalars(
            select(Job).where(Job.kind == "review_pack", Job.subject_id == review_id)
        ).one()
        pack_id = pack.id
        review = db.session.get(ManagementReview, review_id)
        assert review is not None
        review.state = "decisions_enregistrees"
        db.session.commit()
    executive = token(client, world.users["executive"])
    closed = client.post(
        f"/api/v1/management_review/{review_id}/transition",
        headers=executive,
        json={"event": "close"},
    )
    assert closed.status_code == 200, closed.get_json()
    with app.app_context():
        minutes_id = db.session.scalars(
            select(Job.id).where(Job.kind == "review_minutes", Job.subject_id == review_id)
        ).one()
    workers.start()
    assert wait_for(app, pack_id, ("termine", "echec")).state == "termine"
    minutes = wait_for(app, minutes_id, ("termine", "echec"))
    assert minutes.state == "termine", minutes.error
    with app.app_context():
        review = db.session.get(ManagementReview, review_id)
        assert review is not None
        assert review.file_sha256 == minutes.file_sha256  # the minutes are the review's file
        entry = db.session.scalars(
            select(HistoryEntry).where(
                HistoryEntry.artefact == "management_review",
                HistoryEntry.record_id == review_id,
                HistoryEntry.action == "update",
            )
        ).all()
        assert any("Compte rendu" in (e.reason or "") for e in entry)
    minutes_pdf = client.get(f"/api/v1/management_review/{review_id}/file", headers=executive)
    assert minutes_pdf.status_code == 200
    assert "Compte rendu" in pdf_text(minutes_pdf.data, tmp_path)


def test_people_see_and_download_only_the_jobs_their_scope_covers(
    app: Flask, client: FlaskClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "VIGIE_REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    meeting = build_meeting(app, world)
    quality = token(client, world.users["quality"])
    answer = ask_pack(client, quality, meeting.review_id)
    assert answer.status_code == 503  # no Redis here: the job is recorded all the same
    with app.app_context():
        job_id = db.session.scalars(
            select(Job.id).where(Job.kind == "review_pack", Job.subject_id == meeting.review_id)
        ).one()
    # a service head: the whole-town pack is not theirs to read
    head = token(client, world.users["service_head"])
    assert client.get(f"/api/v1/job/{job_id}", headers=head).status_code == 404
    assert client.get(f"/api/v1/job/{job_id}/file", headers=head).status_code == 404
    assert client.post(f"/api/v1/job/{job_id}/rerun", headers=head).status_code == 404
    assert job_id not in [
        int(j["job_id"]) for j in client.get("/api/v1/job/", headers=head).get_json()["result"]
    ]
    # an official (whole town) sees it; an agent may not ask for a pack
    official = token(client, world.users["official"])
    assert client.get(f"/api/v1/job/{job_id}", headers=official).status_code == 200
    agent = token(client, world.users["agent"])
    refused = ask_pack(client, agent, meeting.review_id)
    assert refused.status_code == 403 and "rôle" in refused.get_json()["message"]
    # a card of another service's record: 404, nothing recorded
    with app.app_context():
        process = create_record(
            registry.get("process"),
            {
                "code": unique("PRC"),
                "name": unique("Processus S3"),
                "service": world.services["S3"],
            },
            Actor.system_actor(),
        )
        process_id = process.id
        before = db.session.query(Job).count()
    assert client.post(f"/api/v1/process/{process_id}/pdf", headers=head).status_code == 404
    with app.app_context():
        assert db.session.query(Job).count() == before
    # the quality cell may ask for it: no Redis, so 503, but the job is recorded for later
    assert client.post(f"/api/v1/process/{process_id}/pdf", headers=quality).status_code == 503
    with app.app_context():
        assert db.session.query(Job).count() == before + 1
    # routes exist only where a report is declared
    assert client.post(f"/api/v1/process/{process_id}/pack", headers=quality).status_code == 404
    assert client.post("/api/v1/target/1/pdf", headers=quality).status_code in (404, 405)


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:
        _CountingHandler.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def test_a_template_asking_for_external_urls_fetches_nothing(app: Flask) -> None:
    server = http.server.HTTPServer(("127.0.0.1", 0), _CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    template = """<!DOCTYPE html><html><head>
      <link rel="stylesheet" href="{{ base }}/style.css">
      <style>@import url("{{ base }}/import.css"); body { background: url({{ base }}/bg.png) }
      </style></head><body>
      <h1>Rapport</h1><img src="{{ base }}/pixel.png" alt="">
      <img src="file:///etc/hostname" alt=""><img src="/reports-static/../pdf.py" alt="">
      <object data="{{ base }}/object"></object><iframe src="{{ base }}/frame"></iframe>
      <p>{{ user_text }}</p></body></html>"""
    try:
        with app.app_context(), app.test_request_context():
            html = render_template_string(
                template,
                base=base,
                user_text=f'<img src="{base}/user.png"> <script>alert(1)</script>',
            )
            rendered = render_pdf(html)
    finally:
        server.shutdown()
    assert _CountingHandler.hits == []
    assert rendered.data.startswith(b"%PDF-")
    refused = " ".join(rendered.refused)
    assert f"{base}/pixel.png" in refused and "file:///etc/hostname" in refused
    assert "pdf.py" in refused
    assert "user.png" not in refused  # user text was escaped: never an element at all


def test_jobs_page_and_review_panel(
    app: Flask,
    client: FlaskClient,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    count_queries: Any,
) -> None:
    """« Mes travaux » lists the job with its progress bar and polls its state; the review's
    page offers the pack, and the minutes only once decisions are recorded (with why)."""
    monkeypatch.setitem(app.config, "VIGIE_REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    meeting = build_meeting(app, world)
    login(client, world.users["quality"])
    page = client.get(f"/management_review/show/{meeting.review_id}")
    html = page.get_data(as_text=True)
    assert "Documents PDF" in html and "Générer : Dossier de revue de direction" in html
    assert "Le compte rendu se génère une fois les décisions enregistrées." in html
    asked = client.post(
        "/jobs/request",
        data={
            "artefact": "management_review",
            "id": meeting.review_id,
            "report": "pack",
            "next": f"/management_review/show/{meeting.review_id}",
        },
    )
    assert asked.status_code == 303
    follow = client.get(asked.headers["Location"])
    text = follow.get_data(as_text=True)
    assert "indisponible" in text  # no Redis here: said in French, the job is kept
    with app.app_context():
        job_id = db.session.scalars(
            select(Job.id).where(Job.kind == "review_pack", Job.subject_id == meeting.review_id)
        ).one()
    listing = client.get("/jobs/").get_data(as_text=True)
    assert f'data-job="{job_id}"' in listing and 'role="progressbar"' in listing
    assert "En attente" in listing
    status = client.get(f"/jobs/status?ids={job_id}").get_json()
    assert status["jobs"][0]["state"] == "en_attente"
    # a service head neither sees it listed nor polls it
    login(client, world.users["service_head"])
    assert f'data-job="{job_id}"' not in client.get("/jobs/").get_data(as_text=True)
    assert client.get(f"/jobs/status?ids={job_id}").get_json()["jobs"] == []
    assert client.get(f"/jobs/{job_id}/file").status_code == 404
    # the page costs the same number of queries with 1 or 12 jobs listed
    login(client, world.users["official"])
    with count_queries() as few:
        client.get("/jobs/")
    with app.app_context():
        for _ in range(11):
            db.session.add(
                Job(
                    kind="review_pack",
                    title="Dossier",
                    params_json="{}",
                    subject_artefact="management_review",
                    subject_id=meeting.review_id,
                    state="termine",
                    progress=100,
                )
            )
        db.session.commit()
    with count_queries() as many:
        client.get("/jobs/")
    assert len(many) == len(few)


@needs_redis
def test_a_job_past_its_timeout_ends_failed(
    app: Flask, client: FlaskClient, world: World, workers: Workers
) -> None:
    """RQ stops a job at its kind's timeout; the job says so (here the timeout is cut to one
    second on the queued copy, far below the rendering time of a pack this size)."""
    meeting = build_meeting(app, world, objectives=40)
    headers = token(client, world.users["quality"])
    job_id = int(ask_pack(client, headers, meeting.review_id).get_json()["job_id"])
    with app.app_context():
        job = db.session.get(Job, job_id)
        assert job is not None and job.timeout_seconds == 900  # the pack's explicit timeout
        job.timeout_seconds = 1
        db.session.commit()
        assert job_requests.dispatch([job])  # replaces the queued RQ job (same id), 1 s to live
    workers.start()
    failed = wait_for(app, job_id, ("termine", "echec"))
    assert failed.state == "echec", "a pack rendered in under a second?"
    assert failed.error and "Délai dépassé" in failed.error
    assert failed.attempts == 1 and failed.file_key is None


@needs_redis
def test_the_scheduler_runs_the_sweeper_and_records_the_daily_tasks(
    app: Flask, workers: Workers
) -> None:
    from app.jobs.queue import connection
    from app.jobs.scheduler import build_scheduler

    with app.app_context():
        before = db.session.query(Job).filter(Job.kind == "daily_reminders").count()
        cron = build_scheduler(app, connection(app))
        names = {job.name for job in cron.get_jobs()}
        assert {"vigie-daily-reminders", "vigie-collection-health"} <= names
        # the daily tasks are not due; the sweeper runs in the scheduler itself, no worker
        assert cron.enqueue_jobs() == []
        assert cron.sweep_now() is not None
        from rq import Queue

        queue = Queue(workers.queue, connection=connection(app))
        queue.enqueue("app.jobs.worker.run_scheduled", "daily_reminders")
        queue.enqueue("app.jobs.worker.run_scheduled", "collection_health")
    workers.start()
    deadline = time.monotonic() + 60
    while True:
        with app.app_context():
            done = db.session.scalars(
                select(Job)
                .where(
                    Job.kind.in_(("daily_reminders", "collection_health")),
                    Job.state.in_(("termine", "echec")),
                )
                .order_by(Job.id.desc())
            ).all()
            reminders = [j for j in done if j.kind == "daily_reminders"]
            health = [j for j in done if j.kind == "collection_health"]
            if len(reminders) > before and health:
                break
        assert time.monotonic() < deadline, "the scheduled tasks did not run"
        time.sleep(0.2)
    assert reminders[0].state == "termine", reminders[0].error
    assert reminders[0].result_text and "Rappels" in reminders[0].result_text
    assert reminders[0].requested_by_id is None  # Vigie itself
    assert health[0].state == "termine", health[0].error


def test_scheduled_tasks_are_the_quality_cells_to_watch(
    app: Flask, client: FlaskClient, world: World
) -> None:
    """Vigie's own daily tasks are listed for the quality cell (and administrators), not for
    officials or the general direction, who only see the reports people asked for."""
    with app.app_context():
        job = Job(
            kind="daily_reminders",
            title=unique("Rappels quotidiens"),
            params_json="{}",
            state="termine",
            progress=100,
            result_text="Rappels du jour : rien.",
        )
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    for username, sees in (
        ("quality", True),
        ("admin", True),
        ("official", False),
        ("executive", False),
        ("service_head", False),
    ):
        headers = token(client, world.users[username])
        listed = [
            int(j["job_id"])
            for j in client.get("/api/v1/job/", headers=headers).get_json()["result"]
        ]
        assert (job_id in listed) is sees, username
        status = client.get(f"/api/v1/job/{job_id}", headers=headers).status_code
        assert status == (200 if sees else 404), username


def test_a_bad_year_is_refused_in_french_and_nothing_is_recorded(
    app: Flask, client: FlaskClient, world: World
) -> None:
    headers = token(client, world.users["service_head"])
    with app.app_context():
        before = db.session.query(Job).count()
    for year in ("deux mille", 1850):
        answer = client.post(
            f"/api/v1/service/{world.services['S1']}/annual_report",
            headers=headers,
            json={"year": year},
        )
        assert answer.status_code == 422
        body = answer.get_json()
        assert body["message"] == "Année invalide."
        assert body["errors"][0]["field"] == "year"
    with app.app_context():
        assert db.session.query(Job).count() == before
