"""Administrators' screen for business applications' API accounts and keys.

Lists every source application with its account, its active keys and their last use, and
issues, rotates or revokes keys. A new secret is rendered once, on the response to the POST
that created it, and never again: only its hash is stored.
"""

from __future__ import annotations

from typing import Any

from flask import flash, make_response, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.commands.errors import DomainError
from app.extensions import db
from app.models.indicators import SourceApplication
from app.security import applications
from app.security.scope import request_user


class ApplicationAccountsView(BaseView):
    """``/application_accounts/``: administrators only (no other role is granted it)."""

    route_base = "/application_accounts"
    class_permission_name = "application_accounts"
    method_permission_name = {"list": "read", "issue": "write", "revoke": "write"}
    default_view = "list"

    @expose("/")
    @has_access
    def list(self) -> Any:
        rows = db.session.scalars(
            select(SourceApplication)
            .options(selectinload(SourceApplication.account))
            .order_by(SourceApplication.code)
        ).all()
        keys = {
            row.id: applications.active_keys(row.account) if row.account else [] for row in rows
        }
        return self.render_template(
            "vigie/application_accounts.html", rows=rows, keys=keys, issued=None
        )

    @expose("/<int:pk>/issue", methods=["POST"])
    @has_access
    def issue(self, pk: int) -> Any:
        source = db.session.get(SourceApplication, pk)
        if source is None:
            return redirect(url_for(".list")), 404
        rotate = request.form.get("rotate") == "1"
        try:
            issued = applications.issue_key(source, request_user(), rotate=rotate)
        except DomainError as error:
            flash(error.message, "danger")
            return redirect(url_for(".list"))
        response = make_response(
            self.render_template("vigie/application_key_issued.html", source=source, issued=issued)
        )
        response.headers["Cache-Control"] = "no-store"
        return response

    @expose("/<int:pk>/revoke", methods=["POST"])
    @has_access
    def revoke(self, pk: int) -> Any:
        source = db.session.get(SourceApplication, pk)
        if source is None:
            return redirect(url_for(".list")), 404
        try:
            count = applications.revoke_keys(source, request_user(), request.form.get("reason"))
        except DomainError as error:
            flash(error.message, "danger")
        else:
            flash(
                _("%(n)d clé(s) révoquée(s) pour « %(code)s ».", n=count, code=source.code),
                "success",
            )
        return redirect(url_for(".list"))


def register_application_accounts(appbuilder: Any) -> None:
    appbuilder.add_view(
        ApplicationAccountsView,
        "application_accounts",
        label=_l("Comptes d'application"),
        icon="fa-key",
        category="organisation",
        category_label=_l("Organisation"),
    )
