"""Issue 14 « Login and sessions »: the one registration the composition root calls.

* :mod:`app.security.login_throttle` — failed sign-ins limited per account and per address,
  temporary lockout (Flask-Limiter on the app's Redis);
* :mod:`app.security.sessions` — logout and password change revoke the person's session
  cookies and JWTs (session epoch); cookie flags and lifetime;
* :mod:`app.security.passwords` — the password policy on every way to set one;
* :mod:`app.security.headers` — CSP with per-request nonces and the other security headers;
* :mod:`app.security.login_history` — sign-ins, failures, lockouts, sign-outs and password
  changes in Vigie's history (called by the security manager).
"""

from __future__ import annotations

from flask import Flask

from app.security import headers, login_throttle, passwords, sessions


def install(app: Flask) -> None:
    """After Flask-AppBuilder registered its views (the sign-in endpoints must exist)."""
    sessions.install(app)
    passwords.install(app)
    headers.install(app)
    login_throttle.install(app, app.appbuilder.sm.limiter)  # type: ignore[attr-defined]
