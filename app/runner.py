"""``vigie run``: the web server, the embedded Redis, RQ workers and the scheduler as one
process group.

Children are started with the Redis URL in their environment, and stopped when the parent
gets Ctrl-C or SIGTERM, so ``make run`` leaves nothing behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from flask import Flask
from waitress import create_server

from app.jobs.queue import redis_url, stop_embedded_redis

#: ``app.extensions`` key of the other accounts ``vigie run`` prints: a list of callables, each
#: returning (username, password, label) triples. The core knows no such account; the demo
#: adds its logins there when the command line installs it (``demo/cli.py``).
LOGIN_HINTS = "vigie.login_hints"


def _logins(app: Flask) -> list[str]:
    lines = []
    admin_file = Path(app.config["VIGIE_INSTANCE_DIR"]) / "admin-password.txt"
    admin_pw = app.config.get("VIGIE_ADMIN_PASSWORD") or (
        admin_file.read_text(encoding="utf-8").strip() if admin_file.exists() else "(inconnu)"
    )
    lines.append(f"  admin / {admin_pw}  (Administrateur)")
    hints: list[Callable[[], Iterable[tuple[str, str, str]]]] = app.extensions.get(LOGIN_HINTS, [])
    with app.app_context():
        for hint in hints:
            lines.extend(f"  {u} / {p}  ({label})" for u, p, label in hint())
    return lines


def serve(app: Flask, host: str, port: int, workers: int = 1) -> int:
    """Run until interrupted; return the exit code."""
    url = redis_url(app)
    env = {"VIGIE_WORKER_LOG_LEVEL": "WARNING", **os.environ, "VIGIE_REDIS_URL": url}
    children: list[subprocess.Popen[Any]] = []
    vigie = Path(sys.executable).with_name("vigie")
    for _ in range(max(1, workers)):
        children.append(subprocess.Popen([str(vigie), "worker"], env=env))
    # one scheduler per installation: the sweeper every minute, the daily reminders
    children.append(subprocess.Popen([str(vigie), "scheduler"], env=env))

    server = create_server(app, host=host, port=port, threads=8)

    def stop(_signum: int, _frame: Any) -> None:
        server.close()
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    print(f"\nVigie est prête : http://{host}:{port}/", flush=True)
    print(f"Redis : {url} ; {len(children) - 1} worker(s) RQ et le planificateur.", flush=True)
    print("Comptes :", flush=True)
    for line in _logins(app):
        print(line, flush=True)
    print("Ctrl-C pour tout arrêter.\n", flush=True)
    try:
        server.run()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        for child in children:
            child.terminate()
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
        stop_embedded_redis()
    return 0
