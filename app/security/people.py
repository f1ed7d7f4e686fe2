"""Who holds a role: the people Vigie notifies on behalf of a role (the quality cell…)."""

from __future__ import annotations

from flask_appbuilder.security.sqla.models import Role
from sqlalchemy import select

from app.extensions import db
from app.models.organisation import VigieUser


def with_role(code: str) -> list[VigieUser]:
    """Active accounts holding a role, oldest first."""
    stmt = (
        select(VigieUser)
        .join(VigieUser.roles)
        .where(Role.name == code, VigieUser.active.is_(True))
        .order_by(VigieUser.id)
    )
    return list(db.session.scalars(stmt).unique())
