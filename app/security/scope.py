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

from flask import current_app, g, has_request_context
from flask_appbuilder.security.sqla.models import Role
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import and_, or_, select, true
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.sql.elements import ColumnElement

from app.extensions import db
from app.models.organisation import Service, VigieUser
from app.security.roles import ADMIN, ALL_SERVICE_ROLES, QUALITY


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


def headed_services(user_id: int | None) -> frozenset[int]:
    """The services a person heads (``Service.head``) and all those below them.

    An official may not arbitrate their proposals (four-eyes rule of the review).
    """
    if user_id is None:
        return frozenset()
    roots = db.session.scalars(select(Service.id).where(Service.head_id == user_id)).all()
    return descendants(roots) if roots else frozenset()


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
    try:
        user = current_app.appbuilder.sm.current_user  # type: ignore[attr-defined]
    except (RuntimeError, AttributeError):
        # FAB reads the JWT proxy, which raises RuntimeError when no token was verified in
        # this request, and ``g.user``, unset before login: both mean « no API user »
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


def _rule_of(model: type) -> ScopeRule:
    # imported when a path is followed, not at the top: the registry's declarations are
    # built from these rules, so the registry imports this module first
    from app import registry

    return registry.scope_of(model)


class ByPath:
    """Records that belong to the service of a parent record (a target → its indicator).

    The parent's own rule decides, so a change of the indicator's scope is followed by its
    targets and measurements without restating it.
    """

    def __init__(self, relation: str) -> None:
        self.relation = relation

    def _parent_model(self, model: type) -> type:
        attr: Any = getattr(model, self.relation)
        return attr.property.mapper.class_

    def clause(self, model: type, ctx: ScopeContext) -> ColumnElement[bool] | None:
        parent = self._parent_model(model)
        inner = _rule_of(parent).clause(parent, ctx)
        if inner is None:
            return None
        return getattr(model, self.relation).has(inner)

    def service_ids(self, obj: Any) -> set[int] | None:
        parent = getattr(obj, self.relation, None)
        if parent is None:
            return set()
        return _rule_of(type(parent)).service_ids(parent)

    def permits(self, obj: Any, ctx: ScopeContext) -> bool:
        parent = getattr(obj, self.relation, None)
        if parent is None:
            return ctx.all_services
        return _rule_of(type(parent)).permits(parent, ctx)


class FirstOf:
    """Records attached to one of several parents (an impact assessment → a risk or an action)."""

    def __init__(self, *rules: ByPath) -> None:
        self.rules = rules

    def clause(self, model: type, ctx: ScopeContext) -> ColumnElement[bool] | None:
        clauses = [rule.clause(model, ctx) for rule in self.rules]
        if any(c is None for c in clauses):
            return None
        return or_(*[c for c in clauses if c is not None])

    def _active(self, obj: Any) -> ByPath | None:
        for rule in self.rules:
            if getattr(obj, rule.relation, None) is not None:
                return rule
        return None

    def service_ids(self, obj: Any) -> set[int] | None:
        rule = self._active(obj)
        return rule.service_ids(obj) if rule is not None else set()

    def permits(self, obj: Any, ctx: ScopeContext) -> bool:
        rule = self._active(obj)
        return rule.permits(obj, ctx) if rule is not None else ctx.all_services


class ByMany:
    """Records covering several services (an audit, a certification, a revision).

    A user reads those that touch one of their services, and writes only those whose every
    service is theirs: a service head cannot change a certificate shared with another pôle.
    """

    def __init__(self, relation: str = "services") -> None:
        self.relation = relation

    def clause(self, model: type, ctx: ScopeContext) -> ColumnElement[bool] | None:
        if ctx.service_ids is None:
            return None
        if not ctx.service_ids:
            return ~true()
        return getattr(model, self.relation).any(Service.id.in_(sorted(ctx.service_ids)))

    def service_ids(self, obj: Any) -> set[int] | None:
        return {service.id for service in getattr(obj, self.relation) or ()}

    def permits(self, obj: Any, ctx: ScopeContext) -> bool:
        return ctx.reaches(self.service_ids(obj) or ())


class PublishedOrByColumn(ByColumn):
    """Documents: a service's own documents, plus every published one (readable by all agents).

    The people a document names to work on it (``people``: its approver and its rédacteur)
    read it too, whatever their service: the approver of another service's procedure must
    open it to approve it. Writing stays with the owning service; a transverse document (no
    service) is written by the global roles only.
    """

    def __init__(
        self, published_state: str = "publie", people: tuple[str, ...] = ("approver_id", "owner_id")
    ) -> None:
        super().__init__("service_id", "service")
        self.published_state = published_state
        self.people = people

    def clause(self, model: type, ctx: ScopeContext) -> ColumnElement[bool] | None:
        own = super().clause(model, ctx)
        if own is None:
            return None
        m: Any = model
        named = [getattr(m, column) == ctx.user_id for column in self.people] if ctx.user_id else []
        return or_(own, m.state == self.published_state, *named)


class SharedOnceReleased(ByPath):
    """Document versions: shared across services only once released, drafts stay at home.

    A version whose status is one of ``released`` (the published one, or an obsolete one)
    is readable by whoever reads its document. A draft — being written, or under review —
    is readable only by the document's service (and the pôles above it), the people the
    document or the version names (approver, rédacteur, author) and the ``editors`` (the
    quality cell, administrators): not by another service's agents, nor by the other global
    roles, even when the document itself is published. Writing follows the document.
    """

    editors = frozenset({ADMIN, QUALITY})

    def __init__(
        self,
        relation: str = "document",
        released: tuple[str, ...] = ("publiee", "obsolete"),
        people: tuple[str, ...] = ("approver_id", "owner_id"),
        authors: tuple[str, ...] = ("author_id",),
    ) -> None:
        super().__init__(relation)
        self.released = released
        self.people = people
        self.authors = authors

    def clause(self, model: type, ctx: ScopeContext) -> ColumnElement[bool] | None:
        if ctx.roles & self.editors:
            return None
        m: Any = model
        parent: Any = self._parent_model(model)
        relation = getattr(m, self.relation)
        document_clause = _rule_of(parent).clause(parent, ctx)
        released = m.status.in_(self.released)
        if document_clause is not None:
            released = and_(released, relation.has(document_clause))
        at_home: list[ColumnElement[bool]] = []
        if ctx.service_ids:
            at_home.append(relation.has(parent.service_id.in_(sorted(ctx.service_ids))))
        if ctx.user_id is not None:
            at_home.extend(getattr(m, column) == ctx.user_id for column in self.authors)
            named = [getattr(parent, column) == ctx.user_id for column in self.people]
            at_home.append(relation.has(or_(*named)))
        return or_(released, *at_home)


class People:
    """People, where a record names one (a pilot, an owner, an approver): a person may be
    linked — and is offered in pickers — only within the linker's reach.

    Readers reaching every service pick anyone; the others, themselves and the members of
    their services (and of the services below). People are not an artefact: this rule is
    declared for their model in the registry (:func:`app.registry.register_scope`).
    """

    def clause(self, model: type, ctx: ScopeContext) -> ColumnElement[bool] | None:
        if ctx.service_ids is None:
            return None
        m: Any = model
        members = m.services.any(Service.id.in_(sorted(ctx.service_ids)))
        if ctx.user_id is None:
            return members if ctx.service_ids else ~true()
        return or_(m.id == ctx.user_id, members) if ctx.service_ids else m.id == ctx.user_id

    def service_ids(self, obj: Any) -> set[int] | None:
        return {service.id for service in getattr(obj, "services", None) or ()}

    def permits(self, obj: Any, ctx: ScopeContext) -> bool:
        if ctx.service_ids is None or obj.id == ctx.user_id:
            return True
        return bool((self.service_ids(obj) or set()) & ctx.service_ids)


def _stored_id(obj: Any, relation: str) -> int | None:
    """Id of the record a relation pointed to when ``obj`` was loaded (None for a new one).

    A write changes the relation in memory before it is flushed; this is the value it replaces.
    """
    state: Any = sa_inspect(obj)
    if state.transient or state.pending:
        return None
    history = state.attrs[relation].load_history()
    before = [*history.deleted, *history.unchanged]
    return getattr(before[0], "id", None) if before else None


class Confidential:
    """Individual objectives: the agent, the agent's manager (on the record or the agent's
    current one) and administrators — nobody else, whatever their global role.

    A write is judged on the record as it would become: its agent, or the agent's current
    manager, may hold it; the manager named on the record counts only as stored, so nobody
    can name themselves manager of someone else's objective, nor hand an objective they hold
    as former manager over to another agent.
    """

    #: The field that places a record with a person: a write out of reach is refused on it.
    placing_field = "agent"
    placing_message = _l(
        "« %(label)s » : seuls vous-même et les agents dont vous êtes le responsable "
        "hiérarchique vous sont accessibles."
    )

    def clause(self, model: type, ctx: ScopeContext) -> ColumnElement[bool] | None:
        if ADMIN in ctx.roles:
            return None
        if ctx.user_id is None:
            return ~true()
        m: Any = model
        reports = select(VigieUser.id).where(VigieUser.manager_id == ctx.user_id)
        return or_(
            m.agent_id == ctx.user_id,
            m.manager_id == ctx.user_id,
            m.agent_id.in_(reports),
        )

    def picker_clause(self, model: type, ctx: ScopeContext) -> ColumnElement[bool] | None:
        """Agents one may pick for a new objective: oneself and one's reports (admins: all)."""
        if ADMIN in ctx.roles:
            return None
        if ctx.user_id is None:
            return ~true()
        m: Any = model
        return or_(m.id == ctx.user_id, m.manager_id == ctx.user_id)

    def service_ids(self, obj: Any) -> set[int] | None:
        agent = getattr(obj, "agent", None)
        return {s.id for s in agent.services} if agent is not None else set()

    def permits(self, obj: Any, ctx: ScopeContext) -> bool:
        if ADMIN in ctx.roles:
            return True
        if ctx.user_id is None:
            return False
        agent = obj.agent
        agent_id = agent.id if agent is not None else obj.agent_id
        if ctx.user_id == agent_id:
            return True
        if agent is not None and ctx.user_id == agent.manager_id:
            return True
        return _stored_id(obj, "manager") == ctx.user_id and _stored_id(obj, "agent") == agent_id


class Audience:
    """Dashboards: shown to their audience roles and services; with none, to everyone.

    The quality cell, who edits them, and administrators see all of them.
    """

    editors = frozenset({ADMIN, QUALITY})

    def clause(self, model: type, ctx: ScopeContext) -> ColumnElement[bool] | None:
        if ctx.roles & self.editors:
            return None
        m: Any = model
        by_service = (
            m.services.any()
            if ctx.service_ids is None
            else m.services.any(Service.id.in_(sorted(ctx.service_ids)))
            if ctx.service_ids
            else ~true()
        )
        return or_(
            m.roles.any(Role.name.in_(sorted(ctx.roles))) if ctx.roles else ~true(),
            by_service,
            and_(~m.roles.any(), ~m.services.any()),
        )

    def service_ids(self, obj: Any) -> set[int] | None:
        return {service.id for service in obj.services}

    def permits(self, obj: Any, ctx: ScopeContext) -> bool:
        if ctx.roles & self.editors:
            return True
        roles = {role.name for role in obj.roles}
        services = {service.id for service in obj.services}
        if not roles and not services:
            return True
        if roles & ctx.roles:
            return True
        return bool(services) and (ctx.service_ids is None or bool(services & ctx.service_ids))
