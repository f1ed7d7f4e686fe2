"""Reading an export's rows set-based: the exported columns only, in chunks, related records
named by one lookup per relation per chunk.

An export of the action plan is 51,000 rows. Loading them as ORM records with their
relations, then building the file, held every record at once (+420 MiB per worker). Here the
list's own query (its filters, scope and order: :meth:`ArtefactInterface.ordered_query`) is
narrowed to the exported columns and the foreign keys of the related records it names, and
read in chunks of :data:`CHUNK` rows (``yield_per``: a server-side cursor on PostgreSQL).
For each chunk, each relation costs one query: the ids of the related records of a
collection (``select(parent id, related id)``), then their names for the ids not yet named
(kept for a bounded number of ids), and which of them the reader may open
(:class:`app.reading.References`: « contenu réservé » otherwise, as on the list). Only a
column that exists in Python alone (a plain property such as an application's health) loads
the chunk's records — one query per chunk, records dropped with the chunk.

Every value then goes through the cell rules of :mod:`app.exports.cells`, so the file is the
one the record-by-record path wrote.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.ext.hybrid import HybridExtensionType
from sqlalchemy.orm import RelationshipDirection, aliased

from app.exports.cells import escape_cell, shown_value
from app.extensions import db
from app.reading import RESERVED, References
from app.registry.artefact import Artefact
from app.security.actor import Actor

#: Rows read, named and written per chunk: what an export holds in memory at once.
CHUNK = 1000
#: Names of related records kept between chunks (services and people recur on every row);
#: beyond it the names are dropped and read again, so memory stays bounded.
NAME_CACHE = 5000

Row = list[Any]


@dataclass(frozen=True)
class _Relation:
    """How one exported relation is read: its foreign key in the row (to-one), or one query
    of (parent id, related id) pairs per chunk (collections, or a key on the other side)."""

    name: str
    model: type
    key_index: int | None  # position of the foreign key among the selected columns


class Names:
    """Names of related records by model and id, read by one query per batch of new ids,
    and which of them the reader may open (``References``: one query per batch too)."""

    def __init__(self, actor: Actor) -> None:
        self.refs = References(actor)
        self._names: dict[type, dict[int, str]] = {}

    def learn(self, model: type, ids: set[int]) -> None:
        known = self._names.setdefault(model, {})
        if len(known) > NAME_CACHE:
            known.clear()
        missing = sorted(ids - known.keys())
        if missing:
            pk: Any = model.id  # type: ignore[attr-defined]
            for record in db.session.scalars(select(model).where(pk.in_(missing))):
                known[record.id] = str(record)
        self.refs.learn(model, ids)

    def shown(self, model: type, record_id: int) -> str:
        """The record's name, or « contenu réservé » if the reader may not open it."""
        if not self.refs.opens_id(model, record_id):
            return str(RESERVED)
        return self._names[model].get(record_id, "")


class RowReader:
    """The export's rows for one reader (see the module docstring)."""

    def __init__(self, artefact: Artefact, actor: Actor, chunk: int | None = None) -> None:
        self.artefact = artefact
        self.chunk = chunk or CHUNK
        self.names = Names(actor)
        model: Any = artefact.model
        self.model = model
        mapper: Any = sa_inspect(model)
        descriptors = mapper.all_orm_descriptors
        #: what the main query selects: the id first, then columns and foreign keys
        self.selected: list[Any] = [model.id]
        #: per exported column, how its value is found (see :meth:`_cells`)
        self.sources: list[tuple[str, Any]] = []
        self.relations: list[_Relation] = []
        self.python_columns: list[str] = []
        for column in artefact.columns_for_export:
            if artefact.is_relation(column):
                relation = self._relation(column)
                self.relations.append(relation)
                self.sources.append(("relation", relation))
            elif column in mapper.column_attrs or _is_sql_hybrid(descriptors.get(column)):
                self.sources.append(("column", len(self.selected)))
                self.selected.append(getattr(model, column))
            else:  # computed in Python only: read from the chunk's records
                self.python_columns.append(column)
                self.sources.append(("python", column))
        self._converters = [self._converter(c) for c in artefact.columns_for_export]

    def _relation(self, name: str) -> _Relation:
        prop = self.artefact.relationships[name]
        model = prop.mapper.class_
        local = list(prop.local_columns)
        if prop.direction is RelationshipDirection.MANYTOONE and len(local) == 1:
            self.selected.append(local[0])
            return _Relation(name, model, len(self.selected) - 1)
        return _Relation(name, model, None)

    def _converter(self, column: str) -> Callable[[Any], Any]:
        """The cell rule of one column; a closed list's labels are looked up once each."""
        artefact = self.artefact
        if column in artefact.choices:
            labels: dict[Any, Any] = {}

            def choice(value: Any) -> Any:
                if value not in labels:
                    labels[value] = escape_cell(shown_value(artefact, column, value))
                return labels[value]

            return choice
        return lambda value: escape_cell(shown_value(artefact, column, value))

    # -- reading ------------------------------------------------------------------------
    def chunks(self, query: Any) -> Iterator[list[Row]]:
        """The rows of the list's ``query`` (an ORM query of the artefact, filtered and
        ordered), as typed and escaped cells, :attr:`chunk` rows at a time."""
        narrowed = query.with_entities(*self.selected).execution_options(yield_per=self.chunk)
        result = db.session.execute(narrowed.statement.execution_options(yield_per=self.chunk))
        for partition in result.partitions():
            yield self._cells(partition)

    def _cells(self, rows: Sequence[Any]) -> list[Row]:
        ids = [row[0] for row in rows]
        named = {r.name: self._named(r, rows, ids) for r in self.relations}
        records: dict[int, Any] = {}
        if self.python_columns:
            records = {
                obj.id: obj
                for obj in db.session.scalars(select(self.model).where(self.model.id.in_(ids)))
            }
        out: list[Row] = []
        converters = self._converters
        for position, row in enumerate(rows):
            cells: Row = []
            for (how, where), convert in zip(self.sources, converters, strict=True):
                if how == "column":
                    value = row[where]
                elif how == "relation":
                    value = named[where.name][position]
                else:
                    value = getattr(records[row[0]], where, None)
                cells.append(convert(value))
            out.append(cells)
        return out

    def _named(self, relation: _Relation, rows: Sequence[Any], ids: list[int]) -> list[Any]:
        """Per row, the related record's name (to-one; None when empty) or the list of names
        of a collection, « contenu réservé » in place of what the reader may not open."""
        names = self.names
        model = relation.model
        if relation.key_index is not None:
            keys = [row[relation.key_index] for row in rows]
            names.learn(model, {k for k in keys if k is not None})
            return [None if k is None else names.shown(model, k) for k in keys]
        target: Any = aliased(model)
        parent = self.model
        pairs = db.session.execute(
            select(parent.id, target.id)
            .select_from(parent)
            .join(getattr(parent, relation.name).of_type(target))
            .where(parent.id.in_(ids))
            .order_by(parent.id, target.id)
        ).all()
        names.learn(model, {related for _parent, related in pairs})
        by_parent: dict[int, list[int]] = {}
        for parent_id, related in pairs:
            by_parent.setdefault(parent_id, []).append(related)
        cells: list[Any] = []
        for record_id in ids:
            related_ids = by_parent.get(record_id, [])
            if relation.key_index is None and not self.artefact.is_collection(relation.name):
                cells.append(names.shown(model, related_ids[0]) if related_ids else None)
                continue
            kept = [names.shown(model, i) for i in related_ids if names.refs.opens_id(model, i)]
            if len(kept) < len(related_ids):
                kept.append(str(RESERVED))
            cells.append(kept)
        return cells


def _is_sql_hybrid(descriptor: Any) -> bool:
    """A hybrid property (``Action.late``) reads in SQL like a column."""
    return getattr(descriptor, "extension_type", None) is HybridExtensionType.HYBRID_PROPERTY
