"""Indicators: the fiche indicateur, its targets and measurements, the business applications
that push values, and the reporting periods the quality cell locks.

Statuses, scores and roll-ups are computed from these rows by the indicators engine; nothing
here stores a status, so a late value or a changed target is reflected at the next read.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from flask_appbuilder import Model
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.formatting import format_number
from app.models.mixins import ArchivableMixin, TrackedMixin
from app.models.organisation import Service, VigieUser
from app.models.strategy import ServiceObjective, StrategicObjective
from app.models.types import UtcDateTime, utcnow
from app.periods import sql_sort_key

if TYPE_CHECKING:
    from app.models.quality import Process

indicator_service_objective = Table(
    "indicator_service_objective",
    Model.metadata,
    Column(
        "indicator_id", Integer, ForeignKey("indicator.id", ondelete="CASCADE"), primary_key=True
    ),
    Column(
        "service_objective_id",
        Integer,
        ForeignKey("service_objective.id", ondelete="CASCADE"),
        primary_key=True,
    ),
)

indicator_strategic_objective = Table(
    "indicator_strategic_objective",
    Model.metadata,
    Column(
        "indicator_id", Integer, ForeignKey("indicator.id", ondelete="CASCADE"), primary_key=True
    ),
    Column(
        "strategic_objective_id",
        Integer,
        ForeignKey("strategic_objective.id", ondelete="CASCADE"),
        primary_key=True,
    ),
)

#: Expected push frequency of a source application, in days (health = ok / late / silent).
PUSH_FREQUENCY_DAYS = {"daily": 1, "weekly": 7, "monthly": 31, "quarterly": 92, "yearly": 366}


class SourceApplication(TrackedMixin, ArchivableMixin, Model):
    """One of the business applications (GMAO, SIRH, billetterie…) that push indicator values."""

    __tablename__ = "source_application"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    vendor: Mapped[str | None] = mapped_column(String(200))
    owner_service_id: Mapped[int] = mapped_column(
        ForeignKey("service.id", name="fk_source_application_service"), nullable=False, index=True
    )
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("ab_user.id", name="fk_source_application_account"), index=True
    )
    expected_frequency: Mapped[str] = mapped_column(String(16), nullable=False, default="monthly")
    last_push_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    owner_service: Mapped[Service] = relationship("Service")
    account: Mapped[VigieUser | None] = relationship("VigieUser")

    @property
    def health(self) -> str:
        """``ok`` within its expected frequency, ``late`` up to three periods, else ``silent``."""
        if self.last_push_at is None:
            return "silent"
        period = timedelta(days=PUSH_FREQUENCY_DAYS.get(self.expected_frequency, 31))
        age = utcnow() - self.last_push_at
        if age <= period + timedelta(days=1):
            return "ok"
        if age <= 3 * period:
            return "late"
        return "silent"

    def __repr__(self) -> str:
        return f"{self.code} — {self.name}"


class Indicator(TrackedMixin, ArchivableMixin, Model):
    """The fiche indicateur: what is measured, how, how often, by whom, and what is good."""

    __tablename__ = "indicator"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    definition: Mapped[str | None] = mapped_column(Text)
    purpose: Mapped[str | None] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(String(32))
    direction: Mapped[str] = mapped_column(String(16), nullable=False, default="increase")
    frequency: Mapped[str] = mapped_column(String(16), nullable=False, default="monthly")
    aggregation: Mapped[str] = mapped_column(String(8), nullable=False, default="mean")
    owner_service_id: Mapped[int] = mapped_column(
        ForeignKey("service.id", name="fk_indicator_service"), nullable=False, index=True
    )
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("ab_user.id", name="fk_indicator_owner"), index=True
    )
    process_id: Mapped[int | None] = mapped_column(
        ForeignKey("process.id", name="fk_indicator_process"), index=True
    )
    collection_mode: Mapped[str] = mapped_column(String(16), nullable=False, default="manual")
    source_application_id: Mapped[int | None] = mapped_column(
        ForeignKey("source_application.id", name="fk_indicator_source_application"), index=True
    )
    formula: Mapped[str | None] = mapped_column(Text)
    baseline_value: Mapped[float | None] = mapped_column(Float)
    baseline_period: Mapped[str | None] = mapped_column(String(8))
    alert_threshold: Mapped[float] = mapped_column(Float, nullable=False, default=0.1)
    min_value: Mapped[float | None] = mapped_column(Float)
    max_value: Mapped[float | None] = mapped_column(Float)
    weight: Mapped[float] = mapped_column(Float, nullable=False, default=1.0)

    owner_service: Mapped[Service] = relationship("Service")
    owner: Mapped[VigieUser | None] = relationship("VigieUser")
    linked_process: Mapped[Process | None] = relationship("Process", back_populates="indicators")
    source_application: Mapped[SourceApplication | None] = relationship("SourceApplication")
    service_objectives: Mapped[list[ServiceObjective]] = relationship(
        "ServiceObjective", secondary=indicator_service_objective, backref="indicators"
    )
    strategic_objectives: Mapped[list[StrategicObjective]] = relationship(
        "StrategicObjective", secondary=indicator_strategic_objective, backref="indicators"
    )

    def __repr__(self) -> str:
        return f"{self.code} — {self.name}"


class Target(TrackedMixin, ArchivableMixin, Model):
    """The value aimed at for a period or a year (a band has a low and a high bound)."""

    __tablename__ = "target"
    __table_args__ = (
        UniqueConstraint("indicator_id", "period", name="uq_target_indicator_period"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("indicator.id", name="fk_target_indicator"), nullable=False, index=True
    )
    period: Mapped[str] = mapped_column(String(8), nullable=False)
    value: Mapped[float | None] = mapped_column(Float)
    low: Mapped[float | None] = mapped_column(Float)
    high: Mapped[float | None] = mapped_column(Float)
    comment: Mapped[str | None] = mapped_column(Text)

    indicator: Mapped[Indicator] = relationship("Indicator", backref="targets")

    def __repr__(self) -> str:
        if self.value is not None:
            return f"{self.period} · {format_number(self.value)}"
        return f"{self.period} · {format_number(self.low)}–{format_number(self.high)}"


class Measurement(TrackedMixin, ArchivableMixin, Model):
    """One value of an indicator for one period — unique per (indicator, period)."""

    __tablename__ = "measurement"
    __table_args__ = (
        UniqueConstraint("indicator_id", "period", name="uq_measurement_indicator_period"),
        # live pages ask "when did the last value arrive?" every few seconds
        Index("ix_measurement_updated_at", "updated_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("indicator.id", name="fk_measurement_indicator"), nullable=False
    )
    period: Mapped[str] = mapped_column(String(8), nullable=False)
    value: Mapped[float] = mapped_column(Float, nullable=False)
    comment: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16), nullable=False, default="manual")
    source_application_id: Mapped[int | None] = mapped_column(
        ForeignKey("source_application.id", name="fk_measurement_source_application"),
        index=True,
    )
    entered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("ab_user.id", name="fk_measurement_entered_by"), index=True
    )
    entered_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)

    indicator: Mapped[Indicator] = relationship("Indicator")
    source_application: Mapped[SourceApplication | None] = relationship("SourceApplication")
    entered_by: Mapped[VigieUser | None] = relationship("VigieUser")

    def __repr__(self) -> str:
        return f"{self.period} · {format_number(self.value)}"


#: The measurement and target lists' default order, newest period first in time
#: (``app.declarations.orders``): an index on that very expression lets PostgreSQL read a page
#: of 290,000 values (39,000 targets) from the index instead of sorting them all (migration
#: 0008).
LIST_ORDER_INDEXES = frozenset({"ix_measurement_list_order", "ix_target_list_order"})


def compared_by_autogenerate(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Alembic's ``include_object``: the list-order expression indexes are left out of
    autogenerate's comparison — PostgreSQL gives their expression back normalised (casts
    added), so Alembic would drop and recreate them at every revision; migration 0008 is
    their definition, ``tests/test_list_costs.py`` checks the plan uses them."""
    return not (type_ == "index" and name in LIST_ORDER_INDEXES)


for _model in (Measurement, Target):
    Index(
        f"ix_{_model.__tablename__}_list_order",
        sql_sort_key(_model.period).desc(),
        _model.indicator_id,
        _model.id,
    )


class ReportingPeriod(TrackedMixin, ArchivableMixin, Model):
    """A period the quality cell opens for entry and locks once the figures are final."""

    __tablename__ = "reporting_period"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period: Mapped[str] = mapped_column(String(8), nullable=False, unique=True)
    due_date: Mapped[date | None] = mapped_column(Date)
    locked: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    locked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("ab_user.id", name="fk_reporting_period_locked_by")
    )
    locked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    comment: Mapped[str | None] = mapped_column(Text)

    locked_by: Mapped[VigieUser | None] = relationship("VigieUser")

    def __repr__(self) -> str:
        return self.period
