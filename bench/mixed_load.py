"""Twenty readers and one writer at once, served as the README says for production.

The large demo town is served by two gunicorn process groups, as « Running in production »
describes: the pages (``deploy/gunicorn.conf.py``) and the API (the same file with
``VIGIE_GUNICORN_GROUP=api``), each on its own loopback port. Then, bounded:

* **the writer alone** — a business application pushing 1,000 values a second (one batch
  of 1,000 rows per second through ``POST /api/v1/measurement/batch`` on the API group),
  for :data:`IDLE_SECONDS`: its batch latency at rest;
* **the writer under load** — the same, for :data:`LOAD_SECONDS`, while :data:`READERS`
  signed-in people read pages as fast as the server answers (the map, the indicator and
  action lists, collection health, « Mes tâches », an indicator card).

Aims: the writer keeps its rate (≥ 95 % of 1,000 rows/s), its batch p95 under load stays
within 2× the idle p95, and no request fails (reader or writer).
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import Indicator, Programme
from bench import batch_push
from bench.common import Result, section
from demo.people import DemoAccount

READERS = 20
IDLE_SECONDS = 15
LOAD_SECONDS = 60
ROWS_PER_SECOND = 1000
ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_up(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn ne répond pas sur le port {port}")


def _start(group: str, port: int, app: Flask) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "VIGIE_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "VIGIE_SECRET_KEY": app.config["SECRET_KEY"],
        "VIGIE_REDIS_URL": os.environ.get("VIGIE_TEST_REDIS_URL", ""),
        "VIGIE_GUNICORN_GROUP": group,
        "VIGIE_GUNICORN_BIND": f"127.0.0.1:{port}",
        # plain HTTP on loopback: in production TLS ends at the reverse proxy, here the
        # readers talk to gunicorn directly and a « Secure » cookie would never come back
        "VIGIE_SECURE_COOKIES": "0",
    }
    env.pop("VIGIE_DEMO", None)
    command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")]
    return subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )


def _sign_in(port: int, username: str, password: str) -> urllib.request.OpenerDirector:
    """A browser-like session: the login page's CSRF token, then the form."""
    opener = _opener()
    base = f"http://127.0.0.1:{port}"
    page = opener.open(f"{base}/login/", timeout=30).read().decode()
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    fields = {"username": username, "password": password}
    if found:
        fields["csrf_token"] = found.group(1)
    body = urllib.parse.urlencode(fields).encode()
    opener.open(f"{base}/login/", data=body, timeout=30).read()
    return opener


@dataclass
class Tally:
    """What the readers and the writer saw."""

    reads: int = 0
    errors: list[str] = field(default_factory=list)
    batches: list[float] = field(default_factory=list)
    rows: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def _reader(
    opener: urllib.request.OpenerDirector, urls: list[str], stop: float, tally: Tally
) -> None:
    n = 0
    while time.monotonic() < stop:
        url = urls[n % len(urls)]
        n += 1
        try:
            with opener.open(url, timeout=60) as answer:
                answer.read()
                ok = answer.status == 200
        except (urllib.error.URLError, OSError) as error:
            ok, detail = False, str(error)
        else:
            detail = url
        with tally.lock:
            if ok:
                tally.reads += 1
            else:
                tally.errors.append(f"lecture {url} : {detail}")


def _writer(
    port: int,
    token: str,
    codes: list[str],
    months: Iterator[list[str]],
    seconds: float,
    tally: Tally,
) -> None:
    """One batch of :data:`ROWS_PER_SECOND` new rows at the start of every second."""
    start = time.monotonic()
    second = 0
    taken: list[str] = []
    while second < seconds:
        if not taken:
            taken = list(next(months))
        month = taken.pop()
        rows = [
            {"indicator": code, "period": month, "value": float(second)}
            for code in codes[:ROWS_PER_SECOND]
        ]
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/measurement/batch",
            data=json.dumps({"measurements": rows, "reason": "Banc de charge"}).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        )
        sent = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                answer.read()
                ok = answer.status == 200
        except (urllib.error.URLError, OSError) as error:
            ok = False
            tally.errors.append(f"écriture : {error}")
        took = time.monotonic() - sent
        if ok:
            tally.batches.append(took)
            tally.rows += len(rows)
        second += 1
        time.sleep(max(0.0, start + second - time.monotonic()))


def _p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=20)[-1]


def run(app: Flask) -> list[Result]:
    with section(f"Charge mixte : {READERS} lecteurs et un écrivain de 1 000 lignes/s"):
        try:
            import gunicorn  # noqa: F401
        except ImportError:
            print("   gunicorn absent : charge mixte non mesurée")
            return []
        # the writer feeds 1,000 indicators: twice the push bench's 500
        pairs = batch_push._setup(app, ROWS_PER_SECOND)
        codes = [code for _id, code in pairs]
        with app.app_context():
            programme_id = db.session.scalar(select(Programme.id).order_by(Programme.id))
            card_id = db.session.scalar(select(Indicator.id).order_by(Indicator.id))
        client = app.test_client()
        token = batch_push._jwt(client)["Authorization"].split(" ", 1)[1]
        pages_port, api_port = _free_port(), _free_port()
        groups = [_start("web", pages_port, app), _start("api", api_port, app)]
        try:
            _wait_up(pages_port)
            _wait_up(api_port)
            idle = Tally()
            months = batch_push._fresh_months()
            _writer(api_port, token, codes, months, IDLE_SECONDS, idle)
            base = f"http://127.0.0.1:{pages_port}"
            urls = [
                f"{base}/strategy_map/{programme_id}",
                f"{base}/indicator/list/",
                f"{base}/measurement/list/",
                f"{base}/action/list/",
                f"{base}/collection_health/",
                f"{base}/tasks/",
                f"{base}/cards/indicator/{card_id}",
            ]
            account = DemoAccount("qualite", "quality", "", "")
            openers = [_sign_in(pages_port, "qualite", account.password) for _ in range(READERS)]
            loaded = Tally()
            stop = time.monotonic() + LOAD_SECONDS
            readers = [
                threading.Thread(target=_reader, args=(opener, urls, stop, loaded), daemon=True)
                for opener in openers
            ]
            for reader in readers:
                reader.start()
            _writer(api_port, token, codes, months, LOAD_SECONDS, loaded)
            for reader in readers:
                reader.join(120)
        finally:
            for group in groups:
                _stop(group)
        idle_p95, loaded_p95 = _p95(idle.batches), _p95(loaded.batches)
        rate = loaded.rows / LOAD_SECONDS
        errors = idle.errors + loaded.errors
        print(f"   écrivain seul : p95 d'un lot {idle_p95 * 1000:.0f} ms")
        print(
            f"   sous charge : {rate:,.0f} lignes/s, p95 d'un lot {loaded_p95 * 1000:.0f} ms ; "
            f"{loaded.reads} pages lues ({loaded.reads / LOAD_SECONDS:.1f}/s) ; "
            f"{len(errors)} erreur(s)"
        )
        for error in errors[:5]:
            print(f"     {error}")
        results = [
            Result(
                "charge : débit de l'écrivain / visé",
                f"{rate:,.0f} l/s",
                f"{ROWS_PER_SECOND} l/s",
                rate / ROWS_PER_SECOND,
                0.95,
                True,
            ),
            Result(
                "charge : p95 d'un lot / au repos",
                f"{loaded_p95 * 1000:.0f} ms",
                f"{idle_p95 * 1000:.0f} ms",
                loaded_p95 / idle_p95,
                2.0,
                False,
            ),
            Result("charge : requêtes en erreur", str(len(errors)), "0", len(errors), 0, False),
        ]
        for result in results:
            print(result.line())
        return results
