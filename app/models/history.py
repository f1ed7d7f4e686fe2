"""The append-only change history shared by every artefact (who, when, what, why)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_appbuilder import Model
from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.types import UtcDateTime, utcnow

HISTORY_ACTIONS = ("create", "update", "archive", "restore", "delete", "transition")


class HistoryEntry(Model):
    """One change to one record. Rows are only ever inserted.

    ``username`` is copied so the entry stays meaningful if the account is later renamed;
    ``changes`` maps a field to ``[old, new]`` (JSON-serialisable values).
    """

    __tablename__ = "history_entry"
    __table_args__ = (Index("ix_history_entry_record", "artefact", "record_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    artefact: Mapped[str] = mapped_column(String(64), nullable=False)
    record_id: Mapped[int] = mapped_column(Integer, nullable=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("ab_user.id", name="fk_history_entry_user"), nullable=True
    )
    username: Mapped[str | None] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(16), nullable=False)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    reason: Mapped[str | None] = mapped_column(Text)
    event: Mapped[str | None] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str | None] = mapped_column(String(32))
