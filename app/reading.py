"""Reading through the service scope: the one way code outside Flask-AppBuilder reads records.

Flask-AppBuilder's screens and REST lists read through :mod:`app.registry.interface`; every
other read — commands, the workflow engine, cards, report builders, dashboards, jobs — goes
through these helpers, which apply the artefact's declared scope rule and its readers. So a
derived view (a card, a pack, a map drill-down) never shows a row its reader could not open on
its own, and a record out of reach reads as absent (404), never as forbidden.

A record that a readable one *points to* (a strategic objective's indicators, an action's
risk) may itself be out of reach: :class:`References` tells which, for all the records of a
page at once (one query per related artefact, SQL-side), and every page that names related
records — show pages, lists, exports, the API — shows those as « contenu réservé »
(:data:`RESERVED`), never their name.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from flask import g, has_request_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, select
from sqlalchemy.orm import joinedload

from app import registry
from app.commands.errors import Forbidden, NotFound
from app.commands.values import within_id_range
from app.extensions import db
from app.registry.artefact import Artefact
from app.registry.children import ChildSection
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
    if not within_id_range(pk):
        raise NotFound(_("Enregistrement introuvable."))
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


#: How a record the reader may not open is named where another record points to it.
RESERVED = _l("Contenu réservé")


def readable_ids(
    artefact: Artefact, actor: Actor, ids: Iterable[int], *, always: bool = False
) -> set[int]:
    """The ids among ``ids`` of records the actor may read — one query, none when the
    actor's scope restricts nothing for this artefact (archived records included: a record's
    name does not depend on whether it is archived).

    ``always``: send the query even for no id, so that a page's query count depends on what
    it shows, never on whether this page's rows happen to point to such records.
    """
    wanted = {int(i) for i in ids if i is not None}
    if (not wanted and not always) or not actor.may_read(artefact):
        return set()
    clause = artefact.scope.clause(artefact.model, actor.scope)
    if clause is None:
        return wanted
    model: Any = artefact.model
    stmt = select(model.id).where(clause, model.id.in_(sorted(wanted)))
    with db.session.no_autoflush:
        return set(db.session.scalars(stmt))


class References:
    """Which of the related records a page names its reader may open.

    :meth:`learn` checks a batch of ids of one model (one query per artefact, SQL-side);
    :meth:`opens` and :meth:`shown` then answer per value without a query (a value never
    learnt is checked on its own, one query). Models that are not artefacts (people, roles)
    and artefacts declared ``named_openly`` (services) are always shown.
    """

    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self._checked: dict[type, set[int]] = {}
        self._open: dict[type, set[int]] = {}

    @staticmethod
    def _artefact(model: type) -> Artefact | None:
        artefact = registry.for_model(model)
        return None if artefact is None or artefact.named_openly else artefact

    def learn(self, model: type, ids: Iterable[Any], *, always: bool = False) -> None:
        """Check these ids of ``model`` (those already checked cost nothing); ``always``:
        one query even when there is nothing new to check (see :func:`readable_ids`)."""
        artefact = self._artefact(model)
        if artefact is None:
            return
        key = artefact.model
        seen = key in self._checked
        checked = self._checked.setdefault(key, set())
        todo = {int(i) for i in ids if i is not None} - checked
        if not todo and (seen or not always):
            return
        checked |= todo
        found = readable_ids(artefact, self.actor, todo, always=always)
        self._open.setdefault(key, set()).update(found)

    def _learn_items(self, items: Iterable[Any], models: Iterable[type] = ()) -> None:
        by_model: dict[type, set[int]] = {model: set() for model in models}
        for item in items:
            if item is not None and getattr(item, "id", None) is not None:
                by_model.setdefault(type(item), set()).add(item.id)
        for model, ids in by_model.items():
            self.learn(model, ids, always=True)

    def learn_records(
        self, records: Iterable[Any], names: Iterable[str], models: Iterable[type] = ()
    ) -> None:
        """Check every record the given relations of ``records`` point to, one query per
        related artefact (``models``: those the relations lead to, each queried even when
        no row points to one, so the page's query count is fixed). Load those relations
        with the records, or this reads them one by one."""
        names = tuple(names)
        items: list[Any] = []
        for record in records:
            for name in names:
                value = getattr(record, name, None)
                items.extend(value if isinstance(value, (list, tuple, set)) else [value])
        self._learn_items(items, models)

    def opens_id(self, model: type, record_id: Any) -> bool:
        artefact = self._artefact(model)
        if artefact is None or record_id is None:
            return True
        self.learn(model, [record_id])
        return int(record_id) in self._open.get(artefact.model, set())

    def opens(self, obj: Any) -> bool:
        """May the reader open this related record (None: nothing to hide)?"""
        if obj is None:
            return True
        return self.opens_id(type(obj), getattr(obj, "id", None))

    def shown(self, value: Any) -> Any:
        """The value as a page may show it: the record, or :data:`RESERVED` in its place; a
        collection keeps the records the reader opens and one « contenu réservé » for the
        rest."""
        if isinstance(value, (list, tuple, set)):
            self._learn_items(value)
            kept = [item for item in value if self.opens(item)]
            return [*kept, RESERVED] if len(kept) < len(value) else list(value)
        return value if self.opens(value) else RESERVED


def references(actor: Actor | None = None) -> References:
    """The :class:`References` of this request's reader (kept for the request), or a new one
    for ``actor`` (a job building a report as someone)."""
    if actor is not None or not has_request_context():
        return References(actor or Actor.system_actor())
    current = Actor.current()
    found: References | None = getattr(g, "_vigie_references", None)
    if found is None or found.actor.user_id != current.user_id:
        found = References(current)
        g._vigie_references = found
    return found


def history_changes(artefact: Artefact, obj: Any, entries: Iterable[Any]) -> dict[int, Any]:
    """The changes of a record's history entries as its reader may see them, by entry id
    (entries left out need no change).

    History keeps a related record by its name at the time of the change. On a relation to
    an artefact the reader's scope restricts, a name is shown only if it names a record
    still linked that the reader may open; any other (another service's objective, a record
    since renamed or unlinked) reads « contenu réservé ».
    """
    refs = references()
    entries = list(entries)
    restricted: list[str] = []
    for name in artefact.relationships:
        related_artefact = registry.for_model(artefact.related_model(name))
        if related_artefact is None or related_artefact.named_openly:
            continue
        if refs.actor.may_read(related_artefact) and (
            related_artefact.scope.clause(related_artefact.model, refs.actor.scope) is None
        ):
            continue
        if any(name in (entry.changes or {}) for entry in entries):
            restricted.append(name)
    if not restricted:
        return {}
    allowed: dict[str, set[str]] = {}
    for name in restricted:
        value = getattr(obj, name, None)
        items = list(value) if isinstance(value, (list, tuple, set)) else [value]
        refs._learn_items(items)
        allowed[name] = {str(item) for item in items if item is not None and refs.opens(item)}

    def shown(name: str, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, list):
            kept = [v for v in value if v in allowed[name]]
            return [*kept, str(RESERVED)] if len(kept) < len(value) else value
        return value if value in allowed[name] else str(RESERVED)

    out: dict[int, Any] = {}
    for entry in entries:
        changes = entry.changes or {}
        if any(name in changes for name in restricted):
            out[entry.id] = {
                field: [shown(field, v) for v in values] if field in restricted else values
                for field, values in changes.items()
            }
    return out


def child_rows(section: ChildSection, parent: Any, actor: Actor) -> list[Any]:
    """The children a parent's page lists (:mod:`app.registry.children`) that the actor may
    read — the child artefact's own scope rule, archived ones left out — in the declared
    order: one query whatever their number (the related records its columns name are loaded
    with them), plus one per scoped artefact those columns point to, so that a related
    record the reader may not open reads « contenu réservé » (:class:`References`).

    Empty (and no query) when the actor's role does not read the child artefact at all.
    """
    artefact = registry.get(section.child)
    if not actor.may_read(artefact) or parent is None or parent.id is None:
        return []
    model: Any = artefact.model
    (foreign_key,) = artefact.relationships[section.parent].local_columns
    order: list[Any] = []
    if section.first is not None:
        column, value = section.first
        order.append(case((getattr(model, column) == value, 0), else_=1))
    for column, direction in section.order_by:
        attribute = getattr(model, column)
        order.append(attribute.desc() if direction == "desc" else attribute.asc())
    relations = [
        name
        for name in section.columns
        if artefact.is_relation(name) and not artefact.is_collection(name)
    ]
    stmt = (
        scoped_select(artefact, actor, include_archived=False)
        .where(foreign_key == parent.id)
        .options(*(joinedload(getattr(model, name)) for name in relations))
        .order_by(*order)
        .limit(section.limit)
    )
    rows = list(db.session.scalars(stmt).unique())
    models = {artefact.related_model(name) for name in relations}
    if has_request_context():  # the page names them through this request's references
        references().learn_records(rows, relations, models)
    return rows
