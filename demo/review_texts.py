"""Words of the demo's reviews: complaints, surveys, revisions, proposals, suggestions.

The words are in ``demo/data/reviews.toml``; this module reads them at import. Complaint
subjects are what habitants really write to a town hall, each with the corrective action a
justified complaint leads to; ``COMPLAINT_WEIGHTS`` says which services receive most of them
(the street, the canteen and the front desk, far ahead of the others). Every table keeps the
file's order: the load's random draws depend on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from demo.datafile import Fields, read


class ComplaintSubjectDef(NamedTuple):
    """What a habitant complains about; unpacks as ``subject, action``."""

    subject: str
    #: The corrective action when the complaint is justified.
    action: str


@dataclass(frozen=True)
class SurveyDef:
    title: str
    services: tuple[str, ...]
    indicator: str | None
    respondents: int
    rate: float
    results: str
    action: str | None


@dataclass(frozen=True)
class RevisionDef:
    year_offset: int
    scope: str
    title: str
    summary: str
    services: tuple[str, ...]
    state: str
    action: str | None = None


class ProposalDef(NamedTuple):
    """A proposal besides the service objectives; unpacks as ``service, kind, title,
    description``."""

    service: str
    kind: str
    title: str
    description: str


# ------------------------------------------------------------------------------------ reading
def _subject(f: Fields) -> ComplaintSubjectDef:
    return ComplaintSubjectDef(f.text("subject"), f.text("action"))


def _survey(f: Fields) -> SurveyDef:
    return SurveyDef(
        title=f.text("title"),
        services=f.texts("services"),
        indicator=f.optional_text("indicator"),
        respondents=f.whole("respondents"),
        rate=f.number("rate"),
        results=f.text("results"),
        action=f.optional_text("action"),
    )


def _revision(f: Fields) -> RevisionDef:
    return RevisionDef(
        year_offset=f.whole("year_offset"),
        scope=f.text("scope"),
        title=f.text("title"),
        summary=f.text("summary"),
        services=f.texts("services"),
        state=f.text("state"),
        action=f.optional_text("action"),
    )


def _proposal(f: Fields) -> ProposalDef:
    return ProposalDef(f.text("service"), f.text("kind"), f.text("title"), f.text("description"))


def _individual(f: Fields) -> tuple[str, tuple[str, str]]:
    return f.text("agent"), (f.text("previous_year"), f.text("current_year"))


@dataclass(frozen=True)
class _ReviewsFile:
    complaint_subjects: dict[str, tuple[ComplaintSubjectDef, ...]]
    complaint_weights: dict[str, int]
    complaint_delays: dict[str, float]
    channels: dict[str, int]
    complaint_details: tuple[str, ...]
    surveys: tuple[SurveyDef, ...]
    revisions: tuple[RevisionDef, ...]
    proposals: tuple[ProposalDef, ...]
    rationales: dict[str, str]
    suggestions: tuple[str, ...]
    individual_objectives: tuple[tuple[str, tuple[str, str]], ...]


_FILE = read(
    "reviews",
    lambda f: _ReviewsFile(
        complaint_subjects=f.mapping(
            "complaint_subjects", lambda g, code: g.records(code, _subject)
        ),
        complaint_weights=f.mapping("complaint_weights", lambda g, code: g.whole(code)),
        complaint_delays=f.mapping("complaint_delays", lambda g, code: g.number(code)),
        channels=f.mapping("channels", lambda g, channel: g.whole(channel)),
        complaint_details=f.texts("complaint_details"),
        surveys=f.records("survey", _survey),
        revisions=f.records("revision", _revision),
        proposals=f.records("proposal", _proposal),
        rationales=f.mapping("rationales", lambda g, decision: g.text(decision)),
        suggestions=f.texts("suggestions"),
        individual_objectives=f.records("individual_objective", _individual),
    ),
)

#: Service → (subject, corrective action when the complaint is justified).
COMPLAINT_SUBJECTS: dict[str, tuple[ComplaintSubjectDef, ...]] = _FILE.complaint_subjects
#: Relative share of complaints per service.
COMPLAINT_WEIGHTS: dict[str, int] = _FILE.complaint_weights
#: Mean processing days per service (answering takes longer where a site visit is needed).
COMPLAINT_DELAYS: dict[str, float] = _FILE.complaint_delays
#: (channel, relative share) of the ways complaints arrive.
CHANNELS: tuple[tuple[str, int], ...] = tuple(_FILE.channels.items())
COMPLAINT_DETAILS: tuple[str, ...] = _FILE.complaint_details

#: One survey per theme and year (``{year}`` in the title); ``indicator`` is the code it feeds.
SURVEYS: tuple[SurveyDef, ...] = _FILE.surveys

#: Periodic revisions; years are relative to the current strategy year (0 = this year).
REVISIONS: tuple[RevisionDef, ...] = _FILE.revisions

#: Proposals besides the service objectives: (service, kind, title, description).
OTHER_PROPOSALS: tuple[ProposalDef, ...] = _FILE.proposals

#: Decision of a proposal → the rationale the review records.
RATIONALES: dict[str, str] = _FILE.rationales

#: Improvement suggestions from agents (the large town draws tens of thousands of them).
SUGGESTIONS: tuple[str, ...] = _FILE.suggestions

#: Individual objectives: agent → objectives of the previous and the current strategy year.
INDIVIDUAL_OBJECTIVES: dict[str, tuple[str, str]] = dict(_FILE.individual_objectives)
