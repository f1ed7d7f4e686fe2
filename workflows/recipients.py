"""Who must hear about a transition: the names used in the tables' ``notify`` column.

Each resolver takes the record (after the transition) and returns active accounts. The engine
drops the person who fired the event — nobody needs an e-mail about what they just did.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask_appbuilder.security.sqla.models import Role
from sqlalchemy import select

from app.extensions import db
from app.models.organisation import Service, VigieUser, user_service
from app.models.quality import Action, Audit, Document
from app.models.reviews import ManagementReview
from app.security.people import with_role
from app.security.roles import EXECUTIVE, OFFICIAL, QUALITY, SERVICE_HEAD
from workflows.guards import draft_version
from workflows.records import WorkflowRecord, by_name


def heads_of(services: Iterable[Service]) -> list[VigieUser]:
    """The named heads of these services, plus their members who hold the service-head role."""
    ids = {s.id for s in services if s is not None}
    if not ids:
        return []
    found: dict[int, VigieUser] = {}
    for service in services:
        if service is not None and service.head is not None and service.head.active:
            found[service.head.id] = service.head
    stmt = (
        select(VigieUser)
        .join(user_service, user_service.c.user_id == VigieUser.id)
        .join(VigieUser.roles)
        .where(
            user_service.c.service_id.in_(ids),
            Role.name == SERVICE_HEAD,
            VigieUser.active.is_(True),
        )
    )
    for user in db.session.scalars(stmt).unique():
        found.setdefault(user.id, user)
    return list(found.values())


def _one(user: VigieUser | None) -> list[VigieUser]:
    return [user] if user is not None and user.active else []


def _services_of(obj: object) -> list[Service]:
    """A record's services (``services``, else its one ``service``), whatever its model."""
    services = getattr(obj, "services", None)
    if services:
        return list(services)
    service = getattr(obj, "service", None)
    return [service] if service is not None else []


def _owner(action: Action) -> list[VigieUser]:
    return _one(action.owner) or heads_of(_services_of(action))


def _approver(document: Document) -> list[VigieUser]:
    return _one(document.approver) or with_role(QUALITY)


def _author(document: Document) -> list[VigieUser]:
    version = draft_version(document) or (document.versions[0] if document.versions else None)
    author = getattr(version, "author", None) or document.owner
    return _one(author) or heads_of(_services_of(document))


def _auditees(audit: Audit) -> list[VigieUser]:
    people = [u for u in audit.auditees if u.active]
    return people or heads_of(audit.services)


def _lead_auditor(audit: Audit) -> list[VigieUser]:
    return _one(audit.lead_auditor)


def _participants(review: ManagementReview) -> list[VigieUser]:
    return [u for u in review.participants if u.active]


#: A resolver as the engine calls it, on the record of the table naming it.
Resolver = Callable[[WorkflowRecord], list[VigieUser]]

RESOLVERS: dict[str, Resolver] = {
    "quality": lambda obj: with_role(QUALITY),
    "executive": lambda obj: with_role(EXECUTIVE),
    "officials": lambda obj: with_role(OFFICIAL),
    "service_heads": lambda obj: heads_of(_services_of(obj)),
    "owner": by_name(_owner),
    "approver": by_name(_approver),
    "author": by_name(_author),
    "auditees": by_name(_auditees),
    "lead_auditor": by_name(_lead_auditor),
    "participants": by_name(_participants),
}


def resolve(
    names: Iterable[str], obj: WorkflowRecord, *, exclude: VigieUser | None = None
) -> list[VigieUser]:
    """Every account named by ``names`` for this record, once each, the actor left out."""
    found: dict[int, VigieUser] = {}
    for name in names:
        for user in RESOLVERS[name](obj):
            found.setdefault(user.id, user)
    skip = getattr(exclude, "id", None)
    return [user for uid, user in found.items() if uid != skip]
