"""The measurement store's set-based write: the same rows, counts and history on every path.

PostgreSQL writes a batch in one statement (``app.indicators.store_pg``); SQLite in a few
multi-row statements. The scenario below runs through whichever path the suite's database
takes and is checked against hand-written expectations, so both databases are held to the
same result; on PostgreSQL the two paths also run side by side and must agree row for row
and entry for entry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from app import registry
from app.commands.measurements import push_batch
from app.commands.records import create_record
from app.extensions import db
from app.indicators import store
from app.indicators.store import BatchResult, Row
from app.models import HistoryEntry, Indicator, Measurement, SourceApplication
from app.security.actor import Actor
from tests.conftest import World, unique

Writer = Callable[..., BatchResult]


@pytest.fixture()
def ctx(app: Flask) -> Iterator[None]:
    with app.test_request_context():
        yield
        db.session.rollback()


def _indicators(world: World, count: int) -> list[tuple[int, str]]:
    system = Actor.system_actor()
    made = []
    for _n in range(count):
        code = unique("STO-")
        indicator = create_record(
            registry.get("indicator"),
            {
                "code": code,
                "name": f"Stockage {code}",
                "owner_service": world.services["S1"],
                "frequency": "monthly",
            },
            system,
        )
        made.append((indicator.id, code))
    return made


def _application(world: World) -> SourceApplication:
    code = unique("SIG")
    return create_record(
        registry.get("source_application"),
        {"code": code, "name": "SIG test", "owner_service": world.services["S1"]},
        Actor.system_actor(),
    )


def _rows(pairs: Sequence[tuple[int, str]], values: dict[tuple[int, str], Any]) -> list[Row]:
    """Rows for ``{(indicator position, period): value or (value, comment)}``."""
    rows = []
    for index, ((position, period), given) in enumerate(values.items()):
        value, comment = given if isinstance(given, tuple) else (given, None)
        indicator_id, code = pairs[position]
        rows.append(Row(index, indicator_id, code, period, float(value), comment))
    return rows


def _state(ids: Sequence[int]) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The stored values and their history, in a comparable form (no ids, no timestamps)."""
    db.session.flush()
    values = db.session.execute(
        select(
            Indicator.code,
            Measurement.period,
            Measurement.value,
            Measurement.comment,
            Measurement.source,
            Measurement.archived,
            Measurement.version,
        )
        .join(Indicator, Indicator.id == Measurement.indicator_id)
        .where(Measurement.indicator_id.in_(ids))
        .order_by(Measurement.indicator_id, Measurement.period)
    ).all()
    entries = db.session.execute(
        select(
            Measurement.indicator_id,
            Measurement.period,
            HistoryEntry.action,
            HistoryEntry.changes,
            HistoryEntry.reason,
            HistoryEntry.username,
        )
        .join(Measurement, Measurement.id == HistoryEntry.record_id)
        .where(HistoryEntry.artefact == "measurement", Measurement.indicator_id.in_(ids))
        .order_by(Measurement.indicator_id, Measurement.period, HistoryEntry.id)
    ).all()
    normalised = []
    for indicator_id, period, action, changes, reason, username in entries:
        # the indicators differ between two runs: name them by their position
        changes = {
            key: ([old, "<code>"] if key == "indicator" else [old, new])
            for key, (old, new) in changes.items()
        }
        position = str(list(ids).index(indicator_id))
        normalised.append((position, period, action, changes, reason, username))
    return [tuple(v) for v in values], normalised


def _scenario(write: Writer, world: World) -> tuple[list[BatchResult], list[int]]:
    """Creations, a replay, changes of value and comment, an archived value coming back, an
    application's push — through ``write``."""
    pairs = _indicators(world, 2)
    ids = [indicator_id for indicator_id, _code in pairs]
    system = Actor.system_actor()
    source = _application(world)
    results = [
        write(
            _rows(pairs, {(0, "2024-01"): 10, (0, "2024-02"): (11, "estimé"), (1, "2024-01"): 5}),
            system,
            source="manual",
        ),
        # the same rows again: nothing changes
        write(
            _rows(pairs, {(0, "2024-01"): 10, (0, "2024-02"): (11, "estimé"), (1, "2024-01"): 5}),
            system,
            source="manual",
        ),
        # a new value, a comment dropped, one row unchanged
        write(
            _rows(pairs, {(0, "2024-01"): 12.5, (0, "2024-02"): 11, (1, "2024-01"): 5}),
            system,
            source="manual",
            reason="Correction",
        ),
    ]
    db.session.execute(
        update(Measurement)
        .where(Measurement.indicator_id == ids[1], Measurement.period == "2024-01")
        .values(archived=True)
    )
    # the archived value comes back (same value: it still counts as created), from an
    # application with its default reason
    results.append(
        write(
            _rows(pairs, {(1, "2024-01"): 5, (1, "2024-02"): 6}),
            system,
            source="api",
            application=source,
        )
    )
    return results, ids


def _expected_history(sender: str) -> list[tuple[Any, ...]]:
    pushed = f"Envoi de l'application {sender}"
    manual = {"source": [None, "manual"]}
    return [
        (
            "0",
            "2024-01",
            "create",
            {"value": [None, 10.0], "indicator": [None, "<code>"], "period": [None, "2024-01"]}
            | manual,
            None,
            "système",
        ),
        ("0", "2024-01", "update", {"value": [10.0, 12.5]} | manual, "Correction", "système"),
        (
            "0",
            "2024-02",
            "create",
            {
                "value": [None, 11.0],
                "indicator": [None, "<code>"],
                "period": [None, "2024-02"],
                "comment": [None, "estimé"],
            }
            | manual,
            None,
            "système",
        ),
        (
            "0",
            "2024-02",
            "update",
            {"value": [11.0, 11.0], "comment": ["estimé", None]} | manual,
            "Correction",
            "système",
        ),
        (
            "1",
            "2024-01",
            "create",
            {"value": [None, 5.0], "indicator": [None, "<code>"], "period": [None, "2024-01"]}
            | manual,
            None,
            "système",
        ),
        (
            "1",
            "2024-01",
            "update",
            {"value": [5.0, 5.0], "source": [None, "api"], "source_application": [None, sender]},
            pushed,
            "système",
        ),
        (
            "1",
            "2024-02",
            "create",
            {
                "value": [None, 6.0],
                "indicator": [None, "<code>"],
                "period": [None, "2024-02"],
                "source": [None, "api"],
                "source_application": [None, sender],
            },
            pushed,
            "système",
        ),
    ]


def test_store_writes_rows_counts_and_history(ctx: None, world: World) -> None:
    results, ids = _scenario(store.write, world)
    assert [r.as_dict() for r in results] == [
        {"created": 3, "updated": 0, "unchanged": 0},
        {"created": 0, "updated": 0, "unchanged": 3},
        {"created": 0, "updated": 2, "unchanged": 1},
        {"created": 2, "updated": 0, "unchanged": 0},
    ]
    assert results[1].changed == set()
    assert results[2].changed == {(ids[0], "2024-01"), (ids[0], "2024-02")}
    values, entries = _state(ids)
    sender = db.session.scalars(
        select(SourceApplication.code).order_by(SourceApplication.id.desc()).limit(1)
    ).one()
    assert [v[1:] for v in values] == [
        ("2024-01", 12.5, None, "manual", False, 2),
        ("2024-02", 11.0, None, "manual", False, 2),
        ("2024-01", 5.0, None, "api", False, 2),
        ("2024-02", 6.0, None, "api", False, 1),
    ]
    assert entries == _expected_history(sender)


def test_both_paths_agree_on_postgresql(ctx: None, world: World) -> None:
    """PostgreSQL's one-statement path against the portable one, on the same scenario."""
    if db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("the one-statement path is PostgreSQL's")

    def portable(rows: Sequence[Row], actor: Actor, **options: Any) -> BatchResult:
        context = _context(actor, **options)
        return store._write_in_steps(rows, context)

    def one_statement(rows: Sequence[Row], actor: Actor, **options: Any) -> BatchResult:
        return store._write_in_one_statement(rows, _context(actor, **options))

    outcomes = []
    for write in (portable, one_statement):
        results, ids = _scenario(write, world)
        values, entries = _state(ids)
        outcomes.append(([r.as_dict() for r in results], [v[1:] for v in values], entries))
    # the application differs between the runs: compare its code by position
    assert outcomes[0][:2] == outcomes[1][:2]
    assert _without_sender(outcomes[0][2]) == _without_sender(outcomes[1][2])


def _context(actor: Actor, *, source: str, application: Any = None, reason: Any = None) -> Any:
    sender = application.code if application is not None else None
    default = f"Envoi de l'application {sender}" if sender else None
    return store.WriteContext(
        source=source,
        application_id=application.id if application is not None else None,
        sender=sender,
        user=actor.user,
        reason=reason or default,
        now=store.utcnow(),
    )


def _without_sender(entries: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    cleaned = []
    for code, period, action, changes, reason, username in entries:
        changes = {k: v for k, v in changes.items() if k != "source_application"}
        cleaned.append((code, period, action, changes, bool(reason), username))
    return cleaned


def test_fifty_thousand_row_batch_then_replay(ctx: None, world: World) -> None:
    """The largest batch accepted: every row and history entry stored, then a replay stores
    nothing."""
    pairs = _indicators(world, 100)
    months = [f"{1980 + n // 12}-{n % 12 + 1:02d}" for n in range(500)]
    batch = [
        {"indicator": code, "period": month, "value": n}
        for n, (month, (_id, code)) in enumerate(
            (month, pair) for pair in pairs for month in months
        )
    ]
    assert len(batch) == 50_000
    system = Actor.system_actor()
    first = push_batch(batch, system, source="import", reason="Reprise d'historique")
    assert first.as_dict() == {"created": 50_000, "updated": 0, "unchanged": 0}
    ids = [indicator_id for indicator_id, _code in pairs]
    stored = db.session.scalar(
        select(func.count()).select_from(Measurement).where(Measurement.indicator_id.in_(ids))
    )
    logged = db.session.scalar(
        select(func.count())
        .select_from(HistoryEntry)
        .join(Measurement, Measurement.id == HistoryEntry.record_id)
        .where(HistoryEntry.artefact == "measurement", Measurement.indicator_id.in_(ids))
    )
    assert stored == logged == 50_000
    again = push_batch(batch, system, source="import", reason="Reprise d'historique")
    assert again.as_dict() == {"created": 0, "updated": 0, "unchanged": 50_000}
