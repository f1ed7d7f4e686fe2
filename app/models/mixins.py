"""Behaviour every registered artefact shares: optimistic locking, archiving, timestamps."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Boolean, Integer
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from app.models.types import UtcDateTime, utcnow


class TrackedMixin:
    """Optimistic locking and creation/update timestamps.

    ``version`` is SQLAlchemy's ``version_id_col``: an UPDATE carries ``WHERE version = n`` so
    two writers racing on one row cannot both win, and the commands compare the version the
    user edited against the stored one so a stale form is refused instead of overwriting.
    """

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UtcDateTime, nullable=False, default=utcnow, onupdate=utcnow
    )

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805 - SQLAlchemy's signature
        return {"version_id_col": cls.version}


class ArchivableMixin:
    """Controlled records are archived, never deleted: they stay readable, lists hide them."""

    archived: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, index=True)
    archived_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class Record(Protocol):
    """A stored record of any registered artefact, as the generic commands handle it: every
    registered model has an ``id``, :class:`TrackedMixin`'s ``version`` and
    :class:`ArchivableMixin`'s archiving (SQLAlchemy ``Mapped`` columns match these members).
    """

    @property
    def id(self) -> int: ...

    @property
    def version(self) -> int: ...

    archived: bool
    archived_at: datetime | None
