"""French labels of workflow states, shared by models, screens, exports and the engine.

The transition tables and the engine that fires them live in ``workflows``; the labels belong
to the core, since a record shows its state wherever it is read (lists, cards, packs).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.registry.artefact import Choice

SERVICE_OBJECTIVE_STATES = Choice(
    (
        ("brouillon", _l("Brouillon")),
        ("propose", _l("Proposé")),
        ("revu", _l("Revu")),
        ("valide", _l("Validé")),
        ("amende", _l("Amendé")),
        ("rejete", _l("Rejeté")),
        ("reporte", _l("Reporté")),
        ("actif", _l("Actif")),
        ("clos", _l("Clos")),
    )
)

AUDIT_STATES = Choice(
    (
        ("planifie", _l("Planifié")),
        ("en_cours", _l("En cours")),
        ("rapport_emis", _l("Rapport émis")),
        ("clos", _l("Clos")),
        ("annule", _l("Annulé")),
    )
)

ACTION_STATES = Choice(
    (
        ("a_faire", _l("À faire")),
        ("en_cours", _l("En cours")),
        ("realisee", _l("Réalisée")),
        ("verifiee", _l("Vérifiée")),
        ("annulee", _l("Annulée")),
    )
)

DOCUMENT_STATES = Choice(
    (
        ("brouillon", _l("Brouillon")),
        ("en_relecture", _l("En relecture")),
        ("approuve", _l("Approuvé")),
        ("publie", _l("Publié")),
        ("obsolete", _l("Obsolète")),
    )
)

REVISION_STATES = Choice(
    (
        ("ouverte", _l("Ouverte")),
        ("propositions", _l("Propositions")),
        ("validee", _l("Validée")),
        ("appliquee", _l("Appliquée")),
    )
)

MANAGEMENT_REVIEW_STATES = Choice(
    (
        ("preparation", _l("En préparation")),
        ("dossier_pret", _l("Dossier prêt")),
        ("tenue", _l("Tenue")),
        ("decisions_enregistrees", _l("Décisions enregistrées")),
        ("close", _l("Close")),
    )
)

#: The colour family of each state, for badges (always shown with the state's label and an
#: icon, never colour alone): where the record stands in its life, across every workflow.
STATE_TONES: dict[str, tuple[str, str]] = {
    # not started / being written
    "brouillon": ("draft", "fa-pencil"),
    "ouverte": ("draft", "fa-folder-open-o"),
    "preparation": ("draft", "fa-pencil"),
    "planifie": ("draft", "fa-calendar"),
    "a_faire": ("draft", "fa-circle-o"),
    # moving forward, someone must act
    "propose": ("progress", "fa-paper-plane-o"),
    "en_relecture": ("progress", "fa-eye"),
    "en_cours": ("progress", "fa-play-circle-o"),
    "propositions": ("progress", "fa-list"),
    "dossier_pret": ("progress", "fa-folder-o"),
    "revu": ("progress", "fa-check"),
    "rapport_emis": ("progress", "fa-file-text-o"),
    "realisee": ("progress", "fa-flag-checkered"),
    "approuve": ("progress", "fa-thumbs-o-up"),
    "validee": ("progress", "fa-check"),
    "tenue": ("progress", "fa-gavel"),
    "decisions_enregistrees": ("progress", "fa-gavel"),
    # settled in the good sense
    "valide": ("done", "fa-check-circle"),
    "actif": ("done", "fa-bolt"),
    "publie": ("done", "fa-check-circle"),
    "verifiee": ("done", "fa-check-circle"),
    "appliquee": ("done", "fa-check-circle"),
    # sent back or postponed
    "amende": ("warning", "fa-undo"),
    "reporte": ("warning", "fa-clock-o"),
    # ended
    "clos": ("closed", "fa-lock"),
    "close": ("closed", "fa-lock"),
    "rejete": ("refused", "fa-times-circle"),
    "annule": ("refused", "fa-ban"),
    "annulee": ("refused", "fa-ban"),
    "obsolete": ("closed", "fa-archive"),
    # background jobs (app.jobs): waiting, running (en_cours above), done, failed
    "en_attente": ("draft", "fa-hourglass-o"),
    "termine": ("done", "fa-check-circle"),
    "echec": ("refused", "fa-exclamation-circle"),
}


def state_tone(code: str | None) -> tuple[str, str]:
    """``(tone, icon)`` of a state code; unknown codes look neutral."""
    return STATE_TONES.get(code or "", ("draft", "fa-circle-o"))
