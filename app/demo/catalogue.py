"""The demo town's processes, their indicators and the business applications that feed them.

Pure data, like :mod:`app.demo.town`. Each service lists its processes (fiche d'identité
processus) and, under each, the indicators that follow it (fiche indicateur). An indicator
gives what the value generator needs: unit, direction, frequency, how the year aggregates its
values, and ``level`` — the typical value of one period in the current year (the yearly
target of a ``sum`` indicator is this level times the periods of a year). ``objective`` is the
start of the title of the service objective it measures (:data:`app.demo.town.SERVICE_OBJECTIVES`);
``formula`` names other indicators of the same service as ``{n}`` (its n-th indicator), which
the loader turns into codes such as ``VOI-002``.

Indicator codes are ``<prefix>-<nnn>`` in declaration order, process codes ``<prefix>-Pnn``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

INCREASE, DECREASE, BAND = "increase", "decrease", "band"
M, Q, Y = "monthly", "quarterly", "yearly"
SUM, MEAN, LAST = "sum", "mean", "last"


@dataclass(frozen=True)
class SourceApplicationDef:
    """A business application; ``health`` is the state its last push leaves it in today."""

    code: str
    name: str
    description: str
    vendor: str
    service: str
    frequency: str
    health: str
    account: str


@dataclass(frozen=True)
class IndicatorDef:
    name: str
    unit: str
    direction: str
    frequency: str
    aggregation: str
    level: float
    mode: str = "manual"
    app: str | None = None
    objective: str | None = None
    formula: str | None = None
    band: tuple[float, float] | None = None
    season: str | None = None


@dataclass(frozen=True)
class ProcessDef:
    name: str
    kind: str
    purpose: str
    indicators: tuple[IndicatorDef, ...]


@dataclass(frozen=True)
class ServiceCatalogue:
    service: str
    prefix: str
    beneficiaries: str
    requirements: str
    processes: tuple[ProcessDef, ...]


def _i(
    name: str, unit: str, direction: str, frequency: str, aggregation: str, level: float,
    *, api: str | None = None, imported: bool = False, obj: str | None = None,
    formula: str | None = None, band: tuple[float, float] | None = None,
    season: str | None = None,
) -> IndicatorDef:
    mode = "api" if api else "calculated" if formula else "import" if imported else "manual"
    return IndicatorDef(name, unit, direction, frequency, aggregation, level, mode, api, obj,
                        formula, band, season)


def _p(name: str, kind: str, purpose: str, *indicators: IndicatorDef) -> ProcessDef:
    return ProcessDef(name, kind, purpose, indicators)


# ------------------------------------------------------------------- business applications
SOURCE_APPLICATIONS: tuple[SourceApplicationDef, ...] = (
    SourceApplicationDef("GMAO", "GMAO des services techniques",
                         "Gestion des interventions, des demandes de travaux et du patrimoine "
                         "voirie, bâtiments et mobilier urbain.",
                         "Atal (Berger-Levrault)", "VOIRIE", "daily", "ok", "appli.gmao"),
    SourceApplicationDef("GTB", "Supervision énergétique et gestion technique des bâtiments",
                         "Télérelève des compteurs d'énergie et d'eau, régulation du chauffage "
                         "et de l'arrosage.",
                         "Hypervision énergie", "BATIMENTS", "daily", "ok", "appli.gtb"),
    SourceApplicationDef("ADS", "Instruction du droit des sols",
                         "Dépôt en ligne et instruction des autorisations d'urbanisme.",
                         "Logiciel ADS intercommunal", "URBANISME", "weekly", "ok",
                         "appli.ads"),
    SourceApplicationDef("AIDESOC", "Logiciel d'aide sociale du CCAS",
                         "Dossiers des demandeurs, commissions d'attribution et paiements.",
                         "Millésime Action sociale", "CCAS", "monthly", "late",
                         "appli.aidesoc"),
    SourceApplicationDef("PETITENF", "Gestion des établissements d'accueil du jeune enfant",
                         "Listes d'attente, contrats, pointages et facturation des crèches.",
                         "Concerto Petite enfance", "PETITEENF", "monthly", "ok",
                         "appli.petitenf"),
    SourceApplicationDef("FAMILLE", "Portail Famille",
                         "Inscriptions scolaires et périscolaires, réservations de la "
                         "restauration, facturation et paiement en ligne.",
                         "Portail Famille (Arpège)", "SCOLAIRE", "weekly", "ok",
                         "appli.famille"),
    SourceApplicationDef("RDV", "Prise de rendez-vous des titres d'identité",
                         "Agenda en ligne des dispositifs de recueil des cartes d'identité et "
                         "passeports, relances SMS.",
                         "Agenda citoyen", "ETATCIVIL", "daily", "silent", "appli.rdv"),
    SourceApplicationDef("GRU", "Gestion de la relation usagers",
                         "Demandes et courriels des usagers, file d'attente du guichet "
                         "unique.",
                         "GRU multicanal", "ACCUEIL", "daily", "ok", "appli.gru"),
    SourceApplicationDef("TEL", "Statistiques de l'autocommutateur",
                         "Appels reçus, décrochés et perdus par le standard et les services.",
                         "Téléphonie IP", "DSI", "daily", "ok", "appli.tel"),
    SourceApplicationDef("PVE", "Verbalisation électronique",
                         "Terminaux de verbalisation de la police municipale.",
                         "Agence nationale de traitement automatisé des infractions",
                         "POLICE", "weekly", "late", "appli.pve"),
    SourceApplicationDef("RESA", "Réservation des équipements sportifs",
                         "Planning des gymnases et terrains, attribution des créneaux aux "
                         "clubs et aux écoles.",
                         "Planning sport", "SPORTS", "weekly", "ok", "appli.resa"),
    SourceApplicationDef("BILLET", "Logiciel de billetterie",
                         "Billetterie de la saison culturelle et des entrées de la piscine.",
                         "Billetterie régie", "CULTURE", "daily", "ok", "appli.billetterie"),
    SourceApplicationDef("SIGB", "Système intégré de gestion de bibliothèque",
                         "Catalogue, inscriptions et prêts de la médiathèque.",
                         "Decalog SIGB", "CULTURE", "daily", "silent", "appli.sigb"),
    SourceApplicationDef("FIN", "Ciril Finances",
                         "Comptabilité, engagements, mandatement et suivi de la dette.",
                         "Ciril Group", "FINANCES", "weekly", "ok", "appli.finances"),
    SourceApplicationDef("SIRH", "Système d'information des ressources humaines",
                         "Carrières, paie, absences et formation des agents.",
                         "Ciril RH", "RH", "monthly", "ok", "appli.sirh"),
    SourceApplicationDef("ITSM", "Centre de services informatiques",
                         "Tickets d'assistance, supervision des serveurs et des applications.",
                         "GLPI", "DSI", "daily", "late", "appli.itsm"),
)


# --------------------------------------------------------------------------------- services
CATALOGUE: tuple[ServiceCatalogue, ...] = (
    ServiceCatalogue(
        "DG", "DGS",
        "Élus, direction générale, ensemble des services",
        "Code général des collectivités territoriales ; règlement intérieur du conseil "
        "municipal",
        (
            _p("Piloter la stratégie municipale et la carte stratégique", "pilotage",
               "Décliner le programme municipal en objectifs et suivre leur réalisation.",
               _i("Taux d'indicateurs de la carte stratégique renseignés à échéance", "%",
                  INCREASE, M, MEAN, 86),
               _i("Taux de réalisation des engagements du programme municipal", "%",
                  INCREASE, Y, LAST, 64)),
            _p("Préparer et suivre les séances du conseil municipal", "pilotage",
               "Garantir la préparation, la tenue et les suites des séances du conseil.",
               _i("Nombre de délibérations adoptées", "nombre", INCREASE, Q, SUM, 48)),
            _p("Conduire le dialogue de gestion avec les services", "pilotage",
               "Arbitrer les moyens des services au regard de leurs objectifs et résultats.",
               _i("Taux de décisions de la revue de direction mises en œuvre", "%",
                  INCREASE, Y, MEAN, 78)),
        ),
    ),
    ServiceCatalogue(
        "POLE-RES", "RES",
        "Services du pôle Ressources, direction générale",
        "Code général des collectivités territoriales ; lignes directrices de gestion",
        (
            _p("Piloter le pôle Ressources", "pilotage",
               "Coordonner les services supports et leurs engagements envers les services.",
               _i("Taux de réalisation des objectifs des services du pôle", "%", INCREASE, Y,
                  MEAN, 80),
               _i("Délai moyen de réponse aux demandes des services", "jours", DECREASE, M,
                  MEAN, 5)),
            _p("Coordonner la préparation budgétaire des services", "pilotage",
               "Recenser les besoins des services et préparer les arbitrages budgétaires.",
               _i("Taux de fiches budgétaires remises à échéance", "%", INCREASE, Y, MEAN,
                  90)),
            _p("Conduire les projets de modernisation administrative", "pilotage",
               "Simplifier les circuits internes et dématérialiser les procédures.",
               _i("Nombre de circuits de validation dématérialisés", "nombre", INCREASE, Y,
                  LAST, 18)),
        ),
    ),
    ServiceCatalogue(
        "POLE-TECH", "TEC",
        "Services techniques, habitants, usagers de l'espace public",
        "Code de la voirie routière ; décret tertiaire ; règlement de sécurité des ERP",
        (
            _p("Piloter le pôle Technique et cadre de vie", "pilotage",
               "Coordonner les interventions techniques et la programmation des travaux.",
               _i("Taux de réalisation du programme d'investissement technique", "%",
                  INCREASE, Q, LAST, 72)),
            _p("Gérer le parc de véhicules et d'engins", "support",
               "Disposer de véhicules disponibles, sûrs et de moins en moins émetteurs.",
               _i("Taux de disponibilité du parc de véhicules", "%", INCREASE, M, MEAN, 93,
                  api="GMAO"),
               _i("Consommation de carburant du parc automobile", "litres", DECREASE, M, SUM,
                  5200, api="GMAO"),
               _i("Émissions de CO2 du parc automobile", "tonnes", DECREASE, Y, SUM, 148)),
            _p("Programmer les investissements sur le patrimoine et l'espace public",
               "pilotage",
               "Prioriser les opérations du plan pluriannuel d'investissement.",
               _i("Nombre d'opérations du plan pluriannuel engagées", "nombre", INCREASE, Y,
                  LAST, 26)),
        ),
    ),
    ServiceCatalogue(
        "POLE-SOL", "SOL",
        "Familles, enfants, personnes âgées, publics fragiles",
        "Code de l'action sociale et des familles ; Code de l'éducation",
        (
            _p("Piloter le pôle Solidarités, enfance et éducation", "pilotage",
               "Coordonner les politiques familiales, éducatives et sociales.",
               _i("Taux de réalisation des objectifs des services du pôle", "%", INCREASE, Y,
                  MEAN, 79)),
            _p("Coordonner l'accueil des familles au guichet unique", "realisation",
               "Offrir aux familles un interlocuteur unique pour toutes leurs démarches.",
               _i("Nombre de familles reçues au guichet unique", "nombre", INCREASE, M, SUM,
                  640)),
            _p("Animer le projet éducatif de territoire", "pilotage",
               "Fédérer écoles, associations et services autour du projet éducatif.",
               _i("Nombre de partenaires signataires du projet éducatif", "nombre", INCREASE,
                  Y, LAST, 34)),
        ),
    ),
    ServiceCatalogue(
        "POLE-CITOY", "CIT",
        "Habitants, associations, électeurs",
        "Code électoral ; Code général des collectivités territoriales",
        (
            _p("Piloter le pôle Citoyenneté et vie locale", "pilotage",
               "Coordonner les services au contact direct des habitants.",
               _i("Taux de satisfaction des usagers des services du pôle", "%", INCREASE, Y,
                  MEAN, 84)),
            _p("Accompagner la vie associative", "realisation",
               "Soutenir les associations : subventions, salles, matériel.",
               _i("Nombre de prêts de salles et de matériel aux associations", "nombre",
                  INCREASE, M, SUM, 210),
               _i("Nombre d'associations soutenues", "nombre", INCREASE, Y, LAST, 145)),
            _p("Organiser les cérémonies et manifestations publiques", "realisation",
               "Préparer la logistique des cérémonies officielles et des fêtes locales.",
               _i("Nombre de manifestations accompagnées", "nombre", INCREASE, Q, SUM, 19)),
        ),
    ),
    ServiceCatalogue(
        "QUALITE", "QUA",
        "Services certifiés, direction générale, élus",
        "ISO 9001:2015 ; ISO 14001:2015 ; référentiel Marianne",
        (
            _p("Piloter le système de management de la qualité et de l'environnement",
               "pilotage",
               "Maintenir les certifications et faire vivre l'amélioration continue.",
               _i("Nombre de non-conformités majeures en audit de certification", "nombre",
                  DECREASE, Y, SUM, 1, obj="Maintenir les certifications"),
               _i("Nombre de services certifiés", "nombre", INCREASE, Y, LAST, 20,
                  obj="Maintenir les certifications")),
            _p("Conduire les audits internes", "pilotage",
               "Vérifier l'application des processus et identifier les pistes de progrès.",
               _i("Taux de réalisation du programme d'audits internes", "%", INCREASE, Q,
                  LAST, 85, obj="Conduire le programme d'audits"),
               _i("Taux d'actions correctives soldées dans les délais", "%", INCREASE, Q,
                  MEAN, 78, obj="Conduire le programme d'audits")),
            _p("Gérer la documentation qualité", "support",
               "Mettre à disposition de tous des documents à jour, relus et approuvés.",
               _i("Part des procédures en vigueur accessibles en ligne", "%", INCREASE, Q,
                  LAST, 88, obj="Dématérialiser la gestion documentaire"),
               _i("Nombre de documents dont la revue est échue", "nombre", DECREASE, M, LAST,
                  9)),
            _p("Mesurer la satisfaction et traiter les réclamations", "pilotage",
               "Écouter les usagers et transformer leurs réclamations en améliorations.",
               _i("Taux de réclamations traitées sous 15 jours", "%", INCREASE, M, MEAN, 84),
               _i("Délai moyen de traitement des réclamations", "jours", DECREASE, M, MEAN,
                  11),
               _i("Taux de satisfaction globale des usagers", "%", INCREASE, Y, MEAN, 81)),
        ),
    ),
    ServiceCatalogue(
        "COMMUNIC", "COM",
        "Habitants, médias, associations, agents",
        "Code électoral (communication en période préélectorale) ; RGAA ; droit à l'image",
        (
            _p("Informer les habitants", "realisation",
               "Donner à chaque habitant une information municipale fiable et à temps.",
               _i("Numéros du magazine municipal parus à la date prévue", "nombre", INCREASE,
                  Y, SUM, 10, obj="Respecter le calendrier"),
               _i("Nombre de visites du site internet", "nombre", INCREASE, M, SUM, 38000,
                  imported=True),
               _i("Nombre d'abonnés aux réseaux sociaux de la ville", "nombre", INCREASE, M,
                  LAST, 9800, imported=True)),
            _p("Rendre la communication accessible", "realisation",
               "Rendre les supports et le site utilisables par tous, handicap compris.",
               _i("Taux de conformité RGAA du site internet", "%", INCREASE, Q, LAST, 68,
                  obj="Rendre le site internet")),
            _p("Organiser les événements et les relations publiques", "realisation",
               "Concevoir et réussir les événements municipaux.",
               _i("Nombre d'événements municipaux organisés", "nombre", INCREASE, Q, SUM, 14),
               _i("Taux de satisfaction des participants aux événements", "%", INCREASE, Y,
                  MEAN, 84)),
        ),
    ),
    ServiceCatalogue(
        "JURIDIQUE", "JUR",
        "Élus, services municipaux, administrés",
        "Code général des collectivités territoriales (contrôle de légalité) ; Code des "
        "relations entre le public et l'administration ; Code des assurances",
        (
            _p("Sécuriser les actes administratifs", "support",
               "Produire des actes juridiquement sûrs et exécutoires sans délai.",
               _i("Délai moyen de transmission des délibérations au contrôle de légalité",
                  "jours", DECREASE, M, MEAN, 9, obj="Sécuriser les actes"),
               _i("Nombre d'actes retirés ou annulés", "nombre", DECREASE, Y, SUM, 1,
                  obj="Sécuriser les actes"),
               _i("Nombre d'actes relus par le service juridique", "nombre", INCREASE, M, SUM,
                  60)),
            _p("Gérer les contentieux", "support",
               "Défendre les intérêts de la commune devant les juridictions.",
               _i("Nombre de contentieux en cours", "nombre", DECREASE, Q, LAST, 11),
               _i("Taux de décisions de justice favorables", "%", INCREASE, Y, MEAN, 80)),
            _p("Gérer les assurances et les sinistres", "support",
               "Assurer le patrimoine au juste coût et suivre les sinistres.",
               _i("Montant des primes d'assurance", "€", DECREASE, Y, SUM, 215000,
                  imported=True, obj="Réduire la sinistralité"),
               _i("Nombre de sinistres déclarés", "nombre", DECREASE, Q, SUM, 12)),
        ),
    ),
    ServiceCatalogue(
        "FINANCES", "FIN",
        "Services municipaux, fournisseurs, élus, comptable public",
        "Instruction budgétaire et comptable M57 ; décret n° 2013-269 relatif aux délais de "
        "paiement ; facturation électronique (Chorus Pro)",
        (
            _p("Préparer et exécuter le budget", "support",
               "Voter un budget sincère et l'exécuter au plus près des prévisions.",
               _i("Taux de réalisation des dépenses d'investissement", "%", INCREASE, Y, LAST,
                  68, api="FIN"),
               _i("Charges à caractère général", "€", DECREASE, M, SUM, 520000, api="FIN",
                  obj="Maîtriser les charges"),
               _i("Taux d'épargne brute", "%", INCREASE, Y, LAST, 14, imported=True)),
            _p("Payer les fournisseurs", "support",
               "Payer dans les délais réglementaires, sans erreur.",
               _i("Délai global de paiement des fournisseurs", "jours", DECREASE, M, MEAN, 21,
                  api="FIN", obj="Réduire le délai global de paiement"),
               _i("Nombre de mandats émis", "nombre", INCREASE, M, SUM, 1150, api="FIN"),
               _i("Part des factures reçues par Chorus Pro", "%", INCREASE, M, MEAN, 92,
                  api="FIN")),
            _p("Gérer la dette et la trésorerie", "support",
               "Financer les investissements au meilleur coût et éviter les tensions.",
               _i("Capacité de désendettement", "années", DECREASE, Y, LAST, 5.2,
                  imported=True),
               _i("Trésorerie disponible en jours de dépenses", "jours", BAND, M, LAST, 45,
                  api="FIN", band=(30, 60))),
            _p("Tenir l'inventaire et contrôler la gestion", "support",
               "Fiabiliser l'actif et éclairer les décisions par le coût des services.",
               _i("Taux de concordance inventaire et état de l'actif", "%", INCREASE, Q, LAST,
                  86, obj="Fiabiliser l'inventaire"),
               _i("Nombre d'analyses de coût produites", "nombre", INCREASE, Q, SUM, 5),
               _i("Dépense moyenne par mandat", "€", DECREASE, M, MEAN, 0,
                  formula="{2} / {5}")),
        ),
    ),
    ServiceCatalogue(
        "RH", "RHU",
        "Agents de la collectivité, encadrants, candidats",
        "Code général de la fonction publique ; document unique d'évaluation des risques "
        "professionnels ; lignes directrices de gestion",
        (
            _p("Recruter et gérer les carrières", "support",
               "Pourvoir les postes avec les bonnes compétences et accompagner les parcours.",
               _i("Délai moyen de recrutement", "jours", DECREASE, Q, MEAN, 68, api="SIRH"),
               _i("Nombre de postes vacants", "nombre", DECREASE, M, LAST, 14, api="SIRH"),
               _i("Taux d'entretiens professionnels réalisés avant le 31 mars", "%", INCREASE,
                  Y, MEAN, 96, api="SIRH", obj="Généraliser les entretiens")),
            _p("Former les agents", "support",
               "Développer les compétences au service des projets de la collectivité.",
               _i("Part des agents formés dans l'année", "%", INCREASE, Q, LAST, 62,
                  api="SIRH", obj="Mettre en œuvre le plan de formation"),
               _i("Nombre de jours de formation", "jours", INCREASE, M, SUM, 95, api="SIRH")),
            _p("Prévenir les risques professionnels", "support",
               "Protéger la santé et la sécurité des agents.",
               _i("Jours d'arrêt pour accident du travail", "jours", DECREASE, M, SUM, 85,
                  api="SIRH", obj="Réduire les accidents"),
               _i("Nombre d'accidents du travail avec arrêt", "nombre", DECREASE, M, SUM, 3,
                  api="SIRH", obj="Réduire les accidents"),
               _i("Taux d'absentéisme", "%", DECREASE, M, MEAN, 8.2, api="SIRH")),
            _p("Gérer la paie et le temps de travail", "support",
               "Payer juste et à temps, suivre la masse salariale.",
               _i("Taux d'erreurs de paie", "%", DECREASE, M, MEAN, 0.6),
               _i("Masse salariale", "€", BAND, M, SUM, 1660000, api="SIRH",
                  band=(1620000, 1700000))),
        ),
    ),
    ServiceCatalogue(
        "DSI", "DSI",
        "Services municipaux, agents, usagers des services en ligne",
        "RGPD ; référentiel général de sécurité (RGS) ; référentiel général d'amélioration de "
        "l'accessibilité (RGAA)",
        (
            _p("Assurer le support aux utilisateurs", "support",
               "Rétablir rapidement le service et accompagner les utilisateurs.",
               _i("Nombre de tickets d'assistance ouverts", "nombre", DECREASE, M, SUM, 420,
                  api="ITSM"),
               _i("Délai moyen de résolution des incidents", "heures", DECREASE, M, MEAN, 15,
                  api="ITSM"),
               _i("Taux de satisfaction des utilisateurs du support", "%", INCREASE, Q, MEAN,
                  89, api="ITSM")),
            _p("Exploiter et sécuriser le système d'information", "support",
               "Garantir la disponibilité, l'intégrité et la confidentialité des données.",
               _i("Taux de disponibilité des applications métiers", "%", INCREASE, M, MEAN,
                  99.6, api="ITSM", obj="Garantir la disponibilité"),
               _i("Nombre de tests de restauration réussis", "nombre", INCREASE, Q, SUM, 1,
                  obj="Garantir la disponibilité"),
               _i("Taux de postes à jour des correctifs de sécurité", "%", INCREASE, M, MEAN,
                  94, api="ITSM")),
            _p("Conduire les projets numériques", "pilotage",
               "Dématérialiser les démarches et moderniser les outils des services.",
               _i("Nombre de démarches disponibles en ligne", "nombre", INCREASE, Q, LAST, 24,
                  obj="Ouvrir un portail citoyen"),
               _i("Part des démarches réalisées en ligne", "%", INCREASE, M, MEAN, 47,
                  imported=True)),
        ),
    ),
    ServiceCatalogue(
        "COMMANDE", "ACH",
        "Services prescripteurs, entreprises candidates",
        "Code de la commande publique ; schéma de promotion des achats socialement et "
        "écologiquement responsables (SPASER)",
        (
            _p("Passer les marchés publics", "support",
               "Acheter dans le respect des règles, au meilleur rapport qualité-prix.",
               _i("Nombre de procédures de marché lancées", "nombre", INCREASE, Q, SUM, 22),
               _i("Délai moyen de passation des MAPA", "jours", DECREASE, Q, MEAN, 62,
                  obj="Réduire le délai de passation"),
               _i("Nombre moyen d'offres reçues par consultation", "nombre", INCREASE, Q,
                  MEAN, 4.2)),
            _p("Optimiser les achats", "support",
               "Mutualiser les besoins et négocier pour dégager des économies.",
               _i("Économies réalisées sur les achats", "€", INCREASE, Q, SUM, 6500,
                  obj="Mutualiser les achats"),
               _i("Part des achats passés par la centrale d'achat", "%", INCREASE, Y, MEAN,
                  28)),
            _p("Intégrer le développement durable dans les achats", "support",
               "Faire de la commande publique un levier environnemental et social.",
               _i("Part des marchés comportant une clause environnementale", "%", INCREASE, Q,
                  MEAN, 27, obj="Intégrer des clauses environnementales"),
               _i("Part des marchés comportant une clause sociale", "%", INCREASE, Y, MEAN,
                  14)),
            _p("Exécuter et suivre les marchés", "support",
               "Suivre l'exécution, les avenants et la qualité des prestations.",
               _i("Nombre d'avenants passés", "nombre", DECREASE, Q, SUM, 9)),
        ),
    ),
    ServiceCatalogue(
        "VOIRIE", "VOI",
        "Habitants, usagers de l'espace public, riverains, entreprises de travaux",
        "Code de la voirie routière ; pouvoirs de police du maire (CGCT) ; accessibilité de la "
        "voirie (arrêté du 15 janvier 2007) ; réglementation DT-DICT",
        (
            _p("Entretenir la voirie communale", "realisation",
               "Maintenir chaussées, trottoirs et ouvrages en bon état pour la sécurité et "
               "le confort des usagers.",
               _i("Délai moyen de rebouchage des nids-de-poule", "jours", DECREASE, M, MEAN,
                  4.5, api="GMAO", obj="Réduire le délai de réparation"),
               _i("Part des nids-de-poule rebouchés sous 5 jours ouvrés", "%", INCREASE, M,
                  MEAN, 88, api="GMAO", obj="Réduire le délai de réparation"),
               _i("Nombre de signalements de dégradation de chaussée", "nombre", DECREASE, M,
                  SUM, 65, api="GMAO", season="winter"),
               _i("Surface de chaussée renouvelée", "m²", INCREASE, Y, SUM, 18000),
               _i("Taux d'atteinte de l'objectif de réactivité", "%", INCREASE, M, MEAN, 0,
                  formula="({2} / 90) * 100")),
            _p("Gérer les permissions et les chantiers sur le domaine public", "realisation",
               "Instruire les occupations du domaine public et coordonner les chantiers des "
               "concessionnaires.",
               _i("Nombre d'arrêtés de voirie délivrés", "nombre", INCREASE, M, SUM, 95),
               _i("Délai moyen de délivrance des permissions de voirie", "jours", DECREASE, M,
                  MEAN, 9),
               _i("Part des interventions saisies dans la GMAO sous 48 heures", "%", INCREASE,
                  M, MEAN, 93, api="GMAO", obj="Fiabiliser le suivi des interventions")),
            _p("Assurer la signalisation et la sécurité routière", "realisation",
               "Signaler, ralentir et protéger, en premier lieu aux abords des écoles.",
               _i("Nombre de groupes scolaires aux abords sécurisés", "nombre", INCREASE, Y,
                  LAST, 4, obj="Sécuriser les abords"),
               _i("Part des panneaux de signalisation conformes", "%", INCREASE, Q, MEAN, 91,
                  imported=True)),
            _p("Gérer l'éclairage public", "realisation",
               "Éclairer juste : sécurité des usagers, sobriété énergétique, ciel nocturne.",
               _i("Consommation électrique de l'éclairage public", "kWh", DECREASE, M, SUM,
                  95000, api="GTB", season="winter"),
               _i("Délai moyen de remise en service d'un point lumineux", "jours", DECREASE,
                  M, MEAN, 3, api="GMAO"),
               _i("Part des points lumineux équipés en LED", "%", INCREASE, Y, LAST, 48)),
        ),
    ),
    ServiceCatalogue(
        "ESPVERTS", "ESV",
        "Habitants, promeneurs, écoles, jardiniers des jardins partagés",
        "Loi Labbé (zéro phyto) ; Code de l'environnement ; arrêtés préfectoraux sécheresse ; "
        "sécurité des aires collectives de jeux (décret n° 96-1136)",
        (
            _p("Entretenir les parcs, jardins et espaces naturels", "realisation",
               "Offrir des espaces verts accueillants, gérés sans pesticides.",
               _i("Part des espaces gérés en zéro phyto", "%", INCREASE, Y, LAST, 97,
                  obj="Passer au zéro phyto"),
               _i("Taux de réalisation du plan de tonte et de fauche", "%", INCREASE, M, MEAN,
                  92),
               _i("Déchets verts évacués", "tonnes", DECREASE, M, SUM, 38, imported=True,
                  season="summer")),
            _p("Planter et renouveler le patrimoine arboré", "realisation",
               "Adapter la ville au changement climatique par la plantation d'arbres.",
               _i("Nombre d'arbres plantés", "nombre", INCREASE, Q, SUM, 75,
                  obj="Planter 1 000 arbres", season="planting"),
               _i("Taux de survie des plantations à un an", "%", INCREASE, Y, MEAN, 90),
               _i("Nombre d'arbres abattus pour raison sanitaire", "nombre", DECREASE, Y, SUM,
                  40)),
            _p("Gérer l'arrosage et la ressource en eau", "realisation",
               "Arroser au plus juste et économiser l'eau potable.",
               _i("Consommation d'eau d'arrosage", "m³", DECREASE, M, SUM, 2600, api="GTB",
                  obj="Réduire la consommation d'eau", season="summer"),
               _i("Part des massifs équipés en goutte-à-goutte", "%", INCREASE, Y, LAST, 55,
                  obj="Réduire la consommation d'eau")),
            _p("Entretenir les aires de jeux et le mobilier urbain", "realisation",
               "Garantir des aires de jeux sûres et un mobilier en bon état.",
               _i("Part des aires de jeux contrôlées à échéance", "%", INCREASE, Q, MEAN, 96),
               _i("Délai moyen de réparation du mobilier urbain", "jours", DECREASE, M, MEAN,
                  8, api="GMAO")),
            _p("Assurer la propreté urbaine", "realisation",
               "Des rues, places et parcs propres chaque jour.",
               _i("Déchets collectés sur la voie publique", "tonnes", DECREASE, M, SUM, 42,
                  imported=True),
               _i("Délai moyen d'enlèvement des dépôts sauvages", "jours", DECREASE, M, MEAN,
                  2.5, api="GMAO"),
               _i("Taux de satisfaction sur la propreté des rues", "%", INCREASE, Y, MEAN,
                  68)),
        ),
    ),
    ServiceCatalogue(
        "BATIMENTS", "BAT",
        "Services municipaux, écoles, associations et usagers des équipements",
        "Décret tertiaire (décret n° 2019-771) ; règlement de sécurité contre l'incendie des "
        "ERP ; Code de la construction et de l'habitation ; agenda d'accessibilité programmée",
        (
            _p("Entretenir et maintenir le patrimoine bâti", "realisation",
               "Des bâtiments sûrs, fonctionnels et entretenus à moindre coût.",
               _i("Délai moyen de traitement des demandes d'intervention", "jours", DECREASE,
                  M, MEAN, 6, api="GMAO"),
               _i("Nombre de demandes d'intervention reçues", "nombre", DECREASE, M, SUM, 180,
                  api="GMAO"),
               _i("Part de la maintenance préventive", "%", INCREASE, M, MEAN, 38,
                  api="GMAO")),
            _p("Maîtriser les consommations d'énergie", "realisation",
               "Suivre la trajectoire du décret tertiaire sur l'ensemble du patrimoine.",
               _i("Consommation d'énergie des bâtiments communaux", "kWh", DECREASE, M, SUM,
                  620000, api="GTB", obj="Réduire la consommation d'énergie",
                  season="winter"),
               _i("Consommation d'énergie par m² chauffé", "kWh/m²", DECREASE, M, SUM, 0,
                  formula="{4} / 52000"),
               _i("Température moyenne relevée dans les écoles", "°C", BAND, M, MEAN, 20.5,
                  api="GTB", band=(19, 22)),
               _i("Part d'énergie renouvelable dans les consommations", "%", INCREASE, Y,
                  LAST, 22)),
            _p("Réaliser les travaux neufs et de rénovation", "realisation",
               "Livrer les opérations dans les délais et les budgets votés.",
               _i("Taux de réalisation du programme de travaux", "%", INCREASE, Q, LAST, 70,
                  obj="Rénover les sanitaires"),
               _i("Écart moyen entre coût final et budget des opérations", "%", DECREASE, Y,
                  MEAN, 6, imported=True)),
            _p("Assurer la sécurité des établissements recevant du public", "realisation",
               "Tenir les vérifications réglementaires et lever les réserves.",
               _i("Part des vérifications réglementaires réalisées à échéance", "%", INCREASE,
                  Q, MEAN, 94, obj="Tenir à jour les vérifications"),
               _i("Délai moyen de levée des réserves", "jours", DECREASE, Q, MEAN, 75,
                  obj="Tenir à jour les vérifications")),
        ),
    ),
    ServiceCatalogue(
        "URBANISME", "URB",
        "Particuliers, promoteurs, architectes, notaires",
        "Code de l'urbanisme ; plan local d'urbanisme ; saisine par voie électronique des "
        "autorisations d'urbanisme",
        (
            _p("Instruire les autorisations d'urbanisme", "realisation",
               "Instruire chaque demande dans les délais légaux, sans permis tacite.",
               _i("Nombre de demandes d'autorisation d'urbanisme déposées", "nombre",
                  INCREASE, M, SUM, 70, api="ADS"),
               _i("Délai moyen d'instruction des permis de construire", "jours", DECREASE, M,
                  MEAN, 58, api="ADS", obj="Réduire le délai d'instruction"),
               _i("Nombre de permis tacites", "nombre", DECREASE, Q, SUM, 2,
                  obj="Réduire le délai d'instruction"),
               _i("Part des dossiers déposés en ligne", "%", INCREASE, M, MEAN, 64,
                  api="ADS")),
            _p("Contrôler la conformité des travaux", "realisation",
               "Vérifier que les constructions respectent les autorisations délivrées.",
               _i("Nombre de contrôles de conformité réalisés", "nombre", INCREASE, Q, SUM,
                  35),
               _i("Nombre d'infractions constatées", "nombre", DECREASE, Q, SUM, 6)),
            _p("Faire évoluer les documents d'urbanisme", "pilotage",
               "Traduire le projet de ville dans le plan local d'urbanisme.",
               _i("Avancement de la révision du PLU", "%", INCREASE, Q, LAST, 55,
                  obj="Intégrer un coefficient")),
            _p("Renseigner le public et délivrer les certificats", "realisation",
               "Informer les porteurs de projet avant le dépôt.",
               _i("Nombre de certificats d'urbanisme délivrés", "nombre", INCREASE, M, SUM,
                  45, api="ADS"),
               _i("Délai moyen de délivrance des certificats d'urbanisme", "jours", DECREASE,
                  M, MEAN, 12, api="ADS")),
        ),
    ),
    ServiceCatalogue(
        "CCAS", "CCA",
        "Personnes âgées, personnes en situation de handicap, ménages en difficulté",
        "Code de l'action sociale et des familles ; règlement des aides facultatives ; plan "
        "d'alerte canicule (registre nominatif)",
        (
            _p("Instruire et attribuer les aides sociales facultatives", "realisation",
               "Répondre vite et équitablement aux demandes d'aide.",
               _i("Nombre de demandes d'aide facultative instruites", "nombre", INCREASE, M,
                  SUM, 85, api="AIDESOC"),
               _i("Délai moyen de réponse aux demandes d'aide", "jours", DECREASE, M, MEAN,
                  11, api="AIDESOC", obj="Réduire le délai de réponse"),
               _i("Montant des aides facultatives versées", "€", BAND, Y, SUM, 185000,
                  band=(170000, 200000))),
            _p("Accompagner les personnes âgées à domicile", "realisation",
               "Prévenir l'isolement et protéger les plus fragiles.",
               _i("Nombre de visites de convivialité à domicile", "nombre", INCREASE, M, SUM,
                  21, obj="Rompre l'isolement"),
               _i("Nombre de personnes inscrites au registre canicule", "nombre", INCREASE, Y,
                  LAST, 340, obj="Rompre l'isolement"),
               _i("Part des inscrits contactés sous 24 h en alerte canicule", "%", INCREASE,
                  Y, MEAN, 96)),
            _p("Accueillir et orienter les publics", "realisation",
               "Un premier accueil qui oriente chacun vers la bonne aide.",
               _i("Nombre de personnes reçues en accueil social", "nombre", INCREASE, M, SUM,
                  310),
               _i("Part des domiciliations traitées sous 2 mois", "%", INCREASE, Q, MEAN, 92)),
            _p("Organiser l'aide alimentaire", "realisation",
               "Garantir une aide alimentaire digne avec les associations partenaires.",
               _i("Nombre de colis alimentaires distribués", "nombre", INCREASE, M, SUM, 140,
                  imported=True, obj="Ouvrir une épicerie")),
        ),
    ),
    ServiceCatalogue(
        "PETITEENF", "PEN",
        "Familles, enfants de moins de 3 ans, assistantes maternelles",
        "Code de la santé publique (établissements d'accueil du jeune enfant) ; convention "
        "d'objectifs et de gestion CAF (prestation de service unique)",
        (
            _p("Attribuer les places d'accueil du jeune enfant", "realisation",
               "Attribuer les places de façon transparente et rapide.",
               _i("Nombre de demandes de place en attente", "nombre", DECREASE, M, LAST, 95,
                  api="PETITENF"),
               _i("Part des préinscriptions faites en ligne", "%", INCREASE, M, MEAN, 78,
                  api="FAMILLE", obj="Simplifier la préinscription"),
               _i("Délai moyen d'attribution d'une place", "jours", DECREASE, Q, MEAN, 120,
                  api="PETITENF", obj="Ouvrir une micro-crèche")),
            _p("Accueillir les jeunes enfants en crèche", "realisation",
               "Un accueil de qualité, au plus près des besoins des familles.",
               _i("Taux d'occupation facturé des crèches", "%", INCREASE, M, MEAN, 74,
                  api="PETITENF", obj="Augmenter le taux d'occupation"),
               _i("Taux d'occupation réel des crèches", "%", INCREASE, M, MEAN, 68,
                  api="PETITENF"),
               _i("Heures d'accueil facturées", "heures", INCREASE, M, SUM, 21500,
                  api="PETITENF", season="school"),
               _i("Heures d'accueil réalisées", "heures", INCREASE, M, SUM, 20200,
                  api="PETITENF", season="school"),
               _i("Taux de facturation des heures réalisées", "%", DECREASE, M, MEAN, 0,
                  formula="({6} / {7}) * 100")),
            _p("Animer le relais petite enfance", "realisation",
               "Accompagner parents et assistantes maternelles.",
               _i("Nombre d'assistantes maternelles actives", "nombre", INCREASE, Y, LAST,
                  62),
               _i("Nombre de contacts des familles avec le relais", "nombre", INCREASE, M,
                  SUM, 120)),
        ),
    ),
    ServiceCatalogue(
        "SCOLAIRE", "SCO",
        "Élèves des écoles publiques, familles, enseignants",
        "Code de l'éducation ; loi EGalim (restauration collective) ; réglementation des "
        "accueils collectifs de mineurs (taux d'encadrement)",
        (
            _p("Inscrire les enfants et gérer la carte scolaire", "realisation",
               "Inscrire chaque enfant dans l'école de son secteur sans délai.",
               _i("Nombre d'élèves inscrits dans les écoles publiques", "nombre", INCREASE, Y,
                  LAST, 1450, api="FAMILLE"),
               _i("Délai moyen de traitement d'une inscription scolaire", "jours", DECREASE,
                  M, MEAN, 6, api="FAMILLE")),
            _p("Organiser la restauration scolaire", "realisation",
               "Des repas équilibrés, durables et sans gaspillage.",
               _i("Nombre de repas servis", "nombre", INCREASE, M, SUM, 16500, api="FAMILLE",
                  season="school"),
               _i("Déchets alimentaires par repas", "g/repas", DECREASE, M, MEAN, 85,
                  obj="Réduire le gaspillage"),
               _i("Part de produits durables et de qualité (EGalim)", "%", INCREASE, Q, MEAN,
                  46, imported=True)),
            _p("Organiser les accueils périscolaires", "realisation",
               "Des temps périscolaires riches et sûrs pour tous les enfants.",
               _i("Taux de fréquentation du périscolaire du soir", "%", INCREASE, M, MEAN, 57,
                  api="FAMILLE", obj="Développer l'offre"),
               _i("Nombre moyen d'enfants par animateur", "nombre", BAND, M, MEAN, 13,
                  band=(12, 14)),
               _i("Part des factures périscolaires contestées", "%", DECREASE, M, MEAN, 1.3,
                  api="FAMILLE", obj="Fiabiliser la facturation")),
            _p("Entretenir les locaux scolaires", "support",
               "Des écoles propres et entretenues chaque jour.",
               _i("Taux de conformité des contrôles de propreté des écoles", "%", INCREASE, Q,
                  MEAN, 90)),
        ),
    ),
    ServiceCatalogue(
        "ETATCIVIL", "ETC",
        "Habitants, futurs époux, familles, notaires",
        "Code civil ; instruction générale relative à l'état civil ; réglementation des "
        "titres d'identité (dispositifs de recueil)",
        (
            _p("Délivrer les titres d'identité", "realisation",
               "Obtenir un rendez-vous rapidement et un titre sans aller-retour inutile.",
               _i("Délai moyen d'obtention d'un rendez-vous titres", "jours", DECREASE, M,
                  MEAN, 28, api="RDV", obj="Réduire le délai de rendez-vous"),
               _i("Nombre de titres d'identité instruits", "nombre", INCREASE, M, SUM, 420,
                  api="RDV", season="summer"),
               _i("Taux de rendez-vous non honorés", "%", DECREASE, M, MEAN, 9, api="RDV")),
            _p("Établir et tenir les actes d'état civil", "realisation",
               "Des actes exacts, signés et conservés selon les règles.",
               _i("Nombre d'actes d'état civil établis", "nombre", INCREASE, M, SUM, 160),
               _i("Nombre d'actes non signés en fin de mois", "nombre", DECREASE, M, LAST, 2,
                  obj="Sécuriser la tenue des registres")),
            _p("Délivrer les copies et extraits d'actes", "realisation",
               "Délivrer les actes demandés en ligne, au guichet ou par courrier.",
               _i("Part des demandes d'actes dématérialisées", "%", INCREASE, M, MEAN, 62,
                  imported=True, obj="Dématérialiser les demandes"),
               _i("Délai moyen de délivrance d'un extrait d'acte", "jours", DECREASE, M, MEAN,
                  2.5)),
            _p("Organiser les élections", "realisation",
               "Des scrutins sincères et des listes électorales à jour.",
               _i("Nombre d'inscrits sur les listes électorales", "nombre", INCREASE, Y, LAST,
                  11800, imported=True),
               _i("Part des procurations traitées avant le scrutin", "%", INCREASE, Y, MEAN,
                  99)),
        ),
    ),
    ServiceCatalogue(
        "ACCUEIL", "ACC",
        "Habitants et usagers des services municipaux",
        "Référentiel Marianne ; Code des relations entre le public et l'administration ; RGPD",
        (
            _p("Accueillir et orienter les usagers au guichet", "realisation",
               "Un accueil courtois, rapide et qui oriente juste du premier coup.",
               _i("Nombre d'usagers accueillis au guichet unique", "nombre", INCREASE, M, SUM,
                  2300, api="GRU"),
               _i("Temps d'attente moyen au guichet", "minutes", DECREASE, M, MEAN, 7,
                  api="GRU")),
            _p("Gérer l'accueil téléphonique", "realisation",
               "Répondre à chaque appel et rappeler les appels perdus.",
               _i("Nombre d'appels reçus au standard", "nombre", INCREASE, M, SUM, 5900,
                  api="TEL"),
               _i("Taux de décroché téléphonique", "%", INCREASE, M, MEAN, 86, api="TEL",
                  obj="Améliorer le taux de décroché")),
            _p("Traiter les demandes écrites des usagers", "realisation",
               "Répondre à chaque demande écrite dans le délai annoncé.",
               _i("Nombre de demandes écrites reçues", "nombre", INCREASE, M, SUM, 250,
                  api="GRU"),
               _i("Part des courriels traités sous 72 heures", "%", INCREASE, M, MEAN, 91,
                  api="GRU", obj="Répondre aux courriels"),
               _i("Délai moyen de traitement des demandes des usagers", "jours", DECREASE, M,
                  MEAN, 4.2, api="GRU")),
            _p("Mesurer la satisfaction des usagers", "pilotage",
               "Écouter les usagers et rendre compte des engagements d'accueil.",
               _i("Taux de satisfaction des usagers de l'accueil", "%", INCREASE, Y, MEAN,
                  88),
               _i("Nombre de réclamations enregistrées", "nombre", DECREASE, M, SUM, 250,
                  imported=True),
               _i("Taux de réclamations", "%", DECREASE, M, MEAN, 0,
                  formula="({9} / ({3} + {5})) * 100")),
        ),
    ),
    ServiceCatalogue(
        "POLICE", "POL",
        "Habitants, commerçants, écoles, usagers de la voie publique",
        "Code de la sécurité intérieure ; Code de la route ; convention de coordination avec "
        "la police nationale",
        (
            _p("Assurer la présence de proximité", "realisation",
               "Être visible et disponible dans tous les quartiers.",
               _i("Heures de patrouille pédestre ou à vélo", "heures", INCREASE, M, SUM, 125,
                  obj="Renforcer la présence"),
               _i("Nombre de points écoles tenus", "nombre", INCREASE, M, SUM, 310,
                  season="school")),
            _p("Traiter les réquisitions et les interventions", "realisation",
               "Intervenir vite sur appel des habitants et des partenaires.",
               _i("Nombre d'interventions sur réquisition", "nombre", INCREASE, M, SUM, 140,
                  imported=True),
               _i("Délai moyen d'intervention sur appel", "minutes", DECREASE, M, MEAN, 14,
                  imported=True)),
            _p("Constater et verbaliser les infractions", "realisation",
               "Faire respecter les arrêtés du maire et le code de la route.",
               _i("Part des contraventions dressées par voie électronique", "%", INCREASE, M,
                  MEAN, 97, api="PVE", obj="Déployer la verbalisation"),
               _i("Nombre de contraventions dressées", "nombre", INCREASE, M, SUM, 380,
                  api="PVE"),
               _i("Nombre de dépôts sauvages constatés", "nombre", DECREASE, M, SUM, 34,
                  obj="Lutter contre les dépôts"),
               _i("Part des auteurs de dépôts sauvages identifiés", "%", INCREASE, Q, MEAN,
                  35, obj="Lutter contre les dépôts")),
            _p("Gérer la fourrière et les objets trouvés", "realisation",
               "Libérer la voie publique et restituer les objets à leurs propriétaires.",
               _i("Nombre de véhicules mis en fourrière", "nombre", DECREASE, M, SUM, 18)),
        ),
    ),
    ServiceCatalogue(
        "SPORTS", "SPO",
        "Clubs et associations sportives, scolaires, pratiquants libres",
        "Code du sport ; Code de la santé publique (eaux de piscine) ; normes d'homologation "
        "des fédérations",
        (
            _p("Attribuer et gérer les créneaux des équipements sportifs", "realisation",
               "Remplir les équipements en répondant équitablement aux demandes.",
               _i("Taux d'occupation des gymnases", "%", INCREASE, M, MEAN, 78, api="RESA",
                  obj="Augmenter le taux d'occupation"),
               _i("Heures de créneaux attribuées", "heures", INCREASE, M, SUM, 2100,
                  api="RESA", season="school")),
            _p("Entretenir les équipements sportifs", "realisation",
               "Des équipements sûrs, propres et économes.",
               _i("Consommation d'énergie des gymnases", "kWh", DECREASE, M, SUM, 48000,
                  api="GTB", obj="Réduire les consommations", season="winter"),
               _i("Consommation d'eau des équipements sportifs", "m³", DECREASE, M, SUM, 950,
                  imported=True, obj="Réduire les consommations"),
               _i("Délai moyen de remise en état après signalement", "jours", DECREASE, M,
                  MEAN, 5, api="GMAO")),
            _p("Gérer la piscine municipale", "realisation",
               "Une piscine ouverte, sûre et à l'eau irréprochable.",
               _i("Nombre d'entrées à la piscine", "nombre", INCREASE, M, SUM, 9500,
                  api="BILLET", season="summer"),
               _i("Taux de conformité des analyses d'eau de baignade", "%", INCREASE, M, MEAN,
                  99)),
            _p("Soutenir les associations sportives", "realisation",
               "Accompagner les clubs qui font vivre le sport à Montclar.",
               _i("Nombre de licenciés des clubs subventionnés", "nombre", INCREASE, Y, LAST,
                  3900),
               _i("Subventions versées aux clubs sportifs", "€", BAND, Y, SUM, 240000,
                  band=(230000, 250000))),
        ),
    ),
    ServiceCatalogue(
        "CULTURE", "CUL",
        "Habitants, lecteurs, scolaires, publics éloignés de la culture",
        "Code du patrimoine (récolement décennal) ; licences d'entrepreneur de spectacles ; "
        "Code de la propriété intellectuelle (droit de prêt)",
        (
            _p("Gérer la médiathèque et ses collections", "realisation",
               "Des collections vivantes et une médiathèque ouverte à tous les publics.",
               _i("Nombre d'inscrits actifs à la médiathèque", "nombre", INCREASE, M, LAST,
                  4600, api="SIGB", obj="Élargir les publics"),
               _i("Nombre de prêts de documents", "nombre", INCREASE, M, SUM, 11500,
                  api="SIGB"),
               _i("Taux de rotation des collections", "prêts/document", INCREASE, Y, MEAN,
                  2.4),
               _i("Avancement du récolement décennal", "%", INCREASE, Q, LAST, 72,
                  obj="Achever le récolement"),
               _i("Heures d'ouverture hebdomadaire de la médiathèque", "heures", INCREASE, Y,
                  LAST, 34, obj="Ouvrir la médiathèque le dimanche")),
            _p("Programmer la saison culturelle", "realisation",
               "Une programmation exigeante et populaire.",
               _i("Nombre de spectateurs de la saison culturelle", "nombre", INCREASE, M, SUM,
                  1900, api="BILLET", season="school"),
               _i("Taux de remplissage des spectacles", "%", INCREASE, M, MEAN, 74,
                  api="BILLET"),
               _i("Recettes de billetterie", "€", INCREASE, M, SUM, 16000, api="BILLET",
                  season="school")),
            _p("Développer l'éducation artistique et culturelle", "realisation",
               "Un parcours artistique pour chaque enfant de la ville.",
               _i("Part des classes élémentaires bénéficiant d'un parcours", "%", INCREASE, Y,
                  LAST, 82, obj="Développer l'éducation artistique"),
               _i("Nombre d'élèves de l'école de musique", "nombre", INCREASE, Y, LAST, 310)),
        ),
    ),
)

CATALOGUE_BY_SERVICE: dict[str, ServiceCatalogue] = {c.service: c for c in CATALOGUE}

#: Quartiers of the large town: each follows its own copy of the operational indicators.
QUARTIERS: tuple[str, ...] = (
    "Centre ancien", "Les Capelles", "La Bourdette", "Saint-Jacques", "Les Arènes",
    "Le Ramier", "Borderouge", "Les Peupliers", "La Croix-Blanche", "Le Moulin",
    "Les Coteaux", "Lèze-Rive gauche", "La Gare", "Les Tuileries", "Pech-David",
    "Les Vignes",
)


def indicator_entries() -> Iterator[tuple[str, ServiceCatalogue, int, IndicatorDef]]:
    """(code, service entry, process position, definition) of every catalogue indicator."""
    for entry in CATALOGUE:
        number = 0
        for position, process in enumerate(entry.processes, start=1):
            for spec in process.indicators:
                number += 1
                yield f"{entry.prefix}-{number:03d}", entry, position, spec


def process_code(prefix: str, position: int) -> str:
    return f"{prefix}-P{position:02d}"


def process_of(service: str, objective_title: str) -> str:
    """Code of the process whose first indicator measures this service objective."""
    for _code, entry, position, spec in indicator_entries():
        if (entry.service == service and spec.objective
                and objective_title.startswith(spec.objective)):
            return process_code(entry.prefix, position)
    raise KeyError(f"{service} : aucun indicateur ne mesure « {objective_title} »")


def resolve_formula(prefix: str, formula: str) -> str:
    """A catalogue formula with its ``{n}`` replaced by the service's indicator codes."""
    return re.sub(r"\{(\d+)\}", lambda m: f"{prefix}-{int(m.group(1)):03d}", formula)
