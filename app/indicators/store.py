"""The measurement store: the one write path of indicator values.

Every value reaches the database through here — a business application's push, a file import,
the entry sheet, the generic forms (through their declared check) and the recalculation of
calculated indicators:

* :func:`value_errors` is the one rule function of a value (the indicator is not calculated,
  the period has the indicator's frequency and has begun, a locked period takes only a
  quality correction with a reason, the value is within the indicator's bounds), worded once;
* :func:`write` stores checked rows set-based, in the caller's unit of work: on PostgreSQL
  the whole batch and its history in one statement (:mod:`app.indicators.store_pg`); on
  SQLite one read of the existing values, multi-row upserts, one read of the new ids and
  multi-row history inserts (:func:`app.history.record_many`). Who writes, from which
  application and why is resolved once per batch, never per row.

The upsert (``INSERT … ON CONFLICT (indicator_id, period) DO UPDATE``) is what makes
concurrent pushes of the same value safe: the database serialises them on the unique index,
so there is never a duplicate row nor an integrity error surfacing as a 500. Writing the same
rows twice finds every one unchanged and writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from app import history, periods
from app.commands.errors import FieldError
from app.extensions import db
from app.formatting import format_number
from app.indicators.store_pg import write_set_based
from app.models.indicators import Measurement, ReportingPeriod, SourceApplication
from app.models.types import utcnow
from app.security.actor import Actor
from app.security.roles import ADMIN, QUALITY

#: Where a value comes from (``Measurement.source``).
SOURCES = ("manual", "api", "import", "calculated")
#: Bound parameters per IN (…) list, under every database's limit.
CHUNK = 900
#: Rows per executed upsert or history insert.
WRITE_CHUNK = 5000
#: An example period of each frequency, for the French error messages.
PERIOD_EXAMPLES = {"monthly": "2025-03", "quarterly": "2025-Q1", "yearly": "2025"}


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# ------------------------------------------------------------------------------ the rules
@dataclass(frozen=True)
class Writer:
    """Who writes a value and why: what a locked period asks for."""

    quality: bool
    reason: str | None

    @classmethod
    def of(cls, actor: Actor, reason: str | None) -> Writer:
        """The quality cell (and the system, which corrects as it) may correct a locked
        period, with a reason."""
        quality = actor.system or bool(actor.scope.roles & {QUALITY, ADMIN})
        return cls(quality, (reason or "").strip() or None)


def period_error(field_name: str, code: str, frequency: str) -> FieldError:
    """The refusal of a period that is none of the indicator's frequency."""
    return FieldError(
        field_name,
        _(
            "« %(code)s » n'est pas une période valide pour cet indicateur "
            "(attendu : %(example)s).",
            code=code or "—",
            example=PERIOD_EXAMPLES.get(frequency, "2025"),
        ),
    )


def period_errors(
    indicator: Any, period_code: str, *, today: date, locked: bool, writer: Writer
) -> list[FieldError]:
    parsed = periods.parse(period_code)
    if parsed is None or parsed.frequency != indicator.frequency:
        return [period_error("period", period_code, indicator.frequency)]
    if parsed.start > today:
        return [
            FieldError("period", _("La période %(period)s n'a pas commencé.", period=period_code))
        ]
    return lock_errors(period_code, locked=locked, writer=writer)


def lock_errors(period_code: str, *, locked: bool, writer: Writer) -> list[FieldError]:
    """A locked period takes a change — a new value, a correction, a value cleared — only
    from the quality cell and only with a reason."""
    if locked and not writer.quality:
        return [
            FieldError("period", _("La période %(period)s est verrouillée.", period=period_code))
        ]
    if locked and not writer.reason:
        message = _(
            "La période %(period)s est verrouillée : une correction demande un motif.",
            period=period_code,
        )
        return [FieldError("period", message)]
    return []


def bound_errors(indicator: Any, value: float) -> list[FieldError]:
    if indicator.min_value is not None and value < indicator.min_value:
        message = _(
            "La valeur %(value)s est inférieure au minimum de l'indicateur (%(min)s).",
            value=format_number(value),
            min=format_number(indicator.min_value),
        )
        return [FieldError("value", message)]
    if indicator.max_value is not None and value > indicator.max_value:
        message = _(
            "La valeur %(value)s dépasse le maximum de l'indicateur (%(max)s).",
            value=format_number(value),
            max=format_number(indicator.max_value),
        )
        return [FieldError("value", message)]
    return []


def value_errors(
    indicator: Any,
    period_code: str,
    value: float | None,
    *,
    today: date,
    locked: bool,
    writer: Writer,
) -> list[FieldError]:
    """Every rule a value of ``indicator`` for ``period_code`` breaks, in the order a reader
    fixes them (the indicator, then the period, then the value); empty when it may be stored.

    ``indicator`` is a row or a model with ``frequency``, ``collection_mode``, ``min_value``
    and ``max_value``; ``locked`` says whether the period is locked (read in bulk by batches,
    by :func:`locked_periods`).
    """
    errors = indicator_errors(indicator)
    errors.extend(period_errors(indicator, period_code, today=today, locked=locked, writer=writer))
    if value is not None:
        errors.extend(bound_errors(indicator, value))
    return errors


def indicator_errors(indicator: Any) -> list[FieldError]:
    """A calculated indicator is Vigie's to compute: nobody types or pushes its values."""
    if indicator.collection_mode != "calculated":
        return []
    message = _(
        "Cet indicateur est calculé par Vigie à partir d'autres indicateurs : il ne se saisit pas."
    )
    return [FieldError("indicator", message)]


def locked_periods(period_codes: Iterable[str]) -> set[str]:
    """The locked reporting periods among these codes (a few IN queries)."""
    codes = sorted({code for code in period_codes if code})
    locked: set[str] = set()
    for chunk in chunks(codes):
        with db.session.no_autoflush:
            locked.update(
                db.session.scalars(
                    select(ReportingPeriod.period).where(
                        ReportingPeriod.period.in_(chunk), ReportingPeriod.locked.is_(True)
                    )
                )
            )
    return locked


# ------------------------------------------------------------------------------ the rows
@dataclass(frozen=True)
class Row:
    """One checked value to store: its position in the batch, its indicator, period, value
    and comment."""

    index: int
    indicator_id: int
    indicator_code: str
    period: str
    value: float
    comment: str | None

    @property
    def key(self) -> tuple[int, str]:
        return (self.indicator_id, self.period)


@dataclass
class BatchResult:
    """What a batch did: rows created, updated, and left unchanged."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    #: (indicator id, period) of every stored value, for recalculation and live updates.
    changed: set[tuple[int, str]] = field(default_factory=set)

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


def existing(rows: Sequence[Row]) -> dict[tuple[int, str], Any]:
    """Stored values for the rows' (indicator, period) pairs, in a few IN queries."""
    wanted = {row.key for row in rows}
    indicator_ids = sorted({indicator_id for indicator_id, _period in wanted})
    all_periods = sorted({period for _i, period in wanted})
    found: dict[tuple[int, str], Any] = {}
    for ids in chunks(indicator_ids):
        for period_chunk in chunks(all_periods, 400):
            stmt = select(
                Measurement.id,
                Measurement.indicator_id,
                Measurement.period,
                Measurement.value,
                Measurement.comment,
                Measurement.archived,
            ).where(Measurement.indicator_id.in_(ids), Measurement.period.in_(period_chunk))
            for stored in db.session.execute(stmt):
                key = (stored.indicator_id, stored.period)
                if key in wanted:
                    found[key] = stored
    return found


def _same(stored: Any, row: Row) -> bool:
    return bool(
        stored is not None
        and not stored.archived
        and stored.value == row.value
        and (stored.comment or None) == row.comment
    )


def _is_creation(stored: Any) -> bool:
    """A value counts as created when there was none, or only an archived one."""
    return stored is None or bool(stored.archived)


def preview(rows: Sequence[Row]) -> BatchResult:
    """What writing the rows would do, without writing (an import's preview)."""
    result = BatchResult()
    stored_rows = existing(rows)
    for row in rows:
        stored = stored_rows.get(row.key)
        if _same(stored, row):
            result.unchanged += 1
        elif _is_creation(stored):
            result.created += 1
        else:
            result.updated += 1
    return result


def _upsert_statement() -> Any:
    dialect = db.session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    stmt = module.insert(Measurement)
    excluded = stmt.excluded
    return stmt.on_conflict_do_update(
        index_elements=[Measurement.indicator_id, Measurement.period],
        set_={
            "value": excluded.value,
            "comment": excluded.comment,
            "source": excluded.source,
            "source_application_id": excluded.source_application_id,
            "entered_by_id": excluded.entered_by_id,
            "entered_at": excluded.entered_at,
            "updated_at": excluded.updated_at,
            "version": Measurement.version + 1,
            "archived": False,
            "archived_at": None,
        },
    )


def _changes(row: Row, stored: Any, source: str, sender: str | None) -> dict[str, list[Any]]:
    """The history diff of one written value."""
    created = stored is None
    changes: dict[str, list[Any]] = {"value": [None if created else stored.value, row.value]}
    if created:
        changes["indicator"] = [None, row.indicator_code]
        changes["period"] = [None, row.period]
    if (None if created else stored.comment) != row.comment:
        changes["comment"] = [None if created else stored.comment, row.comment]
    changes["source"] = [None, source]
    if sender:
        changes["source_application"] = [None, sender]
    return changes


def write(
    rows: Sequence[Row],
    actor: Actor,
    *,
    source: str,
    application: SourceApplication | None = None,
    reason: str | None = None,
) -> BatchResult:
    """Store checked rows and their history, set-based (see the module docstring); runs in
    the caller's unit of work and commits nothing.

    PostgreSQL takes the whole batch in one statement (:mod:`app.indicators.store_pg`);
    SQLite, the embedded default, in a few multi-row statements in the same transaction.
    Both give the same rows, the same counts and the same history entries.
    """
    if source not in SOURCES:
        raise ValueError(f"unknown measurement source {source!r}")
    if not rows:
        return BatchResult()
    sender = application.code if application is not None else None
    default_reason = _("Envoi de l'application %(code)s", code=sender) if sender else None
    context = WriteContext(
        source=source,
        application_id=application.id if application is not None else None,
        sender=sender,
        user=actor.user,
        reason=history.checked_reason(reason or default_reason),
        now=utcnow(),
    )
    if db.session.get_bind().dialect.name == "postgresql":
        return _write_in_one_statement(rows, context)
    return _write_in_steps(rows, context)


@dataclass(frozen=True)
class WriteContext:
    """What every row of one batch shares, resolved once: the source, the application, the
    person (one lookup per batch, not per row), the checked reason and the time."""

    source: str
    application_id: int | None
    sender: str | None
    user: Any
    reason: str | None
    now: datetime

    @property
    def user_id(self) -> int | None:
        return getattr(self.user, "id", None)

    @property
    def username(self) -> str:
        return getattr(self.user, "username", None) or history.SYSTEM


def _write_in_one_statement(rows: Sequence[Row], context: WriteContext) -> BatchResult:
    """PostgreSQL: the whole batch and its history in one statement (:mod:`.store_pg`)."""
    written = write_set_based(
        rows,
        source=context.source,
        application_id=context.application_id,
        sender=context.sender,
        user_id=context.user_id,
        username=context.username,
        reason=context.reason,
        now=context.now,
    )
    result = BatchResult(unchanged=len(rows) - len(written))
    for row in written:
        if row.created:
            result.created += 1
        else:
            result.updated += 1
        result.changed.add((row.indicator_id, row.period))
    return result


def _write_in_steps(rows: Sequence[Row], context: WriteContext) -> BatchResult:
    """The portable path: one read of the stored values, multi-row upserts, one read of the
    new ids, multi-row history inserts."""
    result = BatchResult()
    stored_rows = existing(rows)
    now = context.now
    changed = [row for row in rows if not _same(stored_rows.get(row.key), row)]
    result.unchanged = len(rows) - len(changed)
    if not changed:
        return result
    statement = _upsert_statement()
    values = [
        {
            "indicator_id": row.indicator_id,
            "period": row.period,
            "value": row.value,
            "comment": row.comment,
            "source": context.source,
            "source_application_id": context.application_id,
            "entered_by_id": context.user_id,
            "entered_at": now,
            "created_at": now,
            "updated_at": now,
            "version": 1,
            "archived": False,
        }
        for row in changed
    ]
    for chunk in chunks(values, WRITE_CHUNK):
        db.session.execute(statement, list(chunk))
    # Ids of the rows just written: known for updates, read back for new ones (a separate
    # SELECT is several times faster than RETURNING on a batched upsert).
    ids = {key: stored.id for key, stored in stored_rows.items()}
    ids.update(
        {
            key: stored.id
            for key, stored in existing([r for r in changed if r.key not in ids]).items()
        }
    )
    entries = []
    for row in changed:
        stored = stored_rows.get(row.key)
        if _is_creation(stored):
            result.created += 1
        else:
            result.updated += 1
        result.changed.add(row.key)
        entries.append(
            history.Entry(
                record_id=ids[row.key],
                action="create" if stored is None else "update",
                changes=_changes(row, stored, context.source, context.sender),
                reason=context.reason,
            )
        )
    history.record_many("measurement", entries, user=context.user, at=now)
    return result
