"""The entry screen: a month of a service's manual values on one screen, one save."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from app import registry
from app.commands.records import create_record
from app.extensions import db
from app.models import Indicator, Measurement, Service
from app.security.actor import Actor
from tests.conftest import World, login, unique


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
    assert made["yearly"] not in page  # due in December only
    assert made["calculated"] not in page
    assert "2025-Q1" in page
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
