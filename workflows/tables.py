"""The six workflows of DOMAIN.md §5 as closed tables: ``(state, event) → next state``.

Each row says who may fire the event (role codes), which guards must hold (named checks the
engine runs against the record), whether a reason is required, and the four-eyes rule if any.
Anything not in a table is refused. Tables are data, not code: the engine that fires them, the
buttons, the API's ``/transitions`` and the table-driven tests all read them, so a workflow is
changed in one place (ENGINEERING.md: a table rather than a state-machine library, because the
table is what the quality manual describes and what the tests enumerate).

Guard, four-eyes, input and recipient names are resolved by ``workflows.guards``,
``workflows.effects`` and ``workflows.recipients``; this module only declares them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from app.registry.artefact import Choice
from app.security.roles import AGENT, AUDITOR, EXECUTIVE, OFFICIAL, QUALITY, SERVICE_HEAD
from app.states import (
    ACTION_STATES,
    AUDIT_STATES,
    DOCUMENT_STATES,
    MANAGEMENT_REVIEW_STATES,
    REVISION_STATES,
    SERVICE_OBJECTIVE_STATES,
)


@dataclass(frozen=True)
class Transition:
    """One row: from ``source`` on ``event`` to ``target``."""

    source: str
    event: str
    target: str
    roles: frozenset[str]
    label: object  # French label of the event (lazy string)
    guards: tuple[str, ...] = ()
    reason_required: bool = False
    #: ``not_owner`` (action verified by someone else), ``not_author`` (document approved by
    #: someone else), ``not_head`` (an official does not arbitrate their own service).
    four_eyes: str | None = None
    #: Fields the event records on the record, required when firing (an action's
    #: effectiveness when verified, an objective's achievement when closed).
    inputs: tuple[str, ...] = ()
    #: Who is told by notification and e-mail once the transition is committed (names
    #: resolved by ``workflows.recipients``): whoever must act next, the author on rejection.
    notify: tuple[str, ...] = ()
    #: « Mes tâches » heading for records waiting for this event, if it is someone's to-do
    #: (cancelling or reopening is possible, never awaited).
    task: object | None = None


@dataclass(frozen=True)
class Workflow:
    """A closed table for one artefact's ``state`` column."""

    artefact: str
    states: Choice
    initial: str
    transitions: tuple[Transition, ...] = field(default_factory=tuple)

    def find(self, state: str, event: str) -> Transition | None:
        for row in self.transitions:
            if row.source == state and row.event == event:
                return row
        return None

    def events_from(self, state: str) -> tuple[Transition, ...]:
        return tuple(row for row in self.transitions if row.source == state)


def _rows(
    sources: tuple[str, ...],
    event: str,
    target: str,
    roles: frozenset[str],
    label: object,
    **extra: object,
) -> tuple[Transition, ...]:
    """The same event from several states (e.g. cancelling any open action)."""
    return tuple(
        Transition(s, event, target, roles, label, **extra)  # type: ignore[arg-type]
        for s in sources
    )


HEAD = frozenset({SERVICE_HEAD})
Q = frozenset({QUALITY})
EXEC = frozenset({EXECUTIVE})
OFFICIALS = frozenset({OFFICIAL})

SERVICE_OBJECTIVE = Workflow(
    "service_objective",
    SERVICE_OBJECTIVE_STATES,
    "brouillon",
    (
        Transition(
            "brouillon",
            "submit",
            "propose",
            HEAD,
            _l("Soumettre"),
            notify=("quality",),
            task=_l("Objectifs à soumettre"),
        ),
        Transition(
            "amende",
            "submit",
            "propose",
            HEAD,
            _l("Soumettre à nouveau"),
            notify=("quality",),
            task=_l("Objectifs amendés à soumettre à nouveau"),
        ),
        Transition(
            "propose",
            "review",
            "revu",
            Q,
            _l("Valider la revue"),
            guards=("has_indicator_with_target",),
            notify=("service_heads",),
            task=_l("Objectifs à revoir"),
        ),
        Transition(
            "revu",
            "validate",
            "valide",
            OFFICIALS,
            _l("Valider"),
            guards=("in_open_review",),
            four_eyes="not_head",
            notify=("service_heads", "quality"),
        ),
        Transition(
            "revu",
            "amend",
            "amende",
            OFFICIALS,
            _l("Amender"),
            guards=("in_open_review",),
            reason_required=True,
            four_eyes="not_head",
            notify=("service_heads",),
        ),
        Transition(
            "revu",
            "reject",
            "rejete",
            OFFICIALS,
            _l("Rejeter"),
            guards=("in_open_review",),
            reason_required=True,
            four_eyes="not_head",
            notify=("service_heads",),
        ),
        Transition(
            "revu",
            "defer",
            "reporte",
            OFFICIALS,
            _l("Reporter"),
            guards=("in_open_review",),
            reason_required=True,
            four_eyes="not_head",
            notify=("service_heads",),
        ),
        Transition(
            "valide",
            "activate",
            "actif",
            Q,
            _l("Activer"),
            notify=("service_heads",),
            task=_l("Objectifs validés à activer"),
        ),
        Transition(
            "actif",
            "close",
            "clos",
            Q,
            _l("Clore"),
            inputs=("achievement",),
            notify=("service_heads",),
        ),
    ),
)

AUDIT = Workflow(
    "audit",
    AUDIT_STATES,
    "planifie",
    (
        Transition(
            "planifie",
            "start",
            "en_cours",
            frozenset({AUDITOR, QUALITY}),
            _l("Démarrer"),
            guards=("is_lead_auditor",),
            notify=("auditees",),
            task=_l("Audits à démarrer"),
        ),
        Transition(
            "en_cours",
            "report",
            "rapport_emis",
            frozenset({AUDITOR, QUALITY}),
            _l("Émettre le rapport"),
            guards=("is_lead_auditor", "findings_or_none"),
            notify=("quality", "auditees"),
            task=_l("Rapports d'audit à émettre"),
        ),
        Transition(
            "rapport_emis",
            "close",
            "clos",
            Q,
            _l("Clore"),
            guards=("nonconformities_have_actions",),
            notify=("lead_auditor",),
            task=_l("Audits à clore"),
        ),
        Transition(
            "clos",
            "reopen",
            "en_cours",
            Q,
            _l("Rouvrir"),
            reason_required=True,
            notify=("lead_auditor",),
        ),
        Transition(
            "planifie",
            "cancel",
            "annule",
            Q,
            _l("Annuler"),
            reason_required=True,
            notify=("lead_auditor", "auditees"),
        ),
    ),
)

ACTION = Workflow(
    "action",
    ACTION_STATES,
    "a_faire",
    (
        Transition(
            "a_faire",
            "start",
            "en_cours",
            frozenset({SERVICE_HEAD, AGENT}),
            _l("Démarrer"),
            guards=("is_owner",),
            task=_l("Actions à démarrer"),
        ),
        Transition(
            "en_cours",
            "complete",
            "realisee",
            frozenset({SERVICE_HEAD, AGENT}),
            _l("Déclarer réalisée"),
            guards=("is_owner",),
            notify=("quality",),
            task=_l("Actions en cours à mener à terme"),
        ),
        Transition(
            "realisee",
            "verify",
            "verifiee",
            frozenset({QUALITY, AUDITOR}),
            _l("Vérifier l'efficacité"),
            inputs=("effectiveness",),
            four_eyes="not_owner",
            notify=("owner",),
            task=_l("Actions dont l'efficacité est à vérifier"),
        ),
        Transition(
            "realisee",
            "reject",
            "en_cours",
            frozenset({QUALITY, AUDITOR}),
            _l("Refuser"),
            reason_required=True,
            four_eyes="not_owner",
            notify=("owner",),
        ),
        *_rows(
            ("a_faire", "en_cours", "realisee"),
            "cancel",
            "annulee",
            Q,
            _l("Annuler"),
            reason_required=True,
            notify=("owner",),
        ),
    ),
)

DOCUMENT = Workflow(
    "document",
    DOCUMENT_STATES,
    "brouillon",
    (
        Transition(
            "brouillon",
            "submit",
            "en_relecture",
            frozenset({SERVICE_HEAD, QUALITY}),
            _l("Soumettre à relecture"),
            guards=("has_draft_version",),
            notify=("approver",),
            task=_l("Documents à soumettre à relecture"),
        ),
        Transition(
            "en_relecture",
            "approve",
            "approuve",
            frozenset({SERVICE_HEAD, QUALITY}),
            _l("Approuver"),
            guards=("is_approver",),
            four_eyes="not_author",
            notify=("quality",),
            task=_l("Documents à approuver"),
        ),
        Transition(
            "en_relecture",
            "request_changes",
            "brouillon",
            frozenset({SERVICE_HEAD, QUALITY}),
            _l("Demander des modifications"),
            guards=("is_approver",),
            reason_required=True,
            notify=("author",),
        ),
        Transition(
            "approuve",
            "publish",
            "publie",
            Q,
            _l("Publier"),
            notify=("author",),
            task=_l("Documents à publier"),
        ),
    ),
)

REVISION = Workflow(
    "revision",
    REVISION_STATES,
    "ouverte",
    (
        Transition(
            "ouverte",
            "collect",
            "propositions",
            Q,
            _l("Clore la collecte"),
            notify=("executive",),
            task=_l("Révisions : collecte à clore"),
        ),
        Transition(
            "propositions",
            "validate",
            "validee",
            EXEC,
            _l("Valider"),
            notify=("quality",),
            task=_l("Révisions à valider"),
        ),
        Transition(
            "validee",
            "apply",
            "appliquee",
            Q,
            _l("Appliquer"),
            notify=("service_heads",),
            task=_l("Révisions à appliquer"),
        ),
    ),
)

MANAGEMENT_REVIEW = Workflow(
    "management_review",
    MANAGEMENT_REVIEW_STATES,
    "preparation",
    (
        Transition(
            "preparation",
            "build_pack",
            "dossier_pret",
            Q,
            _l("Constituer le dossier"),
            notify=("executive",),
            task=_l("Revues de direction : dossier à constituer"),
        ),
        Transition(
            "dossier_pret",
            "hold",
            "tenue",
            EXEC,
            _l("Tenir la revue"),
            notify=("officials",),
            task=_l("Revues de direction à tenir"),
        ),
        Transition(
            "tenue",
            "record_decisions",
            "decisions_enregistrees",
            OFFICIALS,
            _l("Enregistrer les décisions"),
            guards=("all_proposals_decided",),
            notify=("executive",),
            task=_l("Revues de direction : décisions à enregistrer"),
        ),
        Transition(
            "decisions_enregistrees",
            "close",
            "close",
            EXEC,
            _l("Clore la revue"),
            guards=("all_proposals_decided",),
            notify=("participants",),
            task=_l("Revues de direction à clore"),
        ),
    ),
)

WORKFLOWS: dict[str, Workflow] = {
    wf.artefact: wf
    for wf in (SERVICE_OBJECTIVE, AUDIT, ACTION, DOCUMENT, REVISION, MANAGEMENT_REVIEW)
}
