"""The review pack (dossier de revue de direction): everything officials read before the
Revue de Direction, as one PDF.

``build({"review_id": …}, actor, progress)`` gathers, **as the person who asked** (a service
head's pack holds only their services' objectives, indicators, proposals and actions), and
renders ``reports/review_pack.html``:

cover · table of contents · strategy map and service × axis matrix · results by axis and
strategic objective (services, service objectives, indicators with trends) · audits and open
findings · action plan (late actions first) · users' voice (surveys, complaints) ·
certifications · proposals to arbitrate with their context · follow-up of the previous
review's decisions.

Each chapter is read in a fixed number of queries whatever the size of the town, so
gathering stays small next to WeasyPrint's layout time (see ``tests/test_review_pack.py``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _

from app import registry
from app.commands.errors import Invalid
from app.declarations.choices import DECISION
from app.indicators import status as st
from app.indicators.freshness import last_update
from app.jobs.documents import Document, Progress
from app.models import ManagementReview, Service
from app.models.types import utcnow
from app.reading import get_for, related
from app.reviews_context import (
    ProposalContext,
    previous_review,
    proposal_context,
    proposal_groups,
    review_proposals,
)
from app.security.actor import Actor
from reports import review_quality as quality
from reports import review_strategy as strategy
from reports.review_common import LOCALE, pdf_name, prepared_by, render, today_in_paris


@dataclass
class FollowUp:
    """The previous review, its decisions and the actions it opened."""

    review: ManagementReview
    proposals: list[Any]
    decisions: list[tuple[str, str, int]]
    actions: list[Any]


def review_id_of(params: Mapping[str, Any]) -> int:
    try:
        return int(params["review_id"])
    except (KeyError, TypeError, ValueError):
        raise Invalid(_("Revue de direction non précisée.")) from None


def load_review(params: Mapping[str, Any], actor: Actor) -> ManagementReview:
    """The review, read through the actor's scope (NotFound when out of reach)."""
    review: ManagementReview = get_for(
        registry.get("management_review"), review_id_of(params), actor
    )
    return review


def _follow_up(review: ManagementReview, actor: Actor) -> FollowUp | None:
    previous = previous_review(review, actor)
    if previous is None:
        return None
    proposals = review_proposals(previous.id, actor)
    counts = Counter(p.decision for p in proposals)
    decisions = [(code, str(name), counts[code]) for code, name in DECISION.values if counts[code]]
    if counts[None]:
        decisions.append(("", _("Non arbitrée"), counts[None]))
    return FollowUp(previous, proposals, decisions, quality.review_actions(actor, previous.id))


def build(params: Mapping[str, Any], actor: Actor, progress: Progress) -> Document:
    """Gather the review's pack as ``actor`` sees it and render its HTML (in French)."""
    with force_locale(LOCALE):
        return _build(params, actor, progress)


def _build(params: Mapping[str, Any], actor: Actor, progress: Progress) -> Document:
    progress(0, _("Lecture de la revue"))
    review = load_review(params, actor)
    now = utcnow()
    today = today_in_paris(now)
    follow = _follow_up(review, actor)
    window = quality.review_window(
        review.year, follow.review.held_on if follow is not None else None
    )

    progress(5, _("Carte stratégique"))
    strategic = strategy.gather(actor, review.year, today)
    progress(40, _("Audits et constats"))
    audits = quality.audits(actor, window)
    progress(50, _("Plan d'actions"))
    actions = quality.open_actions(actor)
    progress(60, _("Satisfaction et réclamations"))
    voice = quality.voice(actor, window, review.year)
    progress(70, _("Certifications"))
    certifications = quality.certifications(actor, today)
    progress(75, _("Propositions à arbitrer"))
    context: ProposalContext = proposal_context(review, actor)
    scope_services = (
        None if actor.scope.all_services else related("service", actor, order_by=(Service.code,))
    )
    progress(85, _("Mise en page du dossier"))
    title = _("Dossier de la revue de direction %(year)s", year=review.year)
    html = render(
        "reports/review_pack.html",
        doc_title=title,
        review=review,
        now=now,
        today=today,
        scope_services=scope_services,
        prepared_by=prepared_by(actor),
        updated=last_update(),
        window=window,
        strategy=strategic,
        audits=audits,
        plan=actions,
        voice=voice,
        certifications=certifications,
        context=context,
        groups=proposal_groups(context.proposals),
        follow=follow,
        status_info=st.status_info,
        percent=strategy.percent,
        state_label=registry.get("management_review").choices["state"].label(review.state),
    )
    progress(100, _("Dossier prêt"))
    return Document(
        title=title, filename=pdf_name("Dossier_revue_de_direction", review.year), html=html
    )
