"""Faults of what Vigie stands on: the database stopped under it, the files folder refusing.

* PostgreSQL stopped while Vigie runs: API clients get a French JSON 503, screens a French
  page (503), both with ``Retry-After`` — also through Flask-AppBuilder's own routes, which
  catch errors themselves; liveness still answers, readiness names the database. PostgreSQL
  started again: the very same application serves again, without a restart. (A private
  cluster of this test's own: the shared test server is never stopped.)
* The files folder read-only, or full: an upload is refused in French (507) on the API and on
  the forms, the record is unchanged (same version, same file, no history, no new record) and
  no partial file is left; a report job ends « échec » with the French reason and no file.
  As root, permissions stop nothing: the folder is a read-only (or tiny) tmpfs mount; other
  users get a folder without write permission.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app import create_app
from app.extensions import db
from app.jobs import requests as job_requests
from app.jobs import worker as job_worker
from app.models import HistoryEntry
from app.models.jobs import Job
from app.security.actor import Actor
from tests import pg_cluster
from tests.conftest import PASSWORD, World, login, token
from tests.factories import build_meeting
from tests.test_files import (
    PDF,
    count_versions,
    make_version,
    new_document,
    put_file,
    stored_files,
    version_row,
)


# ------------------------------------------------------------------- database stopped
@pytest.fixture()
def private_cluster() -> Iterator[pg_cluster.Cluster]:
    if pg_cluster.bindir() is None:
        pytest.skip("PostgreSQL server binaries are not installed")
    cluster = pg_cluster.Cluster().create()
    try:
        yield cluster
    finally:
        cluster.destroy()


def _own_app(url: str, tmp_path: Path) -> Flask:
    """A Vigie of its own on the private cluster: migrated, roles synced, one quality user."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "tests-only-secret-key-0123456789abcdef0123456789",
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "VIGIE_INSTANCE_DIR": str(tmp_path),
            "VIGIE_REDIS_URL": os.environ.get("VIGIE_TEST_REDIS_URL"),
            "VIGIE_RETRY_AFTER_SECONDS": 17,
            "VIGIE_DB_CONNECT_TIMEOUT": 3,
        }
    )
    with app.app_context():
        from flask_migrate import upgrade

        from app.organisation import create_user
        from app.security.sync import sync_roles

        upgrade(directory=str(app.extensions["migrate"].directory))
        sync_roles(app.appbuilder)  # type: ignore[attr-defined]
        create_user(
            username="t_fault_quality",
            password=PASSWORD,
            role_codes=["quality"],
            service_codes=[],
            first_name="Panne",
            last_name="Test",
        )
    return app


def _assert_french_503(response: object, *, json: bool) -> None:
    assert response.status_code == 503, response.get_data(as_text=True)[:300]  # type: ignore[attr-defined]
    assert response.headers["Retry-After"] == "17"  # type: ignore[attr-defined]
    if json:
        body = response.get_json()  # type: ignore[attr-defined]
        assert "injoignable" in body["message"] and "rien n'a été modifié" in body["message"]
    else:
        page = response.get_data(as_text=True)  # type: ignore[attr-defined]
        assert response.mimetype == "text/html"  # type: ignore[attr-defined]
        assert "momentanément indisponible" in page
        assert "injoignable" in page.replace("&#39;", "'")
        assert "Fatal" not in page and "Internal Server Error" not in page


def test_database_stopped_answers_french_503_then_recovers_without_restart(
    private_cluster: pg_cluster.Cluster, tmp_path: Path
) -> None:
    app = _own_app(private_cluster.url, tmp_path)
    api = app.test_client()
    login_body = {"username": "t_fault_quality", "password": PASSWORD, "provider": "db"}
    jwt = api.post("/api/v1/security/login", json=login_body)
    assert jwt.status_code == 200, jwt.get_json()
    headers = {"Authorization": f"Bearer {jwt.get_json()['access_token']}"}
    screens = login(app.test_client(), "t_fault_quality")
    assert api.get("/api/v1/service/", headers=headers).status_code == 200
    assert screens.get("/service/list/").status_code == 200

    private_cluster.stop()
    try:
        _assert_french_503(api.get("/api/v1/service/", headers=headers), json=True)
        created = api.post("/api/v1/service/", headers=headers, json={"code": "X", "name": "X"})
        _assert_french_503(created, json=True)
        _assert_french_503(screens.get("/service/list/"), json=False)
        _assert_french_503(screens.get("/"), json=False)
        # Flask-AppBuilder's login catches every error itself (an English 500): the same 503
        _assert_french_503(api.post("/api/v1/security/login", json=login_body), json=True)
        anonymous = app.test_client()
        _assert_french_503(
            anonymous.post("/login/", data={"username": "t_fault_quality", "password": "x"}),
            json=False,
        )
        # liveness does not depend on the database; readiness says which check fails
        assert anonymous.get("/health").status_code == 200
        ready = anonymous.get("/health/ready")
        assert ready.status_code == 503
        assert "database" in ready.get_json()["failing"]
        assert ready.get_json()["checks"]["database"] == {"ok": False, "code": "injoignable"}
    finally:
        private_cluster.start()

    # the same application, not restarted: it serves again
    listed = api.get("/api/v1/service/", headers=headers)
    assert listed.status_code == 200, listed.get_json()
    created = api.post("/api/v1/service/", headers=headers, json={"code": "APRES", "name": "Après"})
    assert created.status_code == 201, created.get_json()
    assert screens.get("/service/list/").status_code == 200
    assert api.post("/api/v1/security/login", json=login_body).status_code == 200
    assert app.test_client().get("/health/ready").get_json()["checks"]["database"]["ok"] is True
    with app.app_context():
        db.engine.dispose()


# ----------------------------------------------------------- files folder that refuses
def _mount_tmpfs(target: Path, options: str) -> bool:
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "vigie-test-files", str(target)],
        capture_output=True,
        check=False,
    )
    return result.returncode == 0


@contextlib.contextmanager
def refusing_folder(tmp_path: Path, kind: str) -> Iterator[Path]:
    """A files folder that takes no file: ``read-only`` or ``full``.

    Root ignores permissions, so as root it is a tmpfs mounted read-only (EROFS), or a tiny
    one filled up (ENOSPC) — what really fails for root. Other users: no write permission
    (read-only only; a full disk cannot be made without root).
    """
    folder = tmp_path / f"files-{kind}"
    folder.mkdir()
    if os.geteuid() != 0:
        if kind == "full":
            pytest.skip("a full file system needs root (tmpfs mount)")
        folder.chmod(0o555)
        try:
            yield folder
        finally:
            folder.chmod(0o755)
        return
    options = "ro,size=1m" if kind == "read-only" else "size=64k"
    if not _mount_tmpfs(folder, options):
        pytest.skip("mount is not permitted here (no CAP_SYS_ADMIN)")
    try:
        if kind == "full":
            with contextlib.suppress(OSError), open(folder / "filler", "wb") as filler:
                while True:
                    filler.write(b"\0" * 4096)
                    filler.flush()
                    os.fsync(filler.fileno())
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False, capture_output=True)


def _history_of_version(app: Flask, pk: int) -> int:
    with app.app_context():
        stmt = select(func.count()).where(
            HistoryEntry.artefact == "document_version", HistoryEntry.record_id == pk
        )
        return int(db.session.scalar(stmt) or 0)


@pytest.mark.parametrize(
    ("kind", "fragment"), [("read-only", "refuse l'écriture"), ("full", "est plein")]
)
def test_a_refusing_files_folder_answers_french_507_and_changes_nothing(
    app: Flask,
    world: World,
    client: FlaskClient,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
    fragment: str,
) -> None:
    _doc, pk = make_version(client, world)
    headers = token(client, world.users["service_head"])
    before = version_row(app, pk)
    history_before = _history_of_version(app, pk)
    with refusing_folder(tmp_path, kind) as folder:
        monkeypatch.setitem(app.config, "VIGIE_FILES_DIR", str(folder))
        answer = put_file(client, headers, pk, "procedure.pdf", PDF, version=before.version)
        assert answer.status_code == 507, answer.get_json()
        assert fragment in answer.get_json()["message"]
        assert "rien n'a été modifié" in answer.get_json()["message"]
        assert answer.get_json()["errors"][0]["field"] == "file"

        # the add form: refused before its record is created
        doc = new_document(client, world)
        ui = login(app.test_client(), world.users["service_head"])
        form = ui.post(
            "/document_version/add",
            data={"document": str(doc), "number": "1", "file": (io.BytesIO(PDF), "v1.pdf")},
            content_type="multipart/form-data",
        )
        assert form.status_code == 507
        assert fragment in form.get_data(as_text=True).replace("&#39;", "'")
        assert count_versions(app, doc) == 0
        left = [p for p in stored_files(folder) if p.name != "filler"]
        assert left == []  # no partial file either
    after = version_row(app, pk)
    assert (after.version, after.file_key, after.file_sha256) == (
        before.version,
        before.file_key,
        before.file_sha256,
    )
    assert _history_of_version(app, pk) == history_before


def test_a_report_job_with_a_read_only_files_folder_fails_in_french_without_a_file(
    app: Flask, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting = build_meeting(app, world)
    monkeypatch.setitem(app.config, "VIGIE_QUEUE", f"vigie-test-faults-{uuid.uuid4().hex[:8]}")
    with app.app_context():
        from app.organisation import find_user

        quality = find_user(world.users["quality"])
        assert quality is not None
        requested = job_requests.request(
            "review_pack",
            Actor.for_user(quality),
            record_id=meeting.review_id,
            queue=False,
        )
        db.session.commit()
        job_id = requested.job.id
    with refusing_folder(tmp_path, "read-only") as folder:
        monkeypatch.setitem(app.config, "VIGIE_FILES_DIR", str(folder))
        with app.app_context():
            outcome = job_worker.run(job_id)
        assert outcome == "failed"
    with app.app_context():
        job = db.session.get(Job, job_id)
        assert job is not None
        assert job.state == "echec" and job.file_key is None and job.active_key is None
        assert job.error and "refuse l'écriture" in job.error
