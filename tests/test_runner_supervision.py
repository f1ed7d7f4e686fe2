"""``vigie run`` supervises its children, and the sweeper needs no worker.

Real processes throughout: ``vigie run`` (waitress, two RQ workers, the scheduler) on the
test database and Redis, on a queue of its own.

* a worker killed outright (SIGKILL, as the OOM killer does) is started again, and the
  installation is ready again (``/health/ready``);
* SIGTERM while a review pack is being built: ``vigie run`` exits 0 and no process it ever
  had under it is left — not the worker, not RQ's work-horse (in a process group of its own),
  not RQ's scheduler fork, not Vigie's scheduler;
* SIGTERM while a download is being sent: it is sent whole (requests in flight are
  drained), new connections are refused meanwhile, then the exit;
* with no worker at all, ``vigie scheduler`` alone marks a silent running job abandoned.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import psutil
import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.models.jobs import Job
from app.models.types import utcnow
from tests.conftest import World, token
from tests.factories import build_meeting
from tests.test_files import make_version, put_file
from tests.test_jobs import ask_pack, free_port, job_row, wait_for

REDIS_URL = os.environ.get("VIGIE_TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(not REDIS_URL, reason="VIGIE_TEST_REDIS_URL is not set")
VIGIE = Path(sys.executable).with_name("vigie")
#: Generous bounds for processes to start on a loaded machine (not timed assertions: the
#: test fails only if nothing happens at all).
PATIENCE = 180.0


def _env(app: Flask, queue: str, **extra: str) -> dict[str, str]:
    config = app.config
    env = {
        **os.environ,
        "VIGIE_DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
        "VIGIE_REDIS_URL": str(REDIS_URL),
        "VIGIE_QUEUE": queue,
        "VIGIE_MAIL_QUEUE": queue,
        "VIGIE_INSTANCE_DIR": config["VIGIE_INSTANCE_DIR"],
        "VIGIE_SECRET_KEY": config["SECRET_KEY"],
        "VIGIE_JOB_HEARTBEAT_SECONDS": "0.5",
        "VIGIE_SHUTDOWN_GRACE_SECONDS": "2",
        "VIGIE_RESTART_BACKOFF_MAX_SECONDS": "2",
        "VIGIE_ADMIN_PASSWORD": "sans-objet",
        **extra,
    }
    env.pop("VIGIE_DEMO", None)
    if config.get("VIGIE_FILES_DIR"):
        env["VIGIE_FILES_DIR"] = str(config["VIGIE_FILES_DIR"])
    return env


def _eventually(what: str, probe: object, patience: float = PATIENCE) -> object:
    deadline = time.monotonic() + patience
    while True:
        value = probe()  # type: ignore[operator]
        if value:
            return value
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.2)


@dataclass
class Run:
    """One ``vigie run`` and every process seen under it."""

    process: subprocess.Popen[bytes]
    port: int
    queue: str
    log: Path
    seen: dict[int, psutil.Process]

    def children(self, word: str) -> list[psutil.Process]:
        """Direct children whose command line ends with ``word`` (``worker``, ``scheduler``)."""
        found = []
        for child in psutil.Process(self.process.pid).children():
            try:
                if child.cmdline()[-1:] == [word] and child.status() != psutil.STATUS_ZOMBIE:
                    found.append(child)
            except psutil.Error:
                continue
        return found

    def look(self) -> list[psutil.Process]:
        """Remember every process under ``vigie run`` now; return them."""
        now = psutil.Process(self.process.pid).children(recursive=True)
        for process in now:
            self.seen.setdefault(process.pid, process)
        return now

    def get(self, path: str) -> int:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=10) as r:
                return int(r.status)
        except urllib.error.HTTPError as error:
            return int(error.code)
        except OSError:
            return 0

    def terminate(self) -> int:
        self.look()
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=PATIENCE)

    def left_behind(self) -> list[str]:
        alive = []
        for pid, process in self.seen.items():
            try:
                if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                    alive.append(f"{pid} {' '.join(process.cmdline())}")
            except psutil.NoSuchProcess:
                continue
        return alive


@contextlib.contextmanager
def started_run(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **extra: str
) -> Iterator[Run]:
    """``vigie run`` with two workers on a queue of its own, once it answers and has them."""
    queue = f"vigie-test-run-{uuid.uuid4().hex[:10]}"
    monkeypatch.setitem(app.config, "VIGIE_QUEUE", queue)
    monkeypatch.setitem(app.config, "VIGIE_MAIL_QUEUE", queue)
    monkeypatch.setitem(app.config, "VIGIE_REDIS_URL", REDIS_URL)
    port = free_port()
    log = tmp_path / "vigie-run.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [str(VIGIE), "run", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
            env=_env(app, queue, **extra),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group, as under a service manager
        )
    run = Run(process, port, queue, log, {})
    try:
        _eventually("vigie run answers /health", lambda: run.get("/health") == 200)
        _eventually(
            "two workers and the scheduler",
            lambda: len(run.children("worker")) == 2 and len(run.children("scheduler")) == 1,
        )
        run.look()
        yield run
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
        for leftover in run.seen.values():
            try:
                leftover.kill()
            except psutil.Error:
                continue


@pytest.fixture()
def vigie_run(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Run]:
    with started_run(app, tmp_path, monkeypatch) as run:
        yield run


def test_a_killed_worker_is_restarted_and_sigterm_leaves_nothing(vigie_run: Run) -> None:
    first = vigie_run.children("worker")
    victim = first[0]
    victim.kill()  # SIGKILL: no goodbye to RQ, nothing in the log from the worker itself

    def restarted() -> bool:
        workers = vigie_run.children("worker")
        return len(workers) == 2 and victim.pid not in {w.pid for w in workers}

    _eventually("the killed worker restarted", restarted)
    vigie_run.look()
    _eventually("ready again", lambda: vigie_run.get("/health/ready") == 200)
    assert "worker 1 arrêté" in vigie_run.log.read_text(encoding="utf-8") or (
        "worker 2 arrêté" in vigie_run.log.read_text(encoding="utf-8")
    )

    assert vigie_run.terminate() == 0
    assert vigie_run.left_behind() == []
    assert "Vigie arrêtée." in vigie_run.log.read_text(encoding="utf-8")


def _horses(run: Run) -> list[psutil.Process]:
    """RQ work-horses: children of a worker, leading a process group of their own."""
    horses = []
    for worker in run.children("worker"):
        for child in worker.children():
            try:
                if os.getpgid(child.pid) == child.pid:
                    horses.append(child)
            except (ProcessLookupError, psutil.Error):
                continue
    return horses


def test_sigterm_while_a_pack_builds_leaves_no_process_behind(
    app: Flask, client: FlaskClient, world: World, vigie_run: Run
) -> None:
    meeting = build_meeting(app, world, objectives=12)
    headers = token(client, world.users["quality"])
    answer = ask_pack(client, headers, meeting.review_id)
    assert answer.status_code == 202, answer.get_json()
    job_id = answer.get_json()["job_id"]
    running = wait_for(app, job_id, ("en_cours", "termine", "echec"), timeout=PATIENCE)
    assert running.state == "en_cours", "the pack ended before vigie run could be stopped"
    horses = _eventually("a work-horse building the pack", lambda: _horses(vigie_run))
    assert horses
    vigie_run.look()
    assert job_row(app, job_id).state == "en_cours", "the pack ended before SIGTERM"

    assert vigie_run.terminate() == 0
    assert vigie_run.left_behind() == []
    for horse in horses:  # type: ignore[union-attr]
        assert not horse.is_running()


def test_the_scheduler_alone_sweeps_a_silent_job_with_no_worker(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    queue = f"vigie-test-sweep-{uuid.uuid4().hex[:10]}"
    with app.app_context():
        job = Job(
            kind="review_pack",
            title="Dossier abandonné",
            params_json="{}",
            state="en_cours",
            progress=40,
            step="Mise en page du PDF",
            timeout_seconds=600,
            started_at=utcnow() - timedelta(minutes=10),
            heartbeat_at=utcnow() - timedelta(minutes=10),
            active_key=f"test-sweep:{queue}",
        )
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    scheduler = subprocess.Popen(
        [str(VIGIE), "scheduler"],
        env=_env(app, queue, VIGIE_SWEEP_SECONDS="1", VIGIE_JOB_STALE_SECONDS="60"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        swept = _eventually(
            "the scheduler swept the silent job",
            lambda: job_row(app, job_id).state == "echec" and job_row(app, job_id),
        )
    finally:
        scheduler.send_signal(signal.SIGTERM)
        scheduler.wait(timeout=60)
    assert "abandonné" in (swept.error or "")  # type: ignore[union-attr]
    assert swept.active_key is None  # type: ignore[union-attr]
    assert scheduler.returncode == 0


def test_sigterm_drains_a_download_in_flight(
    app: Flask, client: FlaskClient, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A response being sent when SIGTERM arrives is sent to its end before the exit."""
    monkeypatch.setitem(app.config, "VIGIE_FILES_DIR", str(tmp_path / "files"))
    data = b"%PDF-1.4\n" + os.urandom(6 * 1024 * 1024)
    _doc, pk = make_version(client, world)
    headers = token(client, world.users["service_head"])
    assert put_file(client, headers, pk, "gros.pdf", data).status_code == 200
    with started_run(app, tmp_path, monkeypatch, VIGIE_SHUTDOWN_GRACE_SECONDS="60") as run:
        request = urllib.request.Request(
            f"http://127.0.0.1:{run.port}/api/v1/document_version/{pk}/file", headers=headers
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            first = response.read(64 * 1024)
            run.look()
            run.process.send_signal(signal.SIGTERM)
            _eventually(
                "vigie run stops listening",
                lambda: run.get("/health") == 0,
            )
            rest = response.read()
        assert hashlib.sha256(first + rest).hexdigest() == hashlib.sha256(data).hexdigest()
        assert run.process.wait(timeout=PATIENCE) == 0
        assert run.left_behind() == []
