"""Home pages by role: each count is the number of rows of the list it links to, within the
person's scope, and the menu bar shows the unread notifications on every page."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import notifications
from app.extensions import db
from app.indicators import health
from app.models import VigieUser
from app.organisation import find_user
from app.security.actor import Actor
from tests.conftest import World, login, unique
from tests.factories import HomeWorld, account_id, build_home_world, new, page_text

#: The counts each role's home page must show (non-zero with :func:`build_home_world`).
EXPECTED = {
    "official": {"proposal:a_arbitrer"},
    "service_head": {"action:en_retard", "action:ouvertes", "health:overdue"},
    "agent": {"health:mine"},
    "admin": {"health:overdue", "health:applications", "mail:failed", "jobs:failed"},
    "quality": {"health:overdue", "health:applications", "jobs:failed"},
    "executive": {"action:en_retard", "action:ouvertes", "health:overdue"},
}

_TILE = re.compile(
    r'data-home="(?P<key>[^"]+)" data-count="(?P<n>\d+)">.*?href="(?P<link>[^"]+)"', re.S
)


def home_counts(client: FlaskClient) -> dict[str, tuple[int, str]]:
    """``key → (count, link)`` of every count on the signed-in person's home page."""
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return {m["key"]: (int(m["n"]), m["link"].replace("&amp;", "&")) for m in _TILE.finditer(html)}


def rows_at(client: FlaskClient, link: str) -> int:
    """How many rows the list at ``link`` shows (every page of it)."""
    path = link.split("#")[0]
    if "/list/" in path:  # a generated list: its records' show links, all on one page
        artefact = path.strip("/").split("/")[0]
        view = "".join(part.capitalize() for part in artefact.split("_")) + "View"
        html = client.get(f"{path}&psize_{view}=1000").get_data(as_text=True)
        return len(set(re.findall(rf"/{artefact}/show/(\d+)", html)))
    if path.startswith("/collection_health/"):
        kind = "application" if "applications=" in path else "overdue"
        joiner = "&" if "?" in path else "?"
        total, page = 0, 0
        while True:  # the overdue values come a page at a time
            html = client.get(f"{path}{joiner}page={page}").get_data(as_text=True)
            total += html.count(f'data-row="{kind}"')
            if kind != "overdue" or "Page suivante" not in html:
                return total
            page += 1
    if path.startswith("/jobs/"):
        return client.get(path).get_data(as_text=True).count("data-job=")
    if path.startswith("/mail_queue/"):
        total, page = 0, 0
        while True:
            html = client.get(f"{path}&page={page}").get_data(as_text=True)
            found = html.count('data-row="mail"')
            total += found
            if not found or "Plus anciennes" not in html:
                return total
            page += 1
    raise AssertionError(f"unknown list: {link}")


@pytest.fixture(scope="module")
def home(app: Flask, world: World) -> HomeWorld:
    return build_home_world(app, world)


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_count_is_the_row_count_of_its_list(
    client: FlaskClient, world: World, home: HomeWorld, role: str
) -> None:
    login(client, world.users[role])
    counts = home_counts(client)
    for key in EXPECTED[role]:
        assert counts.get(key, (0, ""))[0] > 0, (role, key, counts)
    for key, (count, link) in counts.items():
        assert rows_at(client, link) == count, (role, key, link)
    page = page_text(client.get("/"))
    assert "À faire maintenant" in page
    assert "Rien ne vous attend" not in page and "aucune étape ne vous attend" not in page


def test_counts_stay_within_the_persons_services(
    app: Flask, client: FlaskClient, world: World, home: HomeWorld
) -> None:
    login(client, world.users["service_head"])
    before = home_counts(client)
    login(client, world.users["head_s3"])
    before_s3 = home_counts(client)
    with app.app_context():
        new(
            "action",
            {
                "code": unique("ACT-"),
                "title": unique("Encore en retard S3 "),
                "service": world.services["S3"],
                "due_date": (date.today() - timedelta(days=2)).isoformat(),
            },
        )
        head_s1 = Actor.for_user(find_user(world.users["service_head"]))
        late_s1 = {o.indicator.id for o in health.overdue_for(head_s1)[0]}
    assert home.overdue_indicators["S1"] in late_s1
    assert home.overdue_indicators["S3"] not in late_s1  # S3's late value is not S1's head's
    login(client, world.users["service_head"])
    after = home_counts(client)
    assert after["action:en_retard"][0] == before["action:en_retard"][0]
    assert after["health:overdue"][0] == before["health:overdue"][0]
    health_page = client.get("/collection_health/").get_data(as_text=True)
    assert f"/indicator/show/{home.overdue_indicators['S3']}" not in health_page
    login(client, world.users["head_s3"])
    assert home_counts(client)["action:en_retard"][0] == before_s3["action:en_retard"][0] + 1
    # the agent of S1 types S1's value, not S3's
    login(client, world.users["agent"])
    mine = client.get(home_counts(client)["health:mine"][1]).get_data(as_text=True)
    assert f"/indicator/show/{home.overdue_indicators['S1']}" in mine
    assert f"/indicator/show/{home.overdue_indicators['S3']}" not in mine
    assert "/entry/?service=" in mine and "Saisir" in mine


def test_the_menu_bar_counts_unread_notifications_on_every_page(
    app: Flask, client: FlaskClient, world: World
) -> None:
    username = world.users["report_bulk"]
    with app.app_context():
        uid = account_id(username)
        notifications.mark_read(uid)
        user = db.session.get(VigieUser, uid)
        notifications.notify([user, user], subject=unique("Badge "), body="…", link="/tasks/")
        db.session.commit()
    login(client, username)
    for path in ("/", "/tasks/", "/action/list/", "/collection_health/"):
        html = client.get(path).get_data(as_text=True)
        assert 'data-unread="2"' in html, path
        assert "Notifications non lues : 2" in html, path
    client.post("/notifications/read_all")
    html = client.get("/").get_data(as_text=True)
    assert "data-unread" not in html and "Notifications : aucune non lue" in html


def test_an_empty_home_says_so_for_the_role(client: FlaskClient, world: World) -> None:
    login(client, world.users["agent_s1_b"])  # an agent answering for no indicator
    page = page_text(client.get("/"))
    assert "Toutes vos valeurs sont saisies" in page or "À faire maintenant" in page
    assert "Valeurs à saisir sur vos indicateurs" in page
