"""The REST resource every artefact gets: FAB's ModelRestApi with Vigie's write path.

Reads (list, show, ``_info``, OpenAPI) are FAB's, filtered by the service scope. Writes
(POST, PUT, DELETE) are replaced: they parse the payload and call the generic record
commands, which enforce role, scope (including related ids), optimistic locking, history and
archiving. Extra routes: ``/<id>/history``, ``/<id>/restore``, ``/export`` and, for artefacts
carrying a file, ``/<id>/file`` (GET downloads it, PUT uploads or replaces it).
"""

from __future__ import annotations

from typing import Any, ClassVar

from flask import request
from flask_appbuilder.api import ModelRestApi, expose, protect, rison
from flask_appbuilder.api.schemas import get_list_schema
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from app import exports, history, jobs
from app.commands import attachments, records
from app.commands.errors import DomainError, FieldError, Invalid
from app.http import domain_error_response, read_reason, read_version, safe
from app.jobs import kinds as job_kinds
from app.reading import RESERVED, get_for, history_changes, references
from app.registry import worklists
from app.registry.artefact import Artefact
from app.registry.date_filters import iso_date_filters
from app.registry.interface import archived_mode
from app.security.actor import Actor
from workflows import engine

READ = "read"
WRITE = "write"

PERMISSIONS = {
    "get_list": READ,
    "get": READ,
    "info": READ,
    "history": READ,
    "export": READ,
    "post": WRITE,
    "put": WRITE,
    "delete": WRITE,
    "restore": WRITE,
    "get_file": READ,
    "put_file": WRITE,
    # the workflow engine decides who may fire which event (officials only read records)
    "transitions": READ,
    "transition": READ,
    # reports built in the background: the job kind decides who may ask (reports/kinds.py)
    "request_report": READ,
    "latest_report": READ,
}


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _reserved(item: dict[str, Any]) -> dict[str, Any]:
    """A related record's entry with its name replaced and its id withheld."""
    return {key: (None if key == "id" else str(RESERVED)) for key in item} | {"reserved": True}


class ArtefactApi(ModelRestApi):
    """Base class of generated resources; ``artefact`` is set by the generator."""

    artefact: ClassVar[Artefact]
    method_permission_name = PERMISSIONS
    allow_browser_login = True
    page_size = 25

    def _get_field_info(self, field: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """FAB's field details for ``_info``, without the catalogue header as description.

        FAB translates a missing description, ``""``, and gettext answers the catalogue's
        header for the empty message.
        """
        info: dict[str, Any] = super()._get_field_info(field, *args, **kwargs)
        info["description"] = str(self.description_columns.get(field.name, ""))
        return info

    def __init__(self) -> None:
        # Only artefacts carrying a file get ``/<id>/file``, so neither the URL map nor the
        # OpenAPI description offers a route that could only answer 404.
        excluded: set[str] = set(getattr(self, "exclude_route_methods", ()))
        if not self.artefact.carries_file:
            excluded |= {"get_file", "put_file"}
        if engine.workflow_of(self.artefact) is None:
            excluded |= {"transitions", "transition"}
        if not job_kinds.routes_of(self.artefact.code_name):
            excluded |= {"request_report", "latest_report"}
        self.exclude_route_methods = excluded
        super().__init__()

    def _handle_filters_args(self, rison_args: dict[str, Any]) -> Any:
        """FAB's filters, with dates read the French way (``05/03/2027`` is in March)."""
        filters = rison_args.get("filters")
        if isinstance(filters, list):
            rison_args = {**rison_args, "filters": iso_date_filters(filters, self.datamodel)}
        return super()._handle_filters_args(rison_args)

    def _error(self, error: DomainError) -> Any:
        """For the write methods Flask-AppBuilder wraps in its own ``@safe`` (which would turn
        a domain error into a 500): the one mapping of :mod:`app.http`."""
        return domain_error_response(error)

    def _payload(self) -> dict[str, Any]:
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise Invalid(_("Le corps de la requête doit être un objet JSON."))
        return data

    # -- related records out of the reader's reach: « contenu réservé » ---------------------
    def _redact(self, rows: list[dict[str, Any]]) -> None:
        """Name a related record the caller may not open « contenu réservé », without its id
        (the same rule as the screens: :class:`app.reading.References`, one query per
        related artefact for the whole page)."""
        refs = references()
        relations = [name for name in self.artefact.relationships if rows and name in rows[0]]
        for name in relations:
            model = self.artefact.related_model(name)
            ids = [
                item.get("id")
                for row in rows
                for item in _items(row.get(name))
                if isinstance(item, dict)
            ]
            refs.learn(model, ids, always=True)
            for row in rows:
                value = row.get(name)
                if isinstance(value, dict) and not refs.opens_id(model, value.get("id")):
                    row[name] = _reserved(value)
                elif isinstance(value, list):
                    row[name] = [
                        item
                        if not isinstance(item, dict) or refs.opens_id(model, item.get("id"))
                        else _reserved(item)
                        for item in value
                    ]

    def _history(self, obj: Any, entries: list[Any]) -> list[dict[str, Any]]:
        """History entries as the caller may read them (related records out of reach named
        « contenu réservé »: :func:`app.reading.history_changes`)."""
        shown = history_changes(self.artefact, obj, entries)
        result = [history.as_dict(e) for e in entries]
        for row in result:
            if row["id"] in shown:
                row["changes"] = shown[row["id"]]
        return result

    def pre_get(self, data: dict[str, Any]) -> None:
        result = data.get("result")
        if isinstance(result, dict):
            self._redact([result])

    def pre_get_list(self, data: dict[str, Any]) -> None:
        result = data.get("result")
        if isinstance(result, list):
            self._redact([row for row in result if isinstance(row, dict)])

    def _dump(self, obj: Any) -> Any:
        return self.show_model_schema.dump(obj, many=False)

    def post_headless(self) -> Any:
        try:
            data = self._payload()
            reason = read_reason(data)
            data.pop("reason", None)
            obj = records.create_record(self.artefact, data, Actor.current(), reason=reason)
        except DomainError as error:
            return self._error(error)
        return self.response(201, id=obj.id, result=self._dump(obj))

    def put_headless(self, pk: Any) -> Any:
        actor = Actor.current()
        try:
            obj = get_for(self.artefact, pk, actor)
            data = self._payload()
            reason = read_reason(data)
            expected = read_version(data, request.headers)
            data.pop("reason", None)
            data.pop("version", None)
            obj = records.update_record(
                self.artefact, obj, data, actor, expected_version=expected, reason=reason
            )
        except DomainError as error:
            return self._error(error)
        return self.response(200, id=obj.id, result=self._dump(obj))

    def delete_headless(self, pk: Any) -> Any:
        actor = Actor.current()
        try:
            obj = get_for(self.artefact, pk, actor)
            body = request.get_json(silent=True)
            reason = read_reason(
                body if isinstance(body, dict) and "reason" in body else request.args
            )
            records.archive_record(self.artefact, obj, actor, reason=reason)
        except DomainError as error:
            return self._error(error)
        if self.artefact.archivable:
            return self.response(200, message=_("Enregistrement archivé."), archived=True)
        return self.response(200, message=_("Enregistrement supprimé."))

    @expose("/<int:pk>/history", methods=["GET"])
    @protect()
    @safe
    def history(self, pk: int) -> Any:
        """Changes and transitions of one record, newest first.
        ---
        get:
          parameters:
          - in: path
            schema:
              type: integer
            name: pk
          responses:
            200:
              description: History entries, newest first
            404:
              $ref: '#/components/responses/404'
        """
        obj = get_for(self.artefact, pk, Actor.current())
        entries = history.entries_for(self.artefact.code_name, obj.id)
        return self.response(200, result=self._history(obj, entries))

    @expose("/<int:pk>/transitions", methods=["GET"])
    @protect()
    @safe
    def transitions(self, pk: int) -> Any:
        """The workflow events the caller may fire now, and the record's history.
        ---
        get:
          parameters:
          - in: path
            schema:
              type: integer
            name: pk
          responses:
            200:
              description: State, events (firable or blocked by a guard) and history
            404:
              $ref: '#/components/responses/404'
        """
        actor = Actor.current()
        obj = get_for(self.artefact, pk, actor)
        entries = history.entries_for(self.artefact.code_name, obj.id)
        return self.response(
            200,
            id=obj.id,
            state=obj.state,
            state_label=self.artefact.choices["state"].label(obj.state),
            version=obj.version,
            events=[offer.as_dict() for offer in engine.offers(self.artefact, obj, actor)],
            history=self._history(obj, entries),
        )

    @expose("/<int:pk>/transition", methods=["POST"])
    @protect()
    @safe
    def transition(self, pk: int) -> Any:
        """Fire a workflow event: ``{"event": "…", "reason": "…"}`` plus the event's inputs.
        ---
        post:
          parameters:
          - in: path
            schema:
              type: integer
            name: pk
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    event:
                      type: string
                    reason:
                      type: string
                    version:
                      type: integer
          responses:
            200:
              description: The new state
            403:
              description: The caller's role or person may not fire this event
            404:
              $ref: '#/components/responses/404'
            409:
              description: Not possible from the current state, or another transition won
            422:
              description: Missing reason or input
        """
        actor = Actor.current()
        obj = get_for(self.artefact, pk, actor)
        data = self._payload()
        event = data.pop("event", None)
        if not isinstance(event, str) or not event:
            raise Invalid(
                _("Indiquez l'événement à déclencher."),
                [FieldError("event", _("« event » est obligatoire."))],
            )
        reason = read_reason(data)
        expected = read_version(data)
        data.pop("reason", None)
        data.pop("version", None)
        fired = engine.fire(
            self.artefact,
            obj,
            event,
            actor,
            reason=reason,
            inputs=data,
            expected_version=expected,
        )
        return self.response(
            200,
            id=obj.id,
            state=fired.record.state,
            event=event,
            state_label=self.artefact.choices["state"].label(fired.record.state),
            version=fired.record.version,
        )

    @expose("/<int:pk>/<string:report>", methods=["POST"])
    @protect()
    @safe
    def request_report(self, pk: int, report: str) -> Any:
        """Queue a report built in the background: ``pack`` (management review), ``minutes``,
        ``annual_report`` (service, ``{"year": 2026}``), ``pdf`` (a card).
        ---
        post:
          parameters:
          - in: path
            schema:
              type: integer
            name: pk
          - in: path
            schema:
              type: string
            name: report
          responses:
            202:
              description: '{"job_id": "…"} — follow it at /api/v1/job/<job_id>'
            403:
              description: The caller's role may not ask for this report
            404:
              $ref: '#/components/responses/404'
            409:
              description: The record is not ready for this report
            503:
              description: The job queue is unreachable (the request is kept)
        """
        kind = job_kinds.for_route(self.artefact.code_name, report)
        if kind is None:
            return self.response(404, message=_("Rapport inconnu : « %(name)s ».", name=report))
        data = request.get_json(silent=True)
        requested = jobs.request_and_queue(
            kind.code,
            Actor.current(),
            subject=self.artefact.code_name,
            record_id=pk,
            params=data if isinstance(data, dict) else {},
        )
        job = requested.job
        return self.response(
            202,
            job_id=str(job.id),
            state=job.state,
            existing=requested.existing,
            status_url=f"/api/v1/job/{job.id}",
        )

    @expose("/<int:pk>/<string:report>", methods=["GET"])
    @protect()
    @safe
    def latest_report(self, pk: int, report: str) -> Any:
        """Download the newest finished report of this kind for the record.
        ---
        get:
          parameters:
          - in: path
            schema:
              type: integer
            name: pk
          - in: path
            schema:
              type: string
            name: report
          responses:
            200:
              description: The PDF (attachment)
            404:
              description: No finished report the caller may read
        """
        kind = job_kinds.for_route(self.artefact.code_name, report)
        if kind is None:
            return self.response(404, message=_("Rapport inconnu : « %(name)s ».", name=report))
        actor = Actor.current()
        obj = get_for(self.artefact, pk, actor)
        job = jobs.latest_file(self.artefact.code_name, obj.id, kind.code, actor)
        if job is None:
            return self.response(404, message=_("Aucun rapport terminé pour cet enregistrement."))
        download = jobs.job_download(job)
        return download.response()

    @expose("/<int:pk>/restore", methods=["POST"])
    @protect()
    @safe
    def restore(self, pk: int) -> Any:
        """Bring an archived record back.
        ---
        post:
          parameters:
          - in: path
            schema:
              type: integer
            name: pk
          responses:
            200:
              description: Restored
            404:
              $ref: '#/components/responses/404'
            409:
              description: Not archived
        """
        actor = Actor.current()
        obj = get_for(self.artefact, pk, actor)
        body = request.get_json(silent=True) or {}
        records.restore_record(self.artefact, obj, actor, reason=body.get("reason"))
        return self.response(200, id=obj.id, result=self._dump(obj))

    @expose("/<int:pk>/file", methods=["GET"])
    @protect()
    @safe
    def get_file(self, pk: int) -> Any:
        """Download the record's file, as an attachment under its original name.
        ---
        get:
          parameters:
          - in: path
            schema:
              type: integer
            name: pk
          responses:
            200:
              description: The file's bytes (Content-Disposition attachment)
              content:
                application/octet-stream:
                  schema:
                    type: string
                    format: binary
            404:
              $ref: '#/components/responses/404'
        """
        download = attachments.download_for(self.artefact, pk, Actor.current())
        return download.response()

    @expose("/<int:pk>/file", methods=["PUT"])
    @protect()
    @safe
    def put_file(self, pk: int) -> Any:
        """Upload or replace the record's file (multipart: ``file``, ``version``, ``reason``).
        ---
        put:
          parameters:
          - in: path
            schema:
              type: integer
            name: pk
          requestBody:
            required: true
            content:
              multipart/form-data:
                schema:
                  type: object
                  properties:
                    file:
                      type: string
                      format: binary
                    version:
                      type: integer
                    reason:
                      type: string
          responses:
            200:
              description: The record's file metadata and new version
            404:
              $ref: '#/components/responses/404'
            409:
              description: Stale version or archived record
            413:
              description: File above the size limit
            422:
              description: File refused (name, type, content, empty)
        """
        actor = Actor.current()
        attachments.require_upload(self.artefact)
        obj = get_for(self.artefact, pk, actor)
        # FAB's @safe would turn Werkzeug's 413 into a 500: the body is read here.
        try:
            upload = request.files.get(attachments.FILE_FIELD)
            form = request.form
        except RequestEntityTooLarge:
            raise attachments.TooLarge(attachments.too_large_message()) from None
        if upload is None:
            raise Invalid(
                _("Aucun fichier reçu."),
                [
                    FieldError(
                        attachments.FILE_FIELD, _("Joignez le fichier dans le champ « file ».")
                    )
                ],
            )
        attachments.attach_file(
            self.artefact,
            obj,
            upload.filename or "",
            upload.read(),
            actor,
            expected_version=read_version(form, request.headers),
            reason=read_reason(form),
        )
        return self.response(200, id=obj.id, result=attachments.metadata(obj))

    @expose("/export", methods=["GET"])
    @protect()
    @safe
    @rison(get_list_schema)
    def export(self, **kwargs: Any) -> Any:
        """The list, with the same filters as ``GET /``, as CSV or XLSX (``?format=``).
        ---
        get:
          parameters:
          - in: query
            name: format
            schema:
              type: string
              enum: [csv, xlsx]
          responses:
            200:
              description: The file (a CSV is streamed as it is read)
            202:
              description: 'A workbook of more rows than VIGIE_EXPORT_JOB_THRESHOLD is built
                in the background: {"job_id": "…"}, follow it at /api/v1/job/<job_id>'
        """
        fmt = request.args.get("format", "csv")
        if fmt not in ("csv", "xlsx"):
            return self.response_400(message=_("Format inconnu : choisissez csv ou xlsx."))
        args = kwargs.get("rison", {})
        try:
            joined_filters = self._handle_filters_args(args)
            order_column, order_direction = self._handle_order_args(args)
        except Exception as exc:  # FAB raises several exception types for bad args
            return self.response_400(message=str(exc))
        spec = exports.ListSpec.of(
            joined_filters,
            order_column,
            order_direction,
            archived_mode(),
            worklists.requested(self.datamodel.obj),
        )
        outcome = exports.export(self.artefact, spec, fmt, Actor.current())
        if isinstance(outcome, jobs.Requested):  # a large workbook: built in the background
            job = outcome.job
            return self.response(
                202,
                job_id=str(job.id),
                state=job.state,
                existing=outcome.existing,
                status_url=f"/api/v1/job/{job.id}",
            )
        return outcome
