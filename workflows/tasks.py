"""« Mes tâches »: what awaits one user now, derived from the workflow tables.

Every table row carrying a ``task`` heading is a kind of to-do: the records in its source state
that the user's role may move on, within the services they act for, and — for rows with a
person rule — where they are that person (the lead auditor, the owner, the approver; not the
owner when verifying). The same tables drive the engine, so a task always matches a button the
user will find on the record. Two to-dos are not workflow rows: proposals an official arbitrates
in a review being held, and measurements due on the indicators a user is responsible for.

Each section costs two queries (first rows, and the count), so the page's query count does not
grow with the data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Generic, TypeVar

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.elements import ColumnElement

from app import registry
from app.extensions import db
from app.indicators.health import Overdue, overdue_indicators
from app.models import Indicator, ManagementReview, Proposal
from app.security.actor import Actor
from app.security.roles import OFFICIAL, SERVICE_HEAD
from app.security.scope import headed_services
from workflows.guards import PERSON_CLAUSES
from workflows.records import WorkflowColumns, WorkflowRecord
from workflows.tables import WORKFLOWS, Transition

#: Rows shown per section (the count tells how many more there are).
LIMIT = 15

#: Order of each artefact's to-dos: what is due first comes first (late actions lead).
ORDER = {
    "action": ("due_date", "id"),
    "audit": ("planned_date", "id"),
    "service_objective": ("year", "id"),
    "document": ("review_due", "id"),
    "revision": ("year", "id"),
    "management_review": ("year", "id"),
}


#: What a section lists: the records of a workflow step, proposals, or indicators' overdue values.
_Row = TypeVar("_Row")


@dataclass
class Section(Generic[_Row]):
    """One heading of the page and its first records."""

    key: str
    title: str
    artefact: str | None
    rows: list[_Row] = field(default_factory=list)
    total: int = 0
    events: list[str] = field(default_factory=list)
    link: str | None = None


def _task_rows(roles: frozenset[str]) -> list[tuple[str, Transition]]:
    """Table rows with a task heading that one of these roles may fire (admin excluded:
    administrators may do everything, but nothing *awaits* them)."""
    return [
        (code, row)
        for code, workflow in WORKFLOWS.items()
        for row in workflow.transitions
        if row.task is not None and row.roles & roles
    ]


def _person_clause(
    row: Transition, model: type[WorkflowColumns], actor: Actor
) -> list[ColumnElement[bool]]:
    user_id = getattr(actor.user, "id", None)
    clauses = []
    names = [g for g in row.guards if g in PERSON_CLAUSES]
    if row.four_eyes in PERSON_CLAUSES:
        names.append(row.four_eyes)
    for name in names:
        clauses.append(PERSON_CLAUSES[name](model, user_id or -1, actor.scope.roles))
    return clauses


def _workflow_section(code: str, row: Transition, actor: Actor) -> Section[WorkflowRecord]:
    artefact = registry.get(code)
    model: type[WorkflowColumns] = artefact.model
    stmt = select(model).where(model.state == row.source, model.archived.is_(False))
    clause = artefact.scope.clause(model, actor.scope)
    if clause is not None:
        stmt = stmt.where(clause)
    for person in _person_clause(row, model, actor):
        stmt = stmt.where(person)
    total = int(db.session.scalar(stmt.with_only_columns(func.count(model.id)).order_by(None)) or 0)
    columns = [getattr(model, name) for name in ORDER.get(code, ("id",))]
    ordered = stmt.order_by(*[c.asc().nulls_last() for c in columns]).limit(LIMIT)
    for name in ("service", "services"):
        if name in artefact.relationships:  # shown on each row: loaded in one query
            ordered = ordered.options(selectinload(getattr(model, name)))
    rows = list(db.session.scalars(ordered)) if total else []
    return Section(
        f"{code}:{row.source}:{row.event}", str(row.task), code, rows, total, [str(row.label)]
    )


def _proposals_section(actor: Actor) -> Section[Proposal]:
    """Proposals an official may arbitrate now: undecided, in a review being held, not of a
    service they head."""
    headed = headed_services(getattr(actor.user, "id", None))
    stmt = (
        select(Proposal)
        .join(ManagementReview, Proposal.review_id == ManagementReview.id)
        .where(
            ManagementReview.state == "tenue",
            Proposal.decision.is_(None),
            Proposal.archived.is_(False),
            ManagementReview.archived.is_(False),
        )
    )
    if headed:
        stmt = stmt.where(Proposal.service_id.not_in(sorted(headed)))
    total = int(
        db.session.scalar(stmt.with_only_columns(func.count(Proposal.id)).order_by(None)) or 0
    )
    stmt = stmt.options(selectinload(Proposal.service), selectinload(Proposal.review))
    # the meeting being held now first: a review left « tenue » from an earlier year must not
    # push the current one's proposals past the first rows
    latest_first = (
        ManagementReview.held_on.desc().nulls_last(),
        ManagementReview.id.desc(),
        Proposal.id,
    )
    rows = list(db.session.scalars(stmt.order_by(*latest_first).limit(LIMIT))) if total else []
    return Section(
        "proposal:arbitrate",
        _("Propositions à arbitrer en revue de direction"),
        "proposal",
        rows,
        total,
        [_("Arbitrer")],
    )


def _measurements_section(actor: Actor, today: date | None = None) -> Section[Overdue]:
    """Indicators the user answers for (or of the services they head) whose value is due."""
    user_id = getattr(actor.user, "id", None)
    stmt = select(Indicator).where(
        Indicator.archived.is_(False), Indicator.collection_mode == "manual"
    )
    mine = Indicator.owner_id == user_id
    if SERVICE_HEAD in actor.scope.roles and actor.scope.service_ids:
        mine = or_(mine, Indicator.owner_service_id.in_(sorted(actor.scope.service_ids)))
    indicators = list(db.session.scalars(stmt.where(mine).order_by(Indicator.code)))
    overdue: list[Overdue] = overdue_indicators(indicators, today)
    overdue.sort(key=lambda o: -o.days_late)
    return Section(
        "measurement:due",
        _("Mesures attendues sur vos indicateurs"),
        "indicator",
        overdue[:LIMIT],
        len(overdue),
        [_("Saisir")],
    )


#: A section of the page, by what it lists.
TaskSection = Section[WorkflowRecord] | Section[Proposal] | Section[Overdue]


def sections_for(actor: Actor, today: date | None = None) -> list[TaskSection]:
    """Every non-empty section of the user's page, in the order of the workflow tables."""
    roles = actor.scope.roles
    found: list[TaskSection] = []
    if OFFICIAL in roles:
        found.append(_proposals_section(actor))
    merged: dict[str, Section[WorkflowRecord]] = {}
    for code, row in _task_rows(roles):
        section = _workflow_section(code, row, actor)
        # one heading per (artefact, state): an action « à faire » is one to-do
        key = f"{code}:{row.source}"
        if key in merged:
            known = merged[key]
            known.events.extend(section.events)
            ids = {r.id for r in known.rows}
            known.rows.extend(r for r in section.rows if r.id not in ids)
            known.total = max(known.total, section.total)
            continue
        merged[key] = section
        found.append(section)
    found.append(_measurements_section(actor, today))
    return [s for s in found if s.total]
