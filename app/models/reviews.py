"""The annual management review (Revue de Direction) and what feeds it: services' proposals,
satisfaction surveys and complaints.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_appbuilder import Model
from sqlalchemy import Boolean, Column, Date, Float, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.computed import ComputedMixin
from app.models.files import AttachedFileMixin
from app.models.mixins import ArchivableMixin, TrackedMixin
from app.models.organisation import Service, VigieUser
from app.models.strategy import ServiceObjective
from app.models.types import UtcDateTime

if TYPE_CHECKING:
    from app.models.indicators import Indicator, Target
    from app.models.quality import Action

management_review_participant = Table(
    "management_review_participant",
    Model.metadata,
    Column(
        "management_review_id",
        Integer,
        ForeignKey("management_review.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("user_id", Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), primary_key=True),
)
survey_service = Table(
    "survey_service",
    Model.metadata,
    Column("survey_id", Integer, ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", Integer, ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
)
survey_indicator = Table(
    "survey_indicator",
    Model.metadata,
    Column("survey_id", Integer, ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "indicator_id", Integer, ForeignKey("indicator.id", ondelete="CASCADE"), primary_key=True
    ),
)


class ManagementReview(AttachedFileMixin, TrackedMixin, ArchivableMixin, Model):
    """The Revue de Direction of a year, where officials arbitrate the services' proposals.

    Its attached file is the minutes once generated; the review pack is built by a job.
    """

    __tablename__ = "management_review"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    held_on: Mapped[date | None] = mapped_column(Date)
    inputs_summary: Mapped[str | None] = mapped_column(Text)
    conclusion: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(
        String(24), nullable=False, default="preparation", index=True
    )

    participants: Mapped[list[VigieUser]] = relationship(
        "VigieUser", secondary=management_review_participant
    )
    proposals: Mapped[list[Proposal]] = relationship(
        "Proposal", back_populates="review", viewonly=True, order_by="Proposal.id"
    )

    def __repr__(self) -> str:
        return self.title


class Proposal(TrackedMixin, ArchivableMixin, Model):
    """A service's proposal to the review (an objective, a target, a commitment, means…).

    The decision columns are written by the review meeting, never through CRUD.
    """

    __tablename__ = "proposal"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(
        ForeignKey("management_review.id", name="fk_proposal_review"), nullable=False, index=True
    )
    service_id: Mapped[int] = mapped_column(
        ForeignKey("service.id", name="fk_proposal_service"), nullable=False, index=True
    )
    kind: Mapped[str] = mapped_column(String(16), nullable=False, default="objectif")
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    service_objective_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_objective.id", name="fk_proposal_service_objective"), index=True
    )
    target_id: Mapped[int | None] = mapped_column(
        ForeignKey("target.id", name="fk_proposal_target"), index=True
    )
    #: A target proposal names its indicator and the value proposed for the review's next
    #: year; validating it makes that value the indicator's target (``target`` then points
    #: at the target written).
    indicator_id: Mapped[int | None] = mapped_column(
        ForeignKey("indicator.id", name="fk_proposal_indicator"), index=True
    )
    proposed_value: Mapped[float | None] = mapped_column(Float)
    proposed_low: Mapped[float | None] = mapped_column(Float)
    proposed_high: Mapped[float | None] = mapped_column(Float)
    decision: Mapped[str | None] = mapped_column(String(16))
    rationale: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("ab_user.id", name="fk_proposal_decided_by")
    )
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    deliberation_ref: Mapped[str | None] = mapped_column(String(64))

    review: Mapped[ManagementReview] = relationship("ManagementReview", back_populates="proposals")
    service: Mapped[Service] = relationship("Service")
    service_objective: Mapped[ServiceObjective | None] = relationship("ServiceObjective")
    target: Mapped[Target | None] = relationship("Target")
    indicator: Mapped[Indicator | None] = relationship("Indicator")
    decided_by: Mapped[VigieUser | None] = relationship("VigieUser")

    def __repr__(self) -> str:
        return self.title


class Survey(TrackedMixin, ArchivableMixin, Model):
    """A satisfaction survey and the indicators its results feed."""

    __tablename__ = "survey"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    period: Mapped[str | None] = mapped_column(String(8))
    conducted_on: Mapped[date | None] = mapped_column(Date)
    respondents: Mapped[int | None] = mapped_column(Integer)
    satisfaction_rate: Mapped[float | None] = mapped_column(Float)
    results: Mapped[str | None] = mapped_column(Text)

    services: Mapped[list[Service]] = relationship("Service", secondary=survey_service)
    indicators: Mapped[list[Indicator]] = relationship("Indicator", secondary=survey_indicator)

    def __repr__(self) -> str:
        return self.title


class Complaint(ComputedMixin, TrackedMixin, ArchivableMixin, Model):
    """A complaint (réclamation) received by a service, and how long it took to answer."""

    __tablename__ = "complaint"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    received_on: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    channel: Mapped[str] = mapped_column(String(16), nullable=False, default="courriel")
    service_id: Mapped[int] = mapped_column(
        ForeignKey("service.id", name="fk_complaint_service"), nullable=False, index=True
    )
    subject: Mapped[str] = mapped_column(String(300), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    answered_on: Mapped[date | None] = mapped_column(Date)
    processing_days: Mapped[int | None] = mapped_column(Integer)
    justified: Mapped[bool | None] = mapped_column(Boolean)
    action_id: Mapped[int | None] = mapped_column(
        ForeignKey("action.id", name="fk_complaint_action"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="recue", index=True)

    service: Mapped[Service] = relationship("Service")
    action: Mapped[Action | None] = relationship("Action")

    def refresh_computed(self) -> None:
        if self.answered_on is not None and self.received_on is not None:
            self.processing_days = (self.answered_on - self.received_on).days
        else:
            self.processing_days = None

    def __repr__(self) -> str:
        return f"{self.received_on:%d/%m/%Y} · {self.subject}" if self.received_on else self.subject
