"""The demo town's accounts: one per role at least, a head for every service, some agents.

Usernames and passwords are deterministic and public (``demo-<username>``), printed at the end
of ``make run`` so anyone can try every role. Tests import :data:`DEMO_ACCOUNTS` and
:data:`SERVICE_HEADS` instead of repeating names. The ``admin`` account is not here: ``vigie
db upgrade`` creates it with its own password.

Accounts are listed in creation order: a manager always comes before the people they manage.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from app.security.roles import (
    AGENT,
    APPLICATION,
    AUDITOR,
    EXECUTIVE,
    OFFICIAL,
    QUALITY,
    SERVICE_HEAD,
    role_label,
)
from demo.town import EMAIL_DOMAIN, SERVICE_NAMES

PASSWORD_PREFIX = "demo-"


@dataclass(frozen=True)
class DemoAccount:
    """One demo account: who they are, their role, memberships and the services they head."""

    username: str
    role: str
    first_name: str
    last_name: str
    services: tuple[str, ...] = ()
    heads: tuple[str, ...] = ()
    manager: str | None = None

    @property
    def password(self) -> str:
        """Public demo password, at least 8 characters as ``create_user`` requires."""
        return f"{PASSWORD_PREFIX}{self.username}"

    @property
    def email(self) -> str:
        """``prenom.nom@montclar.invalid`` in ASCII (``.invalid`` never delivers mail)."""
        if self.role == APPLICATION:
            return f"{self.username}@{EMAIL_DOMAIN}"
        local = f"{_ascii(self.first_name)}.{_ascii(self.last_name)}"
        return f"{local}@{EMAIL_DOMAIN}"


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.lower().replace(" ", "-").replace("'", "")


def _head(username: str, code: str, first: str, last: str, manager: str) -> DemoAccount:
    """A service head: member and head of their service."""
    return DemoAccount(username, SERVICE_HEAD, first, last, (code,), (code,), manager)


def _agent(
    username: str, codes: tuple[str, ...], first: str, last: str, manager: str
) -> DemoAccount:
    """An agent: member of their service(s), managed by the service head."""
    return DemoAccount(username, AGENT, first, last, codes, (), manager)


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    # --- élus (referents of the axes; no service membership: they read everything)
    DemoAccount("elu", OFFICIAL, "Catherine", "Delorme"),
    DemoAccount("elu.solidarite", OFFICIAL, "Karim", "Benali"),
    DemoAccount("elu.environnement", OFFICIAL, "Sophie", "Lacombe"),
    DemoAccount("elu.finances", OFFICIAL, "Jean-Pierre", "Fabre"),
    # --- direction générale and quality cell
    DemoAccount("dgs", EXECUTIVE, "Philippe", "Rouquette", ("DG",), ("DG",)),
    DemoAccount("qualite", QUALITY, "Nathalie", "Garrigues", ("QUALITE",), ("QUALITE",), "dgs"),
    DemoAccount("auditeur", AUDITOR, "Julien", "Mercadier", ("QUALITE",), (), "qualite"),
    DemoAccount("auditeur2", AUDITOR, "Isabelle", "Castan", ("QUALITE",), (), "qualite"),
    # --- pôle directors: members of the pôle, so they reach its child services
    _head("dir.ressources", "POLE-RES", "Valérie", "Bousquet", "dgs"),
    _head("dir.technique", "POLE-TECH", "Laurent", "Cazeneuve", "dgs"),
    _head("dir.solidarites", "POLE-SOL", "Fatima", "Haddad", "dgs"),
    _head("dir.citoyennete", "POLE-CITOY", "Olivier", "Pujol", "dgs"),
    # --- service heads
    _head("resp.communic", "COMMUNIC", "Camille", "Rivière", "dgs"),
    _head("resp.juridique", "JURIDIQUE", "Antoine", "Lefèvre", "dgs"),
    _head("resp.finances", "FINANCES", "Sylvie", "Montagné", "dir.ressources"),
    _head("resp.rh", "RH", "Thierry", "Cabrol", "dir.ressources"),
    _head("resp.dsi", "DSI", "Mehdi", "Ouali", "dir.ressources"),
    _head("resp.commande", "COMMANDE", "Agnès", "Bonnet", "dir.ressources"),
    _head("resp.voirie", "VOIRIE", "Marc", "Delmas", "dir.technique"),
    _head("resp.espverts", "ESPVERTS", "Élodie", "Fournier", "dir.technique"),
    _head("resp.batiments", "BATIMENTS", "Patrick", "Sicard", "dir.technique"),
    _head("resp.urbanisme", "URBANISME", "Claire", "Vidal", "dir.technique"),
    _head("resp.ccas", "CCAS", "Martine", "Rouzaud", "dir.solidarites"),
    _head("resp.petiteenf", "PETITEENF", "Aurélie", "Gimenez", "dir.solidarites"),
    _head("resp.scolaire", "SCOLAIRE", "Stéphane", "Lagarde", "dir.solidarites"),
    _head("resp.etatcivil", "ETATCIVIL", "Christine", "Baylac", "dir.citoyennete"),
    _head("resp.accueil", "ACCUEIL", "Sandrine", "Roques", "dir.citoyennete"),
    _head("resp.police", "POLICE", "Franck", "Estrade", "dir.citoyennete"),
    _head("resp.sports", "SPORTS", "Nicolas", "Ferran", "dir.citoyennete"),
    _head("resp.culture", "CULTURE", "Émilie", "Dupuy", "dir.citoyennete"),
    # --- agents (manager: their service head)
    _agent("agent.voirie", ("VOIRIE",), "Kévin", "Barthe", "resp.voirie"),
    _agent("agent.voirie2", ("VOIRIE",), "Damien", "Soulié", "resp.voirie"),
    _agent("agent.espverts", ("ESPVERTS",), "Lucas", "Granier", "resp.espverts"),
    _agent("agent.batiments", ("BATIMENTS",), "Romain", "Teulière", "resp.batiments"),
    _agent("agent.urbanisme", ("URBANISME",), "Julie", "Castel", "resp.urbanisme"),
    _agent("agent.ccas", ("CCAS",), "Inès", "Belkacem", "resp.ccas"),
    _agent("agent.petiteenf", ("PETITEENF",), "Chloé", "Audouy", "resp.petiteenf"),
    _agent("agent.scolaire", ("SCOLAIRE",), "Yasmine", "Traoré", "resp.scolaire"),
    _agent("agent.etatcivil", ("ETATCIVIL",), "Manon", "Carrière", "resp.etatcivil"),
    # An agent shared by two services (membership is many-to-many).
    _agent("agent.accueil", ("ACCUEIL", "ETATCIVIL"), "Laura", "Mazars", "resp.accueil"),
    _agent("agent.police", ("POLICE",), "Sébastien", "Roux", "resp.police"),
    _agent("agent.sports", ("SPORTS",), "Hugo", "Marty", "resp.sports"),
    _agent("agent.culture", ("CULTURE",), "Léa", "Combes", "resp.culture"),
    _agent("agent.finances", ("FINANCES",), "Pierre", "Vaysse", "resp.finances"),
    _agent("agent.rh", ("RH",), "Céline", "Azéma", "resp.rh"),
    _agent("agent.dsi", ("DSI",), "Thomas", "Nguyen", "resp.dsi"),
    # --- business applications' API accounts (each bound to its source application)
    DemoAccount("appli.gmao", APPLICATION, "Application", "GMAO voirie"),
    DemoAccount("appli.billetterie", APPLICATION, "Application", "Billetterie culturelle"),
    DemoAccount("appli.gtb", APPLICATION, "Application", "Supervision énergétique"),
    DemoAccount("appli.ads", APPLICATION, "Application", "Droit des sols"),
    DemoAccount("appli.aidesoc", APPLICATION, "Application", "Aide sociale"),
    DemoAccount("appli.petitenf", APPLICATION, "Application", "Petite enfance"),
    DemoAccount("appli.famille", APPLICATION, "Application", "Portail Famille"),
    DemoAccount("appli.rdv", APPLICATION, "Application", "Rendez-vous titres"),
    DemoAccount("appli.gru", APPLICATION, "Application", "Relation usagers"),
    DemoAccount("appli.tel", APPLICATION, "Application", "Téléphonie"),
    DemoAccount("appli.pve", APPLICATION, "Application", "Verbalisation électronique"),
    DemoAccount("appli.resa", APPLICATION, "Application", "Réservation sportive"),
    DemoAccount("appli.sigb", APPLICATION, "Application", "Médiathèque"),
    DemoAccount("appli.finances", APPLICATION, "Application", "Ciril Finances"),
    DemoAccount("appli.sirh", APPLICATION, "Application", "SIRH"),
    DemoAccount("appli.itsm", APPLICATION, "Application", "Centre de services"),
)

ACCOUNTS_BY_USERNAME: dict[str, DemoAccount] = {a.username: a for a in DEMO_ACCOUNTS}

#: Service code → username of its head (every service of the town has one).
SERVICE_HEADS: dict[str, str] = {
    code: account.username for account in DEMO_ACCOUNTS for code in account.heads
}

#: The account shown for each role at the end of ``make run`` (a pôle director too, because
#: their reach — the pôle's child services — differs from a service head's).
REPRESENTATIVES: tuple[str, ...] = (
    "qualite",
    "dgs",
    "elu",
    "dir.technique",
    "resp.voirie",
    "agent.voirie",
    "auditeur",
    "appli.gmao",
)


def account(username: str) -> DemoAccount:
    """The demo account with this username (``KeyError`` if there is none)."""
    return ACCOUNTS_BY_USERNAME[username]


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, password, French label) of one representative account per role.

    The label is the role's label followed by the service, so a visitor picks the account
    that shows what they want to see (e.g. ``Responsable de service · Voirie et réseaux``).
    """
    logins = []
    for username in REPRESENTATIVES:
        demo = ACCOUNTS_BY_USERNAME[username]
        label = role_label(demo.role)
        if demo.services and demo.role in (SERVICE_HEAD, AGENT):
            label = f"{label} · {SERVICE_NAMES[demo.services[0]]}"
        logins.append((demo.username, demo.password, label))
    return logins
