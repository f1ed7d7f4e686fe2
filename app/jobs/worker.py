"""Running background jobs: what an RQ worker does with a job row, and the sweeper.

Life of a job (requesting it is :mod:`app.jobs.requests`)::

    run()      in a worker: claim (compare-and-set en_attente → en_cours, so a second copy
               of the RQ job does nothing), heartbeat thread, build as the requester,
               render with the registered renderer, store write-then-rename, record file +
               checksum + data version
    sweep()    every VIGIE_SWEEP_SECONDS, in the scheduler process (not on a worker, so it
               runs with every worker dead): a running job whose heartbeat stopped (killed
               worker) → echec, so it can be run again; a waiting job Redis lost → queued
               again after VIGIE_JOB_REQUEUE_SECONDS; mails stranded « en attente » → queued
               again after VIGIE_MAIL_REQUEUE_SECONDS

Timeouts are explicit per kind: the job arms its own alarm and records « délai dépassé »;
RQ's timeout, a little longer, is the backstop. Retries: only the steps that read (gathering
the data) are retried on a transient database error; rendering is deterministic and recording
the result writes, so neither is repeated blindly — a failed job is re-run as a new job.

This module, the unit of work and the demo loader are the only ones that commit: a job
records its progress in short transactions of its own, apart from the builder's session.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from rq.job import Job as RqJob
from sqlalchemy import or_, select, update
from sqlalchemy.exc import DBAPIError, OperationalError

from app import files, notifications, registry
from app.commands.errors import DomainError
from app.extensions import db
from app.indicators.freshness import data_version
from app.jobs import kinds as job_kinds
from app.jobs.documents import Document, Produced, renderer
from app.jobs.kinds import FILE, TEXT
from app.jobs.queue import connection
from app.jobs.requests import RQ_GRACE_SECONDS, dispatch, request, rq_id
from app.jobs.states import JobState
from app.models.jobs import Job
from app.models.types import utcnow
from app.security.actor import Actor

log = logging.getLogger(__name__)

#: Seconds between heartbeats of a running job, and silence after which it is abandoned.
HEARTBEAT_SECONDS = 10
STALE_AFTER_SECONDS = 90
#: A waiting job older than this whose RQ job Redis no longer has is queued again.
REQUEUE_AFTER_SECONDS = 60
#: A mail still « en attente » this long after its notification is queued again.
MAIL_REQUEUE_AFTER_SECONDS = 600
#: Attempts of a read-only step on a transient database error.
READ_ATTEMPTS = 3
#: Share of the progress bar each phase takes.
BUILD_SHARE = (2, 60)
RENDER_AT = 62
STORE_AT = 95
ERROR_LIMIT = 2000

__all__ = ["RQ_GRACE_SECONDS", "run", "run_scheduled", "sweep", "sweep_task"]


class JobTimeout(BaseException):
    """Raised in the job when its time is up.

    A ``BaseException`` on purpose: RQ's own timeout exception is an ``Exception``, and code
    deep in a render (WeasyPrint logs and skips what fails while fetching or drawing) may
    catch ``Exception`` — a timeout swallowed there would let the job run on. RQ's timeout
    stays as a backstop (:data:`RQ_GRACE_SECONDS` later), and past that RQ kills the horse,
    which the sweeper then sees.
    """


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`JobTimeout` in this (main) thread after ``seconds``."""
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return

    def expire(_signum: int, _frame: Any) -> None:
        raise JobTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _set(job_id: int, **values: Any) -> int:
    """Write job columns in a short transaction of its own (not the builder's session)."""
    with db.engine.begin() as conn:
        result = conn.execute(update(Job).where(Job.id == job_id).values(**values))
        return int(result.rowcount or 0)


def _claim(job_id: int) -> bool:
    """en_attente → en_cours for exactly one worker (compare-and-set)."""
    now = utcnow()
    worker = f"{socket.gethostname()}:{os.getpid()}"[:200]
    with db.engine.begin() as conn:
        result = conn.execute(
            update(Job)
            .where(Job.id == job_id, Job.state == JobState.WAITING)
            .values(
                state=JobState.RUNNING,
                started_at=now,
                heartbeat_at=now,
                worker=worker,
                attempts=Job.attempts + 1,
                progress=1,
                step=str(_("Démarrage")),
            )
        )
        return bool(result.rowcount)


class Heartbeat:
    """A daemon thread writing ``heartbeat_at`` while the job runs."""

    def __init__(self, job_id: int, every: float) -> None:
        self.job_id = job_id
        self.every = every
        self.engine = db.engine
        self.stopped = threading.Event()
        self.thread = threading.Thread(
            target=self._beat, daemon=True, name=f"vigie-heartbeat-{job_id}"
        )

    def _beat(self) -> None:
        while not self.stopped.wait(self.every):
            try:
                with self.engine.begin() as conn:
                    conn.execute(
                        update(Job)
                        .where(Job.id == self.job_id, Job.state == JobState.RUNNING)
                        .values(heartbeat_at=utcnow())
                    )
            except Exception as exc:  # a missed beat is not fatal; many are
                log.warning("job %s heartbeat failed: %s", self.job_id, exc)

    def __enter__(self) -> Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)


def _progress_for(job_id: int) -> Callable[[int, str], None]:
    low, high = BUILD_SHARE
    last = {"value": -1}

    def progress(percent: int, label: str) -> None:
        value = low + (high - low) * max(0, min(100, int(percent))) // 100
        if value != last["value"]:
            last["value"] = value
            _set(job_id, progress=value, step=str(label)[:200])

    return progress


def with_read_retries(step: Callable[[], Any], attempts: int = READ_ATTEMPTS) -> Any:
    """Run a read-only step again after a transient database error (idempotent by nature)."""
    for attempt in range(1, attempts + 1):
        try:
            return step()
        except (OperationalError, DBAPIError) as exc:
            db.session.rollback()
            if attempt == attempts or not _transient(exc):
                raise
            log.warning("transient database error, retrying (%s/%s): %s", attempt, attempts, exc)
    raise AssertionError("unreachable")


def _transient(exc: DBAPIError) -> bool:
    text = str(getattr(exc, "orig", exc)).lower()
    return bool(exc.connection_invalidated) or any(
        word in text
        for word in ("locked", "connection", "server closed", "deadlock", "could not serialize")
    )


_ENGINE_PID: dict[str, int] = {}


def run(job_id: int) -> str:
    """RQ entry point: build and record one job (see the module docstring)."""
    if _ENGINE_PID.get("pid") != os.getpid():
        # A forked work-horse must not reuse the connections pooled by its parent.
        db.engine.dispose(close=False)
        _ENGINE_PID["pid"] = os.getpid()
    db.session.remove()
    if not _claim(job_id):
        log.info("job %s: not waiting any more (another worker has it, or it ended)", job_id)
        return "skipped"
    every = max(_setting("VIGIE_JOB_HEARTBEAT_SECONDS", HEARTBEAT_SECONDS), 0.2)
    limit = db.session.scalar(select(Job.timeout_seconds).where(Job.id == job_id)) or 0
    try:
        with Heartbeat(job_id, every), force_locale("fr"), time_limit(limit):
            summary = _execute(job_id)
        return summary
    except BaseException as exc:
        db.session.rollback()
        _fail(job_id, _failure_message(exc))
        if isinstance(exc, DomainError | JobTimeout) or _is_rq_timeout(exc):
            return "failed"
        raise
    finally:
        db.session.remove()


def _is_rq_timeout(exc: BaseException) -> bool:
    return type(exc).__name__ == "JobTimeoutException"


def _failure_message(exc: BaseException) -> str:
    if isinstance(exc, DomainError):
        return exc.message
    if _is_rq_timeout(exc) or isinstance(exc, JobTimeout):
        return str(_("Délai dépassé : le travail a été arrêté (durée maximale atteinte)."))
    return str(
        _(
            "Erreur interne (%(kind)s) : %(detail)s",
            kind=type(exc).__name__,
            detail=str(exc)[:500] or "—",
        )
    )


def _fail(job_id: int, message: str) -> None:
    try:
        _set(
            job_id,
            state=JobState.FAILED,
            error=message[:ERROR_LIMIT],
            finished_at=utcnow(),
            active_key=None,
        )
    except Exception:  # the database itself is gone: the sweeper will see the silence
        log.exception("job %s: could not record its failure", job_id)


def _actor_of(job: Job) -> Actor:
    if job.requested_by is None:
        return Actor.system_actor()
    return Actor.for_user(job.requested_by)


def _execute(job_id: int) -> str:
    job = db.session.get(Job, job_id)
    if job is None:
        return "missing"
    kind = job_kinds.get(job.kind)
    actor = _actor_of(job)
    params = job.params
    version = data_version()
    _set(job_id, data_version=version, step=str(_("Lecture des données")), progress=2)
    if kind.output == TEXT:
        outcome = with_read_retries(kind.run)
        db.session.commit()
        _set(
            job_id,
            state=JobState.DONE,
            progress=100,
            step=str(_("Terminé")),
            finished_at=utcnow(),
            result_text=str(outcome)[:ERROR_LIMIT],
            active_key=None,
        )
        return str(outcome)
    progress = _progress_for(job_id)
    if kind.output == FILE:
        return _store_produced(
            job_id, kind, with_read_retries(lambda: kind.run(params, actor, progress))
        )
    document: Document = with_read_retries(lambda: kind.run(params, actor, progress))
    db.session.rollback()  # the builder only read: end its transaction before the long render
    _set(job_id, progress=RENDER_AT, step=str(_("Mise en page du PDF")))
    rendered = renderer(kind.output)(document.html)
    if rendered.refused:
        log.warning("job %s: refused to fetch %s", job_id, list(rendered.refused)[:5])
    _set(job_id, progress=STORE_AT, step=str(_("Enregistrement du fichier")))
    stored = files.store_generated(document.filename, rendered.data)
    job = db.session.get(Job, job_id)
    assert job is not None
    for column, value in stored.columns().items():
        setattr(job, column, value)
    job.pages = rendered.pages
    job.state = JobState.DONE
    job.progress = 100
    job.step = str(_("Terminé"))
    job.finished_at = utcnow()
    job.active_key = None
    if job.title != document.title and document.title:
        job.title = document.title[:300]
    if kind.on_success is not None and job.subject_artefact and job.subject_id:
        subject = db.session.get(registry.get(job.subject_artefact).model, job.subject_id)
        kind.on_success(job, subject)
    db.session.commit()
    return f"{stored.name} ({rendered.pages} p.)"


def _store_produced(job_id: int, kind: job_kinds.JobKind, produced: Produced) -> str:
    """Record a file the builder wrote itself (moved into the store, never read whole)."""
    db.session.rollback()  # the builder only read
    _set(job_id, progress=STORE_AT, step=str(_("Enregistrement du fichier")))
    stored = files.store_generated_file(produced.filename, produced.path)
    job = db.session.get(Job, job_id)
    assert job is not None
    for column, value in stored.columns().items():
        setattr(job, column, value)
    job.state = JobState.DONE
    job.progress = 100
    job.step = str(_("Terminé"))
    job.finished_at = utcnow()
    job.active_key = None
    job.result_text = str(_("%(rows)s lignes", rows=produced.rows))
    if produced.title:
        job.title = produced.title[:300]
    db.session.commit()
    return f"{stored.name} ({produced.rows} rows)"


# ------------------------------------------------------------------------------ sweeping
@dataclass(frozen=True)
class SweepSummary:
    abandoned: int
    requeued: int
    mails_requeued: int

    def __str__(self) -> str:
        return _(
            "%(a)s travail(s) abandonné(s) marqué(s) en échec, %(r)s relancé(s) dans la "
            "file, %(m)s courriel(s) remis en file.",
            a=self.abandoned,
            r=self.requeued,
            m=self.mails_requeued,
        )


def _setting(name: str, default: float) -> float:
    """A number from the configuration, where 0 is a value (not « unset »)."""
    value = current_app.config.get(name)
    return default if value is None else float(value)


def stale_after() -> int:
    return int(_setting("VIGIE_JOB_STALE_SECONDS", STALE_AFTER_SECONDS))


def sweep(now: Any = None) -> SweepSummary:
    """Mark abandoned jobs failed, queue again the waiting ones Redis lost, resend mails."""
    now = now or utcnow()
    cutoff = now - timedelta(seconds=stale_after())
    abandoned_ids = list(
        db.session.scalars(
            select(Job.id).where(
                Job.state == JobState.RUNNING,
                or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < cutoff),
            )
        )
    )
    for job_id in abandoned_ids:
        with db.engine.begin() as conn:
            conn.execute(
                update(Job)
                .where(
                    Job.id == job_id,
                    Job.state == JobState.RUNNING,
                    or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < cutoff),
                )
                .values(
                    state=JobState.FAILED,
                    finished_at=now,
                    active_key=None,
                    error=str(
                        _(
                            "Travail abandonné : le worker qui l'exécutait s'est "
                            "arrêté sans le terminer (aucun signe de vie depuis "
                            "%(s)s s). Vous pouvez le relancer.",
                            s=stale_after(),
                        )
                    ),
                )
            )
    requeued = _requeue_lost(now)
    mails = notifications.requeue_pending(
        int(_setting("VIGIE_MAIL_REQUEUE_SECONDS", MAIL_REQUEUE_AFTER_SECONDS))
    )
    db.session.commit()
    return SweepSummary(len(abandoned_ids), requeued, mails)


def _requeue_lost(now: Any) -> int:
    """Waiting jobs whose RQ job is gone (Redis was down, flushed or restarted)."""
    cutoff = now - timedelta(seconds=_setting("VIGIE_JOB_REQUEUE_SECONDS", REQUEUE_AFTER_SECONDS))
    waiting = list(
        db.session.scalars(
            select(Job).where(Job.state == JobState.WAITING, Job.created_at < cutoff)
        )
    )
    if not waiting:
        return 0
    try:
        conn = connection(current_app)
        lost = []
        for job in waiting:
            try:
                status = RqJob.fetch(rq_id(job.id), connection=conn).get_status()
            except Exception:
                status = None
            if status in (None, "failed", "stopped", "canceled", "finished"):
                lost.append(job)
    except Exception as exc:
        log.warning("sweeper: Redis unreachable (%s)", exc)
        return 0
    return len(lost) if lost and dispatch(lost) else 0


# ------------------------------------------------------------------------ scheduled tasks
def run_scheduled(kind_code: str) -> str:
    """Cron entry point: record the scheduled task as a job and run it here and now."""
    requested = request(kind_code, Actor.system_actor(), queue=False)
    db.session.commit()
    if requested.existing:
        return "already running"
    return run(requested.job.id)


def sweep_task() -> str:
    """The sweeper as an RQ job: the scheduler now sweeps in its own process
    (:class:`app.jobs.scheduler.VigieScheduler`); kept so that a sweep an older scheduler
    queued still runs after an upgrade, and for an operator's manual ``rq enqueue``."""
    db.session.remove()
    return str(sweep())
