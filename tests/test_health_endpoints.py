"""``GET /health`` and ``GET /health/ready`` for load balancers and monitoring.

Anonymous, JSON, and revealing nothing an outsider could use (no address, path, URL or
version). Readiness is 200 only with the database, Redis, a live worker on Vigie's queues, a
fresh scheduler heartbeat, a short queue and a files folder that takes files with room left;
otherwise 503 naming each failing check. Real ``vigie worker`` and ``vigie scheduler``
processes on a queue of this test's own. (The database stopped: tests/test_faults.py.)
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from rq import Queue

from app.jobs.queue import connection
from tests.test_faults import refusing_folder
from tests.test_runner_supervision import VIGIE, _env

REDIS_URL = os.environ.get("VIGIE_TEST_REDIS_URL")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="VIGIE_TEST_REDIS_URL is not set")
CHECKS = {"database", "redis", "workers", "scheduler", "queue", "files"}


def test_liveness_answers_anonymously_and_says_nothing_more(app: Flask) -> None:
    response = app.test_client().get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def _ready(app: Flask) -> Any:
    return app.test_client().get("/health/ready")


def _revealing(app: Flask, text: str) -> list[str]:
    """Whatever in an answer would tell an outsider about the installation."""
    secrets = [
        str(app.config["SQLALCHEMY_DATABASE_URI"]),
        str(app.config.get("VIGIE_REDIS_URL") or ""),
        str(app.config.get("VIGIE_FILES_DIR") or app.config["VIGIE_INSTANCE_DIR"]),
        socket.gethostname(),
        "127.0.0.1",
        "postgres",
        "sqlite",
        "Traceback",
    ]
    return [s for s in secrets if s and s.lower() in text.lower()]


@pytest.fixture()
def background(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, subprocess.Popen[bytes]]]:
    """A real worker and scheduler on a queue of this test's own."""
    queue = f"vigie-test-ready-{uuid.uuid4().hex[:10]}"
    monkeypatch.setitem(app.config, "VIGIE_QUEUE", queue)
    monkeypatch.setitem(app.config, "VIGIE_MAIL_QUEUE", queue)
    monkeypatch.setitem(app.config, "VIGIE_REDIS_URL", REDIS_URL)
    monkeypatch.setitem(app.config, "VIGIE_FILES_DIR", str(tmp_path / "files"))
    monkeypatch.setitem(app.config, "VIGIE_READY_MIN_FREE_MB", 1)
    env = _env(app, queue)
    processes = {
        name: subprocess.Popen(
            [str(VIGIE), name], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for name in ("worker", "scheduler")
    }
    yield processes
    for process in processes.values():
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM: an idle worker leaves RQ's registry, the scheduler its own."""
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=120)


def _until(app: Flask, status: int) -> Any:
    deadline = time.monotonic() + 180
    while True:
        response = _ready(app)
        if response.status_code == status:
            return response
        assert time.monotonic() < deadline, response.get_json()
        time.sleep(0.3)


@needs_redis
def test_ready_with_everything_then_names_each_failing_check(
    app: Flask, background: dict[str, subprocess.Popen[bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    ready = _until(app, 200)
    body = ready.get_json()
    assert body["status"] == "ok" and body["failing"] == []
    assert set(body["checks"]) == CHECKS
    assert all(check["ok"] and check["code"] == "ok" for check in body["checks"].values())
    assert body["checks"]["workers"]["live"] >= 1
    # the scheduler may queue the daily tasks it finds due as it starts: the worker drains them
    deadline = time.monotonic() + 120
    while body["checks"]["queue"]["depth"]:
        assert time.monotonic() < deadline, body
        time.sleep(0.3)
        ready = _until(app, 200)
        body = ready.get_json()
    assert body["checks"]["queue"]["depth"] == 0
    assert _revealing(app, ready.get_data(as_text=True)) == []

    _stop(background["scheduler"])
    no_scheduler = _ready(app)
    assert no_scheduler.status_code == 503
    assert no_scheduler.headers["Retry-After"]
    assert no_scheduler.get_json()["failing"] == ["scheduler"]
    assert no_scheduler.get_json()["checks"]["scheduler"]["code"] == "absent"

    _stop(background["worker"])
    body = _ready(app).get_json()
    assert body["failing"] == ["workers", "scheduler"]
    assert body["checks"]["workers"] == {"ok": False, "code": "aucun_worker", "live": 0}

    # jobs pile up with nobody to take them: the queue check fails past its bound
    monkeypatch.setitem(app.config, "VIGIE_READY_MAX_QUEUE", 1)
    queue = Queue(app.config["VIGIE_QUEUE"], connection=connection(app))
    for _ in range(2):
        queue.enqueue("app.jobs.worker.sweep_task")
    body = _ready(app).get_json()
    assert "queue" in body["failing"]
    assert body["checks"]["queue"] == {"ok": False, "code": "file_trop_longue", "depth": 2}
    queue.empty()


def test_files_folder_checks_room_and_writes(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "VIGIE_FILES_DIR", str(tmp_path / "files"))
    monkeypatch.setitem(app.config, "VIGIE_READY_MIN_FREE_MB", 1)
    assert _ready(app).get_json()["checks"]["files"]["ok"] is True
    monkeypatch.setitem(app.config, "VIGIE_READY_MIN_FREE_MB", 10**12)
    check = _ready(app).get_json()["checks"]["files"]
    assert check["ok"] is False and check["code"] == "espace_insuffisant"
    monkeypatch.setitem(app.config, "VIGIE_READY_MIN_FREE_MB", 0)
    with refusing_folder(tmp_path, "read-only") as folder:
        monkeypatch.setitem(app.config, "VIGIE_FILES_DIR", str(folder))
        response = _ready(app)
        assert response.status_code == 503
        assert response.get_json()["checks"]["files"]["code"] == "ecriture_refusee"
        assert "files" in response.get_json()["failing"]


def test_redis_unreachable_fails_every_check_that_needs_it(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setitem(app.config, "VIGIE_REDIS_URL", f"redis://127.0.0.1:{port}/0")
    response = _ready(app)
    assert response.status_code == 503
    body = response.get_json()
    assert {"redis", "workers", "scheduler", "queue"} <= set(body["failing"])
    assert body["checks"]["redis"] == {"ok": False, "code": "injoignable"}
    assert body["checks"]["database"]["ok"] is True
    assert _revealing(app, response.get_data(as_text=True)) == []
