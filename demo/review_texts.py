"""Words of the demo's reviews: complaints, surveys, revisions, proposals, suggestions.

Pure data. Complaint subjects are what habitants really write to a town hall, each with the
corrective action a justified complaint leads to; ``COMPLAINT_WEIGHTS`` says which services
receive most of them (the street, the canteen and the front desk, far ahead of the others).
"""

from __future__ import annotations

from dataclasses import dataclass

#: Service → (subject, corrective action when the complaint is justified).
COMPLAINT_SUBJECTS: dict[str, tuple[tuple[str, str], ...]] = {
    "VOIRIE": (
        ("Nid-de-poule dangereux non rebouché", "Reboucher en urgence et surveiller la rue"),
        ("Trottoir dégradé devant l'école", "Reprendre le revêtement du trottoir"),
        ("Éclairage public en panne dans la rue", "Remplacer le luminaire défectueux"),
        ("Chantier mal signalé", "Rappeler les règles de signalisation à l'entreprise"),
        ("Stationnement gênant non verbalisé sur le trottoir", "Installer des potelets"),
        ("Plaque d'égout bruyante au passage des voitures", "Recaler le tampon"),
    ),
    "ESPVERTS": (
        ("Dépôt sauvage non enlevé", "Enlever le dépôt et renforcer la surveillance"),
        ("Herbes hautes sur le trottoir", "Ajouter la rue au plan de fauche"),
        ("Aire de jeux dégradée", "Réparer l'équipement et contrôler l'aire"),
        ("Arbre menaçant de tomber", "Faire diagnostiquer l'arbre"),
        ("Poubelles publiques débordantes", "Augmenter la fréquence de collecte"),
        ("Arrosage automatique en pleine journée", "Reprogrammer l'arrosage la nuit"),
    ),
    "BATIMENTS": (
        ("Chauffage insuffisant dans la salle polyvalente", "Régler la programmation"),
        ("Fuite d'eau dans les sanitaires du gymnase", "Réparer la fuite"),
        ("Porte d'accès PMR bloquée", "Réparer le mécanisme de la porte"),
    ),
    "URBANISME": (
        ("Délai d'instruction de mon permis trop long", "Relancer les services consultés"),
        ("Pas de réponse à ma demande de renseignement d'urbanisme", "Répondre sous 8 jours"),
        ("Construction du voisin non conforme", "Programmer un contrôle de conformité"),
    ),
    "CCAS": (
        (
            "Attente trop longue pour un rendez-vous avec un travailleur social",
            "Ouvrir des permanences supplémentaires",
        ),
        ("Refus d'aide mal expliqué", "Motiver par écrit chaque refus"),
    ),
    "PETITEENF": (
        (
            "Pas de réponse à ma demande de place en crèche",
            "Informer chaque famille du rang de sa demande",
        ),
        ("Facture de crèche erronée", "Corriger la facture et contrôler les pointages"),
    ),
    "SCOLAIRE": (
        ("Repas de la cantine froid", "Vérifier la chaîne de maintien en température"),
        ("Erreur sur la facture périscolaire", "Corriger la facture"),
        ("Enfant sans repas malgré la réservation", "Fiabiliser la transmission des réservations"),
        ("Manque d'animateurs au périscolaire du soir", "Recruter des animateurs vacataires"),
        ("Propreté des sanitaires de l'école", "Renforcer le nettoyage de mi-journée"),
    ),
    "ETATCIVIL": (
        ("Aucun rendez-vous disponible pour un passeport", "Ouvrir des plages supplémentaires"),
        ("Erreur dans un acte de naissance", "Rectifier l'acte et relire avant signature"),
        ("Attente trop longue au guichet état civil", "Renforcer le guichet aux heures de pointe"),
    ),
    "ACCUEIL": (
        ("Pas de réponse à mon courriel", "Relancer le service et répondre sous 72 h"),
        ("Standard injoignable", "Mettre en place le rappel des appels perdus"),
        ("Mauvais accueil au guichet", "Rappeler les engagements d'accueil à l'équipe"),
        ("Horaires affichés erronés", "Mettre à jour l'affichage et le site"),
    ),
    "POLICE": (
        ("Nuisances sonores nocturnes répétées", "Programmer des patrouilles de soirée"),
        ("Véhicule ventouse non enlevé", "Engager la procédure de mise en fourrière"),
        ("Vitesse excessive devant l'école", "Demander un aménagement à la voirie"),
        ("Contravention contestée", "Réexaminer le dossier"),
    ),
    "SPORTS": (
        ("Vestiaires du gymnase sales", "Renforcer le nettoyage après les créneaux"),
        ("Créneau attribué à un autre club", "Corriger le planning et prévenir les clubs"),
        ("Eau de la piscine trop froide", "Régler le chauffage des bassins"),
    ),
    "CULTURE": (
        ("Spectacle annulé sans remboursement", "Rembourser les billets"),
        ("Horaires de la médiathèque trop restreints", "Étudier une ouverture élargie"),
        ("Livre réservé jamais disponible", "Acheter un second exemplaire"),
    ),
    "FINANCES": (
        ("Facture payée en retard", "Relancer le service valideur"),
        ("Titre de recette contesté", "Réexaminer le titre"),
    ),
    "COMMUNIC": (
        ("Magazine municipal non distribué dans ma rue", "Signaler le secteur au distributeur"),
        ("Information erronée sur le site internet", "Corriger la page"),
    ),
    "DSI": (
        ("Paiement en ligne impossible sur le portail", "Corriger le paramétrage du paiement"),
    ),
}

#: Relative share of complaints per service.
COMPLAINT_WEIGHTS: dict[str, int] = {
    "VOIRIE": 22,
    "ESPVERTS": 18,
    "SCOLAIRE": 12,
    "ACCUEIL": 9,
    "POLICE": 9,
    "ETATCIVIL": 7,
    "BATIMENTS": 4,
    "URBANISME": 4,
    "PETITEENF": 3,
    "SPORTS": 3,
    "CULTURE": 3,
    "CCAS": 2,
    "FINANCES": 2,
    "COMMUNIC": 1,
    "DSI": 1,
}
#: Mean processing days per service (answering takes longer where a site visit is needed).
COMPLAINT_DELAYS: dict[str, float] = {
    "VOIRIE": 12,
    "ESPVERTS": 9,
    "URBANISME": 18,
    "BATIMENTS": 14,
    "POLICE": 8,
}
CHANNELS: tuple[tuple[str, int], ...] = (
    ("courriel", 30),
    ("web", 26),
    ("telephone", 20),
    ("guichet", 15),
    ("courrier", 9),
)
COMPLAINT_DETAILS = (
    "Signalé à plusieurs reprises sans suite.",
    "L'usager demande une réponse écrite.",
    "Photos jointes par l'usager.",
    "Réclamation transmise par un élu de quartier.",
    "Usager mécontent du délai de réponse.",
    "Situation qui dure depuis plusieurs semaines.",
)


@dataclass(frozen=True)
class SurveyDef:
    title: str
    services: tuple[str, ...]
    indicator: str | None
    respondents: int
    rate: float
    results: str
    action: str | None


#: One survey per theme and year (``{year}`` in the title); ``indicator`` is the code it feeds.
SURVEYS: tuple[SurveyDef, ...] = (
    SurveyDef(
        "Enquête de satisfaction des usagers de l'accueil {year}",
        ("ACCUEIL",),
        "ACC-008",
        620,
        88.0,
        "Accueil jugé courtois et efficace ; attente au téléphone encore critiquée.",
        "Mettre en place le rappel des appels perdus",
    ),
    SurveyDef(
        "Enquête auprès des familles sur la restauration scolaire {year}",
        ("SCOLAIRE",),
        None,
        940,
        74.0,
        "Qualité des repas appréciée ; bruit dans les réfectoires et temps de repas trop court.",
        "Tester des panneaux acoustiques dans deux réfectoires",
    ),
    SurveyDef(
        "Baromètre de la propreté urbaine {year}",
        ("ESPVERTS", "VOIRIE"),
        "ESV-013",
        1150,
        67.0,
        "Propreté du centre-ville bien notée ; dépôts sauvages et "
        "déjections canines dans les quartiers.",
        "Renforcer le nettoyage des quartiers périphériques le lundi",
    ),
    SurveyDef(
        "Enquête de satisfaction des familles des crèches {year}",
        ("PETITEENF",),
        None,
        210,
        91.0,
        "Très forte satisfaction sur l'accueil des enfants ; "
        "communication sur la liste d'attente jugée insuffisante.",
        "Informer chaque trimestre les familles de leur rang d'attente",
    ),
    SurveyDef(
        "Enquête des publics de la médiathèque {year}",
        ("CULTURE",),
        None,
        480,
        85.0,
        "Collections et accueil appréciés ; horaires d'ouverture jugés trop restreints.",
        None,
    ),
    SurveyDef(
        "Enquête auprès des clubs utilisateurs des équipements sportifs {year}",
        ("SPORTS",),
        None,
        64,
        72.0,
        "Attribution des créneaux jugée équitable ; propreté des vestiaires à améliorer.",
        "Revoir le planning de nettoyage des vestiaires",
    ),
    SurveyDef(
        "Enquête de satisfaction des utilisateurs du support informatique {year}",
        ("DSI",),
        "DSI-003",
        260,
        89.0,
        "Réactivité saluée ; besoin de formation aux nouveaux outils.",
        None,
    ),
    SurveyDef(
        "Enquête qualité de vie au travail des agents {year}",
        ("RH",),
        None,
        410,
        69.0,
        "Sens du travail et ambiance d'équipe bien notés ; charge de travail "
        "et reconnaissance en retrait.",
        "Lancer des ateliers d'organisation du travail dans les services volontaires",
    ),
)


@dataclass(frozen=True)
class RevisionDef:
    year_offset: int
    scope: str
    title: str
    summary: str
    services: tuple[str, ...]
    state: str
    action: str | None = None


#: Periodic revisions; years are relative to the current strategy year (0 = this year).
REVISIONS: tuple[RevisionDef, ...] = (
    RevisionDef(
        -2,
        "engagements",
        "Révision des engagements de service d'accueil",
        "Engagements Marianne mis à jour : délai de réponse aux courriels ramené à 72 heures.",
        ("ACCUEIL", "ETATCIVIL"),
        "appliquee",
        "Afficher les nouveaux engagements dans tous les lieux d'accueil",
    ),
    RevisionDef(
        -2,
        "processus",
        "Révision de la cartographie des processus techniques",
        "Fusion des processus d'entretien de la voirie et de l'éclairage public "
        "étudiée puis écartée ; interfaces clarifiées.",
        ("VOIRIE", "ESPVERTS", "BATIMENTS"),
        "appliquee",
    ),
    RevisionDef(
        -1,
        "objectifs",
        "Révision annuelle des objectifs des services",
        "Objectifs reconduits ou ajustés au vu des résultats de l'année et des "
        "arbitrages budgétaires.",
        ("VOIRIE", "CCAS", "SCOLAIRE", "CULTURE", "RH"),
        "appliquee",
    ),
    RevisionDef(
        -1,
        "plans_actions",
        "Révision des plans d'actions après les audits",
        "Actions correctives regroupées par service, échéances revues avec les pilotes.",
        ("FINANCES", "RH", "ETATCIVIL"),
        "validee",
        "Mettre à jour les échéances des actions correctives dans Vigie",
    ),
    RevisionDef(
        0,
        "objectifs",
        "Révision annuelle des objectifs des services",
        "Propositions d'objectifs des services pour l'année, avant arbitrage en "
        "revue de direction.",
        ("VOIRIE", "ESPVERTS", "BATIMENTS", "PETITEENF", "POLICE"),
        "propositions",
    ),
    RevisionDef(
        0,
        "organisation",
        "Révision de l'organisation du guichet unique",
        "Regroupement de l'accueil famille et de l'accueil général au rez-de-"
        "chaussée de la mairie.",
        ("ACCUEIL", "SCOLAIRE", "PETITEENF"),
        "propositions",
    ),
    RevisionDef(
        0,
        "engagements",
        "Révision des engagements de propreté urbaine",
        "Engagements de délai d'enlèvement des dépôts sauvages à fixer avec la police municipale.",
        ("ESPVERTS", "POLICE"),
        "ouverte",
    ),
    RevisionDef(
        0,
        "processus",
        "Révision du processus de traitement des réclamations",
        "Un circuit unique pour toutes les réclamations, quel que soit le canal.",
        ("QUALITE", "ACCUEIL"),
        "validee",
    ),
)

#: Proposals besides the service objectives: (service, kind, title, description).
OTHER_PROPOSALS: tuple[tuple[str, str, str, str], ...] = (
    (
        "BATIMENTS",
        "moyens",
        "Recruter un économe de flux",
        "Un poste dédié au suivi des consommations pour tenir la trajectoire du décret tertiaire.",
    ),
    (
        "ACCUEIL",
        "organisation",
        "Ouvrir l'accueil le samedi matin",
        "Ouverture de 9 h à 12 h avec l'état civil, par roulement des agents.",
    ),
    (
        "ESPVERTS",
        "engagement",
        "S'engager sur un délai d'enlèvement des dépôts sauvages",
        "Enlèvement sous 48 heures ouvrées de tout dépôt signalé.",
    ),
    (
        "SCOLAIRE",
        "moyens",
        "Équiper les réfectoires de panneaux acoustiques",
        "Réduire le bruit relevé par l'enquête auprès des familles.",
    ),
    (
        "DSI",
        "moyens",
        "Renouveler les serveurs de sauvegarde",
        "Matériel en fin de support, condition de la disponibilité des applications.",
    ),
    (
        "POLICE",
        "organisation",
        "Créer une brigade de soirée l'été",
        "Patrouilles jusqu'à 1 h du matin de juin à septembre.",
    ),
    (
        "CULTURE",
        "engagement",
        "Publier un engagement de délai de réservation",
        "Document réservé mis à disposition sous 15 jours ou acheté.",
    ),
)

RATIONALES = {
    "validee": "Proposition cohérente avec le programme municipal et les moyens du service.",
    "amendee": "Validée avec une cible ajustée au regard des résultats de l'année écoulée.",
    "rejetee": "Non prioritaire au regard des capacités budgétaires de l'exercice.",
    "reportee": "À réexaminer l'an prochain, une fois le projet immobilier arrêté.",
}

#: Improvement suggestions from agents (the large town draws tens of thousands of them).
SUGGESTIONS: tuple[str, ...] = (
    "Créer des modèles de réponse aux demandes les plus fréquentes",
    "Mettre en place un tableau de suivi partagé des demandes",
    "Former les nouveaux arrivants à l'outil métier",
    "Réorganiser le classement des archives du service",
    "Mutualiser les véhicules de service entre équipes",
    "Mettre à jour l'affichage des horaires d'ouverture",
    "Dématérialiser le formulaire papier le plus utilisé",
    "Instaurer un point d'équipe hebdomadaire de quinze minutes",
    "Réduire les impressions en passant aux parapheurs électroniques",
    "Rédiger une foire aux questions pour le site internet",
    "Prévoir un binôme de suppléance pour chaque poste clé",
    "Regrouper les commandes de fournitures par trimestre",
    "Installer des détecteurs de présence dans les bureaux",
    "Afficher les engagements de service à l'accueil",
    "Créer un annuaire interne des référents par thème",
    "Planifier les congés d'été dès le mois de mars",
)

#: Individual objectives: agent → objectives of the current and previous year.
INDIVIDUAL_OBJECTIVES: dict[str, tuple[str, str]] = {
    "agent.voirie": (
        "Saisir toutes ses interventions dans la GMAO sous 48 heures",
        "Encadrer un binôme de rebouchage des nids-de-poule",
    ),
    "agent.voirie2": (
        "Obtenir l'habilitation à la signalisation temporaire",
        "Réaliser les patrouilles de surveillance du secteur nord",
    ),
    "agent.espverts": (
        "Conduire la plantation de 80 arbres dans les cours d'école",
        "Former l'équipe au désherbage mécanique",
    ),
    "agent.batiments": (
        "Relever chaque mois les compteurs d'énergie des écoles",
        "Préparer les vérifications réglementaires des gymnases",
    ),
    "agent.urbanisme": (
        "Instruire les déclarations préalables sous un mois",
        "Rédiger la fiche de contrôle de complétude",
    ),
    "agent.ccas": (
        "Assurer 120 visites de convivialité",
        "Mettre à jour le registre canicule avant le 1er juin",
    ),
    "agent.petiteenf": (
        "Présenter chaque mois la liste d'attente à la commission",
        "Accompagner les familles dans la préinscription en ligne",
    ),
    "agent.scolaire": (
        "Organiser les pesées de déchets dans trois écoles",
        "Contrôler les pointages périscolaires avant facturation",
    ),
    "agent.etatcivil": (
        "Relire tous les actes avant signature",
        "Libérer les rendez-vous non honorés sous 24 heures",
    ),
    "agent.accueil": (
        "Répondre aux courriels des usagers sous 72 heures",
        "Rappeler les appels perdus chaque fin de matinée",
    ),
    "agent.police": (
        "Assurer 300 heures de patrouille pédestre",
        "Identifier les auteurs de dépôts sauvages",
    ),
    "agent.sports": (
        "Réattribuer les créneaux inutilisés chaque trimestre",
        "Suivre les consommations d'eau des gymnases",
    ),
    "agent.culture": (
        "Accueillir 40 classes à la médiathèque",
        "Avancer le récolement du fonds local",
    ),
    "agent.finances": (
        "Traiter les factures sous 10 jours",
        "Fiabiliser les fiches d'inventaire des véhicules",
    ),
    "agent.rh": (
        "Organiser les formations sécurité de l'année",
        "Analyser chaque accident du travail sous 15 jours",
    ),
    "agent.dsi": (
        "Réaliser un test de restauration par trimestre",
        "Appliquer les correctifs de sécurité sous 15 jours",
    ),
}
