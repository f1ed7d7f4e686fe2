"""Asking for a background job: checked, deduplicated, recorded, queued after the commit.

A request is a command like any other: it runs in the caller's unit of work, checks the
kind's rules (who may ask, the record through the asker's scope, the kind's precondition),
finds an identical job already under way instead of starting a second, and records the job
row « en attente ». Its RQ job is queued by an after-commit action, so a worker never looks
for a row that does not exist yet; if Redis is unreachable the row simply waits and the
sweeper queues it once Redis is back — nothing is lost.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import registry
from app.commands.errors import Forbidden, Invalid, Unavailable
from app.extensions import db
from app.jobs import kinds as job_kinds
from app.jobs.queue import get_queue
from app.jobs.states import JobState
from app.models.jobs import Job
from app.reading import get_for
from app.security.actor import Actor
from app.unit_of_work import after_commit, unit_of_work

log = logging.getLogger(__name__)

#: The function RQ runs for every job (the worker module's entry point).
RUN_TARGET = "app.jobs.worker.run"
#: RQ's own timeout is the job's plus this: ours fires first and records why.
RQ_GRACE_SECONDS = 30


@dataclass
class Requested:
    """A request's outcome: the job, whether an identical one was already under way, and —
    once the transaction committed — whether its RQ job reached Redis."""

    job: Job
    existing: bool
    queued: bool | None = None


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
        if kind.several_subjects:
            params["artefact"] = subject_code
    for name, cleaner in kind.extra.items():
        params[name] = cleaner(raw.get(name), subject)
    return subject, params


def _scope_signature(actor: Actor) -> str:
    ids = actor.scope.service_ids
    return "tous" if ids is None else ",".join(str(i) for i in sorted(ids))


def _active_key(kind: job_kinds.JobKind, params_json: str, actor: Actor) -> str:
    """What makes two requests the same job: kind, parameters and scope (and, for a private
    kind, the person). A key too long for its column is hashed, never cut: two exports whose
    filters differ only past the 200th character are two jobs."""
    who = f":u{actor.user_id}" if kind.private else ""
    key = f"{kind.code}:{params_json}:{_scope_signature(actor)}{who}"
    if len(key) <= 200:
        return key
    return f"{kind.code}:sha256:{hashlib.sha256(key.encode()).hexdigest()}"


def _checked_kind(
    kind_code: str, actor: Actor, subject: str | None
) -> tuple[job_kinds.JobKind, str | None]:
    """The kind asked for and the artefact it is asked from, once the asker may ask."""
    kind = job_kinds.find(kind_code)
    if kind is None:
        raise Invalid(_("Travail inconnu : « %(kind)s ».", kind=kind_code))
    subject_code = subject or kind.subject
    if kind.system_only and not actor.system:
        raise Forbidden(_("Ce travail est lancé automatiquement par Vigie."))
    if kind.several_subjects and subject_code not in kind.subject_codes():
        raise Invalid(_("Cette fiche ne s'imprime pas."))
    if (
        kind.requesters is not None
        and not actor.system
        and not (actor.scope.roles & kind.requesters)
    ):
        raise Forbidden(_("Votre rôle ne permet pas de demander « %(what)s ».", what=kind.label))
    return kind, subject_code


def request(
    kind_code: str,
    actor: Actor,
    *,
    subject: str | None = None,
    record_id: Any = None,
    params: Mapping[str, Any] | None = None,
    rerun_of: Job | None = None,
    queue: bool = True,
) -> Requested:
    """Record a job in the caller's transaction (flushed, not committed).

    Raises NotFound/Forbidden/Conflict/Invalid in French. If the same report for the same
    scope is already waiting or running, that job is returned instead of a second one.
    ``queue=False`` records it without queueing (the scheduler runs its tasks itself).
    """
    kind, subject_code = _checked_kind(kind_code, actor, subject)
    record, params_clean = _clean_params(kind, subject_code, record_id, params or {}, actor)
    if kind.precondition is not None and record is not None:
        kind.precondition(record)
    params_json = json.dumps(params_clean, sort_keys=True)
    key = _active_key(kind, params_json, actor)
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
        requested_by_id=actor.user_id,
        scope_json=None if ids is None else json.dumps(sorted(ids)),
        state=JobState.WAITING,
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
    requested = Requested(job, False)
    if not queue:
        return requested
    waiting = [(job.id, job.timeout_seconds)]

    def queue_it() -> None:
        requested.queued = enqueue(waiting)

    after_commit(queue_it)
    return requested


def rq_id(job_id: int) -> str:
    """RQ's id for a job row: stable (a re-queue replaces, never duplicates) and distinct per
    queue, so installations or test runs sharing one Redis never collide."""
    return f"vigie-{current_app.config.get('VIGIE_QUEUE') or 'default'}-job-{job_id}"


def dispatch(jobs: Sequence[Job]) -> bool:
    """Queue committed jobs still waiting (the sweeper's re-queue); False if Redis is
    unreachable (they wait in the database)."""
    return enqueue([(j.id, j.timeout_seconds) for j in jobs if j.state == JobState.WAITING])


def enqueue(waiting: Sequence[tuple[int, int]]) -> bool:
    """Queue one RQ job per (job id, timeout in seconds); False if Redis is unreachable.

    Takes plain values, not rows: after-commit actions may not read expired attributes.
    """
    if not waiting:
        return True
    try:
        queue = get_queue(current_app)
        for job_id, timeout in waiting:
            queue.enqueue(
                RUN_TARGET,
                job_id,
                job_id=rq_id(job_id),
                job_timeout=timeout + RQ_GRACE_SECONDS,
                result_ttl=3600,
                failure_ttl=86400,
                description=f"vigie job {job_id}",
            )
    except Exception as exc:  # Redis unreachable, whatever the client raised: rows wait
        log.warning("jobs not queued (%s): %s", exc, [j for j, _t in waiting])
        return False
    return True


def request_and_queue(kind_code: str, actor: Actor, **kwargs: Any) -> Requested:
    """One command: record (or find) the job, commit, queue it.

    If Redis is down the job stays recorded « en attente » (it will be queued when Redis is
    back) and :class:`Unavailable` tells the user in French.
    """
    with unit_of_work():
        requested = request(kind_code, actor, **kwargs)
    if requested.queued is False and not requested.existing:
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
