"""*Santé de la collecte*: silent applications and overdue values, within the user's scope."""

from __future__ import annotations

from typing import Any

from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app import registry
from app.declarations.choices import PUSH_FREQUENCY
from app.extensions import db
from app.indicators import health
from app.models import Indicator, SourceApplication
from app.security.scope import current_scope


class CollectionHealthView(BaseView):
    """``/collection_health/``: needs ``can_read`` on indicators."""

    route_base = "/collection_health"
    class_permission_name = "indicator"
    method_permission_name = {"overview": "read"}
    default_view = "overview"

    @expose("/")
    @has_access
    def overview(self) -> Any:
        scope = current_scope()
        indicator_rule = registry.get("indicator").scope
        app_rule = registry.get("source_application").scope
        stmt = (
            select(Indicator)
            .where(Indicator.archived.is_(False))
            .options(
                joinedload(Indicator.owner),
                joinedload(Indicator.owner_service),
                joinedload(Indicator.source_application),
            )
            .order_by(Indicator.code)
        )
        clause = indicator_rule.clause(Indicator, scope)
        if clause is not None:
            stmt = stmt.where(clause)
        indicators = db.session.scalars(stmt).unique().all()
        overdue = health.overdue_indicators(indicators)
        apps = health.applications(app_rule.clause(SourceApplication, scope))
        return self.render_template(
            "vigie/collection_health.html",
            apps=apps,
            overdue=overdue,
            watched=len(indicators),
            push_frequency=PUSH_FREQUENCY,
        )


def register_health(appbuilder: Any) -> None:
    appbuilder.add_view(
        CollectionHealthView,
        "collection_health",
        label=_l("Santé de la collecte"),
        icon="fa-heartbeat",
        category="indicators",
        category_label=_l("Indicateurs"),
    )
