"""The per-service annual report (rapport annuel du service) as HTML for the PDF job.

What it says is gathered by :mod:`reports.service_data`, as the person who asked (another
service answers NotFound: nothing is built); here it is only laid out in French — cover,
table of contents, one chapter per subject — by ``reports/service_report.html``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from app.cards.risk import criticality_level
from app.charts import data_uri
from app.jobs.documents import Document, Progress
from app.jobs.kinds import clean_year
from app.models.types import utcnow
from app.registry import choice_label
from app.security.actor import Actor
from reports.card_pdf import safe_name
from reports.review_common import town_name
from reports.service_data import gather


def build(params: Mapping[str, Any], actor: Actor, progress: Progress) -> Document:
    """``params = {"service_id": int, "year": int}`` (year: the current one if absent)."""
    year = clean_year(params.get("year"))
    with force_locale("fr"):
        progress(5, _("Lecture des données du service"))
        data = gather(params.get("service_id"), year, actor)
        progress(60, _("Mise en page du rapport"))
        title = _("Rapport annuel %(year)s — %(service)s", year=year, service=data.service.name)
        html = render_template(
            "reports/service_report.html",
            data=data,
            doc_title=title,
            town_name=town_name(),
            data_uri=data_uri,
            choice_label=choice_label,
            criticality_level=criticality_level,
            printed_at=utcnow(),
            printed_by=actor.user,
        )
        progress(100, _("Rapport prêt"))
    filename = f"Rapport_annuel_{safe_name(data.service.code)}_{year}.pdf"
    return Document(title=title, filename=filename, html=html)
