"""The decision dashboards (« Tableaux de bord »): list, page of widgets, live data, editor.

* ``/dashboards/`` — the dashboards of the reader's audience (the ``Audience`` scope rule:
  their roles, their services, or everyone; the quality cell and administrators see all);
* ``/dashboards/<id>`` — the widgets in order, loaded by :mod:`app.dashboards` in a fixed
  number of queries; a dashboard outside the reader's audience answers 404, as a record of
  another service does;
* ``/dashboards/<id>/data`` — the same data as JSON, polled every 15 s by
  ``static/dashboards.js`` so a value pushed by a business application shows up without
  reloading (the seed's « tableaux de bord alimentés en temps réel »);
* ``/dashboards/<id>/edit`` and its POST routes — the quality cell's editor, writing through
  :mod:`app.commands.dashboards` (role and scope checks, history, one transaction each).

The view's permission name is the artefact's (``dashboard``): reading needs ``can_read``,
the editor ``can_write``, so the roles' permissions stay those the registry computes.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app import dashboards as loader
from app import registry
from app.charts import WIDGET, sparkline_svg, trend_svg
from app.commands import dashboards as commands
from app.commands.errors import DomainError, Forbidden, Invalid, NotFound
from app.extensions import db
from app.formatting import format_datetime
from app.indicators import status as indicator_status
from app.models import Dashboard, Indicator, ServiceObjective, StrategicObjective
from app.reading import get_for, scoped_select
from app.security.actor import Actor
from app.security.roles import role_label

#: Seconds between two polls of the live data (the page says so to its readers).
REFRESH_SECONDS = 15


# ------------------------------------------------------------------------------ charts
def trend_markup(data: loader.WidgetData) -> Markup | None:
    """The widget's trend chart from the shared chart module (None under two values)."""
    if len([r for r in data.history if r.value is not None]) < 2:
        return None
    return Markup(trend_svg(data.history, size=WIDGET, title=data.title))


def sparkline_markup(data: loader.WidgetData) -> Markup | None:
    """The KPI card's sparkline (None under two values)."""
    if len([r for r in data.history if r.value is not None]) < 2:
        return None
    return Markup(sparkline_svg(data.history))


# ------------------------------------------------------------------------------ the view
class DashboardsView(BaseView):
    """Routes of the dashboards, guarded by the ``dashboard`` artefact's permissions.

    ``base_permissions`` lists both permissions although most routes only read: FAB's
    permission sync strips from every role any permission of a view menu that no view
    lists (see :class:`views.cards.CardView`).
    """

    route_base = "/dashboards"
    class_permission_name = "dashboard"
    default_view = "index"
    base_permissions = ["can_read", "can_write"]
    method_permission_name = {
        "index": "read",
        "show": "read",
        "data": "read",
        "editor": "write",
        "add_widget": "write",
        "move_widget": "write",
        "remove_widget": "write",
    }

    # -------------------------------------------------------------- helpers
    @staticmethod
    def _dashboard(pk: int, actor: Actor) -> Dashboard:
        """The dashboard if the reader is in its audience, else 404 (same as missing)."""
        try:
            dashboard = get_for(registry.get("dashboard"), pk, actor)
        except NotFound:
            abort(404)
        except Forbidden:
            abort(403)
        if dashboard.archived:
            abort(404)
        return dashboard

    @staticmethod
    def _may_edit(actor: Actor) -> bool:
        return actor.may_write(registry.get("dashboard"))

    # -------------------------------------------------------------- reading
    @expose("/")
    @has_access
    def index(self) -> Any:
        actor = Actor.current()
        stmt = (
            scoped_select(registry.get("dashboard"), actor, include_archived=False)
            .options(joinedload(Dashboard.roles), joinedload(Dashboard.services))
            .order_by(Dashboard.position, Dashboard.title)
        )
        items = db.session.scalars(stmt).unique().all()
        return self.render_template(
            "vigie/dashboards/index.html",
            dashboards=items,
            audience=lambda d: (
                [role_label(r.name) for r in d.roles] + sorted(s.code for s in d.services)
            ),
            may_edit=self._may_edit(actor),
        )

    @expose("/<int:pk>")
    @has_access
    def show(self, pk: int) -> Any:
        actor = Actor.current()
        dashboard = self._dashboard(pk, actor)
        data = loader.load(dashboard, actor)
        return self.render_template(
            "vigie/dashboards/show.html",
            data=data,
            dashboard=dashboard,
            may_edit=self._may_edit(actor),
            refresh_seconds=REFRESH_SECONDS,
            version=data.version(),
            fingerprints=data.fingerprints(),
            **self._widget_helpers(),
        )

    @expose("/<int:pk>/data")
    @has_access
    def data(self, pk: int) -> Any:
        """The page's numbers as JSON, with each widget's body re-rendered for the script."""
        actor = Actor.current()
        dashboard = self._dashboard(pk, actor)
        data = loader.load(dashboard, actor)
        bodies = {
            str(w.widget.id): render_template(
                "vigie/dashboards/_widget_body.html", w=w, **self._widget_helpers()
            )
            for w in data.widgets
        }
        payload = {
            "dashboard": dashboard.id,
            "version": data.version(),
            "updated_at": data.updated_at.isoformat() if data.updated_at else None,
            "updated_text": format_datetime(data.updated_at) if data.updated_at else None,
            "updated_label": _(
                "Données mises à jour le %(when)s", when=format_datetime(data.updated_at)
            )
            if data.updated_at
            else _("Aucune donnée pour l'instant."),
            "widgets": [
                {**row, "fingerprint": loader.fingerprint(row), "html": bodies[str(row["id"])]}
                for row in loader.widget_payloads(data)
            ],
        }
        response = jsonify(payload)
        response.headers["Cache-Control"] = "no-store"
        return response

    @staticmethod
    def _widget_helpers() -> dict[str, Any]:
        return {
            "trend_markup": trend_markup,
            "sparkline_markup": sparkline_markup,
            "kind_labels": loader.kind_labels(),
            "status_info": indicator_status.status_info,
            "table_rows": loader.TABLE_ROWS,
            "node_kinds": {
                "axis": _("Axe"),
                "strategic_objective": _("Objectif stratégique"),
                "service_objective": _("Objectif de service"),
                "indicator": _("Indicateur"),
            },
        }

    # -------------------------------------------------------------- editor
    def _choices(self, actor: Actor) -> dict[str, Any]:
        """What the select lists offer: only records the editor may read, live ones."""
        indicators = db.session.scalars(
            scoped_select(registry.get("indicator"), actor, include_archived=False).order_by(
                Indicator.code
            )
        ).all()
        strategic = db.session.scalars(
            scoped_select(
                registry.get("strategic_objective"), actor, include_archived=False
            ).order_by(StrategicObjective.code)
        ).all()
        service_objectives = (
            db.session.scalars(
                scoped_select(registry.get("service_objective"), actor, include_archived=False)
                .options(joinedload(ServiceObjective.service))
                .order_by(ServiceObjective.year.desc(), ServiceObjective.title)
            )
            .unique()
            .all()
        )
        return {
            "indicators": indicators,
            "strategic": strategic,
            "service_objectives": service_objectives,
        }

    @expose("/<int:pk>/edit")
    @has_access
    def editor(
        self,
        pk: int,
        errors: list[Any] | None = None,
        form: dict[str, Any] | None = None,
        status: int = 200,
    ) -> Any:
        actor = Actor.current()
        dashboard = self._dashboard(pk, actor)
        widgets = (
            db.session.scalars(
                select(Dashboard)
                .options(joinedload(Dashboard.widgets))
                .where(Dashboard.id == dashboard.id)
            )
            .unique()
            .one()
            .widgets
        )
        html = self.render_template(
            "vigie/dashboards/edit.html",
            dashboard=dashboard,
            widgets=widgets,
            kinds=loader.kind_labels(),
            widget_title=loader.widget_title,
            errors={e.field: e.message for e in errors or []},
            form=form or {},
            **self._choices(actor),
        )
        return html, status

    def _command(self, pk: int, run: Any, success: str) -> Any:
        """Run one editor command; redirect on success, re-show the form on a refusal."""
        actor = Actor.current()
        dashboard = self._dashboard(pk, actor)
        if not self._may_edit(actor):
            abort(403)
        try:
            run(dashboard, actor)
        except Invalid as exc:
            return self.editor(pk, errors=exc.errors, form=request.form.to_dict(), status=422)
        except Forbidden:
            abort(403)
        except NotFound:
            abort(404)
        except DomainError as exc:
            flash(exc.message, "danger")
            return redirect(url_for("DashboardsView.editor", pk=pk))
        flash(success, "success")
        return redirect(url_for("DashboardsView.editor", pk=pk))

    @expose("/<int:pk>/widgets", methods=["POST"])
    @has_access
    def add_widget(self, pk: int) -> Any:
        form = request.form
        return self._command(
            pk,
            lambda d, a: commands.add_widget(d, form, a, reason=form.get("reason") or None),
            _("Bloc ajouté."),
        )

    @expose("/<int:pk>/widgets/<int:widget_id>/move", methods=["POST"])
    @has_access
    def move_widget(self, pk: int, widget_id: int) -> Any:
        direction = request.form.get("direction", "")
        return self._command(
            pk,
            lambda d, a: commands.move_widget(d, widget_id, direction, a),
            _("Ordre des blocs enregistré."),
        )

    @expose("/<int:pk>/widgets/<int:widget_id>/remove", methods=["POST"])
    @has_access
    def remove_widget(self, pk: int, widget_id: int) -> Any:
        return self._command(
            pk,
            lambda d, a: commands.remove_widget(
                d, widget_id, a, reason=request.form.get("reason") or None
            ),
            _("Bloc retiré."),
        )


def register_dashboards(appbuilder: Any) -> None:
    """« Tableaux de bord » as a top-level menu entry, right after « Mon espace ».

    Top-level because every human role opens them daily (officials and the general
    direction steer by them); the « Indicateurs » menu keeps the artefact's list for the
    quality cell's audience and order settings.
    """
    appbuilder.add_view(
        DashboardsView,
        "dashboards",
        label=_l("Tableaux de bord"),
        icon="fa-tachometer",
    )
    items = appbuilder.menu.menu
    items.sort(key=lambda item: (item.name != "personal", item.name != "dashboards"))
