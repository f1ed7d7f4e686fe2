"""The daily scheduled jobs: each person's morning digest of reminders, and the collection
health check sent to the quality cell.

Both are plain functions run inside an app context (the job framework calls them from RQ's
cron scheduler and stores ``str(summary)`` as the job's result). They write in-app
notifications with :func:`app.notifications.notify` in one unit of work, whose after-commit
action queues the e-mails — which never raises when Redis is down: the notifications are
stored and ``requeue_pending`` sends them later. :func:`register_kinds` declares both to the
job framework.

**One digest per person per day**, not one message per record: a head of service with twelve
late actions gets one mail listing them, not twelve. Each digest names at most
:data:`LIST_LIMIT` records per section (the rest is « … et n autres ») and links to the page
where everything is listed (« Mes tâches », « Santé de la collecte »).

**Idempotent per day.** A person who already has a notification of the job's event created
during the local calendar day of ``today`` is skipped, so running the job twice (a retry, a
manual run) sends nothing new. The check runs in the same transaction as the inserts. On
PostgreSQL a transaction-scoped advisory lock first makes a second concurrent run wait until
the first has committed, and its check then sees the first run's notifications (READ
COMMITTED: each statement reads what is committed when it starts). Residual race: on SQLite
there is no such lock, so two runs overlapping between the check and the commit could both
send a digest (SQLite serialises the writes, the second may also fail with « database is
locked » and be retried by the job framework, then find the first run's rows). The day is
the day of the notification's creation time: a run with an explicit ``today`` other than the
real date (tests, catch-up runs) checks that day's window while its notifications are stamped
now, so only runs for the current day are idempotent.

**Fixed number of queries** whatever the number of records or people: one query per section,
the heads of every service concerned in two queries, the quality cell in one, the already
notified people in one; the notifications are inserted with the commit (batched by
SQLAlchemy) and their mails queued after it, without reading them back.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_appbuilder.security.sqla.models import Role
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, text
from sqlalchemy.orm import joinedload, selectinload

from app import notifications
from app.declarations.choices import PUSH_FREQUENCY
from app.extensions import db
from app.formatting import format_date, format_datetime, paris_today, town_zone
from app.indicators.health import Overdue, applications, overdue_indicators
from app.jobs.kinds import TEXT, JobKind, register
from app.models import Action, Audit, Document, Indicator, Service, VigieUser, user_service
from app.models.notifications import Notification
from app.models.quality import UNFINISHED_ACTION_STATES
from app.security.people import with_role
from app.security.roles import QUALITY, SERVICE_HEAD
from app.unit_of_work import unit_of_work

#: ``Notification.event`` of the daily digest and of the collection health check.
REMINDER_EVENT = "rappel"
HEALTH_EVENT = "sante_collecte"
#: Where each notification leads (« Mes tâches », « Santé de la collecte »).
TASKS_LINK = "/tasks/"
HEALTH_LINK = "/collection_health/"
#: Records named per section of a digest; the others are counted (« … et n autres »).
LIST_LIMIT = 10
#: Documents whose review is due within this many days (or already due) are reminded;
#: ``VIGIE_REMINDER_DOCUMENT_DAYS`` overrides it.
DOCUMENT_REVIEW_DAYS = 30
#: Audits planned from today to this many days ahead are announced;
#: ``VIGIE_REMINDER_AUDIT_DAYS`` overrides it.
AUDIT_NOTICE_DAYS = 7
#: A document in this state has been replaced: nobody revises it any more.
RETIRED_DOCUMENT_STATES = ("obsolete",)
#: Only manually entered values are reminded to people (as « Mes tâches » lists them): values
#: pushed by applications are the collection health check's business, calculated ones are
#: nobody's.
REMINDED_COLLECTION_MODES = ("manual",)

SECTION_MEASUREMENTS = "measurements"
SECTION_ACTIONS = "actions"
SECTION_DOCUMENTS = "documents"
SECTION_AUDITS = "audits"
SECTIONS = (SECTION_MEASUREMENTS, SECTION_ACTIONS, SECTION_DOCUMENTS, SECTION_AUDITS)


# ----------------------------------------------------------------------------------- summaries
def _people(notified: int, skipped: int) -> str:
    """« 3 personnes prévenues, 1 déjà prévenue aujourd'hui » (French even for 0)."""
    if notified:
        parts = [ngettext("%(num)s personne prévenue", "%(num)s personnes prévenues", notified)]
    else:
        parts = [_("personne n'a été prévenue")]
    if skipped:
        parts.append(
            ngettext(
                "%(num)s déjà prévenue aujourd'hui", "%(num)s déjà prévenues aujourd'hui", skipped
            )
        )
    return ", ".join(parts)


@dataclass(frozen=True)
class ReminderSummary:
    """What one run of :func:`daily_reminders` found and sent.

    Section counts are records found due (each counted once, whoever is told about it);
    ``without_recipient`` counts the records nobody could be told about (no active owner and no
    head of their service), which the quality cell may want to reassign.
    """

    day: date
    notified_users: int = 0
    measurements_due: int = 0
    late_actions: int = 0
    documents_to_review: int = 0
    coming_audits: int = 0
    skipped_already_sent: int = 0
    without_recipient: int = 0

    def __str__(self) -> str:
        with force_locale("fr"):
            items = []
            if self.measurements_due:
                items.append(
                    ngettext(
                        "%(num)s mesure attendue",
                        "%(num)s mesures attendues",
                        self.measurements_due,
                    )
                )
            if self.late_actions:
                items.append(
                    ngettext(
                        "%(num)s action en retard", "%(num)s actions en retard", self.late_actions
                    )
                )
            if self.documents_to_review:
                items.append(
                    ngettext(
                        "%(num)s document à réviser",
                        "%(num)s documents à réviser",
                        self.documents_to_review,
                    )
                )
            if self.coming_audits:
                items.append(
                    ngettext("%(num)s audit à venir", "%(num)s audits à venir", self.coming_audits)
                )
            if self.without_recipient:
                items.append(_("%(num)s sans destinataire", num=self.without_recipient))
            return _(
                "Rappels du %(date)s : %(people)s (%(items)s).",
                date=format_date(self.day),
                people=_people(self.notified_users, self.skipped_already_sent),
                items=", ".join(items) if items else _("rien à rappeler"),
            )


@dataclass(frozen=True)
class HealthSummary:
    """What one run of :func:`collection_health_check` found and sent."""

    day: date
    late_applications: int = 0
    silent_applications: int = 0
    overdue_indicators: int = 0
    notified_users: int = 0
    skipped_already_sent: int = 0

    @property
    def alarming(self) -> bool:
        """Whether anything deserved the quality cell's attention."""
        return bool(self.late_applications or self.silent_applications or self.overdue_indicators)

    def __str__(self) -> str:
        with force_locale("fr"):
            items = []
            if self.silent_applications:
                items.append(
                    ngettext(
                        "%(num)s application muette",
                        "%(num)s applications muettes",
                        self.silent_applications,
                    )
                )
            if self.late_applications:
                items.append(
                    ngettext(
                        "%(num)s application en retard",
                        "%(num)s applications en retard",
                        self.late_applications,
                    )
                )
            if self.overdue_indicators:
                items.append(
                    ngettext(
                        "%(num)s indicateur en retard de saisie",
                        "%(num)s indicateurs en retard de saisie",
                        self.overdue_indicators,
                    )
                )
            return _(
                "Santé de la collecte du %(date)s : %(items)s ; %(people)s.",
                date=format_date(self.day),
                items=", ".join(items) if items else _("tout est à jour"),
                people=_people(self.notified_users, self.skipped_already_sent),
            )


# ---------------------------------------------------------------------------- shared plumbing
def _zone() -> ZoneInfo:
    """The town's time zone: what « today » means for the people reading the digest (the one
    of every screen, export and PDF: :func:`app.formatting.town_zone`)."""
    return town_zone()


def local_today() -> date:
    """Today in the town's time zone (a cron job at 00:30 in Paris is on Paris's date)."""
    return paris_today()


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    """The local calendar day as a UTC interval [start, end)."""
    zone = _zone()
    start = datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC)
    return start, end


@contextmanager
def _run_of(job: str) -> Iterator[None]:
    """One run as one transaction: serialised with other runs of the job (PostgreSQL), and
    rolled back on any error so that neither half a run nor the lock outlives it."""
    try:
        _serialise(job)
        yield
    except BaseException:
        db.session.rollback()
        raise


def _serialise(job: str) -> None:
    """PostgreSQL: wait until any other run of this job has committed (lock released at the
    end of this transaction), so that the « already sent » check below sees its rows."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    key = zlib.crc32(f"vigie.scheduled.{job}".encode())
    db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _already_notified(event: str, day: date) -> set[int]:
    """People who already got this job's notification during ``day`` (local time)."""
    start, end = _day_bounds(day)
    stmt = (
        select(Notification.user_id)
        .where(
            Notification.event == event,
            Notification.created_at >= start,
            Notification.created_at < end,
        )
        .distinct()
    )
    return set(db.session.scalars(stmt))


def _heads_by_service(service_ids: Iterable[int]) -> dict[int, list[VigieUser]]:
    """Active heads of each service — its named head and its members holding the service-head
    role, as ``workflows.recipients.heads_of`` — for many services in two queries."""
    ids = sorted(set(service_ids))
    named = (
        select(Service.id, VigieUser)
        .join(VigieUser, VigieUser.id == Service.head_id)
        .where(Service.id.in_(ids), VigieUser.active.is_(True))
    )
    members = (
        select(user_service.c.service_id, VigieUser)
        .join(VigieUser, VigieUser.id == user_service.c.user_id)
        .join(VigieUser.roles)
        .where(
            user_service.c.service_id.in_(ids),
            Role.name == SERVICE_HEAD,
            VigieUser.active.is_(True),
        )
    )
    found: dict[int, dict[int, VigieUser]] = {}
    for stmt in (named, members):
        for service_id, user in db.session.execute(stmt):
            found.setdefault(service_id, {}).setdefault(user.id, user)
    return {service_id: list(users.values()) for service_id, users in found.items()}


def _active(user: VigieUser | None) -> list[VigieUser]:
    return [user] if user is not None and user.active else []


def _display_name(user: VigieUser) -> str:
    name = f"{user.first_name or ''} {user.last_name or ''}".strip()
    return name or str(user.username)


def _heading(title: str, count: int) -> str:
    """A section heading with its count: « Actions en retard (3) »."""
    return f"{title} ({count})"


def _more(lines: Sequence[str], total: int) -> list[str]:
    """Bullet lines, the first :data:`LIST_LIMIT` of them and « … et n autres »."""
    shown = [f"- {line}" for line in lines[:LIST_LIMIT]]
    if total > LIST_LIMIT:
        rest = total - LIST_LIMIT
        shown.append("- " + ngettext("… et %(num)s autre", "… et %(num)s autres", rest))
    return shown


def _send(
    digests: Sequence[tuple[VigieUser, str, str]], *, link: str, event: str
) -> list[Notification]:
    """Write one notification per (user, subject, body) and commit; the mails are queued by
    the notifications' after-commit action, so sending costs the same for 2 or 200 people."""
    created: list[Notification] = []
    with unit_of_work():
        for user, subject, body in digests:
            created.extend(
                notifications.notify(
                    [user],
                    subject=subject,
                    body=body,
                    link=link,
                    artefact=None,
                    record_id=None,
                    event=event,
                )
            )
    return created


# -------------------------------------------------------------------------- daily reminders
@dataclass
class _Digest:
    """What one person will read: per section, record id → (sort key, line)."""

    user: VigieUser
    items: dict[str, dict[int, tuple[Any, str]]] = field(default_factory=dict)

    def add(self, section: str, record_id: int, sort_key: Any, line: str) -> None:
        self.items.setdefault(section, {}).setdefault(record_id, (sort_key, line))

    @property
    def total(self) -> int:
        return sum(len(entries) for entries in self.items.values())


class _Mailbag:
    """Digests being filled, one per person, and the records nobody could be told about."""

    def __init__(self) -> None:
        self.digests: dict[int, _Digest] = {}
        self.orphans = 0

    def add(
        self, users: Sequence[VigieUser], section: str, record_id: int, sort_key: Any, line: str
    ) -> None:
        people = [u for u in users if u.active]
        if not people:
            self.orphans += 1
        for user in people:
            digest = self.digests.setdefault(user.id, _Digest(user))
            digest.add(section, record_id, sort_key, line)


def _section_titles() -> dict[str, str]:
    return {
        SECTION_MEASUREMENTS: _("Mesures attendues"),
        SECTION_ACTIONS: _("Actions en retard"),
        SECTION_DOCUMENTS: _("Documents à réviser"),
        SECTION_AUDITS: _("Audits à venir"),
    }


def _reminder_message(digest: _Digest, today: date) -> tuple[str, str]:
    """Subject and body of one person's digest (called within ``force_locale("fr")``)."""
    total = digest.total
    subject = ngettext(
        "Vos rappels du %(date)s : %(num)s point à traiter",
        "Vos rappels du %(date)s : %(num)s points à traiter",
        total,
        date=format_date(today),
    )
    lines = [
        _("Bonjour %(name)s,", name=_display_name(digest.user)),
        "",
        _("Voici ce qui vous attend dans Vigie au %(date)s.", date=format_date(today)),
    ]
    titles = _section_titles()
    for section in SECTIONS:
        entries = digest.items.get(section)
        if not entries:
            continue
        ordered = [line for _key, line in sorted(entries.values(), key=lambda e: e[0])]
        lines += ["", _heading(titles[section], len(ordered)), *_more(ordered, len(ordered))]
    lines += ["", _("Ce qui vous attend figure dans « Mes tâches ».")]
    return subject, "\n".join(lines)


def _setting(value: int | None, key: str, default: int) -> int:
    if value is not None:
        return int(value)
    return int(current_app.config.get(key, default))


def daily_reminders(
    today: date | None = None, *, document_days: int | None = None, audit_days: int | None = None
) -> ReminderSummary:
    """Send each person one digest of what awaits them, at most once a day.

    Sections, each to whom it concerns (an inactive account is never written to; its records
    go to the fallback instead):

    * **Mesures attendues** — manually entered indicators whose latest due value is missing
      (:func:`app.indicators.health.overdue_indicators`, reporting periods' due dates
      included): to the indicator's owner, else the heads of its service.
    * **Actions en retard** — actions not completed (``a_faire``/``en_cours``) past their due
      date: to the owner, else the heads of the action's service.
    * **Documents à réviser** — documents (not obsolete) whose review is due within
      ``document_days`` days or overdue: to the owner (the « Rédacteur »), else the heads of
      its service, else the quality cell (transverse documents).
    * **Audits à venir** — audits still ``planifie`` whose planned date is within the next
      ``audit_days`` days: to the lead auditor (else the quality cell, who organises audits)
      and to the heads of every audited service.

    Archived records are left out. Returns the counts; see the module docstring for the
    once-a-day guarantee and its limit.
    """
    today = today or local_today()
    document_days = _setting(document_days, "VIGIE_REMINDER_DOCUMENT_DAYS", DOCUMENT_REVIEW_DAYS)
    audit_days = _setting(audit_days, "VIGIE_REMINDER_AUDIT_DAYS", AUDIT_NOTICE_DAYS)
    with _run_of(REMINDER_EVENT):
        already = _already_notified(REMINDER_EVENT, today)

        indicators = list(
            db.session.scalars(
                select(Indicator)
                .where(
                    Indicator.archived.is_(False),
                    Indicator.collection_mode.in_(REMINDED_COLLECTION_MODES),
                )
                .options(joinedload(Indicator.owner))
            ).unique()
        )
        overdue = overdue_indicators(indicators, today)
        actions = list(
            db.session.scalars(
                select(Action)
                .where(
                    Action.archived.is_(False),
                    Action.state.in_(UNFINISHED_ACTION_STATES),
                    Action.due_date.is_not(None),
                    Action.due_date < today,
                )
                .options(joinedload(Action.owner))
            ).unique()
        )
        documents = list(
            db.session.scalars(
                select(Document)
                .where(
                    Document.archived.is_(False),
                    Document.state.not_in(RETIRED_DOCUMENT_STATES),
                    Document.review_due.is_not(None),
                    Document.review_due <= today + timedelta(days=document_days),
                )
                .options(joinedload(Document.owner))
            ).unique()
        )
        audits = list(
            db.session.scalars(
                select(Audit)
                .where(
                    Audit.archived.is_(False),
                    Audit.state == "planifie",
                    Audit.planned_date.is_not(None),
                    Audit.planned_date >= today,
                    Audit.planned_date <= today + timedelta(days=audit_days),
                )
                .options(joinedload(Audit.lead_auditor), selectinload(Audit.services))
            ).unique()
        )

        wanted: set[int] = set()
        wanted.update(
            o.indicator.owner_service_id for o in overdue if not _active(o.indicator.owner)
        )
        wanted.update(a.service_id for a in actions if not _active(a.owner))
        wanted.update(
            d.service_id for d in documents if not _active(d.owner) and d.service_id is not None
        )
        wanted.update(s.id for a in audits for s in a.services)
        heads = _heads_by_service(wanted)
        quality = with_role(QUALITY)

        bag = _Mailbag()
        with force_locale("fr"):
            _fill_measurements(bag, overdue, heads, today)
            _fill_actions(bag, actions, heads, today)
            _fill_documents(bag, documents, heads, quality, today)
            _fill_audits(bag, audits, heads, quality)
            outgoing = []
            skipped = 0
            for user_id, digest in sorted(bag.digests.items()):
                if user_id in already:
                    skipped += 1
                    continue
                subject, body = _reminder_message(digest, today)
                outgoing.append((digest.user, subject, body))
        sent = _send(outgoing, link=TASKS_LINK, event=REMINDER_EVENT)
    return ReminderSummary(
        day=today,
        notified_users=len(sent),
        measurements_due=len(overdue),
        late_actions=len(actions),
        documents_to_review=len(documents),
        coming_audits=len(audits),
        skipped_already_sent=skipped,
        without_recipient=bag.orphans,
    )


def _fill_measurements(
    bag: _Mailbag, overdue: Sequence[Overdue], heads: dict[int, list[VigieUser]], today: date
) -> None:
    for item in overdue:
        indicator = item.indicator
        due = today - timedelta(days=item.days_late)
        if item.missing > 1:
            line = ngettext(
                "%(code)s — %(title)s : valeur de %(period)s attendue depuis le %(date)s "
                "(%(num)s période manquante)",
                "%(code)s — %(title)s : valeur de %(period)s attendue depuis le %(date)s "
                "(%(num)s périodes manquantes)",
                item.missing,
                code=indicator.code,
                title=indicator.name,
                period=item.expected,
                date=format_date(due),
            )
        else:
            line = _(
                "%(code)s — %(title)s : valeur de %(period)s attendue depuis le %(date)s",
                code=indicator.code,
                title=indicator.name,
                period=item.expected,
                date=format_date(due),
            )
        people = _active(indicator.owner) or heads.get(indicator.owner_service_id, [])
        bag.add(people, SECTION_MEASUREMENTS, indicator.id, (-item.days_late, indicator.code), line)


def _fill_actions(
    bag: _Mailbag, actions: Sequence[Action], heads: dict[int, list[VigieUser]], today: date
) -> None:
    for action in actions:
        assert action.due_date is not None  # filtered by the query
        late = (today - action.due_date).days
        line = ngettext(
            "%(code)s — %(title)s : échéance le %(date)s, %(num)s jour de retard",
            "%(code)s — %(title)s : échéance le %(date)s, %(num)s jours de retard",
            late,
            code=action.code,
            title=action.title,
            date=format_date(action.due_date),
        )
        people = _active(action.owner) or heads.get(action.service_id, [])
        bag.add(people, SECTION_ACTIONS, action.id, (action.due_date, action.code), line)


def _fill_documents(
    bag: _Mailbag,
    documents: Sequence[Document],
    heads: dict[int, list[VigieUser]],
    quality: list[VigieUser],
    today: date,
) -> None:
    for document in documents:
        assert document.review_due is not None  # filtered by the query
        values = {
            "code": document.code,
            "title": document.title,
            "date": format_date(document.review_due),
        }
        if document.review_due < today:
            line = _("%(code)s — %(title)s : revue attendue depuis le %(date)s", **values)
        else:
            line = _("%(code)s — %(title)s : revue prévue le %(date)s", **values)
        people = (
            _active(document.owner)
            or (heads.get(document.service_id, []) if document.service_id else [])
            or quality
        )
        bag.add(people, SECTION_DOCUMENTS, document.id, (document.review_due, document.code), line)


def _fill_audits(
    bag: _Mailbag,
    audits: Sequence[Audit],
    heads: dict[int, list[VigieUser]],
    quality: list[VigieUser],
) -> None:
    for audit in audits:
        assert audit.planned_date is not None  # filtered by the query
        services = sorted(audit.services, key=lambda s: s.code)
        if services:
            line = _(
                "%(code)s — %(title)s : prévu le %(date)s (%(services)s)",
                code=audit.code,
                title=audit.title,
                date=format_date(audit.planned_date),
                services=", ".join(s.code for s in services),
            )
        else:
            line = _(
                "%(code)s — %(title)s : prévu le %(date)s",
                code=audit.code,
                title=audit.title,
                date=format_date(audit.planned_date),
            )
        people = list(_active(audit.lead_auditor) or quality)
        for service in services:
            people.extend(heads.get(service.id, []))
        bag.add(people, SECTION_AUDITS, audit.id, (audit.planned_date, audit.code), line)


# ---------------------------------------------------------------------- collection health
def collection_health_check(today: date | None = None) -> HealthSummary:
    """Tell the quality cell, once a day, which applications went quiet and where values are
    overdue — only when something is wrong.

    Uses :mod:`app.indicators.health` like the « Santé de la collecte » page (over every
    service: the quality cell reaches them all): applications ``late`` or ``silent`` are listed
    with their last push and expected frequency, overdue indicators are counted by owner
    service. An application's health is judged from its last push against the current time
    (``SourceApplication.health``), overdue values against ``today``. One digest per active
    quality-cell account, skipped for those already told today (see the module docstring).
    """
    today = today or local_today()
    with _run_of(HEALTH_EVENT):
        already = _already_notified(HEALTH_EVENT, today)
        watched = [a for a, _count in applications() if a.health in ("late", "silent")]
        indicators = list(
            db.session.scalars(
                select(Indicator)
                .where(Indicator.archived.is_(False))
                .options(joinedload(Indicator.owner_service))
            ).unique()
        )
        overdue = overdue_indicators(indicators, today)
        silent = sum(1 for a in watched if a.health == "silent")
        summary = HealthSummary(
            day=today,
            late_applications=len(watched) - silent,
            silent_applications=silent,
            overdue_indicators=len(overdue),
        )
        if not summary.alarming:
            with unit_of_work():  # end the transaction (and release the lock) like a sending run
                pass
            return summary
        recipients = [u for u in with_role(QUALITY) if u.active]
        outgoing = []
        skipped = 0
        with force_locale("fr"):
            for user in recipients:
                if user.id in already:
                    skipped += 1
                    continue
                subject, body = _health_message(user, watched, overdue, today)
                outgoing.append((user, subject, body))
        sent = _send(outgoing, link=HEALTH_LINK, event=HEALTH_EVENT)
    return HealthSummary(
        day=today,
        late_applications=summary.late_applications,
        silent_applications=silent,
        overdue_indicators=len(overdue),
        notified_users=len(sent),
        skipped_already_sent=skipped,
    )


def _health_message(
    user: VigieUser, watched: Sequence[Any], overdue: Sequence[Overdue], today: date
) -> tuple[str, str]:
    """Subject and body of the quality cell's digest (called within ``force_locale("fr")``)."""
    health_labels = {"late": _("En retard"), "silent": _("Muette")}
    subject = _("Santé de la collecte au %(date)s : points d'attention", date=format_date(today))
    lines = [
        _("Bonjour %(name)s,", name=_display_name(user)),
        "",
        _("État de la collecte des indicateurs au %(date)s.", date=format_date(today)),
    ]
    if watched:
        rows = [
            _(
                "%(code)s — %(name)s : %(health)s, dernier envoi : %(last)s, "
                "fréquence attendue : %(frequency)s",
                code=a.code,
                name=a.name,
                health=health_labels[a.health].lower(),
                last=(
                    format_datetime(a.last_push_at) if a.last_push_at is not None else _("jamais")
                ),
                frequency=PUSH_FREQUENCY.label(a.expected_frequency).lower(),
            )
            for a in watched
        ]
        lines += [
            "",
            _heading(_("Applications muettes ou en retard"), len(rows)),
            *_more(rows, len(rows)),
        ]
    if overdue:
        by_service: dict[int, tuple[Service, int]] = {}
        for item in overdue:
            service = item.indicator.owner_service
            known = by_service.get(service.id)
            by_service[service.id] = (service, (known[1] if known else 0) + 1)
        ranked = sorted(by_service.values(), key=lambda pair: (-pair[1], pair[0].code))
        rows = [
            ngettext(
                "%(service)s : %(num)s indicateur",
                "%(service)s : %(num)s indicateurs",
                count,
                service=f"{service.code} — {service.name}",
            )
            for service, count in ranked
        ]
        lines += [
            "",
            _heading(_("Indicateurs en retard de saisie, par service"), len(overdue)),
            *_more(rows, len(rows)),
        ]
    lines += ["", _("Le détail figure sur la page « Santé de la collecte ».")]
    return subject, "\n".join(lines)


# ------------------------------------------------------------------------ the job kinds
def register_kinds() -> None:
    """Declare the two daily tasks to the job framework (called once at start-up): each run
    is recorded as a job, so the quality cell sees when it ran and what it did."""
    register(
        JobKind(
            code="daily_reminders",
            label=_l("Rappels quotidiens"),
            run=daily_reminders,
            output=TEXT,
            timeout=600,
            system_only=True,
            title=lambda subject, params: _("Rappels quotidiens"),
        )
    )
    register(
        JobKind(
            code="collection_health",
            label=_l("Contrôle de la collecte"),
            run=collection_health_check,
            output=TEXT,
            timeout=600,
            system_only=True,
            title=lambda subject, params: _("Contrôle de la santé de la collecte"),
        )
    )
