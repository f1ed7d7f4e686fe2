"""Strategy artefacts: programme, axes, strategic, service and individual objectives."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.declarations import checks
from app.declarations.choices import ACHIEVEMENT, PROGRAMME_STATUS
from app.models import (
    Axis,
    IndividualObjective,
    Programme,
    ServiceObjective,
    StrategicObjective,
)
from app.registry import Artefact, register
from app.security.roles import AGENT, EXECUTIVE, QUALITY, SERVICE_HEAD
from app.security.scope import ByColumn, Confidential, Unscoped
from app.states import SERVICE_OBJECTIVE_STATES

STRATEGY = "strategy"

register(
    Artefact(
        code_name="programme",
        model=Programme,
        label=_l("Programme municipal"),
        label_plural=_l("Programmes municipaux"),
        category=STRATEGY,
        category_label=_l("Stratégie"),
        list_columns=("title", "start_year", "end_year", "status"),
        search_columns=("title", "status", "start_year"),
        order_by=("start_year", "desc"),
        scope=Unscoped(),
        choices={"status": PROGRAMME_STATUS},
        label_columns={
            "start_year": _l("Année de début"),
            "end_year": _l("Année de fin"),
        },
        description_columns={
            "end_year": _l("Dernière année du mandat."),
        },
        icon="fa-flag",
    )
)

register(
    Artefact(
        code_name="axis",
        model=Axis,
        label=_l("Axe stratégique"),
        label_plural=_l("Axes stratégiques"),
        category=STRATEGY,
        category_label=_l("Stratégie"),
        list_columns=("code", "title", "programme", "position"),
        search_columns=("code", "title", "programme"),
        order_by=("position", "asc"),
        scope=Unscoped(),
        label_columns={"programme": _l("Programme"), "referents": _l("Élus référents")},
        description_columns={"code": _l("Par exemple A1.")},
        icon="fa-road",
    )
)

register(
    Artefact(
        code_name="strategic_objective",
        model=StrategicObjective,
        label=_l("Objectif stratégique"),
        label_plural=_l("Objectifs stratégiques"),
        category=STRATEGY,
        category_label=_l("Stratégie"),
        list_columns=("code", "title", "axis", "owner", "weight"),
        search_columns=("code", "title", "axis", "owner"),
        order_by=("code", "asc"),
        scope=Unscoped(),
        label_columns={
            "axis": _l("Axe"),
            "services": _l("Services contributeurs"),
        },
        description_columns={
            "code": _l("Par exemple A1.2."),
            "weight": _l("Poids dans la moyenne de l'axe."),
        },
        icon="fa-bullseye",
    )
)

register(
    Artefact(
        code_name="service_objective",
        model=ServiceObjective,
        label=_l("Objectif de service"),
        label_plural=_l("Objectifs de service"),
        category=STRATEGY,
        category_label=_l("Stratégie"),
        list_columns=("year", "service", "title", "strategic_objective", "state"),
        search_columns=("year", "service", "title", "strategic_objective", "state"),
        order_by=("year", "desc"),
        scope=ByColumn("service_id", "service"),
        writers=frozenset({QUALITY, SERVICE_HEAD}),
        readonly_columns=("state", "amendment", "achievement"),
        choices={"state": SERVICE_OBJECTIVE_STATES, "achievement": ACHIEVEMENT},
        label_columns={
            "strategic_objective": _l("Objectif stratégique"),
            "expected_result": _l("Résultat attendu"),
            "amendment": _l("Amendement de la revue de direction"),
            "achievement": _l("Atteinte en fin d'année"),
        },
        description_columns={
            "strategic_objective": _l(
                "Vide pour un objectif de politique de service ; sinon, l'objectif "
                "stratégique auquel le service contribue."
            ),
            "weight": _l("Poids dans la moyenne de l'objectif stratégique."),
        },
        icon="fa-check-square-o",
    )
)

register(
    Artefact(
        code_name="individual_objective",
        model=IndividualObjective,
        label=_l("Objectif individuel"),
        label_plural=_l("Objectifs individuels"),
        category=STRATEGY,
        category_label=_l("Stratégie"),
        list_columns=("year", "agent", "title", "service_objective", "achievement"),
        search_columns=("year", "agent", "title", "achievement"),
        order_by=("year", "desc"),
        scope=Confidential(),
        readers=frozenset({QUALITY, EXECUTIVE, SERVICE_HEAD, AGENT}),
        writers=frozenset({QUALITY, EXECUTIVE, SERVICE_HEAD, AGENT}),
        choices={"achievement": ACHIEVEMENT},
        checks=(checks.individual_objective,),
        label_columns={
            "service_objective": _l("Objectif de service décliné"),
            "expected_result": _l("Résultat attendu"),
            "achievement": _l("Atteinte"),
        },
        description_columns={
            "manager": _l("Laissé vide, c'est le responsable hiérarchique de l'agent."),
            "achievement": _l("Appréciée lors de l'entretien professionnel de fin d'année."),
        },
        icon="fa-user-circle",
    )
)
