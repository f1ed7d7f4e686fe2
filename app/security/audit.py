"""Every change to people, memberships, roles and API keys goes into Vigie's history.

People are changed by several paths Vigie does not write itself: Flask-AppBuilder's
*Utilisateurs* screens, its ``/api/v1/security/users/`` API, one's own profile and password
forms, the password reset, the command line, *Comptes d'application*. One mechanism sees
them all: SQLAlchemy's ``after_flush`` event on the application's sessions, which reads
what each flush wrote to ``ab_user`` (and its roles, services and manager), ``ab_role``
(name, permissions) and ``ab_api_key``, and appends one history entry per record changed —
in the same transaction, so a change rolled back leaves no entry and no change goes without
one.

Entries (:mod:`app.history`): artefact ``user``, ``role`` or ``api_key``, the record's id,
*who* (the request's signed-in person; « système » on the command line), *when*, *what*
(``{field: [old, new]}``; a password as ``********``, never its hash; a role's permissions as
``[removed, added]``, the whole list would be hundreds of lines) and *why* (the change and
the route or command that made it). Logins' bookkeeping (last login, counters) is not a
change of the account and writes nothing here.
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_appbuilder.security.sqla.models import ApiKey, Role, User
from flask_babel import gettext as _
from sqlalchemy import event, insert, inspect, update
from sqlalchemy.orm import Session

from app.extensions import db
from app.history import SYSTEM, jsonable
from app.models.history import HistoryEntry
from app.models.types import utcnow
from app.security.administration import sync_run, syncing
from app.security.scope import request_user

#: Plain fields of an account whose change is a change of the account.
USER_FIELDS = ("username", "first_name", "last_name", "email", "active")
#: Collections and links of an account: roles, service memberships (Vigie's), manager.
USER_LINKS = ("roles", "groups", "services", "manager")
KEY_FIELDS = ("name", "active", "expires_on", "revoked_on", "scopes")
MASK = "********"


def _history(obj: Any, name: str) -> Any:
    state = inspect(obj)
    return state.attrs[name].history if name in state.mapper.attrs else None


def _label(value: Any) -> Any:
    return getattr(value, "username", None) or getattr(value, "code", None) or str(value)


def _scalar_change(obj: Any, name: str, new: bool) -> list[Any] | None:
    history = _history(obj, name)
    if history is None:
        return None
    if new:
        value = getattr(obj, name, None)
        return None if value in (None, "", []) else [None, jsonable(value)]
    if not history.has_changes():
        return None
    old = history.deleted[0] if history.deleted else None
    value = history.added[0] if history.added else None
    return [jsonable(old), jsonable(value)] if old != value else None


def _link_change(obj: Any, name: str, new: bool) -> list[Any] | None:
    history = _history(obj, name)
    if history is None or not (new or history.has_changes()):
        return None
    if not isinstance(getattr(obj, name, None), list):  # a many-to-one (the manager)
        old = history.deleted[0] if history.deleted else None
        value = history.added[0] if history.added else getattr(obj, name, None)
        if new:
            return None if value is None else [None, _label(value)]
        return [_label(old) if old else None, _label(value) if value else None]
    unchanged = [_label(v) for v in history.unchanged or ()]
    before = sorted(unchanged + [_label(v) for v in history.deleted or ()])
    after = sorted(unchanged + [_label(v) for v in history.added or ()])
    if new:
        return [None, after] if after else None
    return [before, after] if before != after else None


def _user_changes(user: Any, new: bool) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    for name in USER_FIELDS:
        change = _scalar_change(user, name, new)
        if change:
            changes[name] = change
    for name in USER_LINKS:
        change = _link_change(user, name, new)
        if change:
            changes[name] = change
    password = _history(user, "password")
    if not new and password is not None and password.has_changes():
        changes["password"] = [MASK, MASK]
    return changes


def _permission(pv: Any) -> str:
    return f"{pv.permission.name} on {pv.view_menu.name}"


def _role_changes(role: Any, new: bool) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    name = _scalar_change(role, "name", new)
    if name:
        changes["name"] = name
    history = _history(role, "permissions")
    if history is not None and (new or history.has_changes()):
        removed = sorted(_permission(pv) for pv in history.deleted or ())
        added = sorted(_permission(pv) for pv in history.added or ())
        if removed or added:
            changes["permissions"] = [removed, added]
    return changes


def _key_changes(key: Any, new: bool) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    for name in KEY_FIELDS:
        change = _scalar_change(key, name, new)
        if change:
            changes[name] = change
    if new:
        changes["user"] = [None, _label(key.user) if key.user is not None else key.user_id]
        changes["key_prefix"] = [None, key.key_prefix]
    return changes


def _via() -> str:
    if has_request_context():
        return f"{request.method} {request.path}"
    return _("ligne de commande")


def _reason(artefact: str, action: str, changes: dict[str, list[Any]], session: Session) -> str:
    via = _via()
    if artefact == "role":
        if syncing(session):
            return _("Rôles appliqués depuis le code (vigie roles sync).")
        return _("Rôle modifié (%(via)s).", via=via)
    if artefact == "api_key":
        if action == "create":
            return _("Clé d'API émise (%(via)s).", via=via)
        if "revoked_on" in changes or "active" in changes:
            return _("Clé d'API révoquée (%(via)s).", via=via)
        return _("Clé d'API modifiée (%(via)s).", via=via)
    if action == "create":
        return _("Compte créé (%(via)s).", via=via)
    if action == "delete":
        return _("Compte supprimé (%(via)s).", via=via)
    if changes.get("active") == [True, False]:
        return _("Compte désactivé (%(via)s).", via=via)
    if set(changes) == {"password"}:
        return _("Mot de passe changé (%(via)s).", via=via)
    return _("Compte modifié (%(via)s).", via=via)


def _describe(obj: Any, new: bool) -> tuple[str, dict[str, list[Any]]] | None:
    if isinstance(obj, User):
        return "user", _user_changes(obj, new)
    if isinstance(obj, Role):
        return "role", _role_changes(obj, new)
    if isinstance(obj, ApiKey):
        return "api_key", _key_changes(obj, new)
    return None


def _actor() -> tuple[int | None, str]:
    user = request_user() if has_request_context() else None
    user_id = getattr(user, "id", None)
    return user_id, getattr(user, "username", None) or SYSTEM


#: ``Session.info`` key: (sync run or None, {(artefact, id): (entry id, action, changes)}) —
#: the entries this transaction (or this run of the roles sync) wrote.
_WRITTEN = "vigie_security_history"


def _net(before: list[list[str]], after: list[list[str]]) -> list[list[str]]:
    """Two ``[removed, added]`` deltas of a collection, one after the other, as one."""
    net: dict[str, int] = {}
    for removed, added in (before, after):
        for item, sign in [*((r, -1) for r in removed), *((a, 1) for a in added)]:
            if net.get(item) == -sign:
                del net[item]
            else:
                net[item] = sign
    return [sorted(i for i, s in net.items() if s < 0), sorted(i for i, s in net.items() if s > 0)]


def _merge(before: dict[str, list[Any]], after: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Two flushes of one change as one: each field's first old and last new (a role's
    permissions, already a delta, add up)."""
    merged = dict(before)
    for name, (old, new) in after.items():
        if name == "permissions":
            merged[name] = _net(before.get(name, [[], []]), [old, new])
            if merged[name] == [[], []]:
                merged.pop(name)
            continue
        first = before[name][0] if name in before else old
        if first == new:
            merged.pop(name, None)
        else:
            merged[name] = [first, new]
    return merged


def record_security_changes(session: Session, _context: Any) -> None:
    """``after_flush``: one history entry per account, role or key the transaction wrote.

    A request may flush an account several times before it commits (FAB's user API does);
    the entry written at the first flush is completed by the next ones, so one change made
    by one request is one entry (and one sync, one entry per role).
    """
    written: list[tuple[str, Any, str, dict[str, list[Any]]]] = []
    for action, objects in (
        ("create", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for obj in objects:
            described = _describe(obj, new=action == "create")
            if described is None:
                continue
            artefact, changes = described
            if action == "delete":
                changes = {"name": [_label(obj), None]}
            if changes:
                written.append((artefact, obj.id, action, changes))
    if not written:
        return
    user_id, username = _actor()
    table = HistoryEntry.__table__
    # Core, on the flush's own connection: adding ORM objects during a flush is not allowed
    connection = session.connection()
    run = sync_run(session)
    stored = session.info.get(_WRITTEN)
    if stored is None or stored[0] != run:
        stored = session.info[_WRITTEN] = (run, {})
    pending: dict[tuple[str, Any], tuple[int, str, dict[str, list[Any]]]] = stored[1]
    for artefact, record_id, action, changes in written:
        key = (artefact, record_id)
        if key in pending:
            entry_id, first, before = pending[key]
            action = "delete" if action == "delete" else first
            changes = _merge(before, changes)
            connection.execute(
                update(table)
                .where(table.c.id == entry_id)
                .values(
                    action=action,
                    changes=changes,
                    reason=_reason(artefact, action, changes, session),
                )
            )
        else:
            result = connection.execute(
                insert(table).values(
                    artefact=artefact,
                    record_id=record_id,
                    at=utcnow(),
                    user_id=user_id,
                    username=username,
                    action=action,
                    changes=changes,
                    reason=_reason(artefact, action, changes, session),
                )
            )
            inserted = result.inserted_primary_key
            assert inserted is not None
            entry_id = int(inserted[0])
        pending[key] = (entry_id, action, changes)


def _forget(session: Session, *_args: Any) -> None:
    """The transaction ended: the next one writes its own entries — except during
    ``vigie roles sync``, whose FAB calls commit once per permission: one entry per role."""
    session.info.pop(_WRITTEN, None)


def _committed(session: Session) -> None:
    if not syncing(session):
        _forget(session)


def install() -> None:
    """Listen to the application sessions' flushes (once per process)."""
    session_class = db.session.session_factory.class_
    if not event.contains(session_class, "after_flush", record_security_changes):
        event.listen(session_class, "after_flush", record_security_changes)
        event.listen(session_class, "after_commit", _committed)
        event.listen(session_class, "after_soft_rollback", _forget)
