"""Telling people what awaits them: in-app notifications, and their e-mails sent by RQ jobs.

``notify()`` adds the notifications to the current transaction, so they exist exactly when the
transition that caused them does, and registers an after-commit action
(:func:`app.unit_of_work.after_commit`) that queues one mail job per notification. If Redis is
unreachable the notifications simply stay ``en_attente`` and ``resend()`` (``vigie
notifications resend``, or the administrators' « Courriels » page) or ``requeue_pending()``
sends them later. The job itself is :func:`app.notifications.mail.send_notification`; the
daily digests are :mod:`app.notifications.reminders`. Nothing here can undo a transition.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import timedelta
from functools import partial
from typing import Any, Protocol

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from rq import Retry
from sqlalchemy import func, inspect, select, update
from sqlalchemy.orm import joinedload

from app import registry
from app.extensions import db
from app.jobs.queue import get_queue
from app.models.notifications import Notification
from app.models.types import utcnow
from app.reading import readable_ids, references
from app.registry.artefact import Artefact
from app.security.actor import Actor
from app.unit_of_work import after_commit, unit_of_work

log = logging.getLogger(__name__)

#: The function RQ runs to send one notification's e-mail.
MAIL_TARGET = "app.notifications.mail.send_notification"
#: Mail job retries (seconds between attempts) when ``VIGIE_MAIL_RETRY_INTERVALS`` is not
#: configured; sending is idempotent per notification.
RETRY_INTERVALS = (10, 60, 300)

#: What administrators read for each ``mail_state``.
MAIL_STATE_LABELS = {
    "en_attente": _l("En attente"),
    "envoye": _l("Envoyé"),
    "echec": _l("Échec"),
    "sans_courriel": _l("Sans adresse électronique"),
    "desactive": _l("Envoi désactivé"),
}
#: Mails an administrator may have to act on: still waiting, or given up after the retries.
UNSENT_STATES = ("en_attente", "echec")


def notify(
    users: Iterable[Any],
    *,
    subject: str,
    body: str,
    link: str | None,
    artefact: str | None = None,
    record_id: int | None = None,
    event: str | None = None,
) -> list[Notification]:
    """Add one notification per user to the session (the caller's command commits).

    A notification about one record goes only to the people who may open it (the record's
    scope rule, as on its own page): its subject names the record.
    """
    smtp = bool(current_app.config.get("VIGIE_SMTP_URL"))
    created = []
    for user in users:
        if not may_read(user, artefact, record_id):
            continue
        state = "en_attente"
        if not smtp:
            state = "desactive"
        elif not (getattr(user, "email", None) or "").strip():
            state = "sans_courriel"
        notification = Notification(
            user=user,
            subject=subject[:300],
            body=body,
            link=link,
            artefact=artefact,
            record_id=record_id,
            event=event,
            mail_state=state,
        )
        db.session.add(notification)
        created.append(notification)
    waiting = [n for n in created if n.mail_state == "en_attente"]
    if waiting:
        after_commit(partial(_queue_created, waiting))
    return created


def may_read(user: Any, artefact: str | None, record_id: int | None) -> bool:
    """May this person open the record a notification is about (no record: yes)?"""
    found = registry.find(artefact) if artefact else None
    if found is None or record_id is None:
        return True
    return bool(readable_ids(found, Actor.for_user(user), [record_id]))


def reserved_of(rows: Sequence[Notification], actor: Actor) -> set[int]:
    """Ids of the notifications about a record the reader may no longer open (its scope
    changed since): the page shows them as « contenu réservé » — one query per artefact."""
    refs = references(actor)
    by_code: dict[str, set[int]] = {}
    for row in rows:
        if row.artefact and row.record_id is not None and registry.find(row.artefact):
            by_code.setdefault(row.artefact, set()).add(row.record_id)
    for code, ids in by_code.items():
        refs.learn(registry.get(code).model, ids)
    return {
        row.id
        for row in rows
        if row.artefact in by_code
        and not refs.opens_id(registry.get(row.artefact).model, row.record_id)
    }


def _queue_created(waiting: Sequence[Notification]) -> None:
    """After the commit: queue the mails of the notifications just written « en attente ».

    The commit expired them and no SQL may run in an after-commit action: their ids come from
    their identity keys (set by the flush), not from their expired attributes.
    """
    ids: list[int] = []
    for notification in waiting:
        identity: tuple[Any, ...] | None = inspect(notification).identity
        if identity is not None:
            ids.append(int(identity[0]))
    queue_mails(ids)


class TransitionRow(Protocol):
    """What a transition's message says of the workflow row fired (the core knows no
    workflow table: ``workflows.tables.Transition`` has these)."""

    @property
    def target(self) -> str: ...

    @property
    def label(self) -> object: ...


def transition_message(
    artefact: Artefact, obj: object, transition: TransitionRow, actor: Actor, reason: str | None
) -> tuple[str, str]:
    """Subject and body of a transition's notification, always in French."""
    with force_locale("fr"):
        who = _display_name(actor.user)
        state = artefact.choices["state"].label(transition.target)
        subject = _(
            "%(what)s « %(record)s » : %(event)s",
            what=artefact.label,
            record=str(obj),
            event=transition.label,
        )
        lines = [
            _(
                "%(who)s a effectué « %(event)s » sur %(what)s « %(record)s ».",
                who=who,
                event=transition.label,
                what=str(artefact.label).lower(),
                record=str(obj),
            ),
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
    """Queue the mail jobs of committed notifications still waiting; return how many."""
    return queue_mails([n.id for n in notifications if n.mail_state == "en_attente"])


def queue_mails(ids: Sequence[int]) -> int:
    """Queue one mail job per committed notification id; return how many were queued.

    A queueing failure (Redis down) is logged and left for ``requeue_pending``: the
    notification is already stored and visible in the app.
    """
    if not ids:
        return 0
    intervals = [
        int(s) for s in current_app.config.get("VIGIE_MAIL_RETRY_INTERVALS", RETRY_INTERVALS)
    ]
    try:
        queue = get_queue(current_app, current_app.config.get("VIGIE_MAIL_QUEUE", "default"))
        retry = Retry(max=len(intervals), interval=intervals) if intervals else None
        for notification_id in ids:
            queue.enqueue(
                MAIL_TARGET,
                notification_id,
                retry=retry,
                job_timeout=60,
                description=f"mail notification {notification_id}",
            )
    except Exception as exc:  # Redis unreachable: the notifications wait in the database
        log.warning("mail jobs not queued (%s): %s pending", exc, len(ids))
        return 0
    return len(ids)


def requeue_pending(older_than_seconds: int = 600) -> int:
    """Queue again the mails still pending long after their notification was written."""
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    pending = list(
        db.session.scalars(
            select(Notification).where(
                Notification.mail_state == "en_attente", Notification.created_at < cutoff
            )
        )
    )
    return dispatch(pending)


def resend(ids: Iterable[int] | None = None) -> tuple[int, int]:
    """Queue again the unsent mails (all, or these ids); return (selected, queued).

    Failed ones go back to ``en_attente`` first, committed before queueing so the job sees
    them pending; their last error stays until a send succeeds. A mail already queued and
    queued again is still sent once: the job skips what is no longer pending.
    """
    stmt = select(Notification).where(Notification.mail_state.in_(UNSENT_STATES))
    if ids is not None:
        stmt = stmt.where(Notification.id.in_(list(ids)))
    queued: list[int] = []
    with unit_of_work():
        selected = list(db.session.scalars(stmt.order_by(Notification.id)))
        chosen = [notification.id for notification in selected]
        for notification in selected:
            notification.mail_state = "en_attente"
        after_commit(lambda: queued.append(queue_mails(chosen)))
    return len(chosen), sum(queued)


def page_of(user_id: int, page: int, page_size: int) -> tuple[list[Notification], int]:
    """One page of a user's notifications, newest first, and their total (two queries)."""
    total = int(
        db.session.scalar(
            select(func.count(Notification.id)).where(Notification.user_id == user_id)
        )
        or 0
    )
    rows = list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user_id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(page_size)
            .offset(page * page_size)
        )
    )
    return rows, total


def _unsent_where(failed_only: bool) -> Any:
    return (
        Notification.mail_state == "echec"
        if failed_only
        else Notification.mail_state.in_(UNSENT_STATES)
    )


def unsent_count(*, failed_only: bool = False) -> int:
    """How many mails are pending or failed (``failed_only``: failed after every attempt):
    the rows :func:`unsent_page` lists with the same filter."""
    where = _unsent_where(failed_only)
    return int(db.session.scalar(select(func.count(Notification.id)).where(where)) or 0)


def unsent_page(
    page: int, page_size: int, *, failed_only: bool = False
) -> tuple[list[Notification], int]:
    """One page of the mails pending or failed, newest first, recipients loaded with them."""
    where = _unsent_where(failed_only)
    total = unsent_count(failed_only=failed_only)
    rows = list(
        db.session.scalars(
            select(Notification)
            .where(where)
            .options(joinedload(Notification.user))
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(page_size)
            .offset(page * page_size)
        )
    )
    return rows, total


def unread_count(user_id: int) -> int:
    return int(
        db.session.scalar(
            select(func.count(Notification.id)).where(
                Notification.user_id == user_id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


def mark_read(user_id: int, ids: Iterable[int] | None = None) -> int:
    """Mark a user's notifications read (only theirs: other ids are ignored)."""
    stmt = update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )
    if ids is not None:
        stmt = stmt.where(Notification.id.in_(list(ids)))
    with unit_of_work():
        result = db.session.execute(stmt.values(read_at=utcnow()))
    return int(result.rowcount or 0)


def open_notification(user_id: int, notification_id: int) -> Notification | None:
    """The user's notification, now read; ``None`` if it is not theirs (or does not exist)."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != user_id:
        return None
    if notification.read_at is None:
        with unit_of_work():
            notification.read_at = utcnow()
    return notification
