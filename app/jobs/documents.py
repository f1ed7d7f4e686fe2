"""What a report builder hands to the job that runs it, and what a renderer gives back.

A builder gathers data (as the person who asked, so their scope applies) and renders HTML; the
job framework (:mod:`app.jobs.worker`) has it turned into a PDF by the renderer the reports
layer registered (:func:`register_renderer`), stores it write-then-rename and records it.
Keeping the builder to "data → HTML" means the benchmark can time WeasyPrint alone on the very
same HTML, and every report gets the same safe fetcher, storage and bookkeeping.

A builder is ``build(params, actor, progress) -> Document``; it reports its own progress in
the 0–100 range of *its* step (the job maps it onto the overall bar) with a French label.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # builders take an actor; the actor module needs no documents
    from app.security.actor import Actor

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


@dataclass(frozen=True)
class Produced:
    """A file a builder wrote itself (``output == FILE``: a list export written chunk by
    chunk to a temporary file): the job stores it (and removes the temporary file)."""

    title: str
    filename: str
    path: str
    rows: int


class Builder(Protocol):
    def __call__(self, params: Mapping[str, Any], actor: Actor, progress: Progress) -> Document: ...


class Rendered(Protocol):
    """A rendered file: its bytes, its page count and the resources the renderer refused."""

    @property
    def data(self) -> bytes: ...

    @property
    def pages(self) -> int: ...

    @property
    def refused(self) -> Sequence[str]: ...


#: ``render(html) -> Rendered``, one per output kind (``pdf``), registered at start-up by the
#: layer that owns the renderer (``reports`` registers WeasyPrint): the core knows no renderer.
Renderer = Callable[[str], Rendered]
#: ``warm_up()``: what a renderer loads once per process (its library, fonts, templates).
WarmUp = Callable[[], None]
_RENDERERS: dict[str, Renderer] = {}
_WARM_UPS: dict[str, WarmUp] = {}


def register_renderer(output: str, render: Renderer, warm_up: WarmUp | None = None) -> None:
    """Declare the renderer of an output kind, and what it loads once per process.

    ``warm_up`` runs in a worker before its first job (:func:`app.jobs.warm.warm_up`): RQ
    forks a work-horse per job, and what the worker loaded before forking every horse starts
    with instead of loading it again for each report.
    """
    _RENDERERS[output] = render
    if warm_up is not None:
        _WARM_UPS[output] = warm_up
    else:
        _WARM_UPS.pop(output, None)


def warm_ups() -> list[WarmUp]:
    """Every registered renderer's warm-up, in registration order."""
    return list(_WARM_UPS.values())


def renderer(output: str) -> Renderer:
    """The renderer of an output kind (a missing one is a set-up error, not a user's)."""
    try:
        return _RENDERERS[output]
    except KeyError:
        raise RuntimeError(f"no renderer registered for {output!r} jobs") from None
