"""When a service Vigie stands on fails: the database unreachable, a French 503 that heals.

PostgreSQL stopped, restarting, or out of connections makes SQLAlchemy raise
``OperationalError`` / ``InterfaceError`` / ``DisconnectionError`` (or ``TimeoutError`` when
the pool waits in vain). Without this module those reach Werkzeug's English HTML 500.
Here they become one answer, on every route:

* under ``/api/`` (or for a client asking for JSON): ``503`` with ``{"message": …}`` in French;
* on screens: a French page, ``503`` too — a standalone page that touches neither the
  database nor the logged-in user (the usual layout reads both, and would fail again);
* always with ``Retry-After`` (``VIGIE_RETRY_AFTER_SECONDS``), so clients and load balancers
  back off instead of hammering.

Flask-AppBuilder's own REST routes (login, security API) catch every exception themselves and
answer an English 500; an engine ``handle_error`` listener notes on ``g`` that the database
failed during the request, and an ``after_request`` hook turns such a 5xx into the same 503.

Recovery needs no restart: the engine is built with ``pool_pre_ping`` (PostgreSQL; see
:func:`engine_options`), so a connection the restarted server no longer knows is replaced at
checkout; on a disconnect SQLAlchemy also invalidates the whole pool. The session of the
failed request is rolled back and removed, so the next request starts clean.
"""

from __future__ import annotations

import contextlib
import logging

from flask import Flask, Response, current_app, g, jsonify, request
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from app.extensions import db
from app.http import wants_json

log = logging.getLogger(__name__)

#: What SQLAlchemy raises when the database cannot be reached or answers no more.
DATABASE_UNAVAILABLE: tuple[type[Exception], ...] = (
    OperationalError,
    InterfaceError,
    DisconnectionError,
    PoolTimeoutError,
)
#: Seconds a client should wait before trying again (``VIGIE_RETRY_AFTER_SECONDS``).
RETRY_AFTER_SECONDS = 30
#: Seconds to reach PostgreSQL before a request gives up (``VIGIE_DB_CONNECT_TIMEOUT``).
CONNECT_TIMEOUT_SECONDS = 5
_FLAG = "vigie_database_unavailable"


def engine_options(app: Flask) -> None:
    """Engine options that let the application outlive a database restart.

    PostgreSQL: ``pool_pre_ping`` (a dead pooled connection is replaced, not handed out) and
    a connect timeout (an unreachable server fails a request in seconds, not minutes). SQLite
    has no server to lose: its options are left as they are.
    """
    uri = str(app.config.get("SQLALCHEMY_DATABASE_URI") or "")
    if not uri.startswith("postgresql"):
        return
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    options.setdefault("pool_pre_ping", True)
    connect_args = dict(options.get("connect_args") or {})
    timeout = app.config.get("VIGIE_DB_CONNECT_TIMEOUT", CONNECT_TIMEOUT_SECONDS)
    connect_args.setdefault("connect_timeout", int(timeout))
    options["connect_args"] = connect_args
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def retry_after() -> int:
    return int(current_app.config.get("VIGIE_RETRY_AFTER_SECONDS") or RETRY_AFTER_SECONDS)


def unavailable_message() -> str:
    return _(
        "La base de données de Vigie est momentanément injoignable : votre demande n'a pas "
        "été traitée et rien n'a été modifié. Réessayez dans quelques instants."
    )


def _forget_the_session() -> None:
    """End the failed request's transaction; the next request checks out a fresh connection."""
    with contextlib.suppress(Exception):
        db.session.rollback()
    with contextlib.suppress(Exception):
        db.session.remove()


def unavailable_response() -> Response:
    """The French 503 (JSON for API clients, a standalone page on screens)."""
    message = unavailable_message()
    if wants_json():
        response: Response = jsonify(message=message)
    else:
        # the template alone, without the context processors: they read the user and the
        # notifications from the database
        page = current_app.jinja_env.get_template("vigie/unavailable.html")
        response = Response(
            page.render(message=message, home=request.script_root + "/"), mimetype="text/html"
        )
    response.status_code = 503
    response.headers["Retry-After"] = str(retry_after())
    response.headers["Cache-Control"] = "no-store"
    return response


def database_unavailable(error: Exception) -> Response:
    """Error handler: the database failed while serving this request."""
    log.error("database unavailable on %s %s: %s", request.method, request.path, error)
    _forget_the_session()
    return unavailable_response()


def _note_database_failure(context: ExceptionContext) -> None:
    """Engine listener: remember, for this request, that the database itself failed."""
    if context.is_disconnect or isinstance(context.sqlalchemy_exception, DATABASE_UNAVAILABLE):
        with contextlib.suppress(RuntimeError):  # outside a request (CLI, worker): no ``g``
            setattr(g, _FLAG, True)


def database_failure_handled() -> None:
    """The caller caught a database failure and answers for it (the readiness probe): its own
    response stands, it is not turned into the 503 page."""
    with contextlib.suppress(RuntimeError):
        g.pop(_FLAG, None)


def _swallowed_failure(response: Response) -> Response:
    """A 5xx answered by code that caught the database error itself becomes the 503."""
    if response.status_code >= 500 and getattr(g, _FLAG, False):
        _forget_the_session()
        return unavailable_response()
    return response


def register_fault_handlers(app: Flask) -> None:
    """Install the 503 for an unreachable database (handlers, engine listener, hook)."""
    for error_class in DATABASE_UNAVAILABLE:
        app.register_error_handler(error_class, database_unavailable)
    with app.app_context():
        event.listen(db.engine, "handle_error", _note_database_failure)
    app.after_request(_swallowed_failure)
