"""The review meeting (séance de Revue de Direction): where officials arbitrate proposals.

One page per management review lists its proposals by axis and service, each with what an
official needs to decide — the objective, its indicators with their last values and status,
the target proposed — and a decision form (validate, amend, reject, defer; rationale;
délibération reference). Deciding goes through :mod:`workflows.proposals`, which applies the
decision to the objective through the workflow engine. The page loads in a fixed number of
queries whatever the number of proposals: the proposals and their context are gathered by
:mod:`app.reviews_context`, shared with the PDF review pack, through the reader's scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _

from app import registry
from app.commands.errors import DomainError
from app.declarations.choices import DECISION, PROPOSAL_KIND
from app.extensions import db
from app.http import read_reason
from app.reading import get_for
from app.reviews_context import proposal_context, proposal_groups
from app.security.actor import Actor
from app.security.roles import ADMIN, OFFICIAL
from app.security.scope import headed_services
from workflows import engine
from workflows import proposals as proposal_commands


class ReviewMeetingView(BaseView):
    """``/review_meeting/<id>``: read by whoever reads management reviews; officials decide."""

    route_base = "/review_meeting"
    class_permission_name = "management_review"
    method_permission_name = {"meeting": "read", "decide": "read"}

    def _review(self, review_id: int, actor: Actor) -> Any:
        """The review, or the « not found » page (app.http) when it is out of reach."""
        return get_for(registry.get("management_review"), review_id, actor)

    @expose("/<int:review_id>")
    @has_access
    def meeting(self, review_id: int) -> Any:
        actor = Actor.current()
        return self._page(self._review(review_id, actor), actor)

    def _page(self, review: Any, actor: Actor, refused: Refusal | None = None) -> Any:
        """The meeting page; after a refused decision, with the refusal on its proposal, what
        was typed put back and the list filtered as it was."""
        context = proposal_context(review, actor)
        items = context.proposals
        official = bool(actor.scope.roles & {OFFICIAL, ADMIN})
        headed = headed_services(getattr(actor.user, "id", None)) if official else frozenset()
        decided = sum(1 for p in items if p.decision is not None)
        pending_only = request.values.get("pending") == "1"
        shown = [p for p in items if p.decision is None] if pending_only else items
        review_artefact = registry.get("management_review")
        return self.render_template(
            "vigie/review_meeting.html",
            review=review,
            groups=proposal_groups(shown),
            total=len(items),
            decided=decided,
            pending_only=pending_only,
            readings=context.readings,
            next_targets=context.next_targets,
            target_year=context.target_year,
            can_decide=official and review.state == "tenue",
            headed=headed,
            decisions=DECISION,
            kinds=PROPOSAL_KIND,
            objective_states=registry.get("service_objective").choices["state"],
            artefact=review_artefact,
            item=review,
            workflow=engine.workflow_of(review_artefact),
            workflow_offers=engine.offers(review_artefact, review, actor),
            workflow_endpoint="ManagementReviewView",
            refused=refused,
        )

    @expose("/<int:review_id>/decide/<int:proposal_id>", methods=["POST"])
    @has_access
    def decide(self, review_id: int, proposal_id: int) -> Any:
        actor = Actor.current()
        review = self._review(review_id, actor)
        proposal = get_for(registry.get("proposal"), proposal_id, actor)
        if proposal.review_id != review.id:
            abort(404)
        pending: dict[str, Any] = {"pending": 1} if request.form.get("pending") == "1" else {}
        try:
            proposal_commands.decide(
                proposal,
                request.form.get("decision", ""),
                actor,
                rationale=read_reason(request.form, "rationale"),
                deliberation_ref=request.form.get("deliberation_ref"),
            )
        except DomainError as error:
            db.session.rollback()  # the page is drawn from the data as it was
            refusal = Refusal.of(proposal.id, error, request.form)
            return self._page(review, actor, refusal), error.status
        flash(
            _(
                "« %(title)s » : décision « %(decision)s » enregistrée.",
                title=proposal.title,
                decision=DECISION.label(proposal.decision),
            ),
            "success",
        )
        anchor = url_for("ReviewMeetingView.meeting", review_id=review.id, **pending)
        return redirect(f"{anchor}#proposal-{proposal.id}"), 303


@dataclass(frozen=True)
class Refusal:
    """A decision refused: on which proposal, why (by field), and what the official had
    chosen and typed, to be shown again in place."""

    proposal_id: int
    message: str
    field_errors: dict[str, list[str]]
    typed: dict[str, str]

    @classmethod
    def of(cls, proposal_id: int, error: DomainError, form: Any) -> Refusal:
        by_field: dict[str, list[str]] = {}
        for field_error in error.errors:
            name = field_error.field if field_error.field in DECISION_FIELDS else "decision"
            if field_error.message != error.message:
                by_field.setdefault(name, []).append(field_error.message)
        typed = {name: str(form.get(name) or "") for name in DECISION_FIELDS}
        return cls(proposal_id, error.message, by_field, typed)


#: The fields of a decision form, as the command names them in its refusals.
DECISION_FIELDS = ("decision", "rationale", "deliberation_ref")


def register_review_meeting(appbuilder: Any) -> None:
    appbuilder.add_view_no_menu(ReviewMeetingView)
