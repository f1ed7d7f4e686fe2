"""Background jobs: one row per report or scheduled task, whatever RQ does with it.

RQ keeps its own job hashes in Redis, but they expire, vanish if Redis is flushed, and say
nothing about *who* asked for *what*. The row is the record users and administrators read:
who asked, what, its state and progress, when it started and ended, why it failed, and the
file it produced with its checksum and the data version it was built from.

``active_key`` is set while the job is waiting or running and cleared when it ends; its
unique index is what stops two people (or two clicks) from queueing the same report twice at
the same moment — the second request gets the running job back. ``heartbeat_at`` is written by
the running job every few seconds: a job whose heartbeat stops is one whose worker died, and
the sweeper marks it failed so it can be run again.
"""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from typing import Any

from flask_appbuilder import Model
from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.files import AttachedFileMixin
from app.models.organisation import VigieUser
from app.models.types import UtcDateTime, utcnow


class JobState(StrEnum):
    """Where a job stands, stored as its value so SQL compares to it (labels: app.jobs.states).

    ``en_attente`` recorded, queued (or waiting for Redis); ``en_cours`` a worker has it;
    ``termine`` done (its file or summary is there); ``echec`` failed, ``error`` says why.
    """

    WAITING = "en_attente"
    RUNNING = "en_cours"
    DONE = "termine"
    FAILED = "echec"


#: States in which a job is still under way (one such job per identical request).
ACTIVE_STATES = (JobState.WAITING, JobState.RUNNING)


class Job(AttachedFileMixin, Model):
    """One background job as users see it (see the module docstring)."""

    __tablename__ = "job"
    __table_args__ = (
        Index("ix_job_subject", "subject_artefact", "subject_id"),
        Index("ix_job_state_created", "state", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    params_json: Mapped[str] = mapped_column(Text, nullable=False, default="{}")
    subject_artefact: Mapped[str | None] = mapped_column(String(64))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("ab_user.id", name="fk_job_requested_by"), index=True
    )
    #: Services the result covers, as the requester's scope was (JSON list); NULL = all.
    scope_json: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), nullable=False, default=JobState.WAITING)
    progress: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    step: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    worker: Mapped[str | None] = mapped_column(String(200))
    timeout_seconds: Mapped[int] = mapped_column(Integer, nullable=False, default=600)
    error: Mapped[str | None] = mapped_column(Text)
    #: A scheduled job's outcome in one French line (« 12 personnes prévenues… »).
    result_text: Mapped[str | None] = mapped_column(Text)
    pages: Mapped[int | None] = mapped_column(Integer)
    #: When the newest indicator value was written as the job read the data.
    data_version: Mapped[str | None] = mapped_column(String(64))
    active_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    rerun_of_id: Mapped[int | None] = mapped_column(ForeignKey("job.id", name="fk_job_rerun_of"))

    requested_by: Mapped[VigieUser | None] = relationship("VigieUser")

    @property
    def params(self) -> dict[str, Any]:
        value = json.loads(self.params_json or "{}")
        return value if isinstance(value, dict) else {}

    @property
    def scope_services(self) -> frozenset[int] | None:
        if self.scope_json is None:
            return None
        return frozenset(int(i) for i in json.loads(self.scope_json))

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES

    def __repr__(self) -> str:
        return self.title
