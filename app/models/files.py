"""Columns of a record that carries one stored file (a document version, an audit report).

The file itself lives on disk under a generated name (``app.files``); the record keeps its
original name for downloads, its size, type and SHA-256 so a download can be verified.
Archiving the record leaves all of this untouched, so no file is ever lost.
"""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column


class AttachedFileMixin:
    """One optional attached file, stored by ``app.files``."""

    file_key: Mapped[str | None] = mapped_column(String(80))
    file_name: Mapped[str | None] = mapped_column(String(255))
    file_size: Mapped[int | None] = mapped_column(Integer)
    file_type: Mapped[str | None] = mapped_column(String(120))
    file_sha256: Mapped[str | None] = mapped_column(String(64))

    @property
    def has_file(self) -> bool:
        return bool(self.file_key)
