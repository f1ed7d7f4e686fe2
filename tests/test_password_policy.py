"""The password policy for people: length, common passwords, the account's own names, a
strength estimate — French messages, on every way to set a password."""

from __future__ import annotations

import uuid

import pytest
from flask import Flask
from werkzeug.security import check_password_hash

from app.extensions import db
from app.organisation import UserError, create_user, find_user
from app.security import passwords
from demo.people import DEMO_ACCOUNTS
from tests.conftest import PASSWORD, World, login, token
from tests.factories import page_text

GOOD = "trois-mots-sans-rapport"


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("court-1", "au moins 12 caractères"),
        ("x" * 129, "ne doit pas dépasser 128 caractères"),
        ("azertyuiop123", "plus courants"),  # zxcvbn's list, digits added at the end
        ("Motdepasse2024!", "plus courants"),  # the French word, case and ends ignored
        ("P@ssw0rd12345", "plus courants"),  # substitutions undone
        ("Mairie-2026!!", "plus courants"),  # Vigie's French list
        ("Bienvenüe-2025", "plus courants"),  # accents ignored
        ("aaaaaaaaaaaaaa", "trop facile à deviner"),  # long, but no guessing needed
        ("marie.dupont", "reprendre l'identifiant"),
    ],
)
def test_weak_passwords_are_refused_in_french(app_ctx: None, password: str, expected: str) -> None:
    found = passwords.problems(password, ["marie.dupont", "marie.dupont@ville.invalid"])
    assert found and expected in found[0], found


@pytest.mark.parametrize("password", [GOOD, PASSWORD, "Vigie-Tests-2026!", "jesuislemaire"])
def test_reasonable_passwords_pass(app_ctx: None, password: str) -> None:
    assert passwords.problems(password, ["t_someone"]) == []


def test_the_policy_is_configurable(app: Flask) -> None:
    with app.app_context():
        config = app.config
        saved = config["VIGIE_PASSWORD_MIN_LENGTH"], config["VIGIE_PASSWORD_MIN_SCORE"]
        try:
            config["VIGIE_PASSWORD_MIN_LENGTH"], config["VIGIE_PASSWORD_MIN_SCORE"] = 30, 0
            assert "au moins 30" in passwords.problems(GOOD)[0]
            assert passwords.problems("a" * 31) == []  # no estimate at 0
            assert passwords.problems("azertyuiop-azertyuiop-azertyuiop") == []
            assert passwords.problems("azertyuiop" + "1" * 21) != []  # the list always applies
        finally:
            config["VIGIE_PASSWORD_MIN_LENGTH"], config["VIGIE_PASSWORD_MIN_SCORE"] = saved


def test_demo_passwords_pass_the_policy(app_ctx: None) -> None:
    for account in DEMO_ACCOUNTS:
        names = [account.username, account.email, account.first_name, account.last_name]
        assert passwords.problems(account.password, names) == [], account.username


def test_create_user_applies_the_policy(app_ctx: None) -> None:
    username = f"t_pw_{uuid.uuid4().hex[:8]}"
    with pytest.raises(UserError, match="au moins 12 caractères"):
        create_user(username=username, password="court", role_codes=["agent"])
    with pytest.raises(UserError, match="plus courants"):
        create_user(username=username, password="soleil2024!!", role_codes=["agent"])
    assert find_user(username) is None


def test_user_screen_refuses_a_weak_password(app: Flask, world: World) -> None:
    client = login(app.test_client(), world.users["admin"])
    username = f"t_pw_{uuid.uuid4().hex[:8]}"
    with app.app_context():
        role = app.appbuilder.sm.find_role("agent")  # type: ignore[attr-defined]
        role_id = role.id
    response = client.post(
        "/users/add",
        data={
            "first_name": "Marie",
            "last_name": "Test",
            "username": username,
            "email": f"{username}@vigie.invalid",
            "active": "y",
            "roles": [str(role_id)],
            "password": "azerty2024!!",
            "conf_password": "azerty2024!!",
        },
    )
    assert response.status_code == 200
    assert "plus courants" in page_text(response)
    with app.app_context():
        assert find_user(username) is None


def test_own_password_change_refuses_a_weak_one(app: Flask) -> None:
    username = f"t_pw_{uuid.uuid4().hex[:8]}"
    with app.app_context():
        create_user(username=username, password=PASSWORD, role_codes=["agent"])
        db.session.remove()
    client = app.test_client()
    client.post("/login/", data={"username": username, "password": PASSWORD})
    response = client.post(
        "/resetmypassword/form", data={"password": "court", "conf_password": "court"}
    )
    assert response.status_code == 200
    assert "au moins 12 caractères" in page_text(response)
    response = client.post(
        "/resetmypassword/form", data={"password": username + "!", "conf_password": username + "!"}
    )
    assert "reprendre l'identifiant" in page_text(response)
    with app.app_context():
        account = find_user(username)
        assert account is not None and check_password_hash(account.password, PASSWORD)
        db.session.remove()


def test_user_api_refuses_a_weak_password(app: Flask, world: World) -> None:
    client = app.test_client()
    headers = token(client, world.users["admin"])
    username = f"t_pw_{uuid.uuid4().hex[:8]}"
    response = client.post(
        "/api/v1/security/users/",
        json={
            "first_name": "Marie",
            "last_name": "Test",
            "username": username,
            "email": f"{username}@vigie.invalid",
            "password": "motdepasse123",
        },
        headers=headers,
    )
    assert response.status_code == 400, response.json
    assert "plus courants" in str(response.json)
    with app.app_context():
        assert find_user(username) is None
