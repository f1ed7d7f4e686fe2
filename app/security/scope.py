"""Service scope: which records a user may see and write, one mechanism for every path.

``ScopeContext`` answers "which services can this user reach?" (``None`` = all). A
:class:`ScopeRule`, declared once per artefact in the registry, turns that answer into a SQL
clause for reads and into a yes/no for a record about to be written. Lists, show pages, edits,
deletes, exports, related-id pickers and the REST API all go through these two functions, so
there is no path that forgets the check.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from flask import g, has_request_context
from flask_login import current_user
from sqlalchemy import select, true
from sqlalchemy.sql.elements import ColumnElement

from app.extensions import db
from app.models.organisation import Service
from app.security.roles import ALL_SERVICE_ROLES


@dataclass(frozen=True)
class ScopeContext:
    """The reach of one user: their id, role codes and reachable services (None = all)."""

    user_id: int | None
    roles: frozenset[str]
    service_ids: frozenset[int] | None

    @property
    def all_services(self) -> bool:
        return self.service_ids is None

    def reaches(self, service_ids: Iterable[int]) -> bool:
        """True if every given service is within reach (and there is at least one)."""
        wanted = set(service_ids)
        if self.service_ids is None:
            return True
        return bool(wanted) and wanted <= self.service_ids


def descendants(roots: Iterable[int]) -> frozenset[int]:
    """The given services and all their descendants, in one query whatever the depth."""
    rows = db.session.execute(select(Service.id, Service.parent_id)).all()
    children: dict[int, list[int]] = {}
    for service_id, parent_id in rows:
        if parent_id is not None:
            children.setdefault(parent_id, []).append(service_id)
    seen: set[int] = set()
    stack = list(roots)
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        stack.extend(children.get(current, ()))
    return frozenset(seen)


def context_for(user: Any) -> ScopeContext:
    """Compute a user's scope (memberships plus child services; all for global roles)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ScopeContext(None, frozenset(), frozenset())
    roles = frozenset(role.name for role in user.roles)
    if roles & ALL_SERVICE_ROLES:
        return ScopeContext(user.id, roles, None)
    member_of = [service.id for service in getattr(user, "services", [])]
    return ScopeContext(user.id, roles, descendants(member_of))


def request_user() -> Any:
    """The signed-in user of this request, whether by session, JWT or API key."""
    from flask import current_app

    try:
        user = current_app.appbuilder.sm.current_user  # type: ignore[attr-defined]
    except Exception:
        user = None
    if user is None and current_user and current_user.is_authenticated:
        user = current_user._get_current_object()
    return user


def current_scope() -> ScopeContext:
    """The current request user's scope, computed once per request."""
    if not has_request_context():
        return ScopeContext(None, frozenset(), frozenset())
    user = request_user()
    key = getattr(user, "id", None)
    cached = getattr(g, "_vigie_scope", None)
    if cached is not None and cached.user_id == key:
        return cached
    ctx = context_for(user)
    g._vigie_scope = ctx
    return ctx


class ScopeRule(Protocol):
    """How an artefact's records map to services."""

    def clause(self, model: type, ctx: ScopeContext) -> ColumnElement[bool] | None:
        """SQL restriction for reads, or None when the user reaches every record."""

    def service_ids(self, obj: Any) -> set[int] | None:
        """Services a record belongs to; None for records bound to no service."""

    def permits(self, obj: Any, ctx: ScopeContext) -> bool:
        """May this user hold (read or write) this record, as it is now in memory?"""


class Unscoped:
    """Records shared by the whole town (the programme, its axes): role permissions decide."""

    def clause(self, model: type, ctx: ScopeContext) -> ColumnElement[bool] | None:
        return None

    def service_ids(self, obj: Any) -> set[int] | None:
        return None

    def permits(self, obj: Any, ctx: ScopeContext) -> bool:
        return True


class ByColumn:
    """Records carrying their service in one foreign-key column (``service_id``)."""

    def __init__(self, column: str = "service_id", relation: str = "service") -> None:
        self.column = column
        self.relation = relation

    def clause(self, model: type, ctx: ScopeContext) -> ColumnElement[bool] | None:
        if ctx.service_ids is None:
            return None
        column = getattr(model, self.column)
        return column.in_(sorted(ctx.service_ids)) if ctx.service_ids else ~true()

    def service_ids(self, obj: Any) -> set[int] | None:
        related = getattr(obj, self.relation, None)
        value = related.id if related is not None else getattr(obj, self.column, None)
        return {value} if value is not None else set()

    def permits(self, obj: Any, ctx: ScopeContext) -> bool:
        services = self.service_ids(obj)
        return ctx.reaches(services or ())


class BySelf:
    """The service table itself: a user reaches their services and their children.

    A new service (no id yet) belongs to its parent, so a pôle head could only create
    services inside their pôle if ever granted the right to.
    """

    def clause(self, model: type, ctx: ScopeContext) -> ColumnElement[bool] | None:
        if ctx.service_ids is None:
            return None
        return model.id.in_(sorted(ctx.service_ids)) if ctx.service_ids else ~true()  # type: ignore[attr-defined]

    def service_ids(self, obj: Any) -> set[int] | None:
        if obj.id is not None:
            return {obj.id}
        parent = obj.parent
        return {parent.id} if parent is not None else set()

    def permits(self, obj: Any, ctx: ScopeContext) -> bool:
        return ctx.reaches(self.service_ids(obj) or ())
