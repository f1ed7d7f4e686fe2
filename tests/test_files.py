"""Files carried by records (document versions here): upload refusals and scoped downloads.

Every upload path (REST ``PUT …/file``, add and edit forms) is refused for a wrong extension,
content that does not match it, a size above the limit (413), an empty file and a path-like
name, and then nothing is stored. Downloads are attachments with the exact bytes, reachable
only by users who may read the record — a published document's versions by every agent —
and archiving or replacing never loses a file.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from app.extensions import db
from app.models import Document, DocumentVersion
from tests.conftest import World, login, token, unique

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40


def docx_bytes(body: str = "Procédure de balayage") -> bytes:
    """A real (minimal) Word document: a ZIP holding word/document.xml (fixed timestamps, so
    two calls give the same bytes)."""
    buffer = io.BytesIO()
    stamp = (2026, 1, 5, 9, 0, 0)
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("[Content_Types].xml", stamp), '<?xml version="1.0"?><Types/>'
        )
        archive.writestr(
            zipfile.ZipInfo("word/document.xml", stamp),
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            f'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{body}</w:t></w:r></w:p>'
            "</w:body></w:document>",
        )
    return buffer.getvalue()


def zip_without_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("autre.txt", "pas un document Word")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def files_dir(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test stores its files in its own folder (and never under the project)."""
    target = tmp_path / "files"
    monkeypatch.setitem(app.config, "VIGIE_FILES_DIR", str(target))
    return target


def stored_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def make_version(
    client: FlaskClient, world: World, service: str = "S1", state: str | None = None
) -> tuple[int, int]:
    """A document of ``service`` (optionally forced to a workflow state) and its version 1."""
    headers = token(client, world.users["quality"])
    doc = client.post(
        "/api/v1/document/",
        headers=headers,
        json={
            "code": unique("DOC-"),
            "title": unique("Procédure "),
            "kind": "procedure",
            "service": world.services[service],
        },
    )
    assert doc.status_code == 201, doc.json
    version = client.post(
        "/api/v1/document_version/",
        headers=headers,
        json={
            "document": doc.json["id"],
            "number": 1,
        },
    )
    assert version.status_code == 201, version.json
    if state is not None:
        set_state(client.application, doc.json["id"], state)
    return doc.json["id"], version.json["id"]


def set_state(app: Flask, document_id: int, state: str) -> None:
    """Force a document's state (the document workflow comes later)."""
    with app.app_context():
        db.session.execute(update(Document).where(Document.id == document_id).values(state=state))
        db.session.commit()


def put_file(
    client: FlaskClient,
    headers: dict[str, str],
    pk: int,
    name: str,
    data: bytes,
    version: int | None = 1,
    **form: str,
) -> object:
    payload: dict[str, object] = {"file": (io.BytesIO(data), name), **form}
    if version is not None:
        payload["version"] = str(version)
    return client.put(
        f"/api/v1/document_version/{pk}/file",
        headers=headers,
        data=payload,
        content_type="multipart/form-data",
    )


def version_row(app: Flask, pk: int) -> DocumentVersion:
    with app.app_context():
        row = db.session.get(DocumentVersion, pk)
        assert row is not None
        db.session.expunge(row)
        return row


def new_user(app: Flask, role: str, service: str) -> str:
    from app.organisation import create_user
    from tests.conftest import PASSWORD

    username = unique(f"t_{role}_{service.lower()}_")
    with app.app_context():
        create_user(
            username=username,
            password=PASSWORD,
            role_codes=[role],
            service_codes=[service],
            first_name="Camille",
            last_name="Test",
        )
    return username


# --------------------------------------------------------------------------------------------
# REST: upload and download
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("procedure.pdf", PDF, "application/pdf"),
        ("plan.png", PNG, "image/png"),
        (
            "mode-operatoire.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_upload_then_download_exact_bytes_as_attachment(
    app: Flask,
    world: World,
    client: FlaskClient,
    files_dir: Path,
    name: str,
    data: bytes,
    content_type: str,
) -> None:
    _doc, pk = make_version(client, world)
    headers = token(client, world.users["service_head"])
    response = put_file(client, headers, pk, name, data, version=1)
    assert response.status_code == 200, response.json
    result = response.json["result"]
    assert result["file_name"] == name
    assert result["file_size"] == len(data)
    assert result["file_type"] == content_type
    assert result["file_sha256"] == hashlib.sha256(data).hexdigest()
    assert result["version"] == 2

    download = client.get(f"/api/v1/document_version/{pk}/file", headers=headers)
    assert download.status_code == 200
    assert download.data == data
    assert download.headers["Content-Disposition"] == f"attachment; filename={name}"
    assert download.headers["Content-Type"].startswith(content_type)
    assert download.headers["X-Content-Type-Options"] == "nosniff"

    # stored under a generated name, never the user's
    row = version_row(app, pk)
    on_disk = stored_files(files_dir)
    assert [p.name for p in on_disk] == [row.file_key]
    assert row.file_key != name and name.rsplit(".", 1)[0] not in row.file_key
    assert on_disk[0].read_bytes() == data

    entry = client.get(f"/api/v1/document_version/{pk}/history", headers=headers).json["result"][0]
    assert entry["action"] == "update"
    assert entry["changes"]["file_name"] == [None, name]
    assert entry["changes"]["file_sha256"] == [None, hashlib.sha256(data).hexdigest()]


def test_non_ascii_name_is_sent_as_utf8_filename(
    app: Flask, world: World, client: FlaskClient
) -> None:
    _doc, pk = make_version(client, world)
    headers = token(client, world.users["quality"])
    assert put_file(client, headers, pk, "procédure qualité.pdf", PDF).status_code == 200
    download = client.get(f"/api/v1/document_version/{pk}/file", headers=headers)
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''proc%C3%A9dure%20qualit%C3%A9.pdf" in disposition


@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        ("programme.exe", b"MZ\x90\x00" + b"\x00" * 60, "Extension « exe » non acceptée"),
        ("page.html", b"<html><script>alert(1)</script></html>", "Extension « html »"),
        ("faux.pdf", PNG, "ne correspond pas à son extension « pdf »"),
        ("faux.docx", zip_without_document(), "ne correspond pas à son extension « docx »"),
        ("faux.png", PDF, "ne correspond pas à son extension « png »"),
        ("../../etc/passwd.pdf", PDF, "chemin"),
        ("..\\x.pdf", PDF, "chemin"),
        ("/abs.pdf", PDF, "chemin"),
        ("vide.pdf", b"", "vide"),
    ],
)
def test_refused_uploads_store_nothing(
    app: Flask,
    world: World,
    client: FlaskClient,
    files_dir: Path,
    name: str,
    data: bytes,
    fragment: str,
) -> None:
    _doc, pk = make_version(client, world)
    headers = token(client, world.users["service_head"])
    response = put_file(client, headers, pk, name, data)
    assert response.status_code == 422, response.json
    errors = response.json["errors"]
    assert [e["field"] for e in errors] == ["file"]
    assert fragment in errors[0]["message"]
    row = version_row(app, pk)
    assert row.file_key is None and row.version == 1
    assert stored_files(files_dir) == []


def test_missing_file_part_is_a_french_422(app: Flask, world: World, client: FlaskClient) -> None:
    _doc, pk = make_version(client, world)
    response = client.put(
        f"/api/v1/document_version/{pk}/file",
        headers=token(client, world.users["quality"]),
        data={"version": "1"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "file"
    assert "Aucun fichier" in response.json["message"]


def test_too_large_is_413_with_french_message(
    app: Flask,
    world: World,
    client: FlaskClient,
    files_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _doc, pk = make_version(client, world)
    headers = token(client, world.users["service_head"])
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4096)
    response = put_file(client, headers, pk, "gros.pdf", PDF + b"0" * 5000)
    assert response.status_code == 413
    assert "dépasse la taille maximale autorisée (4\u00a0Ko)" in response.json["message"]
    assert version_row(app, pk).file_key is None
    assert stored_files(files_dir) == []
    # just under the limit passes: the limit, not the upload itself, refused it
    assert put_file(client, headers, pk, "petit.pdf", PDF + b"0" * 3000).status_code == 200


def test_file_columns_cannot_be_set_through_the_record_payload(
    app: Flask, world: World, client: FlaskClient
) -> None:
    _doc, pk = make_version(client, world)
    response = client.put(
        f"/api/v1/document_version/{pk}",
        headers=token(client, world.users["quality"]),
        json={"file_key": "autre-fichier.pdf", "version": 1},
    )
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "file_key"
    assert version_row(app, pk).file_key is None


# --------------------------------------------------------------------------------------------
# scope and permissions
# --------------------------------------------------------------------------------------------
def test_download_follows_the_read_scope_of_the_document(
    app: Flask, world: World, client: FlaskClient
) -> None:
    doc, pk = make_version(client, world, "S1")
    assert (
        put_file(client, token(client, world.users["service_head"]), pk, "p.pdf", PDF).status_code
        == 200
    )
    agent_s3 = new_user(app, "agent", "S3")
    outsiders = [world.users["head_s3"], agent_s3]
    for username in outsiders:  # draft of another pôle: as if it did not exist
        api = client.get(f"/api/v1/document_version/{pk}/file", headers=token(client, username))
        assert api.status_code == 404, username
        ui = login(app.test_client(), username)
        assert ui.get(f"/document_version/file/{pk}").status_code == 404, username
    # the agent of the owning service reads it
    own_agent = token(client, world.users["agent"])
    assert client.get(f"/api/v1/document_version/{pk}/file", headers=own_agent).data == PDF

    set_state(app, doc, "publie")
    # the document is published, but this version is still a draft: it stays at home
    for username in outsiders:
        api = client.get(f"/api/v1/document_version/{pk}/file", headers=token(client, username))
        assert api.status_code == 404, username
    with app.app_context():  # released, the version is readable by every agent
        db.session.execute(
            update(DocumentVersion).where(DocumentVersion.id == pk).values(status="publiee")
        )
        db.session.commit()
    for username in outsiders:
        api = client.get(f"/api/v1/document_version/{pk}/file", headers=token(client, username))
        assert api.status_code == 200, username
        assert api.data == PDF
        ui = login(app.test_client(), username)
        page = ui.get(f"/document_version/show/{pk}").get_data(as_text=True)
        assert f"/document_version/file/{pk}" in page and "Télécharger" in page
        download = ui.get(f"/document_version/file/{pk}")
        assert download.status_code == 200 and download.data == PDF
        assert download.headers["Content-Disposition"].startswith("attachment")


def test_upload_refused_without_write_right_or_out_of_scope(
    app: Flask, world: World, client: FlaskClient, files_dir: Path
) -> None:
    doc, pk = make_version(client, world, "S1")
    # an agent reads document versions but does not write them
    agent = put_file(client, token(client, world.users["agent"]), pk, "a.pdf", PDF)
    assert agent.status_code == 403
    # another pôle's head: a draft is out of reach…
    other = put_file(client, token(client, world.users["head_s3"]), pk, "b.pdf", PDF)
    assert other.status_code == 404
    # …and a published one is readable but still not theirs: refused as the record commands
    # refuse it (403 "readable, not yours" or 404), never stored
    set_state(app, doc, "publie")
    other = put_file(client, token(client, world.users["head_s3"]), pk, "c.pdf", PDF)
    assert other.status_code in (403, 404)
    assert "message" in other.json
    ui = login(app.test_client(), world.users["head_s3"])
    response = ui.post(
        f"/document_version/edit/{pk}",
        data={
            "document": str(doc),
            "number": "1",
            "version": "1",
            "file": (io.BytesIO(PDF), "d.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code in (403, 404)
    assert version_row(app, pk).file_key is None
    assert stored_files(files_dir) == []


def test_file_routes_answer_404_for_artefacts_without_files(
    app: Flask, world: World, client: FlaskClient
) -> None:
    headers = token(client, world.users["quality"])
    objective = client.post(
        "/api/v1/service_objective/",
        headers=headers,
        json={
            "service": world.services["S1"],
            "year": 2026,
            "title": unique("Obj "),
        },
    ).json["id"]
    assert (
        client.get(f"/api/v1/service_objective/{objective}/file", headers=headers).status_code
        == 404
    )
    response = client.put(
        f"/api/v1/service_objective/{objective}/file",
        headers=headers,
        data={"file": (io.BytesIO(PDF), "x.pdf"), "version": "1"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 404


def test_management_review_minutes_are_download_only(
    app: Flask, world: World, client: FlaskClient, files_dir: Path
) -> None:
    headers = token(client, world.users["quality"])
    review = client.post(
        "/api/v1/management_review/",
        headers=headers,
        json={
            "year": 2026,
            "title": unique("Revue "),
        },
    )
    assert review.status_code == 201, review.json
    pk = review.json["id"]
    response = client.put(
        f"/api/v1/management_review/{pk}/file",
        headers=headers,
        data={"file": (io.BytesIO(PDF), "cr.pdf"), "version": "1"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert "produit par Vigie" in response.json["message"]
    assert stored_files(files_dir) == []
    assert client.get(f"/api/v1/management_review/{pk}/file", headers=headers).status_code == 404
    ui = login(app.test_client(), world.users["quality"])
    assert 'type="file"' not in ui.get("/management_review/add").get_data(as_text=True)
    page = ui.get(f"/management_review/show/{pk}").get_data(as_text=True)
    assert "Aucun fichier produit" in page


# --------------------------------------------------------------------------------------------
# versions, replacement, archiving
# --------------------------------------------------------------------------------------------
def test_stale_or_missing_version_is_refused(
    app: Flask, world: World, client: FlaskClient, files_dir: Path
) -> None:
    _doc, pk = make_version(client, world)
    headers = token(client, world.users["service_head"])
    assert put_file(client, headers, pk, "v1.pdf", PDF, version=1).status_code == 200
    stale = put_file(client, headers, pk, "v2.pdf", PDF + b"%v2", version=1)
    assert stale.status_code == 409
    assert "Rechargez la page" in stale.json["message"]
    missing = put_file(client, headers, pk, "v2.pdf", PDF, version=None)
    assert missing.status_code == 422
    assert missing.json["errors"][0]["field"] == "version"
    assert version_row(app, pk).file_name == "v1.pdf"
    assert len(stored_files(files_dir)) == 1


def test_replacing_keeps_the_previous_file_and_its_key(
    app: Flask, world: World, client: FlaskClient, files_dir: Path
) -> None:
    _doc, pk = make_version(client, world)
    headers = token(client, world.users["service_head"])
    assert put_file(client, headers, pk, "ancienne.pdf", PDF).status_code == 200
    first_key = version_row(app, pk).file_key
    new = PDF + b"% version revue\n"
    response = put_file(
        client, headers, pk, "nouvelle.pdf", new, version=2, reason="Mise à jour réglementaire"
    )
    assert response.status_code == 200
    row = version_row(app, pk)
    assert row.file_key != first_key
    assert {p.name for p in stored_files(files_dir)} == {first_key, row.file_key}
    assert client.get(f"/api/v1/document_version/{pk}/file", headers=headers).data == new
    entry = client.get(f"/api/v1/document_version/{pk}/history", headers=headers).json["result"][0]
    assert entry["changes"]["file_key"] == [first_key, row.file_key]
    assert entry["changes"]["file_name"] == ["ancienne.pdf", "nouvelle.pdf"]
    assert entry["reason"] == "Mise à jour réglementaire"


def test_archived_record_keeps_its_file(
    app: Flask, world: World, client: FlaskClient, files_dir: Path
) -> None:
    _doc, pk = make_version(client, world)
    head = token(client, world.users["service_head"])
    assert put_file(client, head, pk, "archive.pdf", PDF).status_code == 200
    archived = client.delete(f"/api/v1/document_version/{pk}", headers=head)
    assert archived.status_code == 200 and archived.json["archived"] is True
    key = version_row(app, pk).file_key
    assert [p.name for p in stored_files(files_dir)] == [key]
    for username in (world.users["service_head"], world.users["agent"], world.users["quality"]):
        response = client.get(
            f"/api/v1/document_version/{pk}/file", headers=token(client, username)
        )
        assert response.status_code == 200, username
        assert response.data == PDF
    ui = login(app.test_client(), world.users["agent"])
    assert ui.get(f"/document_version/file/{pk}").data == PDF
    # an archived record takes no new file
    refused = put_file(client, head, pk, "autre.pdf", PDF, version=3)
    assert refused.status_code == 409
    assert "archivé" in refused.json["message"]


# --------------------------------------------------------------------------------------------
# screens
# --------------------------------------------------------------------------------------------
def count_versions(app: Flask, document_id: int) -> int:
    with app.app_context():
        stmt = (
            select(func.count())
            .select_from(DocumentVersion)
            .where(DocumentVersion.document_id == document_id)
        )
        return int(db.session.scalar(stmt) or 0)


def new_document(client: FlaskClient, world: World) -> int:
    response = client.post(
        "/api/v1/document/",
        headers=token(client, world.users["quality"]),
        json={"code": unique("DOC-"), "title": unique("Doc "), "service": world.services["S1"]},
    )
    assert response.status_code == 201, response.json
    return int(response.json["id"])


def test_add_form_offers_the_file_field_with_its_limits(app: Flask, world: World) -> None:
    ui = login(app.test_client(), world.users["service_head"])
    page = ui.get("/document_version/add").get_data(as_text=True)
    assert 'type="file"' in page and 'name="file"' in page
    assert 'enctype="multipart/form-data"' in page
    assert "Formats acceptés : PDF, ODT, DOCX, XLSX, PNG, JPEG" in page
    assert "20\u00a0Mo au plus" in page
    # the same field on every artefact carrying an uploadable file (an audit's report)
    quality = login(app.test_client(), world.users["quality"])
    assert 'name="file"' in quality.get("/audit/add").get_data(as_text=True)
    assert 'name="file"' not in quality.get("/service_objective/add").get_data(as_text=True)


def test_add_form_creates_the_record_with_its_file(
    app: Flask, world: World, client: FlaskClient, files_dir: Path
) -> None:
    doc = new_document(client, world)
    ui = login(app.test_client(), world.users["service_head"])
    response = ui.post(
        "/document_version/add",
        data={
            "document": str(doc),
            "number": "1",
            "change_summary": "Création",
            "file": (io.BytesIO(docx_bytes()), "Mode opératoire.docx"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    pk = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    row = version_row(app, pk)
    assert row.file_name == "Mode opératoire.docx" and row.document_id == doc
    assert [p.name for p in stored_files(files_dir)] == [row.file_key]
    page = ui.get(f"/document_version/show/{pk}").get_data(as_text=True)
    assert "Télécharger" in page and "Mode opératoire.docx" in page
    assert f"/document_version/file/{pk}" in page
    download = ui.get(f"/document_version/file/{pk}")
    assert download.status_code == 200 and download.data == docx_bytes()
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        ("virus.exe", b"MZ\x90\x00", "Extension « exe » non acceptée"),
        ("image.pdf", PNG, "ne correspond pas à son extension « pdf »"),
        ("../../etc/passwd.pdf", PDF, "ne doit pas contenir de chemin"),
        ("vide.pdf", b"", "Le fichier est vide."),
    ],
)
def test_add_form_with_refused_file_stores_nothing(
    app: Flask,
    world: World,
    client: FlaskClient,
    files_dir: Path,
    name: str,
    data: bytes,
    fragment: str,
) -> None:
    doc = new_document(client, world)
    ui = login(app.test_client(), world.users["service_head"])
    response = ui.post(
        "/document_version/add",
        data={
            "document": str(doc),
            "number": "1",
            "file": (io.BytesIO(data), name),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert fragment in page.replace("&#34;", '"').replace("&#39;", "'")
    assert count_versions(app, doc) == 0
    assert stored_files(files_dir) == []


def test_add_form_too_large_is_413_in_french_and_stores_nothing(
    app: Flask,
    world: World,
    client: FlaskClient,
    files_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    doc = new_document(client, world)
    ui = login(app.test_client(), world.users["service_head"])
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4096)
    response = ui.post(
        "/document_version/add",
        data={
            "document": str(doc),
            "number": "1",
            "file": (io.BytesIO(PDF + b"0" * 5000), "gros.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "Fichier trop volumineux" in page
    assert "dépasse la taille maximale autorisée" in page
    assert count_versions(app, doc) == 0
    assert stored_files(files_dir) == []


def test_edit_form_replaces_the_file_and_keeps_the_old_one(
    app: Flask, world: World, client: FlaskClient, files_dir: Path
) -> None:
    doc, pk = make_version(client, world)
    headers = token(client, world.users["service_head"])
    assert put_file(client, headers, pk, "v1.pdf", PDF).status_code == 200
    ui = login(app.test_client(), world.users["service_head"])
    form = ui.get(f"/document_version/edit/{pk}").get_data(as_text=True)
    assert "Laissez vide pour garder le fichier actuel" in form
    # a refused file changes nothing, not even the other fields
    refused = ui.post(
        f"/document_version/edit/{pk}",
        data={
            "document": str(doc),
            "number": "1",
            "version": "2",
            "change_summary": "Refusé",
            "file": (io.BytesIO(PNG), "v2.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    row = version_row(app, pk)
    assert row.change_summary is None and row.file_name == "v1.pdf" and row.version == 2
    # a stale form is refused before the file is stored
    stale = ui.post(
        f"/document_version/edit/{pk}",
        data={
            "document": str(doc),
            "number": "1",
            "version": "1",
            "file": (io.BytesIO(PDF), "v2.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert stale.status_code == 409
    assert len(stored_files(files_dir)) == 1
    # an accepted one replaces the file; the previous one stays on disk
    new = PDF + b"% v2\n"
    saved = ui.post(
        f"/document_version/edit/{pk}",
        data={
            "document": str(doc),
            "number": "1",
            "version": "2",
            "change_summary": "Révision",
            "file": (io.BytesIO(new), "v2.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    row = version_row(app, pk)
    assert row.file_name == "v2.pdf" and row.change_summary == "Révision"
    assert len(stored_files(files_dir)) == 2
    assert ui.get(f"/document_version/file/{pk}").data == new
    # an edit without a file keeps the current one
    kept = ui.post(
        f"/document_version/edit/{pk}",
        data={
            "document": str(doc),
            "number": "1",
            "version": str(row.version),
            "change_summary": "Sans fichier",
        },
        content_type="multipart/form-data",
    )
    assert kept.status_code == 302
    assert version_row(app, pk).file_name == "v2.pdf"


def test_file_routes_are_in_the_openapi_description(
    app: Flask, world: World, client: FlaskClient
) -> None:
    response = client.get("/api/v1/_openapi", headers=token(client, world.users["admin"]))
    assert response.status_code == 200
    paths = response.json["paths"]
    route = paths["/api/v1/document_version/{pk}/file"]
    assert {"get", "put"} <= set(route)
    assert "multipart/form-data" in route["put"]["requestBody"]["content"]
    assert "/api/v1/service_objective/{pk}/file" not in paths
