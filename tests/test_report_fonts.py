"""What a report worker keeps between jobs, and that nothing it keeps goes stale.

A worker warms WeasyPrint, its fonts and the report templates once before forking
(``app/jobs/warm.py``), the PDF renderer keeps one font configuration per thread
(``reports/pdf.py``) and charts are cached by the data they draw (``app/charts/cache.py``).
These tests hold the conditions that make that safe — no report style sheet adds a font to
the kept configuration, a value changed between two packs is in the second one (its table
and its chart) — and that the warm-up loads what it says, and never stops a worker.
"""

from __future__ import annotations

import base64
import re
import sys
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from app import registry
from app.commands.records import update_record
from app.extensions import db
from app.jobs import documents
from app.jobs.warm import warm_up
from app.models import Measurement
from reports import review_pack
from reports.blueprint import STATIC_FOLDER
from reports.pdf import font_config, render_pdf
from tests.conftest import World
from tests.test_review_pack import _actor, build_world, flat, pdf_text


def test_report_style_sheets_add_no_font_to_the_kept_configuration() -> None:
    """``@font-face`` is the one thing a document adds to a font configuration: with one,
    a configuration kept between reports would carry one report's fonts into the next."""
    sheets = sorted(Path(STATIC_FOLDER).glob("*.css"))
    assert sheets
    for sheet in sheets:
        assert "@font-face" not in sheet.read_text(encoding="utf-8"), sheet.name


def test_warm_up_loads_the_renderer_and_a_failing_hook_stops_nothing(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> None:
        raise RuntimeError("police introuvable")

    with app.app_context():
        kept = documents.warm_ups()
        try:
            documents.register_renderer("essai", render_pdf, broken)
            warm_up()
        finally:
            documents._RENDERERS.pop("essai", None)
            documents._WARM_UPS.pop("essai", None)
        assert "weasyprint" in sys.modules
        loader = app.jinja_env.cache
        assert loader is not None
        compiled = {key[1] for key in loader}
        assert "reports/review_pack.html" in compiled
        assert documents.warm_ups() == kept
    assert "police introuvable" in caplog.text


def test_a_changed_value_is_in_the_next_pack(app: Flask, world: World) -> None:
    """Two packs from one warm worker: the second shows the corrected value, in the table
    and in the trend chart (a new chart, not the cached one)."""
    with app.app_context():
        pack = build_world(world)
        warm_up()
        fonts = font_config()

        def build() -> tuple[str, str]:
            document = review_pack.build(
                {"review_id": pack.review_id}, _actor("t_quality"), documents.no_progress
            )
            text = flat(pdf_text(render_pdf(document.html).data))
            db.session.remove()
            return text, document.html

        first_text, first_html = build()
        measurement = db.session.scalars(
            select(Measurement)
            .join(Measurement.indicator)
            .where(
                Measurement.value == 82.5,
                Measurement.indicator.has(name=pack.words["indicator_S1"]),
            )
        ).one()
        update_record(
            registry.get("measurement"),
            measurement,
            {"value": 93.25},
            _actor("t_quality"),
            expected_version=measurement.version,
            reason="Correction de saisie",
        )
        second_text, second_html = build()
        assert font_config() is fonts  # the same configuration served both packs

    def charts(html: str) -> set[str]:
        found = re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", html)
        return {base64.b64decode(uri).decode("utf-8") for uri in found}

    assert "82,5 %" in first_text and "93,25 %" not in first_text
    assert "93,25 %" in second_text
    new_charts = charts(second_html) - charts(first_html)
    assert any("93,25" in svg for svg in new_charts)
    assert not any("93,25" in svg for svg in charts(first_html))
