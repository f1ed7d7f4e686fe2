"""Roll-up: weighted means with coverage, year aggregation, the strategy map API."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask

from app import registry
from app.commands.records import create_record
from app.extensions import db
from app.indicators import rollup
from app.indicators.rollup import Node
from app.models import Measurement, Target
from app.security.actor import Actor
from tests.conftest import World, token, unique


@pytest.mark.parametrize(
    ("children", "score", "coverage"),
    [
        ([(1.0, 1.0), (1.0, 0.0)], 0.5, 1.0),
        ([(2.0, 1.0), (1.0, 0.4)], 0.8, 1.0),
        ([(1.0, 0.6), (1.0, None)], 0.6, 0.5),
        ([(3.0, None), (1.0, 0.2)], 0.2, 0.25),
        ([(1.0, None)], None, 0.0),
        ([], None, None),
        ([(0.0, 0.3)], None, None),
    ],
)
def test_weighted_mean_and_coverage(children, score, coverage) -> None:
    nodes = [
        Node("indicator", n, str(n), "x", weight=w, score=s) for n, (w, s) in enumerate(children)
    ]
    got_score, got_coverage = rollup.weighted(nodes)
    assert got_score == (pytest.approx(score) if score is not None else None)
    assert got_coverage == (pytest.approx(coverage) if coverage is not None else None)


class Plan:
    """Programme P: axis A (SO1 weight 2 via a service objective of S1; SO2 weight 1 direct)."""

    def __init__(
        self, app: Flask, world: World, extra_indicators: int = 0, half_aggregation: str = "mean"
    ) -> None:
        system = Actor.system_actor()
        get = registry.get
        year = date.today().year
        with app.app_context():
            self.programme = create_record(
                get("programme"),
                {"title": unique("Plan "), "start_year": year - 2, "end_year": year + 3},
                system,
            ).id
            axis = create_record(
                get("axis"),
                {"programme": self.programme, "code": unique("AX"), "title": "Axe"},
                system,
            )
            so1 = create_record(
                get("strategic_objective"),
                {"axis": axis.id, "code": unique("OS"), "title": "Objectif 1", "weight": 2},
                system,
            )
            so2 = create_record(
                get("strategic_objective"),
                {"axis": axis.id, "code": unique("OS"), "title": "Objectif 2", "weight": 1},
                system,
            )
            sv = create_record(
                get("service_objective"),
                {
                    "service": world.services["S1"],
                    "strategic_objective": so1.id,
                    "year": year,
                    "title": "Contribution S1",
                },
                system,
            )

            def indicator(objective: dict, **extra) -> int:
                return create_record(
                    get("indicator"),
                    {
                        "code": unique("RU-"),
                        "name": "Suivi",
                        "owner_service": world.services["S1"],
                        "frequency": "monthly",
                        "aggregation": "mean",
                        **objective,
                        **extra,
                    },
                    system,
                ).id

            self.met = indicator({"service_objectives": [sv.id]})
            self.empty = indicator({"service_objectives": [sv.id]})
            self.half = indicator({"strategic_objectives": [so2.id]}, aggregation=half_aggregation)
            for _n in range(extra_indicators):
                indicator({"service_objectives": [sv.id]})
            last = f"{year - 1}-12"
            db.session.add_all(
                [
                    Measurement(indicator_id=self.met, period=last, value=100.0),
                    Target(indicator_id=self.met, period=str(year - 1), value=100.0),
                    Measurement(indicator_id=self.half, period=last, value=50.0),
                    Target(indicator_id=self.half, period=str(year - 1), value=100.0),
                ]
            )
            for month in range(1, 7):
                db.session.add(
                    Measurement(indicator_id=self.half, period=f"{year - 2}-0{month}", value=100.0)
                )
            db.session.add(Target(indicator_id=self.half, period=str(year - 2), value=1200.0))
            db.session.commit()
            self.axis, self.so1, self.so2, self.sv = axis.id, so1.id, so2.id, sv.id
            self.year = year


def test_strategy_map_rolls_up_with_weights_and_coverage(app: Flask, world: World) -> None:
    plan = Plan(app, world)
    with app.app_context():
        result = rollup.strategy_map(plan.programme, None, today=date(plan.year, 1, 5))
    assert result is not None
    [axis] = result.programme.children
    so1, so2 = axis.children
    [sv] = [c for c in so1.children if c.kind == "service_objective"]
    assert sv.score == pytest.approx(1.0) and sv.coverage == pytest.approx(0.5)
    # a parent's coverage is its children's, weighted: half of SO1's indicators have a value
    assert so1.score == pytest.approx(1.0) and so1.coverage == pytest.approx(0.5)
    assert so2.score == pytest.approx(0.5) and so2.status == "non_atteint"
    assert axis.score == pytest.approx((2 * 1.0 + 0.5) / 3)
    assert axis.status == "non_atteint"
    assert result.programme.score == pytest.approx(axis.score)
    assert result.matrix[("S1", axis.code)] == (pytest.approx(1.0), pytest.approx(0.5))


def test_late_values_are_not_coverage_counted_as_collection_health_counts_them(
    app: Flask, world: World
) -> None:
    """The map's coverage and the collection health page tell the same story: a value owed
    and not in is not covered, though the indicator still gives its latest score."""
    from app.indicators.health import overdue_indicators
    from app.models import Indicator

    plan = Plan(app, world)
    today = date(plan.year, 3, 20)  # December's values were due in January: February's are late
    with app.app_context():
        result = rollup.strategy_map(plan.programme, None, today=today)
        indicators = db.session.query(Indicator).filter(
            Indicator.id.in_([plan.met, plan.empty, plan.half])
        )
        late = {overdue.indicator.id for overdue in overdue_indicators(list(indicators), today)}
    assert result is not None
    assert late == {plan.met, plan.half}
    leaves = {node.id: node for node in _walk(result.programme) if node.kind == "indicator"}
    assert {i for i, node in leaves.items() if node.late} == late
    assert all(node.as_dict()["late"] for i, node in leaves.items() if i in late)
    [axis] = result.programme.children
    so1, so2 = axis.children
    [sv] = [c for c in so1.children if c.kind == "service_objective"]
    assert sv.score == pytest.approx(1.0)  # the late value still scores...
    assert sv.coverage == pytest.approx(0.0)  # ...but is not counted as in
    assert so2.coverage == pytest.approx(0.0) and result.programme.coverage == pytest.approx(0.0)
    # once the values are in (with this year's targets), the same indicators are covered
    with app.app_context():
        for indicator_id in (plan.met, plan.half):
            db.session.add_all(
                [
                    Measurement(indicator_id=indicator_id, period=f"{plan.year}-02", value=100.0),
                    Target(indicator_id=indicator_id, period=str(plan.year), value=100.0),
                ]
            )
        db.session.commit()
        again = rollup.strategy_map(plan.programme, None, today=today)
    assert again is not None
    [axis] = again.programme.children
    so1, so2 = axis.children
    [sv] = [c for c in so1.children if c.kind == "service_objective"]
    assert sv.coverage == pytest.approx(0.5) and so2.coverage == pytest.approx(1.0)


def test_year_aggregation_prorates_a_running_sum(app: Flask, world: World) -> None:
    plan = Plan(app, world, half_aggregation="sum")
    with app.app_context():
        result = rollup.strategy_map(plan.programme, str(plan.year - 2))
    assert result is not None
    # the service objective is for this year: not on the map two years ago
    assert not any(n.kind == "service_objective" for n in _walk(result.programme))
    met = next(n for n in _walk(result.programme) if n.kind == "indicator" and n.id == plan.half)
    assert met.details["value"] == 600.0
    assert met.details["values_filed"] == 6 and met.details["values_expected"] == 12
    assert met.status == "atteint"
    # read month by month, the yearly total is shared out: 100 against 1,200 / 12
    with app.app_context():
        monthly = rollup.strategy_map(plan.programme, f"{plan.year - 2}-03")
    assert monthly is not None
    march = next(n for n in _walk(monthly.programme) if n.kind == "indicator" and n.id == plan.half)
    assert march.details["value"] == 100.0 and march.status == "atteint"


def _walk(node: Node):
    yield node
    for child in node.children:
        yield from _walk(child)


def test_api_and_constant_query_count(app: Flask, world: World, client, count_queries) -> None:
    small = Plan(app, world)
    large = Plan(app, world, extra_indicators=25)
    headers = token(client, world.users["official"])
    counts = []
    for plan in (small, large):
        client.get(f"/api/v1/strategy_map/{plan.programme}", headers=headers)
        with count_queries() as queries:
            response = client.get(f"/api/v1/strategy_map/{plan.programme}", headers=headers)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    body = response.json
    assert body["programme"]["children"][0]["kind"] == "axis"
    assert {"status", "score", "coverage"} <= set(body["programme"])
    assert (
        client.get(
            f"/api/v1/strategy_map/{small.programme}?period=2025-13", headers=headers
        ).status_code
        == 422
    )
    assert client.get("/api/v1/strategy_map/999999", headers=headers).status_code == 404
    assert client.get(f"/api/v1/strategy_map/{small.programme}").status_code == 401
