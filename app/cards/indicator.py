"""The indicator card (*fiche indicateur*): definition, targets, the latest value and its
status, the last periods drawn by the one chart module, and a calculated indicator's inputs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app import registry
from app.cards.links import Links
from app.charts import CARD, CARD_PRINT, trend_svg
from app.indicators import formula as formulas
from app.indicators import latest as readings
from app.indicators import status as indicator_status
from app.models import (
    Indicator,
    Process,
    ServiceObjective,
    SourceApplication,
    StrategicObjective,
    Target,
)
from app.models.indicators import indicator_service_objective, indicator_strategic_objective
from app.reading import readable, related
from app.security.actor import Actor

#: How many periods the indicator card lists (the full series is on the measurement list).
MEASUREMENTS_SHOWN = 24
#: How many targets the indicator card lists, most recent first.
TARGETS_SHOWN = 36


def heading(item: Indicator) -> str:
    return f"{item.code} — {item.name}"


def eager() -> tuple[Any, ...]:
    """The indicator's own relations the card shows (loaded in one query)."""
    return (
        joinedload(Indicator.owner_service),
        joinedload(Indicator.owner),
        joinedload(Indicator.linked_process).joinedload(Process.service),
        joinedload(Indicator.source_application).joinedload(SourceApplication.owner_service),
    )


def gather(item: Indicator, actor: Actor, links: Links) -> dict[str, Any]:
    """Fiche indicateur: definition, targets, latest value and status, the last periods."""
    targets = related(
        "target",
        actor,
        Target.indicator_id == item.id,
        order_by=(Target.period.desc(),),
        limit=TARGETS_SHOWN,
    )
    measurement_artefact = registry.get("measurement")
    if actor.may_read(measurement_artefact):
        recent = readings.recent_measurements(item, MEASUREMENTS_SHOWN)
        total = readings.count_measurements(item)
        history = readings.period_readings(item, recent)
        newest = (
            history[0] if history else readings.Reading(item, None, None, indicator_status.NO_DATA)
        )
        latest = readings.as_latest(newest)
    else:
        recent, total, history = [], 0, []
        latest = readings.Reading(item, None, None, indicator_status.NO_DATA)
    service_objectives = related(
        "service_objective",
        actor,
        ServiceObjective.id.in_(
            select(indicator_service_objective.c.service_objective_id).where(
                indicator_service_objective.c.indicator_id == item.id
            )
        ),
        options=(joinedload(ServiceObjective.service),),
        order_by=(ServiceObjective.year.desc(), ServiceObjective.title),
    )
    strategic_objectives = related(
        "strategic_objective",
        actor,
        StrategicObjective.id.in_(
            select(indicator_strategic_objective.c.strategic_objective_id).where(
                indicator_strategic_objective.c.indicator_id == item.id
            )
        ),
        order_by=(StrategicObjective.code,),
    )
    return {
        "owner_service": readable("service", actor, item.owner_service),
        "process": readable("process", actor, item.linked_process),
        "source_application": readable("source_application", actor, item.source_application),
        "targets": targets,
        "latest": latest,
        "history": history,
        "measurement_total": total,
        "measurements_shown": len(recent),
        "measurement_list_url": links.measurement_list(item.id),
        # every listed period, drawn by the one chart module (cached per data version)
        "chart": trend_svg(history, CARD) if history else None,
        "print_chart": trend_svg(history, CARD_PRINT) if history else None,
        "calculation": formula_inputs(item, actor),
        "service_objectives": service_objectives,
        "strategic_objectives": strategic_objectives,
    }


@dataclass(frozen=True)
class FormulaInput:
    """One indicator a calculated indicator reads: its code, the row if the reader may see
    it (None: unknown code or another service's indicator) and its latest reading."""

    code: str
    indicator: Indicator | None
    latest: readings.Reading | None


@dataclass(frozen=True)
class Calculation:
    """The formula of a calculated indicator and its inputs, in the formula's order."""

    formula: str
    inputs: list[FormulaInput]
    error: str | None = None

    @property
    def hidden(self) -> int:
        return sum(1 for i in self.inputs if i.indicator is None)


def formula_inputs(item: Indicator, actor: Actor) -> Calculation | None:
    """The inputs of a calculated indicator with their latest values — four queries.

    The inputs are loaded in one scoped query and their latest values by
    :func:`app.indicators.latest.latest_readings` (three), whatever the number of inputs or
    of their values. An indicator without formula sends none of them: the card stays within
    the cards' query budget (``test_card_queries_do_not_grow_with_related_rows``), and its
    count is still fixed for each kind of indicator.
    """
    if not item.formula:
        return None
    codes: list[str] = []
    error = None
    try:
        codes = _in_formula_order(item.formula, formulas.references(formulas.parse(item.formula)))
    except formulas.FormulaError as exc:
        error = str(exc)
    found = related("indicator", actor, Indicator.code.in_(codes), order_by=(Indicator.code,))
    by_code = {indicator.code: indicator for indicator in found}
    latest = readings.latest_readings(found)
    return Calculation(
        item.formula,
        [
            FormulaInput(
                code, by_code.get(code), latest.get(by_code[code].id) if code in by_code else None
            )
            for code in codes
        ],
        error,
    )


def _in_formula_order(text: str, codes: set[str]) -> list[str]:
    """Codes as the formula first names them (the reader reads the formula left to right)."""
    upper = text.upper()
    return sorted(codes, key=lambda code: (upper.find(code.upper()), code))
