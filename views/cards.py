"""The printable cards (fiches) of the seed: process, indicator, risk and audit.

Hand-written because a generated show page cannot serve them: a card gathers a record with
its related records (the process with its indicators' latest status, risks, documents and
interfaces; the audit with its findings and their actions…) on one A4 page.

Two rules hold on every card:

* **scope** — the main record is read through :func:`app.commands.records.get_for` (another
  service's record answers 404, as on the show page), and every related list through
  :func:`app.commands.records.scoped_select` and the artefact's readers, so a card never shows
  a row its reader could not open on its own;
* **fixed cost** — each related list is one query (eager-loading what its rows display) and
  indicator values come from :mod:`app.indicators`, so a card sends the same number of queries
  for a process with two risks as for one with two hundred.

Each card is its own ``BaseView`` so Flask-AppBuilder checks the artefact's existing
``can_read`` permission (``class_permission_name`` is the artefact's code name).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from flask import abort, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from app import registry
from app.charts import CARD, CARD_PRINT, trend_svg
from app.commands.errors import Forbidden, NotFound
from app.commands.records import Actor, get_for, scoped_select
from app.extensions import db
from app.indicators import formula as formulas
from app.indicators import latest as readings
from app.indicators import status as indicator_status
from app.models import (
    Action,
    Audit,
    Document,
    Finding,
    ImpactAssessment,
    Indicator,
    Process,
    Risk,
    ServiceObjective,
    SourceApplication,
    StrategicObjective,
    Target,
)
from app.models.indicators import indicator_service_objective, indicator_strategic_objective
from app.models.quality import STAKEHOLDERS, process_interface
from app.models.types import utcnow
from views.live import live_context

#: How many periods the indicator card lists (the full series is on the measurement list).
MEASUREMENTS_SHOWN = 24
#: How many targets the indicator card lists, most recent first.
TARGETS_SHOWN = 36

#: Criticality (likelihood × severity, 1–16) bands of the 4 × 4 matrix, highest first.
CRITICALITY_LEVELS: tuple[tuple[int, str, Any], ...] = (
    (12, "critique", _l("Critique")),
    (8, "elevee", _l("Élevée")),
    (4, "moderee", _l("Modérée")),
    (1, "faible", _l("Faible")),
)

#: Words of an impact score, −2 … +2 (the seed's analyse d'impact).
IMPACT_WORDS: dict[int, Any] = {
    -2: _l("Très négatif"),
    -1: _l("Négatif"),
    0: _l("Neutre"),
    1: _l("Positif"),
    2: _l("Très positif"),
}

#: Stakeholder groups of an impact assessment with their French heading.
STAKEHOLDER_LABELS: dict[str, Any] = {
    "partners": _l("Partenaires"),
    "users": _l("Usagers"),
    "citizens": _l("Administrés"),
    "staff": _l("Agents"),
    "environment": _l("Environnement"),
}


@dataclass(frozen=True)
class Level:
    """A criticality band as the matrix and the badges show it."""

    code: str
    label: Any

    @property
    def css_class(self) -> str:
        return f"vigie-crit-{self.code}"


def criticality_level(value: int | None) -> Level | None:
    """The band of a criticality (None when not assessed)."""
    if value is None:
        return None
    for floor, code, label in CRITICALITY_LEVELS:
        if value >= floor:
            return Level(code, label)
    return Level("faible", CRITICALITY_LEVELS[-1][2])


@dataclass(frozen=True)
class ImpactCell:
    """One stakeholder group's line of an impact assessment."""

    key: str
    label: Any
    score: int
    word: Any
    comment: str | None

    @property
    def css_class(self) -> str:
        return "vigie-impact-neg" if self.score < 0 else (
            "vigie-impact-pos" if self.score > 0 else "vigie-impact-neutral")

    @property
    def signed(self) -> str:
        """The score as the seed writes it (+2, 0, −1), with a true minus sign."""
        return f"+{self.score}" if self.score > 0 else str(self.score).replace("-", "−")


def impact_cells(assessment: ImpactAssessment) -> list[ImpactCell]:
    """The five stakeholder lines of an assessment, in the seed's order."""
    cells = []
    for key, _word in STAKEHOLDERS:
        score = int(getattr(assessment, key) or 0)
        cells.append(ImpactCell(key, STAKEHOLDER_LABELS[key], score,
                                IMPACT_WORDS.get(score, ""), getattr(assessment, f"{key}_comment")))
    return cells


# ------------------------------------------------------------------------------ helpers
def related(
    code: str,
    actor: Actor,
    *criteria: Any,
    options: Sequence[Any] = (),
    order_by: Sequence[Any] = (),
    limit: int | None = None,
) -> list[Any]:
    """Live records of an artefact the actor may read, matching ``criteria`` — one query.

    Empty (and no query) when the actor's role does not read that artefact at all.
    """
    artefact = registry.get(code)
    if not actor.may_read(artefact):
        return []
    stmt = scoped_select(artefact, actor, include_archived=False).where(*criteria)
    if options:
        stmt = stmt.options(*options)
    if order_by:
        stmt = stmt.order_by(*order_by)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(db.session.scalars(stmt).unique())


def readable(code: str, actor: Actor, obj: Any) -> Any:
    """``obj`` if the actor may read it (checked in memory, no query), else None."""
    if obj is None:
        return None
    artefact = registry.get(code)
    if not actor.may_read(artefact) or not artefact.scope.permits(obj, actor.scope):
        return None
    return obj


def readable_all(code: str, actor: Actor, objs: Iterable[Any]) -> list[Any]:
    return [obj for obj in objs if readable(code, actor, obj) is not None]


def _show_endpoints() -> dict[str, str]:
    """Artefact code name → endpoint of its generated views (built once per app)."""
    from flask import current_app

    cached = current_app.extensions.get("vigie_show_endpoints")
    if cached is None:
        cached = {
            view.artefact.code_name: view.endpoint
            for view in current_app.appbuilder.baseviews  # type: ignore[attr-defined]
            if getattr(view, "artefact", None) is not None and hasattr(view, "show")
        }
        current_app.extensions["vigie_show_endpoints"] = cached
    return cached


def record_url(code: str, pk: int) -> str | None:
    """The generic show page of a record (None if the artefact has no screens)."""
    endpoint = _show_endpoints().get(code)
    return url_for(f"{endpoint}.show", pk=pk) if endpoint else None


def card_url(code: str, pk: int) -> str | None:
    """The card of a record, for artefacts that have one."""
    endpoint = registry.get(code).card_endpoint
    return url_for(endpoint, pk=pk) if endpoint else None


def choice_label(code: str, column: str, value: str | None) -> str:
    """French label of a coded value, from the artefact's declaration (one place)."""
    choice = registry.get(code).choices.get(column)
    if value is None:
        return "—"
    return choice.label(value) if choice is not None else value


# -------------------------------------------------------------------------------- views
class CardView(BaseView):
    """One card route, ``/cards/<artefact>/<id>``, guarded by the artefact's ``can_read``.

    ``base_permissions`` names both permissions of the artefact although the card only
    checks ``can_read``: Flask-AppBuilder's permission sync deletes, from every role, any
    permission of a view menu that one view of that menu does not list, so listing only
    ``can_read`` here would strip ``can_write`` from the generated screens at each
    ``vigie roles sync``.
    """

    artefact_code: ClassVar[str]
    card_template: ClassVar[str]
    default_view = "card"
    method_permission_name = {"card": "read"}
    base_permissions = ["can_read", "can_write"]

    @expose("/<int:pk>", methods=["GET"])
    @has_access
    def card(self, pk: int) -> Any:
        artefact = registry.get(self.artefact_code)
        actor = Actor.current()
        try:
            item = get_for(artefact, pk, actor)
        except NotFound:
            abort(404)
        except Forbidden:
            abort(403)
        self.load_relations(item)
        context = self.gather(item, actor)
        return self.render_template(
            self.card_template,
            item=item,
            artefact=artefact,
            show_url=record_url(artefact.code_name, item.id),
            record_url=record_url,
            card_url=card_url,
            choice_label=choice_label,
            status_info=indicator_status.status_info,
            criticality_level=criticality_level,
            printed_at=utcnow(),
            printed_by=actor.user,
            **live_context(),
            today=date.today(),
            **context,
        )

    def eager(self) -> Sequence[Any]:
        """Loader options for what the card shows of the record itself (pilot, service…)."""
        return ()

    def load_relations(self, item: Any) -> None:
        """Load the record's own relations in one query, the same for every record.

        Left lazy, a many-to-one costs a query or none depending on whether the related row
        happens to be in the session already (the reader's own service is), so two cards
        would differ by a query or two; one eager query keeps every card at the same count.
        """
        options = self.eager()
        if options:
            model: Any = type(item)
            db.session.execute(
                select(model).options(*options).where(model.id == item.id)
            ).unique().all()

    def gather(self, item: Any, actor: Actor) -> dict[str, Any]:
        """The related records the card shows, each list in one scoped query."""
        raise NotImplementedError


class ProcessCardView(CardView):
    """Fiche d'identité processus: identity, interfaces, indicators, risks, documents."""

    route_base = "/cards/process"
    class_permission_name = "process"
    artefact_code = "process"
    card_template = "vigie/cards/process.html"

    def eager(self) -> Sequence[Any]:
        return (joinedload(Process.service), joinedload(Process.pilot))

    def gather(self, item: Process, actor: Actor) -> dict[str, Any]:
        linked = select(process_interface.c.other_process_id).where(
            process_interface.c.process_id == item.id)
        linking = select(process_interface.c.process_id).where(
            process_interface.c.other_process_id == item.id)
        interfaces = related(
            "process", actor, or_(Process.id.in_(linked), Process.id.in_(linking)),
            options=(joinedload(Process.service), joinedload(Process.pilot)),
            order_by=(Process.code,),
        )
        indicators = related(
            "indicator", actor, Indicator.process_id == item.id,
            options=(joinedload(Indicator.owner_service),), order_by=(Indicator.code,),
        )
        risks = related(
            "risk", actor, Risk.process_id == item.id,
            options=(joinedload(Risk.owner),),
            order_by=(Risk.criticality.desc(), Risk.id),
        )
        documents = related(
            "document", actor, Document.process_id == item.id,
            order_by=(Document.code,),
        )
        return {
            "service": readable("service", actor, item.service),
            "interfaces": interfaces,
            "indicators": indicators,
            "readings": readings.latest_readings(indicators),
            "risks": risks,
            "documents": documents,
        }


class IndicatorCardView(CardView):
    """Fiche indicateur: definition, targets, latest value and status, the last periods."""

    route_base = "/cards/indicator"
    class_permission_name = "indicator"
    artefact_code = "indicator"
    card_template = "vigie/cards/indicator.html"

    def eager(self) -> Sequence[Any]:
        return (
            joinedload(Indicator.owner_service), joinedload(Indicator.owner),
            joinedload(Indicator.linked_process).joinedload(Process.service),
            joinedload(Indicator.source_application).joinedload(SourceApplication.owner_service),
        )

    def gather(self, item: Indicator, actor: Actor) -> dict[str, Any]:
        targets = related(
            "target", actor, Target.indicator_id == item.id,
            order_by=(Target.period.desc(),), limit=TARGETS_SHOWN,
        )
        measurement_artefact = registry.get("measurement")
        if actor.may_read(measurement_artefact):
            recent = readings.recent_measurements(item, MEASUREMENTS_SHOWN)
            total = readings.count_measurements(item)
            history = readings.period_readings(item, recent)
            newest = history[0] if history else readings.Reading(
                item, None, None, indicator_status.NO_DATA)
            latest = readings.as_latest(newest)
        else:
            recent, total, history = [], 0, []
            latest = readings.Reading(item, None, None, indicator_status.NO_DATA)
        service_objectives = related(
            "service_objective", actor,
            ServiceObjective.id.in_(
                select(indicator_service_objective.c.service_objective_id).where(
                    indicator_service_objective.c.indicator_id == item.id)),
            options=(joinedload(ServiceObjective.service),),
            order_by=(ServiceObjective.year.desc(), ServiceObjective.title),
        )
        strategic_objectives = related(
            "strategic_objective", actor,
            StrategicObjective.id.in_(
                select(indicator_strategic_objective.c.strategic_objective_id).where(
                    indicator_strategic_objective.c.indicator_id == item.id)),
            order_by=(StrategicObjective.code,),
        )
        return {
            "owner_service": readable("service", actor, item.owner_service),
            "process": readable("process", actor, item.linked_process),
            "source_application": readable("source_application", actor,
                                           item.source_application),
            "targets": targets,
            "latest": latest,
            "history": history,
            "measurement_total": total,
            "measurements_shown": len(recent),
            "measurement_list_url": _measurement_list_url(item.id),
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
        codes = _in_formula_order(item.formula,
                                  formulas.references(formulas.parse(item.formula)))
    except formulas.FormulaError as exc:
        error = str(exc)
    found = related("indicator", actor, Indicator.code.in_(codes), order_by=(Indicator.code,))
    by_code = {indicator.code: indicator for indicator in found}
    latest = readings.latest_readings(found)
    return Calculation(
        item.formula,
        [FormulaInput(code, by_code.get(code),
                      latest.get(by_code[code].id) if code in by_code else None)
         for code in codes],
        error,
    )


def _in_formula_order(text: str, codes: set[str]) -> list[str]:
    """Codes as the formula first names them (the reader reads the formula left to right)."""
    upper = text.upper()
    return sorted(codes, key=lambda code: (upper.find(code.upper()), code))


class RiskCardView(CardView):
    """Fiche de maîtrise des risques: criticality, controls, impact per stakeholder, actions."""

    route_base = "/cards/risk"
    class_permission_name = "risk"
    artefact_code = "risk"
    card_template = "vigie/cards/risk.html"

    def eager(self) -> Sequence[Any]:
        return (
            joinedload(Risk.service), joinedload(Risk.owner),
            joinedload(Risk.linked_process).joinedload(Process.service),
        )

    def gather(self, item: Risk, actor: Actor) -> dict[str, Any]:
        assessments = related(
            "impact_assessment", actor, ImpactAssessment.risk_id == item.id,
            order_by=(ImpactAssessment.id.desc(),),
        )
        assessments.sort(key=lambda a: (a.assessed_on or date.min, a.id), reverse=True)
        actions = related(
            "action", actor, Action.risk_id == item.id,
            options=(joinedload(Action.owner),),
            order_by=(Action.due_date, Action.id),
        )
        current = assessments[0] if assessments else None
        return {
            "service": readable("service", actor, item.service),
            "process": readable("process", actor, item.linked_process),
            "assessment": current,
            "impacts": impact_cells(current) if current is not None else [],
            "earlier_assessments": [(a, impact_cells(a)) for a in assessments[1:]],
            "actions": actions,
            "matrix": risk_matrix(item),
            "stakeholder_labels": STAKEHOLDER_LABELS,
        }


class AuditCardView(CardView):
    """Audit page: identity, findings grouped by kind, each with its actions."""

    route_base = "/cards/audit"
    class_permission_name = "audit"
    artefact_code = "audit"
    card_template = "vigie/cards/audit.html"

    def eager(self) -> Sequence[Any]:
        return (
            joinedload(Audit.programme), joinedload(Audit.lead_auditor),
            selectinload(Audit.services),
            selectinload(Audit.processes).joinedload(Process.service),
            selectinload(Audit.auditors), selectinload(Audit.auditees),
        )

    def gather(self, item: Audit, actor: Actor) -> dict[str, Any]:
        from app.declarations.choices import FINDING_KIND

        findings = related(
            "finding", actor, Finding.audit_id == item.id,
            options=(joinedload(Finding.service), joinedload(Finding.linked_process)),
            order_by=(Finding.id,),
        )
        actions = related(
            "action", actor,
            Action.finding_id.in_(select(Finding.id).where(Finding.audit_id == item.id)),
            options=(joinedload(Action.owner),),
            order_by=(Action.due_date, Action.id),
        )
        by_finding: dict[int, list[Action]] = {}
        for action in actions:
            if action.finding_id is not None:
                by_finding.setdefault(action.finding_id, []).append(action)
        groups = []
        for code, label in FINDING_KIND.values:
            members = [f for f in findings if f.kind == code]
            if members:
                groups.append((code, label, members))
        known = set(FINDING_KIND.codes)
        others = [f for f in findings if f.kind not in known]
        if others:
            groups.append(("autre", _l("Autres constats"), others))
        services = list(item.services)
        processes = list(item.processes)
        shown_services = readable_all("service", actor, services)
        shown_processes = readable_all("process", actor, processes)
        return {
            "services": sorted(shown_services, key=lambda s: s.code),
            "hidden_services": len(services) - len(shown_services),
            "processes": sorted(shown_processes, key=lambda p: p.code),
            "hidden_processes": len(processes) - len(shown_processes),
            "auditors": sorted(item.auditors, key=str),
            "auditees": sorted(item.auditees, key=str),
            "groups": groups,
            "finding_count": len(findings),
            "actions_by_finding": by_finding,
            "late_actions": sum(1 for a in actions if a.late),
        }


CARD_VIEWS: tuple[type[CardView], ...] = (
    ProcessCardView, IndicatorCardView, RiskCardView, AuditCardView,
)


def register_cards(appbuilder: Any) -> None:
    """Add the card routes (no menu entry: cards open from a record's « Fiche » button)."""
    for view in CARD_VIEWS:
        appbuilder.add_view_no_menu(view)


# ----------------------------------------------------------------------- visual helpers
def _measurement_list_url(indicator_id: int) -> str | None:
    endpoint = _show_endpoints().get("measurement")
    if endpoint is None:
        return None
    return url_for(f"{endpoint}.list") + f"?_flt_0_indicator={indicator_id}"


@dataclass(frozen=True)
class MatrixCell:
    """One cell of the 4 × 4 risk matrix and the markers placed in it."""

    likelihood: int
    severity: int
    level: Level
    gross: bool
    residual: bool

    @property
    def value(self) -> int:
        return self.likelihood * self.severity


def risk_matrix(risk: Risk) -> list[list[MatrixCell]]:
    """Rows from severity 4 (top) to 1, columns likelihood 1 to 4, with the risk placed."""
    rows = []
    for severity in (4, 3, 2, 1):
        row = []
        for likelihood in (1, 2, 3, 4):
            level = criticality_level(likelihood * severity)
            assert level is not None
            row.append(MatrixCell(
                likelihood, severity, level,
                gross=(risk.likelihood, risk.severity) == (likelihood, severity),
                residual=(risk.residual_likelihood, risk.residual_severity)
                == (likelihood, severity),
            ))
        rows.append(row)
    return rows
