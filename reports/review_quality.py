"""The quality-system inputs of a management review: audits, action plan, users' voice,
certifications — each read through the reader's scope in a fixed number of queries.

ISO 9001 § 9.3.2 lists what a management review must consider: audit results,
nonconformities and corrective actions, customer satisfaction and feedback, the status of
actions from previous reviews. These gatherers return exactly that for the pack's chapters,
as plain values the template prints; they never send a query per row (complaints are counted
by the database, grouped by service, rather than loaded: a town receives thousands).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import case, func, or_
from sqlalchemy.orm import joinedload, selectinload

from app import registry
from app.declarations.choices import FINDING_KIND
from app.extensions import db
from app.models import Action, Audit, Certification, Complaint, Finding, Service, Survey
from app.models.quality import OPEN_ACTION_STATES
from app.reading import readable, readable_all, related, scoped_select
from app.security.actor import Actor

#: A complaint answered within this many days counts as answered in time (the town's
#: commitment, tracked by the indicator « Taux de réclamations traitées sous 15 jours »).
COMPLAINT_DEADLINE_DAYS = 15
#: Complaint statuses still waiting for an answer.
UNANSWERED = ("recue", "en_traitement")
#: Severity order of finding kinds (non-conformities first).
KIND_ORDER = {code: index for index, code in enumerate(FINDING_KIND.codes)}
#: Open findings the pack lists one by one, most serious kind first.
FINDINGS_LISTED = 80
#: A certification expiring within this many days is flagged.
EXPIRY_WARNING_DAYS = 183


@dataclass(frozen=True)
class Window:
    """The period a review looks back on: since the day after the previous review (or the
    first of January of its year, whichever is earlier) to the end of its year."""

    start: date
    end: date


# ------------------------------------------------------------------------------ audits
@dataclass
class AuditRow:
    audit: Audit
    services: list[Service]
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class OpenFinding:
    finding: Finding
    audit: Audit | None
    actions: list[Action]


@dataclass
class Audits:
    rows: list[AuditRow]
    kinds: list[tuple[str, Any]]
    open_findings: list[OpenFinding]
    #: Every finding not closed (the pack lists the :data:`FINDINGS_LISTED` most serious).
    open_total: int = 0


def audits(actor: Actor, window: Window) -> Audits:
    """Audits planned or held in the window with their findings by kind, and every finding
    not closed yet with its actions — four queries."""
    in_window = or_(
        Audit.planned_date.between(window.start, window.end),
        Audit.start_date.between(window.start, window.end),
    )
    found = related(
        "audit",
        actor,
        in_window,
        options=(selectinload(Audit.services),),
        order_by=(Audit.planned_date, Audit.code),
    )
    counts: dict[int, Counter[str]] = {a.id: Counter() for a in found}
    if found:
        stmt = scoped_select(registry.get("finding"), actor, include_archived=False)
        stmt = (
            stmt.with_only_columns(Finding.audit_id, Finding.kind, func.count())
            .where(Finding.audit_id.in_(list(counts)))
            .group_by(Finding.audit_id, Finding.kind)
        )
        if actor.may_read(registry.get("finding")):
            for audit_id, kind, number in db.session.execute(stmt):
                counts[audit_id][kind] += int(number)
    rows = [
        AuditRow(
            a,
            sorted(readable_all("service", actor, a.services), key=lambda s: s.code),
            dict(counts[a.id]),
        )
        for a in found
    ]
    is_open = Finding.status != "clos"
    severity = case(KIND_ORDER, value=Finding.kind, else_=99)
    unresolved = related(
        "finding",
        actor,
        is_open,
        options=(joinedload(Finding.audit), joinedload(Finding.service)),
        order_by=(severity, Finding.audit_id, Finding.id),
        limit=FINDINGS_LISTED,
    )
    finding_artefact = registry.get("finding")
    open_total = (
        db.session.scalar(
            scoped_select(finding_artefact, actor, include_archived=False)
            .with_only_columns(func.count(Finding.id))
            .where(is_open)
        )
        if actor.may_read(finding_artefact)
        else 0
    )
    actions = related(
        "action",
        actor,
        Action.finding_id.in_([f.id for f in unresolved]),
        options=(joinedload(Action.owner),),
        order_by=(Action.due_date, Action.id),
    )
    by_finding: dict[int, list[Action]] = {}
    for action in actions:
        by_finding.setdefault(action.finding_id or 0, []).append(action)
    unresolved.sort(key=lambda f: (KIND_ORDER.get(f.kind, 99), f.audit_id, f.id))
    return Audits(
        rows=rows,
        kinds=list(FINDING_KIND.values),
        open_findings=[
            OpenFinding(f, readable("audit", actor, f.audit), by_finding.get(f.id, []))
            for f in unresolved
        ],
        open_total=int(open_total or 0),
    )


# ------------------------------------------------------------------------------ actions
#: Actions the pack lists one by one (late ones first); the others are counted per service.
ACTIONS_LISTED = 120


@dataclass
class ActionPlan:
    """The action plan as the pack shows it: the first :data:`ACTIONS_LISTED` open actions
    (late first, then by due date), and every open action counted per service."""

    listed: list[Action]
    total: int
    late: int
    by_service: list[tuple[str, str, int, int]]  # (code, name, open, late)

    @property
    def hidden(self) -> int:
        return self.total - len(self.listed)


def open_actions(actor: Actor) -> ActionPlan:
    """Actions not closed (to do, under way, done but not verified): the late ones first,
    then by due date, at most :data:`ACTIONS_LISTED` of them, and the counts per service —
    two queries whatever the number of actions (a large town has thousands open). « Late »
    is the action's own rule (:attr:`Action.late`), the one every screen shows."""
    artefact = registry.get("action")
    if not actor.may_read(artefact):
        return ActionPlan([], 0, 0, [])
    is_open = Action.state.in_(OPEN_ACTION_STATES)
    listed = related(
        "action",
        actor,
        is_open,
        options=(joinedload(Action.owner), joinedload(Action.service)),
        order_by=(case((Action.late, 0), else_=1), Action.due_date, Action.code),
        limit=ACTIONS_LISTED,
    )
    late_count = func.sum(case((Action.late, 1), else_=0))
    counts = (
        scoped_select(artefact, actor, include_archived=False)
        .with_only_columns(Service.code, Service.name, func.count(Action.id), late_count)
        .join(Service, Service.id == Action.service_id)
        .where(is_open)
        .group_by(Service.code, Service.name)
        .order_by(Service.code)
    )
    by_service = [
        (code, name, int(total), int(late or 0))
        for code, name, total, late in db.session.execute(counts)
    ]
    return ActionPlan(
        listed=listed,
        total=sum(row[2] for row in by_service),
        late=sum(row[3] for row in by_service),
        by_service=by_service,
    )


def review_actions(actor: Actor, review_id: int) -> list[Action]:
    """The actions a review decided (origin « revue de direction ») — one query."""
    return related(
        "action",
        actor,
        Action.management_review_id == review_id,
        options=(joinedload(Action.owner), joinedload(Action.service)),
        order_by=(Action.due_date, Action.code),
    )


# --------------------------------------------------------------------- users' voice
@dataclass
class ComplaintLine:
    """One service's complaints over the review's year (and the year before, to compare)."""

    service: Service | None
    received: int = 0
    received_before: int = 0
    answered: int = 0
    days_total: int = 0
    in_time: int = 0
    justified: int = 0
    waiting: int = 0

    @property
    def mean_days(self) -> float | None:
        return self.days_total / self.answered if self.answered else None

    @property
    def in_time_rate(self) -> float | None:
        return 100.0 * self.in_time / self.answered if self.answered else None

    @property
    def justified_rate(self) -> float | None:
        return 100.0 * self.justified / self.received if self.received else None

    @property
    def change(self) -> float | None:
        """Change of volume against the previous year, in percent."""
        if not self.received_before:
            return None
        return 100.0 * (self.received - self.received_before) / self.received_before


@dataclass
class Voice:
    surveys: list[tuple[Survey, list[Service]]]
    complaints: list[ComplaintLine]
    total: ComplaintLine
    year: int
    channels: list[tuple[str, int]] = field(default_factory=list)


def voice(actor: Actor, window: Window, year: int) -> Voice:
    """Satisfaction surveys of the window and complaints of the year by service — three
    queries (surveys, complaints grouped by service, complaints grouped by channel)."""
    surveys = related(
        "survey",
        actor,
        or_(
            Survey.conducted_on.between(window.start, window.end),
            Survey.period.in_([str(y) for y in range(window.start.year, window.end.year + 1)]),
        ),
        options=(selectinload(Survey.services),),
        order_by=(Survey.conducted_on, Survey.id),
    )
    survey_rows = [
        (s, sorted(readable_all("service", actor, s.services), key=lambda x: x.code))
        for s in surveys
    ]
    lines, channels = _complaints(actor, year)
    total = ComplaintLine(None)
    for line in lines:
        for name in (
            "received",
            "received_before",
            "answered",
            "days_total",
            "in_time",
            "justified",
            "waiting",
        ):
            setattr(total, name, getattr(total, name) + getattr(line, name))
    return Voice(survey_rows, lines, total, year, channels)


def _complaints(actor: Actor, year: int) -> tuple[list[ComplaintLine], list[tuple[str, int]]]:
    artefact = registry.get("complaint")
    if not actor.may_read(artefact):
        return [], []
    start, end = date(year, 1, 1), date(year, 12, 31)
    current = Complaint.received_on >= start
    answered = current & Complaint.processing_days.is_not(None)

    def count(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    stmt = (
        scoped_select(artefact, actor, include_archived=False)
        .with_only_columns(
            Complaint.service_id,
            count(current),
            count(~current),
            count(answered),
            func.coalesce(func.sum(case((answered, Complaint.processing_days), else_=0)), 0),
            count(answered & (Complaint.processing_days <= COMPLAINT_DEADLINE_DAYS)),
            count(current & Complaint.justified.is_(True)),
            count(current & Complaint.status.in_(UNANSWERED)),
        )
        .where(Complaint.received_on.between(date(year - 1, 1, 1), end))
        .group_by(Complaint.service_id)
    )
    rows = db.session.execute(stmt).all()
    services = {s.id: s for s in related("service", actor, Service.id.in_([r[0] for r in rows]))}
    lines = [ComplaintLine(services.get(r[0]), *(int(v) for v in r[1:])) for r in rows]
    lines = [line for line in lines if line.received or line.received_before]
    lines.sort(key=lambda line: (-line.received, line.service.code if line.service else ""))
    by_channel = (
        scoped_select(artefact, actor, include_archived=False)
        .with_only_columns(Complaint.channel, func.count())
        .where(Complaint.received_on.between(start, end))
        .group_by(Complaint.channel)
        .order_by(func.count().desc())
    )
    channels = [(str(c), int(n)) for c, n in db.session.execute(by_channel)]
    return lines, channels


# ------------------------------------------------------------------------ certifications
@dataclass
class CertificationRow:
    certification: Certification
    services: list[Service]
    expiring: bool


def certifications(actor: Actor, today: date) -> list[CertificationRow]:
    """Every live certification of the reader's services, soonest expiry first — one query."""
    found = related(
        "certification",
        actor,
        options=(selectinload(Certification.services),),
        order_by=(Certification.expires_on, Certification.standard),
    )
    soon = today + timedelta(days=EXPIRY_WARNING_DAYS)
    return [
        CertificationRow(
            c,
            sorted(readable_all("service", actor, c.services), key=lambda s: s.code),
            c.status == "valide" and c.expires_on is not None and c.expires_on <= soon,
        )
        for c in found
    ]


def review_window(year: int, previous_held_on: date | None) -> Window:
    start = date(year, 1, 1)
    if previous_held_on is not None:
        start = min(start, previous_held_on + timedelta(days=1))
    return Window(start, date(year, 12, 31))
