"""Declarations of Vigie's artefacts: one ``register`` call per artefact type.

Read ``app.registry`` for what a declaration yields. Order here is the menu order.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.models import Axis, Programme, Service, ServiceObjective, StrategicObjective
from app.registry import Artefact, Choice, register
from app.security.roles import ADMIN, QUALITY, SERVICE_HEAD
from app.security.scope import ByColumn, BySelf, Unscoped
from workflows.labels import SERVICE_OBJECTIVE_STATES

ORGANISATION = "organisation"
STRATEGY = "strategy"

PROGRAMME_STATUS = Choice(
    (("draft", _l("Brouillon")), ("active", _l("En cours")), ("closed", _l("Clos")))
)

register(
    Artefact(
        code_name="service",
        model=Service,
        label=_l("Service"),
        label_plural=_l("Services"),
        category=ORGANISATION,
        category_label=_l("Organisation"),
        list_columns=("code", "name", "parent", "head", "active"),
        search_columns=("code", "name", "parent", "active"),
        edit_columns=("code", "name", "parent", "head", "active"),
        order_by=("code", "asc"),
        scope=BySelf(),
        writers=frozenset({ADMIN, QUALITY}),
        label_columns={
            "name": _l("Nom du service"),
            "parent": _l("Pôle / direction de rattachement"),
            "head": _l("Responsable"),
            "active": _l("Actif"),
        },
        description_columns={
            "code": _l("Code court en majuscules, par exemple VOIRIE."),
            "parent": _l("Laisser vide pour un pôle ou une direction de premier niveau."),
        },
        icon="fa-sitemap",
    )
)

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
        readonly_columns=("state",),
        choices={"state": SERVICE_OBJECTIVE_STATES},
        label_columns={
            "strategic_objective": _l("Objectif stratégique"),
            "expected_result": _l("Résultat attendu"),
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
