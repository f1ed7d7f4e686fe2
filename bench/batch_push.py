"""Measurement push throughput: ``POST /api/v1/measurement/batch`` against two baselines.

(a) the same 10,000 rows written by a raw SQLAlchemy Core upsert plus their history rows, in one
transaction — the floor any batch endpoint pays (aim: ≥ 0.7 of its throughput);
(b) the generic ``POST /api/v1/measurement/`` one row per request — what applications would do
without the batch endpoint (aim: the batch ≥ 200× faster).

Every row is a real change (values move at each run), so nothing is skipped as unchanged.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask
from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql

from app import registry
from app.commands.records import create_record
from app.extensions import db
from app.models import HistoryEntry, Indicator, Measurement, Service
from app.models.types import utcnow
from app.organisation import create_user, find_user
from app.security.actor import Actor
from bench.common import median_time, peak_rss_mib, section

ROWS = 10_000
ONE_BY_ONE = 200
PASSWORD = "bench-password-123"


def _setup(app: Flask) -> tuple[list[tuple[int, str, str]], str]:
    """A bench service with 500 monthly indicators × 20 months (created once)."""
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
        for n in range(len(codes), 500):
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
            .limit(500)
        ).all()
    months = [f"2023-{m:02d}" for m in range(1, 13)] + [f"2024-{m:02d}" for m in range(1, 9)]
    pairs = [(row.id, row.code, month) for row in rows for month in months]
    return pairs[:ROWS], PASSWORD


def _jwt(client: Any) -> dict[str, str]:
    response = client.post(
        "/api/v1/security/login",
        json={"username": "bench-quality", "password": PASSWORD, "provider": "db"},
    )
    return {"Authorization": f"Bearer {response.json['access_token']}"}


def _raw_upsert(app: Flask, pairs: list[tuple[int, str, str]], value: float) -> None:
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
                "indicator_id": i,
                "period": p,
                "value": value,
                "source": "api",
                "entered_at": now,
                "created_at": now,
                "updated_at": now,
                "version": 1,
                "archived": False,
            }
            for i, _c, p in pairs
        ]
        db.session.execute(stmt, params)
        indicator_ids = sorted({i for i, _c, _p in pairs})
        periods = sorted({p for _i, _c, p in pairs})
        ids = db.session.scalars(
            select(Measurement.id).where(
                Measurement.indicator_id.in_(indicator_ids), Measurement.period.in_(periods)
            )
        ).all()
        db.session.execute(
            insert(HistoryEntry),
            [
                {
                    "artefact": "measurement",
                    "record_id": pk,
                    "at": now,
                    "username": "bench",
                    "action": "update",
                    "changes": {"value": [None, value]},
                }
                for pk in ids
            ],
        )
        db.session.commit()


def run(app: Flask) -> dict[str, float]:
    with section("Envoi de mesures : lot de 10 000 lignes"):
        pairs, _password = _setup(app)
        client = app.test_client()
        headers = _jwt(client)
        counter = iter(range(1, 10**6))

        def api_batch() -> None:
            value = float(next(counter))
            # the demo town locks its older periods: the quality team corrects with a reason
            body = {
                "measurements": [
                    {"indicator": c, "period": p, "value": value} for _i, c, p in pairs
                ],
                "reason": "Banc d'essai",
            }
            response = client.post("/api/v1/measurement/batch", json=body, headers=headers)
            result = response.json
            assert response.status_code == 200 and result is not None, (
                response.status_code,
                (result or {}).get("message"),
            )
            assert result["updated"] + result["created"] == len(pairs)

        def raw() -> None:
            _raw_upsert(app, pairs, float(next(counter)))

        api_batch()  # warm-up (first run creates the rows)
        raw()
        t_api = median_time(api_batch)
        t_raw = median_time(raw)
        memory = peak_rss_mib()

        with app.app_context():
            single = db.session.scalar(select(Indicator.id).where(Indicator.code == "BENCH-0000"))
        start = time.perf_counter()
        for n in range(ONE_BY_ONE):
            period = f"{1950 + n // 12}-{n % 12 + 1:02d}"
            response = client.post(
                "/api/v1/measurement/",
                headers=headers,
                json={
                    "indicator": single,
                    "period": period,
                    "value": float(n),
                    "reason": "Banc d'essai",
                },
            )
            assert response.status_code in (201, 422), response.json
        t_single = (time.perf_counter() - start) / ONE_BY_ONE

        api_rate = len(pairs) / t_api
        raw_rate = len(pairs) / t_raw
        single_rate = 1 / t_single
        print(f"   lot API          : {t_api:6.2f} s  {api_rate:9,.0f} lignes/s")
        print(f"   upsert brut Core : {t_raw:6.2f} s  {raw_rate:9,.0f} lignes/s")
        print(
            f"   POST unitaire    : {t_single * 1000:6.1f} ms/ligne {single_rate:9,.0f} lignes/s"
            f" (sur {ONE_BY_ONE} envois)"
        )
        print(f"   ratio lot / brut      : {api_rate / raw_rate:5.2f}  (objectif ≥ 0,7)")
        print(f"   ratio lot / unitaire  : {api_rate / single_rate:7.0f}× (objectif ≥ 200×)")
        print(f"   mémoire maximale du processus : {memory:.0f} Mio")
        return {"api_rate": api_rate, "raw_rate": raw_rate, "single_rate": single_rate}
