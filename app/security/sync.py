"""Role synchronisation: the roles in code become FAB roles and permissions, idempotently.

Run by ``vigie db upgrade`` and ``vigie roles sync``. Each non-admin role gets exactly the
permissions computed here; permissions it had but should not are removed, so editing the
registry or ``roles.py`` and syncing is the whole procedure.
"""

from __future__ import annotations

from typing import Any

from flask_appbuilder.security.manager import BaseSecurityManager

from app.registry import all_artefacts
from app.security.administration import roles_sync
from app.security.roles import ADMIN, APPLICATION, HUMAN_ROLES, ROLE_CODES

#: FAB views every signed-in person needs (own profile, password, language).
PERSONAL_PERMISSIONS = (
    ("can_userinfo", "UserDBModelView"),
    ("resetmypassword", "UserDBModelView"),
    ("can_this_form_get", "ResetMyPasswordView"),
    ("can_this_form_post", "ResetMyPasswordView"),
    ("can_this_form_get", "UserInfoEditView"),
    ("can_this_form_post", "UserInfoEditView"),
    # « Mes tâches »: each person's own to-dos (the page filters by who asks).
    ("can_read", "my_tasks"),
    ("menu_access", "my_tasks"),
    ("menu_access", "personal"),  # the « Mon espace » menu holding both
    # « Mes notifications »: each person reads (and marks read) only their own.
    ("can_read", "my_notifications"),
    ("menu_access", "my_notifications"),
    # « Mes travaux »: reports asked for in the background (each sees the jobs they may read).
    ("can_read", "my_jobs"),
    ("menu_access", "my_jobs"),
)


#: Hand-written screens with a menu entry: menu name → (artefact, "read" or "write") whose
#: permission shows the entry (the screen's routes check the same permission).
SCREEN_MENUS = {
    "strategy_map": ("programme", "read"),
    "measurement_entry": ("measurement", "write"),
    "collection_health": ("indicator", "read"),
    "measurement_import": ("measurement", "write"),
    # « Tableaux de bord »: every human role reads the dashboards of its audience
    "dashboards": ("dashboard", "read"),
}


def desired_permissions() -> dict[str, set[tuple[str, str]]]:
    """Role code → set of (permission, view menu) pairs it must have."""
    wanted: dict[str, set[tuple[str, str]]] = {code: set() for code in ROLE_CODES if code != ADMIN}
    for artefact in all_artefacts():
        for role in artefact.readers | artefact.writers:
            if role == ADMIN or role not in wanted:
                continue
            wanted[role].add(("can_read", artefact.code_name))
            wanted[role].add(("menu_access", artefact.code_name))
            wanted[role].add(("menu_access", artefact.category))
        for role in artefact.writers:
            if role in wanted:
                wanted[role].add(("can_write", artefact.code_name))
    for menu, (code, level) in SCREEN_MENUS.items():
        for role, perms in wanted.items():
            if (f"can_{level}", code) in perms and role in HUMAN_ROLES:
                perms.add(("menu_access", menu))
    for role in HUMAN_ROLES - {ADMIN}:
        wanted[role].update(PERSONAL_PERMISSIONS)
    wanted.setdefault(APPLICATION, set())
    return wanted


def sync_roles(appbuilder: Any) -> dict[str, int]:
    """Create missing permissions, then make every role match the code. Returns counts.

    The one path allowed to write roles and permissions (:func:`roles_sync`); each change is
    in the history (``role``) through :mod:`app.security.audit`.
    """
    with roles_sync():
        return _sync(appbuilder)


def _sync(appbuilder: Any) -> dict[str, int]:
    sm = appbuilder.sm
    BaseSecurityManager.create_db(sm)  # admin and public roles (FAB_CREATE_DB is off)
    appbuilder.add_permissions(update_perms=True)
    admin = sm.find_role(ADMIN)
    granted = {pv.id for pv in admin.permissions}
    for pv in sm.session.query(sm.permissionview_model).all():
        if pv.id not in granted:
            sm.add_permission_role(admin, pv)
    counts: dict[str, int] = {}
    for code, perms in desired_permissions().items():
        role = sm.find_role(code) or sm.add_role(code)
        current = {(pv.permission.name, pv.view_menu.name): pv for pv in role.permissions}
        for perm_name, view_name in perms - current.keys():
            pv = sm.find_permission_view_menu(perm_name, view_name)
            if pv is None:
                pv = sm.add_permission_view_menu(perm_name, view_name)
            sm.add_permission_role(role, pv)
        for key in current.keys() - perms:
            sm.del_permission_role(role, current[key])
        counts[code] = len(perms)
    return counts
