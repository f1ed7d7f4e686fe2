"""Pages of the hand-written screens that could list thousands of rows.

Generated lists page through FAB's pager; the hand-written screens (collection health, « Mes
tâches », notifications) page through this one: ``?page=`` (0-based; nonsense reads as the
first page), its size from ``VIGIE_PAGE_SIZE``, and ``vigie/_pager.html`` for the links,
which keep every other argument of the page (its filters).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import current_app, request

from app.input_gate import MAX_PAGE

_Item = TypeVar("_Item")


def page_number(arg: str = "page") -> int:
    """The 0-based page asked for (``?page=``), 0 when missing or nonsense."""
    try:
        return min(max(int(request.args.get(arg, "0")), 0), MAX_PAGE)
    except ValueError:
        return 0


def page_size() -> int:
    return int(current_app.config.get("VIGIE_PAGE_SIZE", 25))


@dataclass(frozen=True)
class Page(Generic[_Item]):
    """One page of a list: its rows, where it is, how many rows there are in all."""

    items: Sequence[_Item]
    page: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max((self.total + self.size - 1) // self.size, 1)

    @property
    def offset(self) -> int:
        return self.page * self.size


def page_of(items: Sequence[_Item], page: int, size: int) -> Page[_Item]:
    """The page ``page`` of rows already judged (a page past the end: the last one)."""
    last = max((len(items) + size - 1) // size - 1, 0)
    page = min(page, last)
    return Page(items[page * size : (page + 1) * size], page, size, len(items))
