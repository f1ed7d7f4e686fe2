"""What a cross-field check may need to know about the write in progress."""

from __future__ import annotations

from dataclasses import dataclass

from app.security.actor import Actor


@dataclass(frozen=True)
class WriteContext:
    """Who writes (an ``Actor``), why (the reason typed with the change), and whether the
    record is being created. A locked reporting period, for instance, accepts a correction
    only from the quality cell and only with a reason."""

    actor: Actor
    reason: str | None
    creating: bool
