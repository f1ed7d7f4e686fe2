"""What background jobs Vigie runs: one declaration per kind, read by the one job framework.

A kind says what its parameters are, which record they name (so the request is checked with
the record's scope, and the result is offered from that record), who may ask for it, how long
it may run, which builder produces it and what happens once it is stored. Adding a report is
adding an entry here and a builder (``reports/documents.py``); the queueing, the progress, the
timeouts, the sweeper, the storage, the API and the pages are shared.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib import import_module
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import history, registry
from app.commands.errors import Conflict, FieldError, Invalid
from app.security.roles import ADMIN, EXECUTIVE, QUALITY

#: The four card artefacts whose card (fiche) can be printed to PDF.
CARD_ARTEFACTS = ("process", "indicator", "risk", "audit")


@dataclass(frozen=True)
class JobKind:
    """One kind of background job (see the module docstring)."""

    code: str
    label: Any
    #: ``module:function`` — a report builder (``output == "pdf"``) or a task returning a
    #: summary whose ``str()`` is the job's result text (``output == "text"``).
    target: str
    output: str = "pdf"
    timeout: int = 600
    #: Artefact whose record the job is about, and the parameter holding its id.
    subject: str | None = None
    subject_param: str | None = None
    #: Route under the subject's API resource: ``POST /api/v1/<subject>/<id>/<route>``.
    route: str | None = None
    #: Roles that may ask for it (None: whoever may read the subject record).
    requesters: frozenset[str] | None = None
    #: Scheduled tasks run as the system and are never requested by a person.
    system_only: bool = False
    #: ``(subject record) -> None``, raising a French Conflict when it cannot be built now.
    precondition: Callable[[Any], None] | None = None
    #: ``(job, subject record) -> None`` in the transaction that records the result.
    on_success: Callable[[Any, Any], None] | None = None
    #: Extra parameters: name → cleaner (raw value, subject record) → clean value.
    extra: Mapping[str, Callable[[Any, Any], Any]] = field(default_factory=dict)
    title: Callable[[Any, Mapping[str, Any]], str] = lambda subject, params: ""

    def function(self) -> Callable[..., Any]:
        module, _sep, name = self.target.partition(":")
        function: Callable[..., Any] = getattr(import_module(module), name)
        return function


KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    KINDS[kind.code] = kind
    return kind


def get(code: str) -> JobKind:
    return KINDS[code]


def for_route(artefact_code: str, route: str) -> JobKind | None:
    """The kind ``POST /api/v1/<artefact>/<id>/<route>`` asks for (None: no such route)."""
    for kind in KINDS.values():
        if kind.route == route and artefact_code in subjects_of(kind):
            return kind
    return None


def subjects_of(kind: JobKind) -> tuple[str, ...]:
    if kind.code == "card":
        return CARD_ARTEFACTS
    return (kind.subject,) if kind.subject else ()


def routes_of(artefact_code: str) -> list[JobKind]:
    return [k for k in KINDS.values() if k.route and artefact_code in subjects_of(k)]


# ----------------------------------------------------------------------------- the kinds
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


def clean_year(value: Any, _subject: Any = None) -> int:
    """A report's year parameter: the current year if absent, else 2000–2100 (French 422)."""
    if value in (None, ""):
        return date.today().year
    try:
        year = int(value)
    except (TypeError, ValueError):
        year = 0
    if not 2000 <= year <= 2100:
        raise Invalid(
            _("Année invalide."),
            [FieldError("year", _("« year » doit être une année entre 2000 et 2100."))],
        )
    return year


def _card_title(subject: Any, params: Mapping[str, Any]) -> str:
    label = registry.get(params["artefact"]).label
    code = getattr(subject, "code", None) or subject.id
    return _("Fiche %(what)s %(code)s", what=str(label).lower(), code=code)


register(
    JobKind(
        code="review_pack",
        label=_l("Dossier de revue de direction"),
        target="reports.review_pack:build",
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
        target="reports.minutes:build",
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
        target="reports.service_report:build",
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
        target="reports.card_pdf:build",
        timeout=120,
        subject_param="id",
        route="pdf",
        title=_card_title,
    )
)
register(
    JobKind(
        code="daily_reminders",
        label=_l("Rappels quotidiens"),
        target="reports.scheduled:daily_reminders",
        output="text",
        timeout=600,
        system_only=True,
        title=lambda subject, params: _("Rappels quotidiens"),
    )
)
register(
    JobKind(
        code="collection_health",
        label=_l("Contrôle de la collecte"),
        target="reports.scheduled:collection_health_check",
        output="text",
        timeout=600,
        system_only=True,
        title=lambda subject, params: _("Contrôle de la santé de la collecte"),
    )
)
