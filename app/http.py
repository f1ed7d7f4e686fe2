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
import logging
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit, urlunsplit

from flask import Flask, Response, current_app, flash, jsonify, redirect, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest

from app.commands.errors import DomainError, FieldError, Forbidden, Invalid, NotFound

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
    appbuilder = current_app.appbuilder  # type: ignore[attr-defined]
    page = render_template(
        "vigie/error.html",
        status=error.status,
        message=error.message,
        back=_back(),
        base_template=appbuilder.base_template,
        appbuilder=appbuilder,
    )
    return page, error.status


def domain_error_response(error: DomainError) -> Any:
    """The one answer to a refusal: JSON under ``/api/``; on screens, a record out of reach
    is a « not found » page whatever the method, a read the role may not make a « refused »
    page, and any other refusal a flashed message and the way back to the page it came
    from."""
    if wants_json():
        response: Response = jsonify(error.payload())
        response.status_code = error.status
        return response
    if isinstance(error, NotFound) or (request.method == "GET" and isinstance(error, Forbidden)):
        return _error_page(error)
    flash_error(error)
    return redirect(_back())


def safe(method: F) -> F:
    """Flask-AppBuilder's ``@safe`` for Vigie's REST routes, minus the blanket 500.

    Domain errors propagate to :func:`domain_error_response` (their status and French
    message); a malformed request is a 400; anything else is logged and answered with a
    French 500 that says nothing about the internals.
    """

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except DomainError:
            raise
        except BadRequest as exc:
            return self.response_400(message=str(exc.description or exc))
        except Exception:
            log.exception("unexpected error in %s", method.__qualname__)
            return self.response_500(
                message=_("Erreur interne : l'opération n'a pas abouti, rien n'a été modifié.")
            )

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
    """The reason typed with a change (« motif »), trimmed; None when empty."""
    raw = values.get(name)
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise Invalid(
            _("Le motif doit être un texte."),
            [FieldError(name, _("« %(name)s » doit être un texte.", name=name))],
        )
    return raw.strip() or None


def register_error_handlers(app: Flask) -> None:
    """Answer domain errors the one way, wherever a route lets one through."""
    app.register_error_handler(DomainError, domain_error_response)
