"""Dates typed and shown the French way, through the one formatting module.

:func:`app.formatting.parse_date` reads what people type (``15/01/2027``, ``15/1/27``, ISO) and
refuses what is not a date or not in the calendar; the forms (without a browser here: see
``test_dates_browser.py`` for Chromium) and the REST API use it and answer in French, naming
the field; timestamps are shown in the town's time zone, the one setting the reminders use.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.formatting import (
    ImpossibleDate,
    UnreadableDate,
    format_date,
    format_datetime,
    format_plain_number,
    paris_today,
    parse_date,
    town_zone,
)
from app.models import Action
from app.notifications.reminders import local_today
from tests.conftest import World, login, token, unique


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("15/01/2027", date(2027, 1, 15)),
        ("15/1/27", date(2027, 1, 15)),
        (" 5/3/2027 ", date(2027, 3, 5)),
        ("15.01.2027", date(2027, 1, 15)),
        ("2027-01-15", date(2027, 1, 15)),
        ("29/02/2028", date(2028, 2, 29)),
    ],
)
def test_typed_dates_are_read_day_first(typed: str, read: date) -> None:
    assert parse_date(typed) == read


@pytest.mark.parametrize(
    "typed", ["31/02/2026", "29/02/2027", "32/01/2027", "15/13/2027", "1/1/0027"]
)
def test_impossible_dates_are_refused_never_rolled_over(typed: str) -> None:
    with pytest.raises(ImpossibleDate):
        parse_date(typed)


@pytest.mark.parametrize("typed", ["demain", "15 01 2027", "15/01", "2027/01/15/1", "15/01/20277"])
def test_unreadable_dates_are_refused(typed: str) -> None:
    with pytest.raises(UnreadableDate):
        parse_date(typed)


def test_timestamps_read_in_the_town_zone_and_numbers_for_editing(app: Flask) -> None:
    late = datetime(2026, 7, 1, 22, 30, tzinfo=UTC)  # 00:30 on 2 July in Paris
    with app.app_context():
        assert format_datetime(late) == "02/07/2026 00:30"
        assert format_date(late) == "02/07/2026"  # a timestamp's date is the town's
        assert paris_today(late) == date(2026, 7, 2)
        # one setting for screens, exports, PDFs and reminders
        saved = app.config["BABEL_DEFAULT_TIMEZONE"]
        app.config["BABEL_DEFAULT_TIMEZONE"] = "America/Cayenne"  # UTC-3
        try:
            assert str(town_zone()) == "America/Cayenne"
            assert format_datetime(late) == "01/07/2026 19:30"
            assert local_today() == paris_today()
        finally:
            app.config["BABEL_DEFAULT_TIMEZONE"] = saved
    assert format_plain_number(1250.5) == "1250,5"
    assert format_plain_number(1_500_000.0) == "1500000"  # never « 1,5e+06 »
    assert format_plain_number(0.125) == "0,125"


def _action_form(world: World, title: str, **dates: str) -> dict[str, str]:
    """An action form; Vigie numbers actions itself, so the title tells the record apart."""
    return {
        "title": title,
        "service": str(world.services["S1"]),
        "origin": "suggestion",
        "kind": "corrective",
        "progress": "0",
        **dates,
    }


def test_the_form_reads_french_dates_and_refuses_an_impossible_one_naming_it(
    app: Flask, world: World, client
) -> None:
    login(client, world.users["service_head"])
    title = unique("Action datée ")
    refused = client.post(
        "/action/add", data=_action_form(world, title, opened_on="31/02/2026", due_date="15/1/27")
    )
    page = refused.get_data(as_text=True)
    assert "« Ouverte le » : le 31/02/2026 n&#39;existe pas dans le calendrier." in page or (
        "« Ouverte le » : le 31/02/2026 n'existe pas dans le calendrier." in page
    )
    assert 'value="31/02/2026"' in page and 'value="15/1/27"' in page  # as typed
    with app.app_context():
        assert db.session.scalars(select(Action).where(Action.title == title)).first() is None
    saved = client.post(
        "/action/add",
        data=_action_form(world, title, opened_on="15/01/2027", due_date="2027-03-31"),
    )
    assert saved.status_code in (302, 303), saved.get_data(as_text=True)[:2000]
    with app.app_context():
        action = db.session.scalars(select(Action).where(Action.title == title)).one()
        assert (action.opened_on, action.due_date) == (date(2027, 1, 15), date(2027, 3, 31))
        pk = action.id
    edit = client.get(f"/action/edit/{pk}").get_data(as_text=True)
    assert 'value="15/01/2027"' in edit and 'value="31/03/2027"' in edit
    assert "Au format jj/mm/aaaa" in edit


def test_the_api_reads_french_dates_and_names_an_impossible_one(
    app: Flask, world: World, client
) -> None:
    headers = token(client, world.users["service_head"])
    payload = {"code": unique("ACT-API-"), "title": "Action API", "service": world.services["S1"]}
    refused = client.post(
        "/api/v1/action/", headers=headers, json={**payload, "due_date": "31/02/2026"}
    )
    assert refused.status_code == 422, refused.get_data(as_text=True)
    assert refused.json["errors"] == [
        {
            "field": "due_date",
            "message": "« Échéance » : le 31/02/2026 n'existe pas dans le calendrier.",
        }
    ]
    created = client.post(
        "/api/v1/action/", headers=headers, json={**payload, "due_date": "31/3/27"}
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    with app.app_context():
        action = db.session.scalars(select(Action).where(Action.code == payload["code"])).one()
        assert action.due_date == date(2027, 3, 31)


def test_list_filters_and_exports_read_filter_dates_day_first(
    app: Flask, world: World, client
) -> None:
    """« Échéance = 05/03/2027 » is the 5th of March (FAB's filters read the 3rd of May)."""
    prefix = unique("ACT-FLT-")
    headers = token(client, world.users["service_head"])
    for suffix, due in (("mars", "2027-03-05"), ("mai", "2027-05-03")):
        response = client.post(
            "/api/v1/action/",
            headers=headers,
            json={
                "code": f"{prefix}-{suffix}",
                "title": "Action filtrée",
                "service": world.services["S1"],
                "due_date": due,
            },
        )
        assert response.status_code == 201, response.get_data(as_text=True)
    login(client, world.users["service_head"])
    for typed in ("05/03/2027", "5/3/27", "2027-03-05"):
        exported = client.get(f"/action/export/csv?_flt_0_code={prefix}&_flt_0_due_date={typed}")
        text = exported.get_data(as_text=True)
        assert f"{prefix}-mars" in text and f"{prefix}-mai" not in text, typed
    later = client.get(f"/action/export/csv?_flt_0_code={prefix}&_flt_1_due_date=01/04/2027")
    assert f"{prefix}-mai" in later.get_data(as_text=True)
    assert f"{prefix}-mars" not in later.get_data(as_text=True)
    nothing = client.get(f"/action/export/csv?_flt_0_code={prefix}&_flt_0_due_date=31/02/2027")
    assert prefix not in nothing.get_data(as_text=True)  # not a date: matches nothing
    listed = client.get(f"/action/list/?_flt_0_code={prefix}&_flt_0_due_date=05/03/2027")
    assert f"{prefix}-mars" in listed.get_data(as_text=True)
    assert f"{prefix}-mai" not in listed.get_data(as_text=True)
    assert "data-vigie-date" in listed.get_data(as_text=True)  # the filter's date picker
    api = client.get(
        "/api/v1/action/?q=(filters:!((col:code,opr:sw,value:'"
        f"{prefix}'),(col:due_date,opr:eq,value:'05/03/2027')))",
        headers=headers,
    )
    assert [row["code"] for row in api.json["result"]] == [f"{prefix}-mars"]


def test_forms_show_numbers_to_edit_exactly(app: Flask, world: World, client) -> None:
    """A number in a form is shown exactly, decimal comma, no grouping: saving the form
    unchanged keeps it (``:g`` showed « 1,23457e+06 » and saved a rounded value)."""
    headers = token(client, world.users["quality"])
    created = client.post(
        "/api/v1/indicator/",
        headers=headers,
        json={
            "code": unique("IND-EDIT-"),
            "name": "Surface entretenue",
            "owner_service": world.services["S1"],
            "frequency": "monthly",
            "baseline_value": 1234567.25,
            "min_value": 0.125,
        },
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    login(client, world.users["quality"])
    page = client.get(f"/indicator/edit/{created.json['id']}").get_data(as_text=True)
    assert 'value="1234567,25"' in page and 'value="0,125"' in page
