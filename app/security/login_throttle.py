"""Throttling of failed sign-ins, per account and per address, with Flask-Limiter.

Both ways of signing in — the form (``/login/``) and the JWT API
(``/api/v1/security/login``) — share two limits, counted in the app's Redis:

* ``VIGIE_LOGIN_ACCOUNT_LIMIT`` failures per typed username (default ``10 per minute``),
* ``VIGIE_LOGIN_ADDRESS_LIMIT`` failures per client address (default ``30 per minute``).

Only *failed* attempts count (Flask-Limiter's ``deduct_when``): the security manager marks
the request when the password does not match, so colleagues signing in from one office never
throttle each other. Once a limit is full, the next attempt is refused — ``429`` with a French
page, or French JSON on the API — *before* the password is looked at, so even the right one
is refused; and the account (or the address) stays locked for ``VIGIE_LOGIN_LOCKOUT_SECONDS``
(Flask-Limiter's *meta limit*: a limit on breaches), after which the lock ends by itself. The
lock applies to any typed name, existing or not, so it tells nothing about which accounts
exist.

Redis is ``VIGIE_REDIS_URL``, or the embedded one ``vigie run`` starts — reached at the first
attempt, never when an app is built for a command. If Redis cannot be reached the limiter
falls back to counting in the process's memory (Flask-Limiter logs a warning and goes back to
Redis when it answers again): sign-in keeps working and throttled, never a 500.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_limiter import Limiter, MetaLimit, RateLimitExceeded, RequestLimit
from redis import ConnectionPool, UnixDomainSocketConnection

from app.jobs.queue import embedded_redis
from app.security import login_history

log = logging.getLogger(__name__)

#: The endpoints a person signs in through (Flask-AppBuilder's form and JWT API).
LOGIN_ENDPOINTS = ("AuthDBView.login", "SecurityApi.login")
#: Scope shared by both endpoints: a failure on the form counts for the API and back.
SCOPE = "vigie-login"
#: Seconds to reach the limiter's Redis before falling back to memory.
REDIS_TIMEOUT = 1.0

_FAILED = "vigie_login_failed"


# -- what is counted ---------------------------------------------------------------------------


def submitted_username() -> str:
    """The username typed in this request (form or JSON), as the accounts compare it."""
    if request.is_json:
        data = request.get_json(silent=True)
        name = data.get("username") if isinstance(data, dict) else None
    else:
        name = request.form.get("username")
    return str(name or "").strip().casefold()[:128]


def _prefix() -> str:
    return str(current_app.config.get("VIGIE_LOGIN_KEY_PREFIX") or "vigie-login")


def account_key(username: str | None = None) -> str:
    """Limiter key of the account typed in this request (or of ``username``)."""
    name = submitted_username() if username is None else username.strip().casefold()
    return f"{_prefix()}:account:{name}"


def address_key(address: str | None = None) -> str:
    """Limiter key of the client's address (``VIGIE_PROXY_HOPS`` behind a reverse proxy)."""
    return f"{_prefix()}:address:{address or request.remote_addr or 'inconnue'}"


def mark_failed() -> None:
    """Called by the security manager when a password did not match (or no account did)."""
    g.setdefault(_FAILED, True)


def _failed(_response: Response) -> bool:
    return bool(g.get(_FAILED, False))


# -- the answer to a refused attempt -----------------------------------------------------------


def _lockout_seconds() -> int:
    return max(1, int(current_app.config.get("VIGIE_LOGIN_LOCKOUT_SECONDS") or 300))


def lockout_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return _(
        "Trop de tentatives de connexion échouées : la connexion est bloquée pendant "
        "%(minutes)d minute(s), même avec le bon mot de passe. Réessayez ensuite ; le blocage "
        "se lève de lui-même.",
        minutes=minutes,
    )


def _refusal(seconds: int) -> Response:
    message = lockout_message(seconds)
    if request.path.startswith("/api/"):
        response = jsonify(message=message, retry_after=seconds)
    else:
        appbuilder = current_app.appbuilder  # type: ignore[attr-defined]
        response = Response(
            render_template(
                "vigie/login_locked.html",
                message=message,
                base_template=appbuilder.base_template,
                appbuilder=appbuilder,
            ),
            mimetype="text/html",
        )
    response.status_code = 429
    response.headers["Retry-After"] = str(seconds)
    return response


def _on_breach(subject: str) -> Callable[[RequestLimit], Response]:
    """The attempt that finds a limit full: the lock starts now (history), refused."""

    def breached(_limit: RequestLimit) -> Response:
        seconds = _lockout_seconds()
        username = submitted_username()
        log.warning(
            "sign-in locked for %s s (%s): account %r, address %s",
            seconds,
            subject,
            username,
            request.remote_addr,
        )
        account = current_app.appbuilder.sm.find_user(username=username)  # type: ignore[attr-defined]
        details = {"subject": subject, "seconds": seconds}
        if account is not None and subject == "account":
            login_history.record(
                login_history.LOCKOUT, account, author=login_history.SYSTEM, **details
            )
        else:
            login_history.record_unknown(login_history.LOCKOUT, username, **details)
        return _refusal(seconds)

    return breached


def _answer(error: RateLimitExceeded) -> Response:
    """The refusal as a response of its own (an exception Flask would answer as a bare
    stream, which the page hooks — language, headers — could not read)."""
    if isinstance(error.response, Response):
        return error.response
    return _refusal(_lockout_seconds())


def _on_locked(limit: RequestLimit) -> Response:
    """An attempt while the lock lasts: refused, with the time left."""
    left = math.ceil(limit.reset_at - time.time())
    return _refusal(min(max(1, left), _lockout_seconds()))


# -- storage -----------------------------------------------------------------------------------


class _EmbeddedRedisPool(ConnectionPool):
    """Connections to the embedded Redis, whose socket is known once it runs: it is started
    (or joined) at the first sign-in attempt, not when an app is built for a command."""

    def __init__(self, instance_dir: str) -> None:
        super().__init__(
            connection_class=UnixDomainSocketConnection,
            socket_connect_timeout=REDIS_TIMEOUT,
            socket_timeout=REDIS_TIMEOUT,
        )
        self._instance_dir = instance_dir

    def make_connection(self) -> Any:
        if "path" not in self.connection_kwargs:
            self.connection_kwargs["path"] = embedded_redis(self._instance_dir).socket_file
        return super().make_connection()


def _storage(app: Flask) -> tuple[str, dict[str, Any]]:
    """Flask-Limiter's storage URI and options for the app's Redis."""
    url = app.config.get("VIGIE_REDIS_URL")
    if not url:
        pool = _EmbeddedRedisPool(app.config["VIGIE_INSTANCE_DIR"])
        return "redis+unix:///embedded", {"connection_pool": pool}
    uri = str(url)
    if uri.startswith("unix://"):
        uri = "redis+" + uri
    return uri, {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT}


def create_limiter(app: Flask) -> Limiter:
    """The app's one Flask-Limiter (also Flask-AppBuilder's ``sm.limiter``).

    No default limit: only the sign-in endpoints are limited (:func:`install`).
    """
    app.config["RATELIMIT_ENABLED"] = bool(app.config.get("VIGIE_LOGIN_THROTTLE", True))
    uri, options = _storage(app)
    limiter = Limiter(
        key_func=address_key,
        storage_uri=uri,
        storage_options=options,
        strategy="moving-window",
        in_memory_fallback_enabled=True,
        swallow_errors=True,
        headers_enabled=False,
    )
    limiter.init_app(app)
    return limiter


def _limit(app: Flask, setting: str, default: str) -> str:
    return str(app.config.get(setting) or default)


def install(app: Flask, limiter: Limiter) -> None:
    """Put the two failure limits (and their locks) on both sign-in endpoints."""
    lockout = max(1, int(app.config.get("VIGIE_LOGIN_LOCKOUT_SECONDS") or 300))
    decorators = []
    for subject, setting, default, key in (
        ("account", "VIGIE_LOGIN_ACCOUNT_LIMIT", "10 per minute", account_key),
        ("address", "VIGIE_LOGIN_ADDRESS_LIMIT", "30 per minute", address_key),
    ):
        lock = MetaLimit(
            f"1 per {lockout} second",
            key_function=key,
            on_breach=_on_locked,
            error_message=lambda: lockout_message(_lockout_seconds()),
        )
        decorators.append(
            limiter.shared_limit(
                _limit(app, setting, default),
                scope=SCOPE,
                key_func=key,
                methods=["POST"],
                deduct_when=_failed,
                on_breach=_on_breach(subject),
                error_message=lambda: lockout_message(_lockout_seconds()),
                meta_limits=[lock],
            )
        )
    app.register_error_handler(RateLimitExceeded, _answer)
    for endpoint in LOGIN_ENDPOINTS:
        view: Any = app.view_functions[endpoint]
        for decorate in decorators:
            view = decorate(view)
        app.view_functions[endpoint] = view
