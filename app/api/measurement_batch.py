"""``POST /api/v1/measurement/batch``: how business applications push indicator values.

Body ``{"measurements": [{"indicator", "period", "value", "comment"}], "reason": …}``; answer
``{"created", "updated", "unchanged"}``, or 422 with ``{"errors": [{"index", "field",
"message"}]}`` and nothing stored. Applications authenticate with their API key
(``Authorization: Bearer vigie_…``), people with a JWT or their session; both need
``can_write`` on measurements, and the command restricts each caller to the indicators they
feed.
"""

from __future__ import annotations

from typing import Any

from flask_appbuilder.api import BaseApi, expose, protect
from flask_babel import gettext as _

from app.commands.errors import FieldError, Invalid
from app.commands.measurements import push_batch
from app.http import safe
from app.input_gate import json_body
from app.security.actor import Actor


class MeasurementBatchApi(BaseApi):
    """The batch push, beside the generated ``/api/v1/measurement/`` resource."""

    resource_name = "measurement"
    class_permission_name = "measurement"
    method_permission_name = {"batch": "write"}
    allow_browser_login = True
    openapi_spec_tag = "Mesures"

    @expose("/batch", methods=["POST"])
    @protect()
    @safe
    def batch(self) -> Any:
        """Store a batch of measurements, all or nothing.
        ---
        post:
          summary: Envoi d'un lot de mesures (tout ou rien)
          responses:
            200:
              description: Lot enregistré (created, updated, unchanged)
            422:
              description: Lignes refusées ; rien n'est enregistré
        """
        data = json_body()
        if not isinstance(data, dict) or "measurements" not in data:
            raise Invalid(
                _('Corps attendu : {"measurements": [ … ]}.'),
                [FieldError("measurements", _("Champ obligatoire."))],
            )
        reason = data.get("reason")
        result = push_batch(
            data["measurements"],
            Actor.current(),
            source="api",
            reason=reason if isinstance(reason, str) else None,
        )
        return self.response(200, **result.as_dict())
