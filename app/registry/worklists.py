"""Named lists of an artefact (« Actions en retard », « Propositions à arbitrer »…): one
filter for the count a home page shows and for the list its link opens.

A home page that says « 4 actions en retard » must open a list of exactly those four rows. So
the count and the list never restate the rule: a :class:`Worklist` is a SQL clause of the
artefact's model for one person, registered once under a name; :func:`count` counts it
through the artefact's scope rule (:mod:`app.reading`) and the artefact's screens apply it
when the list is asked for with ``?liste=<name>`` (:mod:`app.registry.interface`), on top of
the same scope rule and with archived records left out, as both do by default.

Worklists are registered at start-up by the layer that knows the rule (the workflow tables'
to-dos are the workflows' own): the core only holds the names.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import has_request_context, request
from sqlalchemy import func
from sqlalchemy.sql.elements import ColumnElement

from app import registry
from app.extensions import db
from app.reading import scoped_select
from app.security.actor import Actor

#: The list's query argument naming the worklist.
ARG = "liste"

#: A worklist's rule: the model and the person it is counted for → a SQL condition.
Clause = Callable[[Any, Actor], ColumnElement[bool]]


@dataclass(frozen=True)
class Worklist:
    """A named filter of one artefact's list, shown above the list as its title."""

    artefact: str
    name: str
    label: object  # a lazy string: rendered in the reader's language
    clause: Clause

    def condition(self, actor: Actor) -> ColumnElement[bool]:
        return self.clause(registry.get(self.artefact).model, actor)

    @property
    def path(self) -> str:
        """The list's address, filtered by this worklist."""
        return f"/{self.artefact}/list/?{ARG}={self.name}"


_WORKLISTS: dict[tuple[str, str], Worklist] = {}


def register(worklist: Worklist) -> Worklist:
    """Add a worklist (a second one under the same artefact and name replaces the first)."""
    _WORKLISTS[(worklist.artefact, worklist.name)] = worklist
    return worklist


def find(artefact: str, name: str | None) -> Worklist | None:
    return _WORKLISTS.get((artefact, name or ""))


def requested(model: type) -> Worklist | None:
    """The worklist a list request names (``?liste=``) for this model's artefact, if any."""
    if not has_request_context():
        return None
    artefact = registry.for_model(model)
    if artefact is None:
        return None
    return find(artefact.code_name, request.args.get(ARG))


def count(worklist: Worklist, actor: Actor) -> int:
    """How many live rows of the worklist the person reads — the rows its list shows."""
    artefact = registry.get(worklist.artefact)
    if not actor.may_read(artefact):
        return 0
    model: Any = artefact.model
    stmt = scoped_select(artefact, actor, include_archived=False).where(worklist.condition(actor))
    total = stmt.with_only_columns(func.count(model.id)).order_by(None)
    return int(db.session.scalar(total) or 0)


def first_rows(
    worklist: Worklist,
    actor: Actor,
    *,
    order_by: Sequence[Any],
    options: Sequence[Any] = (),
    limit: int,
) -> list[Any]:
    """The first rows of the worklist, in the given order (« Mes tâches » shows them)."""
    artefact = registry.get(worklist.artefact)
    if not actor.may_read(artefact):
        return []
    stmt = scoped_select(artefact, actor, include_archived=False).where(worklist.condition(actor))
    stmt = stmt.options(*options).order_by(*order_by).limit(limit)
    return list(db.session.scalars(stmt))
