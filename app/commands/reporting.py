"""Locking and unlocking reporting periods: the quality cell freezes figures once final.

A locked period refuses new or changed measurements from everyone but the quality cell, who
must give a reason (``app.commands.measurements`` and the measurement check enforce it on
every path). Locking and unlocking need a reason too, kept in the period's history.
"""

from __future__ import annotations

from flask_babel import gettext as _

from app import history, registry
from app.commands.errors import Conflict, FieldError, Forbidden, Invalid
from app.extensions import db
from app.models.indicators import ReportingPeriod
from app.models.types import utcnow
from app.reading import get_for
from app.security.actor import Actor
from app.security.roles import ADMIN, QUALITY
from app.unit_of_work import unit_of_work


def set_locked(
    period_id: object, locked: bool, actor: Actor, reason: str | None
) -> ReportingPeriod:
    """Lock (``True``) or unlock a period; quality cell or administrators, with a reason."""
    artefact = registry.get("reporting_period")
    obj: ReportingPeriod = get_for(artefact, period_id, actor)
    if not (actor.system or actor.scope.roles & {QUALITY, ADMIN}):
        raise Forbidden(_("Seule la cellule qualité verrouille ou déverrouille une période."))
    if not (reason or "").strip():
        raise Invalid(
            _("Un motif est obligatoire."), [FieldError("reason", _("Indiquez pourquoi."))]
        )
    if obj.locked == locked:
        raise Conflict(
            _(
                "La période %(period)s est déjà %(state)s.",
                period=obj.period,
                state=_("verrouillée") if locked else _("ouverte"),
            )
        )
    with unit_of_work():
        obj.locked = locked
        obj.locked_at = utcnow() if locked else None
        obj.locked_by_id = getattr(actor.user, "id", None) if locked else None
        db.session.flush()
        history.record(
            "reporting_period",
            obj.id,
            "update",
            user=actor.user,
            changes={"locked": [not locked, locked]},
            reason=reason,
            event="lock" if locked else "unlock",
        )
    return obj
