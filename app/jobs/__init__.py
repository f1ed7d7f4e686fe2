"""Background jobs, a core service: one framework to request, queue, run, watch and sweep.

* :mod:`app.jobs.kinds` — what jobs exist (registered at start-up by the layer owning each);
* :mod:`app.jobs.requests` — asking for one: checks, dedup, the row, queued after the commit;
* :mod:`app.jobs.visibility` — who sees a job and downloads its file;
* :mod:`app.jobs.serialise` — a job as the API answers it;
* :mod:`app.jobs.worker` — claim, heartbeat, timeouts, run, sweep (inside RQ workers);
* :mod:`app.jobs.queue` — Redis and RQ plumbing; :mod:`app.jobs.scheduler` — the cron.

Screens, the API and the workflow engine use the names re-exported here.
"""

from __future__ import annotations

from app.jobs.requests import Requested, request, request_and_queue, rerun
from app.jobs.serialise import as_dict, state_label
from app.jobs.states import STATE_LABELS, JobState
from app.jobs.visibility import (
    get_visible,
    job_download,
    latest_file,
    may_see,
    visible_clause,
    visible_jobs,
)

__all__ = [
    "STATE_LABELS",
    "JobState",
    "Requested",
    "as_dict",
    "get_visible",
    "job_download",
    "latest_file",
    "may_see",
    "request",
    "request_and_queue",
    "rerun",
    "state_label",
    "visible_clause",
    "visible_jobs",
]
