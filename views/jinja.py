"""Template helpers shared by every screen: the formatting filters (from :mod:`app.formatting`,
the one formatting module), state badges, history labels."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.formatting import (
    format_date,
    format_datetime,
    format_iso_datetime,
    format_number,
    format_plain_number,
    format_quantity,
    unit_label,
)
from app.registry import display
from app.registry.artefact import Artefact
from app.states import state_tone
from workflows.tables import WORKFLOWS

HISTORY_ACTIONS = {
    "create": _l("Création"),
    "update": _l("Modification"),
    "archive": _l("Archivage"),
    "restore": _l("Restauration"),
    "delete": _l("Suppression"),
    "transition": _l("Changement d'état"),
}


def state_badge(code: str | None, label: object) -> Markup:
    """A workflow state as a badge: colour family, icon and French label (never colour alone)."""
    tone, icon = state_tone(code)
    return Markup(
        '<span class="vigie-state vigie-state-{tone}" data-state="{code}">'
        '<i class="fa {icon}" aria-hidden="true"></i> {label}</span>'
    ).format(tone=tone, code=code or "", icon=icon, label=str(label))


def workflow_event_label(artefact: Any, event: str) -> str:
    """The French label of a workflow event of this artefact (its code if unknown)."""
    workflow = WORKFLOWS.get(getattr(artefact, "code_name", ""))
    for row in workflow.transitions if workflow else ():
        if row.event == event:
            return str(row.label)
    return event


def history_value(artefact: Artefact, field: str, value: Any) -> str:
    """A value of a history diff as people read it (the rule of lists and show pages)."""
    return display.shown_recorded(artefact, field, value)


def history_action_label(action: str) -> str:
    return str(HISTORY_ACTIONS.get(action, action))


def args_without(args: Any, *names: str) -> dict[str, Any]:
    """The request's query arguments minus some names (for toggle links)."""
    return {k: v for k, v in args.items() if k not in names}


def _declare_language(response: Any) -> Any:
    """Give every page ``<html lang="…">`` (RGAA: screen readers pick their voice from it).

    Flask-AppBuilder's page skeleton writes a bare ``<html>`` outside any template block, so
    the attribute is added to the rendered page rather than by copying that skeleton.
    """
    if response.mimetype != "text/html" or response.direct_passthrough or response.is_streamed:
        return response
    body = response.get_data()
    if b"<html>" in body[:400]:
        locale = str(get_locale() or "fr").split("_")[0]
        response.set_data(body.replace(b"<html>", f'<html lang="{locale}">'.encode(), 1))
    return response


def register_template_helpers(app: Flask) -> None:
    app.after_request(_declare_language)
    app.jinja_env.filters["vigie_datetime"] = format_datetime
    app.jinja_env.filters["vigie_iso_datetime"] = format_iso_datetime
    app.jinja_env.filters["vigie_date"] = format_date
    app.jinja_env.filters["vigie_number"] = format_number
    # a number to edit: exact, decimal comma, no grouping (``vigie_number`` rounds to 2 places)
    app.jinja_env.filters["vigie_plain_number"] = format_plain_number
    app.jinja_env.filters["vigie_quantity"] = format_quantity
    app.jinja_env.filters["vigie_unit"] = unit_label
    app.jinja_env.globals["history_value"] = history_value
    app.jinja_env.globals["history_field_shown"] = display.is_shown
    app.jinja_env.globals["history_action_label"] = history_action_label
    app.jinja_env.globals["state_badge"] = state_badge
    app.jinja_env.globals["workflow_event_label"] = workflow_event_label
    app.jinja_env.globals["args_without"] = args_without
