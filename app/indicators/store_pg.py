"""The measurement store's PostgreSQL path: a whole batch in one statement.

A batch used to cost two statements per value (the upsert and its history row) sent one by
one by the driver's pipelined ``executemany``, plus two reads of the stored rows. Here the
batch travels as one JSON document and is written by one statement:

1. looks up the stored value of each row (``prior``: one probe of the unique index per row),
2. keeps the rows that change something (a new value, a new comment, an archived value
   coming back),
3. upserts those (``INSERT … ON CONFLICT (indicator_id, period) DO UPDATE … RETURNING``),
4. writes their history rows from what the upsert returned, with the same diff the portable
   path computes in Python — ``value``; ``indicator`` and ``period`` on a creation;
   ``comment`` when it changed; ``source``; ``source_application`` when an application sent
   it — built by one ``json_build_object`` per row,
5. returns, per written row, whether it counts as created.

Every sub-statement of a ``WITH`` sees the same snapshot, so ``prior`` holds the values as
they were before the upsert: the history's « before » is exact. Two batches racing on the
same value are serialised by the unique index (``ON CONFLICT``), as before.

The rows travel as one bound parameter — a JSON document of row arrays, unpacked by the
server — so a batch of 50,000 rows is one round trip, not 50,000 parameter sets; no
temporary table is created, which keeps the catalogue quiet under a steady push. Values
are exact: Python writes a float's shortest round-trip form, which PostgreSQL reads back
to the same double.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, NamedTuple, Protocol

from sqlalchemy import text

from app.extensions import db


class _Row(Protocol):
    """A checked row of the store (:class:`app.indicators.store.Row`)."""

    @property
    def indicator_id(self) -> int: ...

    @property
    def indicator_code(self) -> str: ...

    @property
    def period(self) -> str: ...

    @property
    def value(self) -> float: ...

    @property
    def comment(self) -> str | None: ...


class Written(NamedTuple):
    """One value the statement stored: its key and whether it counts as created (there was
    no value, or only an archived one)."""

    indicator_id: int
    period: str
    created: bool


_TEMPLATE = """
WITH incoming AS (
    SELECT CAST(r->>0 AS integer) AS indicator_id,
           CAST(r->>1 AS varchar) AS period,
           CAST(r->>2 AS double precision) AS value,
           r->>3 AS comment,
           r->>4 AS code
    FROM json_array_elements(CAST(:rows AS json)) AS r
),
prior AS (
    SELECT i.indicator_id, i.period, i.value, i.comment, i.code,
           m.id AS stored_id, m.value AS stored_value, m.comment AS stored_comment,
           m.archived AS stored_archived
    FROM incoming AS i
    -- one probe of the unique (indicator_id, period) index per row: LIMIT keeps the planner
    -- from turning this into a hash join over the whole measurement table
    LEFT JOIN LATERAL (
        SELECT id, value, comment, archived FROM measurement
        WHERE indicator_id = i.indicator_id AND period = i.period
        LIMIT 1
    ) AS m ON true
),
changing AS (
    SELECT * FROM prior
    WHERE stored_id IS NULL
       OR stored_archived
       OR stored_value IS DISTINCT FROM value
       OR NULLIF(stored_comment, '') IS DISTINCT FROM comment
),
written AS (
    INSERT INTO measurement (
        indicator_id, period, value, comment, source, source_application_id,
        entered_by_id, entered_at, created_at, updated_at, version, archived
    )
    SELECT indicator_id, period, value, comment, :source, :application_id,
           :user_id, :now, :now, :now, 1, false
    FROM changing
    ON CONFLICT (indicator_id, period) DO UPDATE SET
        value = excluded.value,
        comment = excluded.comment,
        source = excluded.source,
        source_application_id = excluded.source_application_id,
        entered_by_id = excluded.entered_by_id,
        entered_at = excluded.entered_at,
        updated_at = excluded.updated_at,
        version = measurement.version + 1,
        archived = false,
        archived_at = NULL
    RETURNING id, indicator_id, period
),
logged AS (
    INSERT INTO history_entry (artefact, record_id, at, user_id, username, action, changes, reason)
    SELECT 'measurement', w.id, :now, :user_id, :username,
           CASE WHEN c.stored_id IS NULL THEN 'create' ELSE 'update' END,
           {changes},
           :reason
    FROM written AS w
    JOIN changing AS c ON c.indicator_id = w.indicator_id AND c.period = w.period
)
-- every changing row is written (a conflict updates it): no need to join ``written`` again
SELECT indicator_id, period, (stored_id IS NULL OR stored_archived) AS created FROM changing
"""


def _changes_sql(sent_by_application: bool) -> str:
    """The history diff of a row as one ``json_build_object``, its keys chosen by a CASE
    (a creation carries ``indicator`` and ``period``; ``comment`` only when it changed;
    ``source_application`` when an application sent the batch) — rather than NULL keys
    stripped afterwards, which parses every diff a second time."""
    value = "'value', json_build_array(c.stored_value, c.value)"
    created = (
        "'indicator', json_build_array(NULL, c.code), 'period', json_build_array(NULL, c.period)"
    )
    comment = "'comment', json_build_array(c.stored_comment, c.comment)"
    tail = "'source', json_build_array(NULL, CAST(:source AS text))"
    if sent_by_application:
        tail += ", 'source_application', json_build_array(NULL, CAST(:sender AS text))"
    # a creation has no stored comment: its comment changed when it has one
    return f"""CASE
               WHEN c.stored_id IS NULL AND c.comment IS NOT NULL
                   THEN json_build_object({value}, {created}, {comment}, {tail})
               WHEN c.stored_id IS NULL
                   THEN json_build_object({value}, {created}, {tail})
               WHEN c.stored_comment IS DISTINCT FROM c.comment
                   THEN json_build_object({value}, {comment}, {tail})
               ELSE json_build_object({value}, {tail})
           END"""


#: The statement, without and with an application as the sender.
_STATEMENTS = {
    sent: text(_TEMPLATE.replace("{changes}", _changes_sql(sent))) for sent in (False, True)
}


def write_set_based(
    rows: Sequence[_Row],
    *,
    source: str,
    application_id: int | None,
    sender: str | None,
    user_id: int | None,
    username: str,
    reason: str | None,
    now: Any,
) -> list[Written]:
    """Store the rows and their history in one statement; returns what was written (the
    rows left out changed nothing)."""
    params = {
        # the batch as one JSON document of row arrays: the server unpacks 50,000 rows
        # faster than the driver adapts five arrays of them (measured: about half the time)
        "rows": json.dumps(
            [
                [row.indicator_id, row.period, row.value, row.comment, row.indicator_code]
                for row in rows
            ]
        ),
        "source": source,
        "application_id": application_id,
        "sender": sender,
        "user_id": user_id,
        "username": username,
        "reason": reason,
        "now": now,
    }
    statement = _STATEMENTS[sender is not None]
    return [Written(*found) for found in db.session.execute(statement, params)]
