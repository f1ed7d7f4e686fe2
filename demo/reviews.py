"""Satisfaction surveys, periodic revisions and the Revues de Direction with their proposals.

The reviews follow the strategy years of :mod:`demo.town`: the two earlier years' reviews
are closed, every proposal decided (validée, amendée, rejetée or reportée, by an official, with
a délibération reference when the council voted it); the current year's review has been held
and is recording its decisions — objectives the officials already arbitrated carry the decision
that matches their state (``valide`` → validée…), those still ``revu`` wait undecided.
Objectives still ``brouillon`` or ``proposé`` have not reached the review yet.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from app import files
from app.extensions import db
from app.models import (
    ManagementReview,
    Proposal,
    Revision,
    ServiceObjective,
    Survey,
    Target,
    VigieUser,
)
from demo import files as demo_files
from demo.actions import ActionSpec, ActionWriter
from demo.context import DemoContext
from demo.review_texts import OTHER_PROPOSALS, RATIONALES, REVISIONS, SURVEYS
from demo.town import AXES, TOWN_NAME

#: Objective state → decision that led to it (``None``: not decided yet).
_DECISION_OF_STATE = {
    "valide": "validee",
    "actif": "validee",
    "clos": "validee",
    "amende": "amendee",
    "rejete": "rejetee",
    "reporte": "reportee",
    "revu": None,
}
_PARTICIPANTS = (
    "elu",
    "elu.solidarite",
    "elu.environnement",
    "elu.finances",
    "dgs",
    "qualite",
    "dir.ressources",
    "dir.technique",
    "dir.solidarites",
    "dir.citoyennete",
)


def strategy_years(ctx: DemoContext) -> list[int]:
    return sorted({o.year for o in ctx.objectives})


# -------------------------------------------------------------------------------- surveys
def build_surveys(ctx: DemoContext, actions: ActionWriter) -> None:
    rng = ctx.rng("surveys")
    surveys: list[Survey] = []
    wanted: list[tuple[Survey, str | None]] = []
    for year in (ctx.today.year - 2, ctx.today.year - 1):
        for spec in SURVEYS:
            indicator = ctx.indicators.get(spec.indicator) if spec.indicator else None
            if spec.indicator and indicator is None:
                raise RuntimeError(f"Indicateur inconnu pour l'enquête : {spec.indicator}")
            drift = (year - ctx.today.year + 1) * rng.uniform(1.0, 3.0)
            survey = Survey(
                title=spec.title.format(year=year),
                period=str(year),
                conducted_on=date(year, rng.choice((3, 5, 6, 10)), rng.randint(2, 27)),
                respondents=int(spec.respondents * rng.uniform(0.85, 1.15)),
                satisfaction_rate=round(min(spec.rate + drift, 99.0), 1),
                results=spec.results,
                services=[ctx.services[c] for c in spec.services],
                indicators=[indicator] if indicator is not None else [],
            )
            surveys.append(survey)
            wanted.append((survey, spec.action if year == ctx.today.year - 1 else None))
    db.session.add_all(surveys)
    db.session.flush()
    ctx.history.objects("survey", surveys)
    ctx.counts["enquêtes"] = len(surveys)
    for survey, action in wanted:
        if action and survey.conducted_on is not None:
            actions.add(
                ActionSpec(
                    action,
                    "enquete",
                    "amelioration",
                    survey.services[0].code,
                    survey.conducted_on + timedelta(days=30),
                    survey=survey,
                )
            )


# ------------------------------------------------------------------------------ revisions
def build_revisions(ctx: DemoContext, actions: ActionWriter) -> None:
    current = max(strategy_years(ctx))
    revisions = [
        Revision(
            year=current + spec.year_offset,
            scope=spec.scope,
            title=spec.title,
            summary=spec.summary,
            services=[ctx.services[c] for c in spec.services],
            state=spec.state,
        )
        for spec in REVISIONS
    ]
    db.session.add_all(revisions)
    db.session.flush()
    ctx.history.objects("revision", revisions)
    ctx.counts["révisions"] = len(revisions)
    for revision, spec in zip(revisions, REVISIONS, strict=True):
        if spec.action:
            opened = min(date(revision.year, 4, 15), ctx.today)
            actions.add(
                ActionSpec(
                    spec.action,
                    "revision",
                    "amelioration",
                    spec.services[0],
                    opened,
                    revision=revision,
                )
            )


# --------------------------------------------------------------------- management reviews
def build_reviews(ctx: DemoContext, actions: ActionWriter) -> None:
    rng = ctx.rng("reviews")
    years = strategy_years(ctx)[-3:]
    participants = [ctx.users[name] for name in _PARTICIPANTS]
    reviews: list[ManagementReview] = []
    for year in years:
        current = year == years[-1]
        held = (ctx.today - timedelta(days=6)) if current else date(year, 1, 28 - (year % 5))
        reviews.append(
            ManagementReview(
                year=year,
                title=f"Revue de direction {year}",
                held_on=held,
                participants=participants,
                inputs_summary=_inputs_summary(year),
                conclusion=None
                if current
                else (
                    f"Objectifs {year} arbitrés ; priorité donnée à la sobriété énergétique et à "
                    "la relation aux usagers. Plan d'actions qualité reconduit."
                ),
                state="tenue" if current else "close",
            )
        )
    db.session.add_all(reviews)
    db.session.flush()
    ctx.history.objects("management_review", reviews)
    ctx.counts["revues de direction"] = len(reviews)

    proposals: list[Proposal] = []
    for review in reviews:
        proposals += _proposals(ctx, rng, review, current=review is reviews[-1])
    db.session.add_all(proposals)
    db.session.flush()
    ctx.history.objects("proposal", proposals)
    ctx.counts["propositions"] = len(proposals)
    ctx.counts["propositions en attente de décision"] = sum(
        1 for p in proposals if p.decision is None
    )

    for review in reviews[:-1]:
        _attach_minutes(ctx, review, [p for p in proposals if p.review is review])
        decided = [p for p in proposals if p.review is review and p.decision == "validee"]
        for proposal in rng.sample(decided, k=min(3, len(decided))):
            assert review.held_on is not None
            actions.add(
                ActionSpec(
                    f"Mettre en œuvre : {proposal.title}",
                    "revue",
                    "amelioration",
                    proposal.service.code,
                    review.held_on + timedelta(days=15),
                    management_review=review,
                )
            )


def _inputs_summary(year: int) -> str:
    return (
        f"Résultats des indicateurs {year - 1}, bilan des audits internes et de certification, "
        "synthèse des réclamations et des enquêtes de satisfaction, avancement des plans "
        "d'actions, propositions d'objectifs des services."
    )


def _proposals(
    ctx: DemoContext, rng: random.Random, review: ManagementReview, current: bool
) -> list[Proposal]:
    out: list[Proposal] = []
    number = 0
    for objective in _objectives_of_year(ctx, review.year):
        decision = _DECISION_OF_STATE.get(objective.state, "missing")
        if decision == "missing":
            continue  # brouillon / propose: not reviewed yet
        if not current and decision == "validee" and rng.random() < 0.25:
            decision = "amendee"
        number += 1
        out.append(
            _proposal(
                ctx,
                rng,
                review,
                objective.service.code,
                "objectif",
                objective.title,
                objective.expected_result,
                decision,
                number,
                objective=objective,
            )
        )
        if objective.state == "amende":  # sent back with the officials' amendment
            objective.amendment = RATIONALES["amendee"]
        if objective.state == "clos":  # closed at year end with its achievement
            objective.achievement = rng.choice(("atteint", "atteint", "partiel", "non_atteint"))
    extras = OTHER_PROPOSALS[review.year % 3 :: 3] if not current else OTHER_PROPOSALS[:4]
    for service, kind, title, description in extras:
        number += 1
        decision = None if current else rng.choice(("validee", "amendee", "rejetee", "reportee"))
        out.append(_proposal(ctx, rng, review, service, kind, title, description, decision, number))
    if current:
        for indicator_code in ("VOI-002", "ACC-004", "BAT-004"):
            number += 1
            out.append(_target_proposal(ctx, review, indicator_code, number))
    return out


def _objectives_of_year(ctx: DemoContext, year: int) -> list[ServiceObjective]:
    return sorted((o for o in ctx.objectives if o.year == year), key=lambda o: o.id)


def _proposal(
    ctx: DemoContext,
    rng: random.Random,
    review: ManagementReview,
    service: str,
    kind: str,
    title: str,
    description: str | None,
    decision: str | None,
    number: int,
    objective: ServiceObjective | None = None,
) -> Proposal:
    decided_by = _official_for(ctx, objective) if decision else None
    assert review.held_on is not None
    return Proposal(
        review=review,
        service=ctx.services[service],
        kind=kind,
        title=title,
        description=description,
        service_objective=objective,
        decision=decision,
        rationale=RATIONALES[decision] if decision else None,
        decided_by=decided_by,
        decided_at=ctx.at(review.held_on, 17, rng.randint(0, 59)) if decision else None,
        deliberation_ref=(
            f"DCM-{review.held_on.year}-{40 + number:03d}"
            if decision in ("validee", "amendee")
            else None
        ),
    )


def _target_proposal(
    ctx: DemoContext, review: ManagementReview, code: str, number: int
) -> Proposal:
    indicator = ctx.indicators[code]
    target = db.session.scalars(
        select(Target).where(
            Target.indicator_id == indicator.id, Target.period == str(ctx.today.year + 1)
        )
    ).one()
    banded = target.value is None
    return Proposal(
        review=review,
        service=indicator.owner_service,
        kind="cible",
        title=f"Cible {ctx.today.year + 1} : {indicator.name}",
        description="Cible proposée au vu de la tendance des trois dernières années.",
        indicator=indicator,
        proposed_value=None if banded else target.value,
        proposed_low=target.low if banded else None,
        proposed_high=target.high if banded else None,
    )


def _official_for(ctx: DemoContext, objective: ServiceObjective | None) -> VigieUser:
    """The referent official of the objective's axis (an official heads no service)."""
    if objective is not None and objective.strategic_objective is not None:
        axis_code = objective.strategic_objective.code.split(".")[0]
        for axis in AXES:
            if axis.code == axis_code:
                return ctx.users[axis.referents[0]]
    return ctx.users["elu"]


def _attach_minutes(ctx: DemoContext, review: ManagementReview, proposals: list[Proposal]) -> None:
    """A closed review carries its minutes (a one-page PDF)."""
    lines = [
        f"{TOWN_NAME} — compte rendu de la {review.title.lower()}",
        f"Séance du {review.held_on:%d/%m/%Y}",
        f"Participants : {', '.join(u.full_name for u in review.participants)}",
        "",
        *[f"- {p.title} : {p.decision}" for p in proposals],
        "",
        review.conclusion or "",
    ]
    stored = files.store(
        f"Compte_rendu_revue_{review.year}.pdf", demo_files.pdf(review.title, lines)
    )
    for column, value in stored.columns().items():
        setattr(review, column, value)
    ctx.counts["fichiers"] += 1
