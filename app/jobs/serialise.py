"""A job as the API answers it (``GET /api/v1/job/<id>``) and « Mes travaux » polls it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.jobs import kinds as job_kinds
from app.jobs.states import STATE_LABELS, JobState
from app.models.jobs import Job


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def state_label(state: str) -> str:
    """French label of a stored state (the code itself for an unknown one)."""
    try:
        return str(STATE_LABELS[JobState(state)])
    except ValueError:
        return state


def as_dict(job: Job) -> dict[str, Any]:
    """The job as ``GET /api/v1/job/<id>`` shows it."""
    kind = job_kinds.find(job.kind)
    return {
        "job_id": str(job.id),
        "kind": job.kind,
        "kind_label": str(kind.label) if kind is not None else job.kind,
        "title": job.title,
        "state": str(job.state),
        "state_label": state_label(job.state),
        "progress": job.progress,
        "step": job.step,
        "requested_by": job.requested_by.username if job.requested_by else None,
        "subject": (
            {"artefact": job.subject_artefact, "id": job.subject_id}
            if job.subject_artefact
            else None
        ),
        "created_at": _iso(job.created_at),
        "started_at": _iso(job.started_at),
        "finished_at": _iso(job.finished_at),
        "attempts": job.attempts,
        "error": job.error,
        "result": job.result_text,
        "data_version": job.data_version,
        "pages": job.pages,
        "file": (
            {
                "name": job.file_name,
                "size": job.file_size,
                "sha256": job.file_sha256,
                "url": f"/api/v1/job/{job.id}/file",
            }
            if job.file_key
            else None
        ),
    }
