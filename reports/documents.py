"""What a report builder hands to the job that runs it.

A builder gathers data (as the person who asked, so their scope applies) and renders HTML; the
job framework (:mod:`reports.jobs`) turns that HTML into a PDF, stores it write-then-rename and
records it. Keeping the builder to "data → HTML" means the benchmark can time WeasyPrint alone
on the very same HTML, and every report gets the same safe fetcher, storage and bookkeeping.

A builder is ``build(params, actor, progress) -> Document``; it reports its own progress in
the 0–100 range of *its* step (the job maps it onto the overall bar) with a French label.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

#: ``progress(percent, step_label)`` — percent of the builder's own work, label in French.
Progress = Callable[[int, str], None]


def no_progress(_percent: int, _label: str) -> None:
    """A progress callback for callers that do not track one (tests, the benchmark)."""


@dataclass(frozen=True)
class Document:
    """A report ready for WeasyPrint: its title, download file name and final HTML."""

    title: str
    filename: str
    html: str


class Builder(Protocol):
    def __call__(self, params: Mapping[str, Any], actor: Any, progress: Progress) -> Document: ...
