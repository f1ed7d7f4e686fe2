"""RGAA on every hand-written screen (issue 15 item 9): axe-core at 1440 and 390 px, impact
moderate or above, each as the role that uses it — the quality cell's screens and one
artefact's four record pages (the templates every record page is drawn with), the
administrator's screens, the sign-in and accessibility pages for someone not signed in.

The every-record-page check at 1440 px is test_accessibility_pages.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.axe_pages import PHONE_ARTEFACT, check, record_pages, report
from tests.browser_fixtures import sign_in
from tests.conftest import World
from tests.factories import build_meeting, build_programme

pytestmark = pytest.mark.browser


def test_every_screen_at_desk_and_phone_width(
    app: Flask, world: World, live_url: str, browser: Any
) -> None:
    town = build_programme(app, world)
    meeting = build_meeting(app, world)
    _objective, _title, indicator = town["objectives"]["S1"]
    hand_written = [
        "/",
        "/tasks/",
        "/entry/",
        "/collection_health/",
        "/jobs/",
        "/notifications/",
        "/dashboards/",
        f"/strategy_map/{town['programme']}",
        f"/strategy_map/{town['programme']}/objective/{town['strategic'][0][0]}",
        f"/cards/indicator/{indicator}",
        f"/review_meeting/{meeting.review_id}",
        "/import/",
        "/accessibilite",
        "/page-qui-n-existe-pas",
    ]
    problems: dict[str, list[str]] = {}
    context = browser.new_context(locale="fr-FR")
    try:
        page = sign_in(context, live_url, world.users["quality"])
        phone = [p for p in record_pages(app) if p.startswith(f"/{PHONE_ARTEFACT}/")]
        problems |= check(page, live_url, hand_written + phone)
    finally:
        context.close()
    context = browser.new_context(locale="fr-FR")
    try:
        page = sign_in(context, live_url, world.users["admin"])
        admin_pages = ["/users/list/", "/roles/list/", "/application_accounts/", "/mail_queue/"]
        problems |= check(page, live_url, admin_pages)
    finally:
        context.close()
    context = browser.new_context(locale="fr-FR")
    try:
        page = context.new_page()
        problems |= check(page, live_url, ["/login/", "/accessibilite"])
    finally:
        context.close()
    text = report(problems, "axe-screens.txt")
    assert problems == {}, text
