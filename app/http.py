"""The HTTP side of the use cases, shared by both adapters (the screens and the REST API).

* One mapping of the domain's refusals: :func:`domain_error_response` answers a
  :class:`~app.commands.errors.DomainError` with its JSON body and status under ``/api/``, and
  on a screen with the French message flashed and the user sent back where they came from (a
  page for a refused read). The composition root registers it as Flask's error handler, and
  :func:`safe` (the REST resources' decorator, in place of Flask-AppBuilder's, which turns
  every exception into a 500) lets domain errors reach it.
* One way to read what a write carries besides its fields: :func:`read_version` (optimistic
  locking) and :func:`read_reason` (why), with the same French refusal on both sides.
* One check of a redirect target: :func:`safe_path`.
"""

from __future__ import annotations

import functools
import json
import logging
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit, urlunsplit

from flask import Flask, Response, current_app, flash, jsonify, redirect, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from app.commands.errors import DomainError, FieldError, Forbidden, Invalid, NotFound
from app.commands.values import check_reason
from app.extensions import db

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

#: Where REST routes live: their errors are JSON, never a page.
API_PREFIX = "/api/"


def wants_json() -> bool:
    """The caller is an API client (or a page's script asking for JSON)."""
    return request.path.startswith(API_PREFIX) or (
        request.accept_mimetypes.best == "application/json"
    )


def _as_read(link: str) -> str:
    """The target as a browser, a proxy or a later decoding may read it: percent-decoded
    until stable (``%252F`` → ``%2F`` → ``/``) and folded to compatibility forms (NFKC: a
    fullwidth ``／`` is a ``/``)."""
    text = link
    for _round in range(4):
        decoded = unquote(text)
        if decoded == text:
            break
        text = decoded
    return unicodedata.normalize("NFKC", text)


def _leaves_site(form: str) -> bool:
    """``form`` is not a plain path of this site: relative, scheme-relative (``//``, ``/\\``),
    with a scheme (``javascript:``, ``http:``) or a host, a backslash in its path (browsers
    read it as ``/``), or any control or invisible format character (tabs and newlines are
    dropped by browsers, so ``/%09/evil.org`` is ``//evil.org``)."""
    if any(unicodedata.category(char)[0] == "C" for char in form):
        return True
    if not form.startswith("/") or form[1:2] in ("/", "\\"):
        return True
    if "\\" in form.split("?", 1)[0].split("#", 1)[0]:
        return True
    try:
        parts = urlsplit(form)
    except ValueError:
        return True
    return bool(parts.scheme or parts.netloc)


def safe_path(link: str | None) -> str | None:
    """An in-app path (``/audit/show/12``) and nothing else: no redirect to another site.

    The one check of a redirect target (``next``, the referrer, a notification's link, FAB's
    login ``next`` through :func:`in_app_target`): the target is judged as written *and* as
    read once normalised (:func:`_as_read`), and refused if either form could leave the site.
    """
    if not isinstance(link, str) or not link or "\\" in link:
        return None
    if _leaves_site(link) or _leaves_site(_as_read(link)):
        return None
    return link


def in_app_target(url: str | None) -> str | None:
    """A redirect target (a path, or an absolute URL of this very site such as the referrer
    or FAB's page history) as a safe in-app path; None for anything else."""
    if not isinstance(url, str) or not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme or parts.netloc:
        own = urlsplit(request.host_url)
        if parts.scheme.lower() not in ("http", "https") or parts.netloc.lower() != (
            own.netloc.lower()
        ):
            return None
        url = urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))
    return safe_path(url)


def _back() -> str:
    """Where a refused form goes back to: the page it came from, if it is ours."""
    path = in_app_target(request.referrer)
    if path and path != request.full_path.rstrip("?"):
        return path
    return request.script_root + "/"


def flash_error(error: DomainError) -> None:
    """A refusal on a screen: its French message, then each field's (not the row markers)."""
    flash(error.message, "danger")
    for item in error.errors:
        if item.field not in ("__all__", "__row__"):
            flash(item.message, "danger")


def _error_page(error: DomainError) -> Any:
    return _page(error.status, error.message)


def _page(status: int, message: str) -> Any:
    """The French error page of a screen: the status's title, the message, the way back."""
    appbuilder = current_app.appbuilder  # type: ignore[attr-defined]
    page = render_template(
        "vigie/error.html",
        status=status,
        title=status_title(status),
        message=message,
        back=_back(),
        base_template=appbuilder.base_template,
        appbuilder=appbuilder,
    )
    return page, status


def domain_error_response(error: DomainError) -> Any:
    """The one answer to a refusal: JSON under ``/api/``; on screens, a record out of reach
    is a « not found » page whatever the method, a read the role may not make a « refused »
    page, and any other refusal a flashed message and the way back to the page it came
    from."""
    if wants_json():
        response: Response = jsonify(error.payload())
        response.status_code = error.status
        return response
    unreadable = error.status in (400, 413)  # the request could not be read: no form to go back to
    if (
        unreadable
        or isinstance(error, NotFound)
        or (request.method == "GET" and isinstance(error, Forbidden))
    ):
        return _error_page(error)
    flash_error(error)
    return redirect(_back())


def safe(method: F) -> F:
    """Flask-AppBuilder's ``@safe`` for Vigie's REST routes, minus the blanket 500.

    Domain errors propagate to :func:`domain_error_response` (their status and French
    message), HTTP errors (a malformed body, a body too large…) to the French answer of
    their status, and anything else to the catch-all of :func:`register_error_handlers`:
    logged with its traceback, answered with a French 500 that says nothing of the internals
    — the same three answers as every other route's.
    """

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def read_version(values: Mapping[str, Any], headers: Any = None) -> int | None:
    """The ``version`` the writer read (a form field, a JSON member or ``If-Match``).

    ``headers``: the request's, for ``If-Match``. Absent: None (the command decides whether it
    is required). Present but not an integer: a
    French 422 naming the field — on screens as in the API.
    """
    raw = values.get("version")
    if raw in (None, "") and headers is not None:
        raw = (headers.get("If-Match") or "").strip().strip('"') or None
    if raw in (None, ""):
        return None
    if not isinstance(raw, bool):
        try:
            return int(str(raw).strip())
        except ValueError:
            pass
    raise Invalid(
        _("« version » doit être un nombre entier."),
        [FieldError("version", _("« version » doit être un nombre entier."))],
    )


def read_reason(values: Mapping[str, Any], name: str = "reason") -> str | None:
    """The reason typed with a change (« motif », or ``name``: a justification), trimmed;
    None when empty. Not a text, a control character or longer than
    :data:`~app.commands.values.REASON_MAX_LENGTH`: a French 422 naming the field."""
    label = _("Justification") if name == "rationale" else None
    reason, error = check_reason(values.get(name), name, label)
    if error is not None:
        raise Invalid(error.message, [error])
    return reason


# --------------------------------------------------------------------------------------------
# every other error status, in French
# --------------------------------------------------------------------------------------------
def status_title(status: int) -> str:
    """The title of an error page (« Introuvable »…)."""
    titles = {
        400: _("Requête invalide"),
        401: _("Connexion requise"),
        403: _("Accès refusé"),
        404: _("Introuvable"),
        405: _("Méthode non autorisée"),
        409: _("Conflit"),
        410: _("Expiré"),
        413: _("Requête trop volumineuse"),
        415: _("Format non pris en charge"),
        422: _("Données refusées"),
        429: _("Trop de requêtes"),
        500: _("Erreur interne"),
        503: _("Service indisponible"),
    }
    return titles.get(status, _("Erreur %(code)d", code=status))


def status_message(status: int) -> str:
    """What a status means for the person or the client that got it, in French."""
    messages = {
        400: _("La requête est mal formée : elle n'a pas pu être lue, rien n'a été modifié."),
        401: _("Authentification requise : connectez-vous ou joignez un jeton valide."),
        403: _("Accès refusé : votre rôle ne permet pas cette opération."),
        404: _("Introuvable : cette adresse ne mène à aucune page ni à aucun enregistrement."),
        405: _("Cette méthode HTTP n'est pas acceptée à cette adresse."),
        409: _("Conflit : l'enregistrement a changé entre-temps, rien n'a été modifié."),
        410: _("Cette ressource a expiré : recommencez l'opération."),
        413: _("La requête dépasse la taille maximale autorisée : rien n'a été enregistré."),
        415: _("Le format du corps de la requête n'est pas pris en charge."),
        422: _("Les données envoyées ne peuvent pas être traitées : rien n'a été enregistré."),
        429: _("Trop de requêtes : patientez quelques instants avant de réessayer."),
        500: _("Erreur interne : l'opération n'a pas abouti, rien n'a été modifié."),
        503: _("Service momentanément indisponible : réessayez dans quelques instants."),
    }
    return messages.get(status, _("Erreur %(code)d.", code=status))


def _error_answer(status: int, message: str, headers: Mapping[str, str] | None = None) -> Any:
    """JSON ``{"message"}`` for API clients, the error page on screens; ``headers`` kept
    (``Allow`` of a 405, ``Retry-After`` of a 429 or 503)."""
    if wants_json():
        response: Response = jsonify(message=message)
        response.status_code = status
    else:
        response = current_app.make_response((_page_or_plain(status, message), status))
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _language() -> str:
    """The reader's language for a bare page (French when even that cannot be read)."""
    try:
        return str(get_locale() or "fr").split("_")[0]
    except Exception:
        return "fr"


def _page_or_plain(status: int, message: str) -> str:
    """The error page; if even the page cannot be drawn (the error came before the signed-in
    user was loaded, or from the templates themselves), the same words on a bare page."""
    try:
        body, _status = _page(status, message)
        return str(body)
    except Exception:
        log.exception("the error page of a %s could not be drawn", status)
        title, text = escape(status_title(status)), escape(message)
        return (
            f'<!DOCTYPE html><html lang="{_language()}"><head><meta charset="utf-8">'
            f"<title>{title}</title>"
            f'</head><body><div class="alert alert-danger" role="alert"><strong>{title}</strong>'
            f' — {text}</div><p><a href="/">{escape(_("Retour"))}</a></p></body></html>'
        )


#: Headers of an HTTP error kept on its French answer.
_KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


def http_error_response(error: HTTPException) -> Any:
    """Any HTTP error Werkzeug, Flask or Flask-AppBuilder raises (404 of an unknown address,
    405, 413, 400 of an unreadable body…), answered in French with its status."""
    status = error.code or 500
    if status < 400:
        return error
    headers = {k: v for k, v in error.get_headers() if k in _KEPT_HEADERS}
    if getattr(error, "retry_after", None) is not None and "Retry-After" not in headers:
        headers["Retry-After"] = str(error.retry_after)  # type: ignore[attr-defined]
    message = status_message(status)
    if type(error).__name__ == "CSRFError":
        message = _("Jeton de sécurité (CSRF) absent ou expiré : rechargez la page et recommencez.")
    return _error_answer(status, message, headers)


def unexpected_error_response(error: Exception) -> Any:
    """The catch-all: an exception no handler knows is a bug, never the client's fault.
    Logged with its traceback; the transaction is rolled back; the answer is a French 500
    that says nothing of the internals."""
    log.error("unexpected error on %s %s", request.method, request.path, exc_info=error)
    try:
        db.session.rollback()
    except Exception:  # the session itself may be what failed
        log.exception("rollback after an unexpected error failed")
    return _error_answer(500, status_message(500))


#: Flask-AppBuilder's own API answers (``response_404()``, its ``@safe``'s 500…) carry fixed
#: English messages: their French wording, by message.
_FAB_MESSAGES = {
    "Not found": 404,
    "Forbidden": 403,
    "Not authorized": 401,
    "Fatal error": 500,
    "Internal error": 500,
    "Arguments are not correct": 400,
    "Could not process entity": 422,
    "Not a valid rison argument": 400,
    "Not a valid rison/json argument": 400,
    "Request is not JSON": 400,
    "Request payload is not JSON": 400,
}
#: Beginnings of Flask-AppBuilder's own variable English messages (schema errors of ``q``,
#: a Werkzeug error turned into text by its ``@safe``).
_FAB_PREFIXES = (
    "Not a valid rison schema",
    "400 Bad Request",
    "Filter column",
    "Invalid order by column",
    "Filter operation",
    "Cannot use both",
)


def french_api_errors(response: Response) -> Response:
    """Reword Flask-AppBuilder's English error answers on the API in French.

    Vigie's own answers are French already; Flask-AppBuilder's endpoints (its security API,
    lists, ``_info``, the OpenAPI description) answer some errors themselves with a fixed
    English message, or with marshmallow's per-field messages: the message becomes the
    status's French one, the original text is kept as ``detail`` for the developer.
    """
    if (
        response.status_code < 400
        or not request.path.startswith(API_PREFIX)
        or not response.is_json
        or response.direct_passthrough
    ):
        return response
    body = response.get_json(silent=True)
    if isinstance(body, dict) and "message" not in body and isinstance(body.get("msg"), str):
        body = {"message": body.pop("msg"), **body}  # flask-jwt-extended's refusals
        _FAB_MESSAGES.setdefault(body["message"], response.status_code)
    if not isinstance(body, dict) or "message" not in body:
        return response
    message = body["message"]
    english = (
        not isinstance(message, str)
        or message in _FAB_MESSAGES
        or message.startswith(_FAB_PREFIXES)
    )
    if not english:
        return response
    french: dict[str, object] = {**body, "message": status_message(response.status_code)}
    if isinstance(message, dict):
        french["errors"] = [
            {"field": str(field), "message": " ".join(map(str, texts))}
            if isinstance(texts, list)
            else {"field": str(field), "message": str(texts)}
            for field, texts in message.items()
        ]
    elif isinstance(message, str) and message not in _FAB_MESSAGES:
        french["detail"] = message
    elif not isinstance(message, str):
        french["detail"] = str(message)
    response.set_data(json.dumps(french, ensure_ascii=False))
    response.mimetype = "application/json"
    return response


def register_error_handlers(app: Flask) -> None:
    """Answer every error the one way, wherever a route lets one through: domain errors
    with their status, HTTP errors with their status in French, anything else as a French
    500 (logged). Handlers registered for a narrower exception (a database that cannot be
    reached) win over these, as Flask picks the most specific one."""
    app.register_error_handler(DomainError, domain_error_response)
    app.register_error_handler(HTTPException, http_error_response)
    app.register_error_handler(Exception, unexpected_error_response)
    app.after_request(french_api_errors)
