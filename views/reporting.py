"""Lock and unlock buttons of a reporting period (shown on its page to the quality cell)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _

from app.commands.errors import DomainError, NotFound
from app.commands.reporting import set_locked
from app.http import flash_error, read_reason
from app.security.actor import Actor


class ReportingPeriodLockView(BaseView):
    """``POST /reporting_period/lock/<id>`` and ``/unlock/<id>``: ``can_write`` on periods."""

    route_base = "/reporting_period"
    class_permission_name = "reporting_period"
    method_permission_name = {"lock": "write", "unlock": "write"}

    def _set(self, pk: int, locked: bool) -> Any:
        back = url_for("ReportingPeriodView.show", pk=pk)
        try:
            period = set_locked(pk, locked, Actor.current(), read_reason(request.form))
        except NotFound:
            raise  # out of reach: the « not found » page
        except DomainError as error:
            flash_error(error)
            return redirect(back), error.status
        flash(
            _("Période %(period)s verrouillée.", period=period.period)
            if locked
            else _("Période %(period)s déverrouillée.", period=period.period),
            "success",
        )
        return redirect(back)

    @expose("/lock/<int:pk>", methods=["POST"])
    @has_access
    def lock(self, pk: int) -> Any:
        return self._set(pk, True)

    @expose("/unlock/<int:pk>", methods=["POST"])
    @has_access
    def unlock(self, pk: int) -> Any:
        return self._set(pk, False)
