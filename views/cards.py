"""The printable cards (fiches) of the seed on screen: process, indicator, risk and audit.

Hand-written because a generated show page cannot serve them: a card gathers a record with
its related records on one A4 page. What a card shows is gathered by :mod:`views.card_data`
(without a request, so the PDF job prints the very same card); this module only adds the
routes, the permission check and the screen's links and live updates.

Each card is its own ``BaseView`` so Flask-AppBuilder checks the artefact's existing
``can_read`` permission (``class_permission_name`` is the artefact's code name).
"""

from __future__ import annotations

from typing import Any, ClassVar

from flask import abort
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access

from app.commands.errors import Forbidden, NotFound
from app.commands.records import Actor
from views.card_data import CARD_KINDS, Links, card_context
from views.live import live_context


class CardView(BaseView):
    """One card route, ``/cards/<artefact>/<id>``, guarded by the artefact's ``can_read``.

    ``base_permissions`` names both permissions of the artefact although the card only
    checks ``can_read``: Flask-AppBuilder's permission sync deletes, from every role, any
    permission of a view menu that one view of that menu does not list, so listing only
    ``can_read`` here would strip ``can_write`` from the generated screens at each
    ``vigie roles sync``.
    """

    artefact_code: ClassVar[str]
    default_view = "card"
    method_permission_name = {"card": "read"}
    base_permissions = ["can_read", "can_write"]

    @expose("/<int:pk>", methods=["GET"])
    @has_access
    def card(self, pk: int) -> Any:
        try:
            context = card_context(self.artefact_code, pk, Actor.current(), Links())
        except NotFound:
            abort(404)
        except Forbidden:
            abort(403)
        return self.render_template(
            CARD_KINDS[self.artefact_code].template, **live_context(), **context
        )


class ProcessCardView(CardView):
    """Fiche d'identité processus: identity, interfaces, indicators, risks, documents."""

    route_base = "/cards/process"
    class_permission_name = "process"
    artefact_code = "process"


class IndicatorCardView(CardView):
    """Fiche indicateur: definition, targets, latest value and status, the last periods."""

    route_base = "/cards/indicator"
    class_permission_name = "indicator"
    artefact_code = "indicator"


class RiskCardView(CardView):
    """Fiche de maîtrise des risques: criticality, controls, impact per stakeholder, actions."""

    route_base = "/cards/risk"
    class_permission_name = "risk"
    artefact_code = "risk"


class AuditCardView(CardView):
    """Audit page: identity, findings grouped by kind, each with its actions."""

    route_base = "/cards/audit"
    class_permission_name = "audit"
    artefact_code = "audit"


CARD_VIEWS: tuple[type[CardView], ...] = (
    ProcessCardView,
    IndicatorCardView,
    RiskCardView,
    AuditCardView,
)


def register_cards(appbuilder: Any) -> None:
    """Add the card routes (no menu entry: cards open from a record's « Fiche » button)."""
    for view in CARD_VIEWS:
        appbuilder.add_view_no_menu(view)
