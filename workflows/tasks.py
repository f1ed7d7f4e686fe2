"""« Mes tâches »: what awaits one user now, derived from the workflow tables.

Every table row carrying a ``task`` heading is a kind of to-do: the records in its source state
that the user's role may move on, within the services they act for, and — for rows with a
person rule — where they are that person (the lead auditor, the owner, the approver; not the
owner when verifying). The same tables drive the engine, so a task always matches a button the
user will find on the record. Two to-dos are not workflow rows: proposals an official arbitrates
in a review being held, and measurements due on the indicators a user is responsible for.

Each section costs two queries (first rows, and the count), so the page's query count does not
grow with the data. A section's count and its « Voir la liste complète » link are one worklist
(:mod:`workflows.worklists`): the list opened shows as many rows as the count said.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Generic, TypeVar

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app import registry
from app.indicators import health
from app.indicators.health import Overdue, overdue_indicators
from app.models import Indicator, ManagementReview, Proposal
from app.registry import worklists
from app.registry.worklists import Worklist
from app.security.actor import Actor
from app.security.roles import OFFICIAL, SERVICE_HEAD
from workflows.records import WorkflowColumns, WorkflowRecord
from workflows.tables import WORKFLOWS
from workflows.worklists import PROPOSALS_TO_ARBITRATE, task_rows, task_worklist

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


def _task_keys(roles: frozenset[str]) -> list[tuple[str, str]]:
    """(artefact, state) of the to-dos these roles may have, in the order of the tables."""
    keys: list[tuple[str, str]] = []
    for code, workflow in WORKFLOWS.items():
        for row in workflow.transitions:
            if row.task is not None and row.roles & roles and (code, row.source) not in keys:
                keys.append((code, row.source))
    return keys


def task_worklists(actor: Actor) -> list[tuple[Worklist, list[str]]]:
    """The person's workflow to-dos as worklists, with the events awaited (home pages)."""
    roles = actor.scope.roles
    found = []
    for code, source in _task_keys(roles):
        worklist = task_worklist(code, source)
        if worklist is not None:
            found.append((worklist, [str(r.label) for r in task_rows(code, source, roles)]))
    return found


def _workflow_section(code: str, source: str, actor: Actor) -> Section[WorkflowRecord]:
    """Records of one workflow state awaiting the person (every event they may fire)."""
    artefact = registry.get(code)
    model: type[WorkflowColumns] = artefact.model
    worklist = task_worklist(code, source)
    assert worklist is not None, (code, source)  # registered for every row with a task
    columns = [getattr(model, name) for name in ORDER.get(code, ("id",))]
    options = [
        selectinload(getattr(model, name))  # shown on each row: loaded in one query
        for name in ("service", "services")
        if name in artefact.relationships
    ]
    total = worklists.count(worklist, actor)
    order = [c.asc().nulls_last() for c in columns]
    rows = (
        worklists.first_rows(worklist, actor, order_by=order, options=options, limit=LIMIT)
        if total
        else []
    )
    events = [str(row.label) for row in task_rows(code, source, actor.scope.roles)]
    return Section(
        f"{code}:{source}", str(worklist.label), code, rows, total, events, worklist.path
    )


def _proposals_section(actor: Actor) -> Section[Proposal]:
    """Proposals an official may arbitrate now: undecided, in a review being held, not of a
    service they head."""
    # the meeting being held now first: a review left « tenue » from an earlier year must not
    # push the current one's proposals past the first rows
    latest_first = (
        select(ManagementReview.held_on)
        .where(ManagementReview.id == Proposal.review_id)
        .scalar_subquery()
        .desc()
        .nulls_last(),
        Proposal.review_id.desc(),
        Proposal.id,
    )
    total = worklists.count(PROPOSALS_TO_ARBITRATE, actor)
    options = [selectinload(Proposal.service), selectinload(Proposal.review)]
    rows = (
        worklists.first_rows(
            PROPOSALS_TO_ARBITRATE, actor, order_by=latest_first, options=options, limit=LIMIT
        )
        if total
        else []
    )
    return Section(
        "proposal:arbitrate",
        _("Propositions à arbitrer en revue de direction"),
        "proposal",
        rows,
        total,
        [_("Arbitrer")],
        PROPOSALS_TO_ARBITRATE.path,
    )


def _measurements_section(actor: Actor, today: date | None = None) -> Section[Overdue]:
    """Indicators the user answers for (or of the services they head) whose value is due —
    among those they may open (an owner named on another service's indicator is not shown
    it here either)."""
    user_id = getattr(actor.user, "id", None)
    stmt = health.watched_select(actor).where(Indicator.collection_mode == "manual")
    mine = Indicator.owner_id == user_id
    if SERVICE_HEAD in actor.scope.roles and actor.scope.service_ids:
        mine = or_(mine, Indicator.owner_service_id.in_(sorted(actor.scope.service_ids)))
    # judged on light rows, the first LIMIT drawn as objects (the section's count says the rest)
    overdue: list[Overdue] = overdue_indicators(health.watched_rows(stmt.where(mine)), today)
    overdue.sort(key=lambda o: -o.days_late)
    return Section(
        "measurement:due",
        _("Mesures attendues sur vos indicateurs"),
        "indicator",
        health.with_records(overdue[:LIMIT]),
        len(overdue),
        [_("Saisir")],
        # the rest on collection health, paged (it lists every late value the person reads)
        "/collection_health/",
    )


#: A section of the page, by what it lists.
TaskSection = Section[WorkflowRecord] | Section[Proposal] | Section[Overdue]


def sections_for(actor: Actor, today: date | None = None) -> list[TaskSection]:
    """Every non-empty section of the user's page, in the order of the workflow tables."""
    roles = actor.scope.roles
    found: list[TaskSection] = []
    if OFFICIAL in roles:
        found.append(_proposals_section(actor))
    # one heading per (artefact, state): an action « à faire » is one to-do, whichever of
    # its events the person may fire
    found.extend(_workflow_section(code, source, actor) for code, source in _task_keys(roles))
    found.append(_measurements_section(actor, today))
    return [s for s in found if s.total]
