"""Flask-AppBuilder's roles and permissions screens in words, French and English (issue 15
item 5): « Lecture — Audits », never ``can read on audit``; no external script on them (FAB's
user statistics chart, which loaded Google's, is not offered)."""

from __future__ import annotations

import re

from flask import Flask

from app.security.permission_labels import permission_label
from tests.conftest import World, login
from tests.factories import page_text

CODES = re.compile(r"\bcan[ _](read|write|list|show|add|edit|delete|this_form)|menu[ _]access")
SCREENS = ("/roles/list/", "/permissionviews/list/")


def _role_id(app: Flask, name: str) -> int:
    with app.app_context():
        return int(app.appbuilder.sm.find_role(name).id)  # type: ignore[attr-defined]


def test_permissions_read_as_words_from_the_registry() -> None:
    assert permission_label("can_read", "audit") == "Lecture — Audits"
    assert permission_label("can_write", "action") == "Écriture — Plan d'actions"
    assert permission_label("menu_access", "my_tasks") == "Menu — Mes tâches"
    # an unknown pair is still shown, in words made of its codes
    assert permission_label("can_frobnicate", "widget_thing") == "frobnicate — widget thing"


def test_roles_and_rights_screens_speak_french_then_english(app: Flask, world: World) -> None:
    client = login(app.test_client(), world.users["admin"])
    head = _role_id(app, "service_head")
    for path in (*SCREENS, f"/roles/show/{head}"):
        response = client.get(path)
        assert response.status_code == 200, path
        text = page_text(response)
        assert not CODES.search(text), (path, CODES.search(text))
        html = response.get_data(as_text=True)
        assert not re.search(r"<script[^>]+src=\"https?://", html), path
    shown = page_text(client.get(f"/roles/show/{head}"))
    assert "Cancel" not in shown and "Annuler" in shown  # the confirmation dialog too
    assert "Responsable de service" in shown
    assert "Lecture — Audits" in shown and "Écriture — Plan d'actions" in shown
    rights = page_text(client.get("/permissionviews/list/"))
    assert any(word in rights for word in ("Lecture", "Écriture", "Liste", "Modification"))
    # FAB's statistics chart (an external script) is not offered
    assert client.get("/userstatschartview/chart/").status_code == 404

    client.get("/lang/en")
    english = page_text(client.get(f"/roles/show/{head}"))
    assert "Head of department" in english and "Read — Audits" in english, english[:2000]
    assert not CODES.search(english)
    assert "Cancel" in english and "Annuler" not in english
    client.get("/lang/fr")


RAW = re.compile(r"\b(None|True|False)\b|\[|\]")


def test_users_screens_show_words_not_python_values(app: Flask, world: World) -> None:
    """A user's roles and services by name, « Oui »/« Non », « — » for nothing, French
    dates — never ``None``, ``True`` or ``[S1 — …]``."""
    from tests.factories import user_id

    client = login(app.test_client(), world.users["admin"])
    head = user_id(app, world.users["service_head"])  # a member of a service, with a role
    for path in ("/users/list/", f"/users/show/{head}"):
        response = client.get(path)
        assert response.status_code == 200, path
        text = page_text(response)
        assert not RAW.search(text), (path, RAW.search(text))
    shown = page_text(client.get(f"/users/show/{head}"))
    assert "Oui" in shown and "Responsable de service" in shown
