"""Stored computed values (criticality, processing days, days to close).

Values that lists sort and filter on are stored, not recomputed in every query. A model lists
them by defining ``refresh_computed()``; one ``before_flush`` hook calls it for every new or
changed record, so the stored value can never drift from its inputs, whichever path wrote them
(form, API, import, demo loader or workflow).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session


class ComputedMixin:
    """A model whose stored computed columns are refreshed on every flush."""

    def refresh_computed(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


@event.listens_for(Session, "before_flush")
def _refresh_computed(session: Session, flush_context: Any, instances: Any) -> None:
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, ComputedMixin):
            obj.refresh_computed()


def product(first: int | None, second: int | None) -> int | None:
    """Likelihood × severity, or None until both are known."""
    if first is None or second is None:
        return None
    return int(first) * int(second)
