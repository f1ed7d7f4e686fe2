"""The eight roles of Vigie, defined in code (DOMAIN.md §6) and synced into FAB's tables.

Roles carry two things: a *reach* (all services, or only the user's own services and their
children) and *permissions* per artefact (``can_read`` / ``can_write``) computed from the
artefact registry. Keeping both here means the scope check and the permission sync read the
same table, so a role can never see a menu it has no data behind.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class RoleDef:
    """A role as the code knows it: its code name (CLI, FAB role name), label and reach."""

    code: str
    label: object  # lazy string
    all_services: bool
    human: bool = True


ADMIN = "admin"
QUALITY = "quality"
EXECUTIVE = "executive"
OFFICIAL = "official"
SERVICE_HEAD = "service_head"
AGENT = "agent"
AUDITOR = "auditor"
APPLICATION = "application"

ROLES: tuple[RoleDef, ...] = (
    RoleDef(ADMIN, _l("Administrateur"), all_services=True),
    RoleDef(QUALITY, _l("Cellule qualité"), all_services=True),
    RoleDef(EXECUTIVE, _l("Direction générale"), all_services=True),
    RoleDef(OFFICIAL, _l("Élu"), all_services=True),
    RoleDef(SERVICE_HEAD, _l("Responsable de service"), all_services=False),
    RoleDef(AGENT, _l("Agent"), all_services=False),
    RoleDef(AUDITOR, _l("Auditeur"), all_services=True),
    RoleDef(APPLICATION, _l("Application"), all_services=False, human=False),
)
ROLES_BY_CODE = {role.code: role for role in ROLES}
ROLE_CODES = tuple(ROLES_BY_CODE)
ALL_SERVICE_ROLES = frozenset(r.code for r in ROLES if r.all_services)
HUMAN_ROLES = frozenset(r.code for r in ROLES if r.human)
#: Roles that read every artefact of the registry by default.
READERS_DEFAULT = HUMAN_ROLES - {ADMIN}
#: Roles that may write organisation and strategy records by default.
WRITERS_DEFAULT = frozenset({QUALITY})


def role_label(code: str) -> str:
    """French (or current locale) label of a role code; the code itself if unknown."""
    role = ROLES_BY_CODE.get(code)
    return str(role.label) if role else code
