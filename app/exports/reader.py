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
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select, type_coerce
from sqlalchemy.ext.hybrid import HybridExtensionType
from sqlalchemy.orm import RelationshipDirection, aliased

from app.exports.cells import escape_cell, escape_text, shown_value
from app.extensions import db
from app.formatting import town_clock
from app.models.types import UtcDateTime
from app.reading import RESERVED, References
from app.registry.artefact import Artefact
from app.security.actor import Actor

#: Rows read, named and written per chunk: what an export holds in memory at once.
CHUNK = 2000
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
                self.selected.append(_as_read(getattr(model, column)))
            else:  # computed in Python only: read from the chunk's records
                self.python_columns.append(column)
                self.sources.append(("python", column))
        kinds: list[str] = []
        for column, (how, where) in zip(artefact.columns_for_export, self.sources, strict=True):
            if how == "column":
                kinds.append(self._kind(column, self.selected[where]))
            elif how == "relation" and not artefact.is_collection(column):
                kinds.append("name")
            else:
                kinds.append("other")
        self._converters = [
            self._converter(c, k) for c, k in zip(artefact.columns_for_export, kinds, strict=True)
        ]

    def _relation(self, name: str) -> _Relation:
        prop = self.artefact.relationships[name]
        model = prop.mapper.class_
        local = list(prop.local_columns)
        if prop.direction is RelationshipDirection.MANYTOONE and len(local) == 1:
            self.selected.append(local[0])
            return _Relation(name, model, len(self.selected) - 1)
        return _Relation(name, model, None)

    def _converter(self, column: str, kind: str) -> Callable[[Any], Any] | None:
        """The cell rule of one column (:func:`shown_value` then :func:`escape_cell`), taken
        by the shortest path that gives the same cell: 51,000 rows × 27 columns is 1.4
        million cells, so a text is only escaped, a timestamp only put in the town's time,
        and a value that recurs (a closed list's code, a date, a number, yes/no) is
        converted once per export."""
        artefact = self.artefact

        def rule(value: Any) -> Any:
            return escape_cell(shown_value(artefact, column, value))

        if column in artefact.choices or kind == "recurring":
            return memoized(rule)
        if kind == "plain":  # numbers and dates are cells as they are
            return None
        if kind == "text":  # a stored text (not a closed list) is shown as it is
            return escape_text
        if kind == "timestamp":  # rows written together share their timestamps
            clock = town_clock()
            return memoized(lambda value: None if value is None else clock(value))
        if kind == "utc":  # a UtcDateTime read raw (:func:`_as_read`): naive on SQLite = UTC
            clock = town_clock()

            def utc(value: Any) -> Any:
                if value is None:
                    return None
                return clock(value if value.tzinfo is not None else value.replace(tzinfo=UTC))

            return memoized(utc)
        if kind == "name":  # a related record's name, « contenu réservé », or None
            return escape_text
        return rule

    def _kind(self, column: str, expression: Any) -> str:
        """How a selected column's values look (its SQL type), for :meth:`_converter`."""
        sql_type: Any = getattr(expression, "type", None)
        try:  # a type decorator (UtcDateTime) holds its values as its implementation does
            python_type = getattr(sql_type, "impl_instance", sql_type).python_type
        except (AttributeError, NotImplementedError):
            return "other"
        if python_type is str:
            return "text"
        if python_type is datetime:
            return "utc" if getattr(expression, "_vigie_utc", False) else "timestamp"
        if python_type in (int, float, date):
            return "plain"
        if python_type in (bool, Decimal):
            return "recurring"
        return "other"

    # -- reading ------------------------------------------------------------------------
    def chunks(self, query: Any) -> Iterator[list[Row]]:
        """The rows of the list's ``query`` (an ORM query of the artefact, filtered and
        ordered), as typed and escaped cells, :attr:`chunk` rows at a time."""
        for columns in self.column_chunks(query):
            yield [list(row) for row in zip(*columns, strict=True)]

    def column_chunks(self, query: Any) -> Iterator[list[list[Any]]]:
        """:meth:`chunks` column by column (one list per exported column): what the CSV
        writer converts, a column at a time, without putting rows together twice."""
        statement = query.with_entities(*self.selected).statement
        # plain rows of columns (no ORM entity to build): read on the session's connection,
        # in its transaction, through a server-side cursor on PostgreSQL
        connection = db.session.connection().execution_options(yield_per=self.chunk)
        for partition in connection.execute(statement).partitions():
            yield self._cells(partition)

    def _cells(self, rows: Sequence[Any]) -> list[list[Any]]:
        """The chunk's cells, converted column by column (one rule per column, mapped over
        the chunk: no per-cell branching), one list per exported column."""
        ids = [row[0] for row in rows]
        records: dict[int, Any] = {}
        if self.python_columns:
            records = {
                obj.id: obj
                for obj in db.session.scalars(select(self.model).where(self.model.id.in_(ids)))
            }
        columns: list[list[Any]] = []
        for (how, where), convert in zip(self.sources, self._converters, strict=True):
            if how == "column":
                values: Any = [row[where] for row in rows]
            elif how == "relation":
                values = self._named(where, rows, ids)
            else:
                values = [getattr(records[i], where, None) for i in ids]
            columns.append(values if convert is None else list(map(convert, values)))
        return columns

    def _named(self, relation: _Relation, rows: Sequence[Any], ids: list[int]) -> list[Any]:
        """Per row, the related record's name (to-one; None when empty) or the list of names
        of a collection, « contenu réservé » in place of what the reader may not open."""
        names = self.names
        model = relation.model
        if relation.key_index is not None:
            keys = [row[relation.key_index] for row in rows]
            distinct = {k for k in keys if k is not None}
            names.learn(model, distinct)
            shown = {k: names.shown(model, k) for k in distinct}
            return [shown.get(k) for k in keys]
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


def memoized(convert: Callable[[Any], Any], bound: int = 4096) -> Callable[[Any], Any]:
    """``convert`` remembering its answers for values that recur (at most ``bound`` kept)."""
    seen: dict[Any, Any] = {}

    def lookup(value: Any) -> Any:
        try:
            return seen[value]
        except KeyError:
            if len(seen) >= bound:
                seen.clear()
            seen[value] = answer = convert(value)
            return answer

    return lookup


def _as_read(attribute: Any) -> Any:
    """The column as the export selects it: a ``UtcDateTime`` without its result processing
    (making each value UTC, which the export at once turns into the town's time: the
    converter takes the driver's value, aware on PostgreSQL, naive UTC on SQLite)."""
    sql_type = getattr(attribute, "type", None)
    if isinstance(sql_type, UtcDateTime):
        raw = type_coerce(attribute, sql_type.impl).label(attribute.key)
        raw._vigie_utc = True  # type: ignore[attr-defined]
        return raw
    return attribute


def _is_sql_hybrid(descriptor: Any) -> bool:
    """A hybrid property (``Action.late``) reads in SQL like a column."""
    return getattr(descriptor, "extension_type", None) is HybridExtensionType.HYBRID_PROPERTY
