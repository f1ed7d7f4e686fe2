"""What the printable cards (fiches) show, gathered without a request: the screen and the PDF.

A card shows one record with its related records (the process with its indicators' latest
status, risks, documents and interfaces; the audit with its findings and their actions…).
The same card is drawn on screen (:mod:`views.cards`, a route per artefact) and printed to PDF
by a worker (:mod:`reports.card_pdf`), where there is no request: so everything here takes
the reader as an :class:`~app.commands.records.Actor` and its links as a :class:`Links`, and
never touches ``request``, ``current_user`` or a request-bound ``url_for``.

Two rules hold on every card:

* **scope** — the main record is read through :func:`app.commands.records.get_for` (another
  service's record answers NotFound, as on the show page), and every related list through
  :func:`app.commands.records.scoped_select` and the artefact's readers, so a card never shows
  a row its reader could not open on its own;
* **fixed cost** — each related list is one query (eager-loading what its rows display) and
  indicator values come from :mod:`app.indicators`, so a card sends the same number of queries
  for a process with two risks as for one with two hundred.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from app import registry
from app.charts import CARD, CARD_PRINT, trend_svg
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
        return (
            "vigie-impact-neg"
            if self.score < 0
            else ("vigie-impact-pos" if self.score > 0 else "vigie-impact-neutral")
        )

    @property
    def signed(self) -> str:
        """The score as the seed writes it (+2, 0, −1), with a true minus sign."""
        return f"+{self.score}" if self.score > 0 else str(self.score).replace("-", "−")


def impact_cells(assessment: ImpactAssessment) -> list[ImpactCell]:
    """The five stakeholder lines of an assessment, in the seed's order."""
    cells = []
    for key, _word in STAKEHOLDERS:
        score = int(getattr(assessment, key) or 0)
        cells.append(
            ImpactCell(
                key,
                STAKEHOLDER_LABELS[key],
                score,
                IMPACT_WORDS.get(score, ""),
                getattr(assessment, f"{key}_comment"),
            )
        )
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


def choice_label(code: str, column: str, value: str | None) -> str:
    """French label of a coded value, from the artefact's declaration (one place)."""
    choice = registry.get(code).choices.get(column)
    if value is None:
        return "—"
    return choice.label(value) if choice is not None else value


# -------------------------------------------------------------------------------- links
def _show_endpoints() -> dict[str, str]:
    """Artefact code name → endpoint of its generated views (built once per app)."""
    cached = current_app.extensions.get("vigie_show_endpoints")
    if cached is None:
        cached = {
            view.artefact.code_name: view.endpoint
            for view in current_app.appbuilder.baseviews  # type: ignore[attr-defined]
            if getattr(view, "artefact", None) is not None and hasattr(view, "show")
        }
        current_app.extensions["vigie_show_endpoints"] = cached
    return cached


@dataclass(frozen=True)
class Links:
    """Where a card's links lead.

    On screen (``base`` None) they are paths of the current site, from ``url_for``. A PDF is
    built by a worker with no request to take a host from: its links are absolute addresses
    under ``VIGIE_BASE_URL`` (:meth:`external`), so a card read on paper or on screen still
    opens the record; with an empty ``base`` a card has no links at all (plain text).
    """

    base: str | None = None

    @classmethod
    def external(cls) -> Links:
        return cls(str(current_app.config.get("VIGIE_BASE_URL") or ""))

    def url(self, endpoint: str, **values: Any) -> str | None:
        if self.base is None:
            return url_for(endpoint, **values)
        if not self.base:
            return None
        parts = urlsplit(self.base)
        adapter = current_app.url_map.bind(
            parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "https"
        )
        return adapter.build(endpoint, values, force_external=True)

    def record(self, code: str, pk: int) -> str | None:
        """The generic show page of a record (None if the artefact has no screens)."""
        endpoint = _show_endpoints().get(code)
        return self.url(f"{endpoint}.show", pk=pk) if endpoint else None

    def card(self, code: str, pk: int) -> str | None:
        """The card of a record, for artefacts that have one."""
        endpoint = registry.get(code).card_endpoint
        return self.url(endpoint, pk=pk) if endpoint else None

    def measurement_list(self, indicator_id: int) -> str | None:
        """The measurement list filtered on one indicator (its full series)."""
        endpoint = _show_endpoints().get("measurement")
        url = self.url(f"{endpoint}.list") if endpoint else None
        return f"{url}?_flt_0_indicator={indicator_id}" if url else None


# ---------------------------------------------------------------------------- gatherers
def _process(item: Process, actor: Actor, links: Links) -> dict[str, Any]:
    """Fiche d'identité processus: identity, interfaces, indicators, risks, documents."""
    linked = select(process_interface.c.other_process_id).where(
        process_interface.c.process_id == item.id
    )
    linking = select(process_interface.c.process_id).where(
        process_interface.c.other_process_id == item.id
    )
    interfaces = related(
        "process",
        actor,
        or_(Process.id.in_(linked), Process.id.in_(linking)),
        options=(joinedload(Process.service), joinedload(Process.pilot)),
        order_by=(Process.code,),
    )
    indicators = related(
        "indicator",
        actor,
        Indicator.process_id == item.id,
        options=(joinedload(Indicator.owner_service),),
        order_by=(Indicator.code,),
    )
    risks = related(
        "risk",
        actor,
        Risk.process_id == item.id,
        options=(joinedload(Risk.owner),),
        order_by=(Risk.criticality.desc(), Risk.id),
    )
    documents = related(
        "document",
        actor,
        Document.process_id == item.id,
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


def _indicator(item: Indicator, actor: Actor, links: Links) -> dict[str, Any]:
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


def _risk(item: Risk, actor: Actor, links: Links) -> dict[str, Any]:
    """Fiche de maîtrise des risques: criticality, controls, impact per stakeholder, actions."""
    assessments = related(
        "impact_assessment",
        actor,
        ImpactAssessment.risk_id == item.id,
        order_by=(ImpactAssessment.id.desc(),),
    )
    assessments.sort(key=lambda a: (a.assessed_on or date.min, a.id), reverse=True)
    actions = related(
        "action",
        actor,
        Action.risk_id == item.id,
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


def _audit(item: Audit, actor: Actor, links: Links) -> dict[str, Any]:
    """Audit page: identity, findings grouped by kind, each with its actions."""
    from app.declarations.choices import FINDING_KIND

    findings = related(
        "finding",
        actor,
        Finding.audit_id == item.id,
        options=(joinedload(Finding.service), joinedload(Finding.linked_process)),
        order_by=(Finding.id,),
    )
    actions = related(
        "action",
        actor,
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


# ----------------------------------------------------------------------- visual helpers
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
            row.append(
                MatrixCell(
                    likelihood,
                    severity,
                    level,
                    gross=(risk.likelihood, risk.severity) == (likelihood, severity),
                    residual=(risk.residual_likelihood, risk.residual_severity)
                    == (likelihood, severity),
                )
            )
        rows.append(row)
    return rows


# ------------------------------------------------------------------------------- kinds
@dataclass(frozen=True)
class CardKind:
    """One kind of card: its template, its title, how its record and related rows load.

    ``eager`` are loader options for what the card shows of the record itself (pilot,
    service…); ``gather`` returns the related rows, each list in one scoped query.
    """

    code: str
    template: str
    label: Any  # lazy French title of the kind (« Fiche indicateur »)
    #: French word of the PDF's file name (``Fiche_<word>_<code>.pdf``), never translated.
    file_word: str
    heading: Callable[[Any], str]
    gather: Callable[[Any, Actor, Links], dict[str, Any]]
    eager: Callable[[], Sequence[Any]] = tuple


CARD_KINDS: dict[str, CardKind] = {
    kind.code: kind
    for kind in (
        CardKind(
            "process",
            "vigie/cards/process.html",
            _l("Fiche d'identité processus"),
            "processus",
            lambda item: f"{item.code} — {item.name}",
            _process,
            lambda: (joinedload(Process.service), joinedload(Process.pilot)),
        ),
        CardKind(
            "indicator",
            "vigie/cards/indicator.html",
            _l("Fiche indicateur"),
            "indicateur",
            lambda item: f"{item.code} — {item.name}",
            _indicator,
            lambda: (
                joinedload(Indicator.owner_service),
                joinedload(Indicator.owner),
                joinedload(Indicator.linked_process).joinedload(Process.service),
                joinedload(Indicator.source_application).joinedload(
                    SourceApplication.owner_service
                ),
            ),
        ),
        CardKind(
            "risk",
            "vigie/cards/risk.html",
            _l("Fiche de maîtrise des risques"),
            "risque",
            lambda item: item.title,
            _risk,
            lambda: (
                joinedload(Risk.service),
                joinedload(Risk.owner),
                joinedload(Risk.linked_process).joinedload(Process.service),
            ),
        ),
        CardKind(
            "audit",
            "vigie/cards/audit.html",
            _l("Fiche d'audit"),
            "audit",
            lambda item: f"{item.code} — {item.title}",
            _audit,
            lambda: (
                joinedload(Audit.programme),
                joinedload(Audit.lead_auditor),
                selectinload(Audit.services),
                selectinload(Audit.processes).joinedload(Process.service),
                selectinload(Audit.auditors),
                selectinload(Audit.auditees),
            ),
        ),
    )
}


def load_relations(item: Any, options: Sequence[Any]) -> None:
    """Load the record's own relations in one query, the same for every record.

    Left lazy, a many-to-one costs a query or none depending on whether the related row
    happens to be in the session already (the reader's own service is), so two cards
    would differ by a query or two; one eager query keeps every card at the same count.
    """
    if options:
        model: Any = type(item)
        db.session.execute(
            select(model).options(*options).where(model.id == item.id)
        ).unique().all()


def card_context(code: str, pk: Any, actor: Actor, links: Links) -> dict[str, Any]:
    """Everything a card's template needs, read as ``actor`` — for the screen and the PDF.

    Raises :class:`~app.commands.errors.NotFound` for a record the actor may not read (or
    that does not exist) and :class:`~app.commands.errors.Forbidden` when the role reads no
    such artefact: the screen answers 404/403, a PDF job fails with the French message.
    """
    kind = CARD_KINDS[code]
    artefact = registry.get(code)
    item = get_for(artefact, pk, actor)
    load_relations(item, kind.eager())
    gathered = kind.gather(item, actor, links)
    return {
        "item": item,
        "artefact": artefact,
        "card_kind": kind.label,
        "card_heading": kind.heading(item),
        "show_url": links.record(artefact.code_name, item.id),
        "record_url": links.record,
        "card_url": links.card,
        "choice_label": choice_label,
        "status_info": indicator_status.status_info,
        "criticality_level": criticality_level,
        "printed_at": utcnow(),
        "printed_by": actor.user,
        "today": date.today(),
        **gathered,
    }
