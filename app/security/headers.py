"""Security headers on every response: pages, API, static files and errors alike.

One ``after_request`` hook sets:

* ``Content-Security-Policy`` — scripts only from Vigie's own origin or inline with this
  response's nonce (no ``'unsafe-inline'`` for scripts: every inline ``<script>`` of
  Flask-AppBuilder's templates and Vigie's carries ``nonce="{{ baselib.get_nonce() }}"``, FAB's
  hook for a ``csp_nonce()`` template function, which :func:`install` provides; Vigie's own
  behaviour lives in static files, and no template has an inline event handler);
  ``'unsafe-inline'`` remains for *styles* only, because FAB's templates and widgets, Select2,
  the datepicker and Vigie's charts write ``style="…"`` attributes — styles cannot run code;
  ``frame-ancestors 'none'`` (no framing: clickjacking), ``object-src 'none'``,
  ``base-uri 'self'``, ``form-action 'self'``;
* ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY`` (older browsers),
  ``Referrer-Policy: same-origin`` (no address of a Vigie page leaves for another site),
  ``Permissions-Policy`` (no camera, microphone, geolocation);
* ``Strict-Transport-Security`` only on a response served over HTTPS (``request.is_secure``:
  behind a reverse proxy that terminates TLS, set ``VIGIE_PROXY_HOPS`` so its
  ``X-Forwarded-Proto`` is believed), for ``VIGIE_HSTS_SECONDS`` (0: none).
"""

from __future__ import annotations

import secrets

from flask import Flask, Response, current_app, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

_NONCE = "vigie_csp_nonce"


def csp_nonce() -> str:
    """This response's script nonce (made on first use, one per request)."""
    nonce = g.get(_NONCE)
    if nonce is None:
        nonce = secrets.token_urlsafe(18)
        setattr(g, _NONCE, nonce)
    return str(nonce)


def content_security_policy(nonce: str) -> str:
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


def _add_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce()))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    seconds = _hsts_seconds()
    if request.is_secure and seconds > 0:
        headers.setdefault("Strict-Transport-Security", f"max-age={seconds}")
    return response


def _hsts_seconds() -> int:
    return int(current_app.config.get("VIGIE_HSTS_SECONDS", 31536000) or 0)


def install(app: Flask) -> None:
    """The headers hook, ``csp_nonce()`` in templates, and the reverse proxy's headers
    believed for ``VIGIE_PROXY_HOPS`` hops (client address for the sign-in limits, scheme
    for HSTS and cookies)."""
    app.after_request(_add_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    hops = int(app.config.get("VIGIE_PROXY_HOPS") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops
        )
