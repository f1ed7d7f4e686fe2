"""``vigie run``: the web server, the embedded Redis, RQ workers and the scheduler, supervised.

One process serves the web (waitress) and supervises the others:

* **restarts** — a worker or the scheduler that dies (crash, OOM killer, ``kill -9``) is
  started again, after 1 s, then 2, 4… up to ``VIGIE_RESTART_BACKOFF_MAX_SECONDS`` while it
  keeps dying young; a child that lived a while is restarted after 1 s again;
* **orderly stop** on SIGTERM or Ctrl-C — the listening socket is closed at once, requests
  already received are answered (drained), workers get a warm shutdown (finish the job in
  hand) for ``VIGIE_SHUTDOWN_GRACE_SECONDS``, then a cold one (RQ kills its work-horse), then
  SIGKILL; last, every process ever seen under a child (work-horses, RQ's own scheduler fork)
  that is still alive is killed by pid. Exit code 0, nothing left behind. A job cut short this
  way stays « en cours » until the sweeper marks it abandoned; it can be re-run;
* **no orphans if the supervisor itself dies** — each child asks Linux to send it SIGTERM
  when its parent goes (``PR_SET_PDEATHSIG``, :func:`die_with_parent`).

Supervision runs in the main thread, between two turns of waitress's event loop, so there is
no thread to lose and a signal is handled where it is received.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
from flask import Flask
from waitress import create_server, wasyncore

from app.jobs.queue import redis_url, stop_embedded_redis

#: ``app.extensions`` key of the other accounts ``vigie run`` prints: a list of callables, each
#: returning (username, password, label) triples. The core knows no such account; the demo
#: adds its logins there when the command line installs it (``demo/cli.py``).
LOGIN_HINTS = "vigie.login_hints"
#: Environment variable naming the supervisor's pid, for :func:`die_with_parent`.
SUPERVISOR_PID = "VIGIE_SUPERVISOR_PID"
#: A child that lived this long before dying is restarted without backing off.
STABLE_AFTER_SECONDS = 30.0
#: Seconds a worker gets after the cold shutdown request before SIGKILL.
COLD_STOP_SECONDS = 10.0
#: One turn of the event loop: how often children are checked.
TICK_SECONDS = 0.5
_PR_SET_PDEATHSIG = 1


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


def die_with_parent() -> None:
    """In a child of ``vigie run``: be sent SIGTERM if the supervisor dies (Linux only).

    Does nothing outside ``vigie run`` (no :data:`SUPERVISOR_PID`) or off Linux. If the
    supervisor died before the request was made, exit now rather than run unsupervised.
    """
    parent = os.environ.get(SUPERVISOR_PID)
    if not parent or not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
    if os.getppid() != int(parent):
        raise SystemExit(0)


def say(message: str) -> None:
    print(message, flush=True)


@dataclass
class Child:
    """One supervised command (a worker or the scheduler) and what was seen under it."""

    label: str
    argv: list[str]
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    quick_deaths: int = 0
    restart_at: float | None = None
    restarts: int = 0
    #: Every process seen under this child (pid → psutil handle, which knows its start time,
    #: so a pid reused by an unrelated process is never killed).
    seen: dict[int, psutil.Process] = field(default_factory=dict)

    def start(self) -> None:
        self.process = subprocess.Popen(self.argv, env=self.env)
        self.started_at = time.monotonic()
        self.restart_at = None
        with contextlib.suppress(psutil.Error):
            self.seen[self.process.pid] = psutil.Process(self.process.pid)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def look_under(self) -> None:
        """Remember the processes under this child (a work-horse runs in a process group
        of its own: only its pid finds it once its worker is gone)."""
        if not self.alive():
            return
        assert self.process is not None
        with contextlib.suppress(psutil.Error):
            for process in psutil.Process(self.process.pid).children(recursive=True):
                self.seen.setdefault(process.pid, process)

    def signal(self, signum: int) -> None:
        if self.alive():
            assert self.process is not None
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signum)


class Supervisor:
    """Start, watch, restart and stop the background processes of ``vigie run``."""

    def __init__(
        self, children: list[Child], *, grace: float, backoff_max: float, out: Callable[[str], None]
    ) -> None:
        self.children = children
        self.grace = grace
        self.backoff_max = max(1.0, backoff_max)
        self.out = out
        self.stopping = False
        self.stop_asked_at = 0.0

    def start(self) -> None:
        for child in self.children:
            child.start()

    def backoff(self, child: Child) -> float:
        lived = time.monotonic() - child.started_at
        child.quick_deaths = 0 if lived >= STABLE_AFTER_SECONDS else child.quick_deaths + 1
        return min(self.backoff_max, 2.0 ** max(0, child.quick_deaths - 1))

    def tick(self) -> None:
        """Remember what runs under each child; restart the dead ones when their time comes."""
        if self.stopping:
            return
        now = time.monotonic()
        for child in self.children:
            child.look_under()
            if child.alive() or child.process is None:
                continue
            if child.restart_at is None:
                delay = self.backoff(child)
                child.restart_at = now + delay
                code = child.process.returncode
                self.out(f"Vigie : {child.label} arrêté (code {code}) ; relancé dans {delay:g} s.")
            elif now >= child.restart_at:
                child.restarts += 1
                child.start()
                assert child.process is not None
                self.out(f"Vigie : {child.label} relancé (pid {child.process.pid}).")

    def begin_stop(self) -> None:
        """Ask every child to stop (warm: a worker finishes its job in hand)."""
        self.stopping = True
        self.stop_asked_at = time.monotonic()
        for child in self.children:
            child.look_under()
            child.signal(signal.SIGTERM)

    def _wait(self, until: float) -> None:
        while time.monotonic() < until and any(child.alive() for child in self.children):
            for child in self.children:
                child.look_under()
            time.sleep(0.1)

    def finish_stop(self) -> None:
        """Wait out the grace period, then stop harder; kill whatever is left by pid."""
        self._wait(self.stop_asked_at + self.grace)
        late = [child for child in self.children if child.alive()]
        if late:
            # RQ ignores a second signal within a second of the first
            time.sleep(max(0.0, self.stop_asked_at + 1.2 - time.monotonic()))
            self.out(
                "Vigie : délai d'arrêt écoulé, travaux en cours interrompus "
                f"({', '.join(child.label for child in late)})."
            )
            for child in late:
                child.signal(signal.SIGTERM)  # cold shutdown: RQ kills its work-horse
            self._wait(time.monotonic() + COLD_STOP_SECONDS)
        for child in self.children:
            child.signal(signal.SIGKILL)
            if child.process is not None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    child.process.wait(timeout=5)
        self.kill_leftovers()

    def kill_leftovers(self) -> list[int]:
        """SIGKILL every process ever seen under a child that still runs; their pids."""
        left = []
        for child in self.children:
            for pid, process in child.seen.items():
                with contextlib.suppress(psutil.Error):
                    if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                        process.kill()
                        left.append(pid)
        with contextlib.suppress(psutil.Error):
            psutil.wait_procs(
                [p for child in self.children for p in child.seen.values()], timeout=5
            )
        return left


def _busy(server: Any) -> bool:
    """A request received and not yet fully answered."""
    return any(
        channel.requests or channel.total_outbufs_len
        for channel in list(server.active_channels.values())
    )


def serve_until_stopped(
    server: Any, supervisor: Supervisor, stop: dict[str, bool], grace: float
) -> None:
    """Serve and supervise until ``stop["now"]``; then stop listening and drain requests."""
    use_poll = server.adj.asyncore_use_poll
    while not stop["now"]:
        wasyncore.loop(timeout=TICK_SECONDS, map=server._map, use_poll=use_poll, count=1)
        supervisor.tick()
    supervisor.begin_stop()
    wasyncore.dispatcher.close(server)  # no new connection; the trigger stays
    deadline = time.monotonic() + grace
    while _busy(server) and time.monotonic() < deadline:
        wasyncore.loop(timeout=0.1, map=server._map, use_poll=use_poll, count=1)
    server.task_dispatcher.shutdown(timeout=max(0.0, deadline - time.monotonic()))
    wasyncore.close_all(server._map)


def background_children(app: Flask, workers: int) -> list[Child]:
    """The RQ workers and the scheduler, with the Redis URL and the supervisor's pid."""
    env = {
        "VIGIE_WORKER_LOG_LEVEL": "WARNING",
        **os.environ,
        "VIGIE_REDIS_URL": redis_url(app),
        SUPERVISOR_PID: str(os.getpid()),
    }
    vigie = str(Path(sys.executable).with_name("vigie"))
    children = [
        Child(f"worker {number}", [vigie, "worker"], env)
        for number in range(1, max(1, workers) + 1)
    ]
    # one scheduler per installation: the sweeper, the daily reminders
    children.append(Child("planificateur", [vigie, "scheduler"], env))
    return children


def serve(app: Flask, host: str, port: int, workers: int = 1) -> int:
    """Run until SIGTERM or Ctrl-C; return the exit code."""
    grace = float(app.config.get("VIGIE_SHUTDOWN_GRACE_SECONDS") or 30)
    supervisor = Supervisor(
        background_children(app, workers),
        grace=grace,
        backoff_max=float(app.config.get("VIGIE_RESTART_BACKOFF_MAX_SECONDS") or 60),
        out=say,
    )
    server = create_server(app, host=host, port=port, threads=8)
    stop = {"now": False}

    def ask_stop(_signum: int, _frame: Any) -> None:
        stop["now"] = True
        with contextlib.suppress(Exception):
            server.pull_trigger()  # wake the event loop now

    signal.signal(signal.SIGTERM, ask_stop)
    signal.signal(signal.SIGINT, ask_stop)
    supervisor.start()
    say(f"\nVigie est prête : http://{host}:{port}/")
    say(f"Redis : {redis_url(app)} ; {max(1, workers)} worker(s) RQ et le planificateur.")
    say("Comptes :")
    for line in _logins(app):
        say(line)
    say("Ctrl-C pour tout arrêter.\n")
    try:
        serve_until_stopped(server, supervisor, stop, grace)
    finally:
        if not supervisor.stopping:
            supervisor.begin_stop()
        supervisor.finish_stop()
        stop_embedded_redis()
        say("Vigie arrêtée.")
    return 0
