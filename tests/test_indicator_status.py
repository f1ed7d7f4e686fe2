"""The indicators engine: status and score of a value (pure rules), and the batched readers."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.indicators import latest
from app.indicators import status as st
from app.models import Indicator
from tests.conftest import World, unique
from tests.factories import new


# ----------------------------------------------------------------------------- status
@pytest.mark.parametrize(
    ("value", "expected", "score"),
    [
        (120, st.ATTEINT, 1.0),
        (100, st.ATTEINT, 1.0),
        (95, st.VIGILANCE, 0.95),
        (90, st.VIGILANCE, 0.9),  # exactly at the threshold: still vigilance
        (89, st.NON_ATTEINT, 0.89),
        (-50, st.NON_ATTEINT, 0.0),  # score clipped to [0, 1]
    ],
)
def test_increase(value: float, expected: str, score: float) -> None:
    result = st.evaluate(value, "increase", target=100, alert_threshold=0.1)
    assert result.status == expected
    assert result.score == pytest.approx(score)


@pytest.mark.parametrize(
    ("value", "expected", "score"),
    [
        (5, st.ATTEINT, 1.0),
        (10, st.ATTEINT, 1.0),
        (11, st.VIGILANCE, 0.9),
        (12, st.NON_ATTEINT, 0.8),
        (40, st.NON_ATTEINT, 0.0),
    ],
)
def test_decrease(value: float, expected: str, score: float) -> None:
    result = st.evaluate(value, "decrease", target=10, alert_threshold=0.1)
    assert result.status == expected
    assert result.score == pytest.approx(score)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (95, st.ATTEINT),
        (100, st.ATTEINT),
        (105, st.ATTEINT),
        (90, st.VIGILANCE),  # 5 under 95: 5.3 % of the bound
        (110, st.VIGILANCE),  # 5 over 105: 4.8 %
        (80, st.NON_ATTEINT),
        (120, st.NON_ATTEINT),
    ],
)
def test_band(value: float, expected: str) -> None:
    assert st.evaluate(value, "band", low=95, high=105, alert_threshold=0.1).status == expected


def test_threshold_is_the_indicators() -> None:
    assert st.evaluate(80, "increase", target=100, alert_threshold=0.25).status == st.VIGILANCE
    assert st.evaluate(80, "increase", target=100, alert_threshold=0.1).status == st.NON_ATTEINT
    assert st.evaluate(99, "increase", target=100, alert_threshold=0).status == st.NON_ATTEINT
    # none given: the default 10 %
    assert st.evaluate(91, "increase", target=100).status == st.VIGILANCE


def test_zero_target() -> None:
    assert st.evaluate(0, "decrease", target=0).status == st.ATTEINT
    assert st.evaluate(1, "decrease", target=0).status == st.NON_ATTEINT
    assert st.evaluate(0, "increase", target=0).status == st.ATTEINT


def test_no_value_and_no_target() -> None:
    assert st.evaluate(None, "increase", target=10) == st.NO_DATA
    assert st.NO_DATA.status == st.SANS_DONNEE and st.NO_DATA.score is None
    unjudged = st.evaluate(10, "increase")
    assert unjudged.status == st.SANS_CIBLE and unjudged.score is None
    assert st.evaluate(10, "band", low=None, high=None).status == st.SANS_CIBLE


def test_score_cut_points_are_the_status_rule() -> None:
    for value in (50, 89.5, 90, 95, 100, 130):
        result = st.evaluate(value, "increase", target=100, alert_threshold=0.1)
        assert st.status_for_score(result.score, 0.1) == result.status
    assert st.status_for_score(None) == st.SANS_DONNEE


def test_late_after_the_due_date_of_the_next_period() -> None:
    # latest value for March: April's value is due on 30 April + 15 days
    due = st.due_date(st.next_period("2026-03") or "", grace=15)
    assert due == date(2026, 5, 15)
    assert not st.is_late("2026-03", date(2026, 5, 15), due)
    assert st.is_late("2026-03", date(2026, 5, 16), due)
    assert st.due_date("2026-Q1", grace=0) == date(2026, 3, 31)
    assert st.due_date("2026", grace=10) == date(2027, 1, 10)
    assert st.due_date("2026-04", override=date(2026, 5, 5)) == date(2026, 5, 5)
    assert not st.is_late(None, date(2030, 1, 1), None)  # never had a value: no data
    late = st.current_status(st.evaluate(100, "increase", target=100), late=True)
    assert late.status == st.EN_RETARD and late.score == 1.0


def test_every_status_has_french_label_class_and_icon(app: Flask) -> None:
    with app.test_request_context():
        for code in (st.ATTEINT, st.VIGILANCE, st.NON_ATTEINT, st.SANS_DONNEE, st.EN_RETARD):
            info = st.status_info(code)
            assert info.code == code and str(info.label) and info.css_class and info.icon
        labels = {str(st.STATUS[c].label) for c in st.STATUS}
        assert {"Atteint", "Vigilance", "Non atteint", "Sans donnée", "En retard"} <= labels
    assert len({s.css_class for s in st.STATUS.values()}) == len(st.STATUS)


# ---------------------------------------------------------------------------- readers


def test_latest_readings_in_three_queries_whatever_the_count(
    app: Flask, world: World, count_queries: Any
) -> None:
    with app.app_context():
        made = []
        for i in range(12):
            indicator = new(
                "indicator",
                {
                    "code": unique("LAT-"),
                    "name": f"Lecture {i}",
                    "owner_service": world.services["BULK"],
                    "frequency": "monthly",
                    "direction": "decrease" if i % 2 else "increase",
                },
            )
            made.append(indicator)
            new("target", {"indicator": indicator.id, "period": "2025", "value": 10})
            for month in range(1, 1 + i):
                new(
                    "measurement",
                    {"indicator": indicator.id, "period": f"2025-{month:02d}", "value": month},
                )
        new("target", {"indicator": made[5].id, "period": "2025-05", "value": 5})
        new("reporting_period", {"period": "2025-12", "due_date": "2026-01-05"})
        ids = [indicator.id for indicator in made]
        made = list(
            db.session.scalars(
                select(Indicator).where(Indicator.id.in_(ids)).order_by(Indicator.id)
            )
        )  # loaded, as a page has them
        with count_queries() as statements:
            readings = latest.latest_readings(made, today=date(2025, 12, 20))
        assert len(statements) == 3
        with count_queries() as statements:
            latest.latest_readings(made[:2], today=date(2025, 12, 20))
        assert len(statements) == 3
        assert readings[made[0].id].status.code == st.SANS_DONNEE
        assert readings[made[3].id].period == "2025-03"
        assert readings[made[3].id].value == 3
        # the month's own target (5) wins over the year's (10)
        assert readings[made[5].id].target is not None
        assert readings[made[5].id].target.source_period == "2025-05"
        assert readings[made[4].id].target is not None
        assert readings[made[4].id].target.source_period == "2025"
        # 2025-11 is the latest: December is due on 5 January (reporting period), not late
        assert readings[made[11].id].next_due == date(2026, 1, 5)
        assert readings[made[11].id].status.code != st.EN_RETARD
        # 2025-03 is the latest: April was due on 15 May
        assert readings[made[3].id].status.code == st.EN_RETARD


def test_yearly_target_of_a_sum_is_shared_out_over_the_periods() -> None:
    from types import SimpleNamespace

    from app.indicators import status as st

    target = SimpleNamespace(period="2025", value=1200.0, low=None, high=None)
    summed = SimpleNamespace(aggregation="sum", direction="increase", alert_threshold=0.1)
    level = SimpleNamespace(aggregation="mean", direction="increase", alert_threshold=0.1)
    assert st.evaluate_target(100.0, summed, target, "2025-03").status == "atteint"
    assert st.evaluate_target(250.0, summed, target, "2025-Q1").status == "non_atteint"
    assert st.evaluate_target(300.0, summed, target, "2025-Q1").status == "atteint"
    assert st.evaluate_target(100.0, level, target, "2025-03").status == "non_atteint"
    assert st.evaluate_target(1200.0, summed, target, "2025").status == "atteint"
    month_target = SimpleNamespace(period="2025-03", value=90.0, low=None, high=None)
    assert st.evaluate_target(100.0, summed, month_target, "2025-03").status == "atteint"
