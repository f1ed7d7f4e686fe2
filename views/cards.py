"""The printable cards (fiches) on screen: one route per artefact that declares a card.

Hand-written because a generated show page cannot serve them: a card gathers a record with its
related records on one A4 page. What a card shows is declared on its artefact
(``card=CardSpec(...)``) and gathered by :mod:`app.cards.context` (without a request, so the
PDF job prints the very same card); this module only adds the routes, the permission check,
the screen's links and live updates.

Each card is its own ``BaseView`` class, made here from the declaration, so Flask-AppBuilder
checks the artefact's existing ``can_read`` permission (``class_permission_name`` is the
artefact's code name) and the endpoint keeps the name templates use
(``IndicatorCardView.card``).
"""

from __future__ import annotations

from typing import Any, ClassVar

from flask import abort, current_app
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access

from app.cards.context import card_artefacts, card_context
from app.cards.links import Links, card_endpoint, register_endpoints
from app.commands.errors import Forbidden, NotFound
from app.registry.artefact import Artefact
from app.security.actor import Actor
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
        return self.render_template(context["card_template"], **live_context(), **context)


def card_view_for(artefact: Artefact) -> type[CardView]:
    """The card view class of an artefact (``ProcessCardView`` for ``process``)."""
    name = "".join(part.capitalize() for part in artefact.code_name.split("_")) + "CardView"
    return type(
        name,
        (CardView,),
        {
            "__doc__": str(artefact.card.label) if artefact.card else None,
            "route_base": f"/cards/{artefact.code_name}",
            "class_permission_name": artefact.code_name,
            "artefact_code": artefact.code_name,
        },
    )


def card_endpoint_of(artefact: Any) -> str | None:
    """For templates: the endpoint of a record's « Fiche » button (None: no card)."""
    code = getattr(artefact, "code_name", None)
    return card_endpoint(code) if code else None


def register_cards(appbuilder: Any) -> None:
    """Add the card routes (no menu entry: cards open from a record's « Fiche » button)."""
    endpoints = {}
    for artefact in card_artefacts():
        view = card_view_for(artefact)
        appbuilder.add_view_no_menu(view)
        endpoints[artefact.code_name] = f"{view.__name__}.card"
    register_endpoints(current_app, card=endpoints)
    current_app.jinja_env.globals["card_endpoint_of"] = card_endpoint_of
