"""What a transition writes besides the state, in the same transaction.

Each effect takes the record, the actor, the event's inputs and reason, and returns the field
changes it made (``{field: [old, new]}``) so the transition's single history entry tells the
whole story. Effects on *other* records (the previous published version of a document, the
proposal an official decides) record their own history entry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from sqlalchemy import select

from app import history, jobs
from app.extensions import db
from app.models.quality import Action, Audit, Document, DocumentVersion
from app.models.reviews import ManagementReview, Proposal
from app.models.strategy import ServiceObjective
from app.models.types import utcnow
from app.security.actor import Actor
from workflows import guards
from workflows.records import WorkflowRecord, by_name

#: The field changes an effect made, ``{field: [old, new]}`` as JSON-able values.
Changes = dict[str, list[object]]
#: The event's inputs, checked by the engine (any value a field takes).
Inputs = Mapping[str, object]
#: An effect as the engine calls it, on the record of the table naming it.
Effect = Callable[[WorkflowRecord, Actor, Inputs, "str | None"], Changes]

#: The decision a proposal takes when its objective is arbitrated.
DECISION_OF_EVENT = {
    "validate": "validee",
    "amend": "amendee",
    "reject": "rejetee",
    "defer": "reportee",
}


def _set(obj: object, changes: Changes, field: str, value: object) -> None:
    old = getattr(obj, field)
    if old != value:
        setattr(obj, field, value)
        changes[field] = [history.jsonable(old), history.jsonable(value)]


def _set_inputs(obj: object, actor: Actor, inputs: Inputs, reason: str | None) -> Changes:
    """Record the event's inputs (an objective's achievement) on the record."""
    changes: Changes = {}
    for name, value in inputs.items():
        _set(obj, changes, name, value)
    return changes


# -- annual objective validation --------------------------------------------------------------
def arbitrate_objective(
    objective: ServiceObjective,
    actor: Actor,
    inputs: Inputs,
    reason: str | None,
    *,
    event: str,
) -> Changes:
    """Record the officials' decision on the review proposal carrying the objective.

    When the decision comes from the review meeting screen the proposal is already decided;
    when the event is fired on the objective itself (API), the proposal follows it.
    """
    changes: Changes = {}
    if event == "amend":
        _set(objective, changes, "amendment", reason)
    proposal = guards.open_review_proposal(objective)
    if proposal is not None and proposal.decision is None:
        record_decision(proposal, actor, DECISION_OF_EVENT[event], reason, None)
    return changes


def record_decision(
    proposal: Proposal,
    actor: Actor,
    decision: str,
    rationale: str | None,
    deliberation_ref: str | None,
) -> None:
    """Write a proposal's decision columns and its history entry (the caller commits)."""
    before = {
        "decision": proposal.decision,
        "rationale": proposal.rationale,
        "deliberation_ref": proposal.deliberation_ref,
    }
    proposal.decision = decision
    proposal.rationale = rationale
    proposal.deliberation_ref = deliberation_ref
    proposal.decided_by = actor.user
    proposal.decided_at = utcnow()
    after = {"decision": decision, "rationale": rationale, "deliberation_ref": deliberation_ref}
    history.record(
        "proposal",
        proposal.id,
        "update",
        user=actor.user,
        changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
        reason=rationale,
    )


# -- audit --------------------------------------------------------------------------------------
def start_audit(audit: Audit, actor: Actor, inputs: Inputs, reason: str | None) -> Changes:
    changes: Changes = {}
    if audit.start_date is None:
        _set(audit, changes, "start_date", date.today())
    return changes


def report_audit(audit: Audit, actor: Actor, inputs: Inputs, reason: str | None) -> Changes:
    changes: Changes = {}
    if audit.end_date is None:
        _set(audit, changes, "end_date", date.today())
    return changes


# -- action -------------------------------------------------------------------------------------
def complete_action(action: Action, actor: Actor, inputs: Inputs, reason: str | None) -> Changes:
    changes: Changes = {}
    _set(action, changes, "completed_on", date.today())
    _set(action, changes, "progress", 100)
    return changes


def verify_action(action: Action, actor: Actor, inputs: Inputs, reason: str | None) -> Changes:
    changes = _set_inputs(action, actor, inputs, reason)
    _set(action, changes, "effectiveness_checked_by", actor.user)
    action.effectiveness_checked_at = utcnow()
    return changes


def reopen_action(action: Action, actor: Actor, inputs: Inputs, reason: str | None) -> Changes:
    """Effectiveness refused: the action is back in progress and no longer completed."""
    changes: Changes = {}
    _set(action, changes, "completed_on", None)
    return changes


# -- document -----------------------------------------------------------------------------------
def approve_document(
    document: Document, actor: Actor, inputs: Inputs, reason: str | None
) -> Changes:
    version = guards.draft_version(document)
    if version is not None:
        version.approved_by = actor.user
        version.approved_at = utcnow()
        history.record(
            "document_version",
            version.id,
            "update",
            user=actor.user,
            changes={"approved_by": [None, getattr(actor.user, "username", None)]},
            reason=reason,
        )
    return {}


def publish_document(
    document: Document, actor: Actor, inputs: Inputs, reason: str | None
) -> Changes:
    """The approved draft becomes the published version; the one it replaces is obsolete."""
    draft = guards.draft_version(document)
    if draft is None:
        return {}
    published = db.session.scalars(
        select(DocumentVersion).where(
            DocumentVersion.document_id == document.id,
            DocumentVersion.status == "publiee",
            DocumentVersion.id != draft.id,
        )
    ).all()
    for old in published:
        old.status = "obsolete"
        history.record(
            "document_version",
            old.id,
            "update",
            user=actor.user,
            changes={"status": ["publiee", "obsolete"]},
            reason=f"v{draft.number}",
        )
    draft.status = "publiee"
    history.record(
        "document_version",
        draft.id,
        "update",
        user=actor.user,
        changes={"status": ["brouillon", "publiee"]},
        reason=reason,
    )
    return {"published_version": [None, draft.number]}


# -- management review --------------------------------------------------------------------------
def hold_review(
    review: ManagementReview, actor: Actor, inputs: Inputs, reason: str | None
) -> Changes:
    changes: Changes = {}
    if review.held_on is None:
        _set(review, changes, "held_on", date.today())
    return changes


def _queue_report(kind: str) -> Effect:
    """Record the report job in the transition's transaction; ``engine.fire`` queues it
    after the commit (Redis down: the job waits and the sweeper queues it later)."""

    def effect(
        review: ManagementReview, actor: Actor, inputs: Inputs, reason: str | None
    ) -> Changes:
        requested = jobs.request(kind, actor, subject="management_review", record_id=review.id)
        return {f"{kind}_job": [None, requested.job.id]}

    return by_name(effect)


def _arbitration(event: str) -> Effect:
    def effect(obj: ServiceObjective, actor: Actor, inputs: Inputs, reason: str | None) -> Changes:
        return arbitrate_objective(obj, actor, inputs, reason, event=event)

    return by_name(effect)


EFFECTS: dict[tuple[str, str], Effect] = {
    **{("service_objective", event): _arbitration(event) for event in DECISION_OF_EVENT},
    ("service_objective", "close"): _set_inputs,
    ("audit", "start"): by_name(start_audit),
    ("audit", "report"): by_name(report_audit),
    ("action", "complete"): by_name(complete_action),
    ("action", "verify"): by_name(verify_action),
    ("action", "reject"): by_name(reopen_action),
    ("document", "approve"): by_name(approve_document),
    ("document", "publish"): by_name(publish_document),
    ("management_review", "hold"): by_name(hold_review),
    ("management_review", "build_pack"): _queue_report("review_pack"),
    ("management_review", "close"): _queue_report("review_minutes"),
}
