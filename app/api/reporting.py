"""``POST /api/v1/reporting_period/<id>/lock`` and ``/unlock`` with ``{"reason": …}``."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_appbuilder.api import BaseApi, expose, protect

from app.commands.reporting import set_locked
from app.http import read_reason, safe
from app.security.actor import Actor


class ReportingPeriodLockApi(BaseApi):
    """Lock and unlock, beside the generated ``/api/v1/reporting_period/`` resource."""

    resource_name = "reporting_period"
    class_permission_name = "reporting_period"
    method_permission_name = {"lock": "write", "unlock": "write"}
    allow_browser_login = True
    openapi_spec_tag = "Périodes de reporting"

    def _set(self, pk: int, locked: bool) -> Any:
        data = request.get_json(silent=True)
        reason = read_reason(data if isinstance(data, dict) else {})
        period = set_locked(pk, locked, Actor.current(), reason)
        return self.response(200, id=period.id, period=period.period, locked=period.locked)

    @expose("/<int:pk>/lock", methods=["POST"])
    @protect()
    @safe
    def lock(self, pk: int) -> Any:
        """Lock a period.
        ---
        post:
          summary: Verrouiller une période (cellule qualité, motif obligatoire)
          parameters:
          - in: path
            name: pk
            schema: {type: integer}
            required: true
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    reason:
                      type: string
                  required: [reason]
          responses:
            200:
              description: Période verrouillée
            403:
              description: Réservé à la cellule qualité
            404:
              description: Période introuvable
            422:
              description: Motif manquant
        """
        return self._set(pk, True)

    @expose("/<int:pk>/unlock", methods=["POST"])
    @protect()
    @safe
    def unlock(self, pk: int) -> Any:
        """Unlock a period.
        ---
        post:
          summary: Déverrouiller une période (cellule qualité, motif obligatoire)
          parameters:
          - in: path
            name: pk
            schema: {type: integer}
            required: true
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    reason:
                      type: string
                  required: [reason]
          responses:
            200:
              description: Période déverrouillée
            403:
              description: Réservé à la cellule qualité
            404:
              description: Période introuvable
            422:
              description: Motif manquant
        """
        return self._set(pk, False)
