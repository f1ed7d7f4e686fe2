"""A parent's page lists its children: one declaration, read through the children's scope.

A document's page shows its versions, an audit's its findings, a finding's the actions it
opened. Rather than a hand-written section per parent, the parent's :class:`Artefact` names
its :class:`ChildSection`\\ s — which artefact, through which relation, in which order, with
which columns — and the generic show page renders every one the same way, reading the rows
with :func:`app.reading.child_rows` (the child artefact's own scope rule: a draft version of a
published document stays with its service, its approver and the quality cell).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ChildSection:
    """The children of one parent shown as a table on the parent's page.

    ``child``: the child artefact's code name; ``parent``: the child's relation naming the
    parent (its foreign key is what the rows are selected by). ``first``: rows whose
    ``column`` holds ``value`` come before the others (the published version), then
    ``order_by`` (``(column, "asc" | "desc")`` pairs). ``date_only``: timestamp columns
    shown as a date (« approuvée le 25/11/2026 »). ``lead_download``: when the first row
    matches ``first`` and holds a file, the page offers it at its top under this label
    (« Télécharger la version en vigueur »).
    """

    child: str
    parent: str
    label: Any
    columns: Sequence[str]
    order_by: Sequence[tuple[str, str]] = (("id", "desc"),)
    first: tuple[str, Any] | None = None
    date_only: frozenset[str] = frozenset()
    empty: Any = None
    lead_download: Any = None
    #: Rows listed at most (the newest ones after ``first``): a parent's page stays a page.
    limit: int = 200

    @property
    def anchor(self) -> str:
        """The section's HTML id on the parent's page."""
        return f"children-{self.child}"
