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
import threading
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


_FONTS = threading.local()


def font_config() -> Any:
    """This thread's WeasyPrint font configuration, made once and kept.

    WeasyPrint makes a new one per document by default: Fontconfig's configuration loaded
    again, an empty Pango font map, so every font file opened and every glyph metric
    measured again — about a tenth of the review pack's layout time. Keeping one is safe
    because the report style sheets declare no ``@font-face`` (the only thing a document adds
    to a configuration; ``tests/test_report_fonts.py`` holds that); per thread because a Pango
    font map is not meant to be shared between threads."""
    found = getattr(_FONTS, "config", None)
    if found is None:
        from weasyprint.text.fonts import FontConfiguration

        found = _FONTS.config = FontConfiguration()
    return found


def render_pdf(html: str, app: Flask | None = None) -> Rendered:
    """Lay the HTML out and write the PDF (in memory; the job stores it write-then-rename).

    The job framework calls it with the HTML only (the current app's static folders)."""
    # WeasyPrint (pango, fonts) loads in the processes that render, not in every web one
    from weasyprint import HTML

    fetcher = StaticOnlyFetcher(static_roots(app or current_app))
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(
        font_config=font_config()
    )
    data = document.write_pdf()
    return Rendered(data=data or b"", pages=len(document.pages), refused=tuple(fetcher.refused))


#: A page that uses every face and style sheet the reports use, so that the warm-up opens
#: every font file a report will need (regular, bold, italic, monospace, SVG text).
_WARM_UP_HTML = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<link rel="stylesheet" href="/reports-static/report.css">
<link rel="stylesheet" href="/reports-static/review.css">
<link rel="stylesheet" href="/reports-static/card.css">
<link rel="stylesheet" href="/reports-static/service_report.css"></head><body>
<h1 class="chapter">Échéance dépassée</h1><p>Réalisé à 87 % — <b>gras</b> <i>italique</i>
<code>VOI-012</code></p><table><tr><th>Objectif</th><td>12,5</td></tr></table>
<img src="data:image/svg+xml;charset=utf-8,%3Csvg xmlns='http://www.w3.org/2000/svg'
 width='60' height='20'%3E%3Ctext x='1' y='12' font-size='9'%3E2026 é%3C/text%3E%3C/svg%3E">
</body></html>"""


def warm_up() -> None:
    """Load WeasyPrint, its fonts and the report templates once in this process (a worker,
    before it forks its first work-horse: :mod:`app.jobs.warm`)."""
    render_pdf(_WARM_UP_HTML)
    env = current_app.jinja_env
    for name in env.list_templates(filter_func=lambda n: n.startswith("reports/")):
        env.get_template(name)  # compiled once, kept in Jinja's cache
