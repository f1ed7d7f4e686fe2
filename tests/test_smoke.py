"""First checks that the app serves French pages and its API."""

from __future__ import annotations

from tests.conftest import login, token


def test_login_page_is_french(client):
    response = client.get("/login/")
    assert response.status_code == 200
    assert "Mot de passe" in response.get_data(as_text=True)


def test_service_head_lists_objectives(client, world):
    login(client, world.users["service_head"])
    response = client.get("/service_objective/list/")
    assert response.status_code == 200, response.data[:3000]


def test_api_create_and_read(client, world):
    headers = token(client, world.users["quality"])
    response = client.post(
        "/api/v1/service_objective/",
        json={"service": world.services["S1"], "year": 2026, "title": "Réduire les délais"},
        headers=headers,
    )
    assert response.status_code == 201, response.json
    pk = response.json["id"]
    got = client.get(f"/api/v1/service_objective/{pk}", headers=headers)
    assert got.status_code == 200, got.json
    assert got.json["result"]["title"] == "Réduire les délais"


def test_pages_declare_their_language(client) -> None:
    page = client.get("/login/")
    assert page.status_code == 200
    assert b'<html lang="fr">' in page.data[:400]
