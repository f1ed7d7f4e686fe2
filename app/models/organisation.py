"""Organisation: services (pôles are services with children) and agents (FAB users, extended).

The service is the unit of scoping: every scoped artefact resolves to one or more services, and
a user's reach is their memberships plus every descendant service (see ``app.security.scope``).
"""

from __future__ import annotations

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.mixins import ArchivableMixin, TrackedMixin

user_service = Table(
    "user_service",
    Model.metadata,
    Column("user_id", Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", Integer, ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
)


class Service(TrackedMixin, ArchivableMixin, Model):
    """A municipal service (``VOIRIE``) or a pôle/direction grouping services."""

    __tablename__ = "service"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("service.id", name="fk_service_parent"), index=True
    )
    head_id: Mapped[int | None] = mapped_column(
        ForeignKey("ab_user.id", name="fk_service_head"), index=True
    )
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    parent: Mapped[Service | None] = relationship(
        "Service", remote_side=[id], back_populates="children"
    )
    children: Mapped[list[Service]] = relationship("Service", back_populates="parent")
    head: Mapped[VigieUser | None] = relationship("VigieUser", foreign_keys=[head_id])
    members: Mapped[list[VigieUser]] = relationship(
        "VigieUser", secondary=user_service, back_populates="services"
    )

    def __repr__(self) -> str:
        return f"{self.code} — {self.name}"


class VigieUser(User):
    """An agent: FAB's user plus service memberships and a manager.

    Same table as FAB's ``ab_user`` (single-table extension, as FAB's *extendsecurity* example),
    so FAB's login, password and JWT machinery keep working unchanged.
    """

    __tablename__ = "ab_user"

    manager_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("ab_user.id", name="fk_user_manager"), nullable=True
    )
    manager: Mapped[VigieUser | None] = relationship(
        "VigieUser", remote_side="VigieUser.id", foreign_keys=[manager_id]
    )
    services: Mapped[list[Service]] = relationship(
        "Service", secondary=user_service, back_populates="members"
    )
    #: Raised by every logout and password change: a session cookie or JWT stamped with an
    #: older value is refused (``app.security.sessions``), so a copy stops working.
    session_epoch: Mapped[int] = mapped_column(
        Integer, nullable=False, default=0, server_default="0"
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def __repr__(self) -> str:
        return self.full_name or self.username
