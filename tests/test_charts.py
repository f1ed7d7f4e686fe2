"""The chart module (app/charts) and the indicator card that uses it.

What a reader must be able to rely on: the SVG is a standalone, valid document with a French
text alternative; it draws one point per value, the target (line or band) and the alert band
where the indicator has them, with French numbers and period labels that never pile up; a
status shows by shape as well as colour; an unchanged chart is not redrawn and a changed
value is; the card of a calculated indicator lists its inputs, at a fixed query cost.
"""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app import periods, registry
from app.charts import CARD, PDF, SPARK, WIDGET, data_uri, render_trend, sparkline_svg, trend_svg
from app.charts import svg as chart_svg
from app.charts.cache import charts
from app.commands.records import update_record
from app.extensions import db
from app.indicators import latest
from app.indicators import status as st
from app.indicators.latest import Reading
from app.models import Indicator, Measurement, Target
from app.security.actor import Actor
from tests.conftest import World, login, unique
from tests.factories import new, page_text, past_month

NS = {"s": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"
MARKERS = (f"{SVG}circle", f"{SVG}rect", f"{SVG}polygon")


@pytest.fixture()
def french(app: Flask) -> Iterator[None]:
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        yield


def _series(
    values: Sequence[float],
    frequency: str = periods.MONTHLY,
    *,
    direction: str = "increase",
    target: float | None = 100.0,
    band: tuple[float, float] | None = None,
    unit: str | None = "%",
    threshold: float = 0.1,
    first: str | None = None,
) -> list[Reading]:
    """Readings of one in-memory indicator (no database), judged like the real ones."""
    indicator = Indicator(
        id=1,
        code="IND-T",
        name="Taux de test",
        unit=unit,
        direction=direction,
        alert_threshold=threshold,
        aggregation="mean",
        frequency=frequency,
        version=1,
    )
    start = (
        first
        or {periods.MONTHLY: "2024-01", periods.QUARTERLY: "2022-Q1", periods.YEARLY: "2016"}[
            frequency
        ]
    )
    period = periods.parse(start)
    assert period is not None
    out = []
    for i, value in enumerate(values):
        goal = None
        if band is not None:
            goal = Target(
                id=1, period=str(period.year), value=None, low=band[0], high=band[1], version=1
            )
        elif target is not None:
            goal = Target(
                id=1, period=str(period.year), value=target, low=None, high=None, version=1
            )
        m = Measurement(id=i + 1, period=period.code, value=value, version=1)
        out.append(
            Reading(indicator, m, goal, st.evaluate_target(value, indicator, goal, period.code))
        )
        period = period.next()
    return out


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def _points(root: ET.Element) -> list[ET.Element]:
    """The value markers: the plot's shapes carrying a tooltip (the legend is in a ``<g>``)."""
    return [e for e in root if e.tag in MARKERS and e.find("s:title", NS) is not None]


def _dashed(root: ET.Element) -> list[ET.Element]:
    """The plot's dashed lines: target lines and band bounds."""
    return [e for e in root.findall("s:line", NS) if e.get("stroke-dasharray")]


def _fills(root: ET.Element, colour: str) -> list[ET.Element]:
    """The plot's rectangles of one fill (target band, alert zones)."""
    return [e for e in root.findall("s:rect", NS) if e.get("fill") == colour]


def _texts(root: ET.Element) -> list[str]:
    return [e.text or "" for e in root.iter(f"{SVG}text")]


# ----------------------------------------------------------------------------- the SVG
@pytest.mark.parametrize("size", [CARD, WIDGET, PDF])
def test_trend_is_a_standalone_svg_with_a_french_text_alternative(french: None, size: Any) -> None:
    svg = str(trend_svg(_series([80, 85, 92, 101] * 6), size))
    root = _parse(svg)
    assert root.get("role") == "img" and root.get("viewBox") == f"0 0 {size.width} {size.height}"
    label = (root.get("aria-label") or "").replace("\u00a0", " ")
    assert label.startswith("IND-T — Taux de test : évolution de 24 valeurs, de 2024-01 à 2025-12")
    assert "Dernière valeur 101 %" in label and "(Atteint)" in label and "cible 100 %" in label
    title = root.find("s:title", NS)
    assert title is not None and title.text == root.get("aria-label")
    # nothing to fetch, nothing to run: the same string renders in a browser and WeasyPrint
    for forbidden in ("href", "url(", "<script", "<style", "<image", "@import", 'id="'):
        assert forbidden not in svg, forbidden
    assert data_uri(svg).startswith("data:image/svg+xml;base64,")


def test_one_point_per_value_shaped_by_status(french: None) -> None:
    values = [100, 95, 80, 120, 91, 50, 100]
    root = _parse(render_trend(_series(values)))
    points = _points(root)
    assert len(points) == len(values)
    shapes = {p.find("s:title", NS).text.split("— ")[1].split(" ·")[0]: p.tag for p in points}
    # never colour alone: each status has its own shape, named in the legend
    assert shapes == {
        "Atteint": f"{SVG}circle",
        "Vigilance": f"{SVG}polygon",
        "Non atteint": f"{SVG}rect",
    }
    legend = _texts(root)
    for words in ("Valeur", "Cible", "Zone de vigilance", "Atteint", "Vigilance", "Non atteint"):
        assert words in legend, words
    assert len(root.findall("s:polyline", NS)) == 1  # one unbroken line: no period missing


def test_target_line_and_alert_band_below_an_increase_target(french: None) -> None:
    root = _parse(render_trend(_series([70, 85, 95, 105], threshold=0.2)))
    (target,) = _dashed(root)
    (alert,) = _fills(root, chart_svg.ALERT_FILL)
    # the vigilance zone runs from the target (100) down by the threshold (20 %): 80
    assert float(alert.get("y")) == pytest.approx(float(target.get("y1")), abs=0.2)
    # and its height is a fifth of the target's distance from 0 on the same scale
    height = float(alert.get("height"))
    zero_to_target = height / 20 * 100
    assert zero_to_target > height > 0
    assert not _fills(root, chart_svg.TARGET_FILL)


def test_alert_band_above_a_decrease_target(french: None) -> None:
    root = _parse(render_trend(_series([12, 10.5, 9, 8], direction="decrease", target=10)))
    (target,) = _dashed(root)
    (alert,) = _fills(root, chart_svg.ALERT_FILL)
    bottom_of_alert = float(alert.get("y")) + float(alert.get("height"))
    assert bottom_of_alert == pytest.approx(float(target.get("y1")), abs=0.2)  # above it


def test_band_target_draws_the_band_and_two_alert_zones(french: None) -> None:
    readings = _series([4, 5.5, 7, 9.8], direction="band", band=(5, 8), unit="jours")
    root = _parse(render_trend(readings))
    assert len(_fills(root, chart_svg.TARGET_FILL)) == 1
    assert len(_fills(root, chart_svg.ALERT_FILL)) == 2
    assert len(_dashed(root)) == 2  # both bounds
    assert "Cible (fourchette)" in _texts(root)
    assert "cible entre 5 et 8\u00a0jours" in (root.get("aria-label") or "")


def test_no_target_draws_no_target_nor_alert_band(french: None) -> None:
    root = _parse(render_trend(_series([3, 4, 5], target=None, unit=None)))
    assert not _dashed(root) and not _fills(root, chart_svg.ALERT_FILL)
    texts = _texts(root)
    assert "Cible" not in texts and "Zone de vigilance" not in texts and "Sans cible" in texts
    assert len(_points(root)) == 3
    assert "cible aucune" in (root.get("aria-label") or "")


def test_one_value_and_no_value(french: None) -> None:
    root = _parse(render_trend(_series([42.5])))
    assert len(_points(root)) == 1 and not root.findall("s:polyline", NS)
    assert "42,5\u00a0%" in _texts(root)  # the latest value is written beside its point
    empty = _parse(render_trend([]))
    assert "aucune valeur" in (empty.get("aria-label") or "")
    assert "Aucune valeur saisie." in _texts(empty)


def test_french_numbers_on_the_axis_and_points(french: None) -> None:
    root = _parse(render_trend(_series([10.5, 11.25, 12.5, 1250.75], target=None, unit="€")))
    texts = _texts(root)
    assert not [t for t in texts if re.search(r"\d\.\d", t)], texts  # no decimal point
    assert "1\u202f250,75\u00a0€" in texts  # narrow-space thousands, comma decimals
    titles = [p.find("s:title", NS).text for p in _points(root)]
    assert any("12,5\u00a0€" in t for t in titles)
    ticks = _parse(render_trend(_series([10, 10.5, 11, 11.25], target=None)))
    assert {"10,0", "10,5", "11,0"} <= set(_texts(ticks))  # steps of 0,5, aligned decimals


def test_a_missing_period_breaks_the_line(french: None) -> None:
    readings = _series([1, 2, 3, 4, 5], target=None)
    del readings[2]
    root = _parse(render_trend(readings))
    assert len(root.findall("s:polyline", NS)) == 2 and len(_points(root)) == 4


def _label_rows(root: ET.Element) -> dict[float, list[tuple[float, str]]]:
    """Axis labels (centred texts) by row (their y), as (x, text)."""
    rows: dict[float, list[tuple[float, str]]] = {}
    for e in root.iter(f"{SVG}text"):
        if e.get("text-anchor") == "middle":
            rows.setdefault(float(e.get("y")), []).append((float(e.get("x")), e.text or ""))
    return rows


@pytest.mark.parametrize(
    ("frequency", "count", "expected"),
    [
        (periods.MONTHLY, 24, {"janv.", "2024", "2025"}),
        (periods.MONTHLY, 60, {"2021", "2024"}),
        (periods.QUARTERLY, 12, {"T1", "T3", "2022", "2024"}),
        (periods.YEARLY, 10, {"2016", "2024"}),
        (periods.YEARLY, 40, {"1990", "2020"}),
    ],
)
@pytest.mark.parametrize("size", [CARD, WIDGET, PDF])
def test_period_labels_stay_readable_at_every_frequency(
    french: None, frequency: str, count: int, expected: set[str], size: Any
) -> None:
    first = "1985" if count == 40 else ("2020-01" if count == 60 else None)
    root = _parse(
        render_trend(_series([50 + i % 7 for i in range(count)], frequency, first=first), size)
    )
    assert len(_points(root)) == count
    rows = _label_rows(root)
    shown = {text for row in rows.values() for _x, text in row}
    assert expected <= shown, shown
    for row in rows.values():
        row.sort()
        for (x1, t1), (x2, t2) in itertools.pairwise(row):
            room = (chart_svg.text_width(t1, size.font) + chart_svg.text_width(t2, size.font)) / 2
            assert x2 - x1 >= room, (t1, t2, x2 - x1, room)  # labels never overlap


def test_sparkline(french: None) -> None:
    root = _parse(str(sparkline_svg(_series([90, 95, 85, 101]), SPARK)))
    label = (root.get("aria-label") or "").replace("\u00a0", " ")
    assert root.get("role") == "img" and "Dernière valeur 101 %" in label
    assert root.get("width") == "120"
    assert len(root.findall("s:polyline", NS)) == 1 and len(_dashed(root)) == 1
    (last,) = [e for e in root if e.tag in MARKERS]
    assert last.tag == f"{SVG}circle"  # atteint


# ---------------------------------------------------------------------------- the cache


def _history(indicator_id: int) -> list[Reading]:
    indicator = db.session.get(Indicator, indicator_id)
    assert indicator is not None
    return latest.period_readings(indicator, latest.recent_measurements(indicator, 24))


def test_cache_serves_the_same_chart_until_a_value_changes(app: Flask, world: World) -> None:
    with app.test_request_context("/"):
        ind = new(
            "indicator",
            {
                "code": unique("CH-"),
                "name": "Indicateur en cache",
                "owner_service": world.services["S1"],
                "unit": "%",
                "frequency": "monthly",
                "direction": "increase",
            },
        )
        new("target", {"indicator": ind.id, "period": past_month(0)[:4], "value": 100})
        first = new("measurement", {"indicator": ind.id, "period": past_month(0), "value": 80})
        new("measurement", {"indicator": ind.id, "period": past_month(1), "value": 90})
        ind_id, measurement_id = ind.id, first.id
        db.session.commit()
        db.session.expire_all()
        chart = trend_svg(_history(ind_id))
        db.session.expire_all()  # a new request: rows read again, same data
        hits = charts.hits
        assert trend_svg(_history(ind_id)) is chart and charts.hits == hits + 1
        assert sparkline_svg(_history(ind_id)) is not chart  # another kind, its own entry
        measurement = db.session.get(Measurement, measurement_id)
        update_record(
            registry.get("measurement"),
            measurement,
            {"value": 97},
            Actor.system_actor(),
            expected_version=measurement.version,
        )
        db.session.commit()
        changed = trend_svg(_history(ind_id))
        assert changed is not chart and "97\u00a0%" in changed and "80\u00a0%" not in changed
        assert trend_svg(_history(ind_id)) is changed
        assert trend_svg(_history(ind_id), WIDGET) is not changed  # the size is in the key


def test_cache_is_bounded() -> None:
    from app.charts.cache import ChartCache

    small = ChartCache(max_entries=3)
    for i in range(5):
        small.get_or_render(i, lambda i=i: f"chart {i}")
    assert len(small) == 3
    assert small.get_or_render(4, lambda: "redrawn") == "chart 4"
    assert small.get_or_render(0, lambda: "redrawn") == "redrawn"  # evicted, drawn again


# ------------------------------------------------------------------------ indicator card
def _calculated(
    world: World, inputs: int = 2, months: int = 1, hidden: bool = True
) -> dict[str, Any]:
    """A calculated indicator of S1 summing S1 indicators (and minus one of S3, hidden from
    S1's head); each input has ``months`` values, so the sum is computed for those months."""
    s1, s3 = world.services["S1"], world.services["S3"]
    names = {}
    codes = []
    for i in range(inputs):
        code = unique("IN-")
        names[code] = unique(f"Entrée {i} ")
        row = new(
            "indicator",
            {
                "code": code,
                "name": names[code],
                "owner_service": s1,
                "frequency": "monthly",
                "unit": "t",
            },
        )
        codes.append((code, row.id))
    text = " + ".join(code for code, _id in codes)
    hidden_code = None
    if hidden:
        hidden_code = unique("HID-")
        new(
            "indicator",
            {
                "code": hidden_code,
                "name": unique("Entrée cachée "),
                "owner_service": s3,
                "frequency": "monthly",
            },
        )
        text += f" - {hidden_code}"
    calc = new(
        "indicator",
        {
            "code": unique("CALC-"),
            "name": unique("Total calculé "),
            "owner_service": s1,
            "frequency": "monthly",
            "collection_mode": "calculated",
            "formula": text,
            "unit": "t",
        },
    )
    for i, (_code, pk) in enumerate(codes):
        for month in range(months):
            new("measurement", {"indicator": pk, "period": past_month(month), "value": 1000 + i})
    return {"id": calc.id, "formula": text, "inputs": codes, "names": names, "hidden": hidden_code}


def test_card_of_a_calculated_indicator_lists_its_inputs(
    app: Flask, world: World, client: Any
) -> None:
    with app.app_context():
        calc = _calculated(world)
    login(client, world.users["service_head"])
    response = client.get(f"/cards/indicator/{calc['id']}")
    assert response.status_code == 200
    page = page_text(response)
    section = page.split("Calcul", 1)[1].split("Objectifs mesurés", 1)[0]
    assert calc["formula"] in section
    table = section.split("Statut", 1)[1]
    html = response.get_data(as_text=True)
    for i, (code, pk) in enumerate(calc["inputs"]):
        row = table.split(code, 1)[1][:200]
        assert calc["names"][code] in row and f"1 00{i} t" in row.replace("\u202f", " ")
        assert past_month(0) in row and "Sans cible" in row
        assert f'href="/cards/indicator/{pk}"' in html
    hidden_row = table.split(calc["hidden"], 1)[1][:120]
    assert "hors de votre périmètre" in hidden_row
    assert f"/cards/indicator/{calc['hidden']}" not in html


def test_card_draws_the_chart_of_every_listed_period(app: Flask, world: World, client: Any) -> None:
    with app.app_context():
        ind = new(
            "indicator",
            {
                "code": unique("CHC-"),
                "name": "Indicateur tracé",
                "owner_service": world.services["S1"],
                "unit": "%",
                "frequency": "monthly",
                "alert_threshold": 0.1,
            },
        )
        for year in {periods.year_of(past_month(0)), periods.year_of(past_month(29))}:
            new("target", {"indicator": ind.id, "period": str(year), "value": 100})
        for i in range(30):
            new("measurement", {"indicator": ind.id, "period": past_month(i), "value": 85 + i})
        pk = ind.id
    login(client, world.users["service_head"])
    html = client.get(f"/cards/indicator/{pk}").get_data(as_text=True)
    svg = re.search(r"<svg xmlns=.*?</svg>", html, re.S)
    assert svg is not None
    root = _parse(svg.group(0))
    assert len(_points(root)) == 24  # the card lists 24 periods; the chart draws them all
    assert _dashed(root) and _fills(root, chart_svg.ALERT_FILL)


def test_card_queries_do_not_depend_on_values_nor_inputs(
    app: Flask, world: World, client: Any, count_queries: Any
) -> None:
    with app.app_context():
        small = _calculated(world, inputs=1, hidden=False)
        # six inputs with 30 values each: the sum is computed for 30 months, with targets
        large = _calculated(world, inputs=6, months=30, hidden=False)
        for i in range(30):
            new("target", {"indicator": large["id"], "period": past_month(i), "value": 6000})
        assert len(_history(large["id"])) == 24
        plain = new(
            "indicator",
            {
                "code": unique("PL-"),
                "name": "Indicateur simple",
                "owner_service": world.services["S1"],
            },
        ).id
    login(client, world.users["service_head"])
    counts = {}
    for name, pk in (("small", small["id"]), ("large", large["id"]), ("plain", plain)):
        client.get(f"/cards/indicator/{pk}")  # warm-up
        with count_queries() as statements:
            assert client.get(f"/cards/indicator/{pk}").status_code == 200
        counts[name] = len(statements)
    assert counts["small"] == counts["large"], counts
    assert counts["large"] == counts["plain"] + 4, counts  # the inputs: 1 + latest values: 3


def test_chart_checks_run_on_rows_read_from_the_database(app: Flask, world: World) -> None:
    """The readers' rows (not only in-memory ones) draw: a yearly target on a monthly ``sum``
    indicator is shared out over the months, as the status does."""
    with app.test_request_context("/"):
        ind = new(
            "indicator",
            {
                "code": unique("SUM-"),
                "name": "Tonnage",
                "owner_service": world.services["S1"],
                "unit": "t",
                "frequency": "monthly",
                "aggregation": "sum",
                "direction": "increase",
            },
        )
        new("target", {"indicator": ind.id, "period": past_month(0)[:4], "value": 1200})
        new("measurement", {"indicator": ind.id, "period": past_month(0), "value": 95})
        history = _history(ind.id)
        assert history[0].status.code == st.VIGILANCE
        label = _parse(render_trend(history)).get("aria-label") or ""
        assert "cible 100\u00a0t" in label  # a twelfth of 1 200 t
        assert db.session.scalar(select(Indicator.id).where(Indicator.id == ind.id))
