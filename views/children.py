"""The children sections of a record's page, as people read them.

The rows come from :func:`app.reading.child_rows` (the child artefact's scope, one query per
section); here each becomes a line of words: values through :func:`app.registry.display.shown`
(a status in words, a person by their full name, a date French), a related record the reader
may not open as « contenu réservé », a stored file as its name and size in words with a
« Télécharger » link to the child's own download route (which checks the scope again).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app import registry
from app.cards.links import Links
from app.formatting import format_date
from app.reading import child_rows, references
from app.registry import display
from app.registry.artefact import Artefact
from app.registry.children import ChildSection
from app.security.actor import Actor


@dataclass(frozen=True)
class ShownRow:
    """One child: its cells in words, its page, and its file (name, size) if it holds one."""

    cells: tuple[str, ...]
    url: str | None
    file_name: str | None = None
    file_size: str | None = None
    download_url: str | None = None


@dataclass(frozen=True)
class ShownSection:
    section: ChildSection
    artefact: Artefact
    headers: tuple[str, ...]
    rows: tuple[ShownRow, ...]
    #: The first row when it is the one the section puts first (« la version en vigueur »)
    #: and it holds a file: offered at the top of the parent's page.
    lead: ShownRow | None = None

    @property
    def with_files(self) -> bool:
        return self.artefact.carries_file


def _cell(artefact: Artefact, section: ChildSection, name: str, value: Any) -> str:
    if artefact.is_relation(name):
        value = references().shown(value)
        if isinstance(value, (list, tuple, set)):
            return ", ".join(str(v) for v in value) or display.EMPTY
        if value is None:
            return display.EMPTY
        return display.shown(artefact, name, value) if hasattr(value, "id") else str(value)
    if name in section.date_only and isinstance(value, datetime):
        return format_date(value)
    return display.shown(artefact, name, value)


def _row(artefact: Artefact, section: ChildSection, record: Any, links: Links) -> ShownRow:
    cells = tuple(
        _cell(artefact, section, name, getattr(record, name, None)) for name in section.columns
    )
    url = links.record(artefact.code_name, record.id)
    if not artefact.carries_file or not record.file_key:
        return ShownRow(cells, url)
    return ShownRow(
        cells,
        url,
        file_name=record.file_name,
        file_size=display.shown(artefact, "file_size", record.file_size),
        download_url=links.file(artefact.code_name, record.id),
    )


def _leads(section: ChildSection, record: Any) -> bool:
    if section.first is None or section.lead_download is None:
        return False
    column, value = section.first
    return bool(getattr(record, column, None) == value and getattr(record, "file_key", None))


def sections_for(artefact: Artefact, parent: Any, actor: Actor) -> list[ShownSection]:
    """Every declared children section of ``parent`` the actor's role reads, in order."""
    links = Links()
    out: list[ShownSection] = []
    for section in artefact.children:
        child = registry.get(section.child)
        if not actor.may_read(child):
            continue
        records = child_rows(section, parent, actor)
        rows = tuple(_row(child, section, record, links) for record in records)
        lead = rows[0] if records and _leads(section, records[0]) else None
        headers = tuple(_header(child, name) for name in section.columns)
        out.append(ShownSection(section, child, headers, rows, lead))
    return out


def _header(artefact: Artefact, name: str) -> str:
    return artefact.column_label(name)
