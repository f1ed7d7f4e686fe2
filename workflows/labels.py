"""French labels of workflow states, shared by models, screens and exports.

The transition tables and the engine that fires them live beside this module (workflows
issue); the labels are needed earlier, as soon as a record shows its state.
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
