"""POST /api/v1/measurement/batch: validation, all-or-nothing, idempotence, ownership, races."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import func, select

from app import registry
from app.commands.records import create_record
from app.extensions import db
from app.models import HistoryEntry, Measurement, ReportingPeriod, SourceApplication
from app.security import applications
from app.security.actor import Actor
from tests.conftest import World, token, unique


class Town:
    """One source application with its key, and indicators to feed."""

    def __init__(self, app: Flask, world: World) -> None:
        system = Actor.system_actor()
        with app.test_request_context():
            self.app_code = unique("GMAO")
            source = create_record(
                registry.get("source_application"),
                {"code": self.app_code, "name": "GMAO test", "owner_service": world.services["S1"]},
                system,
            )
            self.source_id = source.id
            self.secret = applications.issue_key(source, None).secret

            def indicator(prefix: str, **extra: object) -> str:
                code = unique(prefix)
                values = {
                    "code": code,
                    "name": f"Indicateur {code}",
                    "owner_service": world.services["S1"],
                    "frequency": "monthly",
                    **extra,
                }
                create_record(registry.get("indicator"), values, system)
                return code

            self.api = indicator(
                "API-",
                collection_mode="api",
                source_application=source.id,
                min_value=0,
                max_value=1000,
            )
            self.manual = indicator("MAN-")
            self.calc = indicator(
                "CAL-", collection_mode="calculated", formula=f"{self.api} * 2 + {self.manual}"
            )
            self.locked = unique("2019-")[:4] + "-01"
            if (
                db.session.scalar(
                    select(ReportingPeriod).where(ReportingPeriod.period == "2019-01")
                )
                is None
            ):
                db.session.add(ReportingPeriod(period="2019-01", locked=True))
                db.session.commit()

    @property
    def key(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret}"}


@pytest.fixture(scope="module")
def town(app: Flask, world: World) -> Town:
    return Town(app, world)


def push(client, headers, rows, **extra):
    return client.post(
        "/api/v1/measurement/batch", json={"measurements": rows, **extra}, headers=headers
    )


def stored(app: Flask, code: str) -> dict[str, tuple[float, str]]:
    from app.models import Indicator

    with app.app_context():
        rows = db.session.execute(
            select(Measurement.period, Measurement.value, Measurement.source)
            .join(Indicator, Indicator.id == Measurement.indicator_id)
            .where(Indicator.code == code)
        ).all()
        return {r.period: (r.value, r.source) for r in rows}


def counts(app: Flask) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(Measurement)) or 0,
            db.session.scalar(select(func.count()).select_from(HistoryEntry)) or 0,
        )


def test_push_is_idempotent_and_traced(app: Flask, client, town: Town) -> None:
    rows = [
        {
            "indicator": town.api,
            "period": f"2024-{m:02d}",
            "value": m * 1.5,
            "comment": "relevé GMAO",
        }
        for m in range(1, 13)
    ]
    first = push(client, town.key, rows)
    assert first.status_code == 200, first.json
    assert first.json == {"created": 12, "updated": 0, "unchanged": 0}
    before = counts(app)
    again = push(client, town.key, rows)
    assert again.json == {"created": 0, "updated": 0, "unchanged": 12}
    assert counts(app)[0] == before[0]
    assert counts(app)[1] == before[1]  # nothing new in the history either
    rows[0]["value"] = 99
    changed = push(client, town.key, rows)
    assert changed.json == {"created": 0, "updated": 1, "unchanged": 11}
    assert stored(app, town.api)["2024-01"] == (99.0, "api")
    with app.app_context():
        source = db.session.get(SourceApplication, town.source_id)
        assert source is not None and source.last_push_at is not None
        entry = db.session.scalars(
            select(HistoryEntry)
            .where(HistoryEntry.artefact == "measurement", HistoryEntry.action == "update")
            .order_by(HistoryEntry.id.desc())
        ).first()
        assert entry is not None
        assert entry.changes["value"] == [1.5, 99.0]
        assert entry.changes["source_application"] == [None, town.app_code]
        assert town.app_code in (entry.reason or "")


def test_invalid_rows_store_nothing_and_name_row_and_field(
    app: Flask, client, town: Town, world: World
) -> None:
    next_year = date.today().year + 1
    rows = [
        {"indicator": town.api, "period": "2023-05", "value": 3},  # fine on its own
        {"indicator": "NOPE-1", "period": "2023-05", "value": 3},
        {"indicator": town.manual, "period": "2023-05", "value": 3},  # not this app's
        {"indicator": town.api, "period": "2023-Q2", "value": 3},
        {"indicator": town.api, "period": f"{next_year}-01", "value": 3},
        {"indicator": town.api, "period": "2019-01", "value": 3},
        {"indicator": town.api, "period": "2023-06", "value": "beaucoup"},
        {"indicator": town.api, "period": "2023-07", "value": 5000},
        {"indicator": town.api, "period": "2023-05", "value": 4},  # duplicate of row 0
        {"indicator": town.calc, "period": "2023-05", "value": 4},
        {"indicator": town.api, "period": "2023-08", "value": True},
        "not an object",
        {"indicator": town.api, "period": "2023-09", "value": 1, "extra": 1},
    ]
    before = counts(app)
    response = push(client, town.key, rows)
    assert response.status_code == 422
    errors = {(e["index"], e["field"]): e["message"] for e in response.json["errors"]}
    assert "rien n'a été enregistré" in response.json["message"]
    assert set(errors) == {
        (1, "indicator"),
        (2, "indicator"),
        (3, "period"),
        (4, "period"),
        (5, "period"),
        (6, "value"),
        (7, "value"),
        (8, "period"),
        (9, "indicator"),
        (10, "value"),
        (11, "__row__"),
        (12, "extra"),
    }
    assert "inconnu" in errors[(1, "indicator")]
    assert "n'alimentez pas" in errors[(2, "indicator")]
    assert "verrouillée" in errors[(5, "period")]
    assert "Doublon" in errors[(8, "period")] and "ligne 0" in errors[(8, "period")]
    assert "calculé" in errors[(9, "indicator")]
    assert counts(app) == before
    assert "2023-05" not in stored(app, town.api)


def test_people_push_for_their_services_only(app: Flask, client, town: Town, world: World) -> None:
    rows = [{"indicator": town.manual, "period": "2024-02", "value": 7}]
    assert push(client, token(client, world.users["service_head"]), rows).status_code == 200
    refused = push(client, token(client, world.users["head_s3"]), rows)
    assert refused.status_code == 422
    assert refused.json["errors"][0]["field"] == "indicator"
    assert push(client, token(client, world.users["official"]), rows).status_code == 403
    assert push(client, {}, rows).status_code == 401


def test_locked_period_needs_quality_and_a_reason(
    app: Flask, client, town: Town, world: World
) -> None:
    rows = [{"indicator": town.manual, "period": "2019-01", "value": 1}]
    quality = token(client, world.users["quality"])
    without = push(client, quality, rows)
    assert without.status_code == 422
    assert "motif" in without.json["errors"][0]["message"]
    assert push(client, quality, rows, reason="Erreur de saisie corrigée").status_code == 200
    assert stored(app, town.manual)["2019-01"] == (1.0, "api")


def test_calculated_indicator_follows_its_inputs(
    app: Flask, client, town: Town, world: World
) -> None:
    head = token(client, world.users["service_head"])
    assert (
        push(
            client, town.key, [{"indicator": town.api, "period": "2022-03", "value": 10}]
        ).status_code
        == 200
    )
    assert "2022-03" not in stored(app, town.calc)  # the manual input is still missing
    assert (
        push(
            client, head, [{"indicator": town.manual, "period": "2022-03", "value": 1}]
        ).status_code
        == 200
    )
    assert stored(app, town.calc)["2022-03"] == (21.0, "calculated")
    assert (
        push(
            client, town.key, [{"indicator": town.api, "period": "2022-03", "value": 20}]
        ).status_code
        == 200
    )
    assert stored(app, town.calc)["2022-03"] == (41.0, "calculated")


def test_too_many_rows(client, town: Town) -> None:
    rows = [{"indicator": town.api, "period": "2024-01", "value": 1}] * 50_001
    response = push(client, town.key, rows)
    assert response.status_code == 422
    assert "50000" in response.json["message"].replace("\u202f", "").replace(" ", "")


def test_concurrent_pushes_of_one_value_never_fail_or_duplicate(app: Flask, town: Town) -> None:
    barrier = threading.Barrier(4)
    statuses: list[int] = []

    def worker(value: int) -> None:
        with app.test_client() as own:
            barrier.wait()
            response = push(
                own, town.key, [{"indicator": town.api, "period": "2021-06", "value": value}]
            )
            statuses.append(response.status_code)

    threads = [threading.Thread(target=worker, args=(v,)) for v in (1, 2, 3, 4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200, 200, 200, 200]
    from app.models import Indicator

    with app.app_context():
        count = db.session.scalar(
            select(func.count())
            .select_from(Measurement)
            .join(Indicator, Indicator.id == Measurement.indicator_id)
            .where(Indicator.code == town.api, Measurement.period == "2021-06")
        )
    assert count == 1
    assert stored(app, town.api)["2021-06"][0] in (1.0, 2.0, 3.0, 4.0)


_CLIENT = r"""
import json, sys, time, urllib.request, urllib.error
url, key, start, body = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
while time.time() < start:
    time.sleep(0.001)
request = urllib.request.Request(url, data=body.encode(), method="POST", headers={
    "Authorization": "Bearer " + key, "Content-Type": "application/json"})
try:
    with urllib.request.urlopen(request, timeout=60) as response:
        print(response.status)
except urllib.error.HTTPError as error:
    print(error.code)
"""


def test_two_processes_pushing_the_same_values_at_once(
    app: Flask,
    town: Town,
    live_url: str,
) -> None:
    import json
    import subprocess
    import sys
    import time

    rows = [
        {"indicator": town.api, "period": f"2020-{m:02d}", "value": float(m)} for m in range(1, 13)
    ]
    body = json.dumps({"measurements": rows})
    start = time.time() + 1.5
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                _CLIENT,
                f"{live_url}/api/v1/measurement/batch",
                town.secret,
                str(start),
                body,
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _n in range(2)
    ]
    statuses = [p.communicate(timeout=120)[0].strip() for p in procs]
    assert statuses == ["200", "200"]
    from app.models import Indicator

    with app.app_context():
        count = db.session.scalar(
            select(func.count())
            .select_from(Measurement)
            .join(Indicator, Indicator.id == Measurement.indicator_id)
            .where(Indicator.code == town.api, Measurement.period.like("2020-%"))
        )
    assert count == 12
