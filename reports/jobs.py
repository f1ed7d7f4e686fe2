"""The one job framework: request, queue, run, watch and sweep every background job.

Life of a job::

    request()  in the caller's transaction: checks, dedup, the ``job`` row (en_attente)
    dispatch() after the commit: one RQ job ``reports.jobs.run(id)`` — Redis down: the row
               waits and the sweeper queues it once Redis is back (nothing is lost)
    run()      in a worker: claim (compare-and-set en_attente → en_cours, so a second copy
               of the RQ job does nothing), heartbeat thread, build as the requester,
               WeasyPrint, store write-then-rename, record file + checksum + data version
    sweep()    every minute: a running job whose heartbeat stopped (killed worker) → echec,
               so it can be run again; a waiting job Redis lost → queued again

Timeouts are explicit per kind (``reports/kinds.py``): the job arms its own alarm and records
« délai dépassé »; RQ's timeout, a little longer, is the backstop. Retries: only the steps
that read (gathering the data) are retried on a transient database error; rendering is
deterministic and recording the result writes, so neither is repeated blindly — a failed job
is re-run as a new job (``rerun``).
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, false, or_, select, true, update
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from app import files, registry
from app.commands.errors import DomainError, Forbidden, Invalid, NotFound, Unavailable
from app.extensions import db
from app.models.jobs import Job
from app.models.types import utcnow
from app.reading import get_for
from app.security.actor import Actor
from app.security.roles import ADMIN, QUALITY
from reports import kinds as job_kinds
from reports.documents import Document

log = logging.getLogger(__name__)

STATE_LABELS = {
    "en_attente": _l("En attente"),
    "en_cours": _l("En cours"),
    "termine": _l("Terminé"),
    "echec": _l("Échec"),
}
#: Seconds between heartbeats of a running job, and silence after which it is abandoned.
HEARTBEAT_SECONDS = 10
STALE_AFTER_SECONDS = 90
#: A waiting job older than this whose RQ job Redis no longer has is queued again.
REQUEUE_AFTER_SECONDS = 60
#: Attempts of a read-only step on a transient database error.
READ_ATTEMPTS = 3
#: Share of the progress bar each phase takes.
BUILD_SHARE = (2, 60)
RENDER_AT = 62
STORE_AT = 95
ERROR_LIMIT = 2000


@dataclass(frozen=True)
class Requested:
    """A request's outcome: the job, and whether an identical one was already under way."""

    job: Job
    existing: bool


# ---------------------------------------------------------------------------- requesting
def _clean_params(
    kind: job_kinds.JobKind,
    subject_code: str | None,
    record_id: Any,
    raw: Mapping[str, Any],
    actor: Actor,
) -> tuple[Any, dict[str, Any]]:
    params: dict[str, Any] = {}
    subject = None
    if subject_code is not None and kind.subject_param is not None:
        artefact = registry.get(subject_code)
        subject = get_for(artefact, record_id, actor)  # NotFound outside the actor's scope
        params[kind.subject_param] = subject.id
        if kind.code == "card":
            params["artefact"] = subject_code
    for name, cleaner in kind.extra.items():
        params[name] = cleaner(raw.get(name), subject)
    return subject, params


def _scope_signature(actor: Actor) -> str:
    ids = actor.scope.service_ids
    return "tous" if ids is None else ",".join(str(i) for i in sorted(ids))


def request(
    kind_code: str,
    actor: Actor,
    *,
    subject: str | None = None,
    record_id: Any = None,
    params: Mapping[str, Any] | None = None,
    rerun_of: Job | None = None,
) -> Requested:
    """Record a job in the caller's transaction (flushed, not committed).

    Raises NotFound/Forbidden/Conflict/Invalid in French. If the same report for the same
    scope is already waiting or running, that job is returned instead of a second one.
    """
    kind = job_kinds.KINDS.get(kind_code)
    if kind is None:
        raise Invalid(_("Travail inconnu : « %(kind)s ».", kind=kind_code))
    if kind.system_only and not actor.system:
        raise Forbidden(_("Ce travail est lancé automatiquement par Vigie."))
    subject_code = subject or kind.subject
    if kind.code == "card" and subject_code not in job_kinds.CARD_ARTEFACTS:
        raise Invalid(_("Cette fiche ne s'imprime pas."))
    if (
        kind.requesters is not None
        and not actor.system
        and not (actor.scope.roles & kind.requesters)
    ):
        raise Forbidden(_("Votre rôle ne permet pas de demander « %(what)s ».", what=kind.label))
    record, params_clean = _clean_params(kind, subject_code, record_id, params or {}, actor)
    if kind.precondition is not None and record is not None:
        kind.precondition(record)
    params_json = json.dumps(params_clean, sort_keys=True)
    key = f"{kind.code}:{params_json}:{_scope_signature(actor)}"[:200]
    existing = db.session.scalar(select(Job).where(Job.active_key == key))
    if existing is not None:
        return Requested(existing, True)
    ids = actor.scope.service_ids
    job = Job(
        kind=kind.code,
        title=kind.title(record, params_clean)[:300] or str(kind.label),
        params_json=params_json,
        subject_artefact=subject_code if record is not None else None,
        subject_id=record.id if record is not None else None,
        requested_by_id=getattr(actor.user, "id", None),
        scope_json=None if ids is None else json.dumps(sorted(ids)),
        state="en_attente",
        progress=0,
        step=str(_("En attente d'un worker")),
        timeout_seconds=kind.timeout,
        active_key=key,
        rerun_of_id=rerun_of.id if rerun_of is not None else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(job)
            db.session.flush()
    except IntegrityError:  # an identical request committed a moment ago
        existing = db.session.scalar(select(Job).where(Job.active_key == key))
        if existing is None:
            raise
        return Requested(existing, True)
    _new_jobs().append(job)
    return Requested(job, False)


def _new_jobs() -> list[Job]:
    jobs: list[Job] = db.session.info.setdefault("vigie_new_jobs", [])
    return jobs


def dispatch_new() -> bool:
    """Queue the jobs this session recorded, after the commit (see :func:`dispatch`)."""
    jobs = db.session.info.pop("vigie_new_jobs", [])
    return dispatch(jobs)


def forget_new() -> None:
    """The transaction was rolled back: its jobs do not exist."""
    db.session.info.pop("vigie_new_jobs", None)


def rq_id(job_id: int) -> str:
    """RQ's id for a job row: stable (a re-queue replaces, never duplicates) and distinct per
    queue, so installations or test runs sharing one Redis never collide."""
    return f"vigie-{current_app.config.get('VIGIE_QUEUE') or 'default'}-job-{job_id}"


def dispatch(jobs: Sequence[Job]) -> bool:
    """Queue committed jobs; False if Redis is unreachable (they wait, see ``sweep``)."""
    waiting = [(j.id, j.timeout_seconds) for j in jobs if j.state == "en_attente"]
    if not waiting:
        return True
    try:
        from reports.queue import get_queue

        queue = get_queue(current_app)
        for job_id, timeout in waiting:
            queue.enqueue(
                "reports.jobs.run",
                job_id,
                job_id=rq_id(job_id),
                job_timeout=timeout + RQ_GRACE_SECONDS,
                result_ttl=3600,
                failure_ttl=86400,
                description=f"vigie job {job_id}",
            )
    except Exception as exc:  # Redis unreachable: the rows wait in the database
        log.warning("jobs not queued (%s): %s", exc, [j for j, _t in waiting])
        return False
    return True


def request_and_queue(kind_code: str, actor: Actor, **kwargs: Any) -> Requested:
    """One command: record (or find) the job, commit, queue it.

    If Redis is down the job stays recorded « en attente » (it will be queued when Redis is
    back) and :class:`Unavailable` tells the user in French.
    """
    try:
        requested = request(kind_code, actor, **kwargs)
        db.session.commit()
    except Exception:
        db.session.rollback()
        forget_new()
        raise
    if not dispatch_new() and not requested.existing:
        raise Unavailable(
            _(
                "La file des travaux en arrière-plan est indisponible pour le moment (serveur "
                "Redis injoignable). Votre demande est enregistrée (travail n° %(id)s) et partira "
                "dès son retour ; le reste de Vigie fonctionne normalement.",
                id=requested.job.id,
            )
        )
    return requested


def rerun(job: Job, actor: Actor) -> Requested:
    """Ask again for what a finished or failed job built, as ``actor`` (their scope)."""
    kind = job_kinds.get(job.kind)
    params = job.params
    record_id = params.get(kind.subject_param) if kind.subject_param else None
    return request_and_queue(
        job.kind,
        actor,
        subject=job.subject_artefact,
        record_id=record_id,
        params=params,
        rerun_of=job,
    )


# ---------------------------------------------------------------------------- visibility
def visible_clause(actor: Actor) -> Any:
    """Jobs a person sees: their own; all-services readers also see whole-town reports, and
    the quality cell Vigie's own scheduled tasks (reminders, collection check)."""
    if actor.system or ADMIN in actor.scope.roles:
        return None
    own = Job.requested_by_id == actor.scope.user_id
    if actor.scope.all_services:
        asked = Job.requested_by_id.is_not(None)
        scheduled = true() if QUALITY in actor.scope.roles else false()
        return or_(own, and_(Job.scope_json.is_(None), or_(asked, scheduled)))
    return own


def may_see(job: Job, actor: Actor) -> bool:
    """Who may read a job and download its file: its requester, or whoever may read its
    subject with a scope covering the one it was built with (no query for whole-town
    readers, so a list of jobs costs the same whatever it holds)."""
    if actor.system or ADMIN in actor.scope.roles:
        return True
    if job.requested_by_id is not None and job.requested_by_id == actor.scope.user_id:
        return True
    covered = job.scope_services
    if covered is None and not actor.scope.all_services:
        return False
    if covered is not None and not actor.scope.reaches(covered):
        return False
    if not job.subject_artefact:  # a scheduled task: the quality cell watches those
        return actor.scope.all_services and QUALITY in actor.scope.roles
    artefact = registry.get(job.subject_artefact)
    if not actor.may_read(artefact):
        return False
    if actor.scope.all_services:
        return True
    try:
        get_for(artefact, job.subject_id, actor)
    except DomainError:
        return False
    return True


def get_visible(job_id: Any, actor: Actor) -> Job:
    try:
        pk = int(job_id)
    except (TypeError, ValueError):
        raise NotFound(_("Travail introuvable.")) from None
    job = db.session.get(Job, pk)
    if job is None or not may_see(job, actor):
        raise NotFound(_("Travail introuvable."))
    return job


def latest_file(subject: str, subject_id: int, kind_code: str, actor: Actor) -> Job | None:
    """The newest finished job with a file for this record that the actor may download."""
    jobs = db.session.scalars(
        select(Job)
        .where(
            Job.subject_artefact == subject,
            Job.subject_id == subject_id,
            Job.kind == kind_code,
            Job.state == "termine",
            Job.file_key.is_not(None),
        )
        .order_by(Job.finished_at.desc())
        .limit(20)
    )
    for job in jobs:
        if may_see(job, actor):
            return job
    return None


def as_dict(job: Job) -> dict[str, Any]:
    """The job as ``GET /api/v1/job/<id>`` shows it."""
    return {
        "job_id": str(job.id),
        "kind": job.kind,
        "kind_label": str(job_kinds.get(job.kind).label)
        if job.kind in job_kinds.KINDS
        else job.kind,
        "title": job.title,
        "state": job.state,
        "state_label": str(STATE_LABELS.get(job.state, job.state)),
        "progress": job.progress,
        "step": job.step,
        "requested_by": job.requested_by.username if job.requested_by else None,
        "subject": {"artefact": job.subject_artefact, "id": job.subject_id}
        if job.subject_artefact
        else None,
        "created_at": _iso(job.created_at),
        "started_at": _iso(job.started_at),
        "finished_at": _iso(job.finished_at),
        "attempts": job.attempts,
        "error": job.error,
        "result": job.result_text,
        "data_version": job.data_version,
        "pages": job.pages,
        "file": {
            "name": job.file_name,
            "size": job.file_size,
            "sha256": job.file_sha256,
            "url": f"/api/v1/job/{job.id}/file",
        }
        if job.file_key
        else None,
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


# ------------------------------------------------------------------------------- running
class JobTimeout(BaseException):
    """Raised in the job when its time is up.

    A ``BaseException`` on purpose: RQ's own timeout exception is an ``Exception``, and code
    deep in a render (WeasyPrint logs and skips what fails while fetching or drawing) may
    catch ``Exception`` — a timeout swallowed there would let the job run on. RQ's timeout
    stays as a backstop (:data:`RQ_GRACE_SECONDS` later), and past that RQ kills the horse,
    which the sweeper then sees.
    """


#: RQ's own timeout is the job's plus this: ours fires first and records why.
RQ_GRACE_SECONDS = 30


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
            .where(Job.id == job_id, Job.state == "en_attente")
            .values(
                state="en_cours",
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
                        .where(Job.id == self.job_id, Job.state == "en_cours")
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
            state="echec",
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
    from app.indicators.freshness import data_version

    job = db.session.get(Job, job_id)
    if job is None:
        return "missing"
    kind = job_kinds.get(job.kind)
    actor = _actor_of(job)
    params = job.params
    version = data_version()
    _set(job_id, data_version=version, step=str(_("Lecture des données")), progress=2)
    function = kind.function()
    if kind.output == "text":
        outcome = with_read_retries(lambda: function())
        db.session.commit()
        _set(
            job_id,
            state="termine",
            progress=100,
            step=str(_("Terminé")),
            finished_at=utcnow(),
            result_text=str(outcome)[:ERROR_LIMIT],
            active_key=None,
        )
        return str(outcome)
    progress = _progress_for(job_id)
    document: Document = with_read_retries(lambda: function(params, actor, progress))
    db.session.rollback()  # the builder only read: end its transaction before the long render
    _set(job_id, progress=RENDER_AT, step=str(_("Mise en page du PDF")))
    from reports.pdf import render_pdf

    rendered = render_pdf(document.html)
    if rendered.refused:
        log.warning("job %s: refused to fetch %s", job_id, list(rendered.refused)[:5])
    _set(job_id, progress=STORE_AT, step=str(_("Enregistrement du fichier")))
    stored = files.store_generated(document.filename, rendered.data)
    job = db.session.get(Job, job_id)
    assert job is not None
    for column, value in stored.columns().items():
        setattr(job, column, value)
    job.pages = rendered.pages
    job.state = "termine"
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
    from app import notifications

    now = now or utcnow()
    cutoff = now - timedelta(seconds=stale_after())
    abandoned_ids = list(
        db.session.scalars(
            select(Job.id).where(
                Job.state == "en_cours", or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < cutoff)
            )
        )
    )
    for job_id in abandoned_ids:
        with db.engine.begin() as conn:
            conn.execute(
                update(Job)
                .where(
                    Job.id == job_id,
                    Job.state == "en_cours",
                    or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < cutoff),
                )
                .values(
                    state="echec",
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
    mails = notifications.requeue_pending()
    db.session.commit()
    return SweepSummary(len(abandoned_ids), requeued, mails)


def _requeue_lost(now: Any) -> int:
    """Waiting jobs whose RQ job is gone (Redis was down, flushed or restarted)."""
    cutoff = now - timedelta(seconds=_setting("VIGIE_JOB_REQUEUE_SECONDS", REQUEUE_AFTER_SECONDS))
    waiting = list(
        db.session.scalars(select(Job).where(Job.state == "en_attente", Job.created_at < cutoff))
    )
    if not waiting:
        return 0
    try:
        from rq.job import Job as RqJob

        from reports.queue import connection

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
    requested = request(kind_code, Actor.system_actor())
    db.session.commit()
    db.session.info.pop("vigie_new_jobs", None)
    if requested.existing:
        return "already running"
    return run(requested.job.id)


def sweep_task() -> str:
    """Cron entry point of the sweeper (not recorded as a job: it runs every minute)."""
    db.session.remove()
    return str(sweep())
