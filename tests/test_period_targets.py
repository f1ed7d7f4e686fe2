"""A value is shown beside the target of its own period, the one its status was judged with.

A monthly ``sum`` indicator with a yearly target of 1 500 heures: March's 131 heures is judged
against 125 heures (a twelfth of the year's goal) and every place that shows the value — the
readers, the card, the entry screen's data, the map's details — shows 125, never 1 500, with
a word saying it is a share of the yearly target. A ``mean`` indicator keeps the yearly value.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from app.extensions import db
from app.indicators import status as st
from app.indicators.latest import latest_readings, period_readings
from app.models import Indicator, Measurement
from tests.conftest import World, login, unique
from tests.factories import new, page_text


def _indicator(world: World, aggregation: str) -> Indicator:
    indicator = new(
        "indicator",
        {
            "code": unique("IND-P"),
            "name": unique("Heures de formation "),
            "owner_service": world.services["S1"],
            "direction": "increase",
            "frequency": "monthly",
            "aggregation": aggregation,
            "collection_mode": "manual",
            "alert_threshold": 0.1,
            "weight": 1.0,
            "unit": "heures",
        },
    )
    new("target", {"indicator": indicator, "period": "2026", "value": 1500.0})
    new("measurement", {"indicator": indicator, "period": "2026-03", "value": 131.0})
    return indicator


@pytest.mark.parametrize(
    ("aggregation", "shown", "status"),
    [("sum", 125.0, st.ATTEINT), ("mean", 1500.0, st.NON_ATTEINT)],
)
def test_readers_carry_the_target_of_the_values_period(
    app: Flask, world: World, aggregation: str, shown: float, status: str
) -> None:
    with app.app_context():
        indicator = _indicator(world, aggregation)
        reading = latest_readings([indicator])[indicator.id]
        assert reading.target is not None
        assert reading.target.value == pytest.approx(shown)
        assert reading.target.shared is (aggregation == "sum")
        assert reading.target.source_period == "2026"
        assert reading.evaluation.status in (status, st.EN_RETARD)
        measurements = db.session.query(Measurement).filter_by(indicator_id=indicator.id).all()
        (history,) = period_readings(indicator, measurements)
        assert history.target is not None and history.target.value == pytest.approx(shown)
        assert history.evaluation.status == status


def test_card_shows_the_months_share_not_the_yearly_goal(
    app: Flask, world: World, client: Any
) -> None:
    with app.app_context():
        indicator_id = _indicator(world, "sum").id
    login(client, world.users["service_head"])
    page = page_text(client.get(f"/cards/indicator/{indicator_id}"))
    latest = page.split("Situation actuelle", 1)[1].split("Définition", 1)[0]
    assert "125" in latest and "part de la cible 2026" in latest
    assert "1 500" not in latest.replace("\u202f", " ").replace("\xa0", " ")
    values = page.split("Dernières valeurs", 1)[1]
    assert "125" in values


def test_period_target_is_idempotent_and_absent_without_a_row(app: Flask, world: World) -> None:
    with app.app_context():
        indicator = _indicator(world, "sum")
        assert st.period_target(indicator, None, "2026-03") is None
        first = st.period_target(indicator, indicator.targets[0], "2026-03")
        assert first is not None
        assert st.period_target(indicator, first, "2026-03") is first
        assert st.evaluate_target(131.0, indicator, first).status == st.ATTEINT
