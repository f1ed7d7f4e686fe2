"""Lists as a person opens them: the registry's default order, periods in time, saved filters.

The records live in a service of their own (LST) read by its own head, so the lists hold
exactly them whatever other modules added. The default order is read where people read it:
the list page, its CSV export and the REST list; a click on the « Période » header sorts in
time (``2026-03`` < ``2026-Q1`` < ``2026-04`` … ``2026-12`` < ``2026-Q4`` < ``2026``) on
SQLite and PostgreSQL alike. Saved filters go round trip, stay their owner's, refuse bad
names in French beside what was typed, and refuse a POST without its CSRF token.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import literal, select

from app import create_app, periods
from app.extensions import db
from app.models import SavedFilter
from app.organisation import create_user
from tests.conftest import PASSWORD, World, login, unique
from tests.factories import force, new, page_text

HEAD = "t_head_lists"
OTHER = "t_head_lists_b"
#: Periods of all three frequencies, in time order.
CHRONOLOGICAL = [
    "2025-12",
    "2025-Q4",
    "2025",
    "2026-01",
    "2026-02",
    "2026-03",
    "2026-Q1",
    "2026-04",
    "2026-Q2",
    "2026-12",
    "2026-Q4",
    "2026",
]


@dataclass
class Lists:
    service: int
    indicators: dict[str, int]  # by frequency
    actions: list[str]  # titles, in the expected default order


@pytest.fixture(scope="module")
def lists(app: Flask, world: World) -> Lists:
    today = date.today()
    with app.app_context():
        service = new("service", {"code": unique("LST"), "name": "Service des listes"})
        for username in (HEAD, OTHER):
            create_user(
                username=username,
                password=PASSWORD,
                role_codes=["service_head"],
                service_codes=[service.code],
                first_name=username.capitalize(),
                last_name="Test",
            )
        indicators = {
            frequency: new(
                "indicator",
                {
                    "code": unique("LST-IND"),
                    "name": f"Indicateur {frequency}",
                    "owner_service": service.id,
                    "frequency": frequency,
                },
            ).id
            for frequency in periods.FREQUENCIES
        }
        for code in reversed(CHRONOLOGICAL):  # stored out of order on purpose
            frequency = periods.frequency_of(code)
            assert frequency is not None
            new("measurement", {"indicator": indicators[frequency], "period": code, "value": 1})
        # (title, state, due date) — the expected order: late first (nearest due first), then
        # the other open ones by due date (none last), then closed ones, the most recent first
        plan = [
            ("Act-late-old", "a_faire", today - timedelta(days=30)),
            ("Act-late-new", "en_cours", today - timedelta(days=2)),
            ("Act-done-waiting", "realisee", today - timedelta(days=40)),
            ("Act-soon", "en_cours", today + timedelta(days=5)),
            ("Act-later", "a_faire", today + timedelta(days=60)),
            ("Act-undated", "a_faire", None),
            ("Act-verified-2025", "verifiee", date(2025, 6, 30)),
            ("Act-cancelled-2024", "annulee", date(2024, 3, 31)),
        ]
        for title, state, due in reversed(plan):
            action = new(
                "action",
                {
                    "title": title,
                    "service": service.id,
                    "origin": "suggestion",
                    "kind": "corrective",
                    "progress": 0,
                    "due_date": due,
                },
            )
            force(action, state=state)
        return Lists(service.id, indicators, [title for title, _s, _d in plan])


def order_in(text: str, words: list[str]) -> list[str]:
    """``words`` in the order the text shows them."""
    found = {word: text.find(word) for word in words}
    assert all(at >= 0 for at in found.values()), found
    return sorted(words, key=found.__getitem__)


def csv_column(response: Any, label: str) -> list[str]:
    assert response.status_code == 200, response.status_code
    text = response.get_data(as_text=True).lstrip("\ufeff")
    rows = csv.DictReader(io.StringIO(text), delimiter=";")
    return [row[label] for row in rows]


def period_cells(response: Any) -> list[str]:
    """The periods a measurement list page shows, top to bottom."""
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    cells = re.findall(r"<td>\s*(\d{4}(?:-(?:\d{2}|Q\d))?)\s*</td>", html)
    return [cell for cell in cells if cell in CHRONOLOGICAL]


# -- the period key --------------------------------------------------------------------------
def test_the_sql_key_sorts_periods_in_time_as_python_does(app: Flask) -> None:
    """The one SQL key (this database) equals the Python key, and both sort in time."""
    with app.app_context():
        shuffled = sorted(CHRONOLOGICAL)  # as text: 2025, 2025-12, 2025-Q4, 2026, …
        assert shuffled != CHRONOLOGICAL
        key = periods.sql_sort_key
        keys = {code: db.session.scalar(select(key(literal(code)))) for code in shuffled}
        assert keys == {code: periods.sort_key(code) for code in shuffled}
        assert sorted(shuffled, key=keys.__getitem__) == CHRONOLOGICAL


# -- default orders --------------------------------------------------------------------------
def test_the_action_plan_opens_on_late_then_open_actions_page_and_export(
    app: Flask, client: FlaskClient, lists: Lists
) -> None:
    login(client, HEAD)
    page = client.get("/action/list/")
    assert page.status_code == 200
    assert order_in(page_text(page), lists.actions) == lists.actions
    exported = csv_column(client.get("/action/export/csv"), "Intitulé")
    assert exported == lists.actions
    listed = client.get("/api/v1/action/?q=(page_size:100)")
    assert [row["title"] for row in listed.json["result"]] == lists.actions


def test_a_header_click_wins_and_the_default_order_breaks_its_ties(
    client: FlaskClient, lists: Lists
) -> None:
    """Sorted by « Intitulé », the person's order comes first."""
    login(client, HEAD)
    page = client.get("/action/list/?_oc_ActionView=title&_od_ActionView=asc")
    assert order_in(page_text(page), lists.actions) == sorted(lists.actions)


def test_measurements_open_newest_period_first_in_time_page_and_export(
    client: FlaskClient, lists: Lists
) -> None:
    login(client, HEAD)
    newest_first = list(reversed(CHRONOLOGICAL))
    assert period_cells(client.get("/measurement/list/")) == newest_first
    assert csv_column(client.get("/measurement/export/csv"), "Période") == newest_first
    listed = client.get("/api/v1/measurement/?q=(page_size:100)")
    assert [row["period"] for row in listed.json["result"]] == newest_first


@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_the_period_header_sorts_in_time(client: FlaskClient, lists: Lists, direction: str) -> None:
    login(client, HEAD)
    expected = CHRONOLOGICAL if direction == "asc" else list(reversed(CHRONOLOGICAL))
    args = f"_oc_MeasurementView=period&_od_MeasurementView={direction}"
    assert period_cells(client.get(f"/measurement/list/?{args}")) == expected
    assert csv_column(client.get(f"/measurement/export/csv?{args}"), "Période") == expected
    api = client.get(f"/api/v1/measurement/?q=(order_column:period,order_direction:{direction})")
    assert [row["period"] for row in api.json["result"]] == expected


def test_a_forged_order_column_falls_back_to_the_default_order(
    client: FlaskClient, lists: Lists
) -> None:
    login(client, HEAD)
    page = client.get("/measurement/list/?_oc_MeasurementView=nope&_od_MeasurementView=asc")
    assert period_cells(page) == list(reversed(CHRONOLOGICAL))


# -- saved filters ---------------------------------------------------------------------------
def saved_links(response: Any) -> dict[str, str]:
    """« Mes filtres »: name → link."""
    html = response.get_data(as_text=True)
    block = html.split('class="vigie-my-filters"', 1)[1].split("</details>", 1)[0]
    return {
        name.strip(): href.replace("&amp;", "&")
        for href, name in re.findall(r'<a href="([^"]+)">([^<]+)</a>', block)
    }


def test_a_saved_filter_goes_round_trip_and_stays_its_owners(
    app: Flask, client: FlaskClient, lists: Lists
) -> None:
    login(client, HEAD)
    shown = "_flt_3_state=en_cours&_oc_ActionView=due_date&_od_ActionView=desc&liste=ouvertes"
    saved = client.post(
        f"/action/filters/save?{shown}&next=https://evil.example/&page_ActionView=2&_flt_0_nope=x",
        data={"filter_name": "  En cours, récentes  "},
    )
    assert saved.status_code == 303
    target = urlsplit(saved.headers["Location"])
    assert not target.netloc and target.path == "/action/list/"
    assert dict(parse_qsl(target.query)) == dict(parse_qsl(shown))  # the list's own only
    page = client.get(saved.headers["Location"])
    assert "Filtre « En cours, récentes » enregistré" in page_text(page)
    assert order_in(page_text(page), ["Act-soon", "Act-late-new"]) == ["Act-soon", "Act-late-new"]
    assert "Act-later" not in page_text(page)
    links = saved_links(client.get("/action/list/"))
    assert urlsplit(links["En cours, récentes"]).query == target.query
    assert saved_links(client.get("/measurement/list/")) == {}  # per artefact

    other = app.test_client()
    login(other, OTHER)
    assert saved_links(other.get("/action/list/")) == {}  # per person
    with app.app_context():
        pk = db.session.scalar(
            select(SavedFilter.id).where(SavedFilter.name == "En cours, récentes")
        )
    assert other.post(f"/action/filters/delete/{pk}").status_code == 404
    assert other.post(f"/measurement/filters/delete/{pk}").status_code == 404
    assert "En cours, récentes" in saved_links(client.get("/action/list/"))

    deleted = client.post(f"/action/filters/delete/{pk}")
    assert deleted.status_code == 303
    assert "supprimé" in page_text(client.get(deleted.headers["Location"]))
    assert saved_links(client.get("/action/list/")) == {}


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("   ", "Donnez un nom au filtre"),
        ("x" * 81, "dépasse 80 caractères"),
        ("Doublon", "Vous avez déjà un filtre nommé « Doublon »"),
    ],
)
def test_a_refused_name_is_said_beside_what_was_typed(
    client: FlaskClient, lists: Lists, typed: str, message: str
) -> None:
    login(client, HEAD)
    first = client.post("/action/filters/save", data={"filter_name": "Doublon"})
    assert first.status_code in (303, 422)  # saved once (the duplicate case needs it)
    refused = client.post("/action/filters/save?liste=en_retard", data={"filter_name": typed})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    field = re.search(r'<input type="text" id="filter_name"[^>]*>', html)
    assert field is not None
    assert 'aria-invalid="true"' in field.group(0)
    assert f'value="{typed}"' in field.group(0)
    assert message in page_text(refused)
    assert 'action="/action/filters/save?liste=en_retard"' in html  # still the same list
    assert html.count("<h1") == 1
    # the same list as before: the late actions only
    assert order_in(page_text(refused), ["Act-late-old", "Act-late-new"])
    assert "Act-soon" not in page_text(refused)


def test_saving_without_the_csrf_token_is_refused(app: Flask, lists: Lists) -> None:
    protected = create_app({**app.config, "WTF_CSRF_ENABLED": True})
    plain = login(app.test_client(), HEAD)
    cookie = plain.get_cookie("session")
    assert cookie is not None
    client = protected.test_client()
    client.set_cookie("session", cookie.value)
    refused = client.post("/action/filters/save", data={"filter_name": "Sans jeton"})
    assert refused.status_code == 400
    assert "jeton de sécurité" in page_text(refused)
    page = client.get("/action/list/")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    assert token is not None  # the page's own form carries it
    with app.app_context():
        kept = db.session.scalar(select(SavedFilter.id).where(SavedFilter.name == "Sans jeton"))
    assert kept is None
    accepted = client.post(
        "/action/filters/save", data={"filter_name": "Avec jeton", "csrf_token": token.group(1)}
    )
    assert accepted.status_code == 303


def test_the_list_page_query_count_does_not_grow_with_saved_filters(
    app: Flask, client: FlaskClient, count_queries: Any, lists: Lists
) -> None:
    login(client, OTHER)
    client.get("/target/list/")
    with count_queries() as before:
        assert client.get("/target/list/").status_code == 200
    for n in range(5):
        client.post("/target/filters/save", data={"filter_name": f"Filtre {n}"})
    with count_queries() as after:
        page = client.get("/target/list/")
    assert len(saved_links(page)) == 5
    assert len(after) == len(before)
