"""The reports' templates, on the app's template path.

A blueprint rather than files under ``views/``: the PDF templates are rendered by workers,
outside any request. Their style sheets (``reports/static``) are *not* served over HTTP —
only the PDF URL fetcher reads them, from disk (``/reports-static/…``, see
:mod:`reports.pdf`).
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint

HERE = Path(__file__).resolve().parent

reports_blueprint = Blueprint(
    "vigie_reports",
    __name__,
    template_folder=str(HERE / "templates"),
)
#: The folder report templates link as ``/reports-static/…`` (read by the PDF fetcher only).
STATIC_FOLDER = HERE / "static"
STATIC_PREFIX = "/reports-static/"
