"""Strategy: the municipal programme, its axes, strategic objectives and service objectives.

A service objective without a strategic objective is a pure "service policy" objective (the
seed's *organiser la politique de service*); with one, it measures the service's contribution.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_appbuilder import Model
from sqlalchemy import Column, Float, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.mixins import ArchivableMixin, TrackedMixin
from app.models.organisation import Service, VigieUser

if TYPE_CHECKING:
    from app.models.quality import Process

axis_referent = Table(
    "axis_referent",
    Model.metadata,
    Column("axis_id", Integer, ForeignKey("axis.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), primary_key=True),
)

strategic_objective_service = Table(
    "strategic_objective_service",
    Model.metadata,
    Column(
        "strategic_objective_id",
        Integer,
        ForeignKey("strategic_objective.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("service_id", Integer, ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
)

PROGRAMME_STATUSES = ("draft", "active", "closed")


class Programme(TrackedMixin, ArchivableMixin, Model):
    """The elected officials' programme for a mandate (e.g. 2020–2026)."""

    __tablename__ = "programme"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    start_year: Mapped[int] = mapped_column(Integer, nullable=False)
    end_year: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="draft")
    description: Mapped[str | None] = mapped_column(Text)

    axes: Mapped[list[Axis]] = relationship(
        "Axis", back_populates="programme", order_by="Axis.position"
    )

    def __repr__(self) -> str:
        return f"{self.title} ({self.start_year}–{self.end_year})"


class Axis(TrackedMixin, ArchivableMixin, Model):
    """One of the programme's strategic axes (``A1``)."""

    __tablename__ = "axis"
    __table_args__ = (UniqueConstraint("programme_id", "code", name="uq_axis_programme_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", name="fk_axis_programme"), nullable=False, index=True
    )
    code: Mapped[str] = mapped_column(String(16), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    programme: Mapped[Programme] = relationship("Programme", back_populates="axes")
    referents: Mapped[list[VigieUser]] = relationship("VigieUser", secondary=axis_referent)
    objectives: Mapped[list[StrategicObjective]] = relationship(
        "StrategicObjective", back_populates="axis", order_by="StrategicObjective.code"
    )

    def __repr__(self) -> str:
        return f"{self.code} — {self.title}"


class StrategicObjective(TrackedMixin, ArchivableMixin, Model):
    """A strategic objective (``A1.2``) under an axis, with its contributing services."""

    __tablename__ = "strategic_objective"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    axis_id: Mapped[int] = mapped_column(
        ForeignKey("axis.id", name="fk_strategic_objective_axis"), nullable=False, index=True
    )
    code: Mapped[str] = mapped_column(String(16), nullable=False, unique=True)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("ab_user.id", name="fk_strategic_objective_owner"), index=True
    )
    weight: Mapped[float] = mapped_column(Float, nullable=False, default=1.0)

    axis: Mapped[Axis] = relationship("Axis", back_populates="objectives")
    owner: Mapped[VigieUser | None] = relationship("VigieUser")
    services: Mapped[list[Service]] = relationship("Service", secondary=strategic_objective_service)

    def __repr__(self) -> str:
        return f"{self.code} — {self.title}"


class ServiceObjective(TrackedMixin, ArchivableMixin, Model):
    """A service's objective for a year, validated each year up to the Revue de Direction.

    ``state`` belongs to the annual validation workflow: it is never editable through CRUD.
    """

    __tablename__ = "service_objective"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_id: Mapped[int] = mapped_column(
        ForeignKey("service.id", name="fk_service_objective_service"), nullable=False, index=True
    )
    strategic_objective_id: Mapped[int | None] = mapped_column(
        ForeignKey("strategic_objective.id", name="fk_service_objective_strategic"), index=True
    )
    process_id: Mapped[int | None] = mapped_column(
        ForeignKey("process.id", name="fk_service_objective_process"), index=True
    )
    year: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    expected_result: Mapped[str | None] = mapped_column(Text)
    weight: Mapped[float] = mapped_column(Float, nullable=False, default=1.0)
    state: Mapped[str] = mapped_column(String(24), nullable=False, default="brouillon", index=True)
    #: The officials' amendment, written when the review sends the objective back to its
    #: service; the service revises the objective and submits it again.
    amendment: Mapped[str | None] = mapped_column(Text)
    #: Recorded by the quality cell when it closes the objective at year end.
    achievement: Mapped[str | None] = mapped_column(String(24))

    service: Mapped[Service] = relationship("Service")
    strategic_objective: Mapped[StrategicObjective | None] = relationship("StrategicObjective")
    #: ``linked_process``, not ``process``: see ``app.models.quality``.
    linked_process: Mapped[Process | None] = relationship("Process")

    def __repr__(self) -> str:
        return f"{self.year} · {self.title}"


class IndividualObjective(TrackedMixin, ArchivableMixin, Model):
    """An agent's objective for a year, set in the annual interview (entretien professionnel).

    Confidential: only the agent, the agent's manager and administrators see it — the scope
    rule ``Confidential`` in the registry enforces it on lists, API, exports and search.
    """

    __tablename__ = "individual_objective"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agent_id: Mapped[int] = mapped_column(
        ForeignKey("ab_user.id", name="fk_individual_objective_agent"), nullable=False, index=True
    )
    manager_id: Mapped[int | None] = mapped_column(
        ForeignKey("ab_user.id", name="fk_individual_objective_manager"), index=True
    )
    year: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    service_objective_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_objective.id", name="fk_individual_objective_service_objective"),
        index=True,
    )
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    expected_result: Mapped[str | None] = mapped_column(Text)
    achievement: Mapped[str | None] = mapped_column(String(24))
    comment: Mapped[str | None] = mapped_column(Text)

    agent: Mapped[VigieUser] = relationship("VigieUser", foreign_keys=[agent_id])
    manager: Mapped[VigieUser | None] = relationship("VigieUser", foreign_keys=[manager_id])
    service_objective: Mapped[ServiceObjective | None] = relationship("ServiceObjective")

    def __repr__(self) -> str:
        return f"{self.year} · {self.title}"
