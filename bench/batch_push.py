"""Measurement push throughput: ``POST /api/v1/measurement/batch`` against three baselines.

Every run writes 10,000 **new** rows (each run takes months no earlier run used), in one
transaction, on the large demo town's database:

* **the batch** — ``POST /api/v1/measurement/batch`` as a business application sends it:
  JSON, sign-in by token, every row checked, the rows and their history stored, the
  calculated indicators recalculated;
* **Core ``executemany`` upsert, no history** — SQLAlchemy Core's
  ``INSERT … ON CONFLICT DO UPDATE`` with one parameter set per row: what a hand-written
  loader would do, with none of the checks and no history (aim: the batch at least as fast);
* **COPY + set-based upsert** — psycopg's ``COPY`` into a temporary table, then one
  ``INSERT … SELECT … ON CONFLICT … RETURNING`` feeding the history insert: the fastest way
  PostgreSQL has to take these rows with a history (aim: the batch ≥ 0.6 of it);
* **one generic POST per row** — ``POST /api/v1/measurement/``, what applications would do
  without the batch endpoint (aim: the batch ≥ 1,000× faster).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.dialects import postgresql

from app import registry
from app.commands.records import create_record
from app.extensions import db
from app.models import Indicator, Measurement, Service
from app.models.types import utcnow
from app.organisation import create_user, find_user
from app.security.actor import Actor
from bench.common import Result, median_time, peak_rss_mib, section

INDICATORS = 500
MONTHS = 20
ROWS = INDICATORS * MONTHS
ONE_BY_ONE = 200
PASSWORD = "bench-password-123"

Pair = tuple[int, str]


def _setup(app: Flask, count: int = INDICATORS) -> list[Pair]:
    """A bench service with ``count`` monthly indicators (created once), without values."""
    with app.app_context():
        system = Actor.system_actor()
        service = db.session.scalar(select(Service).where(Service.code == "BENCH"))
        if service is None:
            service = create_record(
                registry.get("service"), {"code": "BENCH", "name": "Banc d'essai"}, system
            )
        if find_user("bench-quality") is None:
            create_user(username="bench-quality", password=PASSWORD, role_codes=("quality",))
        codes = db.session.scalars(
            select(Indicator.code).where(Indicator.owner_service_id == service.id)
        ).all()
        for n in range(len(codes), count):
            db.session.add(
                Indicator(
                    code=f"BENCH-{n:04d}",
                    name=f"Banc {n}",
                    owner_service_id=service.id,
                    frequency="monthly",
                )
            )
        db.session.commit()
        rows = db.session.execute(
            select(Indicator.id, Indicator.code)
            .where(Indicator.owner_service_id == service.id)
            .order_by(Indicator.code)
            .limit(count)
        ).all()
        # a rerun on a kept database starts from empty months again
        db.session.execute(
            text(
                "DELETE FROM history_entry WHERE artefact = 'measurement' AND record_id IN "
                "(SELECT id FROM measurement WHERE indicator_id = ANY(:ids))"
            ),
            {"ids": [row.id for row in rows]},
        )
        db.session.execute(
            text("DELETE FROM measurement WHERE indicator_id = ANY(:ids)"),
            {"ids": [row.id for row in rows]},
        )
        db.session.commit()
    return [(row.id, row.code) for row in rows]


def _fresh_months() -> Iterator[list[str]]:
    """Twenty months no earlier run used: 1900-01 … 1901-08, then 1902-01 …"""
    year = 1900
    while True:
        yield [f"{year + m // 12}-{m % 12 + 1:02d}" for m in range(MONTHS)]
        year += 2


def _jwt(client: Any) -> dict[str, str]:
    response = client.post(
        "/api/v1/security/login",
        json={"username": "bench-quality", "password": PASSWORD, "provider": "db"},
    )
    return {"Authorization": f"Bearer {response.json['access_token']}"}


def _core_upsert(app: Flask, pairs: list[Pair], months: list[str]) -> None:
    """SQLAlchemy Core ``executemany`` upsert, one parameter set per row, no history."""
    with app.app_context():
        now = utcnow()
        stmt = postgresql.insert(Measurement)
        stmt = stmt.on_conflict_do_update(
            index_elements=[Measurement.indicator_id, Measurement.period],
            set_={
                "value": stmt.excluded.value,
                "updated_at": stmt.excluded.updated_at,
                "version": Measurement.version + 1,
            },
        )
        params = [
            {
                "indicator_id": indicator_id,
                "period": month,
                "value": float(n),
                "source": "api",
                "entered_at": now,
                "created_at": now,
                "updated_at": now,
                "version": 1,
                "archived": False,
            }
            for n, (indicator_id, _code) in enumerate(pairs)
            for month in months
        ]
        db.session.execute(stmt, params)
        db.session.commit()


_COPY_UPSERT = """
WITH written AS (
    INSERT INTO measurement (indicator_id, period, value, source, entered_at, created_at,
                             updated_at, version, archived)
    SELECT indicator_id, period, value, 'api', now(), now(), now(), 1, false FROM bench_incoming
    ON CONFLICT (indicator_id, period) DO UPDATE
    SET value = excluded.value, updated_at = excluded.updated_at,
        version = measurement.version + 1
    RETURNING id, value
)
INSERT INTO history_entry (artefact, record_id, at, username, action, changes)
SELECT 'measurement', id, now(), 'bench', 'create',
       json_build_object('value', json_build_array(NULL, value))
FROM written
"""


def _copy_upsert(app: Flask, pairs: list[Pair], months: list[str]) -> None:
    """COPY into a temporary table, one set-based upsert feeding the history insert."""
    with app.app_context():
        connection: Any = db.session.connection().connection.driver_connection
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE bench_incoming (indicator_id integer, period varchar(8),"
                " value double precision) ON COMMIT DROP"
            )
            with cursor.copy("COPY bench_incoming FROM STDIN") as copy:
                for n, (indicator_id, _code) in enumerate(pairs):
                    for month in months:
                        copy.write_row((indicator_id, month, float(n)))
            cursor.execute(_COPY_UPSERT)
        db.session.commit()


def run(app: Flask) -> list[Result]:
    with section("Envoi de mesures : lot de 10 000 lignes nouvelles"):
        pairs = _setup(app)
        client = app.test_client()
        headers = _jwt(client)
        months = _fresh_months()

        def api_batch() -> None:
            taken = next(months)
            body = {
                "measurements": [
                    {"indicator": code, "period": month, "value": float(n)}
                    for n, (_id, code) in enumerate(pairs)
                    for month in taken
                ],
                # the demo town locks its older periods: the quality team corrects with a reason
                "reason": "Banc d'essai",
            }
            response = client.post("/api/v1/measurement/batch", json=body, headers=headers)
            result = response.json
            assert response.status_code == 200 and result is not None, (
                response.status_code,
                (result or {}).get("message"),
            )
            assert result["created"] == ROWS, result

        def core() -> None:
            _core_upsert(app, pairs, next(months))

        def copy() -> None:
            _copy_upsert(app, pairs, next(months))

        for warm_up in (api_batch, core, copy):
            warm_up()
        t_api = median_time(api_batch)
        t_core = median_time(core)
        t_copy = median_time(copy)
        memory = peak_rss_mib()

        single = pairs[0][1]
        start = time.perf_counter()
        for n in range(ONE_BY_ONE):
            period = f"{1950 + n // 12}-{n % 12 + 1:02d}"
            response = client.post(
                "/api/v1/measurement/",
                headers=headers,
                json={
                    "indicator": pairs[0][0],
                    "period": period,
                    "value": float(n),
                    "reason": "Banc d'essai",
                },
            )
            assert response.status_code == 201, (single, response.json)
        t_single = (time.perf_counter() - start) / ONE_BY_ONE

        api_rate, core_rate, copy_rate = ROWS / t_api, ROWS / t_core, ROWS / t_copy
        single_rate = 1 / t_single
        print(f"   lot API (avec contrôles et historique) : {api_rate:9,.0f} lignes/s")
        print(f"   upsert Core executemany, sans historique : {core_rate:9,.0f} lignes/s")
        print(f"   COPY + upsert ensembliste + historique   : {copy_rate:9,.0f} lignes/s")
        print(f"   POST unitaire : {t_single * 1000:6.1f} ms/ligne (sur {ONE_BY_ONE} envois)")
        print(f"   mémoire maximale du processus : {memory:.0f} Mio")
        results = [
            Result(
                "lot / upsert Core sans historique",
                f"{api_rate:,.0f} l/s",
                f"{core_rate:,.0f} l/s",
                api_rate / core_rate,
                1.0,
                True,
            ),
            Result(
                "lot / COPY + upsert ensembliste",
                f"{api_rate:,.0f} l/s",
                f"{copy_rate:,.0f} l/s",
                api_rate / copy_rate,
                0.6,
                True,
            ),
            Result(
                "lot / POST unitaire",
                f"{api_rate:,.0f} l/s",
                f"{single_rate:,.1f} l/s",
                api_rate / single_rate,
                1000,
                True,
            ),
        ]
        for result in results:
            print(result.line())
        return results
