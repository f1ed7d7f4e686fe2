"""Fast writes for the demo town: bulk inserts and one ``create`` history entry per record.

The large town holds hundreds of thousands of rows; the ORM unit of work (one object, one
identity-map entry and one before-flush pass per row) would make it take many minutes, and
even Core's per-row parameter handling dominates at that volume. So the bulky tables (targets,
measurements, actions, complaints) and every history entry go through :func:`insert_plain`:
rows converted by the very bind processors SQLAlchemy would use (UTC timestamps, dates,
JSON…), then streamed with ``COPY`` on PostgreSQL (psycopg 3) or sent with the driver's
``executemany`` of one ``INSERT`` elsewhere, in chunks. Column defaults
(``version``, ``created_at``, ``archived``…) are evaluated once per call — the load is one
moment — and constant columns converted once.

Ids are reserved before the insert and written explicitly, because the history entries need
them: ``INSERT … RETURNING`` in row order costs one statement per row on SQLite. On PostgreSQL
the ids come from the table's own sequence (``nextval`` once per row, in one query), so the
sequence stays right for every later insert; on SQLite, which numbers a new row
``max(id) + 1``, they continue after the largest id — safe because the load runs in one
transaction that holds SQLite's write lock. Other databases fall back to ``RETURNING``.

Bulk inserts skip the ORM's ``before_flush`` hook (``app.models.computed``), so the caller
computes stored computed columns itself (days to close, processing days…), exactly as the
models' ``refresh_computed`` would.

History: :class:`HistoryWriter` builds the same entry as ``app.history.record`` would — action
``create``, no user (``système``), the demo reason, and the field diff of
``app.history.creation_changes`` — for ORM objects (:meth:`HistoryWriter.objects`) and for bulk
rows described by their field values (:meth:`HistoryWriter.rows`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import Column, Table, func, insert, select, text

from app import history, registry
from app.extensions import db
from app.models.history import HistoryEntry
from app.models.types import utcnow

#: Rows per driver round trip.
CHUNK = 5000
#: Values history diffs store as they are (anything else goes through ``history.jsonable``).
_PLAIN = (int, float, str, bool)

T = TypeVar("T")


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def table_of(model: Any) -> Table:
    table: Table = model.__table__
    return table


def insert_rows(model: Any, rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """Insert ``rows`` (same keys in every row, no ``id``) and return their ids, in order."""
    if not rows:
        return []
    table = table_of(model)
    ids = reserve_ids(table, len(rows))
    if ids is None:
        stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        found: list[int] = []
        for part in chunks(rows):
            found.extend(db.session.execute(stmt, list(part)).scalars().all())
        return found
    insert_plain(table, [{**row, "id": i} for row, i in zip(rows, ids, strict=True)])
    return ids


def reserve_ids(table: Table, count: int) -> list[int] | None:
    """``count`` fresh ids for ``table`` (see the module docstring); None if unsupported."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "sqlite":
        db.session.flush()
        last = db.session.execute(select(func.max(table.c.id))).scalar() or 0
        return list(range(last + 1, last + 1 + count))
    if dialect == "postgresql":
        query = text(
            "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)"
        )
        values = db.session.execute(query, {"table": table.name, "count": count}).scalars()
        return sorted(values)
    return None


def insert_plain(
    table: Table, rows: Sequence[Mapping[str, Any]], constants: Mapping[str, Any] | None = None
) -> None:
    """Insert rows (same keys in every row) through the driver's ``executemany``.

    ``constants`` are columns with the same value in every row (converted once); columns in
    neither take their Python-side default.
    """
    if not rows:
        return
    db.session.flush()
    connection = db.session.connection()
    dialect = connection.dialect
    keys = list(rows[0])
    fixed = {**_defaults(table, [*keys, *(constants or {})]), **(constants or {})}
    names = [*keys, *fixed]
    fixed_values = tuple(_convert(table.c[name], value, dialect) for name, value in fixed.items())
    pairs = [(key, _processor(table.c[key], dialect)) for key in keys]
    quote = dialect.identifier_preparer.quote
    columns = ", ".join(quote(n) for n in names)
    copy = dialect.name == "postgresql" and dialect.driver == "psycopg"
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"COPY {quote(table.name)} ({columns}) FROM STDIN"
        if copy
        else f"INSERT INTO {quote(table.name)} ({columns}) "
        f"VALUES ({', '.join([marker] * len(names))})"
    )
    for part in chunks(rows):
        params = [
            (
                *(
                    proc(row[key]) if proc is not None and row[key] is not None else row[key]
                    for key, proc in pairs
                ),
                *fixed_values,
            )
            for row in part
        ]
        if copy:
            _copy(connection, sql, params)
        else:
            connection.exec_driver_sql(sql, params)


def _copy(connection: Any, sql: str, params: Sequence[tuple[Any, ...]]) -> None:
    """PostgreSQL: stream the rows with ``COPY`` in the session's transaction (psycopg 3)."""
    driver_connection = connection.connection.driver_connection
    with driver_connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in params:
            copy.write_row(row)


def _defaults(table: Table, given: Sequence[str]) -> dict[str, Any]:
    """Python-side defaults of the columns not given, evaluated once."""
    values: dict[str, Any] = {}
    for column in table.columns:
        default: Any = column.default
        if column.name in given or default is None:
            continue
        if default.is_callable:
            values[column.name] = default.arg(None)
        elif default.is_scalar:
            values[column.name] = default.arg
    return values


def _processor(column: Column[Any], dialect: Any) -> Callable[[Any], Any] | None:
    """The bind processor SQLAlchemy applies to this column's values on this dialect."""
    processor: Callable[[Any], Any] | None = column.type._cached_bind_processor(dialect)
    return processor


def _convert(column: Column[Any], value: Any, dialect: Any) -> Any:
    processor = _processor(column, dialect)
    return processor(value) if processor is not None and value is not None else value


class HistoryWriter:
    """Collects ``create`` entries and writes them in chunks (one timestamp for the load)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        self.at: datetime = utcnow()
        self.count = 0
        self._pending: list[dict[str, Any]] = []
        self._fields: dict[str, tuple[str, ...]] = {}

    # -- building entries -------------------------------------------------------------------
    def objects(self, code_name: str, objects: Iterable[Any]) -> int:
        """One entry per flushed ORM object, with ``creation_changes``' diff."""
        artefact = registry.get(code_name)
        added = 0
        for obj in objects:
            self._add(code_name, obj.id, history.creation_changes(artefact, obj))
            added += 1
        return added

    def rows(self, code_name: str, ids: Sequence[int], values: Iterable[Mapping[str, Any]]) -> int:
        """One entry per bulk-inserted row; ``values`` maps field names to their values.

        The diff is the one ``creation_changes`` gives (every filled editable field, and the
        state, as ``[None, value]``). Relations are given as the related record's display
        string (``str(obj)``), which is what ``creation_changes`` stores for them; unknown
        field names are refused so a typo cannot silently drop a field from the history.
        """
        wanted = self._editable(code_name)
        allowed = frozenset(wanted)
        checked: set[frozenset[str]] = set()
        added = 0
        for record_id, fields in zip(ids, values, strict=True):
            keys = frozenset(fields)
            if keys not in checked:
                if keys - allowed:
                    raise KeyError(f"{code_name}: unknown history fields {sorted(keys - allowed)}")
                checked.add(keys)
            self._add(code_name, record_id, self._diff(wanted, fields))
            added += 1
        return added

    @staticmethod
    def _diff(wanted: Sequence[str], fields: Mapping[str, Any]) -> dict[str, list[Any]]:
        """``creation_changes``' diff from field values: filled fields as ``[None, value]``."""
        changes: dict[str, list[Any]] = {}
        for name in wanted:
            value = fields.get(name)
            if value is None or value == "":
                continue
            if not isinstance(value, _PLAIN) or isinstance(value, date):
                value = history.jsonable(value)
                if value in ([], ""):
                    continue
            changes[name] = [None, value]
        return changes

    def prepared(
        self, code_name: str, ids: Sequence[int], changes: Sequence[dict[str, list[Any]]]
    ) -> None:
        """Entries whose diffs the caller built (the measurements' hot path).

        The first diff is checked against :meth:`rows` so both paths stay identical.
        """
        if changes:
            expected = self._diff(
                self._editable(code_name), {name: pair[1] for name, pair in changes[0].items()}
            )
            if expected != changes[0]:
                raise ValueError(f"{code_name}: prepared diff differs from creation_changes")
        for record_id, diff in zip(ids, changes, strict=True):
            self._add(code_name, record_id, diff)

    def _editable(self, code_name: str) -> tuple[str, ...]:
        """Field names of a ``create`` diff: editable fields, then ``state`` if any."""
        if code_name not in self._fields:
            artefact = registry.get(code_name)
            names = tuple(artefact.editable_fields)
            if hasattr(artefact.model, "state") and "state" not in names:
                names = (*names, "state")
            self._fields[code_name] = names
        return self._fields[code_name]

    def _add(self, code_name: str, record_id: int, changes: dict[str, list[Any]]) -> None:
        self._pending.append({"artefact": code_name, "record_id": record_id, "changes": changes})
        self.count += 1
        if len(self._pending) >= 4 * CHUNK:
            self.flush()

    # -- writing ----------------------------------------------------------------------------
    def flush(self) -> None:
        if not self._pending:
            return
        constants = {
            "at": self.at,
            "user_id": None,
            "username": "système",
            "action": "create",
            "reason": self.reason,
            "event": None,
            "from_state": None,
            "to_state": None,
        }
        insert_plain(table_of(HistoryEntry), self._pending, constants)
        self._pending = []
