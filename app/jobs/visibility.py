"""Who sees a background job and may download what it built.

A job is built as the person who asked, with their scope; so its file is readable by them and
by people whose scope covers the one it was built with and who may read its subject record.
Whole-town readers are answered without a query per job, so a list of jobs costs the same
whatever it holds.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, false, or_, select, true

from app import files, registry
from app.commands.attachments import Download
from app.commands.errors import DomainError, NotFound
from app.extensions import db
from app.jobs import kinds as job_kinds
from app.jobs.states import JobState
from app.models.jobs import Job
from app.reading import get_for
from app.security.actor import Actor
from app.security.roles import ADMIN, QUALITY


def visible_clause(actor: Actor) -> Any:
    """Jobs a person sees: their own; all-services readers also see whole-town reports, and
    the quality cell Vigie's own scheduled tasks (reminders, collection check)."""
    if actor.system or ADMIN in actor.scope.roles:
        return None
    own = Job.requested_by_id == actor.scope.user_id
    if actor.scope.all_services:
        asked = Job.requested_by_id.is_not(None)
        scheduled = true() if QUALITY in actor.scope.roles else false()
        shared = and_(Job.scope_json.is_(None), or_(asked, scheduled))
        private = job_kinds.private_codes()
        if private:
            shared = and_(shared, Job.kind.not_in(private))
        return or_(own, shared)
    return own


def may_see(job: Job, actor: Actor) -> bool:
    """Who may read a job and download its file: its requester, or whoever may read its
    subject with a scope covering the one it was built with."""
    if actor.system or ADMIN in actor.scope.roles:
        return True
    if job.requested_by_id is not None and job.requested_by_id == actor.scope.user_id:
        return True
    if job.kind in job_kinds.private_codes():
        return False
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


def visible_jobs(
    actor: Actor, limit: int, ids: list[int] | None = None, *, state: str | None = None
) -> list[Job]:
    """The newest jobs the actor sees (« Mes travaux », ``GET /api/v1/job/``), optionally
    in one state (the failed ones a home page counts)."""
    stmt = select(Job).order_by(Job.id.desc()).limit(limit)
    if state is not None:
        stmt = stmt.where(Job.state == state)
    clause = visible_clause(actor)
    if clause is not None:
        stmt = stmt.where(clause)
    if ids is not None:
        stmt = stmt.where(Job.id.in_(ids))
    return [job for job in db.session.scalars(stmt) if may_see(job, actor)]


def get_visible(job_id: Any, actor: Actor) -> Job:
    """A job the actor may see, or NotFound (the same answer whether it exists or not)."""
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
            Job.state == JobState.DONE,
            Job.file_key.is_not(None),
        )
        .order_by(Job.finished_at.desc())
        .limit(20)
    )
    for job in jobs:
        if may_see(job, actor):
            return job
    return None


def job_download(job: Job) -> Download:
    """The stored file of a finished job (NotFound in French when there is none)."""
    if not job.file_key:
        raise NotFound(_("Ce travail n'a pas produit de fichier."))
    path = files.path_of(job.file_key)
    if not path.is_file():
        raise NotFound(_("Le fichier de ce travail est introuvable sur le serveur."))
    return Download(
        path=path,
        name=job.file_name or job.file_key,
        content_type=job.file_type or "application/pdf",
        size=job.file_size,
    )
