"""Telling people what awaits them: in-app notifications, and their e-mails sent by RQ jobs.

``notify()`` adds the notifications to the current transaction, so they exist exactly when the
transition that caused them does. ``dispatch()`` runs after the commit and queues one mail job
per notification; if Redis is unreachable the notifications simply stay ``en_attente`` and
``requeue_pending()`` (run by the worker's schedule, or ``vigie notifications resend``) sends
them later. Nothing here can undo a transition.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from app.extensions import db
from app.models.notifications import Notification
from app.models.types import utcnow

log = logging.getLogger(__name__)

#: Mail job retries (seconds between attempts); sending is idempotent per notification.
RETRY_INTERVALS = (10, 60, 300)


def notify(users: Iterable[Any], *, subject: str, body: str, link: str | None,
           artefact: str | None = None, record_id: int | None = None,
           event: str | None = None) -> list[Notification]:
    """Add one notification per user to the session (the caller's command commits)."""
    smtp = bool(current_app.config.get("VIGIE_SMTP_URL"))
    created = []
    for user in users:
        state = "en_attente"
        if not smtp:
            state = "desactive"
        elif not (getattr(user, "email", None) or "").strip():
            state = "sans_courriel"
        notification = Notification(
            user=user, subject=subject[:300], body=body, link=link, artefact=artefact,
            record_id=record_id, event=event, mail_state=state,
        )
        db.session.add(notification)
        created.append(notification)
    return created


def transition_message(artefact: Any, obj: Any, transition: Any, actor: Any,
                       reason: str | None) -> tuple[str, str]:
    """Subject and body of a transition's notification, always in French."""
    with force_locale("fr"):
        who = _display_name(actor.user)
        state = artefact.choices["state"].label(transition.target)
        subject = _("%(what)s « %(record)s » : %(event)s",
                    what=artefact.label, record=str(obj), event=transition.label)
        lines = [
            _("%(who)s a effectué « %(event)s » sur %(what)s « %(record)s ».",
              who=who, event=transition.label, what=str(artefact.label).lower(),
              record=str(obj)),
            _("Nouvel état : %(state)s.", state=state),
        ]
        if reason:
            lines.append(_("Motif : %(reason)s", reason=reason))
        lines.append(_("Ce qui vous attend figure dans « Mes tâches »."))
    return subject, "\n".join(lines)


def _display_name(user: Any) -> str:
    if user is None:
        return "Vigie"
    name = f"{getattr(user, 'first_name', '') or ''} {getattr(user, 'last_name', '') or ''}"
    return name.strip() or str(getattr(user, "username", "Vigie"))


def dispatch(notifications: Sequence[Notification]) -> int:
    """Queue the mail jobs of committed notifications; return how many were queued.

    Called after the commit. A queueing failure (Redis down) is logged and left for
    ``requeue_pending``: the notification is already stored and visible in the app.
    """
    ids = [n.id for n in notifications if n.mail_state == "en_attente"]
    if not ids:
        return 0
    try:
        from rq import Retry

        from reports.queue import get_queue

        queue = get_queue(current_app)
        for notification_id in ids:
            queue.enqueue(
                "reports.mail.send_notification", notification_id,
                retry=Retry(max=len(RETRY_INTERVALS), interval=list(RETRY_INTERVALS)),
                job_timeout=60, description=f"mail notification {notification_id}",
            )
    except Exception as exc:  # Redis unreachable: the notifications wait in the database
        log.warning("mail jobs not queued (%s): %s pending", exc, len(ids))
        return 0
    return len(ids)


def requeue_pending(older_than_seconds: int = 600) -> int:
    """Queue again the mails still pending long after their notification was written."""
    from datetime import timedelta

    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    pending = list(db.session.scalars(
        select(Notification).where(Notification.mail_state == "en_attente",
                                   Notification.created_at < cutoff)
    ))
    return dispatch(pending)


def unread_count(user_id: int) -> int:
    return int(db.session.scalar(
        select(func.count(Notification.id)).where(Notification.user_id == user_id,
                                                  Notification.read_at.is_(None))
    ) or 0)


def mark_read(user_id: int, ids: Iterable[int] | None = None) -> int:
    """Mark a user's notifications read (only theirs: other ids are ignored)."""
    stmt = update(Notification).where(Notification.user_id == user_id,
                                      Notification.read_at.is_(None))
    if ids is not None:
        stmt = stmt.where(Notification.id.in_(list(ids)))
    result = db.session.execute(stmt.values(read_at=utcnow()))
    db.session.commit()
    return int(result.rowcount or 0)
