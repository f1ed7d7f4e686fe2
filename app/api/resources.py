"""Generates one REST resource per registered artefact (``/api/v1/<code_name>/``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from app.api.base import ArtefactApi
from app.api.jobs import JobApi
from app.api.measurement_batch import MeasurementBatchApi
from app.api.reporting import ReportingPeriodLockApi
from app.api.strategy_map import StrategyMapApi
from app.registry import all_artefacts
from app.registry.artefact import Artefact
from app.registry.interface import interface_for, picker_filters, scope_filters


def display_attribute(model: type) -> str:
    """The attribute that names a related record in lists (code, title, name…)."""
    for name in ("code", "username", "title", "name"):
        if hasattr(model, name):
            return name
    return "id"


def public_columns(artefact: Artefact, columns: Iterable[str]) -> list[str]:
    """Columns as the API shows them: a related record as its id and name, never whole.

    Dumping a related record whole would publish every column of it — for an agent, their
    password hash and login counters.
    """
    out: list[str] = []
    for column in columns:
        if artefact.is_relation(column):
            label = display_attribute(artefact.related_model(column))
            out.extend(dict.fromkeys([f"{column}.id", f"{column}.{label}"]))
        else:
            out.append(column)
    return out


def api_class(artefact: Artefact) -> type[ArtefactApi]:
    """Build the ``ModelRestApi`` subclass for one artefact."""
    list_columns = public_columns(artefact, artefact.list_columns)
    show = ["id", *public_columns(artefact, artefact.detail_columns)]
    # ``_info`` lists the records a related field may take: only those the caller may pick
    pickers = {
        name: picker_filters(artefact, name)
        for name in artefact.editable_fields
        if artefact.is_relation(name)
    }
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
        "add_query_rel_fields": pickers,
        "edit_query_rel_fields": pickers,
        "description_columns": dict(artefact.description_columns),
        "order_columns": list(artefact.sortable_columns),
        "base_order": None,  # the data interface applies the declared order (DEFAULT_ORDER)
        "label_columns": {
            c: artefact.column_label(c)
            for c in {"id", *artefact.detail_columns, *artefact.list_columns}
        },
    }
    name = "".join(part.capitalize() for part in artefact.code_name.split("_")) + "Api"
    return type(name, (ArtefactApi,), attrs)


def register_apis(appbuilder: Any) -> None:
    for artefact in all_artefacts():
        appbuilder.add_api(api_class(artefact))
    appbuilder.add_api(MeasurementBatchApi)
    appbuilder.add_api(ReportingPeriodLockApi)
    appbuilder.add_api(StrategyMapApi)
    appbuilder.add_api(JobApi)
