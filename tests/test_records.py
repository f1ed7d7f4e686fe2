"""History, optimistic locking, archiving and exports of registered artefacts."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import insert

from app import registry
from app.commands.records import create_record
from app.extensions import db
from app.models import ServiceObjective
from app.security.actor import Actor
from tests.conftest import World, login, token, unique


def _objective(client, world: World, **extra) -> dict:
    response = client.post(
        "/api/v1/service_objective/",
        json={"service": world.services["S1"], "year": 2026, "title": unique("Obj "), **extra},
        headers=token(client, world.users["service_head"]),
    )
    assert response.status_code == 201, response.json
    return response.json


def test_history_records_create_update_archive_newest_first(
    app: Flask, world: World, client
) -> None:
    headers = token(client, world.users["service_head"])
    created = _objective(client, world, description="Avant")
    pk = created["id"]
    response = client.put(
        f"/api/v1/service_objective/{pk}",
        json={"description": "Après", "version": 1, "reason": "Précision demandée"},
        headers=headers,
    )
    assert response.status_code == 200, response.json
    assert client.delete(f"/api/v1/service_objective/{pk}", headers=headers).status_code == 200
    entries = client.get(f"/api/v1/service_objective/{pk}/history", headers=headers).json["result"]
    assert [e["action"] for e in entries] == ["archive", "update", "create"]
    update = entries[1]
    assert update["user"] == world.users["service_head"]
    assert update["changes"] == {"description": ["Avant", "Après"]}
    assert update["reason"] == "Précision demandée"
    at = datetime.fromisoformat(update["at"])
    assert at.tzinfo is not None and at.utcoffset().total_seconds() == 0
    assert abs((datetime.now(UTC) - at).total_seconds()) < 120


def test_stale_edit_is_refused_with_409_api(app: Flask, world: World, client) -> None:
    headers = token(client, world.users["service_head"])
    pk = _objective(client, world)["id"]
    first = client.put(
        f"/api/v1/service_objective/{pk}", json={"title": "Première", "version": 1}, headers=headers
    )
    assert first.status_code == 200
    stale = client.put(
        f"/api/v1/service_objective/{pk}", json={"title": "Seconde", "version": 1}, headers=headers
    )
    assert stale.status_code == 409
    assert "modifié" in stale.json["message"]
    current = client.get(f"/api/v1/service_objective/{pk}", headers=headers).json["result"]
    assert current["title"] == "Première"
    assert current["version"] == 2


def test_put_without_version_is_refused(app: Flask, world: World, client) -> None:
    headers = token(client, world.users["service_head"])
    pk = _objective(client, world)["id"]
    response = client.put(f"/api/v1/service_objective/{pk}", json={"title": "X"}, headers=headers)
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "version"


def test_stale_edit_is_refused_in_the_form(app: Flask, world: World, client) -> None:
    pk = _objective(client, world)["id"]
    headers = token(client, world.users["quality"])
    assert (
        client.put(
            f"/api/v1/service_objective/{pk}",
            json={"title": "Par la qualité", "version": 1},
            headers=headers,
        ).status_code
        == 200
    )
    login(client, world.users["service_head"])
    response = client.post(
        f"/service_objective/edit/{pk}",
        data={
            "service": str(world.services["S1"]),
            "year": "2026",
            "title": "Écrasement",
            "weight": "1",
            "version": "1",
        },
    )
    assert response.status_code == 409
    assert "Rechargez la page" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ServiceObjective, pk).title == "Par la qualité"


def test_state_is_not_editable_through_crud(app: Flask, world: World, client) -> None:
    headers = token(client, world.users["quality"])
    pk = _objective(client, world)["id"]
    response = client.put(
        f"/api/v1/service_objective/{pk}", json={"state": "valide", "version": 1}, headers=headers
    )
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "state"
    assert (
        client.post(
            "/api/v1/service_objective/",
            headers=headers,
            json={"service": world.services["S1"], "year": 2026, "title": "x", "state": "actif"},
        ).status_code
        == 422
    )


def test_bad_payload_gets_french_errors_naming_fields(app: Flask, world: World, client) -> None:
    headers = token(client, world.users["quality"])
    response = client.post(
        "/api/v1/service_objective/",
        headers=headers,
        json={"service": world.services["S1"], "year": "deux mille"},
    )
    assert response.status_code == 422
    fields = {e["field"]: e["message"] for e in response.json["errors"]}
    assert "entier" in fields["year"]
    assert "obligatoire" in fields["title"]


def test_archived_records_leave_lists_but_stay_readable(app: Flask, world: World, client) -> None:
    headers = token(client, world.users["service_head"])
    pk = _objective(client, world)["id"]
    assert client.delete(f"/api/v1/service_objective/{pk}", headers=headers).json["archived"]
    listed = client.get("/api/v1/service_objective/?q=(page_size:500)", headers=headers).json
    assert pk not in listed["ids"]
    with_archives = client.get(
        "/api/v1/service_objective/?archived=include&q=(page_size:500)", headers=headers
    ).json
    assert pk in with_archives["ids"]
    shown = client.get(f"/api/v1/service_objective/{pk}", headers=headers)
    assert shown.status_code == 200 and shown.json["result"]["archived"] is True
    login(client, world.users["service_head"])
    page = client.get(f"/service_objective/show/{pk}").get_data(as_text=True)
    assert "Archivé" in page and "Historique" in page
    restored = client.post(f"/api/v1/service_objective/{pk}/restore", headers=headers, json={})
    assert restored.status_code == 200 and restored.json["result"]["archived"] is False


def test_exports_escape_formulas_and_use_french_headers(app: Flask, world: World, client) -> None:
    title = '=HYPERLINK("http://exemple.invalid")' + unique("")
    _objective(client, world, title=title, description="+33 1 23")
    login(client, world.users["service_head"])
    response = client.get("/service_objective/export/csv")
    text = response.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert "Intitulé" in rows[0] and "Service" in rows[0]
    cells = {c for r in rows[1:] for c in r}
    assert "'" + title in cells and title not in cells
    assert "'+33 1 23" in cells
    response = client.get("/service_objective/export/xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = {cell.value for row in sheet.iter_rows() for cell in row}
    assert "'" + title in values


def test_list_page_query_count_does_not_grow(
    app: Flask, world: World, client, count_queries
) -> None:
    login(client, world.users["quality"])
    with app.app_context():
        service = registry.get("service")
        bulk = create_record(
            service, {"code": unique("BULK"), "name": "Volume"}, Actor.system_actor()
        )
        bulk_id = bulk.id
        strategic = db.session.query(registry.get("strategic_objective").model).first()
    url = f"/service_objective/list/?_flt_0_service={bulk_id}"

    def add(n: int) -> None:
        with app.app_context():
            now = datetime.now(UTC)
            db.session.execute(
                insert(ServiceObjective),
                [
                    {
                        "service_id": bulk_id,
                        "year": 2025,
                        "title": f"Objectif {i}",
                        "weight": 1.0,
                        "state": "brouillon",
                        "version": 1,
                        "created_at": now,
                        "updated_at": now,
                        "archived": False,
                        "strategic_objective_id": strategic.id if strategic else None,
                    }
                    for i in range(n)
                ],
            )
            db.session.commit()

    add(10)
    client.get(url)
    with count_queries() as small:
        assert client.get(url).status_code == 200
    with count_queries() as api_small:
        client.get("/api/v1/service_objective/?q=(page_size:100)")
    add(990)
    with count_queries() as large:
        assert client.get(url).status_code == 200
    with count_queries() as api_large:
        client.get("/api/v1/service_objective/?q=(page_size:100)")
    assert len(large) == len(small), (len(small), len(large))
    assert len(api_large) == len(api_small)
