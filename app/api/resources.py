"""Generates one REST resource per registered artefact (``/api/v1/<code_name>/``)."""

from __future__ import annotations

from typing import Any

from app.api.base import ArtefactApi
from app.registry import all_artefacts
from app.registry.artefact import Artefact
from app.registry.interface import interface_for, scope_filters


def display_attribute(model: type) -> str:
    """The attribute that names a related record in lists (code, title, name…)."""
    for name in ("code", "username", "title", "name"):
        if hasattr(model, name):
            return name
    return "id"


def api_class(artefact: Artefact) -> type[ArtefactApi]:
    """Build the ``ModelRestApi`` subclass for one artefact."""
    list_columns: list[str] = []
    for column in artefact.list_columns:
        if artefact.is_relation(column):
            label = display_attribute(artefact.related_model(column))
            list_columns.extend([f"{column}.id", f"{column}.{label}"])
        else:
            list_columns.append(column)
    show = ["id", *artefact.detail_columns]
    attrs: dict[str, Any] = {
        "artefact": artefact,
        "resource_name": artefact.code_name,
        "class_permission_name": artefact.code_name,
        "openapi_spec_tag": str(artefact.label_plural),
        "datamodel": interface_for(artefact),
        "base_filters": scope_filters(),
        "list_columns": ["id", *list_columns, "version"]
        + (["archived"] if artefact.archivable else []),
        "show_columns": show,
        "add_columns": list(artefact.editable_fields),
        "edit_columns": list(artefact.editable_fields),
        "search_columns": list(artefact.search_columns)
        + (["archived"] if artefact.archivable else []),
        "order_columns": list(artefact.sortable_columns),
        "base_order": artefact.order_by,
        "label_columns": {c: artefact.column_label(c) for c in {*show, *artefact.list_columns}},
    }
    name = "".join(part.capitalize() for part in artefact.code_name.split("_")) + "Api"
    return type(name, (ArtefactApi,), attrs)


def register_apis(appbuilder: Any) -> None:
    from app.api.measurement_batch import MeasurementBatchApi

    for artefact in all_artefacts():
        appbuilder.add_api(api_class(artefact))
    appbuilder.add_api(MeasurementBatchApi)
