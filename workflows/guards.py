"""The named guards of the workflow tables, and the four-eyes rules.

A guard answers ``None`` when the transition may go ahead, else a :class:`Refusal` in French.
Two kinds, because users must be told different things:

* *person* guards (the lead auditor, the action's owner, the document's approver, four-eyes
  rules) refuse with 403 — this user may not do it, someone else may;
* *state* guards (findings recorded, actions for every non-conformity, every proposal decided)
  refuse with 409 — nobody may do it until the record is completed.

The engine runs person guards first, so a user is never told about a state problem of a step
that is not theirs. Guards read through the session without flushing anything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import exists, func, select
from sqlalchemy.sql.elements import ColumnElement

from app.extensions import db
from app.models.indicators import Indicator, Target, indicator_service_objective
from app.models.quality import Action, Audit, Document, DocumentVersion, Finding
from app.models.reviews import ManagementReview, Proposal
from app.models.strategy import ServiceObjective
from app.security.actor import Actor
from app.security.roles import QUALITY
from app.security.scope import headed_services
from workflows.records import WorkflowColumns, WorkflowRecord, by_name, by_name_sql


@dataclass(frozen=True)
class Refusal:
    """Why a transition may not be fired now, and the HTTP status that says so."""

    message: str
    status: int


def _user_id(actor: Actor) -> int | None:
    return getattr(actor.user, "id", None)


def _person(message: str) -> Refusal:
    return Refusal(message, 403)


def _state(message: str) -> Refusal:
    return Refusal(message, 409)


# -- person guards ----------------------------------------------------------------------------
def is_lead_auditor(audit: Audit, actor: Actor) -> Refusal | None:
    """Only the audit's lead auditor starts it and issues its report.

    With no lead auditor named yet, the quality cell may (it plans the audits).
    """
    if audit.lead_auditor_id is None and QUALITY in actor.scope.roles:
        return None
    if audit.lead_auditor_id is not None and audit.lead_auditor_id == _user_id(actor):
        return None
    return _person(_("Seul l'auditeur responsable de cet audit peut le faire."))


def is_owner(action: Action, actor: Actor) -> Refusal | None:
    """The action's owner moves it forward; with no owner, anyone of its service may."""
    if action.owner_id is None or action.owner_id == _user_id(actor):
        return None
    return _person(_("Seul le pilote de l'action peut la faire avancer."))


def is_approver(document: Document, actor: Actor) -> Refusal | None:
    """The document's named approver decides; with none named, the quality cell does."""
    if document.approver_id is None:
        if QUALITY in actor.scope.roles:
            return None
        return _person(_("Aucun approbateur n'est désigné : la cellule qualité décide."))
    if document.approver_id == _user_id(actor):
        return None
    return _person(_("Seul l'approbateur désigné de ce document peut le faire."))


# -- state guards -----------------------------------------------------------------------------
def has_indicator_with_target(objective: ServiceObjective, actor: Actor) -> Refusal | None:
    """An objective is reviewed only once it is measured: an indicator with a target."""
    year = str(objective.year)
    stmt = select(
        exists()
        .where(indicator_service_objective.c.service_objective_id == objective.id)
        .where(indicator_service_objective.c.indicator_id == Indicator.id)
        .where(Indicator.archived.is_(False))
        .where(Target.indicator_id == Indicator.id)
        .where(Target.archived.is_(False))
        .where((Target.period == year) | Target.period.startswith(f"{year}-"))
    )
    with db.session.no_autoflush:
        if db.session.scalar(stmt):
            return None
    return _state(
        _(
            "Pour être revu, l'objectif doit avoir au moins un indicateur avec une "
            "cible pour %(year)s.",
            year=objective.year,
        )
    )


def open_review_proposal(objective: ServiceObjective) -> Proposal | None:
    """The proposal carrying this objective in a review being held, if any."""
    stmt = (
        select(Proposal)
        .join(ManagementReview, Proposal.review_id == ManagementReview.id)
        .where(Proposal.service_objective_id == objective.id)
        .where(Proposal.archived.is_(False))
        .where(ManagementReview.state == "tenue")
        .order_by(Proposal.id.desc())
    )
    with db.session.no_autoflush:
        return db.session.scalars(stmt).first()


def in_open_review(objective: ServiceObjective, actor: Actor) -> Refusal | None:
    """Officials arbitrate an objective only in a management review being held."""
    if open_review_proposal(objective) is not None:
        return None
    return _state(
        _(
            "Cet objectif ne s'arbitre qu'en revue de direction : il n'est proposé à "
            "aucune revue en cours."
        )
    )


def findings_or_none(audit: Audit, actor: Actor) -> Refusal | None:
    """A report states its findings, or says explicitly that there are none."""
    if audit.no_finding:
        return None
    stmt = select(exists().where(Finding.audit_id == audit.id, Finding.archived.is_(False)))
    with db.session.no_autoflush:
        if db.session.scalar(stmt):
            return None
    return _state(
        _(
            "Le rapport doit comporter au moins un constat, ou indiquer « aucun "
            "constat » sur l'audit."
        )
    )


def nonconformities_have_actions(audit: Audit, actor: Actor) -> Refusal | None:
    """Every non-conformity of the audit has a live corrective action before closing."""
    live_action = (
        select(Action.id)
        .where(
            Action.finding_id == Finding.id, Action.archived.is_(False), Action.state != "annulee"
        )
        .exists()
    )
    stmt = select(func.count(Finding.id)).where(
        Finding.audit_id == audit.id,
        Finding.archived.is_(False),
        Finding.kind.startswith("nc_"),
        ~live_action,
    )
    with db.session.no_autoflush:
        missing = db.session.scalar(stmt) or 0
    if not missing:
        return None
    return _state(
        _(
            "%(count)s non-conformité(s) sans action : ouvrez une action pour chacune "
            "avant de clore l'audit.",
            count=missing,
        )
    )


def has_draft_version(document: Document, actor: Actor) -> Refusal | None:
    """A document goes to review with a draft version to read."""
    if draft_version(document) is not None:
        return None
    return _state(_("Ajoutez d'abord une version en brouillon à relire."))


def draft_version(document: Document) -> DocumentVersion | None:
    """The newest live draft version of a document, if any."""
    stmt = (
        select(DocumentVersion)
        .where(
            DocumentVersion.document_id == document.id,
            DocumentVersion.archived.is_(False),
            DocumentVersion.status == "brouillon",
        )
        .order_by(DocumentVersion.number.desc())
    )
    with db.session.no_autoflush:
        return db.session.scalars(stmt).first()


def all_proposals_decided(review: ManagementReview, actor: Actor) -> Refusal | None:
    """Officials decide every proposal before the decisions are recorded or the review closed."""
    stmt = select(func.count(Proposal.id)).where(
        Proposal.review_id == review.id,
        Proposal.archived.is_(False),
        Proposal.decision.is_(None),
    )
    with db.session.no_autoflush:
        undecided = db.session.scalar(stmt) or 0
    if not undecided:
        return None
    return _state(_("%(count)s proposition(s) ne sont pas encore arbitrées.", count=undecided))


#: A guard or four-eyes rule as the engine calls it, on the record of the table naming it.
Guard = Callable[[WorkflowRecord, Actor], Refusal | None]

PERSON_GUARDS: dict[str, Guard] = {
    "is_lead_auditor": by_name(is_lead_auditor),
    "is_owner": by_name(is_owner),
    "is_approver": by_name(is_approver),
}
STATE_GUARDS: dict[str, Guard] = {
    "has_indicator_with_target": by_name(has_indicator_with_target),
    "in_open_review": by_name(in_open_review),
    "findings_or_none": by_name(findings_or_none),
    "nonconformities_have_actions": by_name(nonconformities_have_actions),
    "has_draft_version": by_name(has_draft_version),
    "all_proposals_decided": by_name(all_proposals_decided),
}


# -- four-eyes rules --------------------------------------------------------------------------
def not_owner(action: Action, actor: Actor) -> Refusal | None:
    """An action's effectiveness is judged by someone other than its owner."""
    if action.owner_id is not None and action.owner_id == _user_id(actor):
        return _person(_("Le pilote d'une action ne vérifie pas lui-même son efficacité."))
    return None


def not_author(document: Document, actor: Actor) -> Refusal | None:
    """A document is approved by someone other than the author of the version under review."""
    version = draft_version(document)
    author_id = getattr(version, "author_id", None) or document.owner_id
    if author_id is not None and author_id == _user_id(actor):
        return _person(_("L'auteur d'un document ne l'approuve pas lui-même."))
    return None


def not_head(objective: ServiceObjective, actor: Actor) -> Refusal | None:
    """An official does not arbitrate a proposal of a service they head (or one below)."""
    if objective.service_id in headed_services(_user_id(actor)):
        return _person(_("Vous dirigez ce service : un autre élu doit arbitrer sa proposition."))
    return None


FOUR_EYES: dict[str, Guard] = {
    "not_owner": by_name(not_owner),
    "not_author": by_name(not_author),
    "not_head": by_name(not_head),
}


# -- the same person rules as SQL, to list a user's to-dos ("Mes tâches") -------------------
def _is_quality(roles: frozenset[str]) -> bool:
    return QUALITY in roles


def _lead_auditor_clause(
    model: type[Audit], user_id: int, roles: frozenset[str]
) -> ColumnElement[bool]:
    mine = model.lead_auditor_id == user_id
    return mine | model.lead_auditor_id.is_(None) if _is_quality(roles) else mine


def _owner_clause(model: type[Action], user_id: int, roles: frozenset[str]) -> ColumnElement[bool]:
    return (model.owner_id == user_id) | model.owner_id.is_(None)


def _approver_clause(
    model: type[Document], user_id: int, roles: frozenset[str]
) -> ColumnElement[bool]:
    mine = model.approver_id == user_id
    return mine | model.approver_id.is_(None) if _is_quality(roles) else mine


def _not_owner_clause(
    model: type[Action], user_id: int, roles: frozenset[str]
) -> ColumnElement[bool]:
    return model.owner_id.is_(None) | (model.owner_id != user_id)


def _not_document_owner_clause(
    model: type[Document], user_id: int, roles: frozenset[str]
) -> ColumnElement[bool]:
    return model.owner_id.is_(None) | (model.owner_id != user_id)


#: SQL counterparts of the person guards and four-eyes rules: ``clause(model, user id,
#: roles)``. They select the records a user *may* have to act on; the engine's checks stay the
#: authority when the event is fired (e.g. the author of the draft version).
Clause = Callable[[type[WorkflowColumns], int, frozenset[str]], ColumnElement[bool]]

PERSON_CLAUSES: dict[str, Clause] = {
    "is_lead_auditor": by_name_sql(_lead_auditor_clause),
    "is_owner": by_name_sql(_owner_clause),
    "is_approver": by_name_sql(_approver_clause),
    "not_owner": by_name_sql(_not_owner_clause),
    "not_author": by_name_sql(_not_document_owner_clause),
}
