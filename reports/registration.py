"""Plugging the reports layer into the core at start-up (called by the composition root).

The core knows no report: it defines the ports — a renderer per output kind
(:func:`app.jobs.documents.register_renderer`) and the job kinds registry — and this module
fills them with WeasyPrint and Vigie's PDF reports, and adds the reports' templates.
"""

from __future__ import annotations

from flask import Flask

from app.jobs.documents import register_renderer
from app.jobs.kinds import PDF
from reports.blueprint import reports_blueprint
from reports.kinds import register_kinds
from reports.pdf import render_pdf, warm_up


def register_reports(app: Flask) -> None:
    """Templates on the app's path, WeasyPrint for PDF jobs (warmed once per worker), the
    report kinds declared."""
    app.register_blueprint(reports_blueprint)
    register_renderer(PDF, render_pdf, warm_up)
    register_kinds()
