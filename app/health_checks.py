"""``GET /health`` and ``GET /health/ready``: is this Vigie alive, and can it do its work?

For a load balancer and for monitoring, unauthenticated (listed in
:data:`app.security.guards.PUBLIC_ENDPOINTS`) and revealing nothing an outsider could use: no
host name, address, version, user, record or error text — only each check's verdict as a
stable code and a few counts. Causes go to the log.

* ``/health`` — liveness: the process answers. Touches neither the database nor Redis, so a
  database outage does not make an orchestrator kill healthy web processes.
* ``/health/ready`` — readiness: ``200`` when every check passes, else ``503`` (with
  ``Retry-After``) and the failing checks named in ``failing``:

  ``database``  ``SELECT 1`` answers;
  ``redis``     the job queue's Redis answers ``PING``;
  ``workers``   at least one live RQ worker listens on each of Vigie's queues (RQ's registry:
                a worker silent for ``VIGIE_WORKER_TTL_SECONDS`` + 60 s has left it);
  ``scheduler`` the scheduler's heartbeat is younger than ``VIGIE_SCHEDULER_STALE_SECONDS``;
  ``queue``     at most ``VIGIE_READY_MAX_QUEUE`` jobs wait in Redis;
  ``files``     the files folder takes a file and has ``VIGIE_READY_MIN_FREE_MB`` MiB free.

Not the « santé de la collecte » screen (``views/health.py``), which is about indicators.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify
from redis import Redis
from rq import Queue, Worker
from sqlalchemy import text

from app import files
from app.extensions import db
from app.faults import database_failure_handled, retry_after
from app.jobs.queue import queue_names, redis_url
from app.jobs.scheduler import scheduler_name

log = logging.getLogger(__name__)

health = Blueprint("vigie_health", __name__)

#: Seconds any single probe of Redis may take (a hung Redis fails the check, not the probe).
REDIS_TIMEOUT = 2
#: RQ's registry of cron schedulers: name → time of the last heartbeat.
CRON_REGISTRY_KEY = "rq:cron_schedulers"
MIB = 1024 * 1024


@dataclass
class Check:
    """One verdict: ``ok`` and a stable code (``ok``, ``injoignable``…), plus counts."""

    ok: bool
    code: str = "ok"
    counts: dict[str, float | int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "code": self.code, **self.counts}


def _setting(name: str, default: int) -> int:
    value = current_app.config.get(name)
    return default if value is None else int(value)


def check_database() -> Check:
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        log.warning("readiness: database unreachable: %s", exc)
        database_failure_handled()
        return Check(False, "injoignable")
    return Check(True)


def _redis() -> Redis:
    return Redis.from_url(
        redis_url(current_app),
        socket_connect_timeout=REDIS_TIMEOUT,
        socket_timeout=REDIS_TIMEOUT,
    )


def check_redis(conn: Redis) -> Check:
    try:
        conn.ping()
    except Exception as exc:
        log.warning("readiness: Redis unreachable: %s", exc)
        return Check(False, "injoignable")
    return Check(True)


def check_workers(conn: Redis) -> Check:
    names = queue_names(current_app)  # the jobs queue, then the mail queue if it differs
    counts: dict[str, float | int] = {
        label: len(Worker.all(queue=Queue(name, connection=conn)))
        for label, name in zip(("live", "live_mail"), names, strict=False)
    }
    live = min(counts.values())
    return Check(live > 0, "ok" if live > 0 else "aucun_worker", counts)


def check_scheduler(conn: Redis) -> Check:
    score = conn.zscore(CRON_REGISTRY_KEY, scheduler_name(current_app))
    if score is None:
        return Check(False, "absent")
    age = max(0.0, time.time() - float(score))
    fresh = age <= _setting("VIGIE_SCHEDULER_STALE_SECONDS", 180)
    return Check(fresh, "ok" if fresh else "silencieux", {"heartbeat_age_seconds": round(age)})


def check_queue(conn: Redis) -> Check:
    depth = sum(Queue(name, connection=conn).count for name in queue_names(current_app))
    short = depth <= _setting("VIGIE_READY_MAX_QUEUE", 200)
    return Check(short, "ok" if short else "file_trop_longue", {"depth": depth})


def _existing(path: Path) -> Path:
    """The folder itself, or its nearest existing parent (not created yet: its disk)."""
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_files() -> Check:
    folder = files.files_dir()
    try:
        free_mb = shutil.disk_usage(_existing(folder)).free // MIB
    except OSError as exc:
        log.warning("readiness: files folder unreadable: %s", exc)
        return Check(False, "inaccessible")
    try:
        files.check_writable()
    except files.StorageUnavailable:
        return Check(False, "ecriture_refusee", {"free_mb": free_mb})
    roomy = free_mb >= _setting("VIGIE_READY_MIN_FREE_MB", 200)
    return Check(roomy, "ok" if roomy else "espace_insuffisant", {"free_mb": free_mb})


def _guarded(probe: Callable[[], Check], code: str = "injoignable") -> Check:
    try:
        return probe()
    except Exception as exc:
        log.warning("readiness probe failed: %s", exc)
        return Check(False, code)


def readiness() -> dict[str, Check]:
    """Every check, in a fixed order; Redis-based ones fail as « injoignable » with Redis."""
    checks = {"database": check_database()}
    conn = _redis()
    checks["redis"] = check_redis(conn)
    if checks["redis"].ok:
        checks["workers"] = _guarded(lambda: check_workers(conn))
        checks["scheduler"] = _guarded(lambda: check_scheduler(conn))
        checks["queue"] = _guarded(lambda: check_queue(conn))
    else:
        for name in ("workers", "scheduler", "queue"):
            checks[name] = Check(False, "redis_injoignable")
    checks["files"] = _guarded(check_files, "inaccessible")
    conn.close()
    return checks


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@health.route("/health")
def live() -> Response:
    """Liveness: the process answers (no database, no Redis)."""
    return _no_store(jsonify(status="ok"))


@health.route("/health/ready")
def ready() -> Response:
    """Readiness: 200 when every check passes, 503 naming the failing ones."""
    checks = readiness()
    failing = [name for name, check in checks.items() if not check.ok]
    response = jsonify(
        status="indisponible" if failing else "ok",
        failing=failing,
        checks={name: check.as_dict() for name, check in checks.items()},
    )
    if failing:
        response.status_code = 503
        response.headers["Retry-After"] = str(retry_after())
    return _no_store(response)


def register_health_checks(app: Flask) -> None:
    app.register_blueprint(health)
