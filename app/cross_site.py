"""Cross-site defences of the browser session: the CSRF token on every write, redirects on site.

* **CSRF.** Flask-WTF's ``CSRFProtect`` checks the screens' forms, but Flask-AppBuilder
  exempts every REST blueprint from it (its API is meant for tokens), while Vigie's resources
  also accept the browser session (``allow_browser_login``): without more, a form on another
  site could post to ``/api/v1/…`` (a restore, a PDF request, a job re-run) with the person's
  cookie. Here, every write (``WTF_CSRF_METHODS``: POST, PUT, PATCH, DELETE) that arrives with
  a signed-in session and without a bearer token must carry the CSRF token — the form's
  ``csrf_token`` field or the ``X-CSRFToken`` header (pages' scripts read it from the
  ``csrf-token`` meta tag of the base template) — whatever route it goes to, so a new route
  is covered without anyone thinking of it. A request with ``Authorization: Bearer …`` (a JWT
  or an application's API key) needs no token: a browser never sends that header on a
  cross-site request (Vigie allows no CORS), and FAB checks the token. An anonymous write
  needs none either: it reaches nothing but the login, which ``CSRFProtect`` checks.
* **Redirects.** Every redirect Vigie answers — its own (``next``, the referrer) and
  Flask-AppBuilder's (the login's ``next``, ``/back``, ``redirect(request.referrer)``) — is
  judged once more on its way out by :func:`app.http.in_app_target`, the one check of a
  redirect target; one that could leave the site becomes the home page.

A refused token is a French 400: JSON under ``/api/``, a page on screens; nothing was done.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, g, jsonify, render_template, request, session
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from app.extensions import csrf
from app.http import in_app_target, wants_json

log = logging.getLogger(__name__)

#: Flask-WTF's default set, when the configuration does not name one.
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Flask-Login's session key of the signed-in person.
_SESSION_USER = "_user_id"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


def _bearer() -> bool:
    """The request authenticates with a token (JWT or API key), not with the cookie."""
    scheme, _sep, credentials = (request.headers.get("Authorization") or "").partition(" ")
    return scheme.lower() == "bearer" and bool(credentials.strip())


def require_token_with_session() -> None:
    """``before_request``: a write carried by a signed-in session must carry the CSRF token."""
    config = current_app.config
    if not config.get("WTF_CSRF_ENABLED", True):
        return
    if request.method not in config.get("WTF_CSRF_METHODS", WRITE_METHODS):
        return
    if g.get("csrf_valid") or _bearer() or not session.get(_SESSION_USER):
        return
    csrf.protect()  # raises CSRFError when the token is missing, wrong or expired


def csrf_refused(error: CSRFError) -> tuple[Response | str, int]:
    """The French answer to a missing or wrong token (Flask-WTF's own is an English 400)."""
    log.info("CSRF refused on %s %s: %s", request.method, request.path, error.description)
    message = _(
        "Requête refusée : le jeton de sécurité du formulaire est absent ou périmé. "
        "Rechargez la page et recommencez ; rien n'a été modifié."
    )
    if wants_json():
        return jsonify(message=message), 400
    if "user" not in g:  # refused by CSRFProtect's hook, before AppBuilder's set it
        g.user = current_user
    appbuilder = current_app.appbuilder  # type: ignore[attr-defined]
    page = render_template(
        "vigie/error.html",
        status=400,
        message=message,
        back=in_app_target(request.referrer) or request.script_root + "/",
        base_template=appbuilder.base_template,
        appbuilder=appbuilder,
    )
    return page, 400


def keep_redirects_on_site(response: Response) -> Response:
    """``after_request``: a redirect that could leave the site goes to the home page."""
    if response.status_code in _REDIRECTS and "Location" in response.headers:
        location = response.headers["Location"]
        if in_app_target(location) is None:
            log.warning("redirect to %r refused on %s", location, request.path)
            response.headers["Location"] = request.script_root + "/"
    return response


def install(app: Flask) -> None:
    """Check tokens and redirects on every request (after AppBuilder: its hooks load the user)."""
    app.before_request(require_token_with_session)
    app.register_error_handler(CSRFError, csrf_refused)
    app.after_request(keep_redirects_on_site)
