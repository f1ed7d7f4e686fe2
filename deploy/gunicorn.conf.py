"""Gunicorn settings for Vigie in production: two process groups behind one reverse proxy.

    gunicorn -c deploy/gunicorn.conf.py                          # web: screens, 127.0.0.1:8000
    VIGIE_GUNICORN_GROUP=api gunicorn -c deploy/gunicorn.conf.py  # API: /api/v1/, 127.0.0.1:8001

Why two groups: business applications push their values in batches to ``/api/v1/`` while
agents and officials read pages. In one pool, twenty readers hold every thread and a batch
waits behind them (measured: the writer fell from 1,000 to 233 rows/s, issue 16). With the
API in a pool of its own — ``deploy/nginx-vigie.conf`` sends ``/api/v1/`` there — a batch
only ever waits for another API call.

Why these settings:

* ``gthread`` — threads per worker, so a slow client (a phone on a town hall's Wi-Fi) holds
  a thread, not a whole process; the app is thread-safe (scoped sessions, per-thread font
  configuration in the renderer, locked caches).
* ``timeout`` — with ``gthread`` the worker's main loop keeps telling the arbiter it is alive
  while its threads serve, so this does not cut a long request: it restarts a worker that is
  stuck as a whole. Long work never runs in a request anyway: reports, large exports and
  imports are jobs (``vigie worker``), the page only asks for them and shows their progress.
  The reverse proxy's ``proxy_read_timeout`` is what bounds a request, and matches it here.
* ``graceful_timeout`` — on a reload or a recycled worker, requests in hand get this long to
  finish.
* ``keepalive`` — connections from the reverse proxy (``keepalive`` in its ``upstream``) are
  reused for a few seconds instead of one TCP handshake per request.
* ``max_requests`` with jitter — each worker is replaced after about a thousand requests
  (not all at the same moment), which gives back the memory a Python process never returns
  to the system on its own after a large page.

Every value can be changed from the environment (``VIGIE_GUNICORN_*`` below) without editing
this file; gunicorn's own command-line options override it too.
"""

from __future__ import annotations

import os

#: Settings that differ between the two groups.
GROUPS: dict[str, dict[str, int | str]] = {
    "web": {"bind": "127.0.0.1:8000", "workers": 4, "threads": 4, "timeout": 60},
    # batches of up to 50,000 values: fewer, longer requests, on fewer threads
    "api": {"bind": "127.0.0.1:8001", "workers": 2, "threads": 2, "timeout": 120},
}

# not ``group``: that name is gunicorn's setting for the Unix group to run as
_group = os.environ.get("VIGIE_GUNICORN_GROUP", "web")
if _group not in GROUPS:
    raise SystemExit(
        f"VIGIE_GUNICORN_GROUP={_group!r}: attendu l'un de {', '.join(sorted(GROUPS))}"
    )
_defaults = GROUPS[_group]


def _setting(name: str) -> str:
    return os.environ.get(f"VIGIE_GUNICORN_{name.upper()}") or str(_defaults[name])


wsgi_app = "app:create_app()"
proc_name = f"vigie-{_group}"
bind = [_setting("bind")]
worker_class = "gthread"
workers = int(_setting("workers"))
threads = int(_setting("threads"))
timeout = int(_setting("timeout"))
graceful_timeout = int(os.environ.get("VIGIE_GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("VIGIE_GUNICORN_KEEPALIVE", "5"))
max_requests = int(os.environ.get("VIGIE_GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = int(os.environ.get("VIGIE_GUNICORN_MAX_REQUESTS_JITTER", "100"))
# the heartbeat file on a memory file system: a slow disk cannot make a worker look stuck
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# gunicorn ≥ 26 opens a control socket at one path per user ($HOME/.gunicorn/gunicorn.ctl):
# the two groups would fight over it, and Vigie is managed by signals and its service manager
control_socket_disable = True
# logs to the service manager's journal
accesslog = "-"
errorlog = "-"
