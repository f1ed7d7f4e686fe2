"""The town's 22 decision dashboards (the seed's *22 tableaux de bord*) and the individual
objectives set in the agents' annual interviews.

A dashboard's audience is given by role codes (FAB roles are named by code) and/or service
codes. A widget shows an indicator (by code), a strategic objective (``"A2.1"``) or the
current service objective of a service (``"objectif:VOIRIE"``) as a KPI card, a trend chart,
a table or a map.
"""

from __future__ import annotations

from flask_appbuilder.security.sqla.models import Role
from sqlalchemy import select

from app.extensions import db
from app.models import Dashboard, DashboardWidget, IndividualObjective
from demo.context import DemoContext
from demo.people import ACCOUNTS_BY_USERNAME
from demo.review_texts import INDIVIDUAL_OBJECTIVES

Widget = tuple[str, str]

DASHBOARDS: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...], tuple[Widget, ...]], ...] = (
    (
        "Tableau de bord du Maire",
        "Les engagements du programme municipal en un coup d'œil.",
        ("official", "executive"),
        (),
        (
            ("kpi", "A1.2"),
            ("kpi", "A2.1"),
            ("kpi", "A3.1"),
            ("trend", "BAT-004"),
            ("trend", "ETC-001"),
            ("kpi", "ACC-004"),
            ("table", "DGS-002"),
            ("map", "ESV-012"),
        ),
    ),
    (
        "Carte stratégique — synthèse de la direction générale",
        "Avancement des axes et des objectifs stratégiques, contribution des services.",
        ("executive",),
        ("DG",),
        (
            ("kpi", "A1.1"),
            ("kpi", "A1.3"),
            ("kpi", "A1.4"),
            ("kpi", "A2.2"),
            ("kpi", "A2.3"),
            ("kpi", "A3.2"),
            ("table", "DGS-001"),
        ),
    ),
    (
        "Pilotage de la qualité et des certifications",
        "Audits, actions et documentation.",
        ("quality",),
        ("QUALITE",),
        (
            ("kpi", "QUA-003"),
            ("kpi", "QUA-004"),
            ("trend", "QUA-007"),
            ("table", "QUA-006"),
            ("kpi", "A3.4"),
        ),
    ),
    (
        "Pilotage de la propreté urbaine",
        "Dépôts sauvages, collecte et satisfaction.",
        ("official",),
        ("ESPVERTS", "POLICE", "VOIRIE"),
        (
            ("map", "POL-007"),
            ("trend", "ESV-011"),
            ("kpi", "ESV-012"),
            ("kpi", "ESV-013"),
            ("table", "POL-008"),
        ),
    ),
    (
        "Voirie et réseaux",
        "Réactivité sur la chaussée, chantiers et éclairage public.",
        (),
        ("VOIRIE",),
        (
            ("kpi", "VOI-001"),
            ("kpi", "VOI-002"),
            ("trend", "VOI-003"),
            ("trend", "VOI-011"),
            ("map", "VOI-003"),
            ("kpi", "objectif:VOIRIE"),
        ),
    ),
    (
        "Patrimoine bâti et énergie",
        "Interventions et consommations des bâtiments.",
        (),
        ("BATIMENTS",),
        (("trend", "BAT-004"), ("kpi", "BAT-006"), ("kpi", "BAT-001"), ("table", "BAT-010")),
    ),
    (
        "Transition énergétique du patrimoine communal",
        "Trajectoire du décret tertiaire, bâtiments, gymnases et éclairage public.",
        ("official", "executive"),
        ("BATIMENTS", "SPORTS", "VOIRIE"),
        (
            ("kpi", "A2.1"),
            ("trend", "BAT-004"),
            ("trend", "SPO-003"),
            ("trend", "VOI-011"),
            ("kpi", "BAT-007"),
            ("table", "TEC-004"),
        ),
    ),
    (
        "Espaces verts et biodiversité",
        "Plantations, zéro phyto et arrosage.",
        (),
        ("ESPVERTS",),
        (
            ("kpi", "ESV-004"),
            ("kpi", "ESV-001"),
            ("trend", "ESV-007"),
            ("map", "ESV-009"),
            ("kpi", "A2.2"),
        ),
    ),
    (
        "Urbanisme et droit des sols",
        "Dépôts, délais d'instruction, contrôles.",
        (),
        ("URBANISME",),
        (("trend", "URB-001"), ("kpi", "URB-002"), ("kpi", "URB-003"), ("table", "URB-005")),
    ),
    (
        "Solidarités et action sociale",
        "Aides, accompagnement des aînés, aide alimentaire.",
        (),
        ("CCAS", "POLE-SOL"),
        (
            ("kpi", "CCA-002"),
            ("trend", "CCA-004"),
            ("kpi", "CCA-005"),
            ("table", "CCA-009"),
            ("kpi", "A1.1"),
        ),
    ),
    (
        "Petite enfance",
        "Occupation des crèches et liste d'attente.",
        (),
        ("PETITEENF",),
        (("kpi", "PEN-004"), ("trend", "PEN-001"), ("kpi", "PEN-002"), ("table", "PEN-006")),
    ),
    (
        "Vie scolaire et restauration",
        "Repas, gaspillage, périscolaire.",
        (),
        ("SCOLAIRE",),
        (
            ("trend", "SCO-003"),
            ("kpi", "SCO-004"),
            ("kpi", "SCO-006"),
            ("kpi", "SCO-008"),
            ("table", "SCO-005"),
        ),
    ),
    (
        "Relation aux usagers",
        "Accueil, téléphone et demandes écrites.",
        ("quality",),
        ("ACCUEIL", "ETATCIVIL"),
        (
            ("kpi", "ACC-004"),
            ("kpi", "ACC-006"),
            ("trend", "ACC-003"),
            ("kpi", "ACC-002"),
            ("table", "ACC-007"),
            ("kpi", "ETC-001"),
        ),
    ),
    (
        "Titres d'identité et état civil",
        "Rendez-vous, titres et actes.",
        (),
        ("ETATCIVIL",),
        (("kpi", "ETC-001"), ("trend", "ETC-002"), ("kpi", "ETC-003"), ("table", "ETC-005")),
    ),
    (
        "Tranquillité publique",
        "Présence de proximité et verbalisation.",
        ("official",),
        ("POLICE",),
        (
            ("kpi", "POL-001"),
            ("trend", "POL-003"),
            ("kpi", "POL-005"),
            ("map", "POL-007"),
            ("kpi", "A1.4"),
        ),
    ),
    (
        "Sports et équipements sportifs",
        "Occupation, consommations et piscine.",
        (),
        ("SPORTS",),
        (("kpi", "SPO-001"), ("trend", "SPO-006"), ("trend", "SPO-003"), ("table", "SPO-008")),
    ),
    (
        "Culture et médiathèque",
        "Publics, prêts et saison culturelle.",
        (),
        ("CULTURE",),
        (
            ("kpi", "CUL-001"),
            ("trend", "CUL-002"),
            ("kpi", "CUL-007"),
            ("table", "CUL-008"),
            ("kpi", "A1.3"),
        ),
    ),
    (
        "Finances et exécution budgétaire",
        "Charges, délais de paiement, dette et trésorerie.",
        ("executive", "official"),
        ("FINANCES",),
        (
            ("trend", "FIN-002"),
            ("kpi", "FIN-004"),
            ("kpi", "FIN-007"),
            ("trend", "FIN-008"),
            ("kpi", "A3.2"),
            ("table", "FIN-005"),
        ),
    ),
    (
        "Ressources humaines et santé au travail",
        "Formation, absentéisme, accidents.",
        ("executive",),
        ("RH",),
        (
            ("kpi", "RHU-004"),
            ("trend", "RHU-008"),
            ("trend", "RHU-006"),
            ("kpi", "RHU-002"),
            ("table", "RHU-010"),
            ("kpi", "A3.3"),
        ),
    ),
    (
        "Systèmes d'information et services en ligne",
        "Support, disponibilité, démarches.",
        (),
        ("DSI",),
        (("kpi", "DSI-004"), ("trend", "DSI-001"), ("kpi", "DSI-007"), ("trend", "DSI-008")),
    ),
    (
        "Commande publique et achats responsables",
        "Procédures, délais, clauses durables.",
        (),
        ("COMMANDE",),
        (("kpi", "ACH-002"), ("trend", "ACH-001"), ("kpi", "ACH-006"), ("table", "ACH-004")),
    ),
    (
        "Réclamations et satisfaction des usagers",
        "Volume, délai de traitement et taux de satisfaction.",
        ("quality", "executive"),
        ("ACCUEIL",),
        (
            ("trend", "ACC-009"),
            ("kpi", "ACC-010"),
            ("kpi", "QUA-007"),
            ("kpi", "QUA-008"),
            ("table", "QUA-009"),
            ("kpi", "ACC-008"),
        ),
    ),
)


def build_dashboards(ctx: DemoContext) -> None:
    roles = {role.name: role for role in db.session.scalars(select(Role))}
    dashboards = []
    widget_count = 0
    for position, (title, description, role_codes, services, widgets) in enumerate(
        DASHBOARDS, start=1
    ):
        dashboard = Dashboard(
            title=title,
            description=description,
            position=position,
            roles=[roles[code] for code in role_codes],
            services=[ctx.services[code] for code in services],
        )
        dashboard.widgets = [
            _widget(ctx, index, kind, ref) for index, (kind, ref) in enumerate(widgets, start=1)
        ]
        widget_count += len(widgets)
        dashboards.append(dashboard)
    db.session.add_all(dashboards)
    db.session.flush()
    ctx.history.objects("dashboard", dashboards)
    ctx.counts["tableaux de bord"] = len(dashboards)
    ctx.counts["widgets"] = widget_count


def _widget(ctx: DemoContext, position: int, kind: str, ref: str) -> DashboardWidget:
    if ref.startswith("objectif:"):
        service = ref.split(":", 1)[1]
        objective = max(ctx.objectives_of(service), key=lambda o: (o.year, -o.id))
        return DashboardWidget(
            position=position, kind=kind, title=objective.title, service_objective=objective
        )
    if ref in ctx.strategic:
        strategic = ctx.strategic[ref]
        return DashboardWidget(
            position=position, kind=kind, title=strategic.title, strategic_objective=strategic
        )
    indicator = ctx.indicators[ref]
    return DashboardWidget(position=position, kind=kind, title=indicator.name, indicator=indicator)


# ---------------------------------------------------------------- individual objectives
def build_individual_objectives(ctx: DemoContext) -> None:
    """Two objectives per agent (last year's assessed, this year's in progress)."""
    rng = ctx.rng("individual-objectives")
    years = sorted({o.year for o in ctx.objectives})[-2:]
    rows = []
    for username, titles in INDIVIDUAL_OBJECTIVES.items():
        agent = ctx.users[username]
        manager = ctx.users[ACCOUNTS_BY_USERNAME[username].manager or "dgs"]
        service = ACCOUNTS_BY_USERNAME[username].services[0]
        for year, title in zip(years, titles, strict=True):
            candidates = ctx.objectives_of(service, year) or ctx.objectives_of(service)
            current = year == years[-1]
            achievement = (
                "en_cours"
                if current
                else rng.choice(("atteint", "atteint", "partiel", "non_atteint"))
            )
            rows.append(
                IndividualObjective(
                    agent=agent,
                    manager=manager,
                    year=year,
                    title=title,
                    service_objective=candidates[0] if candidates else None,
                    expected_result=f"{title} avant le 31 décembre {year}.",
                    achievement=achievement,
                    comment=None if current else "Apprécié lors de l'entretien professionnel.",
                )
            )
    db.session.add_all(rows)
    db.session.flush()
    ctx.history.objects("individual_objective", rows)
    ctx.counts["objectifs individuels"] = len(rows)
