"""*Import de mesures*: upload a CSV or XLSX, preview and check it, then confirm.

The file is validated with the batch rules before anything is stored; the report names each
error's line and column. A valid file is kept aside under a random token, for its uploader
only and for an hour, until they confirm; confirming re-reads and re-validates it (values may
have changed meanwhile) and stores it all or nothing.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from pathlib import Path
from typing import Any

from flask import abort, current_app, flash, make_response, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import imports, periods
from app.commands.errors import DomainError, FieldError, Invalid
from app.commands.measurements import push_batch
from app.indicators import entry
from app.security.actor import Actor
from app.security.scope import request_user
from views.entry import _services

PENDING_SECONDS = 3600
PREVIEW_ROWS = 100


def _pending_dir() -> Path:
    path = Path(current_app.config["VIGIE_INSTANCE_DIR"]) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _keep(filename: str, data: bytes) -> str:
    token = uuid.uuid4().hex
    folder = _pending_dir()
    (folder / f"{token}.bin").write_bytes(data)
    meta = {
        "user": getattr(request_user(), "id", None),
        "filename": filename,
        "sha256": hashlib.sha256(data).hexdigest(),
        "at": time.time(),
    }
    (folder / f"{token}.json").write_text(json.dumps(meta), encoding="utf-8")
    return token


def _take(token: str) -> tuple[str, bytes]:
    """The pending file of this token, if it is the current user's and still fresh."""
    if not token.isalnum() or len(token) != 32:
        abort(404)
    folder = _pending_dir()
    meta_path, data_path = folder / f"{token}.json", folder / f"{token}.bin"
    if not meta_path.exists() or not data_path.exists():
        abort(404)
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("user") != getattr(request_user(), "id", None):
        abort(404)
    if time.time() - float(meta.get("at", 0)) > PENDING_SECONDS:
        abort(410)
    return str(meta["filename"]), data_path.read_bytes()


def _drop(token: str) -> None:
    for suffix in (".json", ".bin"):
        (_pending_dir() / f"{token}{suffix}").unlink(missing_ok=True)


class MeasurementImportView(BaseView):
    """``/import/``: needs ``can_write`` on measurements."""

    route_base = "/import"
    class_permission_name = "measurement"
    method_permission_name = {"upload": "write", "confirm": "write", "template": "write"}
    default_view = "upload"

    def _page(self, **kwargs: Any) -> Any:
        services = _services()
        kwargs.setdefault("month", entry.default_month().code)
        return self.render_template("vigie/import.html", services=services, **kwargs)

    @expose("/", methods=["GET", "POST"])
    @has_access
    def upload(self) -> Any:
        if request.method == "GET":
            return self._page()
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            flash(_("Choisissez un fichier CSV ou XLSX."), "warning")
            return self._page(), 422
        data = upload.read()
        parsed: imports.ParsedFile | None = None
        try:
            parsed = imports.read(upload.filename, data)
            preview = push_batch(parsed.rows, Actor.current(), source="import", dry_run=True)
        except Invalid as error:
            located = [self._locate(parsed, e) for e in error.errors]
            return self._page(filename=upload.filename, errors=located, message=error.message), 422
        except DomainError as error:
            flash(error.message, "danger")
            return self._page(), error.status
        token = _keep(upload.filename, data)
        return self._page(
            filename=upload.filename,
            token=token,
            preview=preview,
            rows=parsed.rows[:PREVIEW_ROWS],
            total=len(parsed.rows),
            lines=parsed.lines[:PREVIEW_ROWS],
        )

    @staticmethod
    def _locate(parsed: imports.ParsedFile | None, error: FieldError) -> FieldError:
        return parsed.locate(error) if parsed is not None else error

    @expose("/confirm/<token>", methods=["POST"])
    @has_access
    def confirm(self, token: str) -> Any:
        filename, data = _take(token)
        parsed: imports.ParsedFile | None = None
        try:
            parsed = imports.read(filename, data)
            result = push_batch(
                parsed.rows,
                Actor.current(),
                source="import",
                reason=request.form.get("reason") or None,
            )
        except Invalid as error:
            located = [self._locate(parsed, e) for e in error.errors]
            return self._page(filename=filename, errors=located, message=error.message), 422
        except DomainError as error:
            flash(error.message, "danger")
            return redirect(url_for(".upload"))
        _drop(token)
        flash(
            _(
                "Import de « %(name)s » enregistré : %(c)d créée(s), %(u)d modifiée(s), "
                "%(n)d inchangée(s).",
                name=filename,
                c=result.created,
                u=result.updated,
                n=result.unchanged,
            ),
            "success",
        )
        return redirect(url_for(".upload"))

    @expose("/template")
    @has_access
    def template(self) -> Any:
        services = {s.id: s for s in _services()}
        service = services.get(request.args.get("service", type=int) or -1)
        if service is None:
            abort(404)
        month = periods.parse(request.args.get("month") or "")
        if month is None or month.frequency != periods.MONTHLY:
            month = entry.default_month()
        sheet = entry.sheet(service.id, month)
        rows = [
            (
                row.indicator.code,
                row.indicator.name,
                row.period,
                row.current.value if row.current else None,
                row.current.comment if row.current else None,
            )
            for row in sheet.rows
        ]
        response = make_response(imports.template_xlsx(rows))
        response.headers["Content-Type"] = (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response.headers["Content-Disposition"] = (
            f'attachment; filename="mesures-{service.code}-{month.code}.xlsx"'
        )
        return response


def register_imports(appbuilder: Any) -> None:
    appbuilder.add_view(
        MeasurementImportView,
        "measurement_import",
        label=_l("Import de mesures"),
        icon="fa-upload",
        category="indicators",
        category_label=_l("Indicateurs"),
    )
