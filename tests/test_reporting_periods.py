"""Locking reporting periods: quality cell with a reason; a locked period refuses changes on
every path (generic API, forms, batch push) except quality corrections with a reason."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from app import registry
from app.commands.records import create_record
from app.extensions import db
from app.models import HistoryEntry, ReportingPeriod
from app.security.actor import Actor
from tests.conftest import World, login, sequence, token, unique


def _setup(app: Flask, world: World) -> tuple[int, str, str]:
    system = Actor.system_actor()
    # a month no other test uses: drawn from the scope matrix's own sequence of months (a code
    # made of ``unique``'s digits could repeat another test's once a module run before this
    # one shifted the counter)
    index = sequence("monthly period") % 3000
    code = f"{1900 + index // 12}-{index % 12 + 1:02d}"
    with app.test_request_context():
        period = create_record(registry.get("reporting_period"), {"period": code}, system)
        indicator = unique("LCK-")
        create_record(
            registry.get("indicator"),
            {
                "code": indicator,
                "name": "Suivi",
                "owner_service": world.services["S1"],
                "frequency": "monthly",
            },
            system,
        )
        return period.id, code, indicator


def test_lock_needs_quality_and_reason_and_blocks_every_path(
    app: Flask, world: World, client
) -> None:
    pk, code, indicator = _setup(app, world)
    head = token(client, world.users["service_head"])
    quality = token(client, world.users["quality"])
    assert (
        client.post(
            f"/api/v1/reporting_period/{pk}/lock", json={"reason": "x"}, headers=head
        ).status_code
        == 403
    )
    no_reason = client.post(f"/api/v1/reporting_period/{pk}/lock", json={}, headers=quality)
    assert no_reason.status_code == 422
    locked = client.post(
        f"/api/v1/reporting_period/{pk}/lock",
        json={"reason": "Chiffres définitifs"},
        headers=quality,
    )
    assert locked.status_code == 200 and locked.json["locked"] is True
    assert (
        client.post(
            f"/api/v1/reporting_period/{pk}/lock", json={"reason": "bis"}, headers=quality
        ).status_code
        == 409
    )

    row = {"indicator": indicator, "period": code, "value": 3}
    batch = client.post("/api/v1/measurement/batch", json={"measurements": [row]}, headers=head)
    assert batch.status_code == 422 and "verrouillée" in batch.json["errors"][0]["message"]
    with app.app_context():
        indicator_id = db.session.scalar(
            select(registry.get("indicator").model.id).where(
                registry.get("indicator").model.code == indicator
            )
        )
    generic = client.post(
        "/api/v1/measurement/",
        headers=head,
        json={"indicator": indicator_id, "period": code, "value": 3},
    )
    assert generic.status_code == 422
    assert "verrouillée" in str(generic.json)
    fixed = client.post(
        "/api/v1/measurement/",
        headers=quality,
        json={
            "indicator": indicator_id,
            "period": code,
            "value": 3,
            "reason": "Correction validée",
        },
    )
    assert fixed.status_code == 201, fixed.json

    login(client, world.users["quality"])
    page = client.get(f"/reporting_period/show/{pk}").get_data(as_text=True)
    assert "Déverrouiller la période" in page
    assert (
        client.post(f"/reporting_period/unlock/{pk}", data={"reason": "Réouverture"}).status_code
        == 302
    )
    with app.app_context():
        period = db.session.get(ReportingPeriod, pk)
        assert period is not None and period.locked is False and period.locked_at is None
        events = [
            e.event
            for e in db.session.scalars(
                select(HistoryEntry)
                .where(HistoryEntry.artefact == "reporting_period", HistoryEntry.record_id == pk)
                .order_by(HistoryEntry.id)
            )
        ]
        assert events[-2:] == ["lock", "unlock"]


def test_others_cannot_lock_from_the_ui(app: Flask, world: World, client) -> None:
    pk, _code, _indicator = _setup(app, world)
    login(client, world.users["service_head"])
    assert client.post(f"/reporting_period/lock/{pk}", data={"reason": "x"}).status_code in (
        302,
        403,
    )
    with app.app_context():
        period = db.session.get(ReportingPeriod, pk)
        assert period is not None and period.locked is False
