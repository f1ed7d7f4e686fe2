"""Saved filters: a person's named views of one artefact's list (« Mes filtres »).

A saved filter is the list's query string — filters, order, worklist, state, archives — kept
for one person under a name they chose, and shown only to them. It holds no record: opening
it runs the list again through the person's own scope, so a filter shared by mistake (it is
never shared) would still show nobody anything they may not read.
"""

from __future__ import annotations

from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.types import UtcDateTime, utcnow

#: Longest name of a saved filter, in characters (the menu shows it whole).
NAME_MAX = 80
#: Longest query string kept: far beyond every filter of a list at once.
QUERY_MAX = 2000


class SavedFilter(Model):
    """One person's named query string of one artefact's list."""

    __tablename__ = "saved_filter"
    __table_args__ = (
        UniqueConstraint("user_id", "artefact", "name", name="uq_saved_filter_user_artefact_name"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("ab_user.id", name="fk_saved_filter_user", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )
    #: The artefact's ``code_name`` (its list is ``/<artefact>/list/``).
    artefact: Mapped[str] = mapped_column(String(64), nullable=False)
    name: Mapped[str] = mapped_column(String(NAME_MAX), nullable=False)
    #: The list's query string without ``?``, only the list's own parameters.
    query: Mapped[str] = mapped_column(String(QUERY_MAX), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)

    def __repr__(self) -> str:
        return self.name
