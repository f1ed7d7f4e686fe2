"""Notifications end to end, with real components: a transition through the REST API, the
notification written with it, the RQ job run by a real worker over a real Redis, the e-mail
received by a real SMTP server (aiosmtpd on a free loopback port), and the screens.

Redis is the test server of ``VIGIE_TEST_REDIS_URL`` (tests that need it are skipped when it
is unset). Each test gets a queue of its own (``VIGIE_MAIL_QUEUE``), so two test runs sharing
that Redis never take each other's jobs, and retry intervals of 0 s
(``VIGIE_MAIL_RETRY_INTERVALS``), so the three retries run within one burst of the worker.

The worker is RQ's ``SimpleWorker``: it runs the job in this process instead of a forked
child. Everything else is the production path (dequeue, ``perform_job``, failure handling,
``Retry``, registries). Forking here would hand the child this process's pooled database
connections (PostgreSQL sockets, SQLite handles) — shared across a fork they corrupt each
other — and the aiosmtpd thread would not exist in the child anyway.
"""

from __future__ import annotations

import email
import os
import signal
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from app import notifications, registry
from app.commands.records import create_record
from app.extensions import db
from app.models import Action
from app.models.notifications import Notification
from app.models.organisation import VigieUser
from app.notifications import mail
from app.security.actor import Actor
from tests.conftest import PASSWORD, World, login, token, unique

REDIS_URL = os.environ.get("VIGIE_TEST_REDIS_URL")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="VIGIE_TEST_REDIS_URL is not set")
BASE_URL = "https://vigie.ville.example"


# ------------------------------------------------------------------------------ SMTP server
def free_port() -> int:
    """A loopback port nothing listens on (bound then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    login: bytes | None = None


@dataclass
class SmtpSink:
    """A real SMTP server on a loopback port that keeps every message it accepts."""

    port: int
    received: list[Received] = field(default_factory=list)
    controller: Any = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.original_content, policy=default_policy)
        auth = getattr(session, "auth_data", None)
        self.received.append(
            Received(
                envelope.mail_from, list(envelope.rcpt_tos), message, getattr(auth, "login", None)
            )
        )
        return "250 Message accepted for delivery"

    def start(self, **smtp_options: Any) -> SmtpSink:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, **smtp_options)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.rcpt_tos]


# ---------------------------------------------------------------------------- configuration
@dataclass
class MailSetup:
    port: int
    queue: str


@pytest.fixture()
def mail_setup(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[MailSetup]:
    """The session app, for one test, with mail on: SMTP on a free port (nothing listening
    yet), a queue of its own, no wait between retries. Restored and the queue dropped after."""
    setup = MailSetup(port=free_port(), queue=f"vigie-test-mail-{uuid.uuid4().hex[:12]}")
    monkeypatch.setitem(app.config, "VIGIE_SMTP_URL", f"smtp://127.0.0.1:{setup.port}")
    monkeypatch.setitem(app.config, "VIGIE_MAIL_RETRY_INTERVALS", (0, 0, 0))
    monkeypatch.setitem(app.config, "VIGIE_MAIL_QUEUE", setup.queue)
    monkeypatch.setitem(app.config, "VIGIE_BASE_URL", BASE_URL + "/")
    with app.app_context():
        before = db.session.scalar(select(func.max(Notification.id))) or 0
    yield setup
    if REDIS_URL:
        _drop_queue(setup.queue)
    with app.app_context():  # no unsent mail left for a later test's « resend everything »
        db.session.execute(
            update(Notification)
            .where(Notification.id > before, Notification.mail_state.in_(("en_attente", "echec")))
            .values(mail_state="desactive")
        )
        db.session.commit()


@pytest.fixture()
def smtp(mail_setup: MailSetup) -> Iterator[SmtpSink]:
    sink = SmtpSink(mail_setup.port).start()
    yield sink
    sink.stop()


def _drop_queue(name: str) -> None:
    """Delete the test queue and every job it left (failed jobs would stay a year)."""
    from redis import Redis
    from rq import Queue
    from rq.job import Job

    conn = Redis.from_url(str(REDIS_URL))
    queue = Queue(name, connection=conn)
    ids: set[str] = set(queue.get_job_ids())
    for reg in (
        queue.failed_job_registry,
        queue.finished_job_registry,
        queue.started_job_registry,
        queue.scheduled_job_registry,
        queue.deferred_job_registry,
        queue.canceled_job_registry,
    ):
        ids.update(reg.get_job_ids())
    for job in Job.fetch_many(sorted(ids), connection=conn):
        if job is not None:
            job.delete()
    queue.delete(delete_jobs=True)


def run_worker(app: Flask, queue_name: str) -> None:
    """A real RQ worker in burst mode on the test queue, jobs inside an app context."""
    from redis import Redis
    from rq import Queue, SimpleWorker

    conn = Redis.from_url(str(REDIS_URL))
    worker = SimpleWorker([Queue(queue_name, connection=conn)], connection=conn)
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with app.app_context():
            worker.work(burst=True)
    finally:  # the worker installs its own Ctrl-C handler; give pytest its own back
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


# ---------------------------------------------------------------------------------- helpers
def _user(app: Flask, username: str) -> tuple[int, str]:
    with app.app_context():
        user = db.session.scalars(select(VigieUser).where(VigieUser.username == username)).one()
        return user.id, user.email


def _action(app: Flask, world: World, owner: str, state: str) -> tuple[int, str]:
    """An action of S1 piloted by ``owner``, put in ``state`` (set up, not a transition)."""
    code = unique("NOTIF")
    owner_id, _email = _user(app, owner)
    with app.app_context():
        action = create_record(
            registry.get("action"),
            {
                "code": code,
                "title": f"Action {code}",
                "service": world.services["S1"],
                "owner": owner_id,
            },
            Actor.system_actor(),
        )
        action.state = state
        db.session.commit()
        return action.id, code


def _fire(client: Any, username: str, pk: int, event: str, reason: str | None = None) -> Any:
    """Fire an event through the REST API, as a business application or the UI would.

    A client of its own: the page-browsing client's session cookie would win over the token.
    """
    api = client.application.test_client()
    payload: dict[str, str] = {"event": event}
    if reason:
        payload["reason"] = reason
    return api.post(f"/api/v1/action/{pk}/transition", json=payload, headers=token(api, username))


def _notifications_of(app: Flask, pk: int, event: str) -> dict[str, dict[str, Any]]:
    """The notifications of one transition of an action, by recipient username."""
    with app.app_context():
        rows = db.session.scalars(
            select(Notification).where(
                Notification.artefact == "action",
                Notification.record_id == pk,
                Notification.event == event,
            )
        ).all()
        return {
            n.user.username: {
                "id": n.id,
                "state": n.mail_state,
                "attempts": n.mail_attempts,
                "error": n.mail_error,
                "mailed_at": n.mailed_at,
                "read_at": n.read_at,
                "subject": n.subject,
                "link": n.link,
            }
            for n in rows
        }


# -------------------------------------------------------------------------------- the tests
@needs_redis
def test_transition_mails_whoever_acts_next(
    app: Flask, world: World, client: Any, smtp: SmtpSink, mail_setup: MailSetup
) -> None:
    pk, code = _action(app, world, world.users["agent"], "en_cours")
    response = _fire(client, world.users["agent"], pk, "complete")
    assert response.status_code == 200, response.json

    sent = _notifications_of(app, pk, "complete")
    quality = sent[world.users["quality"]]
    assert world.users["agent"] not in sent  # not told about what they just did
    assert quality["state"] == "en_attente" and quality["link"] == f"/action/show/{pk}"
    assert smtp.received == []  # nothing is sent inside the request

    run_worker(app, mail_setup.queue)

    quality = _notifications_of(app, pk, "complete")[world.users["quality"]]
    assert (quality["state"], quality["attempts"], quality["error"]) == ("envoye", 1, None)
    assert quality["mailed_at"] is not None
    _id, quality_email = _user(app, world.users["quality"])
    [received] = smtp.to(quality_email)
    message = received.message
    assert received.mail_from == "vigie@localhost" and message["From"] == "vigie@localhost"
    assert quality_email in message["To"] and "Test" in message["To"]
    assert message["Subject"] == f"[Vigie] Action « {code} — Action {code} » : Déclarer réalisée"
    assert message.get_content_charset() == "utf-8"
    assert message["Auto-Submitted"] == "auto-generated"
    body = message.get_content().replace("\r\n", "\n")
    assert "a effectué « Déclarer réalisée » sur action" in body
    assert "Nouvel état : Réalisée." in body
    assert f"Ouvrir dans Vigie : {BASE_URL}/action/show/{pk}\n" in body
    assert "merci de ne pas y répondre" in body

    # the job again (a late retry, a resend): not sent twice
    with app.app_context():
        assert mail.send_notification(quality["id"]) == "envoye"
    assert len(smtp.to(quality_email)) == 1

    # rejected: the owner hears it, with the reason
    rejected = _fire(
        client, world.users["quality"], pk, "reject", reason="Preuve de réalisation manquante"
    )
    assert rejected.status_code == 200, rejected.json
    run_worker(app, mail_setup.queue)
    _id, agent_email = _user(app, world.users["agent"])
    [to_owner] = smtp.to(agent_email)
    assert to_owner.message["Subject"] == f"[Vigie] Action « {code} — Action {code} » : Refuser"
    assert "Motif : Preuve de réalisation manquante" in to_owner.message.get_content()
    assert _notifications_of(app, pk, "reject")[world.users["agent"]]["state"] == "envoye"


def test_the_recipient_sees_it_in_the_app_and_nobody_else(
    app: Flask, world: World, client: Any
) -> None:
    """In-app notifications need only the database (no mail server configured here)."""
    pk, code = _action(app, world, world.users["agent"], "en_cours")
    assert _fire(client, world.users["agent"], pk, "complete").status_code == 200
    notification = _notifications_of(app, pk, "complete")[world.users["quality"]]

    login(client, world.users["quality"])
    page = client.get("/notifications/").get_data(as_text=True)
    subject = notification["subject"]
    row = page[page.index(code) - 300 : page.index(code) + 300]
    assert f"<strong>{_html(subject)}</strong>" in page  # unread: bold
    assert "Non lue" in row
    assert "Notifications non lues" in page  # the navbar indication
    assert "Tout marquer comme lu" in page
    assert f'href="/notifications/{notification["id"]}/open"' in page

    # someone else: not on their page, and not theirs to open
    login(client, world.users["head_s3"])
    assert code not in client.get("/notifications/").get_data(as_text=True)
    assert client.get(f"/notifications/{notification['id']}/open").status_code == 404
    assert _notifications_of(app, pk, "complete")[world.users["quality"]]["read_at"] is None

    # opening it marks it read and leads to the record
    login(client, world.users["quality"])
    opened = client.get(f"/notifications/{notification['id']}/open")
    assert opened.status_code == 302 and opened.headers["Location"] == f"/action/show/{pk}"
    assert _notifications_of(app, pk, "complete")[world.users["quality"]]["read_at"] is not None
    page = client.get("/notifications/").get_data(as_text=True)
    assert code in page and f"<strong>{_html(subject)}</strong>" not in page

    # « Tout marquer comme lu »: a POST, then no unread notification is left
    another, _code = _action(app, world, world.users["agent"], "en_cours")
    assert _fire(client, world.users["agent"], another, "complete").status_code == 200
    assert "Notifications non lues" in client.get("/notifications/").get_data(as_text=True)
    done = client.post("/notifications/read_all")
    assert done.status_code == 302
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Notifications non lues" not in page and "Non lue<" not in page
    uid, _email = _user(app, world.users["quality"])
    with app.app_context():
        assert notifications.unread_count(uid) == 0


def _html(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


@needs_redis
def test_smtp_down_fails_after_retries_then_resend_delivers(
    app: Flask, world: World, client: Any, mail_setup: MailSetup
) -> None:
    pk, code = _action(app, world, world.users["agent"], "en_cours")
    response = _fire(client, world.users["agent"], pk, "complete")
    assert response.status_code == 200  # no SMTP server: the transition stands
    with app.app_context():
        assert db.session.get(Action, pk).state == "realisee"

    run_worker(app, mail_setup.queue)  # first attempt and its 3 retries, all refused

    failed = _notifications_of(app, pk, "complete")[world.users["quality"]]
    assert (failed["state"], failed["attempts"]) == ("echec", 4)
    assert "ConnectionRefusedError" in failed["error"]

    # the administrators' page shows it with the server's error; nobody else's does
    login(client, world.users["quality"])
    assert client.get("/mail_queue/").status_code in (302, 403)
    assert client.post(f"/mail_queue/{failed['id']}/resend").status_code in (302, 403)
    assert _notifications_of(app, pk, "complete")[world.users["quality"]]["state"] == "echec"
    login(client, world.users["admin"])
    page = client.get("/mail_queue/").get_data(as_text=True)
    assert code in page and "Échec" in page and "ConnectionRefusedError" in page
    assert f'action="/mail_queue/{failed["id"]}/resend"' in page and "Renvoyer" in page

    # the server is back: « Renvoyer » queues it again and the worker delivers it
    sink = SmtpSink(mail_setup.port).start()
    try:
        resent = client.post(f"/mail_queue/{failed['id']}/resend")
        assert resent.status_code == 302
        assert (
            _notifications_of(app, pk, "complete")[world.users["quality"]]["state"] == "en_attente"
        )
        run_worker(app, mail_setup.queue)
    finally:
        sink.stop()
    done = _notifications_of(app, pk, "complete")[world.users["quality"]]
    assert (done["state"], done["attempts"], done["error"]) == ("envoye", 5, None)
    _id, quality_email = _user(app, world.users["quality"])
    [received] = sink.to(quality_email)
    assert code in received.message["Subject"]
    assert code not in client.get("/mail_queue/").get_data(as_text=True)


@needs_redis
def test_redis_unreachable_keeps_the_transition_and_the_mail_pending(
    app: Flask,
    world: World,
    client: Any,
    smtp: SmtpSink,
    mail_setup: MailSetup,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pk, code = _action(app, world, world.users["agent"], "en_cours")
    monkeypatch.setitem(app.config, "VIGIE_REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    response = _fire(client, world.users["agent"], pk, "complete")
    assert response.status_code == 200
    pending = _notifications_of(app, pk, "complete")[world.users["quality"]]
    assert (pending["state"], pending["attempts"]) == ("en_attente", 0)
    with app.app_context():
        assert db.session.get(Action, pk).state == "realisee"

    # still unreachable: the command says so and changes nothing
    runner = app.test_cli_runner()
    result = runner.invoke(args=["notifications", "resend"])
    assert result.exit_code != 0 and "injoignable" in result.output

    # Redis is back: `vigie notifications resend` queues it and the worker sends it
    monkeypatch.setitem(app.config, "VIGIE_REDIS_URL", REDIS_URL)
    result = runner.invoke(args=["notifications", "resend"])
    assert result.exit_code == 0, result.output
    assert "remis dans la file d'envoi" in result.output
    run_worker(app, mail_setup.queue)
    assert _notifications_of(app, pk, "complete")[world.users["quality"]]["state"] == "envoye"
    _id, quality_email = _user(app, world.users["quality"])
    assert [r for r in smtp.to(quality_email) if code in r.message["Subject"]]


def test_no_address_and_no_server(
    app: Flask, world: World, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A recipient without e-mail: ``sans_courriel``; no SMTP configured: ``desactive``.
    Neither is queued, and both are in the app."""
    from app.organisation import create_user, find_user

    username = "t_notif_nomail"
    with app.app_context():
        if find_user(username) is None:
            user = create_user(
                username=username,
                password=PASSWORD,
                role_codes=["agent"],
                service_codes=["S1"],
                first_name="Sans",
                last_name="Adresse",
            )
            user.email = ""
            db.session.commit()
    monkeypatch.setitem(app.config, "VIGIE_SMTP_URL", f"smtp://127.0.0.1:{free_port()}")
    pk, code = _action(app, world, username, "realisee")
    response = _fire(client, world.users["quality"], pk, "reject", reason="Incomplet")
    assert response.status_code == 200, response.json
    assert _notifications_of(app, pk, "reject")[username]["state"] == "sans_courriel"
    login(client, username)
    assert code in client.get("/notifications/").get_data(as_text=True)

    monkeypatch.setitem(app.config, "VIGIE_SMTP_URL", None)
    pk, _code = _action(app, world, world.users["agent"], "realisee")
    assert (
        _fire(client, world.users["quality"], pk, "reject", reason="Incomplet").status_code == 200
    )
    assert _notifications_of(app, pk, "reject")[world.users["agent"]]["state"] == "desactive"


# plain-text AUTH on loopback is what this test is about; aiosmtpd warns about it.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_smtp_login_and_refused_login(
    app: Flask, world: World, mail_setup: MailSetup, monkeypatch: pytest.MonkeyPatch
) -> None:
    """User and password from the URL (percent-decoded) reach the server's AUTH; a refused
    login is recorded. The job is called directly (no RQ job: the failure is final)."""
    from aiosmtpd.smtp import AuthResult, LoginPassword

    def authenticator(
        server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == b"vigie@ville"
            and auth_data.password == b"p@ss:word"
        )
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    sink = SmtpSink(mail_setup.port).start(
        authenticator=authenticator, auth_required=True, auth_require_tls=False
    )
    monkeypatch.setitem(
        app.config,
        "VIGIE_SMTP_URL",
        f"smtp://vigie%40ville:p%40ss%3Aword@127.0.0.1:{mail_setup.port}",
    )
    monkeypatch.setitem(app.config, "VIGIE_MAIL_FROM", "qualite@ville.example")
    try:
        with app.app_context():
            user = db.session.get(VigieUser, _user(app, world.users["executive"])[0])
            [good, bad] = notifications.notify(
                [user, user],
                subject="Évaluation à mener — été",
                body="Corps accentué : é à ç",
                link="/audit/show/1",
            )
            db.session.commit()
            good_id, bad_id = good.id, bad.id
        with app.app_context():
            assert mail.send_notification(good_id) == "envoye"
        [received] = sink.received
        assert received.login == b"vigie@ville"
        assert received.message["From"] == "qualite@ville.example"
        assert received.message["Subject"] == "[Vigie] Évaluation à mener — été"
        assert "Corps accentué : é à ç" in received.message.get_content()
        assert f"{BASE_URL}/audit/show/1" in received.message.get_content()

        monkeypatch.setitem(
            app.config, "VIGIE_SMTP_URL", f"smtp://vigie%40ville:faux@127.0.0.1:{mail_setup.port}"
        )
        with app.app_context(), pytest.raises(Exception, match="535"):
            mail.send_notification(bad_id)
        with app.app_context():
            refused = db.session.get(Notification, bad_id)
            assert refused.mail_state == "echec" and refused.mail_attempts == 1
            assert "SMTPAuthenticationError" in refused.mail_error
            assert "faux" not in refused.mail_error  # the password is not shown to admins
    finally:
        sink.stop()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.ville.example", ("mail.ville.example", 25, False, False, None, None)),
        ("smtp://relais:587?starttls=1", ("relais", 587, False, True, None, None)),
        ("smtps://u%40v:p%2Fw@relais", ("relais", 465, True, False, "u@v", "p/w")),
        ("smtps://relais:2465?starttls=1", ("relais", 2465, True, False, None, None)),
    ],
)
def test_smtp_url(url: str, expected: tuple[Any, ...]) -> None:
    s = mail.parse_smtp_url(url)
    assert (s.host, s.port, s.implicit_tls, s.starttls, s.username, s.password) == expected


@pytest.mark.parametrize("url", ["http://secret@relais", "smtp://:secret@", "smtp://h:port"])
def test_bad_smtp_url_is_refused_without_quoting_it(app: Flask, url: str) -> None:
    with app.app_context(), pytest.raises(ValueError) as error:
        mail.parse_smtp_url(url)
    assert "secret" not in str(error.value) and "VIGIE_SMTP_URL" in str(error.value)


# ------------------------------------------------------------------ pages and their queries
def test_pages_queries_do_not_grow_and_pages_go_newest_first(
    app: Flask, world: World, client: Any, count_queries: Any
) -> None:
    from app.organisation import create_user, find_user

    username = "t_notif_many"
    with app.app_context():
        if find_user(username) is None:
            create_user(
                username=username, password=PASSWORD, role_codes=["agent"], service_codes=["S1"]
            )
    uid, _email = _user(app, username)
    marker = unique("LOT")
    created: list[int] = []
    numbered = iter(range(1000))

    def add(n: int) -> None:
        with app.app_context():
            user = db.session.get(VigieUser, uid)
            others = db.session.scalars(select(VigieUser).order_by(VigieUser.id)).all()
            rows = []
            for i in range(n):
                rows += notifications.notify(
                    [user],
                    subject=f"{marker} n°{next(numbered)}",
                    body="Corps",
                    link="/action/show/1",
                )
                # unsent mails of many recipients, for the administrators' page
                rows += notifications.notify(
                    [others[i % len(others)]], subject=f"{marker} courriel", body="Corps", link=None
                )
            for row in rows:
                row.mail_state = "en_attente"
            db.session.commit()
            created.extend(r.id for r in rows)

    def measure() -> tuple[int, int]:
        login(client, username)
        with count_queries() as mine:
            page = client.get("/notifications/")
            assert page.status_code == 200
        login(client, world.users["admin"])
        with count_queries() as admin:
            assert client.get("/mail_queue/").status_code == 200
        return len(mine), len(admin)

    try:
        add(3)
        small = measure()
        add(57)
        large = measure()
        assert large == small, (small, large)

        login(client, username)
        first = client.get("/notifications/").get_data(as_text=True)
        assert f"{marker} n°59" in first and f"{marker} n°0<" not in first
        assert "Page 1 sur 3" in first and "Plus anciennes" in first
        last = client.get("/notifications/?page=2").get_data(as_text=True)
        assert f"{marker} n°0<" in last and f"{marker} n°59" not in last
    finally:
        with app.app_context():  # leave no unsent mail behind for the other tests' resends
            for row in db.session.scalars(select(Notification).where(Notification.id.in_(created))):
                row.mail_state = "desactive"
            db.session.commit()
