"""Audit artefacts: the yearly programme, audits, their findings, and the action plan."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.cards import audit as audit_card
from app.cards.spec import CardSpec
from app.declarations import checks, orders
from app.declarations.choices import (
    ACTION_KIND,
    ACTION_ORIGIN,
    AUDIT_KIND,
    AUDIT_PROGRAMME_STATUS,
    EFFECTIVENESS,
    FINDING_KIND,
    FINDING_STATUS,
    STANDARD,
)
from app.models import Action, Audit, AuditProgramme, Finding
from app.registry import Artefact, ChildSection, register
from app.registry.artefact import CodeFormat
from app.security.roles import AGENT, AUDITOR, QUALITY, SERVICE_HEAD
from app.security.scope import ByColumn, ByMany, Unscoped
from app.states import ACTION_STATES, AUDIT_STATES

AUDITS = "audits"
LABEL = _l("Audits et actions")

register(
    Artefact(
        code_name="audit_programme",
        model=AuditProgramme,
        label=_l("Programme d'audit"),
        label_plural=_l("Programmes d'audit"),
        category=AUDITS,
        category_label=LABEL,
        list_columns=("year", "title", "status"),
        search_columns=("year", "title", "status"),
        order_by=("year", "desc"),
        scope=Unscoped(),
        choices={"status": AUDIT_PROGRAMME_STATUS},
        label_columns={"objectives": _l("Objectifs du programme")},
        icon="fa-calendar",
    )
)

register(
    Artefact(
        code_name="audit",
        model=Audit,
        label=_l("Audit"),
        label_plural=_l("Audits"),
        category=AUDITS,
        category_label=LABEL,
        list_columns=("code", "title", "kind", "planned_date", "lead_auditor", "state"),
        search_columns=(
            "code",
            "title",
            "kind",
            "standard",
            "state",
            "programme",
            "lead_auditor",
            "services",
        ),
        edit_columns=(
            "programme",
            "code",
            "title",
            "kind",
            "standard",
            "services",
            "processes",
            "lead_auditor",
            "auditors",
            "auditees",
            "planned_date",
            "start_date",
            "end_date",
            "objectives",
            "conclusion",
            "no_finding",
        ),
        order_by=orders.audits,
        scope=ByMany("services"),
        writers=frozenset({QUALITY, AUDITOR}),
        readonly_columns=("state",),
        choices={"kind": AUDIT_KIND, "standard": STANDARD, "state": AUDIT_STATES},
        checks=(checks.audit,),
        label_columns={
            "programme": _l("Programme d'audit"),
            "services": _l("Services audités"),
            "processes": _l("Processus audités"),
            "lead_auditor": _l("Responsable d'audit"),
            "auditors": _l("Auditeurs"),
            "auditees": _l("Audités"),
            "planned_date": _l("Date prévue"),
            "start_date": _l("Début"),
            "end_date": _l("Fin"),
            "objectives": _l("Objectifs et périmètre"),
            "conclusion": _l("Conclusion"),
            "no_finding": _l("Aucun constat"),
            "findings": _l("Constats"),
        },
        description_columns={
            "no_finding": _l("Cochez pour émettre un rapport sans aucun constat."),
        },
        icon="fa-search",
        children=(
            ChildSection(
                child="finding",
                parent="audit",
                label=_l("Constats"),
                columns=("kind", "clause", "description", "service", "status"),
                order_by=(("id", "asc"),),
                empty=_l("Aucun constat enregistré pour l'instant."),
            ),
        ),
        # AUD-2026-03: numbered by Vigie in the year the audit is planned
        code_format=CodeFormat("AUD", digits=2, year_from="planned_date"),
        card=CardSpec(
            label=_l("Fiche d'audit"),
            file_word="audit",
            heading=audit_card.heading,
            gather=audit_card.gather,
            eager=audit_card.eager,
        ),
    )
)

register(
    Artefact(
        code_name="finding",
        model=Finding,
        label=_l("Constat"),
        label_plural=_l("Constats"),
        category=AUDITS,
        category_label=LABEL,
        list_columns=("audit", "kind", "clause", "service", "status"),
        search_columns=("audit", "kind", "clause", "service", "linked_process", "status"),
        order_by=orders.findings,
        scope=ByColumn("service_id", "service"),
        writers=frozenset({QUALITY, AUDITOR}),
        choices={"kind": FINDING_KIND, "status": FINDING_STATUS},
        label_columns={
            "kind": _l("Nature du constat"),
            "clause": _l("Exigence"),
            "evidence": _l("Preuves"),
            "actions": _l("Actions"),
        },
        description_columns={"clause": _l("Norme et chapitre, par exemple 9001:8.5.1.")},
        icon="fa-flag-o",
        children=(
            ChildSection(
                child="action",
                parent="finding",
                label=_l("Actions ouvertes sur ce constat"),
                columns=("code", "title", "service", "owner", "due_date", "state"),
                order_by=(("due_date", "asc"), ("id", "asc")),
                empty=_l("Aucune action pour l'instant."),
            ),
        ),
    )
)

register(
    Artefact(
        code_name="action",
        model=Action,
        label=_l("Action"),
        label_plural=_l("Plan d'actions"),
        category=AUDITS,
        category_label=LABEL,
        list_columns=("code", "title", "service", "owner", "due_date", "progress", "state", "late"),
        search_columns=("code", "title", "service", "owner", "origin", "kind", "state", "due_date"),
        edit_columns=(
            "code",
            "title",
            "description",
            "origin",
            "kind",
            "service",
            "owner",
            "opened_on",
            "due_date",
            "progress",
            "finding",
            "risk",
            "management_review",
            "revision",
            "survey",
        ),
        show_columns=(
            "code",
            "title",
            "description",
            "origin",
            "kind",
            "service",
            "owner",
            "opened_on",
            "due_date",
            "progress",
            "state",
            "late",
            "completed_on",
            "days_to_close",
            "effectiveness",
            "effectiveness_checked_by",
            "effectiveness_checked_at",
            "finding",
            "risk",
            "management_review",
            "revision",
            "survey",
            "version",
            "archived",
            "created_at",
            "updated_at",
        ),
        order_by=orders.actions,
        scope=ByColumn("service_id", "service"),
        writers=frozenset({QUALITY, SERVICE_HEAD, AGENT}),
        readonly_columns=(
            "state",
            "completed_on",
            "days_to_close",
            "effectiveness",
            "effectiveness_checked_by",
            "effectiveness_checked_at",
        ),
        choices={
            "origin": ACTION_ORIGIN,
            "kind": ACTION_KIND,
            "effectiveness": EFFECTIVENESS,
            "state": ACTION_STATES,
        },
        checks=(checks.action,),
        label_columns={
            "origin": _l("Origine"),
            "kind": _l("Nature de l'action"),
            "owner": _l("Pilote de l'action"),
            "opened_on": _l("Ouverte le"),
            "progress": _l("Avancement (%)"),
            "completed_on": _l("Réalisée le"),
            "days_to_close": _l("Délai de réalisation (jours)"),
            "effectiveness": _l("Efficacité"),
            "effectiveness_checked_by": _l("Efficacité vérifiée par"),
            "effectiveness_checked_at": _l("Efficacité vérifiée le"),
            "finding": _l("Constat d'origine"),
            "risk": _l("Risque d'origine"),
            "management_review": _l("Revue de direction d'origine"),
            "revision": _l("Révision d'origine"),
            "survey": _l("Enquête d'origine"),
        },
        description_columns={
            "finding": _l("Pour une action issue d'un audit."),
        },
        icon="fa-tasks",
        # ACT-2026-00032: numbered by Vigie in the year the action was opened
        code_format=CodeFormat("ACT", digits=5, year_from="opened_on"),
    )
)
