"""*Saisie des mesures*: one screen to file a month of values for a service, one save."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import periods
from app.commands.errors import DomainError, Invalid
from app.commands.measurements import check_clear_reason, clear_values, push_batch
from app.extensions import db
from app.indicators import entry
from app.models import Service
from app.security.actor import Actor
from app.security.scope import current_scope, request_user


def _services() -> list[Service]:
    """Services whose values the user may file: their own (and children), or all."""
    scope = current_scope()
    stmt = select(Service).where(Service.archived.is_(False)).order_by(Service.code)
    if scope.service_ids is not None:
        stmt = stmt.where(Service.id.in_(sorted(scope.service_ids)))
    return list(db.session.scalars(stmt))


class MeasurementEntryView(BaseView):
    """``/entry/``: needs ``can_write`` on measurements (agents, service heads, quality)."""

    route_base = "/entry"
    class_permission_name = "measurement"
    method_permission_name = {"sheet": "write"}
    default_view = "sheet"

    @expose("/", methods=["GET", "POST"])
    @has_access
    def sheet(self) -> Any:
        services = _services()
        if not services:
            flash(_("Aucun service ne vous est rattaché : rien à saisir."), "warning")
            return self.render_template("vigie/entry.html", services=[], sheet=None)
        requested = request.values.get("service", type=int)
        service = next((s for s in services if s.id == requested), None)
        if requested is not None and service is None:
            abort(404)
        if service is None:
            mine = {s.id for s in request_user_services()}
            service = next((s for s in services if s.id in mine), services[0])
        month = periods.parse(request.values.get("month") or "") or entry.default_month()
        if month.frequency != periods.MONTHLY:
            month = entry.default_month()
        data = entry.sheet(service.id, month)
        status = 200
        typed: dict[str, str] = {}
        if request.method == "POST":
            typed = {
                k: v
                for k, v in request.form.items()
                if k.startswith(("value-", "comment-", "clear-", "confirm-")) or k == "reason"
            }
            refusal = self._save(service, month, data)
            if refusal is None:
                return redirect(url_for(".sheet", service=service.id, month=month.code))
            status = refusal
        page = self.render_template(
            "vigie/entry.html",
            services=services,
            service=service,
            sheet=data,
            month=month,
            previous_month=month.previous().code,
            next_month=month.next().code,
            typed=typed,
        )
        return page, status

    def _save(self, service: Service, month: periods.Period, data: entry.EntrySheet) -> int | None:
        """Store what the form asks for: None once saved (the caller redirects), else the
        refusal's status, with the errors and warnings on their rows and nothing stored."""
        submitted = entry.submission(data, request.form)
        if not submitted:
            flash(_("Aucune valeur nouvelle, modifiée ou effacée à enregistrer."), "info")
            return None
        outliers = entry.unconfirmed_outliers(submitted, request.form)
        if outliers:
            flash(
                _(
                    "%(n)d valeur(s) inhabituelle(s) au regard de leur historique : vérifiez-les "
                    "et confirmez-les avant d'enregistrer. Rien n'a été enregistré.",
                    n=len(outliers),
                ),
                "warning",
            )
            return 422
        actor = Actor.current()
        reason = request.form.get("reason")
        clears = [row.current for row in submitted.clears if row.current is not None]
        try:
            if clears:  # everything checked first: nothing is stored unless all of it is
                check_clear_reason(reason)
                if submitted.rows:
                    push_batch(submitted.rows, actor, source="manual", reason=reason, dry_run=True)
                clear_values(clears, actor, reason=reason)
            result = (
                push_batch(submitted.rows, actor, source="manual", reason=reason)
                if submitted.rows
                else None
            )
        except DomainError as error:
            flash(error.message, "danger")
            if isinstance(error, Invalid):
                for field_error in error.errors:
                    if field_error.index is not None and field_error.index < len(submitted.origin):
                        submitted.origin[field_error.index].errors.append(field_error.message)
                    elif field_error.field == "reason":
                        data.reason_errors.append(field_error.message)
                    else:  # a cleared value's refusal (its period is locked)
                        for row in submitted.clears:
                            row.errors.append(field_error.message)
            return error.status
        saved = (result.created + result.updated) if result is not None else 0
        flash(
            _(
                "%(n)d valeur(s) enregistrée(s), %(cleared)d effacée(s) pour %(service)s, "
                "%(month)s.",
                n=saved,
                cleared=len(clears),
                service=service.code,
                month=month.code,
            ),
            "success",
        )
        return None


def request_user_services() -> list[Service]:
    user = request_user()
    return list(getattr(user, "services", []) or [])


def register_entry(appbuilder: Any) -> None:
    appbuilder.add_view(
        MeasurementEntryView,
        "measurement_entry",
        label=_l("Saisie des mesures"),
        icon="fa-pencil-square-o",
        category="indicators",
        category_label=_l("Indicateurs"),
    )
