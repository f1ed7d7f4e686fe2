"""Collection health: application health from the last push, overdue indicators by owner."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import update

from app import periods, registry
from app.commands.records import create_record
from app.extensions import db
from app.indicators import health
from app.models import Indicator, Measurement, SourceApplication
from app.models.types import utcnow
from app.security.actor import Actor
from tests.conftest import World, login, unique


def _app(app: Flask, world: World, days_ago: int | None, frequency: str = "monthly") -> str:
    code = unique("HLT")
    with app.app_context():
        obj = create_record(
            registry.get("source_application"),
            {
                "code": code,
                "name": f"Appli {code}",
                "owner_service": world.services["S1"],
                "expected_frequency": frequency,
            },
            Actor.system_actor(),
        )
        if days_ago is not None:
            db.session.execute(
                update(SourceApplication)
                .where(SourceApplication.id == obj.id)
                .values(last_push_at=utcnow() - timedelta(days=days_ago))
            )
            db.session.commit()
    return code


def test_health_follows_the_expected_frequency(app: Flask, world: World) -> None:
    codes = {
        "ok": _app(app, world, 3),
        "late": _app(app, world, 45),
        "silent": _app(app, world, 200),
        "never": _app(app, world, None),
        "daily-late": _app(app, world, 2, "daily"),
    }
    with app.app_context():
        found = {a.code: a.health for a, _n in health.applications()}
    assert found[codes["ok"]] == "ok"
    assert found[codes["late"]] == "late"
    assert found[codes["silent"]] == "silent"
    assert found[codes["never"]] == "silent"
    assert found[codes["daily-late"]] == "late"


def _indicator(app: Flask, world: World, service: str, last: str | None) -> str:
    code = unique("OVD-")
    with app.app_context():
        obj = create_record(
            registry.get("indicator"),
            {
                "code": code,
                "name": "Suivi",
                "owner_service": world.services[service],
                "frequency": "monthly",
            },
            Actor.system_actor(),
        )
        db.session.execute(
            update(Indicator)
            .where(Indicator.id == obj.id)
            .values(created_at=utcnow() - timedelta(days=800))
        )
        if last is not None:
            db.session.add(Measurement(indicator_id=obj.id, period=last, value=1.0))
        db.session.commit()
    return code


def _every_page(client: Any, path: str) -> str:
    """The overdue values come 25 a page, the most late first: what other tests left late in
    the same service may fill the first pages, so every page is read."""
    pages, number = [], 0
    while True:
        html = client.get(f"{path}?page={number}").get_data(as_text=True)
        pages.append(html)
        if "Page suivante" not in html:
            return "\n".join(pages)
        number += 1


def test_overdue_indicators_and_the_page(app: Flask, world: World, client) -> None:
    today = date.today()
    fresh = periods.containing(today, "monthly").previous().previous().previous()
    up_to_date = _indicator(app, world, "S1", periods.containing(today, "monthly").code)
    stale = _indicator(app, world, "S1", fresh.previous().previous().code)
    never = _indicator(app, world, "S1", None)
    elsewhere = _indicator(app, world, "S3", "2020-01")
    with app.app_context():
        rows = (
            db.session.query(Indicator)
            .filter(Indicator.code.in_([up_to_date, stale, never, elsewhere]))
            .all()
        )
        late = {o.indicator.code: o for o in health.overdue_indicators(rows, today)}
    assert up_to_date not in late
    assert late[stale].missing >= 3 and late[stale].days_late > 0
    assert late[never].last_period is None
    login(client, world.users["service_head"])
    page = _every_page(client, "/collection_health/")
    assert stale in page and never in page
    assert elsewhere not in page  # another pôle's indicator
    assert "Santé de la collecte" in page
