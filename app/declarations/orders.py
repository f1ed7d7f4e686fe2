"""Default orders of the lists, as a quality cell reads them (``Artefact.order_by``).

A list opens in this order until the person clicks a column header; its export and the REST
list follow it too (:meth:`app.registry.artefact.Artefact.default_order`). Each order is
written in portable SQL (SQLite and PostgreSQL): booleans and ``CASE`` ranks sort ``false``
/ ``0`` first, and « empty last » is spelt as its own key rather than ``NULLS LAST``.
Artefacts whose order is one column keep the ``(column, direction)`` pair in their
declaration; the ones here need several keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import case
from sqlalchemy.sql.elements import ColumnElement

from app.models.quality import OPEN_ACTION_STATES
from app.periods import sql_sort_key


def first(condition: ColumnElement[bool]) -> Any:
    """A key putting the rows meeting ``condition`` before the others."""
    return case((condition, 0), else_=1)


def empty_last(column: Any) -> Any:
    """A key putting the rows with no value in ``column`` after the others (SQLite puts
    ``NULL`` first, PostgreSQL last: said explicitly, both agree)."""
    return column.is_(None)


def actions(model: Any) -> Sequence[Any]:
    """Late actions first, then the other open ones, then the verified and cancelled: what
    needs work now opens the action plan, not last year's closed actions. Open ones by due
    date (the nearest first), closed ones the most recent first."""
    open_ = model.state.in_(OPEN_ACTION_STATES)
    rank = case((model.late, 0), (open_, 1), else_=2)
    return (
        rank,
        empty_last(model.due_date),
        case((open_, model.due_date)).asc(),
        case((~open_, model.due_date)).desc(),
    )


def measurements(model: Any) -> Sequence[Any]:
    """Newest period first, in time (``2026-Q1`` after ``2026-03``), then by indicator."""
    return (sql_sort_key(model.period).desc(), model.indicator_id.asc())


def targets(model: Any) -> Sequence[Any]:
    """Newest period first, in time, then by indicator: next year's targets on top."""
    return (sql_sort_key(model.period).desc(), model.indicator_id.asc())


def findings(model: Any) -> Sequence[Any]:
    """Open findings first (they wait for an action), the newest first."""
    return (first(model.status == "ouvert"), model.id.desc())


def audits(model: Any) -> Sequence[Any]:
    """Audits still running (planned, in progress, report issued) before closed and
    cancelled ones, the latest planned first."""
    return (
        first(model.state.in_(("planifie", "en_cours", "rapport_emis"))),
        empty_last(model.planned_date),
        model.planned_date.desc(),
    )


def risks(model: Any) -> Sequence[Any]:
    """Risks still live before closed ones, the most critical first."""
    return (first(model.status != "clos"), empty_last(model.criticality), model.criticality.desc())


def complaints(model: Any) -> Sequence[Any]:
    """Complaints waiting for an answer (received, in progress) first, the newest first."""
    return (first(model.status.in_(("recue", "en_traitement"))), model.received_on.desc())


def surveys(model: Any) -> Sequence[Any]:
    """The latest survey first: by date, then by period in time for undated ones."""
    return (
        empty_last(model.conducted_on),
        model.conducted_on.desc(),
        sql_sort_key(model.period).desc(),
    )
