"""Deciding a proposal in the management review (Revue de Direction), one command each.

An official validates, amends, rejects or defers a service's proposal while the review is
being held. The decision is written on the proposal and applied to what it carries, in the
same transaction:

* a service objective in ``revu`` takes the matching workflow event (``valide``, ``amende``
  back to its service with the amendment, ``rejete``, ``reporte``) through the one engine, so
  its guards, history and notifications are the workflow's own;
* a validated target proposal becomes the indicator's target for the year after the review.

Refusals leave everything as it was, like every command.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from app import history, notifications, registry
from app.commands.errors import Conflict, FieldError, Forbidden, Invalid
from app.commands.values import check_reason, check_text
from app.declarations.choices import DECISION
from app.extensions import db
from app.models.indicators import Target
from app.models.notifications import Notification
from app.models.reviews import Proposal
from app.security.actor import Actor
from app.security.roles import ADMIN, OFFICIAL
from app.security.scope import headed_services
from app.unit_of_work import unit_of_work
from workflows import engine, recipients
from workflows.effects import DECISION_OF_EVENT, record_decision

#: The objective's workflow event for each decision.
EVENT_OF_DECISION = {decision: event for event, decision in DECISION_OF_EVENT.items()}
#: Longest délibération reference (its column's length).
DELIBERATION_REF_MAX = 64


@dataclass
class Decided:
    proposal: Proposal
    notifications: list[Notification]


def target_year(proposal: Proposal) -> int:
    """A review decides the targets of the year after the one it reviews."""
    return int(proposal.review.year) + 1


def _check(proposal: Proposal, decision: str, actor: Actor, rationale: str | None) -> None:
    if not (actor.system or actor.scope.roles & {OFFICIAL, ADMIN}):
        raise Forbidden(_("Seuls les élus arbitrent les propositions de la revue de direction."))
    if proposal.archived:
        raise Conflict(_("Cette proposition est archivée."))
    if proposal.review.state != "tenue":
        raise Conflict(
            _(
                "Les propositions s'arbitrent pendant la revue : celle-ci est « %(state)s ».",
                state=registry.get("management_review")
                .choices["state"]
                .label(proposal.review.state),
            )
        )
    if proposal.decision is not None:
        raise Conflict(
            _(
                "Cette proposition a déjà été arbitrée (« %(decision)s »).",
                decision=DECISION.label(proposal.decision),
            )
        )
    if proposal.service_id in headed_services(getattr(actor.user, "id", None)):
        raise Forbidden(_("Vous dirigez ce service : un autre élu doit arbitrer sa proposition."))
    objective = proposal.service_objective
    if objective is not None and objective.state != "revu":
        raise Conflict(
            _(
                "L'objectif « %(title)s » est « %(state)s » : seul un objectif revu par "
                "la cellule qualité s'arbitre.",
                title=objective.title,
                state=registry.get("service_objective").choices["state"].label(objective.state),
            )
        )
    errors = []
    if decision not in DECISION.codes:
        errors.append(
            FieldError(
                "decision", _("Choisissez une décision : valider, amender, rejeter ou reporter.")
            )
        )
    elif decision != "validee" and not (rationale or "").strip():
        errors.append(
            FieldError(
                "rationale",
                _("Motivez la décision « %(decision)s ».", decision=DECISION.label(decision)),
            )
        )
    if errors:
        raise Invalid(_("La décision n'a pas été enregistrée."), errors)


def _apply_target(proposal: Proposal, actor: Actor) -> None:
    """The validated value becomes the indicator's target for the year (history kept)."""
    if proposal.indicator is None:
        return
    period = str(target_year(proposal))
    target = db.session.scalars(
        select(Target).where(Target.indicator_id == proposal.indicator_id, Target.period == period)
    ).first()
    values = {
        "value": proposal.proposed_value,
        "low": proposal.proposed_low,
        "high": proposal.proposed_high,
    }
    reason = _("Cible validée en revue de direction : %(title)s", title=proposal.review.title)
    if target is None:
        target = Target(indicator=proposal.indicator, period=period, **values)
        db.session.add(target)
        db.session.flush()
        history.record(
            "target",
            target.id,
            "create",
            user=actor.user,
            changes={
                k: [None, v] for k, v in {"period": period, **values}.items() if v is not None
            },
            reason=reason,
        )
    else:
        changes = {k: [getattr(target, k), v] for k, v in values.items() if getattr(target, k) != v}
        for key, value in values.items():
            setattr(target, key, value)
        if target.archived:
            target.archived = False
            target.archived_at = None
            changes["archived"] = [True, False]
        if changes:
            history.record(
                "target", target.id, "update", user=actor.user, changes=changes, reason=reason
            )
    proposal.target = target


def decide(
    proposal: Proposal,
    decision: str,
    actor: Actor,
    *,
    rationale: str | None = None,
    deliberation_ref: str | None = None,
) -> Decided:
    """Record an official's decision on a proposal and apply it (see module docstring)."""
    rationale, rationale_error = check_reason(rationale, "rationale", _("Justification"))
    deliberation_ref, ref_error = check_text(
        "deliberation_ref",
        _("Référence de délibération"),
        deliberation_ref,
        max_length=DELIBERATION_REF_MAX,
        multiline=False,
    )
    errors = [e for e in (rationale_error, ref_error) if e is not None]
    if errors:
        raise Invalid(_("La décision ne peut pas être enregistrée."), errors)
    _check(proposal, decision, actor, rationale)
    sent: list[Notification] = []
    with unit_of_work():
        record_decision(proposal, actor, decision, rationale, deliberation_ref)
        objective = proposal.service_objective
        if objective is not None:
            fired = engine.apply(
                registry.get("service_objective"),
                objective,
                EVENT_OF_DECISION[decision],
                actor,
                reason=rationale,
            )
            sent.extend(fired.notifications)
        else:
            subject = _(
                "Proposition « %(title)s » : %(decision)s",
                title=proposal.title,
                decision=DECISION.label(decision),
            )
            body = "\n".join(
                filter(
                    None,
                    [
                        _(
                            "La revue de direction « %(review)s » a arbitré la proposition "
                            "« %(title)s » : %(decision)s.",
                            review=proposal.review.title,
                            title=proposal.title,
                            decision=DECISION.label(decision),
                        ),
                        _("Motif : %(reason)s", reason=rationale) if rationale else None,
                    ],
                )
            )
            sent.extend(
                notifications.notify(
                    recipients.heads_of([proposal.service]),
                    subject=subject,
                    body=body,
                    link=f"/proposal/show/{proposal.id}",
                    artefact="proposal",
                    record_id=proposal.id,
                    event=decision,
                )
            )
        if decision == "validee" and proposal.kind == "cible":
            _apply_target(proposal, actor)
        db.session.flush()
    return Decided(proposal, sent)
