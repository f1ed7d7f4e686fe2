"""Reading through the service scope: the one way code outside Flask-AppBuilder reads records.

Flask-AppBuilder's screens and REST lists read through :mod:`app.registry.interface`; every
other read — commands, the workflow engine, cards, report builders, dashboards, jobs — goes
through these helpers, which apply the artefact's declared scope rule and its readers. So a
derived view (a card, a pack, a map drill-down) never shows a row its reader could not open on
its own, and a record out of reach reads as absent (404), never as forbidden.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from app import registry
from app.commands.errors import Forbidden, NotFound
from app.extensions import db
from app.registry.artefact import Artefact
from app.security.actor import Actor


def scoped_select(artefact: Artefact, actor: Actor, *, include_archived: bool = True) -> Any:
    """``SELECT`` of an artefact restricted to what the actor may read."""
    stmt: Any = select(artefact.model)
    clause = artefact.scope.clause(artefact.model, actor.scope)
    if clause is not None:
        stmt = stmt.where(clause)
    if not include_archived and artefact.archivable:
        stmt = stmt.where(artefact.model.archived.is_(False))  # type: ignore[attr-defined]
    return stmt


def get_for(artefact: Artefact, record_id: Any, actor: Actor) -> Any:
    """A record the actor may read, or :class:`NotFound` (same answer if out of scope)."""
    if not actor.may_read(artefact):
        raise Forbidden(_("Vous n'avez pas accès à « %(what)s ».", what=artefact.label_plural))
    try:
        pk = int(record_id)
    except (TypeError, ValueError):
        raise NotFound(_("Enregistrement introuvable.")) from None
    stmt = scoped_select(artefact, actor).where(artefact.model.id == pk)  # type: ignore[attr-defined]
    obj = db.session.scalars(stmt).first()
    if obj is None:
        raise NotFound(_("Enregistrement introuvable."))
    return obj


def is_readable(artefact: Artefact, obj: Any, actor: Actor) -> bool:
    """May the actor read this stored record (its scope's read rule, not the write rule)?"""
    if obj.id is None:
        return False
    model: Any = artefact.model
    stmt = scoped_select(artefact, actor).where(model.id == obj.id)
    with db.session.no_autoflush:
        return db.session.execute(stmt.with_only_columns(model.id)).first() is not None


def related(
    code: str,
    actor: Actor,
    *criteria: Any,
    options: Sequence[Any] = (),
    order_by: Sequence[Any] = (),
    limit: int | None = None,
) -> list[Any]:
    """Live records of an artefact the actor may read, matching ``criteria`` — one query.

    Empty (and no query) when the actor's role does not read that artefact at all.
    """
    artefact = registry.get(code)
    if not actor.may_read(artefact):
        return []
    stmt = scoped_select(artefact, actor, include_archived=False).where(*criteria)
    if options:
        stmt = stmt.options(*options)
    if order_by:
        stmt = stmt.order_by(*order_by)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(db.session.scalars(stmt).unique())


def readable(code: str, actor: Actor, obj: Any) -> Any:
    """``obj`` if the actor may read it (checked in memory, no query), else None."""
    if obj is None:
        return None
    artefact = registry.get(code)
    if not actor.may_read(artefact) or not artefact.scope.permits(obj, actor.scope):
        return None
    return obj


def readable_all(code: str, actor: Actor, objs: Iterable[Any]) -> list[Any]:
    """The records of ``objs`` the actor may read (in memory, no query)."""
    return [obj for obj in objs if readable(code, actor, obj) is not None]
