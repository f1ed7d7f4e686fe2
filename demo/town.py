"""The fictional town of Montclar-sur-Lèze: its organisation chart and municipal programme.

Pure data, no database access: the loader turns it into rows. Keeping the town as plain
literals makes the demo deterministic (same ids, same names on every load) and lets tests
import the expected codes instead of repeating them.

Every name, code and figure here is invented; any resemblance to a real municipality is a
coincidence of French administrative vocabulary.
"""

from __future__ import annotations

from dataclasses import dataclass

TOWN_NAME = "Ville de Montclar-sur-Lèze"
EMAIL_DOMAIN = "montclar.invalid"
HISTORY_REASON = "Chargement de la ville de démonstration"


# ------------------------------------------------------------------------------- organisation
@dataclass(frozen=True)
class ServiceDef:
    """A service of the demo town; ``parent`` is the code of its pôle (None for a pôle)."""

    code: str
    name: str
    parent: str | None = None


#: Pôles first (a pôle is a service with children), then the services, grouped by pôle.
SERVICES: tuple[ServiceDef, ...] = (
    ServiceDef("DG", "Direction générale des services"),
    ServiceDef("POLE-RES", "Pôle Ressources"),
    ServiceDef("POLE-TECH", "Pôle Technique et cadre de vie"),
    ServiceDef("POLE-SOL", "Pôle Solidarités, enfance et éducation"),
    ServiceDef("POLE-CITOY", "Pôle Citoyenneté et vie locale"),
    # Direction générale
    ServiceDef("QUALITE", "Cellule qualité et performance", "DG"),
    ServiceDef("COMMUNIC", "Communication et relations publiques", "DG"),
    ServiceDef("JURIDIQUE", "Affaires juridiques et assurances", "DG"),
    # Pôle Ressources
    ServiceDef("FINANCES", "Finances et contrôle de gestion", "POLE-RES"),
    ServiceDef("RH", "Ressources humaines", "POLE-RES"),
    ServiceDef("DSI", "Systèmes d'information", "POLE-RES"),
    ServiceDef("COMMANDE", "Commande publique", "POLE-RES"),
    # Pôle Technique et cadre de vie
    ServiceDef("VOIRIE", "Voirie et réseaux", "POLE-TECH"),
    ServiceDef("ESPVERTS", "Espaces verts et cadre de vie", "POLE-TECH"),
    ServiceDef("BATIMENTS", "Bâtiments communaux et énergie", "POLE-TECH"),
    ServiceDef("URBANISME", "Urbanisme et droit des sols", "POLE-TECH"),
    # Pôle Solidarités, enfance et éducation
    ServiceDef("CCAS", "Centre communal d'action sociale", "POLE-SOL"),
    ServiceDef("PETITEENF", "Petite enfance", "POLE-SOL"),
    ServiceDef("SCOLAIRE", "Affaires scolaires et périscolaires", "POLE-SOL"),
    # Pôle Citoyenneté et vie locale
    ServiceDef("ETATCIVIL", "État civil et formalités administratives", "POLE-CITOY"),
    ServiceDef("ACCUEIL", "Accueil et relation aux usagers", "POLE-CITOY"),
    ServiceDef("POLICE", "Police municipale", "POLE-CITOY"),
    ServiceDef("SPORTS", "Sports et équipements sportifs", "POLE-CITOY"),
    ServiceDef("CULTURE", "Culture et médiathèque", "POLE-CITOY"),
)
SERVICE_NAMES: dict[str, str] = {s.code: s.name for s in SERVICES}
POLE_CODES: tuple[str, ...] = tuple(s.code for s in SERVICES if s.parent is None)


# ---------------------------------------------------------------------------------- programme
@dataclass(frozen=True)
class ProgrammeDef:
    """The elected team's programme for the mandate."""

    title: str
    start_year: int
    end_year: int
    status: str
    description: str


PROGRAMME = ProgrammeDef(
    title="Programme municipal 2020-2026 « Montclar, ville à vivre »",
    start_year=2020,
    end_year=2026,
    status="active",
    description=(
        "Projet politique de l'équipe municipale élue en 2020, décliné par les élus en trois "
        "axes stratégiques puis par les responsables de service en objectifs stratégiques, "
        "suivis par indicateurs dans la carte stratégique et revus chaque année en Revue de "
        "Direction."
    ),
)


@dataclass(frozen=True)
class AxisDef:
    """A strategic axis with its referent officials (usernames of demo accounts)."""

    code: str
    title: str
    description: str
    referents: tuple[str, ...]


AXES: tuple[AxisDef, ...] = (
    AxisDef(
        "A1",
        "Une ville solidaire et attentive à chacun",
        "Accompagner les habitants à chaque âge de la vie, soutenir les plus fragiles et "
        "ouvrir le sport et la culture à tous.",
        ("elu.solidarite",),
    ),
    AxisDef(
        "A2",
        "Une ville durable et agréable à vivre",
        "Engager la transition écologique du patrimoine communal, préserver la nature en ville "
        "et offrir un espace public propre, sûr et accessible.",
        ("elu.environnement",),
    ),
    AxisDef(
        "A3",
        "Une administration efficace et proche des habitants",
        "Simplifier les démarches, maîtriser les dépenses publiques et faire progresser la "
        "qualité du service rendu grâce à l'implication des agents.",
        ("elu.finances", "elu"),
    ),
)


@dataclass(frozen=True)
class StrategicObjectiveDef:
    """A strategic objective: its axis comes from its code (``A2.3`` belongs to ``A2``)."""

    code: str
    title: str
    description: str
    owner: str
    services: tuple[str, ...]
    weight: float = 1.0

    @property
    def axis_code(self) -> str:
        return self.code.split(".", 1)[0]


STRATEGIC_OBJECTIVES: tuple[StrategicObjectiveDef, ...] = (
    StrategicObjectiveDef(
        "A1.1",
        "Accompagner les personnes âgées et les publics fragiles",
        "Lutter contre l'isolement, faciliter l'accès aux droits et orienter chaque personne "
        "vers la bonne aide dès le premier contact.",
        "dir.solidarites",
        ("CCAS", "ACCUEIL"),
    ),
    StrategicObjectiveDef(
        "A1.2",
        "Offrir aux familles des modes d'accueil et une école de qualité",
        "Places en crèche, restauration scolaire, temps périscolaires et bâtiments scolaires "
        "entretenus.",
        "dir.solidarites",
        ("PETITEENF", "SCOLAIRE", "BATIMENTS"),
        weight=1.5,
    ),
    StrategicObjectiveDef(
        "A1.3",
        "Rendre le sport et la culture accessibles à tous",
        "Ouvrir davantage les équipements, aller vers les publics éloignés et développer "
        "l'éducation artistique.",
        "dir.citoyennete",
        ("SPORTS", "CULTURE"),
    ),
    StrategicObjectiveDef(
        "A1.4",
        "Garantir la tranquillité publique",
        "Présence de proximité de la police municipale et sécurisation des lieux sensibles, "
        "en premier lieu les abords des écoles.",
        "resp.police",
        ("POLICE", "VOIRIE"),
    ),
    StrategicObjectiveDef(
        "A2.1",
        "Réduire la consommation d'énergie du patrimoine communal",
        "Atteindre les objectifs du décret tertiaire par la rénovation, le pilotage des "
        "installations et des achats responsables.",
        "resp.batiments",
        ("BATIMENTS", "COMMANDE", "SPORTS"),
        weight=1.5,
    ),
    StrategicObjectiveDef(
        "A2.2",
        "Préserver la biodiversité et développer la nature en ville",
        "Gestion écologique des espaces verts, plantations et protection de la pleine terre "
        "dans les documents d'urbanisme.",
        "resp.espverts",
        ("ESPVERTS", "URBANISME"),
    ),
    StrategicObjectiveDef(
        "A2.3",
        "Entretenir un espace public propre, sûr et accessible",
        "Réactivité face aux dégradations de voirie, aux dépôts sauvages et aux obstacles à "
        "la circulation des piétons.",
        "dir.technique",
        ("VOIRIE", "ESPVERTS", "POLICE"),
    ),
    StrategicObjectiveDef(
        "A2.4",
        "Maîtriser l'urbanisation et favoriser un habitat de qualité",
        "Instruire vite et sûrement les autorisations d'urbanisme et accompagner les projets "
        "d'habitat dans le respect du PLU.",
        "resp.urbanisme",
        ("URBANISME", "JURIDIQUE"),
    ),
    StrategicObjectiveDef(
        "A3.1",
        "Simplifier les démarches et améliorer l'accueil des usagers",
        "Démarches en ligne, délais de rendez-vous réduits, réponses rapides aux courriels et "
        "aux appels.",
        "dir.citoyennete",
        ("ACCUEIL", "ETATCIVIL", "DSI", "COMMUNIC"),
        weight=1.5,
    ),
    StrategicObjectiveDef(
        "A3.2",
        "Maîtriser les dépenses de fonctionnement et optimiser les achats",
        "Tenir les charges à caractère général, payer les fournisseurs à temps et mutualiser "
        "les achats.",
        "dir.ressources",
        ("FINANCES", "COMMANDE", "DSI"),
    ),
    StrategicObjectiveDef(
        "A3.3",
        "Développer les compétences et la qualité de vie au travail des agents",
        "Former, prévenir les accidents du travail et placer l'agent au cœur de la démarche "
        "d'amélioration continue.",
        "resp.rh",
        ("RH",),
    ),
    StrategicObjectiveDef(
        "A3.4",
        "Piloter la qualité et la performance des services",
        "Maintenir les certifications ISO 9001 et ISO 14001, auditer, sécuriser les actes et "
        "rendre compte des engagements de service.",
        "qualite",
        ("QUALITE", "JURIDIQUE", "COMMUNIC"),
    ),
)


# ------------------------------------------------------------------------- service objectives
@dataclass(frozen=True)
class ObjectiveDef:
    """One service objective theme, declined over one or more years.

    ``years`` maps a year to the objective's state that year: the same theme renewed each
    year is how the annual revision really looks (seed: *révision annuelle des objectifs*).
    ``strategic`` is None for a pure service-policy objective (*organiser la politique de
    service*). ``{year}`` in ``expected_result`` is replaced by the year.
    """

    service: str
    strategic: str | None
    title: str
    description: str
    expected_result: str
    years: tuple[tuple[int, str], ...]
    weight: float = 1.0


def _o(
    service: str,
    strategic: str | None,
    title: str,
    description: str,
    expected_result: str,
    *years: tuple[int, str],
    weight: float = 1.0,
) -> ObjectiveDef:
    return ObjectiveDef(service, strategic, title, description, expected_result, years, weight)


#: 2024 is closed (mostly ``clos``), 2025 running (``actif``, some closed early), 2026 in
#: preparation for the Revue de Direction (every pre-validation state appears).
SERVICE_OBJECTIVES: tuple[ObjectiveDef, ...] = (
    # ---------------------------------------------------------------- VOIRIE
    _o(
        "VOIRIE",
        "A2.3",
        "Réduire le délai de réparation des nids-de-poule",
        "Traiter les signalements de dégradation de chaussée (appels, application citoyenne, "
        "patrouilles) dans un délai maîtrisé, suivi dans la GMAO.",
        "90 % des nids-de-poule signalés rebouchés sous 5 jours ouvrés en {year}.",
        (2025, "actif"),
        (2026, "propose"),
        weight=2.0,
    ),
    _o(
        "VOIRIE",
        "A1.4",
        "Sécuriser les abords des écoles",
        "Programme pluriannuel de plateaux ralentisseurs, de passages piétons éclairés et de "
        "barrières devant les six groupes scolaires.",
        "Deux groupes scolaires supplémentaires sécurisés en {year}.",
        (2026, "valide"),
    ),
    _o(
        "VOIRIE",
        None,
        "Fiabiliser le suivi des interventions dans la GMAO",
        "Saisir systématiquement les bons d'intervention, les temps passés et les matériaux "
        "pour connaître le coût réel de l'entretien.",
        "100 % des interventions saisies dans la GMAO sous 48 heures en {year}.",
        (2024, "clos"),
    ),
    # ---------------------------------------------------------------- ESPVERTS
    _o(
        "ESPVERTS",
        "A2.2",
        "Passer au zéro phyto sur l'ensemble des espaces communaux",
        "Étendre la gestion sans produits phytosanitaires aux cimetières et aux terrains de "
        "sport, avec désherbage mécanique et enherbement.",
        "Aucun produit phytosanitaire acheté ni utilisé en {year}.",
        (2024, "clos"),
    ),
    _o(
        "ESPVERTS",
        "A2.2",
        "Planter 1 000 arbres sur la durée du mandat",
        "Plantations en alignement, dans les cours d'école et les parcs, avec des essences "
        "adaptées au changement climatique.",
        "300 arbres plantés pendant la saison de plantation {year}.",
        (2025, "actif"),
        (2026, "revu"),
        weight=2.0,
    ),
    _o(
        "ESPVERTS",
        None,
        "Réduire la consommation d'eau d'arrosage",
        "Paillage, arrosage goutte-à-goutte piloté et choix de végétaux économes en eau.",
        "Consommation d'eau d'arrosage en baisse de 10 % par rapport à 2023 en {year}.",
        (2026, "amende"),
    ),
    # ---------------------------------------------------------------- BATIMENTS
    _o(
        "BATIMENTS",
        "A2.1",
        "Réduire la consommation d'énergie des bâtiments communaux",
        "Trajectoire du décret tertiaire : relamping LED, régulation du chauffage, isolation "
        "des bâtiments les plus énergivores.",
        "Consommation d'énergie en baisse de 4 % par rapport à l'année précédente en {year}.",
        (2024, "clos"),
        (2025, "actif"),
        (2026, "propose"),
        weight=2.0,
    ),
    _o(
        "BATIMENTS",
        "A1.2",
        "Rénover les sanitaires des écoles élémentaires",
        "Rénovation complète des blocs sanitaires signalés par les conseils d'école.",
        "Sanitaires de deux écoles élémentaires rénovés pendant les vacances d'été {year}.",
        (2024, "reporte"),
        (2025, "actif"),
    ),
    _o(
        "BATIMENTS",
        None,
        "Tenir à jour les vérifications réglementaires des ERP",
        "Planifier et suivre les contrôles périodiques (électricité, gaz, ascenseurs, "
        "sécurité incendie) des établissements recevant du public.",
        "100 % des contrôles réalisés à échéance et réserves levées sous 3 mois en {year}.",
        (2026, "valide"),
    ),
    # ---------------------------------------------------------------- URBANISME
    _o(
        "URBANISME",
        "A2.4",
        "Réduire le délai d'instruction des permis de construire",
        "Contrôle de complétude dès le dépôt et revue hebdomadaire des dossiers en cours pour "
        "éviter tout permis tacite.",
        "Délai moyen d'instruction inférieur à 2 mois et aucun permis tacite en {year}.",
        (2025, "actif"),
    ),
    _o(
        "URBANISME",
        "A2.2",
        "Intégrer un coefficient de pleine terre dans la révision du PLU",
        "Proposer aux élus une règle de pleine terre par zone lors de la révision générale "
        "du plan local d'urbanisme.",
        "Règle de pleine terre présentée au conseil municipal avant la fin de {year}.",
        (2026, "brouillon"),
    ),
    # ---------------------------------------------------------------- CCAS
    _o(
        "CCAS",
        "A1.1",
        "Rompre l'isolement des personnes âgées",
        "Visites de convivialité à domicile, registre canicule et appels réguliers aux "
        "personnes isolées.",
        "Tous les inscrits du registre canicule contactés sous 24 heures en cas d'alerte et "
        "250 visites de convivialité en {year}.",
        (2025, "actif"),
        (2026, "propose"),
        weight=2.0,
    ),
    _o(
        "CCAS",
        "A1.1",
        "Réduire le délai de réponse aux demandes d'aide facultative",
        "Commission d'attribution bimensuelle et dossier unique de demande.",
        "Réponse sous 10 jours ouvrés pour 90 % des demandes en {year}.",
        (2024, "clos"),
    ),
    _o(
        "CCAS",
        "A1.1",
        "Ouvrir une épicerie solidaire municipale",
        "Épicerie solidaire gérée en régie dans les locaux de l'ancienne poste.",
        "Épicerie ouverte au public au second semestre {year}.",
        (2026, "rejete"),
    ),
    # ---------------------------------------------------------------- PETITEENF
    _o(
        "PETITEENF",
        "A1.2",
        "Augmenter le taux d'occupation des crèches municipales",
        "Commission d'attribution mensuelle et remplacement rapide des places libérées.",
        "Taux d'occupation facturé d'au moins 75 % en {year}.",
        (2025, "actif"),
    ),
    _o(
        "PETITEENF",
        None,
        "Simplifier la préinscription en crèche par le portail famille",
        "Formulaire de préinscription en ligne et suivi de la demande par les familles.",
        "80 % des préinscriptions faites en ligne en {year}.",
        (2024, "clos"),
    ),
    _o(
        "PETITEENF",
        "A1.2",
        "Ouvrir une micro-crèche de 12 places",
        "Micro-crèche dans le quartier des Capelles, au rez-de-chaussée de la future "
        "résidence seniors.",
        "Micro-crèche ouverte à la rentrée de septembre {year}.",
        (2026, "reporte"),
    ),
    # ---------------------------------------------------------------- SCOLAIRE
    _o(
        "SCOLAIRE",
        "A1.2",
        "Réduire le gaspillage alimentaire en restauration scolaire",
        "Pesées régulières, ajustement des grammages et sensibilisation des élèves avec les "
        "animateurs.",
        "Moins de 80 grammes de déchets alimentaires par repas en {year}.",
        (2024, "clos"),
    ),
    _o(
        "SCOLAIRE",
        "A1.2",
        "Développer l'offre d'activités périscolaires",
        "Ateliers sportifs, culturels et scientifiques avec les associations de la ville.",
        "Taux de fréquentation du périscolaire du soir d'au moins 60 % en {year}.",
        (2025, "actif"),
        (2026, "amende"),
    ),
    _o(
        "SCOLAIRE",
        None,
        "Fiabiliser la facturation périscolaire",
        "Pointage sur tablette et contrôle croisé des présences avant facturation.",
        "Moins de 1 % de factures contestées en {year}.",
        (2026, "brouillon"),
    ),
    # ---------------------------------------------------------------- ETATCIVIL
    _o(
        "ETATCIVIL",
        "A3.1",
        "Réduire le délai de rendez-vous pour les titres d'identité",
        "Plages supplémentaires, relances SMS et libération des rendez-vous non honorés.",
        "Délai moyen d'obtention d'un rendez-vous inférieur à 30 jours en {year}.",
        (2024, "clos"),
        (2025, "actif"),
        (2026, "revu"),
        weight=2.0,
    ),
    _o(
        "ETATCIVIL",
        None,
        "Sécuriser la tenue des registres d'état civil",
        "Contrôle systématique des actes avant signature et clôture annuelle des registres.",
        "Aucun acte non signé au 31 décembre {year} et contrôle du parquet sans observation.",
        (2025, "clos"),
    ),
    _o(
        "ETATCIVIL",
        "A3.1",
        "Dématérialiser les demandes d'actes d'état civil",
        "Raccordement à la plateforme d'échange dématérialisé avec les notaires et demandes "
        "d'actes en ligne pour les particuliers.",
        "70 % des demandes d'actes reçues sous forme dématérialisée en {year}.",
        (2026, "valide"),
    ),
    # ---------------------------------------------------------------- ACCUEIL
    _o(
        "ACCUEIL",
        "A3.1",
        "Répondre aux courriels des usagers sous 72 heures",
        "Boîte unique de contact, modèles de réponse et suivi des demandes dans l'outil de "
        "gestion de la relation usagers.",
        "95 % des courriels traités en moins de 72 heures en {year}.",
        (2025, "actif"),
    ),
    _o(
        "ACCUEIL",
        None,
        "Améliorer le taux de décroché téléphonique",
        "Standard mutualisé aux heures de pointe et rappel des appels perdus.",
        "Au moins 90 % des appels décrochés en {year}.",
        (2026, "brouillon"),
    ),
    # ---------------------------------------------------------------- POLICE
    _o(
        "POLICE",
        "A1.4",
        "Renforcer la présence de proximité",
        "Patrouilles pédestres et à vélo dans les quartiers et aux heures d'entrée et de "
        "sortie des écoles.",
        "1 500 heures de patrouille pédestre ou à vélo en {year}.",
        (2025, "actif"),
    ),
    _o(
        "POLICE",
        "A2.3",
        "Lutter contre les dépôts sauvages",
        "Repérage, enquête sur l'auteur et enlèvement coordonné avec le service voirie.",
        "Dépôts sauvages enlevés sous 48 heures et auteurs identifiés verbalisés en {year}.",
        (2026, "revu"),
    ),
    _o(
        "POLICE",
        None,
        "Déployer la verbalisation électronique",
        "Équiper les agents de terminaux de verbalisation électronique.",
        "100 % des contraventions dressées par voie électronique en {year}.",
        (2024, "clos"),
    ),
    # ---------------------------------------------------------------- SPORTS
    _o(
        "SPORTS",
        "A1.3",
        "Augmenter le taux d'occupation des équipements sportifs",
        "Réattribuer les créneaux inutilisés et ouvrir les gymnases aux pratiques libres "
        "pendant les vacances.",
        "Taux d'occupation des gymnases d'au moins 80 % en {year}.",
        (2025, "actif"),
    ),
    _o(
        "SPORTS",
        "A2.1",
        "Réduire les consommations d'eau et d'énergie des gymnases",
        "Mousseurs, détecteurs de présence et programmation du chauffage selon les créneaux.",
        "Consommations des gymnases en baisse de 5 % en {year}.",
        (2026, "brouillon"),
    ),
    # ---------------------------------------------------------------- CULTURE
    _o(
        "CULTURE",
        "A1.3",
        "Élargir les publics de la médiathèque",
        "Portage à domicile, accueil de classes et animations hors les murs dans les quartiers.",
        "Nombre d'inscrits actifs en hausse de 5 % en {year}.",
        (2025, "actif"),
        (2026, "propose"),
    ),
    _o(
        "CULTURE",
        "A1.3",
        "Développer l'éducation artistique et culturelle dans les écoles",
        "Parcours d'éducation artistique proposés à toutes les classes élémentaires avec "
        "l'école de musique et la médiathèque.",
        "Chaque classe élémentaire bénéficie d'au moins un parcours en {year}.",
        (2026, "valide"),
    ),
    _o(
        "CULTURE",
        "A1.3",
        "Ouvrir la médiathèque le dimanche",
        "Ouverture dominicale d'octobre à avril, avec un renfort de vacataires.",
        "Ouverture le dimanche après-midi d'octobre à avril {year}.",
        (2024, "rejete"),
    ),
    _o(
        "CULTURE",
        None,
        "Achever le récolement décennal des collections",
        "Récolement des fonds patrimoniaux et mise à jour de l'inventaire informatisé.",
        "Récolement achevé et procès-verbal transmis avant le 31 décembre {year}.",
        (2026, "reporte"),
    ),
    # ---------------------------------------------------------------- FINANCES
    _o(
        "FINANCES",
        "A3.2",
        "Réduire le délai global de paiement des fournisseurs",
        "Circuit dématérialisé des factures et relance automatique des services valideurs.",
        "Délai global de paiement inférieur à 20 jours en {year} (plafond légal : 30 jours).",
        (2025, "actif"),
        (2026, "revu"),
    ),
    _o(
        "FINANCES",
        "A3.2",
        "Maîtriser les charges à caractère général",
        "Dialogue de gestion avec chaque service et suivi mensuel des consommations de crédits.",
        "Charges à caractère général en baisse de 2 % à périmètre constant en {year}.",
        (2024, "clos"),
        weight=2.0,
    ),
    _o(
        "FINANCES",
        None,
        "Fiabiliser l'inventaire comptable",
        "Rapprochement de l'inventaire et de l'état de l'actif avec le comptable public.",
        "Écart entre inventaire et état de l'actif résorbé à 90 % en {year}.",
        (2025, "clos"),
    ),
    # ---------------------------------------------------------------- RH
    _o(
        "RH",
        "A3.3",
        "Mettre en œuvre le plan de formation pluriannuel",
        "Recueil des besoins lors des entretiens annuels et formations en intra avec le CNFPT.",
        "80 % des agents formés au moins une fois en {year}.",
        (2025, "actif"),
    ),
    _o(
        "RH",
        "A3.3",
        "Réduire les accidents du travail",
        "Mise à jour du document unique, formation gestes et postures, analyse de chaque accident.",
        "Nombre de jours d'arrêt pour accident du travail en baisse de 10 % en {year}.",
        (2026, "valide"),
    ),
    _o(
        "RH",
        None,
        "Généraliser les entretiens professionnels annuels",
        "Campagne d'entretiens dématérialisée et formation des encadrants à la conduite de "
        "l'entretien.",
        "100 % des entretiens réalisés et saisis avant le 31 mars {year}.",
        (2024, "clos"),
    ),
    # ---------------------------------------------------------------- DSI
    _o(
        "DSI",
        "A3.1",
        "Ouvrir un portail citoyen de démarches en ligne",
        "Portail unique d'authentification pour les démarches famille, état civil, "
        "urbanisme et signalements.",
        "25 démarches disponibles en ligne à la fin de {year}.",
        (2024, "clos"),
    ),
    _o(
        "DSI",
        None,
        "Garantir la disponibilité des applications métiers",
        "Supervision des serveurs, sauvegardes externalisées et tests de restauration.",
        "Disponibilité d'au moins 99,5 % et une restauration testée par trimestre en {year}.",
        (2026, "propose"),
    ),
    # ---------------------------------------------------------------- COMMANDE
    _o(
        "COMMANDE",
        "A3.2",
        "Mutualiser les achats de fournitures",
        "Accords-cadres communs aux services et adhésion à une centrale d'achat.",
        "Économie de 25 000 € sur les achats de fournitures en {year}.",
        (2025, "actif"),
    ),
    _o(
        "COMMANDE",
        "A2.1",
        "Intégrer des clauses environnementales dans les marchés",
        "Guide interne des clauses environnementales et accompagnement des services prescripteurs.",
        "30 % des marchés de plus de 40 000 € HT comportent une clause environnementale en {year}.",
        (2026, "revu"),
    ),
    _o(
        "COMMANDE",
        None,
        "Réduire le délai de passation des marchés à procédure adaptée",
        "Modèles de pièces types et calendrier de passation partagé avec les services.",
        "Délai moyen de passation des MAPA inférieur à 60 jours en {year}.",
        (2026, "brouillon"),
    ),
    # ---------------------------------------------------------------- COMMUNIC
    _o(
        "COMMUNIC",
        "A3.1",
        "Rendre le site internet accessible à tous",
        "Mise en conformité avec le référentiel général d'amélioration de l'accessibilité "
        "(RGAA) et publication de la déclaration d'accessibilité.",
        "Taux de conformité RGAA d'au moins 75 % en {year}.",
        (2026, "propose"),
    ),
    _o(
        "COMMUNIC",
        None,
        "Respecter le calendrier de parution du magazine municipal",
        "Rétroplanning partagé avec les services et l'imprimeur.",
        "Dix numéros parus à la date prévue en {year}.",
        (2024, "clos"),
    ),
    # ---------------------------------------------------------------- JURIDIQUE
    _o(
        "JURIDIQUE",
        "A3.4",
        "Sécuriser les actes administratifs",
        "Relecture juridique des délibérations et arrêtés, télétransmission au contrôle de "
        "légalité.",
        "Aucun acte retiré ou annulé et délibérations transmises sous 15 jours en {year}.",
        (2025, "actif"),
    ),
    _o(
        "JURIDIQUE",
        None,
        "Réduire la sinistralité et le coût des assurances",
        "Analyse des sinistres avec les services et renégociation du contrat flotte automobile.",
        "Prime d'assurance flotte automobile en baisse de 8 % en {year}.",
        (2025, "clos"),
    ),
    # ---------------------------------------------------------------- QUALITE
    _o(
        "QUALITE",
        "A3.4",
        "Maintenir les certifications ISO 9001 et ISO 14001",
        "Préparation des audits de suivi et de renouvellement avec les services certifiés.",
        "Certifications maintenues sans non-conformité majeure en {year}.",
        (2024, "clos"),
        (2025, "actif"),
        (2026, "valide"),
        weight=2.0,
    ),
    _o(
        "QUALITE",
        "A3.4",
        "Conduire le programme d'audits internes",
        "Audits croisés entre services par les auditeurs internes formés.",
        "100 % des audits planifiés réalisés et 80 % des actions correctives soldées en {year}.",
        (2026, "propose"),
    ),
    _o(
        "QUALITE",
        None,
        "Dématérialiser la gestion documentaire qualité",
        "Reprise des procédures et modes opératoires dans la gestion documentaire "
        "partagée, avec circuit de relecture et d'approbation.",
        "Toutes les procédures en vigueur accessibles en ligne à la fin de {year}.",
        (2024, "clos"),
    ),
)
