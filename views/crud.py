"""The French admin CRUD every artefact gets, generated from its registry declaration.

Reading screens (list, search, show) are Flask-AppBuilder's, over the scoped data interface.
Writing screens keep FAB's generated forms but hand the submitted values to the generic
record commands, so a form obeys exactly the rules of the REST API: role, service scope
(including the related records chosen in pickers), optimistic locking, history, archiving.
Artefacts carrying a file get a « Fichier » field in their forms (checked before the record is
written, attached by the file command) and a download link on their show page.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_appbuilder import ModelView, expose
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_appbuilder.security.decorators import has_access
from flask_appbuilder.urltools import get_filter_args, get_order_args
from flask_appbuilder.widgets import FormWidget
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy import inspect as sa_inspect
from wtforms import FileField, HiddenField, SelectField, TextAreaField
from wtforms.validators import Optional as OptionalValidator

from app import exports, history
from app.cards.links import register_endpoints
from app.commands import attachments, records, saved_filters
from app.commands.errors import DomainError, Invalid
from app.extensions import db
from app.http import flash_error, read_reason, read_version, safe_path
from app.jobs import Requested
from app.reading import get_for, history_changes, references, scoped_select
from app.registry import all_artefacts, display, worklists
from app.registry.artefact import Artefact
from app.registry.interface import (
    COUNT_CAP,
    archived_mode,
    interface_for,
    scope_filters,
)
from app.security.actor import Actor
from views import held_upload, pickers
from views import saved_filters as filter_menu
from views.children import sections_for
from views.forms import KeptFileInput, frenchify
from views.jinja import state_badge
from views.jobs import report_panels
from views.list_widget import CappedListWidget
from workflows import engine

PERMISSIONS = {
    "list": "read",
    "show": "read",
    "export": "read",
    "add": "write",
    "edit": "write",
    "delete": "write",
    "restore": "write",
    "download": "write",
    "action": "write",
    "action_post": "write",
    "download_file": "read",
    # the workflow engine decides who may fire which event (officials only read records)
    "transition": "read",
    # a person's own « Mes filtres » of a list they read: no record is written
    "save_filter": "read",
    "delete_filter": "read",
    # the choices of a relation field, as the person types: only records they may pick
    "picker": "read",
}

REASON_FIELD = TextAreaField(
    _l("Motif de la modification"),
    description=_l("Facultatif : il est conservé dans l'historique de l'enregistrement."),
    validators=[OptionalValidator()],
)


class AccessibleFormWidget(FormWidget):
    """FAB's form widget drawn by Vigie's template: errors announced and tied to their field
    (aria-invalid, aria-describedby), required fields said in words (RGAA 11)."""

    template = "vigie/widgets/form.html"


def file_field(replacing: bool) -> FileField:
    """The « Fichier » form field; its help text follows the configured size limit."""

    def help_text() -> str:
        text = attachments.formats_help()
        if replacing:
            text += " " + _(
                "Laissez vide pour garder le fichier actuel ; un fichier remplacé "
                "reste conservé dans l'historique."
            )
        return text

    return FileField(
        _l("Fichier"),
        description=LazyString(help_text),
        validators=[OptionalValidator()],
        widget=KeptFileInput(),
    )


def too_large(error: Exception) -> Any:
    """413 in French: JSON under ``/api/``, a page elsewhere.

    The body was refused unread, so a form cannot be shown again with the user's input; the
    page says nothing was saved and links back to the form.
    """
    message = attachments.too_large_message()
    if request.path.startswith("/api/"):
        return jsonify(message=message), 413
    appbuilder = current_app.appbuilder  # type: ignore[attr-defined]
    page = render_template(
        "vigie/model/too_large.html",
        message=message,
        back=request.path,
        base_template=appbuilder.base_template,
        appbuilder=appbuilder,
    )
    return page, 413


class ArtefactView(ModelView):
    """Base class of generated screens; ``artefact`` is set by the generator."""

    artefact: ClassVar[Artefact]
    #: the relation fields whose choices :meth:`picker` serves (forms and search)
    picker_names: ClassVar[frozenset[str]] = frozenset()
    method_permission_name = PERMISSIONS
    list_template = "vigie/model/list.html"
    show_template = "vigie/model/show.html"
    edit_template = "vigie/model/edit.html"
    add_template = "vigie/model/add.html"
    add_widget = AccessibleFormWidget
    list_widget = CappedListWidget
    edit_widget = AccessibleFormWidget

    def _init_forms(self) -> None:
        super()._init_forms()
        frenchify(self.add_form)
        frenchify(self.edit_form)
        if self.search_form is not None:  # the list's filters: French dates too
            frenchify(self.search_form)

    # -- reading -------------------------------------------------------------------------
    def render_template(self, template: str, **kwargs: Any) -> Any:
        kwargs.setdefault("artefact", self.artefact)
        kwargs.setdefault("archived_mode", archived_mode())
        kwargs.setdefault("worklist", worklists.requested(self.artefact.model))  # ?liste=
        if template == self.list_template and engine.workflow_of(self.artefact) is not None:
            kwargs.setdefault("state_counts", self._state_counts())
        if template == self.list_template:
            self._saved_filters_menu(kwargs)
        return super().render_template(template, **kwargs)

    def _get_list_widget(self, *args: Any, **kwargs: Any) -> Any:
        """FAB's list widget, told where its data interface stops counting."""
        kwargs.setdefault("count_cap", self.datamodel.count_cap)
        return super()._get_list_widget(*args, **kwargs)

    def _saved_filters_menu(self, kwargs: dict[str, Any]) -> None:
        """« Mes filtres » (the person's saved filters, one query) and the form saving the
        list as shown: its action carries the list's own arguments."""
        own = saved_filters.for_person(self.artefact, Actor.current())
        kwargs.setdefault("saved_filters", filter_menu.menu(self, own))
        query = filter_menu.list_query(self, request.args)
        save = url_for(f"{self.endpoint}.save_filter")
        kwargs.setdefault("saved_filter_action", f"{save}?{query}" if query else save)
        kwargs.setdefault("saved_filter_field", saved_filters.NAME_FIELD)
        kwargs.setdefault("saved_filter_name", "")
        kwargs.setdefault("saved_filter_errors", [])

    def update_redirect(self) -> None:
        """FAB's page history (its « back » links) keeps pages read, never a POST's address
        (a refused saved filter shows the list again from its POST)."""
        if request.method == "GET":
            super().update_redirect()

    @expose("/picker/<name>/")
    @has_access
    def picker(self, name: str) -> Any:
        """One page of the choices of a relation field (``?q=`` typed text, ``?page=``), as
        Select2 asks for them: ``{"results": [{"id", "text"}], "more"}``. Only the fields
        the artefact's forms and search offer, through their picker rule."""
        if name not in self.picker_names:
            abort(404)
        text = (request.args.get("q") or "")[:100]
        page = request.args.get("page", "")
        number = min(int(page) - 1, 1000) if page.isdigit() and int(page) > 0 else 0
        rows, more = pickers.choices(self.artefact, name, text, number)
        return jsonify(results=[{"id": str(row.id), "text": str(row)} for row in rows], more=more)

    @expose("/filters/save", methods=["POST"])
    @has_access
    def save_filter(self) -> Any:
        """Save the list as shown (the arguments of this POST's address) under a name; a
        refused name shows the same list again, the name kept and the error under it."""
        typed = request.form.get(saved_filters.NAME_FIELD, "")
        query = filter_menu.list_query(self, request.args)
        try:
            saved = saved_filters.save(self.artefact, typed, query, Actor.current())
        except Invalid as error:
            page = self.render_template(
                self.list_template,
                title=self.list_title,
                widgets=self._list(),
                saved_filter_name=typed,
                saved_filter_errors=[e.message for e in error.errors] or [error.message],
            )
            return page, 422
        except DomainError as error:
            flash_error(error)
            return redirect(filter_menu.link(self, query)), 303
        flash(
            _("Filtre « %(name)s » enregistré : il est dans « Mes filtres ».", name=saved.name),
            "success",
        )
        return redirect(filter_menu.link(self, saved.query)), 303

    @expose("/filters/delete/<int:pk>", methods=["POST"])
    @has_access
    def delete_filter(self, pk: int) -> Any:
        """Delete one of the person's own saved filters (anyone else's: not found)."""
        try:
            name = saved_filters.delete(self.artefact, pk, Actor.current())
        except DomainError:
            abort(404)
        flash(_("Filtre « %(name)s » supprimé.", name=name), "success")
        back = filter_menu.list_query(self, request.args)
        return redirect(filter_menu.link(self, back)), 303

    def _state_counts(self) -> list[tuple[str, str, int]]:
        """``(code, label, count)`` of every state, for the list's filter by state — one
        ``GROUP BY`` over what the user may read (archived records left out)."""
        model: Any = self.artefact.model
        actor = Actor.current()
        stmt = scoped_select(self.artefact, actor, include_archived=False)
        worklist = worklists.requested(model)
        if worklist is not None:  # the counts of the list shown, not of the whole table
            stmt = stmt.where(worklist.condition(actor))
        stmt = stmt.with_only_columns(model.state, func.count(model.id)).group_by(model.state)
        counts = dict(db.session.execute(stmt).tuples().all())
        states = self.artefact.choices["state"]
        return [(code, str(label), int(counts.get(code, 0))) for code, label in states.values]

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk: Any) -> Any:
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            abort(404)
        widgets = self._get_show_widget(pk, item)
        entries = history.entries_for(self.artefact.code_name, item.id)
        actor = Actor.current()
        return self.render_template(
            self.show_template,
            pk=pk,
            title=self.show_title,
            widgets=widgets,
            related_views=self._related_views,
            item=item,
            history_entries=entries,
            history_authors=history.authors(entries),
            history_changes=history_changes(self.artefact, item, entries),
            can_write=Actor.current().may_write(self.artefact),
            workflow=engine.workflow_of(self.artefact),
            workflow_offers=engine.offers(self.artefact, item, Actor.current()),
            file_size_label=attachments.human_size(getattr(item, "file_size", None)),
            report_panels=report_panels(self.artefact.code_name, item.id, Actor.current()),
            report_year=date.today().year,
            child_sections=sections_for(self.artefact, item, actor),
        )

    @expose("/transition/<pk>", methods=["POST"])
    @has_access
    def transition(self, pk: Any) -> Any:
        """Fire a workflow event from the record's page (button or reason dialog)."""
        if engine.workflow_of(self.artefact) is None:
            abort(404)
        actor = Actor.current()
        item = get_for(self.artefact, pk, actor)  # out of reach: the « not found » page
        event = request.form.get("event", "")
        # only a path of this site: never an absolute URL (open redirect)
        back = safe_path(request.form.get("next")) or url_for(f"{self.endpoint}.show", pk=pk)
        inputs = {
            name: request.form.get(name)
            for name in {
                row_input
                for row in engine.workflow_of(self.artefact).transitions  # type: ignore[union-attr]
                if row.event == event
                for row_input in row.inputs
            }
        }
        try:
            fired = engine.fire(
                self.artefact,
                item,
                event,
                actor,
                reason=read_reason(request.form),
                inputs=inputs,
                expected_version=read_version(request.form),
            )
        except DomainError as error:
            flash_error(error)
            return redirect(back), 303
        states = self.artefact.choices["state"]
        flash(
            _(
                "« %(event)s » enregistré : l'état est maintenant « %(state)s ».",
                event=fired.transition.label,
                state=states.label(fired.record.state),
            ),
            "success",
        )
        return redirect(back), 303

    @expose("/file/<pk>", methods=["GET"])
    @has_access
    def download_file(self, pk: Any) -> Any:
        """The record's file, to whoever may read the record (archived included)."""
        return attachments.download_for(self.artefact, pk, Actor.current()).response()

    @expose("/export/<fmt>", methods=["GET"])
    @has_access
    def export(self, fmt: str) -> Any:
        """The list as CSV or XLSX, with the filters currently applied on screen: streamed,
        or — a workbook of many rows — built in the background and offered in « Mes
        travaux », where the person is sent with a message saying so."""
        if fmt not in exports.FORMATS:
            abort(404)
        get_filter_args(self._filters)
        order = get_order_args().get(self.__class__.__name__) or ("", "")
        spec = exports.ListSpec.of(
            self._filters,
            order[0],
            order[1],
            archived_mode(),
            worklists.requested(self.datamodel.obj),
        )
        try:
            outcome = exports.export(self.artefact, spec, fmt, Actor.current())
        except DomainError as error:
            flash_error(error)
            return redirect(url_for("JobsView.list")), 303
        if isinstance(outcome, Requested):
            flash(
                _(
                    "La liste compte plus de %(count)s lignes : son export %(format)s est "
                    "préparé en arrière-plan. Retrouvez-le ici, dans « Mes travaux », pour le "
                    "télécharger dès qu'il est prêt.",
                    count=exports.job_threshold(),
                    format=fmt.upper(),
                ),
                "info",
            )
            return redirect(url_for("JobsView.list")), 303
        return outcome

    # -- writing -------------------------------------------------------------------------
    def _form_values(self, form: Any, columns: list[str]) -> dict[str, Any]:
        return {name: form[name].data for name in columns if name in form}

    def _prefill_defaults(self, form: Any) -> None:
        """Show column defaults (weight 1, active…) in a blank add form."""
        mapper: Any = sa_inspect(self.artefact.model)
        for attr in mapper.column_attrs:
            column = attr.columns[0]
            default = column.default
            if attr.key in form and default is not None and default.is_scalar:
                form[attr.key].data = default.arg

    def _report(self, form: Any, error: DomainError) -> None:
        flash(error.message, "danger")
        if isinstance(error, Invalid):
            for field_error in error.errors:
                if field_error.field in form:
                    form[field_error.field].errors = [
                        *list(form[field_error.field].errors or []),
                        field_error.message,
                    ]
                elif field_error.field != "__all__":
                    flash(field_error.message, "danger")

    def _upload(self) -> held_upload.Upload | None:
        """The file sent with the form, if any: newly chosen (an empty file input sends no
        file name), else the one kept from a refused submission."""
        if not self.artefact.accepts_upload:
            return None
        return held_upload.incoming(Actor.current())

    def _keep_upload(self, form: Any, upload: held_upload.Upload | None, status: int) -> None:
        """A form refused for something the person corrects keeps the file it came with
        (unless the file itself was refused)."""
        field = form._fields.get(attachments.FILE_FIELD)
        if upload is None or field is None or field.errors:
            return
        if status in held_upload.CORRECTABLE:
            field.held = held_upload.hold(upload, Actor.current())

    def _refusal(self, form: Any, upload: held_upload.Upload | None) -> int | None:
        """Check the form and the file before any write: a refusal's HTTP status, or None.

        The file is checked first so that a refused file stores nothing at all — neither the
        record nor the file.
        """
        status = None if form.validate() else 422
        if upload is not None:
            try:
                attachments.check_upload(upload.name, upload.data)
            except DomainError as error:
                self._report(form, error)
                status = status or error.status
        return status

    @staticmethod
    def _fields(form: Any, *names: str) -> dict[str, Any]:
        """The named fields' data of a submitted form (absent ones omitted)."""
        return {name: form[name].data for name in names if name in form}

    def _attach(
        self, obj: Any, upload: held_upload.Upload, actor: Actor, reason: str | None
    ) -> bool:
        """Attach the already checked file to the record just written; False if refused."""
        try:
            attachments.attach_file(
                self.artefact,
                obj,
                upload.name,
                upload.data,
                actor,
                expected_version=obj.version,
                reason=reason,
            )
        except DomainError as error:
            flash(error.message, "danger")
            flash(_("Le fichier n'a pas été enregistré : déposez-le à nouveau."), "warning")
            return False
        held_upload.release(upload)
        return True

    @expose("/add", methods=["GET", "POST"])
    @has_access
    def add(self) -> Any:
        form = self.add_form.refresh()
        self._prefill_defaults(form)
        status = 200
        if request.method == "POST":
            form = self.add_form.refresh(request.form)
            upload = self._upload()
            refusal = self._refusal(form, upload)
            if refusal is None:
                actor = Actor.current()
                values = self._form_values(form, list(self.artefact.form_fields))
                try:
                    reason = read_reason(self._fields(form, "reason"))
                    obj = records.create_record(self.artefact, values, actor, reason=reason)
                except DomainError as error:
                    self._report(form, error)
                    status = error.status
                else:
                    if upload is not None and not self._attach(obj, upload, actor, reason):
                        return redirect(url_for(f"{self.endpoint}.edit", pk=obj.id))
                    flash(_("Enregistrement créé."), "success")
                    return redirect(url_for(f"{self.endpoint}.show", pk=obj.id))
            else:
                status = refusal
            self._keep_upload(form, upload, status)
        widgets = self._get_add_widget(form=form)
        page = self.render_template(
            self.add_template, title=self.add_title, widgets=widgets, refused=status >= 400
        )
        return page, status

    @expose("/edit/<pk>", methods=["GET", "POST"])
    @has_access
    def edit(self, pk: Any) -> Any:
        actor = Actor.current()
        item = get_for(self.artefact, pk, actor)  # out of reach: the « not found » page
        status = 200
        if request.method == "POST":
            form = self.edit_form.refresh(request.form)
            form._id = item.id
            upload = self._upload()
            refusal = self._refusal(form, upload)
            if refusal is None:
                values = self._form_values(form, list(self.artefact.form_fields))
                try:
                    reason = read_reason(self._fields(form, "reason"))
                    expected = read_version(self._fields(form, "version"))
                    records.update_record(
                        self.artefact,
                        item,
                        values,
                        actor,
                        expected_version=expected,
                        reason=reason,
                    )
                except DomainError as error:
                    self._report(form, error)
                    status = error.status
                else:
                    if upload is not None and not self._attach(item, upload, actor, reason):
                        return redirect(url_for(f"{self.endpoint}.edit", pk=item.id))
                    flash(_("Modifications enregistrées."), "success")
                    return redirect(url_for(f"{self.endpoint}.show", pk=item.id))
            else:
                status = refusal
            self._keep_upload(form, upload, status)
        else:
            form = self.edit_form.refresh(obj=item)
            form["version"].data = item.version
        widgets = self._get_edit_widget(form=form)
        return (
            self.render_template(
                self.edit_template,
                title=self.edit_title,
                widgets=widgets,
                related_views=self._related_views,
                item=item,
                refused=status >= 400,
            ),
            status,
        )

    @expose("/delete/<pk>", methods=["POST"])
    @has_access
    def delete(self, pk: Any) -> Any:
        actor = Actor.current()
        item = get_for(self.artefact, pk, actor)  # out of reach: the « not found » page
        try:
            records.archive_record(self.artefact, item, actor, reason=read_reason(request.form))
        except DomainError as error:
            flash_error(error)
            return redirect(url_for(f"{self.endpoint}.show", pk=item.id)), error.status
        flash(
            _("Enregistrement archivé : il reste consultable dans les archives.")
            if self.artefact.archivable
            else _("Enregistrement supprimé."),
            "success",
        )
        return redirect(url_for(f"{self.endpoint}.list"))

    @expose("/restore/<pk>", methods=["POST"])
    @has_access
    def restore(self, pk: Any) -> Any:
        actor = Actor.current()
        item = get_for(self.artefact, pk, actor)  # out of reach: the « not found » page
        try:
            records.restore_record(self.artefact, item, actor, reason=read_reason(request.form))
        except DomainError as error:
            flash_error(error)
            return redirect(url_for(f"{self.endpoint}.show", pk=pk)), error.status
        flash(_("Enregistrement restauré."), "success")
        return redirect(url_for(f"{self.endpoint}.show", pk=pk))

    # -- FAB routes Vigie does not offer: refused for everyone -----------------------------
    @expose("/download/<string:filename>")
    @has_access
    def download(self, filename: str) -> Any:
        abort(404)

    @expose("/action/<string:name>/<pk>", methods=["GET", "POST"])
    @has_access
    def action(self, name: str, pk: Any) -> Any:
        abort(404)

    @expose("/action_post", methods=["POST"])
    @has_access
    def action_post(self) -> Any:
        abort(404)


def related_formatter(many: bool) -> Any:
    """How a page names a related record: its name if the reader may open it, else
    « contenu réservé » (:class:`app.reading.References`, checked for the whole page)."""

    def format_related(value: Any) -> Any:
        shown = references().shown(value)
        if many:
            return ", ".join(str(v) for v in shown or ()) or "—"
        return "—" if shown is None else shown

    return format_related


def view_class(artefact: Artefact) -> type[ArtefactView]:
    """Build the ``ModelView`` subclass for one artefact."""
    editable = list(artefact.form_fields)
    show = list(artefact.detail_columns)
    relations_in_forms = [c for c in editable if artefact.is_relation(c)]
    search_columns = list(
        dict.fromkeys(
            [
                *artefact.search_columns,
                *(["state"] if engine.workflow_of(artefact) is not None else []),
            ]
        )
    )
    relations_searched = [c for c in search_columns if artefact.is_relation(c)]
    # every relation field draws only its chosen record(s), its choices typed for (pickers)
    form_pickers = {name: pickers.picker_field(artefact, name) for name in relations_in_forms}
    search_pickers = {
        name: pickers.picker_field(artefact, name, search=True) for name in relations_searched
    }
    labels = {c: artefact.column_caption(c) for c in {*show, *artefact.list_columns, *editable}}
    labels["reason"] = _l("Motif de la modification")
    if "file_size" in labels:  # shown in words (« 1,6 Ko »), not in bytes as in exports
        labels["file_size"] = _l("Taille")
    if artefact.accepts_upload:
        labels[attachments.FILE_FIELD] = _l("Fichier")
    # every column of lists and show pages reads as people read it (app.registry.display)
    formatters: dict[str, Any] = {
        name: (
            related_formatter(artefact.is_collection(name))
            if artefact.is_relation(name)
            else (lambda value, _name=name: display.shown(artefact, _name, value))
        )
        for name in (*show, *artefact.list_columns)
    }
    if engine.workflow_of(artefact) is not None:
        states = artefact.choices["state"]
        formatters["state"] = lambda value, _c=states: state_badge(value, _c.label(value))
    file_fields = {attachments.FILE_FIELD: file_field(False)} if artefact.accepts_upload else {}
    replace_fields = {attachments.FILE_FIELD: file_field(True)} if artefact.accepts_upload else {}
    choice_fields = {
        name: SelectField(
            artefact.column_caption(name),
            choices=[
                *([("", "—")] if artefact.is_nullable(name) else []),
                *[(code, label) for code, label in choice.values],
            ],
            description=artefact.description_columns.get(name, ""),
            widget=Select2Widget(),
        )
        for name, choice in artefact.choices.items()
        if name in editable
    }
    attrs: dict[str, Any] = {
        "artefact": artefact,
        "class_permission_name": artefact.code_name,
        "route_base": f"/{artefact.code_name}",
        "datamodel": interface_for(artefact, count_cap=COUNT_CAP),
        "base_filters": scope_filters(),
        "list_columns": list(artefact.list_columns),
        "show_columns": show,
        "add_columns": [*editable, *file_fields, "reason"],
        "edit_columns": [*editable, *replace_fields, "reason", "version"],
        "search_columns": search_columns,
        "picker_names": frozenset([*relations_in_forms, *relations_searched]),
        "order_columns": list(artefact.sortable_columns),
        "base_order": None,  # the data interface applies the declared order (DEFAULT_ORDER)
        "label_columns": labels,
        "description_columns": dict(artefact.description_columns),
        "formatters_columns": formatters,
        "search_form_extra_fields": search_pickers,
        "add_form_extra_fields": {
            **form_pickers,
            **choice_fields,
            **file_fields,
            "reason": REASON_FIELD,
        },
        "edit_form_extra_fields": {
            **form_pickers,
            **choice_fields,
            **replace_fields,
            "reason": REASON_FIELD,
            "version": HiddenField(),
        },
        "list_title": artefact.label_plural,
        "show_title": artefact.label,
        "add_title": _l("Nouveau : %(what)s", what=artefact.label),
        "edit_title": _l("Modifier : %(what)s", what=artefact.label),
        "page_size": 25,
    }
    name = "".join(part.capitalize() for part in artefact.code_name.split("_")) + "View"
    return type(name, (ArtefactView,), attrs)


def register_views(appbuilder: Any) -> None:
    """Add every artefact's screens to the menu, grouped by category, and tell the core which
    endpoint shows each artefact (cards and PDFs link to records' pages through it)."""
    endpoints = {}
    for artefact in all_artefacts():
        view = view_class(artefact)
        appbuilder.add_view(
            view,
            artefact.code_name,
            label=artefact.label_plural,
            icon=artefact.icon,
            category=artefact.category,
            category_label=artefact.category_label,
        )
        endpoints[artefact.code_name] = view.__name__
    register_endpoints(current_app, show=endpoints)
    _security_menu_last(appbuilder)


def _security_menu_last(appbuilder: Any) -> None:
    """Business menus first; Flask-AppBuilder's "Security" menu (admins only) at the end."""
    items = appbuilder.menu.menu
    items.sort(key=lambda item: item.name == "Security")
