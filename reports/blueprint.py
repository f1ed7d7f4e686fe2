"""The reports' templates and print style sheet, served like any other static folder.

A blueprint rather than files under ``views/``: the PDF templates are rendered by workers,
outside any request, and their style sheet is one of the few files the PDF URL fetcher
(:mod:`reports.pdf`) may read — ``/reports-static/…`` maps to ``reports/static``.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask

HERE = Path(__file__).resolve().parent

reports_blueprint = Blueprint(
    "vigie_reports",
    __name__,
    template_folder=str(HERE / "templates"),
    static_folder=str(HERE / "static"),
    static_url_path="/reports-static",
)


def register_reports(app: Flask) -> None:
    app.register_blueprint(reports_blueprint)
