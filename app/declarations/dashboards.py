"""The dashboard artefact: its audience and order (widgets are edited on the dashboard page)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.models import Dashboard
from app.registry import Artefact, register
from app.security.scope import Audience

register(
    Artefact(
        code_name="dashboard",
        model=Dashboard,
        label=_l("Tableau de bord"),
        label_plural=_l("Tableaux de bord"),
        category="indicators",
        category_label=_l("Indicateurs"),
        list_columns=("position", "title", "roles", "services"),
        search_columns=("title",),
        edit_columns=("title", "description", "position", "roles", "services"),
        order_by=("position", "asc"),
        scope=Audience(),
        label_columns={
            "roles": _l("Rôles destinataires"),
            "services": _l("Services destinataires"),
            "widgets": _l("Widgets"),
        },
        description_columns={
            "roles": _l("Sans rôle ni service, le tableau de bord est visible de tous."),
        },
        icon="fa-tachometer",
    )
)
