"""CSRF on every write the browser session carries, the API's tokens without it, redirects.

The sweep walks the application's URL map: every rule accepting POST, PUT, PATCH or DELETE
is tried with an administrator's session cookie and no token, form-encoded (and as JSON
under ``/api/``), so a route added tomorrow is covered without being named here. Each must
answer the French CSRF refusal, and the database must read the same afterwards. The
application under test is a second one on the same database, built with CSRF on as in
production (the session-wide ``app`` runs with it off).
"""

from __future__ import annotations

import hashlib
import re
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app import create_app, registry
from app.commands.records import archive_record, create_record
from app.extensions import db
from app.http import in_app_target, safe_path
from app.security.actor import Actor
from tests.conftest import World, login, token, unique

#: The French refusal (app/cross_site.py), on screens and in JSON.
REFUSAL = "jeton de sécurité"
WRITES = ("POST", "PUT", "PATCH", "DELETE")


@pytest.fixture(scope="module")
def protected(app: Flask) -> Flask:
    """Vigie as in production: CSRF on (same database, same secret key)."""
    return create_app({**app.config, "WTF_CSRF_ENABLED": True})


def session_client(app: Flask, protected: Flask, username: str) -> FlaskClient:
    """A client of the protected app carrying ``username``'s browser session cookie."""
    plain = login(app.test_client(), username)
    cookie = plain.get_cookie("session")
    assert cookie is not None
    client = protected.test_client()
    client.set_cookie("session", cookie.value)
    return client


def page_token(client: FlaskClient) -> str:
    """The token a page's scripts read (the base template's ``csrf-token`` meta tag)."""
    page = client.get("/notifications/")
    assert page.status_code == 200, page.status_code
    found = re.search(rb'<meta name="csrf-token" content="([^"]+)"', page.data)
    assert found, "no csrf-token meta tag in the base template"
    return found.group(1).decode()


def fingerprint(flask_app: Flask) -> dict[str, str]:
    """Every table's rows, hashed: equal before and after means nothing was written."""
    digests = {}
    with flask_app.app_context():
        for table in db.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            rows = db.session.execute(select(table).order_by(*order)).all()
            digests[table.name] = hashlib.sha256(repr(rows).encode()).hexdigest()
        db.session.remove()
    return digests


def sample_url(rule: Any, pk: int) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", str(pk), rule.rule)


def write_rules(flask_app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, rule) of every write the URL map offers."""
    found = []
    for rule in flask_app.url_map.iter_rules():
        for method in sorted(set(rule.methods or ()) & set(WRITES)):
            found.append((rule.endpoint, method, rule))
    return found


def archived_service(flask_app: Flask) -> int:
    """A new archived service (a restore would bring it back)."""
    with flask_app.app_context():
        service = registry.get("service")
        obj = create_record(
            service, {"code": unique("CSRF"), "name": "Service à restaurer"}, Actor.system_actor()
        )
        archive_record(service, obj, Actor.system_actor(), reason="essai")
        return int(obj.id)


@pytest.fixture(scope="module")
def archived(app: Flask, world: World) -> int:
    return archived_service(app)


def test_every_session_write_without_token_is_refused(
    app: Flask, protected: Flask, world: World, archived: int
) -> None:
    rules = write_rules(protected)
    assert len(rules) > 100  # the whole map, not a sample
    client = session_client(app, protected, world.users["admin"])
    before = fingerprint(protected)
    accepted = []
    for endpoint, method, rule in rules:
        url = sample_url(rule, archived)
        form = {"reason": "essai", "name": "x", "event": "x", "id": str(archived), "next": "/"}
        answers = [client.open(url, method=method, data=form)]
        if url.startswith("/api/"):
            answers.append(client.open(url, method=method, json=form))
        for response in answers:
            body = str(response.json) if response.is_json else response.get_data(as_text=True)
            if response.status_code not in (400, 403) or REFUSAL not in body:
                accepted.append((endpoint, method, response.status_code, body[:120]))
    assert accepted == []
    assert fingerprint(protected) == before


def test_the_refusal_is_french_json_under_the_api_and_a_page_on_screens(
    app: Flask, protected: Flask, world: World, archived: int
) -> None:
    client = session_client(app, protected, world.users["quality"])
    api = client.post(f"/api/v1/service/{archived}/restore", data={"reason": "essai"})
    assert api.status_code == 400
    assert REFUSAL in api.json["message"]
    screen = client.post(f"/service/restore/{archived}", data={"reason": "essai"})
    assert screen.status_code == 400
    assert screen.mimetype == "text/html"
    assert REFUSAL in screen.get_data(as_text=True)


def test_with_the_pages_token_the_same_writes_go_through(
    app: Flask, protected: Flask, world: World
) -> None:
    """The control: the refusal is the token's, not the route's (and pages' scripts work)."""
    pk = archived_service(app)
    client = session_client(app, protected, world.users["quality"])
    header = {"X-CSRFToken": page_token(client)}
    restored = client.post(f"/api/v1/service/{pk}/restore", json={"reason": "x"}, headers=header)
    assert restored.status_code == 200, restored.json
    again = client.delete(f"/api/v1/service/{pk}?reason=x", headers=header)
    assert again.status_code == 200, again.json
    form = client.post(
        f"/service/restore/{pk}", data={"reason": "x", "csrf_token": header["X-CSRFToken"]}
    )
    assert form.status_code == 302
    with app.app_context():
        assert db.session.get(registry.get("service").model, pk).archived is False


def test_bearer_tokens_need_no_csrf_token(app: Flask, protected: Flask, world: World) -> None:
    """A JWT, and an application's API key, stay token-only (no session, no CSRF token)."""
    jwt = token(app.test_client(), world.users["quality"])
    client = protected.test_client()
    code = unique("JWT")
    created = client.post("/api/v1/service/", json={"code": code, "name": code}, headers=jwt)
    assert created.status_code == 201, created.json
    from app.models import SourceApplication
    from app.security.applications import issue_key

    with app.app_context():
        source = create_record(
            registry.get("source_application"),
            {
                "code": unique("CSRFAPP"),
                "name": "Logiciel",
                "owner_service": world.services["S1"],
                "expected_frequency": "monthly",
            },
            Actor.system_actor(),
        )
        secret = issue_key(db.session.get(SourceApplication, source.id), None).secret
    pushed = client.post(
        "/api/v1/measurement/batch",
        json={"measurements": []},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert pushed.status_code in (200, 422), pushed.json
    assert REFUSAL not in str(pushed.json)


def test_a_bearer_header_without_a_token_is_no_bearer(
    app: Flask, protected: Flask, world: World, archived: int
) -> None:
    client = session_client(app, protected, world.users["quality"])
    for header in ("Bearer", "Bearer   ", "Basic dXNlcjpwYXNz", "bearer"):
        response = client.post(
            f"/api/v1/service/{archived}/restore", json={}, headers={"Authorization": header}
        )
        assert response.status_code == 400, header
        assert REFUSAL in response.json["message"]


# ------------------------------------------------------------------------------- redirects
HOSTILE = [
    "//evil.example",
    "///evil.example",
    "////evil.example/x",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\\/evil.example",
    "http://evil.example",
    "https://evil.example/x",
    "HTTPS://evil.example",
    "http:evil.example",
    "http:/evil.example",
    "https:\\\\evil.example",
    "ftp://evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "evil.example/path",
    "../../evil.example",
    "/%2F%2Fevil.example",
    "/%2fevil.example",
    "%2F%2Fevil.example",
    "/%5Cevil.example",
    "/%5C%5Cevil.example",
    "/%252F%252Fevil.example",
    "/%25252F%25252Fevil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/%09/evil.example",
    "/%0a/evil.example",
    "/%0d%0aLocation:%20http://evil.example",
    "/\x00/evil.example",
    "\x01//evil.example",
    "/\u200b/evil.example",
    "/\u202e/evil.example",
    "/\uff0fevil.example",
    "/\uff3cevil.example",
    "/%EF%BC%8Fevil.example",
    "//evil.example@localhost/",
    "http://localhost@evil.example/",
    "http://evil.example#@localhost/",
    "http://localhost.evil.example/",
]
SAFE = [
    "/",
    "/indicator/list/",
    "/indicator/show/12",
    "/indicator/list/?_flt_0_name=a%2Fb",
    "/jobs/?job=3",
    "/service/show/1#history",
    "/login/?next=%2Findicator%2Flist%2F",
]


def lands_on_site(location: str) -> bool:
    """Where a browser goes with this ``Location`` (tabs and newlines dropped, backslashes
    read as slashes): this site, or elsewhere."""
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in location.strip("\t\n\r")):
        return False
    cleaned = re.sub(r"[\t\n\r]", "", location).replace("\\", "/")
    target = urlsplit(urljoin("http://localhost/jobs/", cleaned))
    return target.scheme in ("http", "https") and target.hostname == "localhost"


@pytest.mark.parametrize("target", HOSTILE)
def test_the_one_check_refuses_every_hostile_target(app: Flask, target: str) -> None:
    assert safe_path(target) is None
    with app.test_request_context("/"):
        assert in_app_target(target) is None


@pytest.mark.parametrize("target", SAFE)
def test_the_one_check_keeps_in_app_paths(app: Flask, target: str) -> None:
    assert safe_path(target) == target
    with app.test_request_context("/"):
        assert in_app_target(target) == target
        assert in_app_target("http://localhost" + target) == target


def test_the_browser_judge_of_these_tests_can_fail() -> None:
    assert not lands_on_site("/\\evil.example")
    assert not lands_on_site("/\t/evil.example")
    assert lands_on_site("/indicator/list/")


SENDABLE = [t for t in HOSTILE if not re.search(r"[\x00-\x1f]", t)]


@pytest.mark.parametrize("target", SENDABLE)
def test_every_redirect_off_site_goes_home(app: Flask, target: str) -> None:
    """The check every redirect passes on its way out (behind FAB's own check of the login's
    ``next`` and Werkzeug's quoting of ``Location``, both of which it does not rely on)."""
    from flask import Response

    from app.cross_site import keep_redirects_on_site

    with app.test_request_context("/indicator/list/"):
        response = keep_redirects_on_site(Response(status=302, headers={"Location": target}))
        assert response.headers["Location"] == "/"
        kept = keep_redirects_on_site(
            Response(status=303, headers={"Location": "http://localhost/jobs/?job=3"})
        )
        assert kept.headers["Location"] == "http://localhost/jobs/?job=3"


def test_fab_login_next_stays_on_site(app: Flask, world: World) -> None:
    """End to end: whatever the ``next``, the browser stays on the site."""
    client = login(app.test_client(), world.users["quality"])
    for target in HOSTILE:
        response = client.get("/login/", query_string={"next": target})
        if response.status_code == 400:  # a control character the input gate refuses
            assert target not in SENDABLE and "Location" not in response.headers, target
            continue
        assert response.status_code == 302, target
        assert lands_on_site(response.headers["Location"]), (target, response.headers)


def test_login_form_next_stays_on_site(app: Flask, world: World) -> None:
    from tests.conftest import PASSWORD

    for target in ("/\\evil.example", "/%09/evil.example", "//evil.example"):
        client = app.test_client()
        response = client.post(
            "/login/",
            query_string={"next": target},
            data={"username": world.users["agent"], "password": PASSWORD},
        )
        assert response.status_code == 302, target
        assert lands_on_site(response.headers["Location"]), (target, response.headers)


def test_form_next_and_referrer_stay_on_site(app: Flask, world: World) -> None:
    from app.jobs import kinds

    with app.app_context():
        report = kinds.routes_of("indicator")[0].route
    client = login(app.test_client(), world.users["quality"])
    for target in HOSTILE:
        asked = client.post(
            "/jobs/request",
            data={"artefact": "indicator", "report": report, "id": "999999999", "next": target},
        )
        if asked.status_code == 400:  # a control character the input gate refuses
            assert target not in SENDABLE and "Location" not in asked.headers, target
            continue
        assert asked.status_code == 303, target
        assert lands_on_site(asked.headers["Location"]), (target, asked.headers)
    admin = login(app.test_client(), world.users["admin"])
    for target in (*SENDABLE, "http://evil.example/roles/list/"):
        # a refused write goes back to the page it came from, if that page is ours
        refused = admin.post("/roles/edit/1", data={"name": "x"}, headers={"Referer": target})
        assert refused.status_code == 302, target
        assert lands_on_site(refused.headers["Location"]), (target, refused.headers)
    back = admin.post(
        "/roles/edit/1", data={"name": "x"}, headers={"Referer": "http://localhost/roles/list/"}
    )
    assert back.headers["Location"] == "/roles/list/"
