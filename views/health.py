"""*Santé de la collecte*: silent applications and overdue values, within the user's scope."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l

from app import periods, registry
from app.declarations.choices import PUSH_FREQUENCY
from app.indicators import health
from app.models import SourceApplication
from app.reading import references
from app.security.actor import Actor
from views import paging


class CollectionHealthView(BaseView):
    """``/collection_health/``: needs ``can_read`` on indicators."""

    route_base = "/collection_health"
    class_permission_name = "indicator"
    method_permission_name = {"overview": "read"}
    default_view = "overview"

    @expose("/")
    @has_access
    def overview(self) -> Any:
        actor = Actor.current()
        mine = request.args.get(MINE_ARG) == MINE
        failing = request.args.get(APPS_ARG) == FAILING
        overdue, watched = health.overdue_for(actor, mine=mine)
        # judged on light rows for every watched indicator; drawn (as objects) for one page
        shown = paging.page_of(overdue, paging.page_number(), paging.page_size())
        late = health.with_records(shown.items)
        app_rule = registry.get("source_application").scope
        apps = health.applications(app_rule.clause(SourceApplication, actor.scope), failing=failing)
        # a late indicator fed by another service's application names it only to its readers
        refs = references()
        refs.learn(
            SourceApplication,
            [item.indicator.source_application_id for item in late],
            always=True,
        )
        return self.render_template(
            "vigie/collection_health.html",
            apps=apps,
            overdue=late,
            overdue_page=shown,
            watched=watched,
            mine=mine,
            failing=failing,
            entry_month=entry_month,
            push_frequency=PUSH_FREQUENCY,
            opens=refs.opens,
        )


#: ``?vue=mes_saisies``: only the values the person types in (their home page's count).
MINE_ARG, MINE = "vue", "mes_saisies"
#: ``?applications=en_defaut``: only the silent and late applications.
APPS_ARG, FAILING = "applications", "en_defaut"


def entry_month(expected: str) -> str | None:
    """The month of the entry screen where a period's value is typed: the one ending it."""
    period = periods.parse(expected)
    if period is None:
        return None
    return periods.containing(period.end, periods.MONTHLY).code


def register_health(appbuilder: Any) -> None:
    appbuilder.add_view(
        CollectionHealthView,
        "collection_health",
        label=_l("Santé de la collecte"),
        icon="fa-heartbeat",
        category="indicators",
        category_label=_l("Indicateurs"),
    )
