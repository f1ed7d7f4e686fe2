"""Bad input is never a 500: each class answers 4xx in French and leaves the data unchanged.

Classes (issue 14, item 5): ids beyond 64 bits (in the address, in a payload), a body above
the upload limit, JSON or Rison nested too deep, lone UTF-16 surrogates (escaped in JSON,
their bytes in an address or a form), control characters (refused, never stored), texts
beyond their declared maximum (fields, reasons), numbers no float holds or outside the
indicator's bounds, a bare CR in an imported CSV. Each runs on the REST API and, where a
screen takes the same input, on the screen; the record and its history are compared before
and after. Then: an export stays readable whatever an older version stored, and every error
status is answered in French (JSON on the API, a page on screens).
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from typing import Any

import pytest
from flask import Flask, abort
from openpyxl import load_workbook
from sqlalchemy import func, select, text

from app import create_app, registry
from app.commands.records import create_record
from app.extensions import db
from app.models import HistoryEntry, Measurement, Risk, Target
from app.security.actor import Actor
from tests.conftest import World, login, token, unique
from tests.factories import form_errors

BIG_ID = 2**64 + 5  # beyond any 64-bit id
FRENCH_WORDS = frozenset(
    (
        *("le", "la", "les", "des", "de", "du", "un", "une", "est", "pas", "à", "en"),
        *("introuvable", "enregistrement", "requête", "erreur", "service"),
    )
)
ENGLISH_WORDS = frozenset(
    (
        *("the", "not", "is", "error", "invalid", "missing", "found", "forbidden", "request"),
        *("fatal", "argument", "method", "allowed", "authorized", "internal", "bad"),
    )
)


def _french(text: str) -> bool:
    """A French sentence, not one of Flask-AppBuilder's or Werkzeug's English messages."""
    words = set(re.findall(r"[\wàâçéèêëîïôûùüÿœ]+", text.lower()))
    marked = any(mark in text for mark in "éèàçêâô«»")
    return (marked or bool(words & FRENCH_WORDS)) and not words & ENGLISH_WORDS


# -- the record under test ---------------------------------------------------------------------
@dataclass
class Subject:
    """A risk of S1, editable by the quality cell; its indicator for the value classes."""

    risk: int
    indicator: int
    indicator_code: str
    period: str


@pytest.fixture(scope="module")
def subject(app: Flask, world: World) -> Subject:
    with app.app_context():
        system = Actor.system_actor()
        risk = create_record(
            registry.get("risk"),
            {
                "service": world.services["S1"],
                "title": unique("Risque saisie hostile "),
                "cause": "Cause initiale",
                "likelihood": 2,
                "severity": 2,
            },
            system,
        )
        code = unique("BAD-")
        indicator = create_record(
            registry.get("indicator"),
            {
                "code": code,
                "name": "Taux borné",
                "owner_service": world.services["S1"],
                "frequency": "monthly",
                "min_value": 0,
                "max_value": 100,
            },
            system,
        )
        return Subject(risk.id, indicator.id, code, "2024-02")


def _state(app: Flask, subject: Subject) -> tuple[Any, ...]:
    """Everything a refused request must leave as it was: the risk's columns, its history,
    the indicator's values and targets."""
    with app.app_context():
        risk = db.session.get(Risk, subject.risk)
        assert risk is not None
        columns = (risk.title, risk.cause, risk.service_id, risk.likelihood, risk.version)
        history = db.session.scalar(
            select(func.count()).where(
                HistoryEntry.artefact == "risk", HistoryEntry.record_id == subject.risk
            )
        )
        values = db.session.scalar(
            select(func.count()).where(Measurement.indicator_id == subject.indicator)
        )
        targets = db.session.scalar(
            select(func.count()).where(Target.indicator_id == subject.indicator)
        )
        result = (columns, history, values, targets)
        db.session.remove()
        return result


def _version(app: Flask, subject: Subject) -> int:
    with app.app_context():
        risk = db.session.get(Risk, subject.risk)
        assert risk is not None
        version = risk.version
        db.session.remove()
        return version


@pytest.fixture()
def lowered_limit(app: Flask) -> Iterator[int]:
    """A 4 KB upload limit for one test (restored after), so « too large » is cheap to send."""
    before = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 4096
    try:
        yield 4096
    finally:
        app.config["MAX_CONTENT_LENGTH"] = before


def _nested(depth: int) -> Any:
    value: Any = "fond"
    for _ in range(depth):
        value = [value]
    return value


# -- the API ---------------------------------------------------------------------------------
#: name → (method, path, body) with ``{risk}``, ``{version}``, ``{indicator}``, ``{period}``
#: filled in; body a dict (sent as JSON), bytes (sent raw as JSON) or None; expected status.
Request = tuple[str, str, Any, int, str | None]
API_CASES: dict[str, Request] = {
    "id beyond 64 bits in the address (show)": ("GET", f"/api/v1/risk/{BIG_ID}", None, 404, None),
    "id beyond 64 bits in the address (update)": (
        "PUT",
        f"/api/v1/risk/{BIG_ID}",
        {"title": "x", "version": 1},
        404,
        None,
    ),
    "id beyond 32 bits in the address (INTEGER on PostgreSQL)": (
        "GET",
        f"/api/v1/programme/{2**40}",
        None,
        404,
        None,
    ),
    "id beyond 32 bits in the security API": (
        "GET",
        f"/api/v1/security/roles/{2**40}",
        None,
        404,
        None,
    ),
    "Rison filter beyond 32 bits": (
        "GET",
        f"/api/v1/risk/?q=(filters:!((col:likelihood,opr:eq,value:{2**40})))",
        None,
        400,
        None,
    ),
    "id beyond 64 bits in the address (history)": (
        "GET",
        f"/api/v1/risk/{BIG_ID}/history",
        None,
        404,
        None,
    ),
    "id beyond 64 bits in the address (security API)": (
        "GET",
        f"/api/v1/security/users/{BIG_ID}",
        None,
        404,
        None,
    ),
    "id beyond 64 bits in the payload (number)": (
        "PUT",
        "/api/v1/risk/{risk}",
        {"service": BIG_ID, "version": "{version}"},
        400,
        "service",
    ),
    "id beyond 64 bits in the payload (text)": (
        "PUT",
        "/api/v1/risk/{risk}",
        {"service": str(BIG_ID), "version": "{version}"},
        422,
        "service",
    ),
    "JSON nested too deep": (
        "PUT",
        "/api/v1/risk/{risk}",
        {"title": _nested(60), "version": "{version}"},
        400,
        None,
    ),
    "JSON nested beyond the parser's recursion": (
        "PUT",
        "/api/v1/risk/{risk}",
        b"[" * 100_000 + b"]" * 100_000,
        400,
        None,
    ),
    "Rison nested too deep (list)": (
        "GET",
        "/api/v1/risk/?q=" + "(a:" * 500 + "1" + ")" * 500,
        None,
        400,
        "q",
    ),
    "Rison nested too deep (_info)": ("GET", "/api/v1/risk/_info?q=" + "!(" * 3000, None, 400, "q"),
    "Rison number beyond 64 bits": (
        "GET",
        f"/api/v1/risk/?q=(filters:!((col:service,opr:rel_o_m,value:{BIG_ID})))",
        None,
        400,
        None,
    ),
    "Rison page beyond the offset": (
        "GET",
        "/api/v1/risk/?q=(page:9223372036854775807,page_size:100)",
        None,
        400,
        None,
    ),
    "lone surrogate escaped in JSON": (
        "PUT",
        "/api/v1/risk/{risk}",
        b'{"title": "Risque \\ud800", "version": {version}}',
        400,
        "title",
    ),
    "lone surrogate bytes in the address": (
        "GET",
        "/api/v1/risk/?q=(filters:!((col:title,opr:ct,value:%ED%A0%80)))",
        None,
        400,
        None,
    ),
    "NUL in a text": (
        "PUT",
        "/api/v1/risk/{risk}",
        {"title": "a\x00b", "version": "{version}"},
        422,
        "title",
    ),
    "control character in the third row of a batch": (
        "POST",
        "/api/v1/measurement/batch",
        {
            "measurements": [
                {"indicator": "X", "period": "2024-01", "value": 1},
                {"indicator": "X", "period": "2024-02", "value": 2},
                {"indicator": "X", "period": "2024-03", "value": 3, "comment": "a\x01b"},
            ]
        },
        422,
        "measurements[2].comment",
    ),
    "escape character in a text": (
        "PUT",
        "/api/v1/risk/{risk}",
        {"cause": "a\x1bb", "version": "{version}"},
        422,
        "cause",
    ),
    "line break in a one-line text": (
        "PUT",
        "/api/v1/risk/{risk}",
        {"title": "Titre\nsur deux lignes", "version": "{version}"},
        422,
        "title",
    ),
    "text beyond its column (String)": (
        "PUT",
        "/api/v1/risk/{risk}",
        {"title": "t" * 301, "version": "{version}"},
        422,
        "title",
    ),
    "text beyond its declared maximum (Text, 2 MB)": (
        "PUT",
        "/api/v1/risk/{risk}",
        {"cause": "c" * 2_000_000, "version": "{version}"},
        422,
        "cause",
    ),
    "reason of 2 MB": (
        "PUT",
        "/api/v1/risk/{risk}",
        {"cause": "Nouvelle cause", "reason": "m" * 2_000_000, "version": "{version}"},
        422,
        "reason",
    ),
    "reason with a control character": (
        "PUT",
        "/api/v1/risk/{risk}",
        {"cause": "Nouvelle cause", "reason": "motif\x07", "version": "{version}"},
        422,
        "reason",
    ),
    "NaN in JSON": (
        "PUT",
        "/api/v1/risk/{risk}",
        b'{"likelihood": NaN, "version": {version}}',
        400,
        None,
    ),
    "Infinity in JSON": (
        "POST",
        "/api/v1/measurement/batch",
        b'{"measurements": [{"indicator": "{indicator}", "period": "{period}", '
        b'"value": Infinity}]}',
        400,
        None,
    ),
    "1e400 in JSON": (
        "POST",
        "/api/v1/measurement/batch",
        b'{"measurements": [{"indicator": "{indicator}", "period": "{period}", "value": 1e400}]}',
        400,
        None,
    ),
    "value above the indicator's maximum (batch)": (
        "POST",
        "/api/v1/measurement/batch",
        {"measurements": [{"indicator": "{indicator}", "period": "{period}", "value": 101}]},
        422,
        "value",
    ),
    "value below the indicator's minimum (record)": (
        "POST",
        "/api/v1/measurement/",
        {"indicator": "{indicator_id}", "period": "{period}", "value": -1},
        422,
        "value",
    ),
    "target outside the indicator's bounds": (
        "POST",
        "/api/v1/target/",
        {"indicator": "{indicator_id}", "period": "2024", "value": 250},
        422,
        "value",
    ),
    "comment of a value beyond 2,000 characters": (
        "POST",
        "/api/v1/measurement/batch",
        {
            "measurements": [
                {
                    "indicator": "{indicator}",
                    "period": "{period}",
                    "value": 5,
                    "comment": "c" * 2001,
                }
            ]
        },
        422,
        "comment",
    ),
    "comment of a value with a control character": (
        "POST",
        "/api/v1/measurement/batch",
        {
            "measurements": [
                {"indicator": "{indicator}", "period": "{period}", "value": 5, "comment": "\x0b"}
            ]
        },
        422,
        "comment",
    ),
    "reason of a batch beyond 2,000 characters": (
        "POST",
        "/api/v1/measurement/batch",
        {
            "measurements": [{"indicator": "{indicator}", "period": "{period}", "value": 5}],
            "reason": "r" * 2001,
        },
        422,
        "reason",
    ),
    "integer beyond its column": (
        "PUT",
        "/api/v1/risk/{risk}",
        {"likelihood": "99999999999999999999999", "version": "{version}"},
        422,
        "likelihood",
    ),
}


def _fill(value: Any, fills: dict[str, Any]) -> Any:
    """The case's placeholders replaced by the subject's ids (numbers stay numbers)."""
    if isinstance(value, bytes):
        out = value
        for key, filled in fills.items():
            out = out.replace(b"{" + key.encode() + b"}", str(filled).encode())
        return out
    if isinstance(value, str):
        for key, filled in fills.items():
            if value == "{" + key + "}":
                return filled
            value = value.replace("{" + key + "}", str(filled))
        return value
    if isinstance(value, dict):
        return {k: _fill(v, fills) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, fills) for v in value]
    return value


def _fills(app: Flask, subject: Subject) -> dict[str, Any]:
    return {
        "risk": subject.risk,
        "version": _version(app, subject),
        "indicator": subject.indicator_code,
        "indicator_id": subject.indicator,
        "period": subject.period,
    }


@pytest.mark.parametrize("name", sorted(API_CASES))
def test_api_refuses_bad_input_in_french_and_changes_nothing(
    app: Flask, world: World, client, subject: Subject, name: str
) -> None:
    method, path, body, status, field = API_CASES[name]
    fills = _fills(app, subject)
    headers = token(client, world.users["admin" if "security" in name else "quality"])
    before = _state(app, subject)
    kwargs: dict[str, Any] = {"headers": headers}
    if isinstance(body, bytes):
        kwargs.update(data=_fill(body, fills), content_type="application/json")
    elif body is not None:
        kwargs["json"] = _fill(body, fills)
    response = client.open(_fill(path, fills), method=method, **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.is_json, response.content_type
    payload = response.get_json()
    assert _french(payload["message"]), payload
    if field is not None:
        fields = [str(e.get("field", "")) for e in payload.get("errors", [])]
        assert any(field in f for f in fields), payload
    assert _state(app, subject) == before


def test_body_above_the_limit_is_413_in_french_on_the_api(
    app: Flask, world: World, client, subject: Subject, lowered_limit: int
) -> None:
    headers = token(client, world.users["quality"])
    before = _state(app, subject)
    response = client.put(
        f"/api/v1/risk/{subject.risk}",
        json={"cause": "c" * (2 * lowered_limit), "version": _version(app, subject)},
        headers=headers,
    )
    assert response.status_code == 413
    assert _french(response.get_json()["message"])
    assert _state(app, subject) == before


# -- the screens -----------------------------------------------------------------------------
def _form(client, subject: Subject, **changes: str) -> dict[str, str]:
    """The risk's edit form as the browser would post it unchanged (every input, select and
    text area with its current value), then ``changes``."""
    page = client.get(f"/risk/edit/{subject.risk}").get_data(as_text=True)
    data: dict[str, str] = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if name is None or (kind is not None and kind.group(1) in ("submit", "file", "checkbox")):
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = unescape(value.group(1)) if value else ""
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option[^>]*selected[^>]*value="([^"]*)"', body) or re.search(
            r'<option[^>]*value="([^"]*)"[^>]*selected', body
        )
        data[name] = unescape(chosen.group(1)) if chosen else ""
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        data[name] = unescape(body).strip()
    data.update(changes)
    return data


#: name → (form changes, raw urlencoded body instead, expected status, text on the page).
ScreenCase = tuple[dict[str, str], bytes | None, int, str]
SCREEN_CASES: dict[str, ScreenCase] = {
    # the form's own validation refuses these first, in French, under the field
    "id beyond 64 bits in the payload": (
        {"service": str(BIG_ID)},
        None,
        422,
        "Ce champ est requis",
    ),
    "lone surrogate bytes in a form": ({}, b"title=%ED%A0%80&version=1", 400, "UTF-8"),
    "NUL in a form": ({"title": "a\x00b"}, None, 400, "caractère nul"),
    "escape character in a text": ({"cause": "a\x1bb"}, None, 422, "caractère de contrôle"),
    "text beyond its column": ({"title": "t" * 301}, None, 422, "plus de 300 caractères"),
    "text beyond its declared maximum": ({"cause": "c" * 20_001}, None, 422, "dépasse 20000"),
    "reason beyond 2,000 characters": (
        {"cause": "Autre cause", "reason": "m" * 2001},
        None,
        422,
        "dépasse 2000",
    ),
    "integer beyond its column": ({"likelihood": "9" * 30}, None, 422, "pas un choix valide"),
}


@pytest.mark.parametrize("name", sorted(SCREEN_CASES))
def test_screen_refuses_bad_input_in_french_and_changes_nothing(
    app: Flask, world: World, client, subject: Subject, name: str
) -> None:
    changes, raw, status, expected = SCREEN_CASES[name]
    login(client, world.users["quality"])
    before = _state(app, subject)
    if raw is not None:
        response = client.post(
            f"/risk/edit/{subject.risk}",
            data=raw,
            content_type="application/x-www-form-urlencoded",
        )
    else:
        response = client.post(f"/risk/edit/{subject.risk}", data=_form(client, subject, **changes))
    page = response.get_data(as_text=True)
    assert response.status_code == status, form_errors(response)
    assert 'lang="fr"' in page
    assert expected in page, form_errors(response)
    assert _state(app, subject) == before


def test_screen_id_beyond_64_bits_is_a_french_not_found_page(
    world: World, client, subject: Subject
) -> None:
    login(client, world.users["quality"])
    for path in (f"/risk/show/{BIG_ID}", f"/risk/edit/{BIG_ID}", f"/users/show/{BIG_ID}"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Introuvable" in response.get_data(as_text=True), path


def test_body_above_the_limit_is_a_french_413_page(
    app: Flask, world: World, client, subject: Subject, lowered_limit: int
) -> None:
    login(client, world.users["quality"])
    before = _state(app, subject)
    response = client.post(
        f"/risk/edit/{subject.risk}",
        data=_form(client, subject, cause="c" * (2 * lowered_limit)),
    )
    assert response.status_code == 413
    assert _french(response.get_data(as_text=True))
    assert _state(app, subject) == before


def test_entry_sheet_refuses_a_control_character_in_a_comment(
    app: Flask, world: World, client, subject: Subject
) -> None:
    login(client, world.users["service_head"])
    before = _state(app, subject)
    response = client.post(
        "/entry/",
        data={
            "service": str(world.services["S1"]),
            "month": subject.period,
            f"value-{subject.indicator}": "12",
            f"comment-{subject.indicator}": "relevé\x0bcollé de Word",
        },
    )
    assert response.status_code == 422, form_errors(response)
    assert "caractère de contrôle" in response.get_data(as_text=True), form_errors(response)
    assert _state(app, subject) == before


# -- imports ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "content",
    [
        "Indicateur;Période;Valeur;Commentaire\r\n{code};{period};12;relevé\rpesée\r\n",
        'Indicateur;Période;Valeur;Commentaire\n{code};{period};12;"relevé\rpesée"\n',
    ],
    ids=["unquoted", "quoted"],
)
def test_import_refuses_a_bare_cr_naming_line_and_field(
    app: Flask, world: World, client, subject: Subject, content: str
) -> None:
    login(client, world.users["service_head"])
    before = _state(app, subject)
    data = content.format(code=subject.indicator_code, period=subject.period).encode("utf-8")
    response = client.post(
        "/import/",
        data={"file": (io.BytesIO(data), "mesures.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422, response.get_data(as_text=True)[:500]
    page = response.get_data(as_text=True)
    assert "Ligne 2, colonne « Commentaire »" in page, page[:3000]
    assert _state(app, subject) == before


def test_import_refuses_a_control_character_in_a_cell(
    app: Flask, world: World, client, subject: Subject
) -> None:
    login(client, world.users["service_head"])
    before = _state(app, subject)
    data = (
        f"Indicateur;Période;Valeur;Commentaire\n{subject.indicator_code};{subject.period};12;"
        "a\x1bb\n"
    ).encode()
    response = client.post(
        "/import/",
        data={"file": (io.BytesIO(data), "mesures.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "caractère de contrôle" in response.get_data(as_text=True)
    assert _state(app, subject) == before


# -- exports ---------------------------------------------------------------------------------
def test_exports_stay_readable_with_characters_stored_before_the_rule(
    app: Flask, world: World, client
) -> None:
    """A record an older version stored with control characters (written here in SQL, as no
    command takes them any more) exports as « � » instead of failing the list for everyone."""
    title = unique("Risque ancien ")
    with app.app_context():
        risk = create_record(
            registry.get("risk"),
            {"service": world.services["S1"], "title": title, "likelihood": 1, "severity": 1},
            Actor.system_actor(),
        )
        db.session.execute(
            text("UPDATE risk SET cause = :cause WHERE id = :id"),
            {"cause": "avant\x1b\x07après", "id": risk.id},
        )
        db.session.commit()
        db.session.remove()
    headers = token(client, world.users["quality"])
    xlsx = client.get("/api/v1/risk/export?format=xlsx", headers=headers)
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.data), read_only=True).worksheets[0]
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert "avant\ufffd\ufffdaprès" in cells
    csv = client.get("/api/v1/risk/export?format=csv", headers=headers)
    assert csv.status_code == 200
    assert "avant\ufffd\ufffdaprès" in csv.get_data(as_text=True)


# -- every error status, in French -----------------------------------------------------------
STATUSES = (400, 403, 404, 405, 409, 413, 422, 429, 500, 503)


@pytest.fixture(scope="module")
def status_app(app: Flask) -> Flask:
    """An app of its own (same database) with routes answering each status — by Werkzeug's
    exception, as any library would raise it — and one raising an unexpected exception."""
    own = create_app(
        {
            **{k: app.config[k] for k in ("SECRET_KEY", "SQLALCHEMY_DATABASE_URI")},
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "VIGIE_INSTANCE_DIR": app.config["VIGIE_INSTANCE_DIR"],
            "VIGIE_REDIS_URL": app.config.get("VIGIE_REDIS_URL"),
        }
    )

    def status(code: int) -> Any:
        if code == 500:
            raise RuntimeError("panne simulée")
        if code == 429:
            from werkzeug.exceptions import TooManyRequests

            raise TooManyRequests(retry_after=30)
        abort(code)

    own.add_url_rule("/api/v1/_test_status/<int:code>", "api_status", status)
    own.add_url_rule("/_test_status/<int:code>", "page_status", status)
    return own


@pytest.mark.parametrize("code", STATUSES)
def test_every_error_status_is_french_json_on_the_api(
    status_app: Flask, code: int, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="app.http"):
        response = status_app.test_client().get(f"/api/v1/_test_status/{code}")
    assert response.status_code == code
    assert response.is_json
    assert _french(response.get_json()["message"]), response.get_json()
    if code == 429:
        assert response.headers["Retry-After"] == "30"
    if code == 500:
        assert "panne simulée" not in response.get_data(as_text=True)
        assert any(r.exc_info for r in caplog.records), "the traceback is logged"


@pytest.mark.parametrize("code", STATUSES)
def test_every_error_status_is_a_french_page_on_screens(status_app: Flask, code: int) -> None:
    response = status_app.test_client().get(f"/_test_status/{code}")
    assert response.status_code == code
    page = response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    assert 'lang="fr"' in page and "alert-danger" in page
    assert _french(page)
    assert "panne simulée" not in page


def test_method_not_allowed_keeps_allow_header(client, world: World) -> None:
    response = client.delete("/api/v1/_openapi", headers=token(client, world.users["admin"]))
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert _french(response.get_json()["message"])


@pytest.mark.parametrize(
    "path",
    ["/api/v1/risk/2147483647", "/api/v1/security/roles/2147483647", "/api/v1/nulle-part"],
)
def test_flask_appbuilder_own_answers_are_french(client, world: World, path: str) -> None:
    response = client.get(path, headers=token(client, world.users["admin"]))
    assert response.status_code == 404
    assert _french(response.get_json()["message"])


def test_unauthenticated_api_is_french(client) -> None:
    response = client.get("/api/v1/risk/")
    assert response.status_code == 401
    assert _french(response.get_json()["message"])
