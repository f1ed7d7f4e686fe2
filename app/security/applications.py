"""Application accounts: one API account per business application, and its credentials.

A source application (GMAO, SIRH…) pushes measurements with an API key bound to a user of role
``application``; that account reaches nothing but the indicators whose source application it
is. Keys are Flask-AppBuilder's (``ab_api_key``: scrypt-hashed, looked up by keyed hash), so
the secret is shown exactly once, when issued. Issuing, rotating and revoking are commands:
administrators only, one transaction each, with a history entry on the source application
(never the secret).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from app import history
from app.commands.errors import Conflict, Forbidden, Invalid, NotFound
from app.extensions import db
from app.models.indicators import SourceApplication
from app.models.organisation import VigieUser
from app.organisation import create_user
from app.security.administration import key_issuance
from app.security.roles import ADMIN, APPLICATION
from app.unit_of_work import unit_of_work

#: Prefix of Vigie's API keys (``Authorization: Bearer vigie_…``).
KEY_PREFIX = "vigie_"


@dataclass(frozen=True)
class IssuedKey:
    """A freshly issued key: ``secret`` is never stored and never shown again."""

    uuid: str
    name: str
    secret: str


def _require_admin(admin: VigieUser | None) -> None:
    """``admin``: the person managing the accounts; None is Vigie itself (the command line)."""
    roles = {role.name for role in getattr(admin, "roles", [])} if admin is not None else {ADMIN}
    if ADMIN not in roles:
        raise Forbidden(_("Seul un administrateur gère les comptes d'application."))


def find_application(code: str) -> SourceApplication:
    app_row = db.session.scalars(
        select(SourceApplication).where(SourceApplication.code == code)
    ).first()
    if app_row is None:
        raise NotFound(_("Application métier inconnue : « %(code)s ».", code=code))
    return app_row


def application_of(user: VigieUser | None) -> SourceApplication | None:
    """The source application an account pushes for, if it is an application account."""
    if user is None or getattr(user, "id", None) is None:
        return None
    return db.session.scalars(
        select(SourceApplication).where(SourceApplication.account_id == user.id)
    ).first()


def bind_account(
    source: SourceApplication, user: VigieUser, admin: VigieUser | None = None
) -> None:
    """Make ``user`` (role ``application``) the API account of ``source``.

    One account per application and one application per account, so a leaked key reaches
    exactly one application's indicators.
    """
    _require_admin(admin)
    if APPLICATION not in {role.name for role in user.roles}:
        raise Invalid(
            _("Le compte « %(user)s » n'a pas le rôle « application ».", user=user.username)
        )
    other = application_of(user)
    if other is not None and other.id != source.id:
        raise Conflict(
            _(
                "Le compte « %(user)s » est déjà celui de l'application « %(code)s ».",
                user=user.username,
                code=other.code,
            )
        )
    with unit_of_work():
        before = source.account.username if source.account is not None else None
        source.account = user
        history.record(
            "source_application",
            source.id,
            "update",
            user=admin,
            changes={"account": [before, user.username]},
            reason=_("Compte d'application associé."),
        )


def _account_for(source: SourceApplication, admin: VigieUser | None) -> VigieUser:
    """The application's account, created (role application, unusable password) if missing."""
    if source.account is not None:
        return source.account
    username = f"app-{source.code.lower()}"
    user = create_user(
        username=username,
        password=secrets.token_urlsafe(32),
        role_codes=(APPLICATION,),
        first_name=source.name[:64],
        last_name="(application)",
        email=f"{username}@applications.vigie.invalid",
    )
    source.account = user
    history.record(
        "source_application",
        source.id,
        "update",
        user=admin,
        changes={"account": [None, user.username]},
        reason=_("Compte d'application créé."),
    )
    return user


def active_keys(user: VigieUser) -> list[Any]:
    sm: Any = current_app.appbuilder.sm  # type: ignore[attr-defined]
    return [key for key in sm.find_api_keys_for_user(user.id) if key.is_active]


def issue_key(
    source: SourceApplication, admin: VigieUser | None, *, rotate: bool = False
) -> IssuedKey:
    """Issue a key for the application's account; rotating revokes every previous key."""
    _require_admin(admin)
    sm: Any = current_app.appbuilder.sm  # type: ignore[attr-defined]
    with unit_of_work():
        user = _account_for(source, admin)
        revoked = 0
        if rotate:
            for key in active_keys(user):
                key.revoked_on = datetime.now()
                revoked += 1
        name = f"{source.code} {datetime.now():%Y-%m-%d %H:%M}"
        db.session.flush()
        with key_issuance():  # the one path allowed to create keys (app.security.administration)
            info = sm.create_api_key(user, name)  # commits
        if info is None:
            raise Conflict(_("La clé n'a pas pu être créée ; réessayez."))
        history.record(
            "source_application",
            source.id,
            "update",
            user=admin,
            changes={"api_key": [None, info["name"]]},
            reason=(
                _("Clé d'API renouvelée (%(n)d ancienne(s) révoquée(s)).", n=revoked)
                if rotate
                else _("Clé d'API émise.")
            ),
        )
    return IssuedKey(uuid=info["uuid"], name=info["name"], secret=info["key"])


def revoke_keys(
    source: SourceApplication, admin: VigieUser | None, reason: str | None = None
) -> int:
    """Revoke every active key of the application's account; returns how many."""
    _require_admin(admin)
    if source.account is None:
        return 0
    with unit_of_work():
        keys = active_keys(source.account)
        for key in keys:
            key.revoked_on = datetime.now()
        if keys:
            history.record(
                "source_application",
                source.id,
                "update",
                user=admin,
                changes={"api_key": [", ".join(k.name for k in keys), None]},
                reason=reason or _("Clés d'API révoquées."),
            )
    return len(keys)
