"""The demo town's accounts: one per role at least, a head for every service, some agents.

Usernames and passwords are deterministic and public (``vigie-demo-<username>``), printed at the end
of ``make run`` so anyone can try every role. Tests import :data:`DEMO_ACCOUNTS` and
:data:`SERVICE_HEADS` instead of repeating names. The ``admin`` account is not here: ``vigie
db upgrade`` creates it with its own password.

The accounts are in ``demo/data/people.toml``, grouped by kind (accounts of any role, service
heads, agents, applications' API accounts); this module reads them at import into
:class:`DemoAccount` records, in creation order: a manager always comes before the people they
manage.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from app.security.roles import AGENT, APPLICATION, ROLE_CODES, SERVICE_HEAD, role_label
from demo.datafile import DataFileError, Fields, read
from demo.town import EMAIL_DOMAIN, SERVICE_NAMES

PASSWORD_PREFIX = "vigie-demo-"


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
        """Public demo password, long enough for ``app.security.passwords``."""
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


# ------------------------------------------------------------------------------------ reading
def _account(f: Fields) -> DemoAccount:
    """An account of any role other than service head, agent or application."""
    role = f.text("role")
    if role not in ROLE_CODES:
        raise DataFileError(f"people.toml {f.text('username')} : rôle inconnu {role}")
    return DemoAccount(
        username=f.text("username"),
        role=role,
        first_name=f.text("first_name"),
        last_name=f.text("last_name"),
        services=f.texts("services", ()),
        heads=f.texts("heads", ()),
        manager=f.optional_text("manager"),
    )


def _head(f: Fields) -> DemoAccount:
    """A service head: member and head of their service."""
    code = f.text("service")
    return DemoAccount(
        f.text("username"),
        SERVICE_HEAD,
        f.text("first_name"),
        f.text("last_name"),
        (code,),
        (code,),
        f.text("manager"),
    )


def _agent(f: Fields) -> DemoAccount:
    """An agent: member of their service(s), managed by the service head."""
    return DemoAccount(
        f.text("username"),
        AGENT,
        f.text("first_name"),
        f.text("last_name"),
        f.texts("services"),
        (),
        f.text("manager"),
    )


def _application(f: Fields) -> DemoAccount:
    """A business application's API account (no service, no manager)."""
    return DemoAccount(f.text("username"), APPLICATION, f.text("first_name"), f.text("last_name"))


@dataclass(frozen=True)
class _PeopleFile:
    accounts: tuple[DemoAccount, ...]
    representatives: tuple[str, ...]


_FILE = read(
    "people",
    lambda f: _PeopleFile(
        accounts=(
            f.records("accounts", _account)
            + f.records("heads", _head)
            + f.records("agents", _agent)
            + f.records("applications", _application)
        ),
        representatives=f.texts("representatives"),
    ),
)

#: In creation order: a manager always comes before the people they manage.
DEMO_ACCOUNTS: tuple[DemoAccount, ...] = _FILE.accounts

ACCOUNTS_BY_USERNAME: dict[str, DemoAccount] = {a.username: a for a in DEMO_ACCOUNTS}

#: Service code → username of its head (every service of the town has one).
SERVICE_HEADS: dict[str, str] = {
    code: account.username for account in DEMO_ACCOUNTS for code in account.heads
}

#: The account shown for each role at the end of ``make run`` (a pôle director too, because
#: their reach — the pôle's child services — differs from a service head's).
REPRESENTATIVES: tuple[str, ...] = _FILE.representatives


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
