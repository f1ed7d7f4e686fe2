"""The e-mail of a notification, sent by an RQ job once the transition has committed.

The notifications' after-commit action (:func:`app.notifications.queue_mails`) queues
``send_notification(id)`` with RQ retries. The job
records every attempt on the notification (``mail_attempts``, ``mail_error``) so that
administrators see what failed without reading worker logs, re-raises so RQ retries, and
marks the mail ``echec`` only when no retry is left. It is idempotent: a notification that is
no longer ``en_attente`` is not sent, and a Redis lock keeps two copies of the job (a retry and
a manual resend) from sending at the same moment. Delivery is at-least-once: if the database
write after a successful send fails, the retry sends the mail again — a duplicate is better
than a silent loss for a message that asks someone to act.

The mail is plain text, always in French (the notification's subject and body were written in
French by the transition), with the absolute link built from ``VIGIE_BASE_URL``.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from redis.exceptions import LockError
from rq import get_current_job

from app.extensions import db
from app.models.notifications import Notification
from app.models.types import utcnow
from app.unit_of_work import unit_of_work

log = logging.getLogger(__name__)

TRUE_VALUES = {"1", "true", "yes", "oui", "on"}
#: Longest error text kept on a notification (an SMTP server may answer at length).
ERROR_LIMIT = 2000


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send, parsed from ``VIGIE_SMTP_URL``."""

    host: str
    port: int
    implicit_tls: bool = False
    starttls: bool = False
    username: str | None = None
    password: str | None = None


def parse_smtp_url(url: str) -> SmtpSettings:
    """``smtp://[user:password@]host[:port][?starttls=1]`` or ``smtps://…`` (implicit TLS).

    User and password are percent-decoded (``p%40ss`` is ``p@ss``). Errors never quote the
    URL: it may hold the password, and the message ends up on an admin page.
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError(_("VIGIE_SMTP_URL doit commencer par smtp:// ou smtps://."))
    if not parts.hostname:
        raise ValueError(_("VIGIE_SMTP_URL n'indique pas de serveur."))
    implicit = parts.scheme == "smtps"
    try:
        port = parts.port or (465 if implicit else 25)
    except ValueError:
        raise ValueError(_("Le port de VIGIE_SMTP_URL n'est pas un nombre valide.")) from None
    query = parse_qs(parts.query)
    starttls = (query.get("starttls", [""])[0]).strip().lower() in TRUE_VALUES
    return SmtpSettings(
        host=parts.hostname,
        port=port,
        implicit_tls=implicit,
        starttls=starttls and not implicit,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
    )


def absolute_link(base_url: str, link: str | None) -> str:
    """The record's address for someone reading the mail outside the app."""
    base = base_url.rstrip("/")
    path = link or "/notifications/"
    return base + (path if path.startswith("/") else "/" + path)


def build_message(notification: Notification, *, sender: str, base_url: str) -> EmailMessage:
    """The French plain-text mail of a notification (UTF-8 headers and body)."""
    user = notification.user
    name = f"{user.first_name or ''} {user.last_name or ''}".strip()
    url = absolute_link(base_url, notification.link)
    with force_locale("fr"):
        text = "\n".join(
            [
                notification.body,
                "",
                _("Ouvrir dans Vigie : %(url)s", url=url),
                "",
                "-- ",
                _("Message envoyé automatiquement par Vigie, merci de ne pas y répondre."),
                _(
                    "Toutes vos notifications : %(url)s",
                    url=absolute_link(base_url, "/notifications/"),
                ),
            ]
        )
    message = EmailMessage()
    message["From"] = sender
    message["To"] = Address(display_name=name, addr_spec=user.email.strip())
    message["Subject"] = f"[Vigie] {notification.subject}"
    message["Date"] = format_datetime(datetime.now(UTC))
    domain = urlsplit(base_url).hostname or "vigie.localhost"
    message["Message-ID"] = make_msgid(idstring=f"notification-{notification.id}", domain=domain)
    # RFC 3834: no out-of-office replies to an automatic message.
    message["Auto-Submitted"] = "auto-generated"
    message["Content-Language"] = "fr"
    # quoted-printable: 7-bit safe for any relay, still readable in the raw source.
    message.set_content(text, charset="utf-8", cte="quoted-printable")
    return message


def deliver(message: EmailMessage, settings: SmtpSettings, timeout: float) -> None:
    """Hand the message to the SMTP server (raises on any refusal or network error)."""
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if settings.implicit_tls:
        client = smtplib.SMTP_SSL(settings.host, settings.port, timeout=timeout, context=context)
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
    with client:
        if settings.starttls:
            client.starttls(context=context)
        if settings.username:
            client.login(settings.username, settings.password or "")
        client.send_message(message)


def _last_attempt(job: Any) -> bool:
    """No RQ retry left (or not run by RQ at all): this failure is final."""
    return job is None or not job.retries_left


def send_notification(notification_id: int) -> str:
    """RQ job: send one notification's e-mail and record how it went; return the state.

    Each call owns its database session (removed at the end): a worker keeps one app
    context for its whole life, and a failed job must not leave a broken session to the next.
    """
    job = get_current_job()
    lock = None
    if job is not None:
        timeout = max(int(job.timeout or 0), 60) + 30
        lock = job.connection.lock(f"vigie:mail:{notification_id}", timeout=timeout, blocking=False)
        if not lock.acquire():
            log.info("notification %s: another job is sending it", notification_id)
            return "en_cours"
    try:
        return _send(notification_id, job)
    finally:
        db.session.remove()
        if lock is not None:
            with contextlib.suppress(LockError):  # expired meanwhile: nothing to release
                lock.release()


def _record(notification: Notification, **values: Any) -> str:
    """Write how the attempt went, in a unit of work of its own; return the mail state."""
    with unit_of_work():
        for name, value in values.items():
            setattr(notification, name, value)
        state = str(notification.mail_state)
    return state


def _send(notification_id: int, job: Any) -> str:
    notification = db.session.get(Notification, notification_id)
    if notification is None:
        log.warning("notification %s: not found, mail not sent", notification_id)
        return "introuvable"
    if notification.mail_state != "en_attente":
        return notification.mail_state  # sent already, or nothing to send
    config = current_app.config
    if not config.get("VIGIE_SMTP_URL"):
        return _record(notification, mail_state="desactive")
    if not (notification.user.email or "").strip():
        return _record(notification, mail_state="sans_courriel")
    attempts = (notification.mail_attempts or 0) + 1
    try:
        settings = parse_smtp_url(str(config["VIGIE_SMTP_URL"]))
        message = build_message(
            notification,
            sender=str(config.get("VIGIE_MAIL_FROM") or "vigie@localhost"),
            base_url=str(config.get("VIGIE_BASE_URL") or ""),
        )
        deliver(message, settings, float(config.get("VIGIE_SMTP_TIMEOUT") or 20))
    except Exception as exc:
        final = _last_attempt(job)
        failed = {"mail_state": "echec"} if final else {}
        _record(
            notification,
            mail_attempts=attempts,
            mail_error=f"{type(exc).__name__}: {exc}"[:ERROR_LIMIT],
            **failed,
        )
        log.warning(
            "notification %s: mail attempt %s failed%s: %s",
            notification_id,
            attempts,
            " (final)" if final else "",
            exc,
        )
        raise
    return _record(
        notification,
        mail_attempts=attempts,
        mail_state="envoye",
        mailed_at=utcnow(),
        mail_error=None,
    )
