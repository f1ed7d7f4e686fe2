"""Decision dashboards (the seed's 22 tableaux de bord) and their widgets.

A dashboard's audience is a set of roles and/or services; with neither it is visible to every
signed-in user. Widgets are rows, not a JSON blob, so an indicator's widgets can be found and
scoped like any other relation.
"""

from __future__ import annotations

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import Role
from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.indicators import Indicator
from app.models.mixins import ArchivableMixin, TrackedMixin
from app.models.organisation import Service
from app.models.strategy import ServiceObjective, StrategicObjective

dashboard_role = Table(
    "dashboard_role",
    Model.metadata,
    Column(
        "dashboard_id", Integer, ForeignKey("dashboard.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("role_id", Integer, ForeignKey("ab_role.id", ondelete="CASCADE"), primary_key=True),
)
dashboard_service = Table(
    "dashboard_service",
    Model.metadata,
    Column(
        "dashboard_id", Integer, ForeignKey("dashboard.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("service_id", Integer, ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
)

#: Widget displays a dashboard can hold.
WIDGET_KINDS = ("kpi", "trend", "table", "map")


class Dashboard(TrackedMixin, ArchivableMixin, Model):
    """A page of widgets for an audience (roles and/or services)."""

    __tablename__ = "dashboard"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    roles: Mapped[list[Role]] = relationship(Role, secondary=dashboard_role)
    services: Mapped[list[Service]] = relationship("Service", secondary=dashboard_service)
    widgets: Mapped[list[DashboardWidget]] = relationship(
        "DashboardWidget",
        back_populates="dashboard",
        order_by="DashboardWidget.position",
        cascade="all, delete-orphan",
    )

    def __repr__(self) -> str:
        return self.title


class DashboardWidget(Model):
    """One widget: an indicator or an objective, shown as a KPI card, trend, table or map."""

    __tablename__ = "dashboard_widget"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dashboard_id: Mapped[int] = mapped_column(
        ForeignKey("dashboard.id", name="fk_dashboard_widget_dashboard", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    kind: Mapped[str] = mapped_column(String(8), nullable=False, default="kpi")
    title: Mapped[str | None] = mapped_column(String(300))
    indicator_id: Mapped[int | None] = mapped_column(
        ForeignKey("indicator.id", name="fk_dashboard_widget_indicator"), index=True
    )
    service_objective_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_objective.id", name="fk_dashboard_widget_service_objective")
    )
    strategic_objective_id: Mapped[int | None] = mapped_column(
        ForeignKey("strategic_objective.id", name="fk_dashboard_widget_strategic_objective")
    )

    dashboard: Mapped[Dashboard] = relationship("Dashboard", back_populates="widgets")
    indicator: Mapped[Indicator | None] = relationship("Indicator")
    service_objective: Mapped[ServiceObjective | None] = relationship("ServiceObjective")
    strategic_objective: Mapped[StrategicObjective | None] = relationship("StrategicObjective")
