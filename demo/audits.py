"""Two audit programmes (last year's, done; this year's, under way) with their audits and
findings, in every state of the audit workflow.

Closed audits follow the workflow's guard: every non-conformity (``nc_*``) of a closed audit
has at least one action. Audits whose report is issued may still have non-conformities
waiting for theirs — that is why they are not closed yet. Issued and closed audits carry
their report as a small PDF.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from app import files
from app.extensions import db
from app.models import Audit, AuditProgramme, Finding, Process, VigieUser
from demo import files as demo_files
from demo.actions import ActionSpec, ActionWriter
from demo.context import DemoContext
from demo.quality_texts import FINDINGS, FindingDef
from demo.town import TOWN_NAME

_KIND_LABEL = {
    "interne": "Audit interne",
    "externe": "Audit externe",
    "certification": "Audit de certification",
    "suivi": "Audit de suivi",
}


@dataclass(frozen=True)
class AuditDef:
    """``when``: days from today (negative: past); ``year_offset`` 0 or -1 picks the
    programme. ``cert`` tags the audit a certification links to."""

    year_offset: int
    kind: str
    standard: str
    services: tuple[str, ...]
    processes: tuple[str, ...]
    when: int
    state: str
    cert: str = ""
    no_finding: bool = False
    forced: tuple[str, ...] = ()


AUDITS: tuple[AuditDef, ...] = (
    AuditDef(-1, "interne", "ISO 9001:2015", ("ACCUEIL",), ("ACC-P01", "ACC-P03"), -620, "clos"),
    AuditDef(-1, "interne", "ISO 9001:2015", ("ETATCIVIL",), ("ETC-P01",), -590, "clos"),
    AuditDef(-1, "interne", "ISO 14001:2015", ("ESPVERTS",), ("ESV-P01", "ESV-P03"), -560, "clos"),
    AuditDef(-1, "interne", "ISO 9001:2015", ("SCOLAIRE",), ("SCO-P02",), -530, "clos"),
    AuditDef(
        -1,
        "suivi",
        "ISO 9001:2015",
        ("QUALITE", "ACCUEIL", "CCAS"),
        ("QUA-P01", "CCA-P01"),
        -500,
        "clos",
        cert="AUD-9001-P",
    ),
    AuditDef(-1, "interne", "ISO 9001:2015", ("PETITEENF",), ("PEN-P02",), -480, "annule"),
    AuditDef(-1, "interne", "ISO 9001:2015", ("FINANCES",), ("FIN-P02",), -450, "clos"),
    AuditDef(
        -1,
        "suivi",
        "ISO 9001:2015",
        ("POLICE", "COMMUNIC"),
        ("POL-P03", "COM-P01"),
        -420,
        "clos",
        cert="AUD-SGS",
        forced=("nc_majeure",),
    ),
    AuditDef(-1, "interne", "ISO 9001:2015", ("RH",), ("RHU-P03",), -400, "clos"),
    AuditDef(-1, "interne", "ISO 14001:2015", ("BATIMENTS",), ("BAT-P02",), -380, "clos"),
    AuditDef(0, "interne", "ISO 9001:2015", ("CCAS",), ("CCA-P01",), -290, "clos"),
    AuditDef(0, "interne", "ISO 9001:2015", ("URBANISME",), ("URB-P01",), -250, "clos"),
    AuditDef(
        0, "interne", "ISO 9001:2015", ("CULTURE",), ("CUL-P01",), -220, "clos", no_finding=True
    ),
    AuditDef(
        0,
        "interne",
        "ISO 14001:2015",
        ("VOIRIE",),
        ("VOI-P01", "VOI-P04"),
        -190,
        "clos",
        forced=("nc_mineure",),
    ),
    AuditDef(0, "externe", "ISO 9001:2015", ("ACCUEIL",), ("ACC-P02",), -160, "annule"),
    AuditDef(
        0,
        "certification",
        "ISO 14001:2015",
        ("VOIRIE", "ESPVERTS", "BATIMENTS", "SPORTS"),
        ("BAT-P02", "ESV-P03"),
        -75,
        "clos",
        cert="AUD-14001",
    ),
    AuditDef(
        0,
        "interne",
        "ISO 9001:2015",
        ("SPORTS",),
        ("SPO-P03",),
        -45,
        "rapport_emis",
        forced=("nc_mineure",),
    ),
    AuditDef(
        0,
        "suivi",
        "ISO 9001:2015",
        ("QUALITE", "ETATCIVIL", "SCOLAIRE"),
        ("QUA-P02", "SCO-P03"),
        -30,
        "rapport_emis",
        cert="AUD-9001",
    ),
    AuditDef(
        0,
        "interne",
        "ISO 9001:2015",
        ("DSI",),
        ("DSI-P01",),
        -21,
        "rapport_emis",
        forced=("nc_majeure",),
    ),
    AuditDef(0, "interne", "ISO 9001:2015", ("COMMANDE",), ("ACH-P01",), -4, "en_cours"),
    AuditDef(0, "interne", "ISO 14001:2015", ("ESPVERTS",), ("ESV-P05",), -2, "en_cours"),
    AuditDef(0, "interne", "ISO 9001:2015", ("ETATCIVIL",), ("ETC-P02",), 14, "planifie"),
    AuditDef(0, "interne", "ISO 9001:2015", ("JURIDIQUE",), ("JUR-P01",), 23, "planifie"),
)

_LEADS = ("auditeur", "auditeur2", "qualite")


def build_audits(ctx: DemoContext, actions: ActionWriter) -> dict[str, Audit]:
    """Programmes, audits and findings; queues the findings' actions. Returns audits by cert
    tag (the audits certifications link to)."""
    rng = ctx.rng("audits")
    year = ctx.today.year
    programmes = {
        -1: AuditProgramme(
            year=year - 1,
            title=f"Programme d'audits {year - 1}",
            status="realise",
            objectives="Auditer chaque processus certifié au moins une fois "
            "en trois ans ; préparer l'audit de suivi ISO 9001.",
        ),
        0: AuditProgramme(
            year=year,
            title=f"Programme d'audits {year}",
            status="valide",
            objectives="Préparer le renouvellement ISO 14001 et auditer les "
            "processus non vus depuis deux ans.",
        ),
    }
    db.session.add_all(programmes.values())
    db.session.flush()
    ctx.history.objects("audit_programme", programmes.values())

    chosen = [_choose_findings(rng, spec) for spec in AUDITS]
    audits: list[Audit] = []
    tagged: dict[str, Audit] = {}
    numbers = {-1: 0, 0: 0}
    for index, (spec, definitions) in enumerate(zip(AUDITS, chosen, strict=True)):
        numbers[spec.year_offset] += 1
        audit = _audit(
            ctx, spec, programmes[spec.year_offset], numbers[spec.year_offset], index, definitions
        )
        audits.append(audit)
        if spec.cert:
            tagged[spec.cert] = audit
    db.session.add_all(audits)
    db.session.flush()
    ctx.history.objects("audit", audits)
    ctx.counts["programmes d'audit"] = len(programmes)
    ctx.counts["audits"] = len(audits)

    findings = _findings(ctx, rng, audits, chosen)
    db.session.add_all([f for f, _ in findings])
    db.session.flush()
    ctx.history.objects("finding", [f for f, _ in findings])
    ctx.counts["constats"] = len(findings)
    _queue_actions(ctx, rng, findings, actions)
    _attach_reports(ctx, audits, chosen)
    return tagged


def _choose_findings(rng: random.Random, spec: AuditDef) -> list[FindingDef]:
    """The findings an audit in this state has produced so far (none before it starts)."""
    if spec.state not in ("en_cours", "rapport_emis", "clos") or spec.no_finding:
        return []
    norm = "14001" if "14001" in spec.standard else "9001"
    pool = [f for f in FINDINGS if f.clause.startswith(norm)]
    count = 1 if spec.state == "en_cours" else rng.randint(2, 5)
    chosen = [next(f for f in pool if f.kind == kind) for kind in spec.forced]
    chosen += rng.sample(
        [f for f in pool if f not in chosen], k=min(count, len(pool) - len(chosen))
    )
    return chosen


def _audit(
    ctx: DemoContext,
    spec: AuditDef,
    programme: AuditProgramme,
    number: int,
    index: int,
    definitions: list[FindingDef],
) -> Audit:
    planned = ctx.today + timedelta(days=spec.when)
    started = planned if spec.state in ("en_cours", "rapport_emis", "clos") else None
    ended = (
        planned + timedelta(days=len(spec.services))
        if spec.state in ("rapport_emis", "clos")
        else None
    )
    lead = ctx.users[_LEADS[index % len(_LEADS)]]
    others = [ctx.users[n] for n in _LEADS[:2] if ctx.users[n].id != lead.id]
    auditees: list[VigieUser] = []
    for code in spec.services:
        for member in ctx.members(code)[:2]:
            if member not in auditees:
                auditees.append(member)
    processes: list[Process] = [ctx.processes[c] for c in spec.processes]
    scope = ", ".join(p.name[0].lower() + p.name[1:] for p in processes)
    norm = spec.standard.split(":")[0]
    title = f"{_KIND_LABEL[spec.kind]} {norm} — {processes[0].name}"
    if spec.kind in ("suivi", "certification"):
        title = f"{_KIND_LABEL[spec.kind]} {norm} par l'organisme certificateur"
    conclusion = None
    if spec.no_finding and spec.state in ("rapport_emis", "clos"):
        conclusion = "Aucun écart relevé ; processus maîtrisé et documenté."
    elif spec.state in ("rapport_emis", "clos"):
        conclusion = _conclusion(definitions)
    return Audit(
        programme=programme,
        code=f"AUD-{programme.year}-{number:02d}",
        title=title,
        kind=spec.kind,
        standard=spec.standard,
        services=[ctx.services[c] for c in spec.services],
        processes=processes,
        lead_auditor=lead,
        auditors=others,
        auditees=auditees,
        planned_date=planned,
        start_date=started,
        end_date=ended,
        objectives=f"Vérifier la conformité à la norme {spec.standard} et l'efficacité des "
        f"processus : {scope}.",
        conclusion=conclusion,
        no_finding=spec.no_finding,
        state=spec.state,
    )


def _findings(
    ctx: DemoContext, rng: random.Random, audits: list[Audit], chosen: list[list[FindingDef]]
) -> list[tuple[Finding, FindingDef]]:
    out: list[tuple[Finding, FindingDef]] = []
    for audit, spec, definitions in zip(audits, AUDITS, chosen, strict=True):
        for definition in definitions:
            service = ctx.services[rng.choice(spec.services)]
            process = next((p for p in audit.processes if p.service is service), None)
            out.append(
                (
                    Finding(
                        audit=audit,
                        kind=definition.kind,
                        clause=definition.clause,
                        description=definition.description,
                        evidence=definition.evidence or None,
                        service=service,
                        linked_process=process,
                        status=_finding_status(rng, spec.state, definition.kind),
                    ),
                    definition,
                )
            )
    return out


def _finding_status(rng: random.Random, audit_state: str, kind: str) -> str:
    if audit_state == "clos":
        return rng.choice(("clos", "traite")) if kind.startswith("nc_") else "clos"
    if audit_state == "rapport_emis":
        return rng.choice(("ouvert", "traite"))
    return "ouvert"


def _conclusion(findings: list[FindingDef]) -> str:
    ncs = sum(1 for f in findings if f.kind.startswith("nc_"))
    strong = sum(1 for f in findings if f.kind == "point_fort")
    verdict = (
        "Système globalement maîtrisé"
        if not any(f.kind == "nc_majeure" for f in findings)
        else "Écart majeur à traiter avant le prochain audit"
    )
    return (
        f"{verdict} : {ncs} non-conformité(s), {len(findings) - ncs - strong} remarque(s) "
        f"et {strong} point(s) fort(s)."
    )


def _queue_actions(
    ctx: DemoContext,
    rng: random.Random,
    findings: list[tuple[Finding, FindingDef]],
    actions: ActionWriter,
) -> None:
    """Every nc of a closed audit gets an action; other findings sometimes do."""
    for finding, definition in findings:
        audit = finding.audit
        is_nc = finding.kind.startswith("nc_")
        if audit.state == "clos":
            wanted = is_nc or (
                finding.kind in ("observation", "piste_progres") and rng.random() < 0.5
            )
        elif audit.state == "rapport_emis":
            wanted = (is_nc or finding.kind == "observation") and rng.random() < 0.5
        else:
            wanted = False
        if not wanted or not definition.action:
            continue
        opened = (audit.end_date or ctx.today) + timedelta(days=rng.randint(3, 15))
        state = _finding_action_state(rng, audit.state, finding.status, opened, ctx.today)
        actions.add(
            ActionSpec(
                definition.action,
                "audit",
                "corrective"
                if is_nc
                else "preventive"
                if finding.kind == "observation"
                else "amelioration",
                finding.service.code,
                opened,
                state=state,
                finding=finding,
            )
        )


def _finding_action_state(
    rng: random.Random, audit_state: str, finding_status: str, opened: date, today: date
) -> str | None:
    if audit_state == "clos" and finding_status == "clos":
        return "verifiee"
    if audit_state == "clos":
        return rng.choice(("realisee", "en_cours")) if (today - opened).days < 300 else "realisee"
    return rng.choice(("a_faire", "en_cours"))


def _attach_reports(ctx: DemoContext, audits: list[Audit], chosen: list[list[FindingDef]]) -> None:
    """Issued and closed audits carry their report (a one-page PDF)."""
    for audit, definitions in zip(audits, chosen, strict=True):
        if audit.state not in ("rapport_emis", "clos"):
            continue
        lines = [
            f"{TOWN_NAME} — rapport d'audit {audit.code}",
            f"Norme : {audit.standard} — type : {_KIND_LABEL[audit.kind].lower()}",
            f"Dates : du {audit.start_date:%d/%m/%Y} au {audit.end_date:%d/%m/%Y}",
            f"Services audités : {', '.join(s.name for s in audit.services)}",
            f"Conclusion : {audit.conclusion or ''}",
            "",
            *[f"- {f.kind} ({f.clause}) : {f.description}" for f in definitions],
        ]
        stored = files.store(f"Rapport_{audit.code}.pdf", demo_files.pdf(audit.title, lines))
        for column, value in stored.columns().items():
            setattr(audit, column, value)
        ctx.counts["fichiers"] += 1
    db.session.flush()
