"""The daily scheduled jobs: each person's digest of reminders, the quality cell's collection
health check.

The database is shared by the whole run and the jobs read the whole town, so every test makes
people of its own (a fresh service with its own head, fresh owners, a fresh auditor) and looks
only at their notifications. The jobs run for real: no SMTP server is configured, so the
notifications are stored with ``mail_state = desactive`` and nothing is queued.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select, update

from app import registry
from app.commands.records import archive_record
from app.extensions import db
from app.models import Indicator, SourceApplication, VigieUser
from app.models.notifications import Notification
from app.models.types import utcnow
from app.notifications.reminders import (
    HEALTH_EVENT,
    REMINDER_EVENT,
    HealthSummary,
    ReminderSummary,
    collection_health_check,
    daily_reminders,
    local_today,
)
from app.organisation import create_user
from app.security.actor import Actor
from tests.conftest import PASSWORD, World, sequence, unique
from tests.factories import force, new


def _person(role: str, services: tuple[str, ...] = ()) -> int:
    username = unique(f"sched-{role}-").lower()
    return create_user(
        username=username,
        password=PASSWORD,
        role_codes=[role],
        service_codes=list(services),
        first_name="Prénom",
        last_name=username,
    ).id


def _deactivate(user_id: int) -> None:
    """The account is closed after its records were assigned (one cannot assign to it)."""
    user = db.session.get(VigieUser, user_id)
    assert user is not None
    user.active = False
    db.session.commit()


def _service_with_head(world: World) -> tuple[int, str, int]:
    """A service of its own under POLE-A, headed by a new service head (named and member)."""
    code = unique("SCHED")
    service = new(
        "service", {"code": code, "name": f"Service {code}", "parent": world.services["POLE-A"]}
    )
    head = _person("service_head", (code,))
    force(service, head_id=head)
    return service.id, code, head


def _digests(user_id: int, event: str = REMINDER_EVENT) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user_id, Notification.event == event)
            .order_by(Notification.id)
        )
    )


def _mentioning(text: str, event: str = REMINDER_EVENT) -> set[int]:
    """Who got a notification of ``event`` naming ``text``."""
    return set(
        db.session.scalars(
            select(Notification.user_id).where(
                Notification.event == event, Notification.body.contains(text)
            )
        )
    )


def _action(
    service: int, owner: int | None, due: date, state: str | None = None, archived: bool = False
) -> str:
    code = unique("ACT-RAP-")
    made = new(
        "action",
        {
            "code": code,
            "title": f"Action {code}",
            "service": service,
            "owner": owner,
            "opened_on": due - timedelta(days=30),
            "due_date": due,
        },
    )
    if state is not None:
        force(made, state=state)
    if archived:
        archive_record(registry.get("action"), made, Actor.system_actor())
    return code


def test_each_person_gets_one_digest_of_what_awaits_them(
    app: Flask, world: World, app_ctx: None
) -> None:
    today = local_today()
    service, service_code, head = _service_with_head(world)
    owner = _person("agent", (service_code,))
    gone = _person("agent", (service_code,))
    auditor = _person("auditor")
    bystander = _person("agent", (service_code,))

    late = _action(service, owner, today - timedelta(days=3))
    done = _action(service, owner, today - timedelta(days=5), state="realisee")
    shelved = _action(service, owner, today - timedelta(days=4), archived=True)
    future = _action(service, owner, today + timedelta(days=10))
    orphan = _action(service, gone, today - timedelta(days=2))  # owner leaves: to the head
    _deactivate(gone)

    indicator = unique("IND-RAP-")
    made = new(
        "indicator",
        {
            "code": indicator,
            "name": f"Indicateur {indicator}",
            "owner_service": service,
            "owner": owner,
            "frequency": "monthly",
        },
    )
    db.session.execute(
        update(Indicator)
        .where(Indicator.id == made.id)
        .values(created_at=utcnow() - timedelta(days=800))
    )
    db.session.commit()

    documents = {}
    for key, due, state in (
        ("due", today + timedelta(days=5), "publie"),
        ("overdue", today - timedelta(days=20), "publie"),
        ("far", today + timedelta(days=200), "publie"),
        ("obsolete", today - timedelta(days=1), "obsolete"),
        ("archived", today - timedelta(days=1), "publie"),
    ):
        code = unique("DOC-RAP-")
        doc = new(
            "document",
            {
                "code": code,
                "title": f"Procédure {code}",
                "service": service,
                "owner": owner,
                "review_due": due,
            },
        )
        force(doc, state=state)
        if key == "archived":
            archive_record(registry.get("document"), doc, Actor.system_actor())
        documents[key] = code

    audits = {}
    for key, days in (("coming", 3), ("later", 30), ("cancelled", 2)):
        code = unique("AUD-RAP-")
        audit = new(
            "audit",
            {
                "code": code,
                "title": f"Audit {code}",
                "services": [service],
                "lead_auditor": auditor,
                "planned_date": today + timedelta(days=days),
            },
        )
        if key == "cancelled":
            force(audit, state="annule")
        audits[key] = code

    first = daily_reminders()
    assert isinstance(first, ReminderSummary) and first.day == today
    assert first.notified_users >= 3 and first.late_actions >= 2
    assert first.measurements_due >= 1 and first.documents_to_review >= 2
    assert first.coming_audits >= 1
    assert str(first).startswith(f"Rappels du {today:%d/%m/%Y} : ")

    [mine] = _digests(owner)
    assert mine.link == "/tasks/" and mine.artefact is None and mine.record_id is None
    assert mine.subject.startswith(f"Vos rappels du {today:%d/%m/%Y} : 4 points à traiter")
    body = mine.body
    assert body.startswith("Bonjour Prénom ")
    for heading in ("Mesures attendues (1)", "Actions en retard (1)", "Documents à réviser (2)"):
        assert heading in body, body
    assert "Audits à venir" not in body  # neither lead auditor nor head
    assert f"{late} — Action {late} : échéance le " in body and "3 jours de retard" in body
    assert f"{indicator} — Indicateur {indicator} : valeur de " in body
    assert f"{documents['due']} — Procédure {documents['due']} : revue prévue le" in body
    assert f"{documents['overdue']} — Procédure {documents['overdue']} : revue attendue" in body
    for absent in (
        done,
        shelved,
        future,
        orphan,
        documents["far"],
        documents["obsolete"],
        documents["archived"],
    ):
        assert absent not in body
    assert "« Mes tâches »" in body
    # one digest for everything, and the late action is told to nobody else
    assert _mentioning(late) == {owner}

    [to_head] = _digests(head)
    assert orphan in to_head.body and audits["coming"] in to_head.body
    assert late not in to_head.body  # the owner is active: it is theirs
    [to_auditor] = _digests(auditor)
    assert (
        f"Audits à venir (1)\n- {audits['coming']} — Audit {audits['coming']} : prévu le "
        f"{today + timedelta(days=3):%d/%m/%Y} ({service_code})" in to_auditor.body
    )
    assert _mentioning(audits["coming"]) == {auditor, head}
    for code in (audits["later"], audits["cancelled"]):
        assert not _mentioning(code)
    assert _digests(gone) == [] and _digests(bystander) == []

    # the same day again: nothing new for anyone
    again = daily_reminders()
    assert again.notified_users == 0
    assert again.skipped_already_sent >= 3
    assert "personne n'a été prévenue" in str(again)
    for person in (owner, head, auditor):
        assert len(_digests(person)) == 1

    # the next day: a new digest (the late action is one day later)
    tomorrow = daily_reminders(today + timedelta(days=1))
    assert tomorrow.notified_users >= 3
    latest = _digests(owner)
    assert len(latest) == 2 and "4 jours de retard" in latest[-1].body


def test_health_check_tells_the_quality_cell_about_a_silent_application(
    app: Flask, world: World, app_ctx: None
) -> None:
    quality = _person("quality")
    agent = _person("agent", ("S1",))
    head = _person("service_head", ("S1",))
    # « 0 » first: the digest names the first ten silent applications in code order
    code = "0" + unique("SIL")
    new(
        "source_application",
        {
            "code": code,
            "name": f"Appli {code}",
            "owner_service": world.services["S1"],
            "expected_frequency": "weekly",
        },
    )
    late = "0" + unique("LAT")
    made = new(
        "source_application",
        {
            "code": late,
            "name": f"Appli {late}",
            "owner_service": world.services["S1"],
            "expected_frequency": "weekly",
        },
    )
    db.session.execute(
        update(SourceApplication)
        .where(SourceApplication.id == made.id)
        .values(last_push_at=utcnow() - timedelta(days=10))
    )
    db.session.commit()

    first = collection_health_check()
    assert isinstance(first, HealthSummary)
    assert first.silent_applications >= 1 and first.late_applications >= 1
    # ours, and t_quality unless another test's check already told them today
    assert first.notified_users >= 1
    assert first.notified_users + first.skipped_already_sent >= 2
    assert str(first).startswith("Santé de la collecte du ")
    [digest] = _digests(quality, HEALTH_EVENT)
    assert digest.link == "/collection_health/"
    assert (
        f"{code} — Appli {code} : muette, dernier envoi : jamais, "
        "fréquence attendue : hebdomadaire" in digest.body
    )
    # silent applications come first and other tests leave theirs: the late one may be past
    # the ten listed here, so its line is checked on a digest of its own
    from app.notifications.reminders import _health_message

    late_app = db.session.get(SourceApplication, made.id)
    reader = db.session.get(VigieUser, quality)
    _subject, late_body = _health_message(reader, [late_app], [], date.today())
    assert f"{late} — Appli {late} : en retard, dernier envoi : " in late_body
    assert "Applications muettes ou en retard (" in digest.body
    assert _mentioning(code, HEALTH_EVENT) >= {quality}
    for other in (agent, head):
        assert _digests(other, HEALTH_EVENT) == []

    again = collection_health_check()
    assert again.notified_users == 0 and again.skipped_already_sent >= 2
    assert len(_digests(quality, HEALTH_EVENT)) == 1


def test_a_digest_lists_ten_records_and_counts_the_rest_in_fixed_queries(
    app: Flask, world: World, count_queries: Any
) -> None:
    # A day of its own far ahead: no notification is ever stamped on it, so every run sends
    # its digests and the two measured runs do the same work but for the owner's actions.
    day = date.today() + timedelta(days=3000 + sequence("scheduled-day"))
    with app.app_context():
        service, _code, _head = _service_with_head(world)
        owner = _person("agent")
    counts = []
    for batch in (2, 18):
        with app.app_context():
            for _ in range(batch):
                _action(service, owner, day - timedelta(days=5))
        with app.app_context():
            daily_reminders(day)  # warm-up: whatever is loaded once per process
            db.session.remove()
        with count_queries() as statements, app.app_context():
            summary = daily_reminders(day)
            db.session.remove()
        counts.append(len(statements))
        assert summary.late_actions >= batch
    assert counts[0] == counts[1], counts
    with app.app_context():
        body = _digests(owner)[-1].body
    assert "Actions en retard (20)" in body
    assert body.count("5 jours de retard") == 10 and "… et 10 autres" in body


def test_summaries_read_as_one_french_line(app_ctx: None) -> None:
    day = date(2025, 3, 14)
    assert str(
        ReminderSummary(
            day, notified_users=3, late_actions=2, coming_audits=1, skipped_already_sent=1
        )
    ) == (
        "Rappels du 14/03/2025 : 3 personnes prévenues, 1 déjà prévenue aujourd'hui "
        "(2 actions en retard, 1 audit à venir)."
    )
    assert str(ReminderSummary(day)) == (
        "Rappels du 14/03/2025 : personne n'a été prévenue (rien à rappeler)."
    )
    assert str(
        HealthSummary(day, silent_applications=2, overdue_indicators=1, notified_users=1)
    ) == (
        "Santé de la collecte du 14/03/2025 : 2 applications muettes, "
        "1 indicateur en retard de saisie ; 1 personne prévenue."
    )


def test_inactive_people_are_never_written_to(app: Flask, world: World, app_ctx: None) -> None:
    today = local_today()
    service, _code, head = _service_with_head(world)
    _deactivate(head)
    orphan = _action(service, None, today - timedelta(days=1))  # no owner, head inactive
    summary = daily_reminders()
    assert summary.without_recipient >= 1
    assert not _mentioning(orphan)
    assert _digests(head) == []
