"""The generated lists' table, with a count that stops at :data:`COUNT_CAP`.

The data interface reads at most ``COUNT_CAP + 1`` rows to count a list
(:meth:`app.registry.interface.ArtefactInterface.query_count`); past the cap the header says
« plus de 10 000 » instead of a number it does not know, and the pager ends at the last page
within the cap (its last-page link then opens rows that exist).
"""

from __future__ import annotations

from typing import Any

from flask_appbuilder.widgets import ListWidget
from flask_babel import format_decimal
from flask_babel import gettext as _

from app.registry.interface import COUNT_CAP


def count_text(count: int, cap: int = COUNT_CAP) -> str:
    """The list's count as shown: the number, or « plus de 10 000 » above the cap."""
    if count > cap:
        return _("plus de %(n)s", n=format_decimal(cap))
    return str(format_decimal(count))


class CappedListWidget(ListWidget):
    """FAB's list widget drawn by ``vigie/widgets/list.html`` (capped count and pager)."""

    template = "vigie/widgets/list.html"

    def __call__(self, **kwargs: Any) -> Any:
        count = int(self.template_args.get("count") or 0)
        # the cap of the list's own data interface (ArtefactView passes it)
        cap = int(self.template_args.get("count_cap") or COUNT_CAP)
        kwargs.setdefault("pager_count", min(count, cap))
        kwargs.setdefault("count_text", count_text(count, cap))
        return super().__call__(**kwargs)
