"""What runs on its own, and when: RQ's cron scheduler (``vigie scheduler``).

* every minute — the sweeper (:func:`app.jobs.worker.sweep`): jobs abandoned by a killed
  worker are marked failed, waiting jobs Redis lost are queued again, stranded mails are
  re-queued;
* every day — the reminders (measurements due, late actions, documents due for review,
  audits coming) and the collection-health check, each recorded as a job so administrators
  see when it ran and what it did.

Times are UTC cron expressions (``VIGIE_REMINDERS_CRON``, ``VIGIE_HEALTH_CHECK_CRON``). The
scheduler only *enqueues*; workers run the tasks. Run exactly one scheduler per
installation (``vigie run`` starts one): RQ's cron has no leader election, and the daily
tasks are idempotent per day anyway, so a second scheduler would waste work, not spam.
No roll-up is cached (the map is computed live in ~60 ms), so there is nothing to refresh
at night.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from rq.cron import CronScheduler

from app.jobs.queue import connection, log_level, queue_names
from app.jobs.worker import run_scheduled, sweep_task

SWEEP_EVERY_SECONDS = 60
REMINDERS_CRON = "30 5 * * *"
HEALTH_CHECK_CRON = "0 6 * * *"


def build_scheduler(app: Flask, redis_connection: Any) -> Any:
    """A ``CronScheduler`` with Vigie's periodic tasks registered (not started)."""
    queue = queue_names(app)[0]
    cron = CronScheduler(
        connection=redis_connection, name="vigie-scheduler", logging_level=log_level()
    )
    cron.register(
        sweep_task,
        queue,
        job_timeout=120,
        interval=int(app.config.get("VIGIE_SWEEP_SECONDS") or SWEEP_EVERY_SECONDS),
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
