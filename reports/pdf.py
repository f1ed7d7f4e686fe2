"""HTML → PDF with WeasyPrint, allowed to read nothing but Vigie's own static files.

A report's HTML holds user text (titles, comments, findings). Jinja escapes it, but a
stylesheet ``url()``, an ``<img src>`` or an ``<object>`` could still make WeasyPrint fetch a
URL: from a worker inside the town's network that is a server-side request forgery (an
intranet address, a cloud metadata endpoint, ``file:///etc/passwd``). :class:`StaticOnlyFetcher`
therefore answers only

* ``data:`` URIs (the charts and the strategy map are embedded that way), and
* paths under a static URL prefix of the app or one of its blueprints (``/vigie-static/…``),
  or under ``/reports-static/`` (the print style sheets), read from that folder on disk —
  resolved first, so ``..`` cannot leave it;

and refuses everything else (http, https, ftp, file, other paths) *without opening a
connection*. Refused URLs are kept on the fetcher so a report job can log them and tests can
see what was asked.

Reports are rendered against :data:`BASE_URL`, a reserved ``.invalid`` host that resolves
nowhere, so a root-relative ``/vigie-static/report.css`` in a template becomes a URL the
fetcher maps to the file.
"""

from __future__ import annotations

import base64
import logging
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import Flask, current_app

from reports.blueprint import STATIC_FOLDER, STATIC_PREFIX

log = logging.getLogger(__name__)

#: The origin report HTML is rendered against; ``.invalid`` never resolves (RFC 2606).
BASE_URL = "https://vigie.invalid/"
_ORIGIN = "https://vigie.invalid"


def static_roots(app: Flask) -> dict[str, Path]:
    """URL prefix → folder of every static folder the app serves (app and blueprints)."""
    roots: dict[str, Path] = {STATIC_PREFIX: STATIC_FOLDER.resolve()}
    if app.static_folder and app.static_url_path is not None:
        roots[app.static_url_path.rstrip("/") + "/"] = Path(app.static_folder).resolve()
    for blueprint in app.blueprints.values():
        if blueprint.static_folder and blueprint.static_url_path:
            prefix = (blueprint.url_prefix or "").rstrip("/") + blueprint.static_url_path
            roots[prefix.rstrip("/") + "/"] = Path(blueprint.static_folder).resolve()
    return roots


@dataclass
class StaticOnlyFetcher:
    """A WeasyPrint URL fetcher for ``data:`` URIs and the app's static files only."""

    roots: dict[str, Path]
    refused: list[str] = field(default_factory=list)
    served: list[str] = field(default_factory=list)

    def __call__(self, url: str) -> Any:
        # WeasyPrint (pango, fonts) loads in the processes that render, not in every web one
        from weasyprint.urls import URLFetcherResponse

        if url.startswith("data:"):
            mime, data = _decode_data_uri(url)
            return URLFetcherResponse(url, data, {"Content-Type": mime})
        path = self._static_path(url)
        if path is None:
            self.refused.append(url)
            log.warning("report: refused to fetch %s", url[:200])
            raise ValueError(f"Vigie refuse de charger cette adresse : {url[:200]}")
        self.served.append(url)
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})

    # WeasyPrint ≥ 68 calls ``fetch`` and checks this attribute on errors.
    _fail_on_errors = False

    def fetch(self, url: str, headers: Any = None) -> Any:
        return self(url)

    def _static_path(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != _ORIGIN or parts.query:
            return None
        path = unquote(parts.path)
        for prefix, root in self.roots.items():
            if path.startswith(prefix):
                candidate = (root / path[len(prefix) :]).resolve()
                if candidate.is_relative_to(root) and candidate.is_file():
                    return candidate
        return None


def _decode_data_uri(url: str) -> tuple[str, bytes]:
    header, _, payload = url[5:].partition(",")
    params = header.split(";")
    mime = params[0] or "text/plain"
    if "base64" in params[1:]:
        return mime, base64.b64decode(payload)
    return mime, unquote(payload).encode("utf-8")


@dataclass(frozen=True)
class Rendered:
    """A rendered PDF and what the job records about it."""

    data: bytes
    pages: int
    refused: tuple[str, ...]


def render_pdf(html: str, app: Flask | None = None) -> Rendered:
    """Lay the HTML out and write the PDF (in memory; the job stores it write-then-rename).

    The job framework calls it with the HTML only (the current app's static folders)."""
    # WeasyPrint (pango, fonts) loads in the processes that render, not in every web one
    from weasyprint import HTML

    fetcher = StaticOnlyFetcher(static_roots(app or current_app))
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render()
    data = document.write_pdf()
    return Rendered(data=data or b"", pages=len(document.pages), refused=tuple(fetcher.refused))
