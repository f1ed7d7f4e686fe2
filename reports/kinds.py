"""The PDF reports Vigie builds in the background, declared to the one job framework.

Each kind names its builder (``reports/<report>.py``: data → HTML as the person who asked),
the record it is asked from, who may ask, its timeout and what happens once it is stored; the
queueing, progress, timeouts, sweeper, storage, API routes and pages are the core's
(:mod:`app.jobs`). :func:`register_kinds` is called once at start-up.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import history, registry
from app.cards.context import card_artefacts
from app.commands.errors import Conflict
from app.jobs.kinds import JobKind, clean_year, register
from app.security.roles import ADMIN, EXECUTIVE, QUALITY
from reports import card_pdf, minutes, review_pack, service_report


def _minutes_ready(review: Any) -> None:
    if review.state not in ("decisions_enregistrees", "close"):
        raise Conflict(_("Le compte rendu se génère une fois les décisions enregistrées."))


def _attach_minutes(job: Any, review: Any) -> None:
    """The minutes become the review's file (the previous one stays on disk, in history)."""
    old = review.file_name
    for column in ("file_key", "file_name", "file_size", "file_type", "file_sha256"):
        setattr(review, column, getattr(job, column))
    history.record(
        "management_review",
        review.id,
        "update",
        user=job.requested_by,
        changes={"file_name": [old, job.file_name]},
        reason=_("Compte rendu généré (travail n° %(id)s)", id=job.id),
    )


def _card_title(subject: Any, params: Mapping[str, Any]) -> str:
    label = registry.get(params["artefact"]).label
    code = getattr(subject, "code", None) or subject.id
    return _("Fiche %(what)s %(code)s", what=str(label).lower(), code=code)


def _card_subjects() -> tuple[str, ...]:
    """Every artefact declaring a card offers its PDF (read when asked: the registry is full)."""
    return tuple(artefact.code_name for artefact in card_artefacts())


def register_kinds() -> None:
    """Declare the PDF reports to the job framework (called once at start-up)."""
    register(
        JobKind(
            code="review_pack",
            label=_l("Dossier de revue de direction"),
            run=review_pack.build,
            timeout=900,
            subject="management_review",
            subject_param="review_id",
            route="pack",
            requesters=frozenset({QUALITY, EXECUTIVE, ADMIN}),
            title=lambda review, params: _(
                "Dossier de la revue de direction %(year)s", year=review.year
            ),
        )
    )
    register(
        JobKind(
            code="review_minutes",
            label=_l("Compte rendu de revue de direction"),
            run=minutes.build,
            timeout=600,
            subject="management_review",
            subject_param="review_id",
            route="minutes",
            requesters=frozenset({QUALITY, EXECUTIVE, ADMIN}),
            precondition=_minutes_ready,
            on_success=_attach_minutes,
            title=lambda review, params: _(
                "Compte rendu de la revue de direction %(year)s", year=review.year
            ),
        )
    )
    register(
        JobKind(
            code="service_report",
            label=_l("Rapport annuel de service"),
            run=service_report.build,
            timeout=900,
            subject="service",
            subject_param="service_id",
            route="annual_report",
            extra={"year": clean_year},
            title=lambda service, params: _(
                "Rapport annuel %(year)s — %(service)s", year=params["year"], service=service.name
            ),
        )
    )
    register(
        JobKind(
            code="card",
            label=_l("Fiche imprimable"),
            run=card_pdf.build,
            timeout=120,
            subjects=_card_subjects,
            subject_param="id",
            route="pdf",
            title=_card_title,
        )
    )
