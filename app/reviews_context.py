"""What a management review's proposals need around them to be arbitrated, gathered once.

The review meeting page and the PDF review pack show the same thing for each proposal: the
service, the objective concerned with its strategic objective and axis, the objective's
indicators with their latest value, target and status, and — for a target proposal — the
indicator, its current target for the year after the review and the value proposed. Both read
it from here, so they cannot drift apart, and both pay the same fixed number of queries
whatever the number of proposals (proposals with their relations in one statement per
relation, then three for the latest readings and one for next year's targets).

Scope: the proposals are read through the reader's service scope (a service head sees their
services' proposals only); the indicators of an objective are listed only when the reader may
read them (:func:`ProposalContext.indicators_of`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app import registry
from app.extensions import db
from app.indicators.latest import Reading, applicable_targets, latest_readings
from app.models import (
    Indicator,
    ManagementReview,
    Proposal,
    ServiceObjective,
    StrategicObjective,
    Target,
)
from app.reading import scoped_select
from app.security.actor import Actor


@dataclass
class Group:
    """Proposals of one axis (or none), by service."""

    key: str
    title: str
    by_service: dict[str, list[Proposal]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(len(items) for items in self.by_service.values())


def review_proposals(review_id: int, actor: Actor) -> list[Proposal]:
    """The live proposals of a review the actor may read, with what their context shows.

    Every relation the meeting and the pack display is loaded here (one statement each), so
    rendering them never triggers a lazy load.
    """
    artefact = registry.get("proposal")
    if not actor.may_read(artefact):
        return []
    objective = selectinload(Proposal.service_objective)
    stmt = (
        scoped_select(artefact, actor, include_archived=False)
        .where(Proposal.review_id == review_id)
        .options(
            selectinload(Proposal.service),
            selectinload(Proposal.indicator),
            selectinload(Proposal.target),
            selectinload(Proposal.decided_by),
            objective.selectinload(ServiceObjective.strategic_objective).selectinload(
                StrategicObjective.axis
            ),
            objective.selectinload(ServiceObjective.indicators),
        )
        .order_by(Proposal.id)
    )
    return list(db.session.scalars(stmt))


def axis_of(proposal: Proposal) -> Any:
    """The axis the proposal's objective contributes to (None for service-policy proposals)."""
    objective = proposal.service_objective
    if objective is None or objective.strategic_objective is None:
        return None
    return objective.strategic_objective.axis


def proposal_groups(items: Sequence[Proposal]) -> list[Group]:
    """Proposals by axis (axis code order, « hors axe » last), then by service, undecided
    first inside a service: the order officials go through them."""
    groups: dict[str, Group] = {}
    for proposal in items:
        axis = axis_of(proposal)
        key = axis.code if axis is not None else "~"
        title = (
            f"{axis.code} — {axis.title}"
            if axis is not None
            else _("Hors axe : politiques de service, cibles et moyens")
        )
        group = groups.setdefault(key, Group(key, title))
        group.by_service.setdefault(
            f"{proposal.service.code} — {proposal.service.name}", []
        ).append(proposal)
    ordered = [groups[k] for k in sorted(groups)]
    for group in ordered:
        group.by_service = {
            name: sorted(found, key=lambda p: (p.decision is not None, p.id))
            for name, found in sorted(group.by_service.items())
        }
    return ordered


@dataclass
class ProposalContext:
    """A review's proposals with the latest readings and next year's targets they show."""

    proposals: list[Proposal]
    readings: dict[int, Reading]
    next_targets: dict[tuple[int, str], Target]
    target_year: str
    actor: Actor

    def indicators_of(self, proposal: Proposal) -> list[Indicator]:
        """The objective's indicators the reader may read, by code."""
        objective = proposal.service_objective
        if objective is None:
            return []
        return sorted(
            (i for i in objective.indicators if _readable_indicator(self.actor, i)),
            key=lambda i: i.code,
        )

    def indicator_of(self, proposal: Proposal) -> Indicator | None:
        """A target proposal's indicator, if the reader may read it."""
        indicator = proposal.indicator
        return (
            indicator
            if indicator is not None and _readable_indicator(self.actor, indicator)
            else None
        )

    def next_target(self, proposal: Proposal) -> Target | None:
        """The target the indicator has now for the year the proposal is about."""
        if proposal.indicator_id is None:
            return None
        return self.next_targets.get((proposal.indicator_id, self.target_year))


def _readable_indicator(actor: Actor, indicator: Indicator) -> bool:
    artefact = registry.get("indicator")
    return actor.may_read(artefact) and artefact.scope.permits(indicator, actor.scope)


def proposal_context(
    review: ManagementReview, actor: Actor, proposals: list[Proposal] | None = None
) -> ProposalContext:
    """The proposals of a review (read here unless given) and what they show — four queries
    beyond the proposals themselves, whatever their number."""
    items = review_proposals(review.id, actor) if proposals is None else proposals
    indicators: dict[int, Indicator] = {}
    for proposal in items:
        if proposal.indicator is not None:
            indicators[proposal.indicator.id] = proposal.indicator
        if proposal.service_objective is not None:
            for indicator in proposal.service_objective.indicators:
                indicators[indicator.id] = indicator
    readings = latest_readings(list(indicators.values()))
    year = str(review.year + 1)
    next_targets = applicable_targets(
        (p.indicator_id, year) for p in items if p.indicator_id is not None
    )
    return ProposalContext(items, readings, next_targets, year, actor)


def previous_review(review: ManagementReview, actor: Actor) -> ManagementReview | None:
    """The review before this one: the latest live review of an earlier year."""
    artefact = registry.get("management_review")
    if not actor.may_read(artefact):
        return None
    stmt = (
        scoped_select(artefact, actor, include_archived=False)
        .options(selectinload(ManagementReview.participants))
        .where(ManagementReview.year < review.year)
        .order_by(ManagementReview.year.desc(), ManagementReview.id.desc())
        .limit(1)
    )
    return db.session.scalars(stmt).first()
