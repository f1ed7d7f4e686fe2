"""Where a card's links lead, without knowing the screens.

The core cannot import the screens, yet a card links to records' pages, to other cards and to
a measurement list. The screens register, at start-up, which endpoint shows each artefact and
which draws its card (:func:`register_endpoints`, called by ``views``); :class:`Links` builds
URLs from those names. On screen the links are paths of the current site; in a PDF built by a
worker (no request) they are absolute addresses under ``VIGIE_BASE_URL``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, url_for

#: ``app.extensions`` keys holding the endpoints the screens registered.
SHOW_ENDPOINTS = "vigie_show_endpoints"
CARD_ENDPOINTS = "vigie_card_endpoints"


def register_endpoints(
    app: Flask, *, show: Mapping[str, str] | None = None, card: Mapping[str, str] | None = None
) -> None:
    """Record artefact code name → endpoint of its generated views (``show``) and of its
    card route (``card``); called once by each screen module that adds them."""
    if show is not None:
        app.extensions.setdefault(SHOW_ENDPOINTS, {}).update(show)
    if card is not None:
        app.extensions.setdefault(CARD_ENDPOINTS, {}).update(card)


def _endpoints(key: str) -> Mapping[str, str]:
    found: Mapping[str, str] = current_app.extensions.get(key, {})
    return found


def card_endpoint(code: str) -> str | None:
    """The endpoint of an artefact's card route (None: no card, or no screens)."""
    return _endpoints(CARD_ENDPOINTS).get(code)


@dataclass(frozen=True)
class Links:
    """How a card's links are written.

    ``base`` None: paths of the current site, from ``url_for``. A URL: absolute addresses
    under it (:meth:`external`), so a card read on paper still opens the record. An empty
    ``base``: no links at all (plain text).
    """

    base: str | None = None

    @classmethod
    def external(cls) -> Links:
        return cls(str(current_app.config.get("VIGIE_BASE_URL") or ""))

    def url(self, endpoint: str, **values: Any) -> str | None:
        if self.base is None:
            return url_for(endpoint, **values)
        if not self.base:
            return None
        parts = urlsplit(self.base)
        adapter = current_app.url_map.bind(
            parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "https"
        )
        return adapter.build(endpoint, values, force_external=True)

    def record(self, code: str, pk: int) -> str | None:
        """The generic show page of a record (None if the artefact has no screens)."""
        endpoint = _endpoints(SHOW_ENDPOINTS).get(code)
        return self.url(f"{endpoint}.show", pk=pk) if endpoint else None

    def file(self, code: str, pk: int) -> str | None:
        """The download of a record's stored file (None if the artefact has no screens)."""
        endpoint = _endpoints(SHOW_ENDPOINTS).get(code)
        return self.url(f"{endpoint}.download_file", pk=pk) if endpoint else None

    def card(self, code: str, pk: int) -> str | None:
        """The card of a record, for artefacts that have one."""
        endpoint = card_endpoint(code)
        return self.url(endpoint, pk=pk) if endpoint else None

    def measurement_list(self, indicator_id: int) -> str | None:
        """The measurement list filtered on one indicator (its full series)."""
        endpoint = _endpoints(SHOW_ENDPOINTS).get("measurement")
        url = self.url(f"{endpoint}.list") if endpoint else None
        return f"{url}?_flt_0_indicator={indicator_id}" if url else None
