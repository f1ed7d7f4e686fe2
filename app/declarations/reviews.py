"""Review artefacts: revisions, the Revue de Direction and its proposals, surveys, complaints."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.declarations import checks
from app.declarations.choices import (
    CHANNEL,
    COMPLAINT_STATUS,
    DECISION,
    PROPOSAL_KIND,
    REVISION_SCOPE,
)
from app.models import Complaint, ManagementReview, Proposal, Revision, Survey
from app.registry import Artefact, register
from app.security.roles import AGENT, EXECUTIVE, QUALITY, SERVICE_HEAD
from app.security.scope import ByColumn, ByMany, Unscoped
from workflows.labels import MANAGEMENT_REVIEW_STATES, REVISION_STATES

REVIEWS = "reviews"
LABEL = _l("Revues et écoute des usagers")

register(
    Artefact(
        code_name="revision",
        model=Revision,
        label=_l("Révision périodique"),
        label_plural=_l("Révisions périodiques"),
        category=REVIEWS,
        category_label=LABEL,
        list_columns=("year", "title", "scope", "state"),
        search_columns=("year", "title", "scope", "state", "services"),
        order_by=("year", "desc"),
        scope=ByMany("services"),
        readonly_columns=("state",),
        choices={"scope": REVISION_SCOPE, "state": REVISION_STATES},
        label_columns={"scope": _l("Objet de la révision"), "services": _l("Services concernés")},
        icon="fa-refresh",
    )
)

register(
    Artefact(
        code_name="management_review",
        model=ManagementReview,
        label=_l("Revue de direction"),
        label_plural=_l("Revues de direction"),
        category=REVIEWS,
        category_label=LABEL,
        list_columns=("year", "title", "held_on", "state"),
        search_columns=("year", "title", "state"),
        edit_columns=("year", "title", "held_on", "participants", "inputs_summary",
                      "conclusion"),
        order_by=("year", "desc"),
        scope=Unscoped(),
        writers=frozenset({QUALITY, EXECUTIVE}),
        readonly_columns=("state",),
        choices={"state": MANAGEMENT_REVIEW_STATES},
        label_columns={
            "held_on": _l("Date de la revue"),
            "participants": _l("Participants"),
            "inputs_summary": _l("Éléments d'entrée"),
            "conclusion": _l("Conclusions"),
            "proposals": _l("Propositions"),
        },
        icon="fa-gavel",
    )
)

register(
    Artefact(
        code_name="proposal",
        model=Proposal,
        label=_l("Proposition"),
        label_plural=_l("Propositions"),
        category=REVIEWS,
        category_label=LABEL,
        list_columns=("review", "service", "kind", "title", "decision"),
        search_columns=("review", "service", "kind", "title", "decision"),
        edit_columns=("review", "service", "kind", "title", "description",
                      "service_objective", "target"),
        show_columns=("review", "service", "kind", "title", "description", "service_objective",
                      "target", "decision", "rationale", "decided_by", "decided_at",
                      "deliberation_ref", "version", "archived", "created_at", "updated_at"),
        order_by=("id", "asc"),
        scope=ByColumn("service_id", "service"),
        writers=frozenset({QUALITY, SERVICE_HEAD}),
        readonly_columns=("decision", "rationale", "decided_by", "decided_at",
                          "deliberation_ref"),
        choices={"kind": PROPOSAL_KIND, "decision": DECISION},
        label_columns={
            "review": _l("Revue de direction"),
            "kind": _l("Nature de la proposition"),
            "service_objective": _l("Objectif de service concerné"),
            "target": _l("Cible concernée"),
            "decision": _l("Décision"),
            "rationale": _l("Motivation de la décision"),
            "decided_by": _l("Arbitrée par"),
            "decided_at": _l("Arbitrée le"),
            "deliberation_ref": _l("Référence de délibération"),
        },
        icon="fa-lightbulb-o",
    )
)

register(
    Artefact(
        code_name="survey",
        model=Survey,
        label=_l("Enquête de satisfaction"),
        label_plural=_l("Enquêtes de satisfaction"),
        category=REVIEWS,
        category_label=LABEL,
        list_columns=("title", "period", "respondents", "satisfaction_rate"),
        search_columns=("title", "period", "services"),
        order_by=("conducted_on", "desc"),
        scope=ByMany("services"),
        writers=frozenset({QUALITY, SERVICE_HEAD}),
        checks=(checks.survey,),
        label_columns={
            "conducted_on": _l("Réalisée le"),
            "respondents": _l("Répondants"),
            "satisfaction_rate": _l("Taux de satisfaction (%)"),
            "results": _l("Résultats"),
            "services": _l("Services concernés"),
            "indicators": _l("Indicateurs alimentés"),
        },
        icon="fa-smile-o",
    )
)

register(
    Artefact(
        code_name="complaint",
        model=Complaint,
        label=_l("Réclamation"),
        label_plural=_l("Réclamations"),
        category=REVIEWS,
        category_label=LABEL,
        list_columns=("received_on", "channel", "service", "subject", "processing_days",
                      "status"),
        search_columns=("received_on", "channel", "service", "subject", "status", "justified"),
        order_by=("received_on", "desc"),
        scope=ByColumn("service_id", "service"),
        writers=frozenset({QUALITY, SERVICE_HEAD, AGENT}),
        readonly_columns=("processing_days",),
        choices={"channel": CHANNEL, "status": COMPLAINT_STATUS},
        checks=(checks.complaint,),
        label_columns={
            "received_on": _l("Reçue le"),
            "channel": _l("Canal"),
            "subject": _l("Objet"),
            "answered_on": _l("Répondue le"),
            "processing_days": _l("Délai de traitement (jours)"),
            "justified": _l("Fondée"),
            "action": _l("Action liée"),
        },
        icon="fa-comments-o",
    )
)
