"""The six workflows of DOMAIN.md §5 as closed tables: ``(state, event) → next state``.

Each row says who may fire the event (role codes), which guards must hold (named checks the
engine runs against the record), whether a reason is required, and the four-eyes rule if any.
Anything not in a table is refused. Tables are data, not code: the engine that fires them, the
buttons, the API's ``/transitions`` and the table-driven tests all read them, so a workflow is
changed in one place (ENGINEERING.md: a table rather than a state-machine library, because the
table is what the quality manual describes and what the tests enumerate).

Guard and four-eyes names are resolved by the engine (workflows issue); this module only
declares them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from app.registry.artefact import Choice
from app.security.roles import AGENT, AUDITOR, EXECUTIVE, OFFICIAL, QUALITY, SERVICE_HEAD
from workflows.labels import (
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


def _rows(sources: tuple[str, ...], event: str, target: str, roles: frozenset[str],
          label: object, **extra: object) -> tuple[Transition, ...]:
    """The same event from several states (e.g. cancelling any open action)."""
    return tuple(Transition(s, event, target, roles, label, **extra)  # type: ignore[arg-type]
                 for s in sources)


HEAD = frozenset({SERVICE_HEAD})
Q = frozenset({QUALITY})
EXEC = frozenset({EXECUTIVE})
OFFICIALS = frozenset({OFFICIAL})

SERVICE_OBJECTIVE = Workflow(
    "service_objective", SERVICE_OBJECTIVE_STATES, "brouillon", (
        Transition("brouillon", "submit", "propose", HEAD, _l("Soumettre")),
        Transition("amende", "submit", "propose", HEAD, _l("Soumettre à nouveau")),
        Transition("propose", "review", "revu", Q, _l("Valider la revue"),
                   guards=("has_indicator_with_target",)),
        Transition("revu", "validate", "valide", OFFICIALS, _l("Valider"),
                   guards=("in_open_review",), four_eyes="not_head"),
        Transition("revu", "amend", "amende", OFFICIALS, _l("Amender"),
                   guards=("in_open_review",), reason_required=True, four_eyes="not_head"),
        Transition("revu", "reject", "rejete", OFFICIALS, _l("Rejeter"),
                   guards=("in_open_review",), reason_required=True, four_eyes="not_head"),
        Transition("revu", "defer", "reporte", OFFICIALS, _l("Reporter"),
                   guards=("in_open_review",), reason_required=True, four_eyes="not_head"),
        Transition("valide", "activate", "actif", Q, _l("Activer")),
        Transition("actif", "close", "clos", Q, _l("Clore"), guards=("has_achievement",)),
    ),
)

AUDIT = Workflow(
    "audit", AUDIT_STATES, "planifie", (
        Transition("planifie", "start", "en_cours", frozenset({AUDITOR, QUALITY}),
                   _l("Démarrer"), guards=("is_lead_auditor",)),
        Transition("en_cours", "report", "rapport_emis", frozenset({AUDITOR, QUALITY}),
                   _l("Émettre le rapport"), guards=("is_lead_auditor", "findings_or_none")),
        Transition("rapport_emis", "close", "clos", Q, _l("Clore"),
                   guards=("nonconformities_have_actions",)),
        Transition("clos", "reopen", "en_cours", Q, _l("Rouvrir"), reason_required=True),
        Transition("planifie", "cancel", "annule", Q, _l("Annuler"), reason_required=True),
    ),
)

ACTION = Workflow(
    "action", ACTION_STATES, "a_faire", (
        Transition("a_faire", "start", "en_cours", frozenset({SERVICE_HEAD, AGENT}),
                   _l("Démarrer"), guards=("is_owner",)),
        Transition("en_cours", "complete", "realisee", frozenset({SERVICE_HEAD, AGENT}),
                   _l("Déclarer réalisée"), guards=("is_owner",)),
        Transition("realisee", "verify", "verifiee", frozenset({QUALITY, AUDITOR}),
                   _l("Vérifier l'efficacité"), guards=("effectiveness_given",),
                   four_eyes="not_owner"),
        Transition("realisee", "reject", "en_cours", frozenset({QUALITY, AUDITOR}),
                   _l("Refuser"), reason_required=True, four_eyes="not_owner"),
        *_rows(("a_faire", "en_cours", "realisee"), "cancel", "annulee", Q, _l("Annuler"),
               reason_required=True),
    ),
)

DOCUMENT = Workflow(
    "document", DOCUMENT_STATES, "brouillon", (
        Transition("brouillon", "submit", "en_relecture", frozenset({SERVICE_HEAD, QUALITY}),
                   _l("Soumettre à relecture"), guards=("has_version",)),
        Transition("en_relecture", "approve", "approuve", frozenset({SERVICE_HEAD, QUALITY}),
                   _l("Approuver"), guards=("is_approver",), four_eyes="not_author"),
        Transition("en_relecture", "request_changes", "brouillon",
                   frozenset({SERVICE_HEAD, QUALITY}), _l("Demander des modifications"),
                   guards=("is_approver",), reason_required=True),
        Transition("approuve", "publish", "publie", Q, _l("Publier")),
    ),
)

REVISION = Workflow(
    "revision", REVISION_STATES, "ouverte", (
        Transition("ouverte", "collect", "propositions", Q, _l("Clore la collecte")),
        Transition("propositions", "validate", "validee", EXEC, _l("Valider")),
        Transition("validee", "apply", "appliquee", Q, _l("Appliquer")),
    ),
)

MANAGEMENT_REVIEW = Workflow(
    "management_review", MANAGEMENT_REVIEW_STATES, "preparation", (
        Transition("preparation", "build_pack", "dossier_pret", Q,
                   _l("Constituer le dossier")),
        Transition("dossier_pret", "hold", "tenue", EXEC, _l("Tenir la revue")),
        Transition("tenue", "record_decisions", "decisions_enregistrees", OFFICIALS,
                   _l("Enregistrer les décisions"), guards=("all_proposals_decided",)),
        Transition("decisions_enregistrees", "close", "close", EXEC, _l("Clore la revue")),
    ),
)

WORKFLOWS: dict[str, Workflow] = {
    wf.artefact: wf
    for wf in (SERVICE_OBJECTIVE, AUDIT, ACTION, DOCUMENT, REVISION, MANAGEMENT_REVIEW)
}
