"""Organisation use cases: accounts and memberships (used by the CLI and the demo)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from app.extensions import db
from app.models.organisation import Service, VigieUser
from app.security import passwords
from app.security.roles import ROLE_CODES
from app.unit_of_work import unit_of_work


class UserError(ValueError):
    """A user could not be created; the message is French and names the problem."""


def find_user(username: str) -> VigieUser | None:
    stmt = select(VigieUser).where(func.lower(VigieUser.username) == username.lower())
    return db.session.scalars(stmt).first()


def create_user(
    *,
    username: str,
    password: str,
    role_codes: Iterable[str],
    service_codes: Iterable[str] = (),
    first_name: str | None = None,
    last_name: str | None = None,
    email: str | None = None,
    manager_username: str | None = None,
) -> VigieUser:
    """Create an account with FAB's password hashing, roles and service memberships."""
    sm: Any = current_app.appbuilder.sm  # type: ignore[attr-defined]
    if find_user(username) is not None:
        raise UserError(f"L'identifiant « {username} » existe déjà.")
    weak = passwords.first_problem(password, [username, email, first_name, last_name])
    if weak:
        raise UserError(weak)
    roles = []
    for code in role_codes:
        if code not in ROLE_CODES:
            raise UserError(f"Rôle inconnu : « {code} » (rôles : {', '.join(ROLE_CODES)}).")
        role = sm.find_role(code)
        if role is None:
            raise UserError(f"Le rôle « {code} » n'existe pas encore : lancez `vigie db upgrade`.")
        roles.append(role)
    services = []
    for code in service_codes:
        service = db.session.scalars(select(Service).where(Service.code == code)).first()
        if service is None:
            raise UserError(f"Service inconnu : « {code} ».")
        services.append(service)
    manager = None
    if manager_username:
        manager = find_user(manager_username)
        if manager is None:
            raise UserError(f"Responsable hiérarchique inconnu : « {manager_username} ».")
    user = sm.add_user(
        username=username,
        first_name=first_name or username,
        last_name=last_name or "",
        email=email or f"{username}@vigie.invalid",
        role=roles,
        password=password,
    )
    if not user:
        db.session.rollback()
        raise UserError(f"Le compte « {username} » n'a pas pu être créé (courriel déjà utilisé ?).")
    user = db.session.get(VigieUser, user.id)
    assert user is not None
    with unit_of_work():
        user.services = services
        user.manager = manager
    return user
