"""What the review pack and the review minutes share: rendering in French, labels, the town.

Both documents are rendered by a worker, outside any request: templates get every value
they print from here and from their builder (no ``url_for``, no ``current_user``), always in
French whatever the language of the person who asked (a pack is an official document of the
town), and every coded value is printed with the label its artefact declares.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from app import registry
from app.formatting import town_zone
from app.models.types import utcnow
from app.security.actor import Actor

#: The language of every review document.
LOCALE = "fr"


def town_name() -> str | None:
    """The municipality named on the documents.

    ``VIGIE_TOWN_NAME`` when the installation sets it (in demo mode the demo sets its town's
    name there: ``demo/cli.py``); otherwise None (the templates then print « Vigie »).
    """
    configured = current_app.config.get("VIGIE_TOWN_NAME")
    return str(configured) if configured else None


def column_label(code: str, column: str) -> str:
    """French heading of a column, as the artefact declares it."""
    return str(registry.get(code).column_label(column))


def person(user: Any) -> str:
    """A person as documents name them: full name, else login, else « Vigie » (a job)."""
    if user is None:
        return "Vigie"
    return str(getattr(user, "full_name", None) or getattr(user, "username", None) or user)


def prepared_by(actor: Actor) -> str:
    return person(actor.user) if not actor.system else _("Vigie (traitement automatique)")


def today_in_paris(now: datetime | None = None) -> date:
    """The town's date (a pack built at 00:30 in Paris is dated of that day, not UTC's)."""
    return (now or utcnow()).astimezone(town_zone()).date()


def pdf_name(prefix: str, year: int) -> str:
    """A file name every system accepts: ASCII, no space (``Dossier_revue_de_direction_2026``)."""
    return f"{prefix}_{year}.pdf"


def render(template: str, **context: Any) -> str:
    """Render a report template in French with the town's name (no request needed)."""
    with force_locale(LOCALE):
        return render_template(
            template,
            town_name=town_name(),
            label=registry.choice_label,
            column_label=column_label,
            person=person,
            **context,
        )
