"""Controlled documents with their versions and files, risks with impact assessments, and
the ISO certifications.

Documents are spread over every state of their workflow, and their versions agree with it: a
published document's last version is ``publiee`` and the earlier ones ``obsolete``; a document
being revised (draft, in review, approved) may still have its previous version published; an
obsolete document has only obsolete versions. Every version carries a small real file (PDF,
ODT or DOCX from :mod:`demo.files`) stored through ``app.files.store``, except a few
drafts written as plain text.

Risks are ORM rows: the ``before_flush`` hook stores their criticality.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from app import files
from app.extensions import db
from app.models import (
    Audit,
    Certification,
    Document,
    DocumentVersion,
    ImpactAssessment,
    Risk,
    VigieUser,
)
from demo import files as demo_files
from demo.actions import ActionSpec, ActionWriter
from demo.catalogue import CATALOGUE
from demo.context import DemoContext
from demo.quality_texts import (
    CERTIFYING_BODIES,
    RISKS,
    SERVICE_DOCUMENTS,
    TRANSVERSE_DOCUMENTS,
)
from demo.town import SERVICE_NAMES, TOWN_NAME

_DOCUMENT_STATES = (
    ("publie", 0.56),
    ("brouillon", 0.1),
    ("en_relecture", 0.1),
    ("approuve", 0.1),
    ("obsolete", 0.14),
)
_KIND_PREFIX = {
    "procedure": "PRO",
    "mode_operatoire": "MOP",
    "formulaire": "FOR",
    "engagement_service": "ENG",
    "regle_gouvernance": "REG",
    "manuel": "MAN",
}
_KIND_LABEL = {
    "procedure": "Procédure",
    "mode_operatoire": "Mode opératoire",
    "formulaire": "Formulaire",
    "engagement_service": "Engagement de service",
    "regle_gouvernance": "Règle de gouvernance",
    "manuel": "Manuel",
}
_CHANGES = (
    "Mise à jour à la suite de l'audit interne.",
    "Prise en compte d'une évolution réglementaire.",
    "Simplification du circuit de validation.",
    "Intégration des remarques des agents.",
    "Changement d'outil métier.",
    "Précision des responsabilités et des délais.",
)
_STATUS_LABEL = {"brouillon": "Brouillon", "publiee": "Publiée", "obsolete": "Obsolète"}
_IMPACT_COMMENTS = {
    "partners": "Relations avec les partenaires et prestataires fragilisées.",
    "users": "Usagers privés du service ou mal servis pendant l'incident.",
    "citizens": "Image de la collectivité et confiance des habitants atteintes.",
    "staff": "Charge de travail et exposition des agents accrues.",
    "environment": "Effet sur les consommations, les déchets ou les milieux naturels.",
}


# ---------------------------------------------------------------------------- documents
def build_documents(ctx: DemoContext) -> None:
    rng = ctx.rng("documents")
    entries = list(_document_entries(ctx, rng))
    documents: list[Document] = []
    plans: list[tuple[Document, list[dict[str, Any]]]] = []
    for code, kind, title, ext, service, process, owner, approver in entries:
        state = rng.choices([s for s, _ in _DOCUMENT_STATES], [w for _, w in _DOCUMENT_STATES])[0]
        versions = _version_plan(ctx, rng, state, owner, approver)
        last_approval = max((v["approved_at"] for v in versions if v["approved_at"]), default=None)
        review_due = (last_approval.date() + timedelta(days=3 * 365)) if last_approval else None
        document = Document(
            code=code,
            title=title,
            kind=kind,
            service=service,
            linked_process=process,
            owner=owner,
            approver=approver,
            review_due=review_due,
            state=state,
        )
        for version in versions:
            version["ext"] = version.get("ext") or ext
        documents.append(document)
        plans.append((document, versions))
    db.session.add_all(documents)
    db.session.flush()
    ctx.history.objects("document", documents)

    rows: list[DocumentVersion] = []
    for document, versions in plans:
        for number, version in enumerate(versions, start=1):
            rows.append(_version(ctx, document, number, version))
    db.session.add_all(rows)
    db.session.flush()
    ctx.history.objects("document_version", rows)
    ctx.counts["documents"] = len(documents)
    ctx.counts["versions de documents"] = len(rows)
    ctx.counts["fichiers"] += sum(1 for v in rows if v.file_key)


def _document_entries(ctx: DemoContext, rng: random.Random) -> Any:
    """(code, kind, title, extension, service, process, owner, approver) of every document."""
    quality, dgs = ctx.users["qualite"], ctx.users["dgs"]
    for entry in CATALOGUE:
        service = ctx.services[entry.service]
        processes = [p for p in ctx.processes.values() if p.service is service]
        owner, approver = _author_and_approver(ctx, entry.service)
        for position, process in enumerate(processes, start=1):
            ext = rng.choices(("pdf", "docx", "odt"), (0.7, 0.15, 0.15))[0]
            yield (
                f"PRO-{entry.prefix}-{position:02d}",
                "procedure",
                process.name,
                ext,
                service,
                process,
                owner,
                approver,
            )
        numbers: dict[str, int] = {}
        for kind, title, ext in SERVICE_DOCUMENTS.get(entry.service, ()):
            numbers[kind] = numbers.get(kind, 0) + 1
            code = f"{_KIND_PREFIX[kind]}-{entry.prefix}-{numbers[kind]:02d}"
            yield (code, kind, title, ext, service, rng.choice(processes), owner, approver)
    for code, kind, title, ext in TRANSVERSE_DOCUMENTS:
        yield code, kind, title, ext, None, None, quality, dgs


def _author_and_approver(ctx: DemoContext, service_code: str) -> tuple[VigieUser, VigieUser]:
    """An agent writes when the service has one, the head approves (never the author)."""
    members = ctx.members(service_code)
    head = members[0]
    if len(members) > 1:
        return members[-1], head
    parent = ctx.services[service_code].parent
    approver = parent.head if parent is not None and parent.head is not None else None
    if approver is None or approver.id == head.id:
        approver = ctx.users["qualite"] if head.username != "qualite" else ctx.users["dgs"]
    return head, approver


def _version_plan(
    ctx: DemoContext, rng: random.Random, state: str, owner: VigieUser, approver: VigieUser
) -> list[dict[str, Any]]:
    """Status and approval of each version, oldest first, consistent with the document."""
    if state == "publie":
        statuses = ["obsolete"] * rng.randint(0, 2) + ["publiee"]
    elif state in ("brouillon", "en_relecture", "approuve"):
        statuses = (["publiee"] if rng.random() < 0.4 else []) + ["brouillon"]
    else:
        statuses = ["obsolete"] * rng.randint(1, 2)
    count = len(statuses)
    first = ctx.days_ago(rng.randint(300, 420) * count)
    plan = []
    for index, status in enumerate(statuses):
        day = min(
            first + timedelta(days=index * rng.randint(280, 420)), ctx.days_ago(rng.randint(5, 60))
        )
        is_last = index == count - 1
        approved = status != "brouillon" or (is_last and state == "approuve")
        text_only = status == "brouillon" and rng.random() < 0.25
        plan.append(
            {
                "status": status,
                "author": owner,
                "approved_by": approver if approved else None,
                "approved_at": ctx.at(day, rng.randint(9, 17)) if approved else None,
                "change_summary": "Création du document." if index == 0 else rng.choice(_CHANGES),
                "text_only": text_only,
                "ext": None,
            }
        )
    return plan


def _version(
    ctx: DemoContext, document: Document, number: int, plan: dict[str, Any]
) -> DocumentVersion:
    lines = _document_lines(document, number, plan["status"], plan["change_summary"])
    version = DocumentVersion(
        document=document,
        number=number,
        change_summary=plan["change_summary"],
        author=plan["author"],
        approved_by=plan["approved_by"],
        approved_at=plan["approved_at"],
        status=plan["status"],
    )
    if plan["text_only"]:
        version.text = "\n".join(lines)
    else:
        ext = plan["ext"]
        data = demo_files.render(ext, f"{document.code} — {document.title}", lines)
        stored = files.store(f"{document.code}_v{number}.{ext}", data)
        for column, value in stored.columns().items():
            setattr(version, column, value)
    return version


def _document_lines(document: Document, number: int, status: str, change: str) -> list[str]:
    service = SERVICE_NAMES.get(document.service.code, "") if document.service else ""
    return [
        f"{TOWN_NAME} — {service or 'document transverse'}",
        f"{_KIND_LABEL[document.kind]} — version {number} ({_STATUS_LABEL[status]})",
        "",
        f"Objet : {document.title}.",
        "Domaine d'application : agents du service et partenaires concernés.",
        "Responsabilités : le rédacteur tient le document à jour, l'approbateur le valide, "
        "la cellule qualité le publie.",
        "Déroulement : 1. recevoir et enregistrer ; 2. analyser ; 3. réaliser ; "
        "4. contrôler ; 5. rendre compte.",
        "Enregistrements : fiches de suivi conservées trois ans.",
        f"Modifications de cette version : {change}",
        "",
        "Document de démonstration généré par Vigie.",
    ]


# -------------------------------------------------------------------------------- risks
def build_risks(ctx: DemoContext) -> list[Risk]:
    rng = ctx.rng("risks")
    risks: list[Risk] = []
    for code, defs in RISKS.items():
        service = ctx.services[code]
        processes = [p for p in ctx.processes.values() if p.service is service]
        for index, spec in enumerate(defs):
            likelihood = rng.choices((1, 2, 3, 4), (0.15, 0.35, 0.35, 0.15))[0]
            severity = rng.choices((1, 2, 3, 4), (0.1, 0.3, 0.35, 0.25))[0]
            status = rng.choices(
                ("identifie", "traite", "accepte", "clos"), (0.25, 0.45, 0.15, 0.15)
            )[0]
            residual_l = residual_s = None
            if status != "identifie":
                residual_l = max(1, likelihood - rng.randint(0, 2))
                residual_s = max(1, severity - rng.randint(0, 1))
            risks.append(
                Risk(
                    service=service,
                    linked_process=processes[index % len(processes)],
                    title=spec.title,
                    cause=spec.cause,
                    consequence=spec.consequence,
                    likelihood=likelihood,
                    severity=severity,
                    controls=spec.controls,
                    residual_likelihood=residual_l,
                    residual_severity=residual_s,
                    owner=ctx.head_of(code),
                    review_date=ctx.today + timedelta(days=rng.randint(-60, 365)),
                    status=status,
                )
            )
    db.session.add_all(risks)
    db.session.flush()
    ctx.history.objects("risk", risks)
    ctx.counts["risques"] = len(risks)
    assessments = [_assessment(ctx, rng, risk=risk) for risk in risks if rng.random() < 0.85]
    db.session.add_all(assessments)
    db.session.flush()
    ctx.history.objects("impact_assessment", assessments)
    ctx.counts["analyses d'impact"] += len(assessments)
    return risks


def _assessment(
    ctx: DemoContext,
    rng: random.Random,
    *,
    risk: Risk | None = None,
    action_id: int | None = None,
    positive: bool = False,
) -> ImpactAssessment:
    scores = {}
    for name in _IMPACT_COMMENTS:
        low, high = (0, 2) if positive else (-2, 0)
        scores[name] = rng.randint(low, high)
    comments = {
        f"{name}_comment": (
            _IMPACT_COMMENTS[name]
            if score and not positive
            else "Effet attendu favorable."
            if score
            else None
        )
        for name, score in scores.items()
    }
    return ImpactAssessment(
        risk=risk,
        action_id=action_id,
        **scores,
        **comments,
        assessed_on=ctx.days_ago(rng.randint(20, 700)),
    )


def build_action_assessments(ctx: DemoContext, action_ids: list[int]) -> None:
    """Impact assessments of a sample of actions (their expected effects are positive)."""
    rng = ctx.rng("action-assessments")
    chosen = rng.sample(action_ids, k=min(30, len(action_ids)))
    assessments = [_assessment(ctx, rng, action_id=i, positive=True) for i in sorted(chosen)]
    db.session.add_all(assessments)
    db.session.flush()
    ctx.history.objects("impact_assessment", assessments)
    ctx.counts["analyses d'impact"] += len(assessments)


# ------------------------------------------------------------------------ certifications
def build_certifications(ctx: DemoContext, audits: dict[str, Audit]) -> None:
    """ISO 9001 and ISO 14001 certificates, past and current cycles, for ~20 services."""
    iso9001 = (
        "DG",
        "QUALITE",
        "ACCUEIL",
        "ETATCIVIL",
        "CCAS",
        "PETITEENF",
        "SCOLAIRE",
        "CULTURE",
        "SPORTS",
        "URBANISME",
        "FINANCES",
        "RH",
        "COMMANDE",
        "JURIDIQUE",
        "DSI",
    )
    iso14001 = ("POLE-TECH", "VOIRIE", "ESPVERTS", "BATIMENTS", "SPORTS")
    three_years = timedelta(days=3 * 365)
    today = ctx.today
    current_9001 = today - timedelta(days=530)
    renewed_14001 = today - timedelta(days=58)
    suspended = today - timedelta(days=800)
    specs: list[tuple[str, str, str, date, str, tuple[str, ...], str | None, str]] = [
        (
            "ISO 9001:2015",
            CERTIFYING_BODIES[0],
            "FR-Q-21-0412",
            current_9001 - three_years,
            "expiree",
            iso9001[:-3],
            None,
            "AUD-9001-P",
        ),
        (
            "ISO 9001:2015",
            CERTIFYING_BODIES[0],
            "FR-Q-24-0412",
            current_9001,
            "valide",
            iso9001,
            "Certificat multisite : services de la relation aux usagers et supports.",
            "AUD-9001",
        ),
        (
            "ISO 14001:2015",
            CERTIFYING_BODIES[1],
            "BV-E-2023-1187",
            renewed_14001 - three_years,
            "expiree",
            iso14001[1:4],
            None,
            "",
        ),
        (
            "ISO 14001:2015",
            CERTIFYING_BODIES[1],
            "BV-E-2026-1187",
            renewed_14001,
            "valide",
            iso14001,
            "Renouvellement étendu au pôle technique et aux équipements sportifs.",
            "AUD-14001",
        ),
        (
            "ISO 9001:2015",
            CERTIFYING_BODIES[2],
            "SGS-FR-0967",
            suspended,
            "suspendue",
            ("POLICE", "COMMUNIC"),
            "Suspendue après la non-conformité majeure de l'audit de suivi ; levée attendue "
            "après l'audit complémentaire.",
            "AUD-SGS",
        ),
    ]
    certifications = []
    for standard, body, number, obtained, status, services, comment, audit_tag in specs:
        linked = [a for tag, a in audits.items() if audit_tag and tag == audit_tag]
        certifications.append(
            Certification(
                standard=standard,
                certifying_body=body,
                certificate_number=number,
                obtained_on=obtained,
                expires_on=obtained + three_years - timedelta(days=1),
                status=status,
                comment=comment,
                services=[ctx.services[c] for c in services],
                audits=linked,
            )
        )
    db.session.add_all(certifications)
    db.session.flush()
    ctx.history.objects("certification", certifications)
    ctx.counts["certifications"] = len(certifications)
    ctx.counts["services certifiés"] = len(
        {s.code for c in certifications if c.status != "expiree" for s in c.services}
    )


def queue_risk_actions(ctx: DemoContext, risks: list[Risk], actions: ActionWriter) -> None:
    """Treated risks, and some just identified, have a preventive action to their controls."""
    rng = ctx.rng("risk-actions")
    for risk in risks:
        if risk.status == "traite" or (risk.status == "identifie" and rng.random() < 0.5):
            controls = risk.controls or ""
            title = f"Mettre en œuvre les moyens de maîtrise : {controls[:1].lower()}{controls[1:]}"
            actions.add(
                ActionSpec(
                    title,
                    "risque",
                    "preventive",
                    risk.service.code,
                    ctx.days_ago(rng.randint(20, 900)),
                    risk=risk,
                )
            )
