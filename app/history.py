"""Writing and reading the append-only history (who, when, what changed, why)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import gettext
from sqlalchemy import insert, select

from app.commands.errors import Invalid
from app.commands.values import check_reason
from app.extensions import db
from app.models.history import HistoryEntry
from app.models.organisation import VigieUser
from app.registry.artefact import Artefact

#: The author stored on Vigie's own writes (command line, jobs, the demo): a marker kept in
#: French in the table, shown in the reader's language by :func:`authors`.
SYSTEM = "système"


def jsonable(value: Any) -> Any:
    """A value as it goes into a history diff: readable, JSON-serialisable, stable."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return sorted(str(item) for item in value)
    return str(value)


def snapshot(artefact: Artefact, obj: Any, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The record's editable fields (and state) as JSON-able values, for diffing."""
    names = list(fields) if fields is not None else list(artefact.editable_fields)
    if hasattr(obj, "state") and "state" not in names:
        names.append("state")
    return {name: jsonable(getattr(obj, name, None)) for name in names}


def creation_changes(artefact: Artefact, obj: Any) -> dict[str, list[Any]]:
    """The diff a ``create`` entry carries: every filled field as ``[None, value]``."""
    return {k: [None, v] for k, v in snapshot(artefact, obj).items() if v not in (None, [], "")}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as ``{field: [old, new]}``."""
    return {
        key: [before.get(key), after.get(key)] for key in after if before.get(key) != after.get(key)
    }


def checked_reason(reason: str | None) -> str | None:
    """The reason as the history keeps it: every path that writes one (forms, API, imports,
    workflow buttons, commands called from code) ends here, so a reason with a control
    character or beyond :data:`~app.commands.values.REASON_MAX_LENGTH` is never stored — the
    write is refused (422 naming « reason ») and the unit of work rolls back."""
    value, error = check_reason(reason)
    if error is not None:
        raise Invalid(error.message, [error])
    return value


def record(
    artefact_code: str,
    record_id: int,
    action: str,
    *,
    user: Any,
    changes: dict[str, list[Any]] | None = None,
    reason: str | None = None,
    event: str | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
) -> HistoryEntry:
    """Append one entry to the session (the calling command commits)."""
    entry = HistoryEntry(
        artefact=artefact_code,
        record_id=record_id,
        user_id=getattr(user, "id", None),
        username=getattr(user, "username", None) or SYSTEM,
        action=action,
        changes=changes or {},
        reason=checked_reason(reason),
        event=event,
        from_state=from_state,
        to_state=to_state,
    )
    db.session.add(entry)
    return entry


@dataclass(frozen=True)
class Entry:
    """One history entry of a bulk write (:func:`record_many`)."""

    record_id: int
    action: str
    changes: dict[str, list[Any]]
    reason: str | None = None


def record_many(
    artefact_code: str,
    entries: Sequence[Entry],
    *,
    user: Any,
    at: datetime,
    chunk: int = 5000,
) -> int:
    """Append many entries of one artefact by one person in a few INSERTs (set-based writes,
    such as a measurement batch); the calling unit of work commits. Returns how many."""
    base = {
        "artefact": artefact_code,
        "at": at,
        "user_id": getattr(user, "id", None),
        "username": getattr(user, "username", None) or SYSTEM,
    }
    reasons = {reason: checked_reason(reason) for reason in {e.reason for e in entries}}
    rows = [
        {
            **base,
            "record_id": entry.record_id,
            "action": entry.action,
            "changes": entry.changes,
            "reason": reasons[entry.reason],
        }
        for entry in entries
    ]
    for start in range(0, len(rows), chunk):
        db.session.execute(insert(HistoryEntry), rows[start : start + chunk])
    return len(rows)


def entries_for(artefact_code: str, record_id: int) -> list[HistoryEntry]:
    """A record's history, newest first."""
    stmt = (
        select(HistoryEntry)
        .where(HistoryEntry.artefact == artefact_code, HistoryEntry.record_id == record_id)
        .order_by(HistoryEntry.id.desc())
    )
    return list(db.session.scalars(stmt))


def authors(entries: Iterable[HistoryEntry]) -> dict[int, str]:
    """Who signs each entry, by entry id (one query): a timeline names people, not logins;
    Vigie's own writes (:data:`SYSTEM`, stored as the French word) in the reader's language."""
    entries = list(entries)
    ids = {entry.user_id for entry in entries if entry.user_id is not None}
    users = db.session.scalars(select(VigieUser).where(VigieUser.id.in_(ids))) if ids else ()
    names = {user.id: str(user.full_name or user.username) for user in users}
    shown = {}
    for entry in entries:
        if entry.user_id in names:
            shown[entry.id] = names[entry.user_id]
        elif entry.username == SYSTEM:
            shown[entry.id] = gettext("système")
    return shown


def as_dict(entry: HistoryEntry) -> dict[str, Any]:
    """The public (API) shape of one entry."""
    data: dict[str, Any] = {
        "id": entry.id,
        "at": entry.at.isoformat(),
        "user": entry.username,
        "action": entry.action,
        "changes": entry.changes,
        "reason": entry.reason,
    }
    if entry.event:
        data.update(event=entry.event, from_state=entry.from_state, to_state=entry.to_state)
    return data
