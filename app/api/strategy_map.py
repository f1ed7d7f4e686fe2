"""``GET /api/v1/strategy_map/<programme_id>[?period=]``: the rolled-up strategy map.

The tree (programme, axes, strategic objectives, service objectives, indicators) with status,
score and coverage on every node, and the *service × axis* matrix. Readers of the programme
may call it. The scores are the whole town's (the same for every reader); a service objective
or an indicator the caller may not open is a ``{"kind": …, "reserved": true, "title":
"Contenu réservé"}`` node (no id, name, value, status or target), and the matrix lists only
the services the caller reaches.
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask_appbuilder.api import BaseApi, expose, protect
from flask_babel import gettext as _

from app import periods
from app.http import safe
from app.indicators.rollup import strategy_map
from app.security.actor import Actor


class StrategyMapApi(BaseApi):
    resource_name = "strategy_map"
    class_permission_name = "programme"
    method_permission_name = {"get_map": "read"}
    allow_browser_login = True
    openapi_spec_tag = "Carte stratégique"

    @expose("/<int:programme_id>", methods=["GET"])
    @protect()
    @safe
    def get_map(self, programme_id: int) -> Any:
        """The strategy map of a programme.
        ---
        get:
          summary: Carte stratégique (statut, score et couverture de chaque nœud)
          parameters:
          - in: path
            name: programme_id
            schema: {type: integer}
            required: true
          - in: query
            name: period
            schema: {type: string}
            description: 2025, 2025-Q1 ou 2025-03 ; sans période, la dernière valeur connue
          responses:
            200:
              description: L'arbre et la matrice services × axes
            404:
              description: Programme inconnu
            422:
              description: Période invalide
        """
        code = (request.args.get("period") or "").strip() or None
        if code is not None and periods.parse(code) is None:
            return self.response(
                422,
                message=_("Période invalide : « %(code)s » (2025, 2025-Q1 ou 2025-03).", code=code),
            )
        result = strategy_map(programme_id, code, reader=Actor.current())
        if result is None:
            return self.response(404, message=_("Programme introuvable."))
        return self.response(200, **result.as_dict())
