"""Quality-system artefacts: processes, documents and versions, risks, impact assessments,
certifications."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.cards import process as process_card
from app.cards import risk as risk_card
from app.cards.spec import CardSpec
from app.declarations import checks, orders
from app.declarations.choices import (
    CERTIFICATION_STATUS,
    DOCUMENT_KIND,
    IMPACT,
    PROCESS_KIND,
    RISK_STATUS,
    SCALE_1_4,
    STANDARD,
    VERSION_STATUS,
)
from app.models import (
    Certification,
    Document,
    DocumentVersion,
    ImpactAssessment,
    Process,
    Risk,
)
from app.registry import Artefact, ChildSection, register
from app.security.roles import QUALITY, SERVICE_HEAD
from app.security.scope import (
    ByColumn,
    ByMany,
    ByPath,
    FirstOf,
    PublishedOrByColumn,
    SharedOnceReleased,
)
from app.states import DOCUMENT_STATES

QUALITY_SYSTEM = "quality"
LABEL = _l("Système qualité")
HEAD_AND_QUALITY = frozenset({QUALITY, SERVICE_HEAD})

register(
    Artefact(
        code_name="process",
        model=Process,
        label=_l("Processus"),
        label_plural=_l("Processus"),
        category=QUALITY_SYSTEM,
        category_label=LABEL,
        list_columns=("code", "name", "service", "kind", "pilot"),
        search_columns=("code", "name", "service", "kind", "pilot"),
        order_by=("code", "asc"),
        scope=ByColumn("service_id", "service"),
        writers=HEAD_AND_QUALITY,
        choices={"kind": PROCESS_KIND},
        label_columns={
            "kind": _l("Type de processus"),
            "pilot": _l("Pilote"),
            "beneficiaries": _l("Bénéficiaires"),
            "inputs": _l("Données d'entrée"),
            "outputs": _l("Données de sortie"),
            "activities": _l("Activités"),
            "resources": _l("Ressources"),
            "requirements": _l("Exigences réglementaires et normatives"),
            "interfaces": _l("Interfaces avec d'autres processus"),
        },
        description_columns={
            "code": _l("Code unique, par exemple VOI-P01."),
            "purpose": _l("Pourquoi ce processus existe, pour qui."),
        },
        icon="fa-cogs",
        card=CardSpec(
            label=_l("Fiche d'identité processus"),
            file_word="processus",
            heading=process_card.heading,
            gather=process_card.gather,
            eager=process_card.eager,
        ),
    )
)

register(
    Artefact(
        code_name="document",
        model=Document,
        label=_l("Document"),
        label_plural=_l("Documents"),
        category=QUALITY_SYSTEM,
        category_label=LABEL,
        list_columns=("code", "title", "kind", "service", "review_due", "state"),
        search_columns=("code", "title", "kind", "service", "linked_process", "state", "approver"),
        order_by=("code", "asc"),
        scope=PublishedOrByColumn(),
        writers=HEAD_AND_QUALITY,
        readonly_columns=("state",),
        choices={"kind": DOCUMENT_KIND, "state": DOCUMENT_STATES},
        label_columns={
            "kind": _l("Nature"),
            "owner": _l("Rédacteur"),
            "approver": _l("Approbateur"),
            "review_due": _l("Prochaine revue"),
            "current_version": _l("Version en vigueur"),
        },
        description_columns={
            "code": _l("Nature, service et numéro, par exemple PRO-VOI-01."),
            "service": _l("Vide pour un document transverse (manuel qualité, règles)."),
            "approver": _l("Ne peut pas être le rédacteur (principe des quatre yeux)."),
        },
        icon="fa-file-text-o",
        # the version in force first, then the newest; drafts only for those who read them
        children=(
            ChildSection(
                child="document_version",
                parent="document",
                label=_l("Versions"),
                columns=("number", "status", "author", "approved_at", "change_summary"),
                order_by=(("number", "desc"), ("id", "desc")),
                first=("status", "publiee"),
                date_only=frozenset({"approved_at"}),
                empty=_l("Aucune version pour l'instant."),
                lead_download=_l("Télécharger la version en vigueur"),
            ),
        ),
    )
)

register(
    Artefact(
        code_name="document_version",
        model=DocumentVersion,
        label=_l("Version de document"),
        label_plural=_l("Versions de documents"),
        category=QUALITY_SYSTEM,
        category_label=LABEL,
        list_columns=("document", "number", "status", "file_name", "author", "approved_at"),
        search_columns=("document", "status", "author"),
        edit_columns=("document", "number", "text", "change_summary", "author"),
        # a procedure's whole text may run to tens of pages
        max_lengths={"text": 200_000},
        show_columns=(
            "document",
            "number",
            "status",
            "file_name",
            "file_type",
            "file_size",
            "file_sha256",
            "text",
            "change_summary",
            "author",
            "approved_by",
            "approved_at",
            "version",
            "archived",
            "created_at",
            "updated_at",
        ),
        order_by=("id", "desc"),
        # the published version (and obsolete ones) is read with its document; drafts stay
        # with the document's service, its approver and the quality cell
        scope=SharedOnceReleased("document"),
        writers=HEAD_AND_QUALITY,
        readonly_columns=(
            "status",
            "approved_by",
            "approved_at",
            "file_name",
            "file_type",
            "file_size",
            "file_sha256",
        ),
        choices={"status": VERSION_STATUS},
        label_columns={
            "text": _l("Texte (si pas de fichier)"),
            "change_summary": _l("Résumé des modifications"),
            "author": _l("Auteur"),
            "approved_by": _l("Approuvée par"),
            "approved_at": _l("Approuvée le"),
            "status": _l("Statut de la version"),
        },
        icon="fa-files-o",
    )
)

register(
    Artefact(
        code_name="risk",
        model=Risk,
        label=_l("Risque"),
        label_plural=_l("Risques"),
        category=QUALITY_SYSTEM,
        category_label=LABEL,
        list_columns=(
            "title",
            "service",
            "linked_process",
            "criticality",
            "residual_criticality",
            "status",
            "review_date",
        ),
        search_columns=("title", "service", "linked_process", "status", "criticality", "owner"),
        edit_columns=(
            "service",
            "linked_process",
            "title",
            "cause",
            "consequence",
            "likelihood",
            "severity",
            "controls",
            "residual_likelihood",
            "residual_severity",
            "owner",
            "review_date",
            "status",
        ),
        order_by=orders.risks,
        scope=ByColumn("service_id", "service"),
        writers=HEAD_AND_QUALITY,
        readonly_columns=("criticality", "residual_criticality"),
        choices={
            "likelihood": SCALE_1_4,
            "severity": SCALE_1_4,
            "residual_likelihood": SCALE_1_4,
            "residual_severity": SCALE_1_4,
            "status": RISK_STATUS,
        },
        checks=(checks.risk,),
        label_columns={
            "cause": _l("Causes"),
            "consequence": _l("Conséquences"),
            "likelihood": _l("Probabilité"),
            "severity": _l("Gravité"),
            "criticality": _l("Criticité brute"),
            "controls": _l("Moyens de maîtrise"),
            "residual_likelihood": _l("Probabilité résiduelle"),
            "residual_severity": _l("Gravité résiduelle"),
            "residual_criticality": _l("Criticité résiduelle"),
            "review_date": _l("Prochaine revue"),
        },
        description_columns={
            "likelihood": _l("De 1 (rare) à 4 (quasi certain)."),
            "severity": _l("De 1 (mineure) à 4 (critique)."),
            "residual_likelihood": _l("Après les moyens de maîtrise."),
        },
        icon="fa-exclamation-triangle",
        card=CardSpec(
            label=_l("Fiche de maîtrise des risques"),
            file_word="risque",
            heading=risk_card.heading,
            gather=risk_card.gather,
            eager=risk_card.eager,
        ),
    )
)

_IMPACT_LABELS = {
    "partners": _l("Partenaires"),
    "users": _l("Usagers"),
    "citizens": _l("Administrés"),
    "staff": _l("Agents"),
    "environment": _l("Environnement"),
}

register(
    Artefact(
        code_name="impact_assessment",
        model=ImpactAssessment,
        label=_l("Analyse d'impact"),
        label_plural=_l("Analyses d'impact"),
        category=QUALITY_SYSTEM,
        category_label=LABEL,
        list_columns=(
            "id",
            "risk",
            "action",
            "partners",
            "users",
            "citizens",
            "staff",
            "environment",
        ),
        search_columns=("risk", "action"),
        order_by=("id", "desc"),
        scope=FirstOf(ByPath("risk"), ByPath("action")),
        writers=HEAD_AND_QUALITY,
        choices={name: IMPACT for name in _IMPACT_LABELS},
        checks=(checks.impact_assessment,),
        label_columns={
            **_IMPACT_LABELS,
            **{
                f"{name}_comment": _l("Commentaire — %(who)s", who=label)
                for name, label in _IMPACT_LABELS.items()
            },
            "assessed_on": _l("Date de l'analyse"),
        },
        description_columns={
            "risk": _l("Le risque analysé — ou laissez vide et choisissez une action."),
        },
        icon="fa-users",
    )
)

register(
    Artefact(
        code_name="certification",
        model=Certification,
        label=_l("Certification"),
        label_plural=_l("Certifications"),
        category=QUALITY_SYSTEM,
        category_label=LABEL,
        list_columns=(
            "standard",
            "certificate_number",
            "certifying_body",
            "obtained_on",
            "expires_on",
            "status",
        ),
        search_columns=("standard", "certificate_number", "certifying_body", "status", "services"),
        order_by=("expires_on", "asc"),
        scope=ByMany("services"),
        choices={"standard": STANDARD, "status": CERTIFICATION_STATUS},
        checks=(checks.certification,),
        label_columns={
            "certifying_body": _l("Organisme certificateur"),
            "certificate_number": _l("N° de certificat"),
            "obtained_on": _l("Obtenue le"),
            "expires_on": _l("Échéance"),
            "services": _l("Services certifiés"),
            "audits": _l("Audits liés"),
        },
        icon="fa-certificate",
    )
)
