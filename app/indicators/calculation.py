"""Values of calculated indicators, kept in step with their inputs.

When measurements change (push, import, entry), :func:`recompute` finds the calculated
indicators that read them — directly or through other calculated indicators — and the periods
affected (a ``sum(X, 12)`` at March depends on X from the previous April onwards, so a change of
X in April touches the next twelve periods), evaluates their formulas from values read in bulk,
and stores the results as measurements of source ``calculated`` through the same batch write as
every other value, in the caller's transaction. Missing inputs give no value rather than a
wrong one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from app import periods
from app.extensions import db
from app.indicators import formula, store
from app.models.indicators import Indicator, Measurement
from app.security.actor import Actor


@dataclass(frozen=True)
class _Calc:
    id: int
    code: str
    frequency: str
    tree: formula.Node
    inputs: frozenset[str]
    depth: int


def _calculated() -> dict[str, _Calc]:
    rows = db.session.execute(
        select(Indicator.id, Indicator.code, Indicator.frequency, Indicator.formula).where(
            Indicator.collection_mode == "calculated",
            Indicator.archived.is_(False),
            Indicator.formula.is_not(None),
        )
    ).all()
    out: dict[str, _Calc] = {}
    for row in rows:
        try:
            tree = formula.parse(row.formula)
        except formula.FormulaError:
            continue  # refused at save time; an old bad formula simply yields nothing
        out[row.code.upper()] = _Calc(
            row.id,
            row.code,
            row.frequency,
            tree,
            frozenset(formula.references(tree)),
            formula.depth(tree),
        )
    return out


def _steps(period_code: str, steps: int, forward: bool) -> list[str]:
    """``period_code`` and the ``steps`` periods after it (or before it), same frequency."""
    parsed = periods.parse(period_code)
    if parsed is None:
        return []
    out = [parsed.code]
    current = parsed
    for _step in range(steps):
        current = current.next() if forward else current.previous()
        out.append(current.code)
    return out


def _forward(period_code: str, steps: int) -> list[str]:
    return _steps(period_code, steps, forward=True)


def _backward(period_code: str, steps: int) -> list[str]:
    return _steps(period_code, steps, forward=False)


def _codes_of(indicator_ids: Iterable[int]) -> dict[int, str]:
    ids = sorted(set(indicator_ids))
    found: dict[int, str] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        for row in db.session.execute(
            select(Indicator.id, Indicator.code).where(Indicator.id.in_(chunk))
        ):
            found[row.id] = row.code.upper()
    return found


def _values(codes: set[str], period_codes: set[str]) -> dict[tuple[str, str], float]:
    if not codes or not period_codes:
        return {}
    ids = {
        row.id: row.code.upper()
        for row in db.session.execute(
            select(Indicator.id, Indicator.code).where(Indicator.code.in_(sorted(codes)))
        )
    }
    found: dict[tuple[str, str], float] = {}
    wanted = sorted(period_codes)
    for start in range(0, len(wanted), 400):
        chunk = wanted[start : start + 400]
        for row in db.session.execute(
            select(Measurement.indicator_id, Measurement.period, Measurement.value).where(
                Measurement.indicator_id.in_(sorted(ids)),
                Measurement.period.in_(chunk),
                Measurement.archived.is_(False),
            )
        ):
            found[(ids[row.indicator_id], row.period)] = row.value
    return found


def compute(
    targets: dict[str, set[str]], calcs: dict[str, _Calc]
) -> list[tuple[_Calc, str, float]]:
    """Evaluate calculated indicators for the given periods, inputs first."""
    order = formula.evaluation_order({code: calc.inputs for code, calc in calcs.items()})
    needed_codes: set[str] = set()
    needed_periods: set[str] = set()
    for code, wanted in targets.items():
        calc = calcs[code]
        needed_codes |= calc.inputs
        for period_code in wanted:
            needed_periods.update(_backward(period_code, calc.depth))
    values = _values(needed_codes, needed_periods)
    results: list[tuple[_Calc, str, float]] = []
    for code in order:
        if code not in targets:
            continue
        calc = calcs[code]
        for period_code in sorted(targets[code]):
            history = _backward(period_code, calc.depth)

            def lookup(ref: str, back: int, _history: list[str] = history) -> float | None:
                if back >= len(_history):
                    return None
                return values.get((ref, _history[back]))

            value = formula.evaluate(calc.tree, lookup)
            if value is not None:
                values[(code, period_code)] = value
                results.append((calc, period_code, value))
    return results


def recompute(changed: set[tuple[int, str]], actor: Actor) -> int:
    """Refresh the calculated values that depend on ``changed`` (indicator id, period) pairs.

    Runs inside the caller's transaction; returns how many calculated values were written.
    """
    calcs = _calculated()
    if not calcs:
        return 0
    names = _codes_of(indicator_id for indicator_id, _period in changed)
    by_code: dict[str, set[str]] = {}
    for indicator_id, period_code in changed:
        by_code.setdefault(names[indicator_id], set()).add(period_code)
    targets: dict[str, set[str]] = {}
    order = formula.evaluation_order({code: calc.inputs for code, calc in calcs.items()})
    for code in order:
        calc = calcs[code]
        affected: set[str] = set()
        for ref in calc.inputs:
            for period_code in by_code.get(ref, set()) | targets.get(ref, set()):
                if periods.frequency_of(period_code) == calc.frequency:
                    affected.update(_forward(period_code, calc.depth))
        if affected:
            targets[code] = affected
    if not targets:
        return 0
    return _write(
        compute(targets, calcs),
        actor,
        _("Recalcul après modification de %(codes)s", codes=", ".join(sorted(by_code))),
    )


def recompute_all(actor: Actor, codes: Iterable[str] | None = None) -> int:
    """Compute calculated indicators over every period where one of their inputs has a value
    (after a formula change, or to fill the demo town)."""
    calcs = _calculated()
    wanted = {c.upper() for c in codes} if codes is not None else set(calcs)
    targets: dict[str, set[str]] = {}
    for code in formula.evaluation_order({c: calc.inputs for c, calc in calcs.items()}):
        if code not in wanted or code not in calcs:
            continue
        calc = calcs[code]
        input_ids = db.session.scalars(
            select(Indicator.id).where(Indicator.code.in_(sorted(calc.inputs)))
        ).all()
        found = set(
            db.session.scalars(
                select(Measurement.period).where(Measurement.indicator_id.in_(input_ids)).distinct()
            )
        )
        for ref in calc.inputs:
            found |= targets.get(ref, set())
        targets[code] = {p for p in found if periods.frequency_of(p) == calc.frequency}
    if not targets:
        return 0
    return _write(compute(targets, calcs), actor, _("Calcul des indicateurs calculés"))


def _write(results: list[tuple[_Calc, str, float]], actor: Actor, reason: str) -> int:
    """Store calculated values through the measurement store, in the caller's unit of work."""
    if not results:
        return 0
    rows = [
        store.Row(index, calc.id, calc.code, period_code, round(value, 10), None)
        for index, (calc, period_code, value) in enumerate(results)
    ]
    stored = store.write(rows, actor, source="calculated", reason=reason)
    return stored.created + stored.updated
