"""Nothing typed is ever lost: every artefact's add form shows every typed value again after
an error, with the error beside its field, and stores nothing.

Generated from the registry: for each artefact the add form is read as a browser sees it
(every input, select and textarea), each field is filled with a valid value (the scope
matrix's payload where it has one, else a value of the column's kind, else the first option
a picker offers), then ONE other field is broken — a required field emptied, or a number or
date field given text that is neither — and the form is posted. The page that comes back
must hold every other value exactly as typed (input value, selected options, textarea text,
checked box), the error must sit in the broken field's row, and the table must be unchanged.
A file chosen with the form is kept too: the page names it and a second submission, once the
error is fixed, stores the record with that file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask

from app import registry
from app.extensions import db
from app.formatting import format_date
from tests.conftest import World, login, unique
from tests.factories import count
from tests.scope_cases import ARTEFACTS, CASES

#: What the form parser does not fill: the hidden version (edit only) and the CSRF token.
NOT_TYPED = {"csrf_token", "version"}
#: A valid date, typed the ISO way that every date parser of Vigie accepts.
TYPED_DATE = "2027-01-15"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# ------------------------------------------------------------------------- reading a form
@dataclass
class FormField:
    """One named control of the form as the browser would submit it."""

    name: str
    tag: str  # input, select, textarea
    kind: str = "text"  # the input type, "select", "select-multiple", "textarea"
    value: str = ""
    selected: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    checked: bool = False
    required: bool = False
    row: int = -1  # the table row (or form group) holding it


class FormPage(HTMLParser):
    """The fields of ``form#model_form`` and the error messages of each row."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: dict[str, FormField] = {}
        self.row_errors: dict[int, list[str]] = {}
        self.held_files: list[str] = []
        self._in_form = False
        self._rows = 0
        self._row = -1
        self._select: FormField | None = None
        self._option: str | None = None
        self._textarea: FormField | None = None
        self._error_depth = 0
        self._error_text: list[str] = []
        self._depth = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id") == "model_form":
            self._in_form = True
        if not self._in_form:
            return
        self._depth += 1
        classes = a.get("class", "").split()
        if tag == "tr" or (tag == "div" and "form-group" in classes):
            self._rows += 1
            self._row = self._rows
        if self._error_depth == 0 and ("alert-danger" in classes or a.get("role") == "alert"):
            self._error_depth = self._depth
            self._error_text = []
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind == "hidden" and name not in NOT_TYPED and name != "held_file":
                kind = "hidden"
            if name == "held_file":
                self.held_files.append(a.get("value", ""))
                return
            if kind in ("submit", "button"):
                return
            self.fields[name] = FormField(
                name,
                "input",
                kind,
                value=a.get("value", ""),
                checked="checked" in a,
                required="required" in a,
                row=self._row,
            )
        elif tag == "select" and name:
            self._select = FormField(
                name,
                "select",
                "select-multiple" if "multiple" in a else "select",
                required="required" in a,
                row=self._row,
            )
            self.fields[name] = self._select
        elif tag == "option" and self._select is not None:
            self._option = a.get("value", "")
            self._select.options.append(self._option)
            if "selected" in a:
                self._select.selected.append(self._option)
        elif tag == "textarea" and name:
            self._textarea = FormField(
                name, "textarea", "textarea", required="required" in a, row=self._row
            )
            self.fields[name] = self._textarea

    def handle_endtag(self, tag: str) -> None:
        if not self._in_form:
            return
        if self._error_depth and self._depth == self._error_depth:
            text = " ".join("".join(self._error_text).split())
            if text:
                self.row_errors.setdefault(self._row, []).append(text)
            self._error_depth = 0
        self._depth -= 1
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # a textarea's first line break is markup, not content
            value = self._textarea.value
            self._textarea.value = value[2:] if value.startswith("\r\n") else value
            self._textarea.value = self._textarea.value.removeprefix("\n")
            self._textarea = None
        elif tag == "form":
            self._in_form = False

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            # a textarea's first newline is markup, not content
            self._textarea.value += data
        if self._error_depth:
            self._error_text.append(data)

    # -- what the page shows again
    def shown(self, name: str) -> Any:
        f = self.fields[name]
        if f.kind == "checkbox":
            return f.checked
        if f.kind == "select":
            return f.selected[0] if f.selected else (f.options[0] if f.options else "")
        if f.kind == "select-multiple":
            return sorted(f.selected)
        return f.value


# ------------------------------------------------------------------------- filling a form
def _text_value(artefact: Any, name: str, f: FormField) -> str:
    kind = artefact.column_kind(name)
    if kind == "date":
        return TYPED_DATE
    if kind == "datetime":
        return "2027-01-15 10:30:00"
    if kind == "number":
        return "3"
    return unique("Saisi ")[:20]


def _from_payload(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, list):
        return sorted(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


def fill(app: Flask, world: World, code: str, page: FormPage) -> dict[str, Any]:
    """A valid value for every field of the form (what a careful user would type)."""
    artefact = registry.get(code)
    payload = CASES[code].payload(world, app, "S1")
    values: dict[str, Any] = {}
    for name, f in page.fields.items():
        if name in NOT_TYPED or f.kind in ("hidden", "file"):
            continue
        if name in payload and payload[name] is not None:
            values[name] = _from_payload(payload[name])
        elif f.kind == "checkbox":
            values[name] = not f.checked  # the other answer than the default, either way
        elif f.kind == "select":
            offered = [o for o in f.options if o not in ("", "__None")]
            current = f.selected[0] if f.selected else None
            others = [o for o in offered if o != current]
            values[name] = (others or offered or f.options[:1] or [""])[0]
        elif f.kind == "select-multiple":
            values[name] = sorted(f.options[:1])
        elif f.kind == "textarea":
            values[name] = unique("Texte saisi ")
        else:
            values[name] = _text_value(artefact, name, f)
    return values


def post_data(values: dict[str, Any], page: FormPage) -> dict[str, Any]:
    """The values as the browser posts them (an unchecked box posts nothing)."""
    data: dict[str, Any] = {}
    for name, value in values.items():
        if value is True:
            data[name] = "y"
        elif value is False:
            continue
        elif isinstance(value, list):
            data[name] = value
        else:
            data[name] = value
    return data


@dataclass
class Break:
    """How one field is broken: its name, what is posted instead."""

    name: str
    posted: Any
    how: str


def breaks_for(code: str, page: FormPage, values: dict[str, Any]) -> list[Break]:
    """A required field emptied, and a number or date field given text (when there is one)."""
    found: list[Break] = []
    required = [
        n
        for n, f in page.fields.items()
        if f.required and n in values and f.kind in ("text", "textarea", "select")
    ]
    if required:
        name = required[0]
        blank = "__None" if "__None" in page.fields[name].options else ""
        found.append(Break(name, blank, "emptied"))
    typed = [n for n, f in page.fields.items() if f.kind == "text" and _is_number_or_date(code, n)]
    if typed:
        found.append(Break(typed[0], "pas une valeur", "invalid"))
    return found


def _is_number_or_date(code: str, name: str) -> bool:
    """A column typed as a number or a date (a year or a version number included)."""
    column = getattr(registry.get(code).model, name, None)
    try:
        python_type = column.property.columns[0].type.python_type  # type: ignore[union-attr]
    except (AttributeError, NotImplementedError):
        return False
    return python_type in (int, float, date)


def same(typed: Any, shown: Any, artefact: Any, name: str) -> bool:
    """The page shows what was typed (a date may come back normalised, French or ISO)."""
    if typed == shown:
        return True
    if artefact.column_kind(name) == "date" and typed == TYPED_DATE:
        return shown in (format_date(date.fromisoformat(TYPED_DATE)), TYPED_DATE)
    return False


def writer(code: str) -> str:
    # individual objectives are confidential: the S1 head writes those of their reports
    return "quality" if CASES[code].quality_writes_anywhere else "service_head"


CASES_TO_RUN = [
    pytest.param(code, how, id=f"{code}-{how}")
    for code in ARTEFACTS
    for how in ("emptied", "invalid")
]


def test_every_artefact_is_covered(app: Flask) -> None:
    with app.app_context():
        assert {a.code_name for a in registry.all_artefacts()} == set(ARTEFACTS)


@pytest.mark.parametrize(("code", "how"), CASES_TO_RUN)
def test_add_form_keeps_every_typed_value_after_an_error(
    app: Flask, world: World, client: Any, code: str, how: str
) -> None:
    artefact = registry.get(code)
    login(client, world.users[writer(code)])
    blank = client.get(f"/{code}/add")
    assert blank.status_code == 200
    page = FormPage(blank.get_data(as_text=True))
    values = fill(app, world, code, page)
    chosen = [b for b in breaks_for(code, page, values) if b.how == how]
    if not chosen:
        pytest.skip(f"{code}: no field to break this way ({how})")
    broken = chosen[0]
    data = post_data({**values, broken.name: broken.posted}, page)
    if artefact.accepts_upload:
        data["file"] = (__import__("io").BytesIO(PDF), "rapport-garde.pdf")
    before = count(app, code)
    response = client.post(f"/{code}/add", data=data, content_type="multipart/form-data")
    assert response.status_code in (400, 409, 422), response.status_code
    again = FormPage(response.get_data(as_text=True))
    lost = {
        name: (typed, again.shown(name) if name in again.fields else "(absent)")
        for name, typed in values.items()
        if name != broken.name
        and (name not in again.fields or not same(typed, again.shown(name), artefact, name))
    }
    assert not lost, f"{code}: values lost after an error on {broken.name}: {lost}"
    row = again.fields[broken.name].row
    assert again.row_errors.get(row), (
        f"{code}: no error beside {broken.name} (errors by row: {again.row_errors})"
    )
    if how == "invalid":
        # the broken value itself comes back too, so the user sees what to correct
        assert again.shown(broken.name) == broken.posted
    assert count(app, code) == before
    if artefact.accepts_upload:
        assert again.held_files, f"{code}: the chosen file was dropped"
        assert "rapport-garde.pdf" in response.get_data(as_text=True)
        fixed = post_data(values, page)
        fixed["held_file"] = again.held_files[0]
        saved = client.post(f"/{code}/add", data=fixed, content_type="multipart/form-data")
        assert saved.status_code == 302, FormPage(saved.get_data(as_text=True)).row_errors
        with app.app_context():
            model: Any = artefact.model
            obj = db.session.query(model).order_by(model.id.desc()).first()
            assert obj.file_name == "rapport-garde.pdf"


# ------------------------------------------------------------------------- in Chromium
@pytest.mark.browser
def test_in_chromium_a_refused_action_form_gives_back_everything_typed(
    app: Flask, world: World, live_url: str, browser: Any
) -> None:
    """The person's own browser, CSRF on: type a whole action, get one number wrong, send."""
    from playwright.sync_api import expect

    from tests.browser_fixtures import pick_related, sign_in

    page = sign_in(browser, live_url, world.users["quality"])
    page.goto(f"{live_url}/action/add", wait_until="domcontentloaded")
    title = unique("Action saisie navigateur ")
    page.fill("#title", title)
    page.fill("#description", "Reprendre la signalétique du hall.\nDeux panneaux.")
    # the service is typed for and picked in the autocomplete: the form holds no list of them
    pick_related(page, "service", "S1", "S1 —")
    expect(page.locator("#service")).to_have_value(str(world.services["S1"]))
    page.select_option("#kind", "preventive", force=True)
    # the date is chosen in the picker, which writes it in its own format: the page must
    # give back exactly what the picker wrote
    page.click("#due_date")
    page.locator(".datepicker-days td.day:not(.old):not(.new)", has_text="15").first.click()
    chosen = page.input_value("#due_date")
    assert chosen, "the date picker wrote no date"
    page.fill("#progress", "beaucoup")
    before = count(app, "action")
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.click("#model_form button[type=submit]")
    expect(page.locator("#title")).to_have_value(title)
    expect(page.locator("#description")).to_have_value(
        "Reprendre la signalétique du hall.\nDeux panneaux."
    )
    expect(page.locator("#service")).to_have_value(str(world.services["S1"]))
    expect(page.locator("#kind")).to_have_value("preventive")
    expect(page.locator("#due_date")).to_have_value(chosen)
    expect(page.locator("#progress")).to_have_value("beaucoup")
    progress_row = page.locator("#model_form tr", has=page.locator("#progress"))
    expect(progress_row.locator(".alert-danger")).not_to_have_count(0)
    assert count(app, "action") == before
    page.close()
