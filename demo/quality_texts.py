"""Words of the demo's quality system: risks, documents, audit findings, certifications.

Pure data. Risks are written per service as a service would fill its *fiche de maîtrise des
risques*; documents list the service's own modes opératoires, forms and commitments (every
process also gets its procedure, built from the process name); findings are the kind of
remarks an auditor writes, each with the corrective action a service would answer with.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RiskDef:
    title: str
    cause: str
    consequence: str
    controls: str


def _r(title: str, cause: str, consequence: str, controls: str) -> RiskDef:
    return RiskDef(title, cause, consequence, controls)


RISKS: dict[str, tuple[RiskDef, ...]] = {
    "DG": (
        _r(
            "Décrochage entre le programme municipal et les moyens des services",
            "Objectifs fixés sans arbitrage budgétaire",
            "Engagements non tenus devant les habitants",
            "Dialogue de gestion annuel, revue de direction",
        ),
        _r(
            "Indicateurs de la carte stratégique non fiables",
            "Saisies tardives ou sans contrôle",
            "Décisions prises sur des données erronées",
            "Contrôles de cohérence, verrouillage des périodes par la cellule qualité",
        ),
    ),
    "QUALITE": (
        _r(
            "Perte d'une certification ISO",
            "Non-conformité majeure non traitée avant l'audit de suivi",
            "Atteinte à l'image de la collectivité, démobilisation des équipes",
            "Programme d'audits internes, suivi mensuel des actions correctives",
        ),
        _r(
            "Documents qualité obsolètes en circulation",
            "Revues documentaires non réalisées",
            "Agents appliquant des consignes périmées",
            "Gestion documentaire en ligne, alertes de revue échue",
        ),
    ),
    "COMMUNIC": (
        _r(
            "Publication d'une information erronée",
            "Validation insuffisante des contenus",
            "Perte de confiance des habitants, démenti public",
            "Circuit de relecture par le service concerné avant publication",
        ),
        _r(
            "Non-respect des règles de communication en période préélectorale",
            "Méconnaissance du Code électoral",
            "Annulation d'une élection, contentieux",
            "Note de cadrage annuelle validée par le service juridique",
        ),
    ),
    "JURIDIQUE": (
        _r(
            "Annulation d'un acte par le juge administratif",
            "Vice de procédure ou de compétence",
            "Insécurité juridique, indemnisation",
            "Relecture juridique systématique des délibérations et arrêtés",
        ),
        _r(
            "Défaut de couverture d'assurance d'un bâtiment",
            "Inventaire des biens assurés incomplet",
            "Sinistre non indemnisé",
            "Rapprochement annuel de l'inventaire et des contrats",
        ),
    ),
    "FINANCES": (
        _r(
            "Dépassement du délai global de paiement",
            "Services valideurs en retard, factures bloquées",
            "Intérêts moratoires, fragilisation des petites entreprises",
            "Relances automatiques, tableau de bord hebdomadaire des factures en attente",
        ),
        _r(
            "Erreur de mandatement",
            "Saisie manuelle des RIB",
            "Paiement à un tiers non créancier (fraude au faux fournisseur)",
            "Double contrôle des changements de RIB, contre-appel du fournisseur",
        ),
        _r(
            "Tension de trésorerie en fin d'exercice",
            "Décalage des recettes de subventions",
            "Retards de paiement, ligne de trésorerie coûteuse",
            "Plan de trésorerie mensuel, suivi des subventions à recevoir",
        ),
    ),
    "RH": (
        _r(
            "Accident du travail grave",
            "Gestes répétitifs, travail en hauteur, circulation d'engins",
            "Atteinte à la santé d'un agent, responsabilité de l'employeur",
            "Document unique mis à jour, formations sécurité, EPI",
        ),
        _r(
            "Erreur de paie",
            "Éléments variables transmis en retard",
            "Rappels ou trop-perçus, mécontentement des agents",
            "Calendrier de paie, contrôle par échantillon avant mandatement",
        ),
        _r(
            "Perte de compétences clés lors des départs en retraite",
            "Pyramide des âges défavorable",
            "Rupture de service sur des métiers techniques",
            "Gestion prévisionnelle des emplois, tutorat",
        ),
    ),
    "DSI": (
        _r(
            "Cyberattaque par rançongiciel",
            "Hameçonnage, correctifs non appliqués",
            "Arrêt des services, perte de données personnelles",
            "Sauvegardes hors ligne, sensibilisation des agents, supervision",
        ),
        _r(
            "Indisponibilité prolongée d'une application métier",
            "Panne du serveur ou de l'éditeur",
            "Guichets à l'arrêt, retard de traitement",
            "Contrats de maintenance, tests de restauration trimestriels",
        ),
        _r(
            "Violation de données personnelles",
            "Droits d'accès trop larges",
            "Sanction de la CNIL, atteinte à la vie privée des usagers",
            "Revue annuelle des habilitations, registre des traitements",
        ),
    ),
    "COMMANDE": (
        _r(
            "Recours contre l'attribution d'un marché",
            "Critères de jugement mal formulés",
            "Retard du projet, indemnisation",
            "Modèles de règlement de consultation, relecture juridique",
        ),
        _r(
            "Délit de favoritisme",
            "Fractionnement des achats",
            "Mise en cause pénale",
            "Nomenclature des achats, contrôle des seuils",
        ),
        _r(
            "Défaillance d'un fournisseur",
            "Entreprise en difficulté financière",
            "Rupture d'approvisionnement",
            "Analyse financière des candidats, allotissement",
        ),
    ),
    "VOIRIE": (
        _r(
            "Chute d'un piéton sur un trottoir dégradé",
            "Défaut d'entretien non signalé",
            "Blessure, mise en cause de la responsabilité de la commune",
            "Patrouilles de surveillance, traitement des signalements sous 5 jours",
        ),
        _r(
            "Accident d'un agent lors d'un chantier sous circulation",
            "Signalisation temporaire insuffisante",
            "Blessure grave d'un agent",
            "Formation à la signalisation temporaire, véhicules équipés",
        ),
        _r(
            "Endommagement d'un réseau enterré",
            "Déclaration de travaux absente ou erronée",
            "Coupure de gaz ou d'électricité, mise en danger",
            "Procédure DT-DICT systématique, détection des réseaux",
        ),
        _r(
            "Pollution par les enrobés et émulsions",
            "Stockage non conforme",
            "Atteinte aux sols et aux eaux pluviales",
            "Aire de stockage sur rétention",
        ),
    ),
    "ESPVERTS": (
        _r(
            "Chute d'arbre sur la voie publique",
            "Arbres malades ou vieillissants",
            "Dommages aux personnes et aux biens",
            "Diagnostic phytosanitaire du patrimoine arboré, abattages programmés",
        ),
        _r(
            "Blessure d'un enfant sur une aire de jeux",
            "Équipement dégradé",
            "Blessure, fermeture de l'aire",
            "Contrôles réglementaires, vérification visuelle hebdomadaire",
        ),
        _r(
            "Pénurie d'eau en période de sécheresse",
            "Arrêtés de restriction",
            "Dépérissement des plantations",
            "Paillage, goutte-à-goutte, végétaux économes",
        ),
    ),
    "BATIMENTS": (
        _r(
            "Avis défavorable d'une commission de sécurité",
            "Réserves non levées",
            "Fermeture d'un établissement recevant du public",
            "Planification des vérifications, suivi des réserves",
        ),
        _r(
            "Dérive des consommations d'énergie",
            "Réglages de chauffage non adaptés",
            "Surcoût, non-respect du décret tertiaire",
            "Supervision énergétique, alertes de surconsommation",
        ),
        _r(
            "Présence d'amiante lors de travaux",
            "Diagnostic avant travaux absent",
            "Exposition des agents et des entreprises",
            "Repérage amiante avant tous travaux",
        ),
    ),
    "URBANISME": (
        _r(
            "Permis de construire accordé tacitement",
            "Dossier non instruit dans le délai légal",
            "Projet non conforme au PLU autorisé de fait",
            "Tableau de bord des échéances, revue hebdomadaire des dossiers",
        ),
        _r(
            "Recours contre une autorisation d'urbanisme",
            "Motivation insuffisante",
            "Annulation du permis, contentieux",
            "Relecture des arrêtés sensibles",
        ),
    ),
    "CCAS": (
        _r(
            "Personne isolée non contactée pendant une canicule",
            "Registre canicule incomplet ou non à jour",
            "Atteinte grave à la santé",
            "Mise à jour du registre avant l'été, appels quotidiens en alerte",
        ),
        _r(
            "Attribution d'une aide sans justificatif",
            "Instruction incomplète",
            "Rupture d'égalité entre demandeurs",
            "Grille d'instruction, commission collégiale",
        ),
        _r(
            "Agression d'un agent d'accueil",
            "Tension lors d'un refus d'aide",
            "Atteinte à l'intégrité de l'agent",
            "Formation à la gestion des conflits, bouton d'alerte",
        ),
    ),
    "PETITEENF": (
        _r(
            "Accident d'un enfant en crèche",
            "Défaut de surveillance",
            "Blessure, mise en cause de l'établissement",
            "Taux d'encadrement respecté, protocoles de sécurité",
        ),
        _r(
            "Intoxication alimentaire",
            "Rupture de la chaîne du froid",
            "Atteinte à la santé des enfants",
            "Plan de maîtrise sanitaire, relevés de températures",
        ),
        _r(
            "Baisse de la prestation de service de la CAF",
            "Taux de facturation trop élevé",
            "Perte de recettes",
            "Contrats ajustés aux besoins réels des familles",
        ),
    ),
    "SCOLAIRE": (
        _r(
            "Enfant non récupéré à la sortie du périscolaire",
            "Liste des personnes habilitées non à jour",
            "Mise en danger de l'enfant",
            "Pointage sur tablette, contrôle des habilitations",
        ),
        _r(
            "Allergie alimentaire non prise en compte",
            "Projet d'accueil individualisé non transmis",
            "Réaction allergique grave",
            "PAI transmis au prestataire et aux animateurs",
        ),
        _r(
            "Erreurs de facturation périscolaire",
            "Pointages incomplets",
            "Contestations des familles",
            "Contrôle croisé des présences avant facturation",
        ),
    ),
    "ETATCIVIL": (
        _r(
            "Erreur dans un acte d'état civil",
            "Saisie sans double vérification",
            "Atteinte aux droits de l'usager, rectification judiciaire",
            "Relecture des actes avant signature",
        ),
        _r(
            "Fraude documentaire lors d'une demande de titre",
            "Pièces justificatives falsifiées",
            "Délivrance d'un titre à un usurpateur",
            "Formation à la détection de la fraude",
        ),
    ),
    "ACCUEIL": (
        _r(
            "Demande d'usager perdue",
            "Demande reçue hors de l'outil de suivi",
            "Absence de réponse, réclamation",
            "Enregistrement de toute demande dans l'outil de gestion de la relation usagers",
        ),
        _r(
            "Saturation du standard téléphonique",
            "Pics d'appels lors des inscriptions",
            "Appels perdus, mécontentement",
            "Renfort aux heures de pointe, rappel des appels perdus",
        ),
    ),
    "POLICE": (
        _r(
            "Blessure d'un agent lors d'une intervention",
            "Situation de violence",
            "Atteinte à l'intégrité de l'agent",
            "Formation, équipements de protection, binômes",
        ),
        _r(
            "Perte de données de verbalisation",
            "Terminal non synchronisé",
            "Contraventions non transmises",
            "Synchronisation quotidienne, supervision",
        ),
    ),
    "SPORTS": (
        _r(
            "Noyade à la piscine municipale",
            "Défaut de surveillance des bassins",
            "Décès ou blessure grave",
            "Plan d'organisation de la surveillance et des secours, effectif de maîtres-nageurs",
        ),
        _r(
            "Chute d'une cage de but",
            "Équipement non fixé",
            "Blessure grave d'un enfant",
            "Vérification semestrielle des fixations",
        ),
        _r(
            "Non-conformité de l'eau de baignade",
            "Dérive du traitement de l'eau",
            "Fermeture de la piscine par l'ARS",
            "Analyses quotidiennes, maintenance du traitement",
        ),
    ),
    "CULTURE": (
        _r(
            "Dégradation des fonds patrimoniaux",
            "Hygrométrie non maîtrisée",
            "Perte irréversible de documents",
            "Suivi climatique de la réserve",
        ),
        _r(
            "Annulation d'un spectacle",
            "Défaillance d'une compagnie ou intempéries",
            "Remboursements, perte de recettes",
            "Assurance annulation, clauses des contrats de cession",
        ),
        _r(
            "Accident lors d'un spectacle",
            "Évacuation mal préparée",
            "Blessures du public",
            "Chargé de sécurité, consignes d'évacuation",
        ),
    ),
}

#: Documents of each service besides its processes' procedures: (kind, title, extension).
SERVICE_DOCUMENTS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "DG": (
        ("regle_gouvernance", "Charte de fonctionnement du comité de direction", "pdf"),
        ("regle_gouvernance", "Préparation des séances du conseil municipal", "docx"),
    ),
    "POLE-RES": (
        ("regle_gouvernance", "Calendrier et règles de la préparation budgétaire", "pdf"),
    ),
    "POLE-TECH": (
        ("mode_operatoire", "Entretien préventif des véhicules et engins", "pdf"),
        ("formulaire", "Carnet de bord des véhicules de service", "odt"),
    ),
    "POLE-SOL": (("engagement_service", "Engagements du guichet unique des familles", "pdf"),),
    "POLE-CITOY": (
        ("formulaire", "Demande de prêt de salle ou de matériel", "odt"),
        ("mode_operatoire", "Organisation d'un bureau de vote", "pdf"),
    ),
    "VOIRIE": (
        ("mode_operatoire", "Rebouchage d'un nid-de-poule à l'enrobé à froid", "pdf"),
        ("formulaire", "Demande de permission de voirie", "odt"),
        ("engagement_service", "Engagements de service de la voirie", "pdf"),
    ),
    "ESPVERTS": (
        ("mode_operatoire", "Désherbage mécanique des allées et trottoirs", "pdf"),
        ("mode_operatoire", "Contrôle visuel hebdomadaire des aires de jeux", "docx"),
        ("formulaire", "Fiche de suivi des plantations", "odt"),
    ),
    "BATIMENTS": (
        ("mode_operatoire", "Relevé mensuel des compteurs d'énergie", "pdf"),
        ("formulaire", "Demande d'intervention dans un bâtiment communal", "odt"),
        ("mode_operatoire", "Préparation d'une commission de sécurité", "docx"),
    ),
    "URBANISME": (
        ("mode_operatoire", "Contrôle de complétude d'un dossier de permis", "pdf"),
        ("formulaire", "Déclaration attestant l'achèvement et la conformité des travaux", "pdf"),
        ("engagement_service", "Engagements d'accueil des porteurs de projet", "pdf"),
    ),
    "CCAS": (
        ("formulaire", "Dossier unique de demande d'aide facultative", "odt"),
        ("mode_operatoire", "Déclenchement du plan canicule", "pdf"),
        ("engagement_service", "Charte d'accueil du CCAS", "pdf"),
    ),
    "PETITEENF": (
        ("mode_operatoire", "Protocole d'administration des médicaments en crèche", "pdf"),
        ("formulaire", "Préinscription en établissement d'accueil du jeune enfant", "odt"),
    ),
    "SCOLAIRE": (
        ("mode_operatoire", "Pesée des déchets alimentaires en restauration scolaire", "pdf"),
        ("formulaire", "Fiche sanitaire de liaison", "odt"),
        ("engagement_service", "Règlement des accueils périscolaires", "pdf"),
    ),
    "ETATCIVIL": (
        ("mode_operatoire", "Instruction d'une demande de carte nationale d'identité", "pdf"),
        ("mode_operatoire", "Clôture annuelle des registres d'état civil", "docx"),
    ),
    "ACCUEIL": (
        ("engagement_service", "Engagements d'accueil du référentiel Marianne", "pdf"),
        ("mode_operatoire", "Rappel des appels perdus", "pdf"),
        ("formulaire", "Fiche de réclamation", "odt"),
    ),
    "POLICE": (
        ("mode_operatoire", "Constat et enlèvement d'un dépôt sauvage", "pdf"),
        ("mode_operatoire", "Mise en fourrière d'un véhicule", "docx"),
    ),
    "SPORTS": (
        (
            "regle_gouvernance",
            "Plan d'organisation de la surveillance et des secours de la piscine",
            "pdf",
        ),
        ("formulaire", "Demande de créneau dans un équipement sportif", "odt"),
    ),
    "CULTURE": (
        ("mode_operatoire", "Récolement des fonds patrimoniaux", "pdf"),
        ("engagement_service", "Charte des collections de la médiathèque", "pdf"),
    ),
    "FINANCES": (
        ("mode_operatoire", "Traitement d'une facture reçue par Chorus Pro", "pdf"),
        ("regle_gouvernance", "Règlement budgétaire et financier", "pdf"),
    ),
    "RH": (
        ("mode_operatoire", "Déclaration d'un accident de service", "pdf"),
        ("formulaire", "Demande de formation", "odt"),
        ("regle_gouvernance", "Règlement du temps de travail", "pdf"),
    ),
    "DSI": (
        ("regle_gouvernance", "Charte d'utilisation des outils numériques", "pdf"),
        ("formulaire", "Demande d'habilitation à une application", "odt"),
        ("mode_operatoire", "Test de restauration des sauvegardes", "docx"),
    ),
    "COMMANDE": (
        ("regle_gouvernance", "Guide interne de la commande publique", "pdf"),
        ("formulaire", "Fiche d'expression de besoin", "odt"),
    ),
    "COMMUNIC": (
        ("mode_operatoire", "Publication d'une actualité sur le site internet", "pdf"),
        ("regle_gouvernance", "Charte graphique de la Ville", "pdf"),
    ),
    "JURIDIQUE": (
        ("mode_operatoire", "Télétransmission d'un acte au contrôle de légalité", "pdf"),
        ("formulaire", "Déclaration de sinistre", "odt"),
    ),
    "QUALITE": (
        ("mode_operatoire", "Conduite d'un audit interne", "pdf"),
        ("formulaire", "Fiche de non-conformité et d'action corrective", "odt"),
    ),
}

#: Transverse documents (no service): the quality manual and the common governance rules.
TRANSVERSE_DOCUMENTS: tuple[tuple[str, str, str, str], ...] = (
    ("MAN-001", "manuel", "Manuel qualité et environnement de la Ville", "pdf"),
    ("MAN-002", "manuel", "Politique qualité et environnement signée par le Maire", "pdf"),
    (
        "REG-001",
        "regle_gouvernance",
        "Règles de bonne gouvernance : délégations de signature",
        "pdf",
    ),
    ("REG-002", "regle_gouvernance", "Règles de bonne gouvernance : circuit des courriers", "pdf"),
    ("REG-003", "regle_gouvernance", "Procédure de maîtrise des documents", "pdf"),
    ("REG-004", "regle_gouvernance", "Procédure de traitement des réclamations", "pdf"),
    (
        "REG-005",
        "regle_gouvernance",
        "Procédure de gestion des non-conformités et des actions",
        "docx",
    ),
    (
        "ENG-001",
        "engagement_service",
        "Engagements communs de qualité de service aux usagers",
        "pdf",
    ),
    ("ENG-002", "engagement_service", "Charte de l'accueil téléphonique", "odt"),
)


@dataclass(frozen=True)
class FindingDef:
    kind: str
    clause: str
    description: str
    evidence: str
    action: str


FINDINGS: tuple[FindingDef, ...] = (
    FindingDef(
        "nc_majeure",
        "9001:8.5.1",
        "Les contrôles prévus par la procédure ne sont pas réalisés depuis six mois.",
        "Aucune fiche de contrôle renseignée depuis le mois de mars.",
        "Rétablir les contrôles et désigner un suppléant au contrôleur",
    ),
    FindingDef(
        "nc_majeure",
        "14001:6.1.3",
        "La veille réglementaire environnementale n'est plus tenue à jour.",
        "Dernière mise à jour de la veille il y a dix-huit mois.",
        "Reprendre la veille réglementaire avec l'appui du service juridique",
    ),
    FindingDef(
        "nc_mineure",
        "9001:7.5.3",
        "Plusieurs documents en circulation ne sont pas dans leur dernière version.",
        "Deux modes opératoires imprimés au local technique datent de 2021.",
        "Retirer les versions papier périmées et afficher un lien vers la version en ligne",
    ),
    FindingDef(
        "nc_mineure",
        "9001:9.1.2",
        "Les réclamations reçues par téléphone ne sont pas enregistrées.",
        "Entretien avec les agents d'accueil, registre incomplet.",
        "Enregistrer toutes les réclamations dans l'outil, quel que soit le canal",
    ),
    FindingDef(
        "nc_mineure",
        "9001:7.2",
        "Les habilitations des nouveaux agents ne sont pas tracées.",
        "Trois agents arrivés en 2025 sans attestation de formation au poste.",
        "Mettre en place un livret d'accueil et tracer les formations au poste",
    ),
    FindingDef(
        "nc_mineure",
        "14001:8.1",
        "Le stockage des produits dangereux n'est pas sur rétention.",
        "Bidons d'huile au sol dans l'atelier.",
        "Installer des bacs de rétention et afficher les fiches de sécurité",
    ),
    FindingDef(
        "nc_mineure",
        "9001:8.7",
        "Les prestations non conformes ne font pas l'objet d'une fiche.",
        "Interventions reprises sans trace écrite.",
        "Ouvrir une fiche de non-conformité pour toute reprise de prestation",
    ),
    FindingDef(
        "nc_mineure",
        "9001:10.2",
        "L'efficacité des actions correctives n'est pas vérifiée.",
        "Six actions soldées sans vérification d'efficacité.",
        "Vérifier l'efficacité de chaque action trois mois après sa réalisation",
    ),
    FindingDef(
        "observation",
        "9001:6.1",
        "L'analyse des risques du processus n'a pas été revue depuis deux ans.",
        "Fiche de maîtrise des risques datée de 2023.",
        "Revoir la fiche de maîtrise des risques avec l'équipe",
    ),
    FindingDef(
        "observation",
        "9001:7.1.5",
        "Les instruments de mesure ne sont pas tous étiquetés.",
        "Deux thermomètres sans date de dernier étalonnage.",
        "Étiqueter et étalonner les instruments de mesure",
    ),
    FindingDef(
        "observation",
        "14001:9.1.1",
        "Les consommations d'eau sont relevées mais pas analysées.",
        "Relevés mensuels présents, aucun commentaire ni tendance.",
        "Analyser chaque trimestre les consommations et en rendre compte",
    ),
    FindingDef(
        "piste_progres",
        "9001:8.2.1",
        "Les engagements de service pourraient être affichés à l'accueil.",
        "Engagements publiés sur le site mais absents des guichets.",
        "Afficher les engagements de service dans les lieux d'accueil",
    ),
    FindingDef(
        "piste_progres",
        "9001:9.1.2",
        "Une enquête de satisfaction courte après chaque intervention enrichirait "
        "l'écoute des usagers.",
        "Seule une enquête annuelle est conduite.",
        "Tester une enquête de satisfaction par SMS après intervention",
    ),
    FindingDef(
        "piste_progres",
        "14001:7.4",
        "La communication sur les résultats environnementaux aux agents est perfectible.",
        "Les agents rencontrés ne connaissent pas les objectifs de consommation.",
        "Présenter les résultats environnementaux en réunion de service",
    ),
    FindingDef(
        "point_fort",
        "9001:5.3",
        "Rôles et responsabilités clairement définis et connus des agents.",
        "",
        "",
    ),
    FindingDef(
        "point_fort",
        "9001:9.1.2",
        "Très bonne réactivité dans le traitement des demandes des usagers.",
        "",
        "",
    ),
    FindingDef(
        "point_fort",
        "14001:8.1",
        "Pratiques exemplaires de gestion différenciée des espaces.",
        "",
        "",
    ),
    FindingDef(
        "point_fort", "9001:7.2", "Plan de formation construit avec les agents et suivi.", "", ""
    ),
)

CERTIFYING_BODIES = ("AFNOR Certification", "Bureau Veritas Certification", "SGS ICS")
