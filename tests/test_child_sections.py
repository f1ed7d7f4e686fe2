"""A parent's page lists its children (``Artefact.children``): a document's versions.

An S3 procedure with three versions: v1 obsolete and v2 published, both with a file, and v3 a
draft without one. The page lists the version in force first, then the newest; each in words
(status, author's full name, French approval date, change summary, file name and size) with
a « Télécharger » link per file, and offers the version in force at its top. Readers of
another service see the released versions only (``SharedOnceReleased``); the page costs the
same number of queries whatever the number of versions. An audit's page lists its findings
the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import registry
from app.commands.attachments import attach_file
from app.extensions import db
from app.models import Document, DocumentVersion
from app.security.actor import Actor
from tests.conftest import World, login, unique
from tests.factories import force, new, page_text, user_id

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
SECTION = re.compile(
    r'<section class="vigie-children" id="children-document_version".*?</section>', re.S
)


@dataclass
class Procedure:
    document: int
    versions: dict[int, int]  # number → id
    summaries: dict[int, str]


def _version(document: int, number: int, author: int, summary: str, file: bool) -> Any:
    version = new(
        "document_version",
        {"document": document, "number": number, "author": author, "change_summary": summary},
    )
    if file:
        attach_file(
            registry.get("document_version"),
            version,
            f"procedure_v{number}.pdf",
            PDF * number,
            Actor.system_actor(),
            expected_version=version.version,
        )
    return version


@pytest.fixture(scope="module")
def files(app: Flask, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The module's stored files in a folder of their own (never under the project)."""
    before = app.config.get("VIGIE_FILES_DIR")
    folder = tmp_path_factory.mktemp("child-files")
    app.config["VIGIE_FILES_DIR"] = str(folder)
    yield folder
    app.config["VIGIE_FILES_DIR"] = before


@pytest.fixture(scope="module")
def procedure(app: Flask, world: World, files: Path) -> Procedure:
    # not S3's head: the derived-scope matrix reads every released version and counts S3's
    # people's names as a leak
    author = user_id(app, world.users["quality"])
    with app.app_context():
        document = new(
            "document",
            {
                "code": unique("PRO-"),
                "title": unique("Procédure "),
                "service": world.services["S3"],
            },
        )
        summaries = {1: unique("Création "), 2: unique("Refonte "), 3: unique("Projet ")}
        made = {n: _version(document.id, n, author, summaries[n], n < 3) for n in (1, 2, 3)}
        force(db.session.get(Document, document.id), state="publie")
        force(
            db.session.get(DocumentVersion, made[1].id),
            status="obsolete",
            approved_at=datetime(2025, 1, 10, 9, tzinfo=UTC),
        )
        force(
            db.session.get(DocumentVersion, made[2].id),
            status="publiee",
            approved_at=datetime(2026, 3, 5, 23, 30, tzinfo=UTC),  # 6 March in Paris
        )
        return Procedure(document.id, {n: v.id for n, v in made.items()}, summaries)


def _rows(html: str) -> list[str]:
    """The visible text of each row of the versions table."""
    found = SECTION.search(html)
    assert found, "no versions section on the page"
    body = found.group(0).split("<tbody>", 1)[-1]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in rows]


def _numbers(html: str) -> list[int]:
    found = SECTION.search(html)
    assert found
    return [
        int(n) for n in re.findall(r'data-label="N° de version"><a [^>]*>(\d+)</a>', found.group(0))
    ]


def _downloads(html: str) -> list[str]:
    found = SECTION.search(html)
    assert found
    return re.findall(r'href="(/document_version/file/\d+)"', found.group(0))


def _lead(html: str) -> str | None:
    found = re.search(r'<p class="vigie-lead-download">\s*<a [^>]*href="([^"]+)"', html)
    return found.group(1) if found else None


def test_versions_in_force_first_then_newest_in_words_with_downloads(
    client: FlaskClient, world: World, procedure: Procedure
) -> None:
    login(client, world.users["quality"])
    page = client.get(f"/document/show/{procedure.document}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert _numbers(html) == [2, 3, 1]
    in_force, draft, old = _rows(html)
    assert in_force.startswith("2 Publiée T_quality Test 06/03/2026 " + procedure.summaries[2])
    assert f"procedure_v2.pdf ({len(PDF) * 2} octets)" in in_force and "Télécharger" in in_force
    assert draft.startswith("3 Brouillon T_quality Test — " + procedure.summaries[3])
    assert "Aucun fichier" in draft and "Télécharger" not in draft
    assert old.startswith("1 Obsolète T_quality Test 10/01/2025 " + procedure.summaries[1])
    ids = procedure.versions
    assert _downloads(html) == [
        f"/document_version/file/{ids[2]}",
        f"/document_version/file/{ids[1]}",
    ]
    # the version in force at the top of the page, and its link gives its file
    assert _lead(html) == f"/document_version/file/{ids[2]}"
    assert "Télécharger la version en vigueur" in page_text(page)
    downloaded = client.get(f"/document_version/file/{ids[2]}")
    assert downloaded.status_code == 200 and downloaded.data == PDF * 2


def test_another_services_reader_sees_the_released_versions_only(
    client: FlaskClient, world: World, procedure: Procedure
) -> None:
    """S1's agent reads S3's published procedure: v2 and v1, never the v3 draft."""
    login(client, world.users["agent"])
    html = client.get(f"/document/show/{procedure.document}").get_data(as_text=True)
    assert _numbers(html) == [2, 1]
    assert procedure.summaries[3] not in html
    assert _lead(html) == f"/document_version/file/{procedure.versions[2]}"
    for link in _downloads(html):
        assert client.get(link).status_code == 200
    assert client.get(f"/document_version/file/{procedure.versions[3]}").status_code == 404


def test_no_lead_download_without_a_published_file(
    app: Flask, client: FlaskClient, world: World, files: Path
) -> None:
    with app.app_context():
        document = new(
            "document",
            {"code": unique("PRO-"), "title": unique("Projet "), "service": world.services["S1"]},
        )
        _version(document.id, 1, user_id(app, world.users["service_head"]), "Premier jet", True)
        pk = document.id
    login(client, world.users["service_head"])
    html = client.get(f"/document/show/{pk}").get_data(as_text=True)
    assert _numbers(html) == [1] and _lead(html) is None
    assert "Télécharger la version en vigueur" not in html


def test_the_page_costs_the_same_with_two_or_ten_versions(
    app: Flask, client: FlaskClient, world: World, count_queries: Any, files: Path
) -> None:
    author = user_id(app, world.users["service_head"])
    with app.app_context():
        document = new(
            "document",
            {"code": unique("PRO-"), "title": unique("Volume "), "service": world.services["S1"]},
        )
        pk = document.id
        for number in (1, 2):
            _version(pk, number, author, f"Version {number}", True)
    login(client, world.users["service_head"])

    def cost() -> int:
        client.get(f"/document/show/{pk}")  # warm the session's caches
        with count_queries() as statements:
            assert client.get(f"/document/show/{pk}").status_code == 200
        return len(statements)

    few = cost()
    with app.app_context():
        for number in range(3, 11):
            _version(pk, number, author, f"Version {number}", number % 2 == 0)
    assert cost() == few
    html = client.get(f"/document/show/{pk}").get_data(as_text=True)
    assert _numbers(html) == list(range(10, 0, -1))


def test_an_audits_page_lists_its_findings_in_words(
    app: Flask, client: FlaskClient, world: World
) -> None:
    with app.app_context():
        audit = new(
            "audit",
            {"title": unique("Audit "), "kind": "interne", "services": [world.services["S1"]]},
        )
        description = unique("Écart de traçabilité ")
        new(
            "finding",
            {
                "audit": audit.id,
                "kind": "nc_mineure",
                "clause": "9001:8.5.1",
                "description": description,
                "service": world.services["S1"],
            },
        )
        pk = audit.id
    login(client, world.users["quality"])
    text = page_text(client.get(f"/audit/show/{pk}"))
    assert "Constats 1" in text
    assert f"Non-conformité mineure 9001:8.5.1 {description}" in text
