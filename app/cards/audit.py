"""The audit card (*fiche d'audit*): identity, findings grouped by kind, each with its
actions; services and processes the reader may not open are counted, not named."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.cards.links import Links
from app.declarations.choices import FINDING_KIND
from app.models import Action, Audit, Finding, Process
from app.reading import readable_all, related
from app.security.actor import Actor


def heading(item: Audit) -> str:
    return f"{item.code} — {item.title}"


def eager() -> tuple[Any, ...]:
    """The audit's own relations the card shows (loaded in one query)."""
    return (
        joinedload(Audit.programme),
        joinedload(Audit.lead_auditor),
        selectinload(Audit.services),
        selectinload(Audit.processes).joinedload(Process.service),
        selectinload(Audit.auditors),
        selectinload(Audit.auditees),
    )


def gather(item: Audit, actor: Actor, links: Links) -> dict[str, Any]:
    """Audit page: identity, findings grouped by kind, each with its actions."""
    findings = related(
        "finding",
        actor,
        Finding.audit_id == item.id,
        options=(joinedload(Finding.service), joinedload(Finding.linked_process)),
        order_by=(Finding.id,),
    )
    actions = related(
        "action",
        actor,
        Action.finding_id.in_(select(Finding.id).where(Finding.audit_id == item.id)),
        options=(joinedload(Action.owner),),
        order_by=(Action.due_date, Action.id),
    )
    by_finding: dict[int, list[Action]] = {}
    for action in actions:
        if action.finding_id is not None:
            by_finding.setdefault(action.finding_id, []).append(action)
    groups = []
    for code, label in FINDING_KIND.values:
        members = [f for f in findings if f.kind == code]
        if members:
            groups.append((code, label, members))
    known = set(FINDING_KIND.codes)
    others = [f for f in findings if f.kind not in known]
    if others:
        groups.append(("autre", _l("Autres constats"), others))
    services = list(item.services)
    processes = list(item.processes)
    shown_services = readable_all("service", actor, services)
    shown_processes = readable_all("process", actor, processes)
    return {
        "services": sorted(shown_services, key=lambda s: s.code),
        "hidden_services": len(services) - len(shown_services),
        "processes": sorted(shown_processes, key=lambda p: p.code),
        "hidden_processes": len(processes) - len(shown_processes),
        "auditors": sorted(item.auditors, key=str),
        "auditees": sorted(item.auditees, key=str),
        "groups": groups,
        "finding_count": len(findings),
        "actions_by_finding": by_finding,
        "late_actions": sum(1 for a in actions if a.late),
    }
