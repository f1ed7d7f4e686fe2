"""What runs on its own, and when: ``vigie scheduler`` (RQ's cron scheduler, plus the sweeper).

* every ``VIGIE_SWEEP_SECONDS`` — the sweeper (:func:`app.jobs.worker.sweep`), run *in the
  scheduler process itself*: jobs abandoned by a killed worker are marked failed, waiting jobs
  Redis lost are queued again, stranded mails are re-queued. It used to be queued for a worker;
  with every worker dead nothing was swept, exactly when sweeping matters most;
* every day — the reminders (measurements due, late actions, documents due for review,
  audits coming) and the collection-health check, each recorded as a job so administrators
  see when it ran and what it did. Those are queued for the workers (they are real work).

Times are UTC cron expressions (``VIGIE_REMINDERS_CRON``, ``VIGIE_HEALTH_CHECK_CRON``). Run
exactly one scheduler per installation (``vigie run`` starts one and restarts it if it dies):
RQ's cron has no leader election, and the daily tasks are idempotent per day anyway, so a
second scheduler would waste work, not spam. Its heartbeat is RQ's cron-scheduler registry
(what ``/health/ready`` reads, under :func:`scheduler_name`). No roll-up is cached (the map is
computed live in ~60 ms), so there is nothing to refresh at night.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import Flask
from redis.exceptions import RedisError
from rq.cron import CronScheduler
from rq.exceptions import StopRequested

from app.extensions import db
from app.jobs.queue import connection, log_level, queue_names
from app.jobs.worker import run_scheduled, sweep

log = logging.getLogger(__name__)

SWEEP_EVERY_SECONDS = 60
REMINDERS_CRON = "30 5 * * *"
HEALTH_CHECK_CRON = "0 6 * * *"


def scheduler_name(app: Flask) -> str:
    """The scheduler's name in RQ's registry: one per installation (per jobs queue)."""
    return f"vigie-scheduler:{queue_names(app)[0]}"


def sweep_interval(app: Flask) -> float:
    return float(app.config.get("VIGIE_SWEEP_SECONDS") or SWEEP_EVERY_SECONDS)


class VigieScheduler(CronScheduler):
    """RQ's cron scheduler that also sweeps, itself, every ``VIGIE_SWEEP_SECONDS``.

    RQ's loop is: enqueue what is due, heartbeat, sleep until the next due time (at most 60 s).
    The sweep is one more due task in that loop; a failing sweep (database down) is logged and
    tried again at the next period, it never stops the scheduler.

    SIGTERM: RQ's handler raises ``StopRequested`` wherever the process is, so a signal landing
    during the sweep was caught as a failed sweep and the scheduler ran on. Here the handler
    only raises while the loop sleeps; otherwise it sets a flag the loop reads before its next
    sleep, so the current sweep ends cleanly and the process stops right after.
    """

    def __init__(self, app: Flask, redis_connection: Any, **kwargs: Any) -> None:
        super().__init__(connection=redis_connection, **kwargs)
        self.app = app
        self.every = sweep_interval(app)
        self.next_sweep = time.monotonic()
        self.stop_requested = False
        self.sleeping = False

    def _request_stop(self, signum: int, frame: Any) -> None:
        self.log.info("scheduler: stop requested (signal %s)", signum)
        self.stop_requested = True
        if self.sleeping:
            raise StopRequested()

    def _stop_if_requested(self) -> None:
        if self.stop_requested:
            raise StopRequested()

    def enqueue_jobs(self) -> list[Any]:
        self.sleeping = False
        self._stop_if_requested()
        enqueued: list[Any] = []
        try:
            enqueued = super().enqueue_jobs()
        except RedisError as exc:  # Redis away: the daily tasks wait, the sweep still runs
            log.warning("scheduler: Redis unreachable, nothing queued (%s)", exc)
        if time.monotonic() >= self.next_sweep:
            self.next_sweep = time.monotonic() + self.every
            self.sweep_now()
        return enqueued

    def heartbeat(self) -> None:
        try:
            super().heartbeat()
        except RedisError as exc:
            log.warning("scheduler: heartbeat not written, Redis unreachable (%s)", exc)

    def save(self, pipeline: Any = None) -> None:
        try:
            super().save(pipeline)
        except RedisError as exc:
            log.warning("scheduler: state not saved, Redis unreachable (%s)", exc)

    def sweep_now(self) -> str | None:
        """Run the sweeper here; None if it failed (logged)."""
        try:
            with self.app.app_context():
                db.session.remove()
                summary = str(sweep())
                db.session.remove()
        except Exception:
            log.exception("sweeper failed; tried again in %s s", self.every)
            return None
        log.info("sweeper: %s", summary)
        return summary

    def calculate_sleep_interval(self) -> float:
        """Until the next due task or sweep; from here to the next round the loop only sleeps,
        so a stop signal may interrupt it at once."""
        self._stop_if_requested()
        cron_wait = float(super().calculate_sleep_interval())
        self.sleeping = True
        self._stop_if_requested()
        return max(0.0, min(cron_wait, self.next_sweep - time.monotonic()))


def build_scheduler(app: Flask, redis_connection: Any) -> VigieScheduler:
    """The scheduler with Vigie's periodic tasks registered (not started)."""
    queue = queue_names(app)[0]
    cron = VigieScheduler(
        app, redis_connection, name=scheduler_name(app), logging_level=log_level()
    )
    cron.register(
        run_scheduled,
        queue,
        args=("daily_reminders",),
        job_timeout=900,
        cron=app.config.get("VIGIE_REMINDERS_CRON") or REMINDERS_CRON,
        name="vigie-daily-reminders",
    )
    cron.register(
        run_scheduled,
        queue,
        args=("collection_health",),
        job_timeout=900,
        cron=app.config.get("VIGIE_HEALTH_CHECK_CRON") or HEALTH_CHECK_CRON,
        name="vigie-collection-health",
    )
    return cron


def run_scheduler(app: Flask) -> None:
    """Run the scheduler until SIGTERM/Ctrl-C."""
    build_scheduler(app, connection(app)).start()
