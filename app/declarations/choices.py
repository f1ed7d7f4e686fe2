"""Closed lists of values (with their French labels) used by the declarations.

Workflow states live in ``app.states``; everything else that a select offers is here,
so a label is written once and reused by forms, lists, exports, cards and PDFs.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.registry import Choice

PROGRAMME_STATUS = Choice(
    (("draft", _l("Brouillon")), ("active", _l("En cours")), ("closed", _l("Clos")))
)
ACHIEVEMENT = Choice(
    (
        ("en_cours", _l("En cours")),
        ("atteint", _l("Atteint")),
        ("partiel", _l("Partiellement atteint")),
        ("non_atteint", _l("Non atteint")),
        ("sans_objet", _l("Sans objet")),
    )
)
DIRECTION = Choice(
    (
        ("increase", _l("Hausse souhaitée")),
        ("decrease", _l("Baisse souhaitée")),
        ("band", _l("Dans une fourchette")),
    )
)
FREQUENCY = Choice(
    (("monthly", _l("Mensuelle")), ("quarterly", _l("Trimestrielle")), ("yearly", _l("Annuelle")))
)
AGGREGATION = Choice(
    (("sum", _l("Somme")), ("mean", _l("Moyenne")), ("last", _l("Dernière valeur")))
)
COLLECTION_MODE = Choice(
    (
        ("manual", _l("Saisie manuelle")),
        ("api", _l("Application (API)")),
        ("import", _l("Import de fichier")),
        ("calculated", _l("Calculé")),
    )
)
PUSH_FREQUENCY = Choice(
    (
        ("daily", _l("Quotidienne")),
        ("weekly", _l("Hebdomadaire")),
        ("monthly", _l("Mensuelle")),
        ("quarterly", _l("Trimestrielle")),
        ("yearly", _l("Annuelle")),
    )
)
PROCESS_KIND = Choice(
    (("pilotage", _l("Pilotage")), ("realisation", _l("Réalisation")), ("support", _l("Support")))
)
DOCUMENT_KIND = Choice(
    (
        ("procedure", _l("Procédure")),
        ("mode_operatoire", _l("Mode opératoire")),
        ("formulaire", _l("Formulaire")),
        ("regle_gouvernance", _l("Règle de gouvernance")),
        ("engagement_service", _l("Engagement de service")),
        ("manuel", _l("Manuel")),
    )
)
VERSION_STATUS = Choice(
    (("brouillon", _l("Brouillon")), ("publiee", _l("Publiée")), ("obsolete", _l("Obsolète")))
)
SCALE_1_4 = Choice(
    (
        ("1", _l("1 — faible")),
        ("2", _l("2 — modérée")),
        ("3", _l("3 — forte")),
        ("4", _l("4 — très forte")),
    )
)
RISK_STATUS = Choice(
    (
        ("identifie", _l("Identifié")),
        ("traite", _l("Traité")),
        ("accepte", _l("Accepté")),
        ("clos", _l("Clos")),
    )
)
IMPACT = Choice(
    (
        ("-2", _l("−2 — très négatif")),
        ("-1", _l("−1 — négatif")),
        ("0", _l("0 — neutre")),
        ("1", _l("+1 — positif")),
        ("2", _l("+2 — très positif")),
    )
)
STANDARD = Choice((("ISO 9001:2015", "ISO 9001:2015"), ("ISO 14001:2015", "ISO 14001:2015")))
CERTIFICATION_STATUS = Choice(
    (("valide", _l("Valide")), ("suspendue", _l("Suspendue")), ("expiree", _l("Expirée")))
)
AUDIT_PROGRAMME_STATUS = Choice(
    (("projet", _l("En projet")), ("valide", _l("Validé")), ("realise", _l("Réalisé")))
)
AUDIT_KIND = Choice(
    (
        ("interne", _l("Interne")),
        ("externe", _l("Externe")),
        ("certification", _l("Certification")),
        ("suivi", _l("Suivi")),
    )
)
FINDING_KIND = Choice(
    (
        ("nc_majeure", _l("Non-conformité majeure")),
        ("nc_mineure", _l("Non-conformité mineure")),
        ("observation", _l("Observation")),
        ("piste_progres", _l("Piste de progrès")),
        ("point_fort", _l("Point fort")),
    )
)
FINDING_STATUS = Choice((("ouvert", _l("Ouvert")), ("traite", _l("Traité")), ("clos", _l("Clos"))))
ACTION_ORIGIN = Choice(
    (
        ("audit", _l("Audit")),
        ("revue", _l("Revue de direction")),
        ("reclamation", _l("Réclamation")),
        ("risque", _l("Risque")),
        ("enquete", _l("Enquête de satisfaction")),
        ("revision", _l("Révision périodique")),
        ("suggestion", _l("Suggestion")),
    )
)
ACTION_KIND = Choice(
    (
        ("corrective", _l("Corrective")),
        ("preventive", _l("Préventive")),
        ("amelioration", _l("Amélioration")),
        ("curative", _l("Curative")),
    )
)
EFFECTIVENESS = Choice(
    (
        ("efficace", _l("Efficace")),
        ("partielle", _l("Partiellement efficace")),
        ("inefficace", _l("Inefficace")),
    )
)
REVISION_SCOPE = Choice(
    (
        ("engagements", _l("Engagements de service")),
        ("objectifs", _l("Objectifs")),
        ("plans_actions", _l("Plans d'actions")),
        ("organisation", _l("Organisation")),
        ("processus", _l("Processus")),
    )
)
PROPOSAL_KIND = Choice(
    (
        ("objectif", _l("Objectif")),
        ("cible", _l("Cible")),
        ("engagement", _l("Engagement")),
        ("moyens", _l("Moyens")),
        ("organisation", _l("Organisation")),
    )
)
DECISION = Choice(
    (
        ("validee", _l("Validée")),
        ("amendee", _l("Amendée")),
        ("rejetee", _l("Rejetée")),
        ("reportee", _l("Reportée")),
    )
)
CHANNEL = Choice(
    (
        ("telephone", _l("Téléphone")),
        ("courriel", _l("Courriel")),
        ("guichet", _l("Guichet")),
        ("courrier", _l("Courrier")),
        ("web", _l("Formulaire web")),
    )
)
COMPLAINT_STATUS = Choice(
    (
        ("recue", _l("Reçue")),
        ("en_traitement", _l("En traitement")),
        ("repondue", _l("Répondue")),
        ("close", _l("Close")),
    )
)
MEASUREMENT_SOURCE = Choice(
    (
        ("manual", _l("Saisie")),
        ("api", _l("Application")),
        ("import", _l("Import")),
        ("calculated", _l("Calcul")),
    )
)
HEALTH = Choice((("ok", _l("À jour")), ("late", _l("En retard")), ("silent", _l("Muette"))))
