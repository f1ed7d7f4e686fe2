"""Organisation artefacts: services (and pôles) and the business applications that push data."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.declarations.choices import HEALTH, PUSH_FREQUENCY
from app.models import Service, SourceApplication, VigieUser
from app.registry import Artefact, register, register_scope
from app.security.roles import ADMIN, QUALITY
from app.security.scope import ByColumn, BySelf, People

ORGANISATION = "organisation"

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
        # the organisation chart is known to every agent: a record naming another service
        # (a strategic objective's contributors, an audit's services) shows its name
        named_openly=True,
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
        code_name="source_application",
        model=SourceApplication,
        label=_l("Application métier"),
        label_plural=_l("Applications métier"),
        category=ORGANISATION,
        category_label=_l("Organisation"),
        list_columns=(
            "code",
            "name",
            "owner_service",
            "expected_frequency",
            "last_push_at",
            "health",
        ),
        search_columns=("code", "name", "owner_service", "expected_frequency"),
        edit_columns=(
            "code",
            "name",
            "description",
            "vendor",
            "owner_service",
            "expected_frequency",
        ),
        show_columns=(
            "code",
            "name",
            "description",
            "vendor",
            "owner_service",
            "expected_frequency",
            "account",
            "last_push_at",
            "health",
            "version",
            "archived",
            "created_at",
            "updated_at",
        ),
        order_by=("code", "asc"),
        scope=ByColumn("owner_service_id", "owner_service"),
        writers=frozenset({ADMIN, QUALITY}),
        readonly_columns=("account", "last_push_at"),
        choices={"expected_frequency": PUSH_FREQUENCY, "health": HEALTH},
        label_columns={
            "owner_service": _l("Service propriétaire"),
            "vendor": _l("Éditeur"),
            "expected_frequency": _l("Fréquence d'envoi attendue"),
            "last_push_at": _l("Dernier envoi"),
            "health": _l("Santé de la collecte"),
            "account": _l("Compte API"),
        },
        description_columns={
            "code": _l("Code court, par exemple GMAO ou SIRH."),
            "expected_frequency": _l("Au-delà, l'application est signalée en retard, puis muette."),
        },
        icon="fa-plug",
    )
)

# people are named by records (pilot, owner, approver…): one may link only people in reach
register_scope(VigieUser, People())
