"""« Mes filtres » on every artefact list: what of a list's address a saved filter keeps.

A saved filter is the list's query string, but only the list's *own* parameters, each with a
value the list accepts: its search filters (``_flt_<n>_<column>`` on a searchable column),
its order (``_oc_``/``_od_`` of this view, on a sortable column), its page size, its worklist
(``liste``, one registered for the artefact) and its archives mode. Anything else — another
view's parameters, a ``next``, a page number — is dropped, so a saved link is always this
list's own path with this list's own arguments, checked once more by :func:`app.http.safe_path`
before it is shown or followed: never a way off the site.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from flask import url_for
from werkzeug.datastructures import MultiDict

from app.http import safe_path
from app.models.lists import SavedFilter
from app.registry import worklists

_FILTER = re.compile(r"^_flt_(\d{1,2})_(\w+)$")
_ARCHIVED = frozenset({"include", "only", "1", "true", "oui", "inclure", "seulement"})


def list_query(view: Any, args: MultiDict[str, str]) -> str:
    """The list's own parameters of ``args``, as a query string (see the module docstring)."""
    name = type(view).__name__
    searchable = set(view.search_columns)
    sortable = set(view.order_columns)
    kept: list[tuple[str, str]] = []
    for key, value in args.items(multi=True):
        found = _FILTER.match(key)
        if found is not None:
            keep = found.group(2) in searchable
        elif key == f"_oc_{name}":
            keep = value in sortable
        elif key == f"_od_{name}":
            keep = value in ("asc", "desc")
        elif key == f"psize_{name}":
            keep = value.isdigit() and 0 < int(value) <= 500
        elif key == worklists.ARG:
            keep = worklists.find(view.artefact.code_name, value) is not None
        elif key == "archived":
            keep = value.lower() in _ARCHIVED
        else:
            keep = False
        if keep:
            kept.append((key, value))
    return urlencode(kept)


def link(view: Any, query: str) -> str:
    """The list's address with a saved query string (the bare list if it were ever unsafe)."""
    base = url_for(f"{view.endpoint}.list")
    return safe_path(f"{base}?{query}" if query else base) or base


def menu(view: Any, saved: list[SavedFilter]) -> list[dict[str, Any]]:
    """What the « Mes filtres » menu shows: each filter's name, link and delete address."""
    return [
        {
            "id": item.id,
            "name": item.name,
            "href": link(view, item.query),
            "delete": url_for(f"{view.endpoint}.delete_filter", pk=item.id),
        }
        for item in saved
    ]
