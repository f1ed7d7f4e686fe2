"""The entry screen: a month of a service's manual values on one screen, one save."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from app import registry
from app.commands.records import create_record
from app.extensions import db
from app.models import Indicator, Measurement, Service
from app.security.actor import Actor
from tests.conftest import World, login, sequence, unique


def _service(app: Flask, world: World) -> tuple[int, str]:
    code = unique("ENT")
    with app.app_context():
        service = create_record(
            registry.get("service"),
            {"code": code, "name": "Saisie", "parent": world.services["S1"]},
            Actor.system_actor(),
        )
        return service.id, code


def _indicators(app: Flask, service_id: int, n: int) -> dict[str, str]:
    made: dict[str, str] = {}
    with app.app_context():
        system = Actor.system_actor()
        for kind, extra in (
            ("monthly", {}),
            ("quarterly", {"frequency": "quarterly"}),
            ("yearly", {"frequency": "yearly"}),
            ("calculated", {"collection_mode": "calculated", "formula": "1 + 1"}),
        ):
            code = unique("E-")
            create_record(
                registry.get("indicator"),
                {
                    "code": code,
                    "name": f"Indicateur {kind}",
                    "owner_service": service_id,
                    "frequency": "monthly",
                    **extra,
                },
                system,
            )
            made[kind] = code
        for _n in range(n):
            create_record(
                registry.get("indicator"),
                {
                    "code": unique("E-"),
                    "name": "Autre mensuel",
                    "owner_service": service_id,
                    "frequency": "monthly",
                    "min_value": 0,
                },
                system,
            )
    return made


def _value(app: Flask, code: str, period: str) -> float | None:
    with app.app_context():
        return db.session.scalar(
            select(Measurement.value)
            .join(Indicator, Indicator.id == Measurement.indicator_id)
            .where(Indicator.code == code, Measurement.period == period)
        )


def _id(app: Flask, code: str) -> int:
    with app.app_context():
        return int(db.session.scalar(select(Indicator.id).where(Indicator.code == code)) or 0)


def test_a_month_in_one_save(app: Flask, world: World, client) -> None:
    service_id, _code = _service(app, world)
    made = _indicators(app, service_id, 1)
    login(client, world.users["agent"])
    url = f"/entry/?service={service_id}&month=2025-03"
    page = client.get(url).get_data(as_text=True)
    assert made["monthly"] in page and made["quarterly"] in page
    assert made["calculated"] not in page
    assert "2025-Q1" in page
    # the yearly one is on the sheet every month, due in December only: no field before then
    assert made["yearly"] in page
    assert f'name="value-{_id(app, made["yearly"])}"' not in page
    assert "Attendue dans la saisie de 2025-12" in page
    form = {
        f"value-{_id(app, made['monthly'])}": "12,5",
        f"comment-{_id(app, made['monthly'])}": "Relevé du 31",
        f"value-{_id(app, made['quarterly'])}": "40",
    }
    saved = client.post(url, data=form)
    assert saved.status_code == 302
    assert _value(app, made["monthly"], "2025-03") == 12.5
    assert _value(app, made["quarterly"], "2025-Q1") == 40.0
    again = client.get(url).get_data(as_text=True)
    assert "12,5" in again and "Relevé du 31" in again


def test_one_bad_value_stores_nothing_and_marks_its_row(app: Flask, world: World, client) -> None:
    service_id, _code = _service(app, world)
    made = _indicators(app, service_id, 0)
    login(client, world.users["agent"])
    url = f"/entry/?service={service_id}&month=2025-06"
    response = client.post(
        url,
        data={
            f"value-{_id(app, made['monthly'])}": "8",
            f"value-{_id(app, made['quarterly'])}": "huit",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "La valeur doit être un nombre." in page
    assert 'value="huit"' in page  # what the agent typed is kept
    assert _value(app, made["monthly"], "2025-06") is None


def test_other_services_are_out_of_reach(app: Flask, world: World, client) -> None:
    login(client, world.users["agent"])
    assert client.get(f"/entry/?service={world.services['S3']}").status_code == 404
    official = login(app.test_client(), world.users["official"])
    assert official.get("/entry/").status_code in (302, 403)


def test_query_count_does_not_grow_with_indicators(
    app: Flask, world: World, client, count_queries
) -> None:
    small, _c1 = _service(app, world)
    large, _c2 = _service(app, world)
    _indicators(app, small, 2)
    _indicators(app, large, 40)
    login(client, world.users["agent"])
    counts = []
    for service_id in (small, large):
        client.get(f"/entry/?service={service_id}&month=2025-03")
        with count_queries() as queries:
            assert client.get(f"/entry/?service={service_id}&month=2025-03").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with app.app_context():
        assert db.session.get(Service, large) is not None


def _rows_in_order(page: str, codes: list[str]) -> list[str]:
    return sorted(codes, key=page.index)


def test_the_same_rows_in_the_same_order_every_month_with_due_ones_marked(
    app: Flask, world: World, client
) -> None:
    service_id, _code = _service(app, world)
    made = _indicators(app, service_id, 0)
    codes = [made["monthly"], made["quarterly"], made["yearly"]]
    login(client, world.users["agent"])
    orders = []
    for month in ("2025-02", "2025-03", "2025-12"):
        page = client.get(f"/entry/?service={service_id}&month={month}").get_data(as_text=True)
        orders.append(_rows_in_order(page, codes))
        due = {code: f'name="value-{_id(app, code)}"' in page for code in codes}
        assert due[made["monthly"]]
        assert due[made["quarterly"]] == (month in ("2025-03", "2025-12"))
        assert due[made["yearly"]] == (month == "2025-12")
        assert "À saisir" in page  # nothing filed yet: every due row says so
    assert orders[0] == orders[1] == orders[2] == sorted(codes)


def _filed(app: Flask, code: str, values: dict[str, float]) -> None:
    from app.commands.measurements import push_batch

    with app.app_context():
        push_batch(
            [{"indicator": code, "period": p, "value": v} for p, v in values.items()],
            Actor.system_actor(),
            source="manual",
        )


def _archived(app: Flask, code: str, period: str) -> bool | None:
    with app.app_context():
        return db.session.scalar(
            select(Measurement.archived)
            .join(Indicator, Indicator.id == Measurement.indicator_id)
            .where(Indicator.code == code, Measurement.period == period)
        )


def test_a_wrong_value_is_cleared_with_a_reason_and_kept_in_the_archives(
    app: Flask, world: World, client
) -> None:
    service_id, _code = _service(app, world)
    made = _indicators(app, service_id, 0)
    code = made["monthly"]
    _filed(app, code, {"2025-04": 55.0})
    login(client, world.users["agent"])
    url = f"/entry/?service={service_id}&month=2025-04"
    key = _id(app, code)
    page = client.get(url).get_data(as_text=True)
    assert f'name="clear-{key}"' in page
    refused = client.post(url, data={f"clear-{key}": "1", f"comment-{key}": "à revoir"})
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "Effacer une valeur demande un motif" in text
    assert f'name="clear-{key}" value="1" checked' in text  # the choice is kept
    assert _archived(app, code, "2025-04") is False
    done = client.post(url, data={f"clear-{key}": "1", "reason": "Saisie en double"})
    assert done.status_code == 302
    assert _archived(app, code, "2025-04") is True
    after = client.get(url).get_data(as_text=True)
    # the input's value, not its whole tag: its name holds the indicator's id (« value-554 »)
    assert 'value="55' not in after.split(f'id="value-{key}"')[1].split(">")[0]
    with app.app_context():
        from app import history

        measurement_id = db.session.scalar(
            select(Measurement.id)
            .join(Indicator, Indicator.id == Measurement.indicator_id)
            .where(Indicator.code == code, Measurement.period == "2025-04")
        )
        entries = history.entries_for("measurement", int(measurement_id or 0))
        assert any(e.action == "archive" and e.reason == "Saisie en double" for e in entries)


def test_a_locked_month_keeps_its_values_unless_the_quality_cell_clears_them(
    app: Flask, world: World, client
) -> None:
    from app.models import ReportingPeriod

    service_id, _code = _service(app, world)
    made = _indicators(app, service_id, 0)
    code = made["monthly"]
    index = sequence("monthly period") % 3000  # a month no other test locks
    month = f"{1900 + index // 12}-{index % 12 + 1:02d}"
    _filed(app, code, {month: 9.0})
    with app.app_context():
        db.session.add(ReportingPeriod(period=month, locked=True))
        db.session.commit()
    key = _id(app, code)
    url = f"/entry/?service={service_id}&month={month}"
    login(client, world.users["agent"])
    refused = client.post(url, data={f"clear-{key}": "1", "reason": "faux"})
    assert refused.status_code == 422
    assert "verrouillée" in refused.get_data(as_text=True)
    assert _archived(app, code, month) is False
    quality = login(app.test_client(), world.users["quality"])
    assert quality.post(url, data={f"clear-{key}": "1", "reason": "faux"}).status_code == 302
    assert _archived(app, code, month) is True


def test_a_value_far_from_the_history_asks_for_a_confirmation(
    app: Flask, world: World, client
) -> None:
    service_id, _code = _service(app, world)
    made = _indicators(app, service_id, 0)
    code = made["monthly"]
    _filed(app, code, {"2025-01": 17_000.0, "2025-02": 17_400.0, "2025-03": 16_900.0})
    login(client, world.users["agent"])
    url = f"/entry/?service={service_id}&month=2025-04"
    key = _id(app, code)
    warned = client.post(url, data={f"value-{key}": "97", f"comment-{key}": "relevé"})
    assert warned.status_code == 422
    page = warned.get_data(as_text=True)
    assert "Valeur inhabituelle" in page and "Je confirme cette valeur" in page
    assert 'value="97"' in page and 'value="relevé"' in page
    assert _value(app, code, "2025-04") is None
    # a plausible value goes through without a word; the odd one once confirmed
    assert client.post(url, data={f"value-{key}": "17 100"}).status_code == 302
    assert _value(app, code, "2025-04") == 17_100.0
    confirmed = client.post(url, data={f"value-{key}": "97", f"confirm-{key}": "1"})
    assert confirmed.status_code == 302
    assert _value(app, code, "2025-04") == 97.0


def test_the_plausible_band_is_the_history_widened_by_its_spread_or_half_its_median() -> None:
    from app.indicators.plausibility import band

    assert band([17_000, 17_000]) is None  # too little history to judge
    steady = band([17_000, 17_000, 17_000])
    assert steady is not None and (steady.low, steady.high) == (8_500, 25_500)
    moving = band([2, 9, 5])
    assert moving is not None and (moving.low, moving.high) == (-5, 16)
    assert not steady.contains(97) and steady.contains(20_000)
