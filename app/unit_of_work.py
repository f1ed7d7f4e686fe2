"""One unit of work: a use case commits once, or rolls back and leaves the data as it was.

Every command — a record written from a form or the API, a workflow event, a measurement batch,
a job request — runs inside :func:`unit_of_work`. It

* commits at the end, or rolls back on any exception, so a refusal never leaves half a change;
* turns the database's « someone else changed this row first » signals — SQLAlchemy's
  ``StaleDataError`` from the version column, and SQLite's « database is locked » when
  another process wrote over the snapshot this one read — into one French
  :class:`~app.commands.errors.Conflict` (409), worded once;
* runs the *after-commit* actions registered during the transaction (:func:`after_commit`):
  queueing notification e-mails and background jobs. They run from SQLAlchemy's
  ``after_commit`` event, so they happen only once the rows they name exist for every other
  process, and a rolled-back transaction forgets them.

Nothing outside this module, the job worker and the demo loader commits.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask_babel import gettext as _
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.orm.exc import StaleDataError

from app.commands.errors import Conflict
from app.extensions import db

log = logging.getLogger(__name__)

#: ``Session.info`` key of the actions waiting for the commit.
_PENDING = "vigie_after_commit"


def stale_conflict() -> Conflict:
    """The one refusal of a write that lost a race with another person's."""
    return Conflict(
        _(
            "Quelqu'un vient de modifier cet enregistrement : rechargez la page pour voir sa "
            "dernière version. Vos changements n'ont pas été enregistrés."
        )
    )


def is_lock_error(exc: OperationalError) -> bool:
    """SQLite's refusal to write over a snapshot another process changed since (the same
    race as a stale version), as opposed to a real operational failure."""
    return "locked" in str(exc.orig).lower()


def after_commit(action: Callable[[], Any]) -> None:
    """Run ``action`` once the current transaction has committed (never if it rolls back).

    Actions run in registration order; one that fails is logged and does not stop the others
    nor undo anything: what they do (queue a mail, a job) is retried by the sweeper.
    """
    db.session.info.setdefault(_PENDING, []).append(action)


def flush() -> None:
    """Flush now, turning a lost race into :func:`stale_conflict` (commands flush to read ids
    and check constraints before they write history)."""
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise stale_conflict() from None
    except OperationalError as exc:
        if not is_lock_error(exc):
            raise
        db.session.rollback()
        raise stale_conflict() from None


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """Commit what the block did, or roll it all back; see the module docstring."""
    session: Session = db.session()
    try:
        yield session
        session.commit()
    except StaleDataError:
        session.rollback()
        raise stale_conflict() from None
    except OperationalError as exc:
        session.rollback()
        if is_lock_error(exc):
            raise stale_conflict() from None
        raise
    except BaseException:
        session.rollback()
        raise


def _run_pending(session: Session) -> None:
    for action in session.info.pop(_PENDING, []):
        try:
            action()
        except Exception:  # an after-commit action must never surface as the command's error
            log.exception("after-commit action %r failed", action)


def _forget_pending(session: Session, previous: SessionTransaction) -> None:
    """A rollback of the whole transaction (not of a savepoint) drops its actions."""
    if previous.parent is None and not previous.nested:
        session.info.pop(_PENDING, None)


def install(database: SQLAlchemy) -> None:
    """Listen to the application sessions' commits and rollbacks (once per process)."""
    session_class = database.session.session_factory.class_
    if not event.contains(session_class, "after_commit", _run_pending):
        event.listen(session_class, "after_commit", _run_pending)
        event.listen(session_class, "after_soft_rollback", _forget_pending)
