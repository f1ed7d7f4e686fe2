"""In real Chromium: French dates typed in a corrective action's form, as a person types them.

Flask-AppBuilder's picker rewrote a typed ``15/01/2027`` as « 20-07-19 » on leaving the field
and erased an impossible ``31/02/2026``; these tests type with the keyboard, leave the field
(Tab, where the picker used to rewrite), save, and read what the database holds. An
impossible date is refused in French naming its field, and every other typed value stays.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import Action
from tests.browser_fixtures import ARTIFACTS, pick_related, sign_in
from tests.conftest import World, unique

pytestmark = pytest.mark.browser

READY = "domcontentloaded"


def _stored(app: Flask, title: str) -> Action | None:
    """The action saved under ``title`` (Vigie gives actions their code itself)."""
    with app.app_context():
        action = db.session.scalars(select(Action).where(Action.title == title)).first()
        if action is not None:
            db.session.expunge(action)
        return action


def _type(page: Any, name: str, text: str) -> None:
    """Type into a field key by key, then leave it with Tab (where the old picker rewrote it)."""
    field = page.locator(f"input[name={name}]")
    field.click()
    field.fill("")
    field.press_sequentially(text)
    field.press("Tab")


def _new_action(page: Any, live_url: str, world: World, title: str) -> None:
    page.goto(f"{live_url}/action/add", wait_until=READY)
    page.fill("input[name=title]", title)
    # the service is typed for in its autocomplete (the form lists no services)
    pick_related(page, "service", "S1", "S1 —")


def _save(page: Any) -> None:
    with page.expect_navigation(wait_until=READY):
        page.locator(
            "form#model_form button[type=submit], form#model_form input[type=submit]"
        ).first.click()


def test_french_dates_typed_in_an_action_form_are_stored(
    app: Flask, world: World, live_url: str, browser: Any
) -> None:
    page = sign_in(browser, live_url, world.users["service_head"])
    title = unique("Action datée ")
    _new_action(page, live_url, world, title)
    # the picker speaks French and starts its weeks on Monday
    page.locator("input[name=opened_on]").click()
    picker = page.locator(".datepicker-days").first
    picker.wait_for(state="visible")
    assert picker.locator("th.dow").first.inner_text().strip().lower() == "lu"
    months = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août")
    header = picker.locator("th.datepicker-switch").inner_text().lower()
    assert any(
        month in header for month in (*months, "septembre", "octobre", "novembre", "décembre")
    ), header
    _type(page, "opened_on", "15/01/2027")
    _type(page, "due_date", "31/3/27")  # a short form
    # leaving the field keeps what was typed (it used to become « 20-07-19 »)
    assert page.input_value("input[name=opened_on]") == "15/01/2027"
    assert page.input_value("input[name=due_date]") == "31/3/27"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "action-form-french-dates.png"), full_page=True)
    _save(page)
    action = _stored(app, title)
    assert action is not None, page.inner_text("body")[:2000]
    assert (action.opened_on, action.due_date) == (date(2027, 1, 15), date(2027, 3, 31))
    # the edit form shows them the French way; an ISO date typed there is read too
    page.goto(f"{live_url}/action/edit/{action.id}", wait_until=READY)
    assert page.input_value("input[name=opened_on]") == "15/01/2027"
    assert page.input_value("input[name=due_date]") == "31/03/2027"
    _type(page, "due_date", "2027-04-30")
    _save(page)
    action = _stored(app, title)
    assert action is not None and action.due_date == date(2027, 4, 30)
    page.close()


def test_an_impossible_date_is_refused_in_french_and_nothing_typed_is_lost(
    app: Flask, world: World, live_url: str, browser: Any
) -> None:
    page = sign_in(browser, live_url, world.users["service_head"])
    title = unique("Action impossible ")
    _new_action(page, live_url, world, title)
    page.fill("textarea[name=description]", "Reprendre le marquage au sol.")
    _type(page, "opened_on", "31/02/2026")
    _type(page, "due_date", "2027-01-15")  # ISO
    assert page.input_value("input[name=opened_on]") == "31/02/2026"  # not erased, not rolled
    _save(page)
    assert _stored(app, title) is None  # refused: nothing stored
    body = page.inner_text("body")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "action-form-impossible-date.png"), full_page=True)
    assert "« Ouverte le » : le 31/02/2026 n'existe pas dans le calendrier." in body, body[:3000]
    assert "Not a valid date" not in body
    # every typed value is still there, the impossible date as typed
    assert page.input_value("input[name=opened_on]") == "31/02/2026"
    assert page.input_value("input[name=due_date]") == "2027-01-15"
    assert page.input_value("input[name=title]") == title
    assert page.input_value("textarea[name=description]") == "Reprendre le marquage au sol."
    # corrected, it is stored with the other values
    _type(page, "opened_on", "15/1/27")
    _save(page)
    action = _stored(app, title)
    assert action is not None, page.inner_text("body")[:2000]
    assert (action.opened_on, action.due_date) == (date(2027, 1, 15), date(2027, 1, 15))
    assert action.description == "Reprendre le marquage au sol."
    page.close()
