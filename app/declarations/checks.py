"""Cross-field rules of the declarations, run by the record commands before every write.

Each check takes the record as it would be written and yields ``FieldError``s naming the field
in French; the command then refuses the whole write, so nothing half-valid is ever stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from app import periods
from app.commands.context import WriteContext
from app.commands.errors import FieldError
from app.extensions import db
from app.indicators import formula, store
from app.models import Indicator
from app.models.quality import STAKEHOLDERS


def _not_before(obj: Any, first: str, second: str, message: str) -> Iterator[FieldError]:
    start, end = getattr(obj, first), getattr(obj, second)
    if start is not None and end is not None and end < start:
        yield FieldError(second, message)


def _between(obj: Any, field: str, low: float, high: float, message: str) -> Iterator[FieldError]:
    value = getattr(obj, field)
    if value is not None and not low <= value <= high:
        yield FieldError(field, message)


def indicator(obj: Any, ctx: WriteContext | None = None) -> Iterator[FieldError]:
    if obj.collection_mode == "calculated" and not (obj.formula or "").strip():
        yield FieldError("formula", _("Un indicateur calculé a besoin d'une formule."))
    if obj.collection_mode != "calculated" and (obj.formula or "").strip():
        yield FieldError("formula", _("Seul un indicateur calculé a une formule."))
    if obj.collection_mode == "calculated" and (obj.formula or "").strip():
        yield from _formula_errors(obj)
    if obj.collection_mode == "api" and obj.source_application is None:
        yield FieldError(
            "source_application",
            _("Un indicateur alimenté par API a besoin de son application source."),
        )
    if obj.baseline_period and periods.frequency_of(obj.baseline_period) != obj.frequency:
        yield store.period_error("baseline_period", obj.baseline_period, obj.frequency)
    if obj.min_value is not None and obj.max_value is not None and obj.max_value < obj.min_value:
        yield FieldError("max_value", _("La valeur maximale est inférieure à la minimale."))
    elif obj.baseline_value is not None:
        for error in store.bound_errors(obj, obj.baseline_value):
            yield FieldError("baseline_value", error.message)
    if obj.alert_threshold is not None and obj.alert_threshold < 0:
        yield FieldError("alert_threshold", _("Le seuil de vigilance ne peut pas être négatif."))


def _formula_errors(obj: Any, ctx: WriteContext | None = None) -> Iterator[FieldError]:
    """The formula parses, names existing indicators, and creates no dependency cycle."""
    try:
        tree = formula.parse(obj.formula)
    except formula.FormulaError as error:
        yield FieldError("formula", str(error))
        return
    own = (obj.code or "").upper()
    wanted = formula.references(tree)
    with db.session.no_autoflush:
        rows = db.session.execute(
            select(Indicator.id, Indicator.code, Indicator.formula, Indicator.collection_mode)
        ).all()
    known = {code.upper() for _id, code, _f, _m in rows if _id != obj.id}
    missing = sorted(wanted - known - {own})
    if missing:
        yield FieldError(
            "formula",
            _("Indicateur(s) inconnu(s) dans la formule : %(codes)s.", codes=", ".join(missing)),
        )
        return
    graph: dict[str, set[str]] = {}
    for _id, code, text, mode in rows:
        if _id == obj.id or mode != "calculated" or not text:
            continue
        try:
            graph[code.upper()] = formula.references(formula.parse(text))
        except formula.FormulaError:
            continue
    graph[own] = wanted
    cycle = formula.find_cycle(graph)
    if cycle and own in cycle:
        yield FieldError(
            "formula",
            _("La formule crée une dépendance circulaire : %(path)s.", path=" → ".join(cycle)),
        )


def target(obj: Any, ctx: WriteContext | None = None) -> Iterator[FieldError]:
    owner = obj.indicator
    if owner is not None and obj.period:
        frequency = periods.frequency_of(obj.period)
        if frequency not in (owner.frequency, periods.YEARLY):
            yield store.period_error("period", obj.period, owner.frequency)
    if owner is not None and owner.direction == "band":
        if obj.low is None or obj.high is None:
            yield FieldError("low", _("Une cible en fourchette a une borne basse et une haute."))
        elif obj.high < obj.low:
            yield FieldError("high", _("La borne haute est inférieure à la borne basse."))
    elif obj.value is None:
        yield FieldError("value", _("« Valeur » est obligatoire."))
    if owner is not None:  # a target is a value of the indicator: within its bounds too
        for name in ("value", "low", "high"):
            number = getattr(obj, name, None)
            if number is not None:
                for error in store.bound_errors(owner, number):
                    yield FieldError(name, error.message)


def measurement(obj: Any, ctx: WriteContext | None = None) -> Iterator[FieldError]:
    """The measurement store's rules of a value (the batch's own), for one-off edits."""
    owner = obj.indicator
    if owner is None or not obj.period:
        return
    locked = ctx is not None and obj.period in store.locked_periods([obj.period])
    writer = store.Writer.of(ctx.actor, ctx.reason) if ctx is not None else store.Writer(True, None)
    yield from store.value_errors(
        owner, obj.period, obj.value, today=date.today(), locked=locked, writer=writer
    )


def measurement_lock(obj: Any, ctx: WriteContext) -> Iterator[FieldError]:
    """Archiving or restoring a value changes its period's figures: a locked period takes
    it only from the quality cell, with a reason, as it takes a corrected value."""
    if obj.period:
        locked = obj.period in store.locked_periods([obj.period])
        yield from store.lock_errors(
            obj.period, locked=locked, writer=store.Writer.of(ctx.actor, ctx.reason)
        )


def reporting_period(obj: Any, ctx: WriteContext | None = None) -> Iterator[FieldError]:
    if obj.period and periods.parse(obj.period) is None:
        yield FieldError(
            "period",
            _("« %(code)s » n'est pas une période (2025-03, 2025-Q1 ou 2025).", code=obj.period),
        )


def survey(obj: Any, ctx: WriteContext | None = None) -> Iterator[FieldError]:
    if obj.period and periods.parse(obj.period) is None:
        yield FieldError(
            "period",
            _("« %(code)s » n'est pas une période (2025-03, 2025-Q1 ou 2025).", code=obj.period),
        )
    yield from _between(
        obj,
        "satisfaction_rate",
        0,
        100,
        _("Le taux de satisfaction est un pourcentage entre 0 et 100."),
    )
    yield from _between(
        obj, "respondents", 0, 10**7, _("Le nombre de répondants ne peut pas être négatif.")
    )


def risk(obj: Any, ctx: WriteContext | None = None) -> Iterator[FieldError]:
    if (obj.residual_likelihood is None) != (obj.residual_severity is None):
        yield FieldError(
            "residual_severity",
            _("Renseignez la probabilité et la gravité résiduelles ensemble, ou aucune."),
        )


def impact_assessment(obj: Any, ctx: WriteContext | None = None) -> Iterator[FieldError]:
    if (obj.risk is None) == (obj.action is None):
        yield FieldError(
            "risk",
            _("Une analyse d'impact porte soit sur un risque, soit sur une action."),
        )
    for name, _word in STAKEHOLDERS:
        yield from _between(obj, name, -2, 2, _("Une note d'impact va de −2 à +2."))


def certification(obj: Any, ctx: WriteContext | None = None) -> Iterator[FieldError]:
    yield from _not_before(
        obj, "obtained_on", "expires_on", _("L'échéance précède la date d'obtention.")
    )


def audit(obj: Any, ctx: WriteContext | None = None) -> Iterator[FieldError]:
    yield from _not_before(
        obj, "start_date", "end_date", _("La date de fin précède la date de début.")
    )


def action(obj: Any, ctx: WriteContext | None = None) -> Iterator[FieldError]:
    yield from _not_before(
        obj, "opened_on", "due_date", _("L'échéance précède la date d'ouverture.")
    )
    yield from _not_before(
        obj, "opened_on", "completed_on", _("La date de réalisation précède la date d'ouverture.")
    )
    yield from _between(obj, "progress", 0, 100, _("L'avancement est un pourcentage (0 à 100)."))


def complaint(obj: Any, ctx: WriteContext | None = None) -> Iterator[FieldError]:
    yield from _not_before(
        obj, "received_on", "answered_on", _("La date de réponse précède la date de réception.")
    )
    if obj.status in ("repondue", "close") and obj.answered_on is None:
        yield FieldError(
            "answered_on", _("Une réclamation répondue ou close a une date de réponse.")
        )


def individual_objective(obj: Any, ctx: WriteContext | None = None) -> Iterator[FieldError]:
    """Also completes the manager from the agent's when left empty (the usual case)."""
    if obj.manager is None and obj.agent is not None and obj.agent.manager is not None:
        obj.manager = obj.agent.manager
    if obj.manager is not None and obj.agent is not None and obj.manager.id == obj.agent.id:
        yield FieldError("manager", _("Un agent n'est pas son propre responsable."))
    return


def proposal(obj: Any, ctx: WriteContext | None = None) -> Iterator[FieldError]:
    """A target proposal names its indicator and a value (or a band); others name none.

    Once the review has decided a proposal, it is the record of that decision: changing it
    afterwards would rewrite what the officials arbitrated.
    """
    has_value = obj.proposed_value is not None
    has_band = obj.proposed_low is not None or obj.proposed_high is not None
    if obj.kind == "cible":
        if obj.indicator is None:
            yield FieldError(
                "indicator", _("Une proposition de cible nomme l'indicateur concerné.")
            )
        if not has_value and not has_band:
            yield FieldError(
                "proposed_value",
                _(
                    "Une proposition de cible donne la valeur proposée (ou une "
                    "fourchette basse–haute)."
                ),
            )
        if has_value and has_band:
            yield FieldError(
                "proposed_value", _("Donnez soit une valeur, soit une fourchette, pas les deux.")
            )
        if (
            obj.proposed_low is not None
            and obj.proposed_high is not None
            and obj.proposed_high < obj.proposed_low
        ):
            yield FieldError("proposed_high", _("La borne haute est inférieure à la borne basse."))
    elif obj.indicator is not None or has_value or has_band:
        yield FieldError(
            "kind",
            _(
                "Seule une proposition de nature « Cible » porte un "
                "indicateur et une valeur proposée."
            ),
        )
    if obj.decision is not None and ctx is not None and not ctx.creating:
        yield FieldError("title", _("Cette proposition a été arbitrée : elle ne se modifie plus."))
