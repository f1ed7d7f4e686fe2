"""The process card (*fiche d'identité processus*): identity, interfaces, indicators with
their latest status, risks and documents — each related list one scoped query."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from app.cards.links import Links
from app.indicators import latest as readings
from app.models import Document, Indicator, Process, Risk
from app.models.quality import process_interface
from app.reading import readable, related
from app.security.actor import Actor


def heading(item: Process) -> str:
    return f"{item.code} — {item.name}"


def eager() -> tuple[Any, ...]:
    """The process's own relations the card shows (loaded in one query)."""
    return (joinedload(Process.service), joinedload(Process.pilot))


def gather(item: Process, actor: Actor, links: Links) -> dict[str, Any]:
    """Fiche d'identité processus: identity, interfaces, indicators, risks, documents."""
    linked = select(process_interface.c.other_process_id).where(
        process_interface.c.process_id == item.id
    )
    linking = select(process_interface.c.process_id).where(
        process_interface.c.other_process_id == item.id
    )
    interfaces = related(
        "process",
        actor,
        or_(Process.id.in_(linked), Process.id.in_(linking)),
        options=(joinedload(Process.service), joinedload(Process.pilot)),
        order_by=(Process.code,),
    )
    indicators = related(
        "indicator",
        actor,
        Indicator.process_id == item.id,
        options=(joinedload(Indicator.owner_service),),
        order_by=(Indicator.code,),
    )
    risks = related(
        "risk",
        actor,
        Risk.process_id == item.id,
        options=(joinedload(Risk.owner),),
        order_by=(Risk.criticality.desc(), Risk.id),
    )
    documents = related(
        "document",
        actor,
        Document.process_id == item.id,
        order_by=(Document.code,),
    )
    return {
        "service": readable("service", actor, item.service),
        "interfaces": interfaces,
        "indicators": indicators,
        "readings": readings.latest_readings(indicators),
        "risks": risks,
        "documents": documents,
    }
