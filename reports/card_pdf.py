"""A card (fiche) as a PDF: the screen's card, gathered as the requester and laid out on A4.

Nothing here decides what a card shows: :func:`app.cards.context.card_context` gathers it (the
record through the requester's scope — another service's record raises NotFound, which the
job framework turns into a failed job with the French message) and the kind's own template
draws it, inside ``reports/card.html`` instead of the site's page. So a change to a card shows
on screen, on the browser's print-out and in this PDF alike.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from app import registry
from app.cards.context import card_artefacts, card_context
from app.cards.links import Links
from app.charts import data_uri
from app.commands.errors import FieldError, Invalid
from app.jobs.documents import Document, Progress
from app.security.actor import Actor
from reports.review_common import town_name


def build(params: Mapping[str, Any], actor: Actor, progress: Progress) -> Document:
    """``params = {"artefact": <an artefact with a card>, "id": int}``."""
    code = str(params.get("artefact") or "")
    artefact = registry.find(code)
    kind = artefact.card if artefact is not None else None
    if kind is None:
        names = ", ".join(a.code_name for a in card_artefacts())
        raise Invalid(
            _("Fiche inconnue."),
            [FieldError("artefact", _("« artefact » doit être l'un de : %(names)s.", names=names))],
        )
    with force_locale("fr"):
        progress(10, _("Lecture de la fiche"))
        context = card_context(code, params.get("id"), actor, Links.external())
        title = f"{kind.label} — {context['card_heading']}"
        progress(60, _("Mise en page de la fiche"))
        html = render_template(
            context["card_template"],
            card_page="reports/card.html",
            pdf=True,
            data_uri=data_uri,
            doc_title=title,
            town_name=town_name(),
            **context,
        )
        progress(100, _("Fiche prête"))
    item = context["item"]
    return Document(
        title=title,
        filename=card_filename(kind.file_word, getattr(item, "code", None) or item.id),
        html=html,
    )


def card_filename(word: str, code: object) -> str:
    """``Fiche_processus_PR-VOI-01.pdf``: ASCII letters, digits, ``-`` and ``_`` only, so the
    name survives every browser, mail client and file system."""
    return f"Fiche_{word}_{safe_name(str(code))}.pdf"


def safe_name(text: str) -> str:
    """``text`` reduced to a file-name-safe ASCII word (accents dropped, others → ``_``)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9_-]+", "_", ascii_text).strip("_")[:80] or "sans_code"
