"""Which rows a list export reads: the list's filters, order, archives and worklist, as data.

A list page's export must read exactly the rows the page shows, for the same person. Its
filters are Flask-AppBuilder filter objects bound to the request; a background export runs
later, in a worker, with no request. So the list is described by a :class:`ListSpec` — each
filter as (column, operation, value), the order, the archive mode and the worklist — that a
job keeps in its parameters, and the query is rebuilt from it by the list's own data
interface (:meth:`ArtefactInterface.list_filters` and ``ordered_query``) with the scope of
the person it reads for. The streamed export goes through the very same round trip, so the
job reads what the stream would have.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_appbuilder.models.filters import Filters, map_args_filter
from sqlalchemy import func, select

from app.extensions import db
from app.registry import worklists
from app.registry.artefact import Artefact
from app.registry.interface import ScopeFilter, interface_for
from app.security.actor import Actor

ARCHIVED_MODES = ("exclude", "include", "only")


@dataclass(frozen=True)
class ListSpec:
    """A list as its export reads it (see the module docstring)."""

    filters: tuple[tuple[str, str, Any], ...] = ()
    order_column: str = ""
    order_direction: str = ""
    archived: str = "exclude"
    worklist: str | None = None

    @classmethod
    def of(
        cls,
        filters: Any,
        order_column: str | None,
        order_direction: str | None,
        archived: str,
        worklist: Any,
    ) -> ListSpec:
        """The spec of a list request: its FAB filters (the person's; the base scope filter
        is left out — the scope is the reader's, re-applied by :meth:`query`)."""
        kept: list[tuple[str, str, Any]] = []
        for flt, value in zip(
            filters.filters if filters else [], filters.values if filters else [], strict=True
        ):
            if isinstance(flt, ScopeFilter):
                continue
            if not flt.arg_name:
                raise ValueError(f"an export cannot carry the filter {type(flt).__name__}")
            json.dumps(value)  # a job keeps it: refuse now what it could not keep
            kept.append((flt.column_name, flt.arg_name, value))
        return cls(
            filters=tuple(kept),
            order_column=order_column or "",
            order_direction=order_direction or "",
            archived=archived if archived in ARCHIVED_MODES else "exclude",
            worklist=getattr(worklist, "name", None),
        )

    def params(self) -> dict[str, Any]:
        """The spec as a job parameter (JSON)."""
        return {
            "filters": [list(f) for f in self.filters],
            "order": [self.order_column, self.order_direction],
            "archived": self.archived,
            "worklist": self.worklist,
        }

    @classmethod
    def from_params(cls, raw: Mapping[str, Any]) -> ListSpec:
        """The spec a job kept (:meth:`params`); ``ValueError`` on anything else."""
        order = raw.get("order") or ["", ""]
        filters = tuple((str(c), str(o), v) for c, o, v in raw.get("filters") or [])
        archived = str(raw.get("archived") or "exclude")
        if archived not in ARCHIVED_MODES or len(order) != 2:
            raise ValueError("not a list export's parameters")
        worklist = raw.get("worklist")
        return cls(filters, str(order[0] or ""), str(order[1] or ""), archived, worklist)

    # -- the query -----------------------------------------------------------------------
    def query(self, artefact: Artefact, actor: Actor) -> Any:
        """The list's ORM query for ``actor``: their scope, the filters, archives, worklist
        and order of the list (not run)."""
        interface = interface_for(artefact)
        filters = Filters(interface.filter_converter_class, interface)
        for column, operation, value in self.filters:
            filters._add_filter(_filter(filters, interface, column, operation), value)
        filters.add_filter("id", ScopeFilter, actor.scope)
        worklist = worklists.find(artefact.code_name, self.worklist) if self.worklist else None
        filters = interface.list_filters(filters, self.archived, worklist, actor)
        return interface.ordered_query(filters, self.order_column, self.order_direction)


def _filter(filters: Filters, interface: Any, column: str, operation: str) -> Any:
    """The filter object of ``column`` whose operation is ``operation`` (FAB's own lookup:
    the column's filters first, then its REST operations)."""
    for candidate in filters._all_filters.get(column, []):
        if candidate.arg_name == operation:
            return candidate
    known = map_args_filter.get(operation)
    if known is None or column not in filters._all_filters:
        raise ValueError(f"unknown filter {operation!r} on {column!r}")
    return known(column, interface)


def capped_count(query: Any, cap: int) -> int:
    """How many rows the list has, counted no further than ``cap`` (``SELECT count(*)`` of
    the list's ids with ``LIMIT cap``): enough to choose between streaming and a job without
    counting 51,000 rows."""
    model: Any = query.column_descriptions[0]["entity"]
    ids = query.with_entities(model.id).order_by(None).limit(cap).subquery()
    return int(db.session.scalar(select(func.count()).select_from(ids)) or 0)
