"""What background jobs Vigie runs: one declaration per kind, read by the one job framework.

A kind says what its parameters are, which record they name (so the request is checked with
the record's scope, and the result is offered from that record), who may ask for it, how long
it may run, which function produces it and what happens once it is stored. The layer that
owns a kind registers it at start-up: ``reports`` its PDF reports (review pack, minutes,
service report, cards), :mod:`app.notifications` the daily digests. The queueing, progress,
timeouts, sweeper, storage, API routes and pages are shared.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _

from app.commands.errors import FieldError, Invalid

#: What a job produces: a file rendered by the registered renderer, a summary text, or a
#: file its builder wrote itself (a list export: :class:`app.jobs.documents.Produced`).
PDF = "pdf"
TEXT = "text"
FILE = "file"


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


def _no_title(_subject: Any, _params: Mapping[str, Any]) -> str:
    return ""


@dataclass(frozen=True)
class JobKind:
    """One kind of background job (see the module docstring)."""

    code: str
    label: Any
    #: A report builder ``(params, actor, progress) -> Document`` (``output == PDF``) or a
    #: task ``() -> summary`` whose ``str()`` is the job's result text (``output == TEXT``).
    run: Callable[..., Any]
    output: str = PDF
    timeout: int = 600
    #: Artefact whose record the job is about, and the parameter holding its id.
    subject: str | None = None
    subject_param: str | None = None
    #: A kind offered on several artefacts (a card's PDF): their code names, read when asked
    #: (the registry is complete by then); the chosen one is kept as the ``artefact`` param.
    subjects: Callable[[], Sequence[str]] | None = None
    #: Route under the subject's API resource: ``POST /api/v1/<subject>/<id>/<route>``.
    route: str | None = None
    #: Roles that may ask for it (None: whoever may read the subject record).
    requesters: frozenset[str] | None = None
    #: Scheduled tasks run as the system and are never requested by a person.
    system_only: bool = False
    #: Only its requester sees it and downloads its file (a list export: it names no record
    #: whose reader could be checked, and two people of the same scope may read differently,
    #: e.g. confidential objectives).
    private: bool = False
    #: ``(subject record) -> None``, raising a French Conflict when it cannot be built now.
    precondition: Callable[[Any], None] | None = None
    #: ``(job, subject record) -> None`` in the transaction that records the result.
    on_success: Callable[[Any, Any], None] | None = None
    #: Extra parameters: name → cleaner (raw value, subject record) → clean value.
    extra: Mapping[str, Callable[[Any, Any], Any]] = field(default_factory=dict)
    title: Callable[[Any, Mapping[str, Any]], str] = _no_title

    @property
    def several_subjects(self) -> bool:
        return self.subjects is not None

    def subject_codes(self) -> tuple[str, ...]:
        """The artefacts whose records this kind is asked from."""
        if self.subjects is not None:
            return tuple(self.subjects())
        return (self.subject,) if self.subject else ()


KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    """Declare a kind (registering a code again replaces it: a reloaded module)."""
    KINDS[kind.code] = kind
    return kind


def get(code: str) -> JobKind:
    return KINDS[code]


def find(code: str) -> JobKind | None:
    return KINDS.get(code)


def for_route(artefact_code: str, route: str) -> JobKind | None:
    """The kind ``POST /api/v1/<artefact>/<id>/<route>`` asks for (None: no such route)."""
    for kind in KINDS.values():
        if kind.route == route and artefact_code in kind.subject_codes():
            return kind
    return None


def private_codes() -> tuple[str, ...]:
    """The kinds only their requester sees (:attr:`JobKind.private`)."""
    return tuple(code for code, kind in KINDS.items() if kind.private)


def routes_of(artefact_code: str) -> list[JobKind]:
    """The kinds asked from a record of this artefact (the « Documents PDF » panel)."""
    return [k for k in KINDS.values() if k.route and artefact_code in k.subject_codes()]
