"""What a service's annual report says, read as the person who asked for it.

Everything goes through the requester's scope: the service itself through
:func:`app.commands.records.get_for` (another service answers NotFound, which the job
framework turns into a failed job with the French message) and every list through
:func:`app.reading.related` (scoped, live records, one query each). Indicator values come
from :func:`app.indicators.year_series.year_series` in three queries, complaints are counted
by the database: the report sends the same number of queries for a service with two
indicators as for one with two hundred (``tests/test_report_documents.py`` counts them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from markupsafe import Markup
from sqlalchemy import and_, case, func, literal_column, or_, select
from sqlalchemy.orm import joinedload

from app import registry
from app.cards.context import load_relations
from app.charts import PDF, trend_svg
from app.declarations.choices import FINDING_KIND
from app.extensions import db
from app.indicators import status as st
from app.indicators.latest import Reading
from app.indicators.year_series import YearSeries, year_series
from app.models import (
    Action,
    Audit,
    AuditProgramme,
    Complaint,
    Finding,
    Indicator,
    ManagementReview,
    Process,
    Proposal,
    Risk,
    Service,
    ServiceObjective,
    StrategicObjective,
    Survey,
)
from app.models.indicators import indicator_service_objective
from app.models.quality import OPEN_ACTION_STATES, audit_process, audit_service
from app.models.reviews import survey_service
from app.reading import get_for, related, scoped_select
from app.security.actor import Actor

#: Complaint states still waiting for an answer.
OPEN_COMPLAINT_STATES = ("recue", "en_traitement")


@dataclass(frozen=True)
class IndicatorLine:
    """One indicator as the report shows it: its year, its standing, its trend."""

    series: YearSeries
    chart: Markup | None

    @property
    def indicator(self) -> Indicator:
        return self.series.indicator

    @property
    def latest(self) -> Reading:
        return self.series.latest


@dataclass(frozen=True)
class ObjectiveBlock:
    """A service objective of the year with its indicators and their weighted score."""

    objective: ServiceObjective
    lines: list[IndicatorLine]

    @property
    def score(self) -> float | None:
        """Weighted mean of the indicators' scores (those without one are left out)."""
        scored = [
            (max(line.indicator.weight, 0.0), line.latest.evaluation.score)
            for line in self.lines
            if line.latest.evaluation.score is not None
        ]
        total = sum(weight for weight, _score in scored)
        if total <= 0:
            return None
        return sum(weight * (score or 0.0) for weight, score in scored) / total

    @property
    def status(self) -> st.Status:
        return st.status_info(st.status_for_score(self.score))


@dataclass(frozen=True)
class ProcessBlock:
    """A process of the service and its risks, most critical first (``process`` None: the
    service's risks attached to no process of its own)."""

    process: Process | None
    risks: list[Risk]


@dataclass(frozen=True)
class ComplaintRow:
    """Complaints of one channel (or all of them) received in the year."""

    channel: str | None
    received: int = 0
    answered: int = 0
    mean_days: float | None = None
    justified: int = 0
    still_open: int = 0


@dataclass(frozen=True)
class ComplaintFigures:
    """The year's complaints by channel, their total and the previous year's volume."""

    rows: list[ComplaintRow]
    total: ComplaintRow
    previous: int

    @property
    def change(self) -> float | None:
        """Change of volume against the previous year, as a fraction (None: no basis)."""
        if not self.previous:
            return None
        return (self.total.received - self.previous) / self.previous


@dataclass
class ServiceYear:
    """Everything the report on one service and one year shows."""

    service: Service
    year: int
    children: list[Service]
    objectives: list[ObjectiveBlock]
    indicators: list[IndicatorLine]
    processes: list[ProcessBlock]
    audits: list[Audit]
    findings: dict[int, list[Finding]]
    finding_actions: dict[int, list[Action]]
    actions: list[Action]
    complaints: ComplaintFigures | None
    surveys: list[Survey]
    reviews: list[ManagementReview]
    proposals: list[Proposal]
    reads: dict[str, bool] = field(default_factory=dict)

    @property
    def status_counts(self) -> list[tuple[st.Status, int]]:
        """How many indicators stand at each status at year end (statuses present only)."""
        counts: dict[str, int] = {}
        for line in self.indicators:
            counts[line.latest.status.code] = counts.get(line.latest.status.code, 0) + 1
        order = (
            st.ATTEINT,
            st.VIGILANCE,
            st.NON_ATTEINT,
            st.EN_RETARD,
            st.SANS_CIBLE,
            st.SANS_DONNEE,
        )
        return [(st.status_info(code), counts[code]) for code in order if code in counts]

    @property
    def objective_states(self) -> list[tuple[str, int]]:
        """How many of the year's objectives are in each state, in order of appearance."""
        counts: dict[str, int] = {}
        for block in self.objectives:
            counts[block.objective.state] = counts.get(block.objective.state, 0) + 1
        return list(counts.items())

    @property
    def late_actions(self) -> int:
        return sum(1 for action in self.actions if action.late)

    @property
    def risk_count(self) -> int:
        return sum(len(block.risks) for block in self.processes)

    @property
    def high_risks(self) -> int:
        """Risks whose gross criticality is « élevée » or « critique » (8 and above)."""
        return sum(
            1 for block in self.processes for risk in block.risks if (risk.criticality or 0) >= 8
        )

    @property
    def finding_count(self) -> int:
        return sum(len(found) for found in self.findings.values())

    @property
    def nonconformities(self) -> int:
        return sum(1 for found in self.findings.values() for f in found if f.is_nonconformity)


# ------------------------------------------------------------------------------ reading
def gather(service_id: Any, year: int, actor: Actor, today: date | None = None) -> ServiceYear:
    """The report's data — a fixed number of queries, whatever the service holds."""
    today = today or date.today()
    service = get_for(registry.get("service"), service_id, actor)
    load_relations(service, (joinedload(Service.parent), joinedload(Service.head)))
    children = related("service", actor, Service.parent_id == service.id, order_by=(Service.code,))
    objectives = related(
        "service_objective",
        actor,
        ServiceObjective.service_id == service.id,
        ServiceObjective.year == year,
        options=(
            joinedload(ServiceObjective.strategic_objective).joinedload(StrategicObjective.axis),
        ),
        order_by=(ServiceObjective.id,),
    )
    lines, links = _indicator_lines(service.id, objectives, year, actor, today)
    audits = _audits(service.id, year, actor)
    findings = related(
        "finding",
        actor,
        Finding.audit_id.in_([a.id for a in audits]),
        Finding.service_id == service.id,
        options=(joinedload(Finding.linked_process),),
        order_by=(Finding.id,),
    )
    finding_actions = related(
        "action", actor, Action.finding_id.in_([f.id for f in findings]), order_by=(Action.code,)
    )
    return ServiceYear(
        service=service,
        year=year,
        children=children,
        objectives=[
            ObjectiveBlock(o, [lines[i] for i in links.get(o.id, []) if i in lines])
            for o in objectives
        ],
        indicators=sorted(lines.values(), key=lambda line: line.indicator.code),
        processes=_processes(service.id, actor),
        audits=audits,
        findings=_by_audit(findings),
        finding_actions=_group(finding_actions, "finding_id"),
        actions=_actions(service.id, year, actor),
        complaints=complaint_figures(service.id, year, actor),
        surveys=_surveys(service.id, year, actor),
        reviews=related(
            "management_review",
            actor,
            ManagementReview.year == year,
            order_by=(ManagementReview.id,),
        ),
        proposals=related(
            "proposal",
            actor,
            Proposal.service_id == service.id,
            Proposal.review_id.in_(
                select(ManagementReview.id).where(
                    ManagementReview.year == year, ManagementReview.archived.is_(False)
                )
            ),
            options=(
                joinedload(Proposal.review),
                joinedload(Proposal.indicator),
                joinedload(Proposal.decided_by),
            ),
            order_by=(Proposal.review_id, Proposal.id),
        ),
        reads={
            code: actor.may_read(registry.get(code))
            for code in (
                "indicator",
                "measurement",
                "process",
                "risk",
                "audit",
                "finding",
                "action",
                "complaint",
                "survey",
                "proposal",
            )
        },
    )


def _indicator_lines(
    service_id: int, objectives: Sequence[ServiceObjective], year: int, actor: Actor, today: date
) -> tuple[dict[int, IndicatorLine], dict[int, list[int]]]:
    """The service's indicators and those measuring its objectives, with their year — five
    queries (links, indicators, values, targets, due dates)."""
    links: dict[int, list[int]] = {}
    for objective_id, indicator_id in db.session.execute(
        select(
            indicator_service_objective.c.service_objective_id,
            indicator_service_objective.c.indicator_id,
        ).where(indicator_service_objective.c.service_objective_id.in_([o.id for o in objectives]))
    ):
        links.setdefault(objective_id, []).append(indicator_id)
    linked = sorted({i for ids in links.values() for i in ids})
    indicators = related(
        "indicator",
        actor,
        or_(Indicator.owner_service_id == service_id, Indicator.id.in_(linked)),
        order_by=(Indicator.code,),
    )
    if actor.may_read(registry.get("measurement")):
        series = year_series(indicators, year, today)
    else:
        series = {i.id: YearSeries(i, [], Reading(i, None, None, st.NO_DATA)) for i in indicators}
    lines = {
        i.id: IndicatorLine(
            series[i.id], trend_svg(series[i.id].history, PDF) if series[i.id].history else None
        )
        for i in indicators
    }
    for ids in links.values():
        ids.sort(key=lambda i: lines[i].indicator.code if i in lines else "")
    return lines, links


def _processes(service_id: int, actor: Actor) -> list[ProcessBlock]:
    """The service's processes, each with its risks, and the risks on no process of its."""
    processes = related(
        "process",
        actor,
        Process.service_id == service_id,
        options=(joinedload(Process.pilot),),
        order_by=(Process.code,),
    )
    risks = related(
        "risk",
        actor,
        Risk.service_id == service_id,
        options=(joinedload(Risk.owner), joinedload(Risk.linked_process)),
        order_by=(Risk.id,),
    )
    risks.sort(key=lambda r: (-(r.criticality or 0), -(r.residual_criticality or 0), r.id))
    own = {p.id for p in processes}
    blocks = [ProcessBlock(p, [r for r in risks if r.process_id == p.id]) for p in processes]
    loose = [r for r in risks if r.process_id not in own]
    if loose:
        blocks.append(ProcessBlock(None, loose))
    return blocks


def _audits(service_id: int, year: int, actor: Actor) -> list[Audit]:
    """Audits of the year covering the service or one of its processes (by their dates,
    else by their programme's year)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    held = func.coalesce(Audit.start_date, Audit.planned_date)
    touching = or_(
        Audit.id.in_(
            select(audit_service.c.audit_id).where(audit_service.c.service_id == service_id)
        ),
        Audit.id.in_(
            select(audit_process.c.audit_id)
            .join(Process, Process.id == audit_process.c.process_id)
            .where(Process.service_id == service_id)
        ),
    )
    in_year = or_(
        and_(held >= start, held <= end),
        and_(
            held.is_(None),
            Audit.programme_id.in_(select(AuditProgramme.id).where(AuditProgramme.year == year)),
        ),
    )
    audits = related(
        "audit",
        actor,
        touching,
        in_year,
        options=(joinedload(Audit.lead_auditor),),
        order_by=(Audit.id,),
    )
    audits.sort(key=lambda a: (a.start_date or a.planned_date or end, a.code))
    return audits


def _by_audit(findings: Sequence[Finding]) -> dict[int, list[Finding]]:
    """Findings per audit, the gravest kind first (majeure, mineure, observation…)."""
    order = {code: i for i, code in enumerate(FINDING_KIND.codes)}
    grouped = _group(findings, "audit_id")
    for found in grouped.values():
        found.sort(key=lambda f: (order.get(f.kind, len(order)), f.id))
    return grouped


def _group(rows: Sequence[Any], key: str) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = {}
    for row in rows:
        grouped.setdefault(getattr(row, key), []).append(row)
    return grouped


def _actions(service_id: int, year: int, actor: Actor) -> list[Action]:
    """The service's actions alive during the year (opened by its end, not cancelled, still
    open or completed within it), late ones first, then by due date."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    actions = related(
        "action",
        actor,
        Action.service_id == service_id,
        Action.state != "annulee",
        or_(Action.opened_on.is_(None), Action.opened_on <= end),
        or_(Action.state.in_(OPEN_ACTION_STATES), Action.completed_on >= start),
        options=(joinedload(Action.owner),),
        order_by=(Action.code,),
    )
    actions.sort(key=lambda a: (not a.late, a.due_date or date.max, a.code))
    return actions


def complaint_figures(service_id: int, year: int, actor: Actor) -> ComplaintFigures | None:
    """Complaints received in the year by channel, and last year's volume — one query,
    counted by the database (a town receives thousands). None if the reader may not read
    complaints."""
    artefact = registry.get("complaint")
    if not actor.may_read(artefact):
        return None
    start = date(year, 1, 1)
    rows = (
        scoped_select(artefact, actor, include_archived=False)
        .where(
            Complaint.service_id == service_id,
            Complaint.received_on >= date(year - 1, 1, 1),
            Complaint.received_on <= date(year, 12, 31),
        )
        .subquery()
    )
    stmt = select(
        case((rows.c.received_on >= start, 1), else_=0).label("in_year"),
        rows.c.channel,
        func.count().label("received"),
        func.count(rows.c.answered_on).label("answered"),
        func.avg(rows.c.processing_days).label("mean_days"),
        func.sum(case((rows.c.justified.is_(True), 1), else_=0)).label("justified"),
        func.sum(case((rows.c.status.in_(OPEN_COMPLAINT_STATES), 1), else_=0)).label("still_open"),
    ).group_by(literal_column("in_year"), rows.c.channel)
    current: list[ComplaintRow] = []
    previous = 0
    for row in db.session.execute(stmt):
        if not row.in_year:
            previous += int(row.received)
            continue
        current.append(
            ComplaintRow(
                row.channel,
                int(row.received),
                int(row.answered),
                float(row.mean_days) if row.mean_days is not None else None,
                int(row.justified or 0),
                int(row.still_open or 0),
            )
        )
    current.sort(key=lambda r: (-r.received, r.channel or ""))
    answered = sum(r.answered for r in current)
    days = sum((r.mean_days or 0.0) * r.answered for r in current)
    total = ComplaintRow(
        None,
        sum(r.received for r in current),
        answered,
        days / answered if answered else None,
        sum(r.justified for r in current),
        sum(r.still_open for r in current),
    )
    return ComplaintFigures(current, total, previous)


def _surveys(service_id: int, year: int, actor: Actor) -> list[Survey]:
    """Satisfaction surveys of the year covering the service (by period, else by date)."""
    return related(
        "survey",
        actor,
        Survey.id.in_(
            select(survey_service.c.survey_id).where(survey_service.c.service_id == service_id)
        ),
        or_(
            Survey.period.like(f"{year}%"),
            and_(
                Survey.period.is_(None),
                Survey.conducted_on.between(date(year, 1, 1), date(year, 12, 31)),
            ),
        ),
        order_by=(Survey.conducted_on, Survey.id),
    )
