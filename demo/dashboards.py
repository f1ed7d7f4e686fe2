"""The town's 22 decision dashboards (the seed's *22 tableaux de bord*) and the individual
objectives set in the agents' annual interviews.

A dashboard's audience is given by role codes (FAB roles are named by code) and/or service
codes. A widget shows an indicator (by code), a strategic objective (``"A2.1"``) or the
current service objective of a service (``"objectif:VOIRIE"``) as a KPI card, a trend chart,
a table or a map. The dashboards are in ``demo/data/dashboards.toml``, read at import.
"""

from __future__ import annotations

from typing import NamedTuple

from flask_appbuilder.security.sqla.models import Role
from sqlalchemy import select

from app.extensions import db
from app.models import Dashboard, DashboardWidget, IndividualObjective
from demo.context import DemoContext
from demo.datafile import Fields, read
from demo.people import ACCOUNTS_BY_USERNAME
from demo.review_texts import INDIVIDUAL_OBJECTIVES


class WidgetDef(NamedTuple):
    """One widget; unpacks as ``kind, shows``."""

    #: kpi, trend, table or map.
    kind: str
    #: An indicator code, a strategic objective code or ``objectif:<service>``.
    shows: str


class DashboardDef(NamedTuple):
    """One dashboard; unpacks as ``title, description, roles, services, widgets``."""

    title: str
    description: str
    roles: tuple[str, ...]
    services: tuple[str, ...]
    widgets: tuple[WidgetDef, ...]


def _dashboard(f: Fields) -> DashboardDef:
    return DashboardDef(
        title=f.text("title"),
        description=f.text("description"),
        roles=f.texts("roles"),
        services=f.texts("services"),
        widgets=f.records("widgets", lambda w: WidgetDef(w.text("kind"), w.text("shows"))),
    )


#: In the order they are listed.
DASHBOARDS: tuple[DashboardDef, ...] = read(
    "dashboards", lambda f: f.records("dashboard", _dashboard)
)


def build_dashboards(ctx: DemoContext) -> None:
    roles = {role.name: role for role in db.session.scalars(select(Role))}
    dashboards = []
    widget_count = 0
    for position, (title, description, role_codes, services, widgets) in enumerate(
        DASHBOARDS, start=1
    ):
        dashboard = Dashboard(
            title=title,
            description=description,
            position=position,
            roles=[roles[code] for code in role_codes],
            services=[ctx.services[code] for code in services],
        )
        dashboard.widgets = [
            _widget(ctx, index, kind, ref) for index, (kind, ref) in enumerate(widgets, start=1)
        ]
        widget_count += len(widgets)
        dashboards.append(dashboard)
    db.session.add_all(dashboards)
    db.session.flush()
    ctx.history.objects("dashboard", dashboards)
    ctx.counts["tableaux de bord"] = len(dashboards)
    ctx.counts["widgets"] = widget_count


def _widget(ctx: DemoContext, position: int, kind: str, ref: str) -> DashboardWidget:
    if ref.startswith("objectif:"):
        service = ref.split(":", 1)[1]
        objective = max(ctx.objectives_of(service), key=lambda o: (o.year, -o.id))
        return DashboardWidget(
            position=position, kind=kind, title=objective.title, service_objective=objective
        )
    if ref in ctx.strategic:
        strategic = ctx.strategic[ref]
        return DashboardWidget(
            position=position, kind=kind, title=strategic.title, strategic_objective=strategic
        )
    indicator = ctx.indicators[ref]
    return DashboardWidget(position=position, kind=kind, title=indicator.name, indicator=indicator)


# ---------------------------------------------------------------- individual objectives
def build_individual_objectives(ctx: DemoContext) -> None:
    """Two objectives per agent (last year's assessed, this year's in progress)."""
    rng = ctx.rng("individual-objectives")
    years = sorted({o.year for o in ctx.objectives})[-2:]
    rows = []
    for username, titles in INDIVIDUAL_OBJECTIVES.items():
        agent = ctx.users[username]
        manager = ctx.users[ACCOUNTS_BY_USERNAME[username].manager or "dgs"]
        service = ACCOUNTS_BY_USERNAME[username].services[0]
        for year, title in zip(years, titles, strict=True):
            candidates = ctx.objectives_of(service, year) or ctx.objectives_of(service)
            current = year == years[-1]
            achievement = (
                "en_cours"
                if current
                else rng.choice(("atteint", "atteint", "partiel", "non_atteint"))
            )
            rows.append(
                IndividualObjective(
                    agent=agent,
                    manager=manager,
                    year=year,
                    title=title,
                    service_objective=candidates[0] if candidates else None,
                    expected_result=f"{title} avant le 31 décembre {year}.",
                    achievement=achievement,
                    comment=None if current else "Apprécié lors de l'entretien professionnel.",
                )
            )
    db.session.add_all(rows)
    db.session.flush()
    ctx.history.objects("individual_objective", rows)
    ctx.counts["objectifs individuels"] = len(rows)
