"""In-app notifications, each one also an e-mail sent by a background job.

A notification is written in the same transaction as the workflow transition that causes it,
so it is never lost; its e-mail is sent after the commit by an RQ job that records how it went
(``mail_state``), so a mail failure never undoes the transition and administrators see it.
"""

from __future__ import annotations

from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.organisation import VigieUser
from app.models.types import UtcDateTime, utcnow

#: ``en_attente`` queued or waiting for Redis; ``envoye`` accepted by the SMTP server;
#: ``echec`` every retry failed (``mail_error`` says why); ``sans_courriel`` the recipient
#: has no address; ``desactive`` no SMTP server is configured.
MAIL_STATES = ("en_attente", "envoye", "echec", "sans_courriel", "desactive")


class Notification(Model):
    """One message to one user: what happened, to which record, and what to do next."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("ab_user.id", name="fk_notification_user"), nullable=False
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    subject: Mapped[str] = mapped_column(String(300), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    #: Path of the record in the app (``/audit/show/12``), joined to the base URL in mails.
    link: Mapped[str | None] = mapped_column(String(500))
    artefact: Mapped[str | None] = mapped_column(String(64))
    record_id: Mapped[int | None] = mapped_column(Integer)
    event: Mapped[str | None] = mapped_column(String(32))
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    mail_state: Mapped[str] = mapped_column(
        String(16), nullable=False, default="en_attente", index=True
    )
    mail_attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    mail_error: Mapped[str | None] = mapped_column(Text)
    mailed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    user: Mapped[VigieUser] = relationship("VigieUser")

    def __repr__(self) -> str:
        return self.subject
