"""Server-side revocation of sessions and JWTs: one *session epoch* per person.

Flask's session is a signed cookie and a JWT a signed token: neither can be taken back once
issued, so a copy (a stolen cookie, a token left in a script) would keep working after its
owner signed out. Each person therefore has a number, ``ab_user.session_epoch``:

* signing in stamps the session cookie with it (:func:`stamp_session`, on Flask-Login's
  ``user_logged_in`` signal) and every JWT carries it as the ``vigie_epoch`` claim;
* every request checks the stamp against the person's row — the cookie in the security
  manager's ``load_user`` (Flask-Login's user loader), the token in Flask-JWT-Extended's
  blocklist loader — and refuses an older one;
* signing out and changing a password raise it (:func:`revoke` and the listener on the
  password column, whatever screen, API or command sets it), which turns every cookie and
  token issued before into a refused one. The person who changes their own password keeps the
  session they did it from (it is stamped again); every other copy is refused.

The cookie itself is ``HttpOnly``, ``SameSite=Lax`` and, outside demo mode and tests,
``Secure`` (:func:`configure_cookies`); it expires after ``VIGIE_SESSION_HOURS`` without a
request.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask, Response, has_request_context, jsonify, session
from flask_babel import gettext as _
from flask_jwt_extended import JWTManager
from flask_login import user_logged_in
from sqlalchemy import event

from app.extensions import db
from app.models.organisation import VigieUser
from app.security import login_history
from app.security.scope import request_user

#: Session key holding the epoch the cookie was issued under.
SESSION_KEY = "_vigie_epoch"
#: JWT claim holding the epoch the token was issued under.
JWT_CLAIM = "vigie_epoch"


def current_epoch(user: Any) -> int:
    return int(getattr(user, "session_epoch", 0) or 0)


def session_is_current(user: Any) -> bool:
    """The request's session cookie was issued under the person's current epoch."""
    stamped = session.get(SESSION_KEY)
    return isinstance(stamped, int) and stamped == current_epoch(user)


def stamp_session(_app: Any, user: Any, **_extra: Any) -> None:
    """At sign-in: the cookie carries the epoch, and lasts ``PERMANENT_SESSION_LIFETIME``."""
    session[SESSION_KEY] = current_epoch(user)
    session.permanent = True


def revoke(user: VigieUser) -> None:
    """Refuse every session cookie and JWT the person holds (the caller commits)."""
    user.session_epoch = current_epoch(user) + 1


def _password_set(target: VigieUser, value: Any, oldvalue: Any, _initiator: Any) -> None:
    """A new password hash on an existing account revokes its sessions and tokens.

    Listening on the column covers every path that sets it — Flask-AppBuilder's reset forms
    and user API, ``vigie`` commands — without each having to remember. The person changing
    their own password keeps the session they did it from.
    """
    if target.id is None or value == oldvalue:
        return
    revoke(target)
    login_history.add_password_change(target, request_user() if has_request_context() else None)
    if has_request_context() and str(session.get("_user_id")) == str(target.id):
        session[SESSION_KEY] = target.session_epoch


def _claims(identity: Any) -> dict[str, int]:
    user = db.session.get(VigieUser, int(identity)) if str(identity).isdigit() else None
    return {JWT_CLAIM: current_epoch(user)} if user is not None else {}


def _token_revoked(_header: dict[str, Any], payload: dict[str, Any]) -> bool:
    """A token is refused once its person signed out or changed password since it was
    issued (or when it carries no epoch: issued before revocation existed)."""
    subject = str(payload.get("sub", ""))
    user = db.session.get(VigieUser, int(subject)) if subject.isdigit() else None
    if user is None:
        return True
    stamped = payload.get(JWT_CLAIM)
    return not isinstance(stamped, int) or stamped != current_epoch(user)


def _refusal(message: str) -> tuple[Response, int]:
    return jsonify(message=message), 401


def install_jwt(jwt_manager: JWTManager) -> None:
    """Stamp tokens with the epoch, refuse older ones, and word every refusal in French."""
    jwt_manager.additional_claims_loader(_claims)
    jwt_manager.token_in_blocklist_loader(_token_revoked)
    jwt_manager.revoked_token_loader(
        lambda _h, _p: _refusal(
            _("Jeton révoqué : la personne s'est déconnectée ou a changé de mot de passe.")
        )
    )
    jwt_manager.expired_token_loader(
        lambda _h, _p: _refusal(_("Jeton expiré : reconnectez-vous pour en obtenir un autre."))
    )
    jwt_manager.invalid_token_loader(lambda _reason: _refusal(_("Jeton invalide.")))
    jwt_manager.unauthorized_loader(
        lambda _reason: _refusal(
            _("Authentification requise : en-tête « Authorization: Bearer … » absent.")
        )
    )
    jwt_manager.user_lookup_error_loader(lambda _h, _p: _refusal(_("Compte inconnu ou désactivé.")))
    jwt_manager.needs_fresh_token_loader(
        lambda _h, _p: _refusal(_("Cette opération demande une connexion récente."))
    )


def configure_cookies(app: Flask) -> None:
    """Cookie flags and lifetime from Vigie's settings.

    ``VIGIE_SECURE_COOKIES`` unset: ``Secure`` everywhere but demo mode and tests, which run
    on ``http://localhost``.
    """
    secure = app.config.get("VIGIE_SECURE_COOKIES")
    if secure is None:
        secure = not (app.config.get("VIGIE_DEMO") or app.config.get("TESTING"))
    samesite = app.config.get("VIGIE_COOKIE_SAMESITE") or "Lax"
    lifetime = timedelta(hours=float(app.config.get("VIGIE_SESSION_HOURS") or 8))
    app.config.update(
        SESSION_COOKIE_SECURE=bool(secure),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE=samesite,
        REMEMBER_COOKIE_SECURE=bool(secure),
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE=samesite,
        PERMANENT_SESSION_LIFETIME=lifetime,
    )


_LISTENING: dict[str, bool] = {}


def install(app: Flask) -> None:
    """Cookie policy for this app; the sign-in stamp and the password listener (once per
    process: they are module-level hooks)."""
    configure_cookies(app)
    if not _LISTENING:
        user_logged_in.connect(stamp_session)
        event.listen(VigieUser.password, "set", _password_set)
        _LISTENING["on"] = True
