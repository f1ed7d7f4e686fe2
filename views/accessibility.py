"""The accessibility statement and the page titles RGAA asks for.

French public bodies must publish a « Déclaration d'accessibilité » (loi n° 2005-102, art. 47;
décret n° 2019-768) reachable from every page: it is anonymous, like the login page, and linked
from the shared layout's footer. Its compliance level and known gaps are stated here, in one
place, so the footer's wording and the page agree.

``page_title`` is the ``<title>`` of every page (RGAA 8.6): the page's own title before the
application's name, and « Erreur — » first when the form on it was refused, so a screen reader
user hears at once that the submit failed.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, current_app, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext

accessibility = Blueprint("vigie_accessibility", __name__)

#: What an audit with axe-core and by hand still finds (the statement must list them).
KNOWN_GAPS = (
    lazy_gettext(
        "La carte stratégique est un dessin (SVG) : ses cases sont des liens nommés et la "
        "même information est donnée par le tableau « Matrice services × objectifs »."
    ),
    lazy_gettext(
        "Les graphiques des fiches indicateurs ont une alternative textuelle (tableau des "
        "valeurs) ; leurs couleurs sont doublées d'icônes et de libellés."
    ),
    lazy_gettext(
        "Les dossiers PDF de revue de direction ne sont pas encore balisés (PDF/UA) : leur "
        "contenu est disponible en pages web et en exports CSV."
    ),
)


def page_title(title: Any = None, form: Any = None, refused: bool = False) -> str:
    """« [Erreur — ]Page — Vigie »: what is on screen, then where, as RGAA 8.6 asks; a page
    drawn after a refused submit (``refused``, or a form carrying errors) starts with « Erreur »."""
    parts = []
    if refused or (form is not None and getattr(form, "errors", None)):
        parts.append(_("Erreur"))
    if title:
        parts.append(str(title))
    parts.append(str(current_app.config.get("APP_NAME") or "Vigie"))
    return " — ".join(parts)


@accessibility.route("/accessibilite")
def statement() -> Any:
    appbuilder = current_app.appbuilder  # type: ignore[attr-defined]
    return render_template(
        "vigie/accessibility.html",
        base_template=appbuilder.base_template,
        appbuilder=appbuilder,
        title=_("Déclaration d'accessibilité"),
        gaps=KNOWN_GAPS,
        organisation=current_app.config.get("VIGIE_TOWN_NAME") or _("la commune"),
        contact=current_app.config.get("VIGIE_ACCESSIBILITY_CONTACT") or "",
    )


def register_accessibility(app: Flask) -> None:
    app.register_blueprint(accessibility)
    app.jinja_env.globals["vigie_page_title"] = page_title
