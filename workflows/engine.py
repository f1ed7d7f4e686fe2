"""The one workflow engine: fires an event of a table on a record, in one transaction.

Checks, in an order chosen so each refusal tells the user the right thing:

1. the pair (current state, event) is in the table — else 409 (422 for an unknown event);
2. the user's role may fire it — else 403 — and the record is within the services they act
   for (a record out of their reading scope never gets here: the caller answers 404);
3. person guards and the four-eyes rule (lead auditor, owner, approver, not the author…) —
   403;
4. the reason when required, and the event's inputs — 422 naming the field;
5. state guards (findings recorded, every proposal decided…) — 409;
6. compare-and-set: the record is written only if its version is still the one read, so of
   two concurrent firings one wins and the other gets 409.

Then the effects run, one history entry records who, when, from, to, event, reason and the
fields changed, and notifications are written for whoever must act next — all committed
together in one unit of work; their e-mails are queued after the commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask_babel import gettext as _

from app import history, notifications
from app.commands.errors import Conflict, FieldError, Forbidden, Invalid
from app.extensions import db
from app.models.notifications import Notification
from app.registry.artefact import Artefact
from app.security.actor import Actor
from app.security.roles import ADMIN
from app.unit_of_work import flush, unit_of_work
from workflows import effects, recipients
from workflows.guards import FOUR_EYES, PERSON_GUARDS, STATE_GUARDS, Refusal
from workflows.records import WorkflowRecord
from workflows.tables import WORKFLOWS, Transition, Workflow

#: The record an event is fired on, given back as it came (an ``Audit`` stays an ``Audit``).
R = TypeVar("R", bound=WorkflowRecord)


@dataclass(frozen=True)
class Offer:
    """An event offered to a user on a record: firable now, or blocked by a state guard."""

    transition: Transition
    blocked: Refusal | None = None

    @property
    def firable(self) -> bool:
        return self.blocked is None

    def as_dict(self) -> dict[str, object]:
        row = self.transition
        return {
            "event": row.event,
            "label": str(row.label),
            "to": row.target,
            "reason_required": row.reason_required,
            "inputs": list(row.inputs),
            "firable": self.firable,
            "blocked_by": self.blocked.message if self.blocked else None,
        }


@dataclass
class Fired(Generic[R]):
    """The outcome of a committed transition."""

    transition: Transition
    record: R
    notifications: list[Notification]


def workflow_of(artefact: Artefact) -> Workflow | None:
    return WORKFLOWS.get(artefact.code_name)


def _may_role(row: Transition, actor: Actor) -> bool:
    return bool(actor.system or actor.scope.roles & (row.roles | {ADMIN}))


def _acts_for(artefact: Artefact, obj: WorkflowRecord, actor: Actor) -> bool:
    """The record is within the services the actor acts for (write reach, not read reach)."""
    return bool(actor.system or artefact.scope.permits(obj, actor.scope))


def _person_refusal(row: Transition, obj: WorkflowRecord, actor: Actor) -> Refusal | None:
    if actor.system:
        return None
    for name in row.guards:
        if name in PERSON_GUARDS:
            refusal = PERSON_GUARDS[name](obj, actor)
            if refusal is not None:
                return refusal
    if row.four_eyes is not None:
        return FOUR_EYES[row.four_eyes](obj, actor)
    return None


def _state_refusal(row: Transition, obj: WorkflowRecord, actor: Actor) -> Refusal | None:
    for name in row.guards:
        if name in STATE_GUARDS:
            refusal = STATE_GUARDS[name](obj, actor)
            if refusal is not None:
                return refusal
    return None


def offers(artefact: Artefact, obj: WorkflowRecord, actor: Actor) -> list[Offer]:
    """The events this user may fire on this record now, and those only a guard blocks.

    Events the user's role may not fire, or that another person must fire (the owner, the
    approver…), are left out: the buttons show exactly what is the user's to do.
    """
    workflow = workflow_of(artefact)
    if workflow is None or getattr(obj, "archived", False):
        return []
    found = []
    for row in workflow.events_from(obj.state):
        if not _may_role(row, actor) or not _acts_for(artefact, obj, actor):
            continue
        if _person_refusal(row, obj, actor) is not None:
            continue
        found.append(Offer(row, _state_refusal(row, obj, actor)))
    return found


def _check(
    artefact: Artefact,
    workflow: Workflow,
    obj: WorkflowRecord,
    event: str,
    actor: Actor,
    reason: str | None,
    inputs: Mapping[str, object],
) -> tuple[Transition, dict[str, object]]:
    """Every refusal of the module docstring, in order; the row and the cleaned inputs."""
    state_label = artefact.choices["state"].label(obj.state)
    if getattr(obj, "archived", False):
        raise Conflict(_("Cet enregistrement est archivé : son état ne change plus."))
    row = workflow.find(obj.state, event)
    if row is None:
        known = {r.event for r in workflow.transitions}
        if event not in known:
            raise Invalid(
                _("Événement inconnu : « %(event)s ».", event=event),
                [
                    FieldError(
                        "event",
                        _("Événements possibles : %(events)s.", events=", ".join(sorted(known))),
                    )
                ],
            )
        label = next(r.label for r in workflow.transitions if r.event == event)
        raise Conflict(
            _(
                "« %(event)s » n'est pas possible depuis l'état « %(state)s ».",
                event=label,
                state=state_label,
            )
        )
    if not _may_role(row, actor):
        raise Forbidden(_("Votre rôle ne permet pas « %(event)s ».", event=row.label))
    if not _acts_for(artefact, obj, actor):
        raise Forbidden(
            _(
                "Cet enregistrement relève d'un service pour lequel vous n'agissez "
                "pas : « %(event)s » vous est refusé.",
                event=row.label,
            )
        )
    refusal = _person_refusal(row, obj, actor)
    if refusal is not None:
        raise Forbidden(refusal.message)
    errors: list[FieldError] = []
    if row.reason_required and not (reason or "").strip():
        errors.append(
            FieldError("reason", _("Le motif est obligatoire pour « %(event)s ».", event=row.label))
        )
    cleaned: dict[str, object] = {}
    for name in inputs:
        if name not in row.inputs:
            errors.append(
                FieldError(name, _("« %(name)s » ne s'indique pas pour cet événement.", name=name))
            )
    for name in row.inputs:
        value = inputs.get(name)
        choice = artefact.choices.get(name)
        label = artefact.column_label(name)
        if value in (None, ""):
            errors.append(
                FieldError(
                    name,
                    _(
                        "« %(label)s » est obligatoire pour « %(event)s ».",
                        label=label,
                        event=row.label,
                    ),
                )
            )
        elif choice is not None and value not in choice.codes:
            errors.append(
                FieldError(
                    name,
                    _("« %(label)s » : valeur inconnue « %(value)s ».", label=label, value=value),
                )
            )
        else:
            cleaned[name] = value
    if errors:
        raise Invalid(_("La transition ne peut pas être enregistrée."), errors)
    refusal = _state_refusal(row, obj, actor)
    if refusal is not None:
        raise Conflict(refusal.message)
    return row, cleaned


def apply(
    artefact: Artefact,
    obj: R,
    event: str,
    actor: Actor,
    *,
    reason: str | None = None,
    inputs: Mapping[str, object] | None = None,
    expected_version: int | None = None,
) -> Fired[R]:
    """Fire the event inside the caller's transaction (flushed, not committed)."""
    workflow = workflow_of(artefact)
    if workflow is None:
        raise Invalid(
            _("« %(what)s » n'a pas de circuit de validation.", what=artefact.label_plural)
        )
    reason = (reason or "").strip() or None
    row, cleaned = _check(artefact, workflow, obj, event, actor, reason, inputs or {})
    if expected_version is not None and int(expected_version) != obj.version:
        raise Conflict(
            _("Cet enregistrement a changé depuis que vous l'avez ouvert : rechargez la page.")
        )
    changes: effects.Changes = {"state": [row.source, row.target]}
    effect = effects.EFFECTS.get((artefact.code_name, event))
    with db.session.no_autoflush:
        obj.state = row.target
        if effect is not None:
            changes.update(effect(obj, actor, cleaned, reason))
    _compare_and_set()
    history.record(
        artefact.code_name,
        obj.id,
        "transition",
        user=actor.user,
        changes=changes,
        reason=reason,
        event=event,
        from_state=row.source,
        to_state=row.target,
    )
    subject, body = notifications.transition_message(artefact, obj, row, actor, reason)
    sent = notifications.notify(
        recipients.resolve(row.notify, obj, exclude=actor.user),
        subject=subject,
        body=body,
        link=f"/{artefact.code_name}/show/{obj.id}",
        artefact=artefact.code_name,
        record_id=obj.id,
        event=event,
    )
    db.session.flush()
    return Fired(row, obj, sent)


def _compare_and_set() -> None:
    """Write the new state only over the version read (``version_id_col``): else 409.

    Of two concurrent firings, the second's flush finds the version moved (StaleDataError) or,
    on SQLite, the snapshot overwritten (« locked »): :func:`app.unit_of_work.flush` turns
    both into the one French conflict.
    """
    flush()


def fire(
    artefact: Artefact,
    obj: R,
    event: str,
    actor: Actor,
    *,
    reason: str | None = None,
    inputs: Mapping[str, object] | None = None,
    expected_version: int | None = None,
) -> Fired[R]:
    """Fire the event as one command (one unit of work); the notifications' e-mails and any
    job the transition asked for (a pack, minutes) are queued after the commit."""
    with unit_of_work():
        return apply(
            artefact,
            obj,
            event,
            actor,
            reason=reason,
            inputs=inputs,
            expected_version=expected_version,
        )
