"""Related-record pickers whose cost does not grow with the town: choices typed for, not listed.

Flask-AppBuilder draws a relation field (in add and edit forms, and in a list's search form)
as a ``<select>`` of every related record: the measurement list loaded all 3,500 indicators as
objects on each page view, whether anyone filtered on them or not. Here the same fields draw
only the record(s) already chosen; Select2 (already on every page) asks the artefact view's
``picker`` endpoint for the others as the person types (``vigie.js`` reads the address from
``data-vigie-picker``). Both go through one query, :func:`picker_query`, with the picker rule
of :func:`app.registry.interface.picker_filters` (in scope, not archived, the placing rule):
the endpoint offers what the form accepts, and a submitted id outside it is refused.
"""

from __future__ import annotations

import re
from typing import Any

from flask import has_request_context, request
from flask_appbuilder.fields import QuerySelectField
from flask_appbuilder.fieldwidgets import Select2ManyWidget, Select2Widget
from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy import String, false, or_
from sqlalchemy import inspect as sa_inspect
from wtforms.validators import DataRequired
from wtforms.validators import Optional as OptionalValidator

from app.commands.values import within_id_range
from app.extensions import db
from app.registry.artefact import Artefact
from app.registry.interface import picker_filters
from views.forms import BLANK, CheckedQuerySelectMultipleField

#: Choices per page of the autocomplete (Select2 asks for the next page on scrolling).
PAGE_SIZE = 20
#: The columns a typed text is looked for in, those of them the related model has: what its
#: records are named by (``repr``) in every picker.
SEARCHED = (
    "code",
    "name",
    "title",
    "subject",
    "description",
    "last_name",
    "first_name",
    "username",
    "period",
    "standard",
    "certificate_number",
)
#: Their order (the first the model has), then the id.
ORDERED = ("code", "period", "title", "last_name", "name", "username", "number")


def picker_query(artefact: Artefact, name: str) -> Any:
    """The records the ``name`` field of ``artefact`` may be given, for the current reader."""
    model = artefact.related_model(name)
    datamodel = SQLAInterface(model)
    filters = datamodel.get_filters().add_filter_list(picker_filters(artefact, name))
    return filters.apply_all(db.session.query(model))


def _text_columns(model: type) -> list[Any]:
    mapper: Any = sa_inspect(model)
    return [
        getattr(model, column)
        for column in SEARCHED
        if column in mapper.column_attrs
        and isinstance(mapper.column_attrs[column].columns[0].type, String)
    ]


def _order(model: type) -> list[Any]:
    mapper: Any = sa_inspect(model)
    first = [getattr(model, c) for c in ORDERED if c in mapper.column_attrs][:1]
    return [*first, model.id]  # type: ignore[attr-defined]


def choices(artefact: Artefact, name: str, text: str, page: int) -> tuple[list[Any], bool]:
    """One page of the records whose name holds ``text`` (any case), and whether more follow:
    ``PAGE_SIZE + 1`` rows read, never the whole table."""
    model = artefact.related_model(name)
    query = picker_query(artefact, name)
    words = text.strip()
    columns = _text_columns(model)
    if words:  # a model without a text column to look in matches no typed text
        pattern = f"%{words.replace('%', '').replace('_', '')}%"
        query = query.filter(or_(false(), *(c.ilike(pattern) for c in columns)))
    rows = query.order_by(*_order(model)).offset(page * PAGE_SIZE).limit(PAGE_SIZE + 1).all()
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def _ints(values: Any) -> list[int]:
    """The record ids among submitted texts (anything else, or beyond any id, matches none)."""
    numbers = {int(v) for v in values if str(v).isdigit() and len(str(v)) <= 10}
    return sorted(n for n in numbers if within_id_range(n))


class Picking:
    """What one picker field needs: its artefact and field, and the address of its choices."""

    def __init__(self, artefact: Artefact, name: str, search: bool) -> None:
        self.artefact = artefact
        self.name = name
        #: a list's search field: what is chosen comes from the list's own ``_flt_`` args
        self.search = search
        self._filter_arg = re.compile(rf"^_flt_\d+_{re.escape(name)}$")

    @property
    def url(self) -> str:
        root = request.script_root if has_request_context() else ""
        return f"{root}/{self.artefact.code_name}/picker/{self.name}/"

    def records(self, ids: list[int]) -> list[Any]:
        """The chosen records among those the picker offers (no query for none)."""
        if not ids:
            return []
        model: Any = self.artefact.related_model(self.name)
        return list(picker_query(self.artefact, self.name).filter(model.id.in_(ids)))

    def filtered_ids(self) -> list[int]:
        """Ids the list is filtered on for this column (its search form shows them chosen)."""
        if not has_request_context():
            return []
        args = request.args
        return _ints(v for key in args if self._filter_arg.match(key) for v in args.getlist(key))


class PickerWidget(Select2Widget):
    """FAB's Select2 box, told where its choices come from."""

    def __init__(self, picking: Picking, multiple: bool = False) -> None:
        super().__init__()
        self.picking = picking
        self.multiple = multiple

    def __call__(self, field: Any, **kwargs: Any) -> Any:
        kwargs["data-vigie-picker"] = self.picking.url
        if self.multiple:
            return Select2ManyWidget()(field, **kwargs)
        return super().__call__(field, **kwargs)


class _ChosenOnly:
    """The object list of a picker field: its chosen records only, read once per form.

    FAB's fields read their whole choice list to draw options, resolve a submitted id and
    validate it; here each of those sees the records chosen (submitted, stored, or — in a
    list's search form — filtered on), read through the picker's own rule, so an id it
    would not offer resolves to nothing and is refused by the field's validation.
    """

    picking: Picking
    _object_list: list[tuple[str, Any]] | None

    def _wanted(self) -> list[int]:
        raise NotImplementedError

    def _get_object_list(self) -> list[tuple[str, Any]]:
        if self._object_list is None:
            objs = self.picking.records(self._wanted())
            self._object_list = [(str(obj.id), obj) for obj in objs]
        return self._object_list


class PickerField(_ChosenOnly, QuerySelectField):
    """A to-one picker holding only its chosen record (the submitted one, or the stored one)."""

    def __init__(self, *args: Any, picking: Picking, **kwargs: Any) -> None:
        kwargs.setdefault("widget", PickerWidget(picking))
        super().__init__(*args, query_func=list, get_pk_func=lambda obj: obj.id, **kwargs)
        self.picking = picking
        self._object_list = None

    def _wanted(self) -> list[int]:
        if self._formdata is not None:
            return _ints([self._formdata])
        if self._data is not None:
            return [self._data.id]
        return self.picking.filtered_ids() if self.picking.search else []


class MultiPickerField(_ChosenOnly, CheckedQuerySelectMultipleField):
    """A to-many picker holding only its chosen records; an id it does not offer is refused."""

    def __init__(self, *args: Any, picking: Picking, **kwargs: Any) -> None:
        kwargs.setdefault("widget", PickerWidget(picking, multiple=True))
        super().__init__(*args, query_func=list, get_pk_func=lambda obj: obj.id, **kwargs)
        self.picking = picking
        self._object_list = None

    def _wanted(self) -> list[int]:
        if self._formdata is not None:
            return _ints(self._formdata)
        if self._data:
            return [obj.id for obj in self._data]
        return self.picking.filtered_ids() if self.picking.search else []


def picker_field(artefact: Artefact, name: str, *, search: bool = False) -> Any:
    """The form field of relation ``name`` (``search``: in the list's search form)."""
    picking = Picking(artefact, name, search)
    label = artefact.column_caption(name)
    description = artefact.description_columns.get(name, "")
    if artefact.is_collection(name):
        return MultiPickerField(label, description=description, picking=picking)
    required = not search and not _nullable_relation(artefact, name)
    return PickerField(
        label,
        description=description,
        picking=picking,
        allow_blank=not required,
        blank_text=BLANK,
        validators=[DataRequired()] if required else [OptionalValidator()],
    )


def _nullable_relation(artefact: Artefact, name: str) -> bool:
    """Whether a to-one relation may be left empty: all its local columns are nullable."""
    prop: Any = artefact.relationships[name]
    return all(column.nullable for column in prop.local_columns)
