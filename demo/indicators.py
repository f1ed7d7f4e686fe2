"""Business applications, indicators, their targets and measurements, and reporting periods.

Indicators are ORM rows (a few hundred, or a few thousand in the large town, with their links
to objectives); targets and measurements go through Core bulk inserts (:mod:`demo.bulk`).
Every measurement gets its own ``create`` history entry, like a value filed through the form
or the API would: even the large town's quarter of a million values fits the time budget.

Values follow :mod:`demo.values`. Who entered them and when follows the collection mode:
a business application pushes the day after the period ends (and stops at its last push, so a
« muette » application leaves its indicators late), a service types its value within two
weeks, an import comes a few days after the period. About one manual indicator in ten misses
its last one to three periods: the « en retard » status has something to show.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from app import periods
from app.extensions import db
from app.models import (
    Indicator,
    Measurement,
    ReportingPeriod,
    ServiceObjective,
    SourceApplication,
    Target,
    VigieUser,
)
from app.models.indicators import PUSH_FREQUENCY_DAYS
from demo import values
from demo.bulk import insert_rows
from demo.catalogue import (
    QUARTIERS,
    SOURCE_APPLICATIONS,
    IndicatorDef,
    ServiceCatalogue,
    indicator_entries,
    process_code,
    resolve_formula,
)
from demo.context import DemoContext

_FREQUENCY_WORD = {"monthly": "mensuelle", "quarterly": "trimestrielle", "yearly": "annuelle"}
_AGGREGATION_TEXT = {
    "sum": "l'année cumule les valeurs de ses périodes",
    "mean": "l'année retient la moyenne de ses périodes",
    "last": "l'année retient la dernière valeur connue",
}
_DIRECTION_TEXT = {
    "increase": "plus la valeur est élevée, meilleur est le résultat",
    "decrease": "plus la valeur est basse, meilleur est le résultat",
    "band": "la valeur doit rester entre les bornes de la cible",
}
_COMMENTS = (
    "Valeur provisoire, à confirmer à la clôture.",
    "Interruption du service pendant trois jours (panne informatique).",
    "Période marquée par un mouvement de grève.",
    "Effectif réduit : deux postes vacants.",
    "Valeur corrigée après contrôle de la cellule qualité.",
    "Forte hausse liée aux intempéries.",
    "Fermeture estivale de l'équipement.",
    "Nouvelle méthode de comptage depuis cette période.",
)
_GRACE_DAYS = 15
_LATE_SHARE = 0.1


@dataclass
class _Plan:
    """An indicator to create, with its generated targets and values."""

    code: str
    spec: IndicatorDef
    entry: ServiceCatalogue
    process_code: str
    name: str
    shape: values.Shape
    profile: str
    targets: list[values.YearTarget]
    series: list[tuple[str, date, float]]
    objectives: list[ServiceObjective]
    formula: str | None


# ------------------------------------------------------------------ business applications
def build_source_applications(ctx: DemoContext) -> dict[str, SourceApplication]:
    rng = ctx.rng("source-applications")
    midnight = datetime.combine(ctx.today, time(0, 0), tzinfo=UTC)
    apps: dict[str, SourceApplication] = {}
    for spec in SOURCE_APPLICATIONS:
        days = PUSH_FREQUENCY_DAYS[spec.frequency]
        if spec.health == "ok":
            age = timedelta(hours=rng.uniform(1, min(days * 24 * 0.6, 30)))
        elif spec.health == "late":
            age = timedelta(days=days * rng.uniform(1.6, 2.6))
        else:
            age = timedelta(days=rng.uniform(45, 75))
        apps[spec.code] = SourceApplication(
            code=spec.code,
            name=spec.name,
            description=spec.description,
            vendor=spec.vendor,
            owner_service=ctx.services[spec.service],
            account=ctx.users[spec.account],
            expected_frequency=spec.frequency,
            last_push_at=midnight - age,
        )
    db.session.add_all(apps.values())
    db.session.flush()
    ctx.counts["applications métier"] = len(apps)
    ctx.history.objects("source_application", apps.values())
    return apps


# ------------------------------------------------------------------------------ indicators
def build_indicators(ctx: DemoContext, apps: dict[str, SourceApplication]) -> None:
    """Indicators with their links, then targets, measurements and reporting periods."""
    rng = ctx.rng("indicators")
    plans = [*_catalogue_plans(ctx, rng), *_quartier_plans(ctx, rng)]
    owners = _owner_cycle(ctx)
    indicators: dict[str, Indicator] = {}
    for plan in plans:
        indicators[plan.code] = _indicator(ctx, plan, apps, owners)
    _link_strategic_objectives(ctx, plans, indicators)
    db.session.add_all(indicators.values())
    db.session.flush()
    ctx.indicators = indicators
    ctx.history.objects("indicator", indicators.values())
    ctx.counts["indicateurs"] = len(indicators)

    _write_targets(ctx, plans, indicators)
    _write_measurements(ctx, plans, indicators, apps)
    _write_reporting_periods(ctx)


def _catalogue_plans(ctx: DemoContext, rng: random.Random) -> list[_Plan]:
    return [
        _plan(
            ctx,
            rng,
            code,
            spec,
            entry,
            process_code(entry.prefix, position),
            spec.name,
            spec.level,
            objectives=_objectives(ctx, entry, spec),
        )
        for code, entry, position, spec in indicator_entries()
    ]


def _quartier_plans(ctx: DemoContext, rng: random.Random) -> list[_Plan]:
    """Large town only: each quartier follows its own copy of the operational indicators."""
    plans = []
    for index, quartier in enumerate(QUARTIERS[: ctx.scale.quartiers], start=1):
        for code, entry, position, spec in indicator_entries():
            if ctx.services[entry.service].parent is None or spec.mode == "calculated":
                continue
            level = spec.level * rng.uniform(0.6, 1.4)
            if spec.unit == "%":
                level = min(level, 99.0)
            plans.append(
                _plan(
                    ctx,
                    rng,
                    f"{code}-Q{index:02d}",
                    spec,
                    entry,
                    process_code(entry.prefix, position),
                    f"{spec.name} — quartier {quartier}",
                    level,
                    objectives=[],
                )
            )
    return plans


def _plan(
    ctx: DemoContext,
    rng: random.Random,
    code: str,
    spec: IndicatorDef,
    entry: ServiceCatalogue,
    process: str,
    name: str,
    level: float,
    objectives: list[ServiceObjective],
) -> _Plan:
    shape = values.Shape(
        spec.unit,
        spec.direction,
        spec.frequency,
        spec.aggregation,
        level,
        values.alert_threshold(spec.unit, level),
        spec.band,
        spec.season,
    )
    profile = rng.choices(values.PROFILES, values.PROFILE_WEIGHTS)[0]
    growth = rng.uniform(0.015, 0.045)
    years = range(ctx.first_year, ctx.today.year + 2)
    formula = None
    if spec.formula:
        formula = resolve_formula(entry.prefix, spec.formula)
    series: list[tuple[str, date, float]] = []
    targets: list[values.YearTarget] = []
    if spec.mode != "calculated":
        targets = values.targets(shape, years, ctx.today.year, growth)
        first = periods.Period(ctx.first_year, 1, spec.frequency)
        last = periods.containing(ctx.today, spec.frequency).previous()
        series = values.series(shape, rng, first, last, ctx.today.year, growth, profile)
        if spec.mode in ("manual", "import") and rng.random() < _LATE_SHARE:
            missing = 1 if spec.frequency == "yearly" else rng.randint(1, 3)
            series = series[:-missing]
    return _Plan(
        code, spec, entry, process, name, shape, profile, targets, series, objectives, formula
    )


def _objectives(
    ctx: DemoContext, entry: ServiceCatalogue, spec: IndicatorDef
) -> list[ServiceObjective]:
    if spec.objective is None:
        return []
    found = [o for o in ctx.objectives_of(entry.service) if o.title.startswith(spec.objective)]
    titles = {o.title for o in found}
    if len(titles) != 1:
        raise RuntimeError(f"Objectif introuvable ou ambigu pour {spec.name} : {spec.objective}")
    return sorted(found, key=lambda o: o.year)


def _owner_cycle(ctx: DemoContext) -> dict[str, list[VigieUser]]:
    return {code: ctx.members(code) for code in ctx.services}


def _indicator(
    ctx: DemoContext,
    plan: _Plan,
    apps: dict[str, SourceApplication],
    owners: dict[str, list[VigieUser]],
) -> Indicator:
    spec, shape = plan.spec, plan.shape
    people = owners[plan.entry.service]
    owner = people[sum(map(ord, plan.code)) % len(people)]
    app = apps[spec.app] if spec.app else None
    baseline = plan.series[0] if plan.series else None
    return Indicator(
        code=plan.code,
        name=plan.name,
        definition=_definition(plan, app),
        purpose=ctx.processes[plan.process_code].purpose,
        unit=spec.unit,
        direction=spec.direction,
        frequency=spec.frequency,
        aggregation=spec.aggregation,
        owner_service=ctx.services[plan.entry.service],
        owner=owner,
        linked_process=ctx.processes[plan.process_code],
        collection_mode=spec.mode,
        source_application=app,
        formula=plan.formula,
        baseline_value=baseline[2] if baseline else None,
        baseline_period=baseline[0] if baseline else None,
        alert_threshold=shape.threshold,
        min_value=0.0,
        max_value=100.0 if spec.unit == "%" else None,
        weight=2.0 if plan.objectives else 1.0,
        service_objectives=list(plan.objectives),
        strategic_objectives=[],
    )


def _definition(plan: _Plan, app: SourceApplication | None) -> str:
    spec = plan.spec
    if spec.mode == "api" and app is not None:
        source = f"Transmise automatiquement par l'application « {app.name} »."
    elif spec.mode == "import":
        source = "Importée à chaque période depuis l'export de l'outil métier du service."
    elif spec.mode == "calculated":
        source = f"Calculée par Vigie : {plan.formula}."
    else:
        source = "Saisie par le service à chaque période."
    return (
        f"{plan.name}. Valeur {_FREQUENCY_WORD[spec.frequency]} exprimée en {spec.unit} ; "
        f"{_AGGREGATION_TEXT[spec.aggregation]} ; {_DIRECTION_TEXT[spec.direction]}. {source}"
    )


def _link_strategic_objectives(
    ctx: DemoContext, plans: list[_Plan], indicators: dict[str, Indicator]
) -> None:
    """The first indicator of each contributing objective also measures its strategic one."""
    seen: set[tuple[str, str]] = set()
    for plan in plans:
        for objective in plan.objectives:
            strategic = objective.strategic_objective
            if strategic is None:
                continue
            key = (objective.title, strategic.code)
            if key in seen:
                continue
            seen.add(key)
            indicator = indicators[plan.code]
            if strategic not in indicator.strategic_objectives:
                indicator.strategic_objectives.append(strategic)


# ------------------------------------------------------------------- targets and values
def _write_targets(ctx: DemoContext, plans: list[_Plan], indicators: dict[str, Indicator]) -> None:
    rows, fields = [], []
    for plan in plans:
        indicator = indicators[plan.code]
        label = str(indicator)
        for target in plan.targets:
            comment = (
                "Cible proposée pour l'année prochaine, à arbitrer en revue de direction."
                if target.year > ctx.today.year
                else None
            )
            rows.append(
                {
                    "indicator_id": indicator.id,
                    "period": str(target.year),
                    "value": target.value,
                    "low": target.low,
                    "high": target.high,
                    "comment": comment,
                }
            )
            fields.append(
                {
                    "indicator": label,
                    "period": str(target.year),
                    "value": target.value,
                    "low": target.low,
                    "high": target.high,
                    "comment": comment,
                }
            )
    ids = insert_rows(Target, rows)
    ctx.history.rows("target", ids, fields)
    ctx.counts["cibles"] = len(ids)


def _write_measurements(
    ctx: DemoContext,
    plans: list[_Plan],
    indicators: dict[str, Indicator],
    apps: dict[str, SourceApplication],
) -> None:
    """Every value, and its ``create`` history entry (the diff ``creation_changes`` gives)."""
    rng = ctx.rng("measurements")
    now = datetime.now(UTC)
    total = 0
    rows: list[dict[str, object]] = []
    changes: list[dict[str, list[object]]] = []
    for plan in plans:
        indicator = indicators[plan.code]
        label = str(indicator)
        mode = plan.spec.mode
        app = apps[plan.spec.app] if plan.spec.app else None
        pushed_until = app.last_push_at.date() if app and app.last_push_at else None
        app_id = app.id if app else None
        entered_by = app.account_id if app else indicator.owner_id
        for code, end, value in plan.series:
            if pushed_until is not None and end >= pushed_until:
                break
            entered_at = min(_entered_at(ctx, rng, mode, end), now)
            comment = rng.choice(_COMMENTS) if rng.random() < 0.02 else None
            rows.append(
                {
                    "indicator_id": indicator.id,
                    "period": code,
                    "value": value,
                    "comment": comment,
                    "source": mode,
                    "source_application_id": app_id,
                    "entered_by_id": entered_by,
                    "entered_at": entered_at,
                }
            )
            diff: dict[str, list[object]] = {
                "indicator": [None, label],
                "period": [None, code],
                "value": [None, value],
            }
            if comment:
                diff["comment"] = [None, comment]
            changes.append(diff)
        if len(rows) >= 20000:
            total += _flush_measurements(ctx, rows, changes)
            rows, changes = [], []
    total += _flush_measurements(ctx, rows, changes)
    ctx.counts["mesures"] = total


def _flush_measurements(
    ctx: DemoContext, rows: list[dict[str, object]], changes: list[dict[str, list[object]]]
) -> int:
    ids = insert_rows(Measurement, rows)
    ctx.history.prepared("measurement", ids, changes)
    return len(ids)


def _entered_at(ctx: DemoContext, rng: random.Random, mode: str, end: date) -> datetime:
    """When a value arrived: next night (API), within two weeks (typed), days later (import).

    Draws with ``random()`` rather than ``randint()``: a quarter of a million calls in the
    large town make the difference noticeable.
    """
    draw = rng.random
    if mode == "api":
        days, hour = 1, 2
    elif mode == "import":
        days, hour = 4 + int(draw() * 6), 7
    else:
        days, hour = 2 + int(draw() * 12), 7 + int(draw() * 10)
    day = end + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, int(draw() * 60), tzinfo=UTC)


def _write_reporting_periods(ctx: DemoContext) -> None:
    """Every period since the first year, up to the one in progress; old ones locked."""
    quality = ctx.users["qualite"]
    rows: list[ReportingPeriod] = []
    lock_before = ctx.today - timedelta(days=90)
    for frequency in periods.FREQUENCIES:
        first = periods.Period(ctx.first_year, 1, frequency)
        for period in periods.between(first, periods.containing(ctx.today, frequency)):
            due = period.end + timedelta(days=_GRACE_DAYS)
            locked = period.year < ctx.today.year or due < lock_before
            comment = None
            if frequency == "yearly" and locked:
                comment = "Clôture annuelle des indicateurs, après la revue de direction."
            rows.append(
                ReportingPeriod(
                    period=period.code,
                    due_date=due,
                    locked=locked,
                    locked_by=quality if locked else None,
                    locked_at=ctx.at(due + timedelta(days=20), 17) if locked else None,
                    comment=comment,
                )
            )
    db.session.add_all(rows)
    db.session.flush()
    ctx.history.objects("reporting_period", rows)
    ctx.counts["périodes de reporting"] = len(rows)
