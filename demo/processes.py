"""The demo town's processes (fiches d'identité processus), one ORM row each.

Processes come before service objectives in the load because an objective names the process
it belongs to (``linked_process``): the objective's process is the one whose indicators measure
it in :mod:`demo.catalogue`.
"""

from __future__ import annotations

from app.extensions import db
from app.models import Process
from demo.catalogue import CATALOGUE, SOURCE_APPLICATIONS, ServiceCatalogue, process_code
from demo.context import DemoContext

_INPUTS = {
    "realisation": "Demandes et signalements des usagers, programme annuel d'activité, "
    "budget voté, réglementation applicable",
    "support": "Besoins exprimés par les services, calendrier budgétaire, réglementation, "
    "données des applications métiers",
    "pilotage": "Programme municipal, orientations des élus, résultats des indicateurs, "
    "conclusions des audits et des revues",
}
_OUTPUTS = {
    "realisation": "Prestations rendues aux usagers, réponses écrites, comptes rendus "
    "d'intervention, indicateurs du processus",
    "support": "Moyens mis à disposition des services, actes et pièces produits, tableaux de suivi",
    "pilotage": "Décisions, objectifs et plans d'actions, comptes rendus, tableaux de bord",
}
_APP_NAMES = {app.code: app.name for app in SOURCE_APPLICATIONS}


def build_processes(ctx: DemoContext) -> dict[str, Process]:
    """Every process of the catalogue, with pilot, texts and interfaces; one flush."""
    processes: dict[str, Process] = {}
    for entry in CATALOGUE:
        service = ctx.services[entry.service]
        for position, spec in enumerate(entry.processes, start=1):
            processes[process_code(entry.prefix, position)] = Process(
                service=service,
                code=process_code(entry.prefix, position),
                name=spec.name,
                kind=spec.kind,
                pilot=ctx.head_of(entry.service),
                purpose=spec.purpose,
                beneficiaries=entry.beneficiaries,
                inputs=_INPUTS[spec.kind],
                outputs=_OUTPUTS[spec.kind],
                activities=_activities(spec.name),
                resources=_resources(entry, position),
                requirements=entry.requirements,
                interfaces=[],
            )
    _wire_interfaces(ctx, processes)
    db.session.add_all(processes.values())
    db.session.flush()
    ctx.processes = processes
    ctx.counts["processus"] = len(processes)
    ctx.history.objects("process", processes.values())
    return processes


def _activities(name: str) -> str:
    action = name[0].lower() + name[1:]
    return (
        f"Planifier, réaliser et contrôler l'activité « {action} » ; enregistrer les demandes "
        "et leurs suites ; suivre les indicateurs du processus ; traiter les réclamations, "
        "non-conformités et pistes de progrès."
    )


def _resources(entry: ServiceCatalogue, position: int) -> str:
    spec = entry.processes[position - 1]
    apps = sorted({_APP_NAMES[i.app] for i in spec.indicators if i.app})
    text = "Agents du service, crédits de fonctionnement et d'investissement du service"
    if apps:
        text += " ; applications : " + ", ".join(apps)
    return text + "."


def _wire_interfaces(ctx: DemoContext, processes: dict[str, Process]) -> None:
    """Each operational process depends on one or two support processes of other services."""
    rng = ctx.rng("process-interfaces")
    support = [p for p in processes.values() if p.kind == "support"]
    for process in processes.values():
        if process.kind == "support":
            continue
        others = [p for p in support if p.service is not process.service]
        process.interfaces = rng.sample(others, k=rng.choice((1, 2)))
    # Interfaces everyone in the town would name.
    for left, right in (
        ("VOI-P01", "ESV-P05"),
        ("POL-P03", "ESV-P05"),
        ("SCO-P02", "PEN-P02"),
        ("ACC-P03", "QUA-P04"),
        ("BAT-P02", "SPO-P02"),
    ):
        if processes[right] not in processes[left].interfaces:
            processes[left].interfaces.append(processes[right])
