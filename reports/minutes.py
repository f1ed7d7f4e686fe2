"""The minutes (compte rendu) of a management review, once its decisions are recorded.

``build({"review_id": …}, actor, progress)`` renders ``reports/minutes.html``: a title block
(no cover: minutes are a record, not a brochure), the date and the participants, the inputs
considered, every proposal with its decision, rationale, délibération reference and who
decided when, and the review's conclusions. The review is closed with these minutes (DOMAIN
§5.6); the job framework stores the PDF on the review.

Proposals are read through the actor's scope like everywhere else; the executive who closes
the review reads every service, so the minutes hold every decision.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _

from app import registry
from app.declarations.choices import DECISION
from app.jobs.documents import Document, Progress
from app.models.types import utcnow
from app.reviews_context import proposal_groups, review_proposals
from app.security.actor import Actor
from reports.review_common import LOCALE, pdf_name, person, prepared_by, render
from reports.review_pack import load_review


def build(params: Mapping[str, Any], actor: Actor, progress: Progress) -> Document:
    """Gather the review's decisions as ``actor`` sees them and render the minutes (French)."""
    with force_locale(LOCALE):
        progress(0, _("Lecture de la revue"))
        review = load_review(params, actor)
        proposals = review_proposals(review.id, actor)
        counts = Counter(p.decision for p in proposals)
        decisions = [
            (code, str(name), counts[code]) for code, name in DECISION.values if counts[code]
        ]
        progress(50, _("Mise en page du compte rendu"))
        title = _("Compte rendu de la revue de direction %(year)s", year=review.year)
        html = render(
            "reports/minutes.html",
            doc_title=title,
            review=review,
            groups=proposal_groups(proposals),
            total=len(proposals),
            undecided=counts[None],
            decisions=decisions,
            participants=sorted(review.participants, key=person),
            now=utcnow(),
            prepared_by=prepared_by(actor),
            state_label=registry.get("management_review").choices["state"].label(review.state),
        )
        progress(100, _("Compte rendu prêt"))
        return Document(
            title=title,
            filename=pdf_name("Compte_rendu_revue_de_direction", review.year),
            html=html,
        )
