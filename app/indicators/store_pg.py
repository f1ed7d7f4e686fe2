"""The measurement store's PostgreSQL path: a whole batch in one statement.

A batch used to cost two statements per value (the upsert and its history row) sent one by
one by the driver's pipelined ``executemany``, plus two reads of the stored rows. Here the
batch travels as five arrays (indicator ids, periods, values, comments, codes) unnested by
the server, and one statement:

1. joins them to the stored values (``prior``),
2. keeps the rows that change something (a new value, a new comment, an archived value
   coming back),
3. upserts those (``INSERT … ON CONFLICT (indicator_id, period) DO UPDATE … RETURNING``),
4. writes their history rows from what the upsert returned, with the same diff the portable
   path computes in Python (``value``; ``indicator`` and ``period`` on a creation; ``comment``
   when it changed; ``source``; ``source_application`` when an application sent it),
5. returns, per written row, whether it counts as created.

Every sub-statement of a ``WITH`` sees the same snapshot, so ``prior`` holds the values as
they were before the upsert: the history's « before » is exact. Two batches racing on the
same value are serialised by the unique index (``ON CONFLICT``), as before.

The arrays are bound parameters, so a batch of 50,000 rows is one round trip with five
binary arrays rather than 50,000 parameter sets; no temporary table is created, which
keeps the catalogue quiet under a steady push.
"""

from __future__ import annotations

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


_STATEMENT = text(
    """
WITH incoming AS (
    SELECT *
    FROM unnest(
        CAST(:indicator_ids AS integer[]),
        CAST(:periods AS varchar[]),
        CAST(:vals AS double precision[]),
        CAST(:comments AS text[]),
        CAST(:codes AS varchar[])
    ) AS t(indicator_id, period, value, comment, code)
),
prior AS (
    SELECT i.indicator_id, i.period, i.value, i.comment, i.code,
           m.id AS stored_id, m.value AS stored_value, m.comment AS stored_comment,
           m.archived AS stored_archived
    FROM incoming AS i
    LEFT JOIN measurement AS m
      ON m.indicator_id = i.indicator_id AND m.period = i.period
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
           CAST(
               jsonb_build_object('value', jsonb_build_array(c.stored_value, c.value))
               || CASE WHEN c.stored_id IS NULL THEN jsonb_build_object(
                      'indicator', jsonb_build_array(NULL, c.code),
                      'period', jsonb_build_array(NULL, c.period))
                  ELSE '{}'::jsonb END
               || CASE WHEN c.stored_comment IS DISTINCT FROM c.comment
                  THEN jsonb_build_object('comment', jsonb_build_array(c.stored_comment, c.comment))
                  ELSE '{}'::jsonb END
               || jsonb_build_object('source', jsonb_build_array(NULL, CAST(:source AS text)))
               || CASE WHEN CAST(:sender AS text) IS NOT NULL THEN jsonb_build_object(
                      'source_application', jsonb_build_array(NULL, CAST(:sender AS text)))
                  ELSE '{}'::jsonb END
               AS json),
           :reason
    FROM written AS w
    JOIN changing AS c ON c.indicator_id = w.indicator_id AND c.period = w.period
)
SELECT c.indicator_id, c.period, (c.stored_id IS NULL OR c.stored_archived) AS created
FROM written AS w
JOIN changing AS c ON c.indicator_id = w.indicator_id AND c.period = w.period
"""
)


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
        "indicator_ids": [row.indicator_id for row in rows],
        "periods": [row.period for row in rows],
        "vals": [row.value for row in rows],
        "comments": [row.comment for row in rows],
        "codes": [row.indicator_code for row in rows],
        "source": source,
        "application_id": application_id,
        "sender": sender,
        "user_id": user_id,
        "username": username,
        "reason": reason,
        "now": now,
    }
    return [Written(*found) for found in db.session.execute(_STATEMENT, params)]
