"""The worklists the home pages and « Mes tâches » count, and the lists their links open.

Each is a SQL rule registered in :mod:`app.registry.worklists`, so the number shown and the
list opened by ``/<artefact>/list/?liste=<name>`` are the same query:

* ``taches-<state>`` of every artefact with a workflow: the records in that state waiting for
  an event one of the person's roles fires, within their services, and — for rows with a
  person rule — where they are that person (the approver, the lead auditor…). The same
  table rows drive the engine, so each record has the button the person will find on it;
* ``a_arbitrer`` proposals: undecided, in a review being held, not of a service the official
  heads (the four-eyes rule of :mod:`workflows.proposals`);
* ``ouvertes`` and ``en_retard`` actions: the action plan's open rows, and those past their due
  date and not completed (the model's own ``late`` rule).
"""

from __future__ import annotations

from collections.abc import Iterator

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, false, or_, true
from sqlalchemy.sql.elements import ColumnElement

from app.models import Action, ManagementReview, Proposal
from app.models.quality import OPEN_ACTION_STATES
from app.registry import worklists
from app.registry.worklists import Worklist
from app.security.actor import Actor
from app.security.scope import headed_services
from workflows.guards import PERSON_CLAUSES
from workflows.records import WorkflowColumns
from workflows.tables import WORKFLOWS, Transition

#: Worklist names of the to-dos of a workflow state: ``taches-<state>``.
TASK_PREFIX = "taches-"


def task_rows(code: str, source: str, roles: frozenset[str]) -> list[Transition]:
    """The table rows with a task heading leaving ``source`` that one of these roles fires
    (administrators may do everything, but nothing *awaits* them)."""
    workflow = WORKFLOWS.get(code)
    return [
        row
        for row in (workflow.transitions if workflow else ())
        if row.task is not None and row.source == source and row.roles & roles
    ]


def _person_clauses(
    row: Transition, model: type[WorkflowColumns], actor: Actor
) -> list[ColumnElement[bool]]:
    names = [g for g in row.guards if g in PERSON_CLAUSES]
    if row.four_eyes in PERSON_CLAUSES:
        names.append(row.four_eyes)
    user_id = actor.user_id or -1
    return [PERSON_CLAUSES[name](model, user_id, actor.scope.roles) for name in names]


def task_clause(code: str, source: str) -> worklists.Clause:
    """Records in ``source`` awaiting the person: one of the rows they may fire applies."""

    def clause(model: type[WorkflowColumns], actor: Actor) -> ColumnElement[bool]:
        rows = task_rows(code, source, actor.scope.roles)
        if not rows:
            return false()
        per_row = [and_(true(), *_person_clauses(row, model, actor)) for row in rows]
        return and_(model.state == source, or_(*per_row))

    return clause


def task_worklist(code: str, source: str) -> Worklist | None:
    return worklists.find(code, TASK_PREFIX + source)


def awaiting_arbitration(model: type[Proposal], actor: Actor) -> ColumnElement[bool]:
    """Proposals an official may arbitrate now (see the module docstring)."""
    held = model.review.has(
        and_(ManagementReview.state == "tenue", ManagementReview.archived.is_(False))
    )
    clause = and_(model.decision.is_(None), held)
    headed = headed_services(actor.user_id)
    if headed:
        clause = and_(clause, model.service_id.not_in(sorted(headed)))
    return clause


def open_actions(model: type[Action], actor: Actor) -> ColumnElement[bool]:
    return model.state.in_(OPEN_ACTION_STATES)


def late_actions(model: type[Action], actor: Actor) -> ColumnElement[bool]:
    return model.late.expression  # the model's own rule, as SQL


PROPOSALS_TO_ARBITRATE = Worklist(
    "proposal",
    "a_arbitrer",
    _l("Propositions à arbitrer en revue de direction"),
    awaiting_arbitration,
)
OPEN_ACTIONS = Worklist("action", "ouvertes", _l("Actions ouvertes"), open_actions)
LATE_ACTIONS = Worklist("action", "en_retard", _l("Actions en retard"), late_actions)


def _task_worklists() -> Iterator[Worklist]:
    for code, workflow in WORKFLOWS.items():
        seen: set[str] = set()
        for row in workflow.transitions:
            if row.task is None or row.source in seen:
                continue
            seen.add(row.source)
            yield Worklist(code, TASK_PREFIX + row.source, row.task, task_clause(code, row.source))


def register_worklists() -> None:
    """Called once at start-up (the screens' registration)."""
    for worklist in (PROPOSALS_TO_ARBITRATE, OPEN_ACTIONS, LATE_ACTIONS, *_task_worklists()):
        worklists.register(worklist)
