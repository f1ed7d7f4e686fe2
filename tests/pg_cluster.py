"""A PostgreSQL cluster of one test's own, to stop and start under a running Vigie.

The shared test server (``scripts/test-services.sh``) must never be stopped by a test: other
tests, and other people's runs, use it. This is the same recipe on a port of its own (25446
and up: below Linux's ephemeral range, 32768–60999, so that no client connection of the
running suite can hold it as its local end while the cluster is stopped), in a folder
under ``/tmp`` that the ``postgres`` user can reach when the tests run as root (``initdb``
and ``postgres`` refuse root).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

FIRST_PORT = 25446


def bindir() -> Path | None:
    """The newest PostgreSQL server bin directory, or None if the server is not installed."""
    configured = os.environ.get("VIGIE_TEST_PG_BINDIR")
    candidates = (
        [configured] if configured else sorted(glob.glob("/usr/lib/postgresql/*/bin"))[::-1]
    )
    for candidate in candidates:
        if candidate and all(Path(candidate, tool).exists() for tool in ("initdb", "pg_ctl")):
            return Path(candidate)
    return None


def _free_port(start: int) -> int:
    """A port nothing holds: one that binds (a port a client connection holds as its local end
    refuses connections, yet cannot be bound)."""
    for port in range(start, start + 200):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port for a private PostgreSQL")


class Cluster:
    """``initdb`` + ``pg_ctl`` on a free port from :data:`FIRST_PORT`; ``url`` points at
    database ``vigie``."""

    def __init__(self) -> None:
        found = bindir()
        if found is None:
            raise RuntimeError("PostgreSQL server binaries not found")
        self.bin = found
        self.port = _free_port(FIRST_PORT)
        self.root = Path(tempfile.mkdtemp(prefix=f"vigie-faults-pg-{self.port}-", dir="/tmp"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.url = f"postgresql+psycopg://vigie@127.0.0.1:{self.port}/vigie"
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(
            command, cwd="/", capture_output=True, text=True, timeout=120, check=True
        )

    def create(self) -> Cluster:
        self._run("initdb", "-D", str(self.data), "-U", "vigie", "-A", "trust", "-E", "UTF8",
                  "--no-sync")  # fmt: skip
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(
                f"\nlisten_addresses = '127.0.0.1'\nport = {self.port}\n"
                f"unix_socket_directories = '{self.root}'\nfsync = off\n"
                "synchronous_commit = off\nfull_page_writes = off\nmax_connections = 40\n"
            )
        self.start()
        psql = shutil.which("psql") or str(self.bin / "psql")
        subprocess.run(
            [psql, "-X", "-q", "-h", "127.0.0.1", "-p", str(self.port), "-U", "vigie",
             "-d", "postgres", "-c", "CREATE DATABASE vigie"],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        return self

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)
