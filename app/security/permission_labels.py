"""Permissions as an administrator reads them: « Lecture — Audits », not « can read on audit ».

Flask-AppBuilder names a permission by an action (``can_read``, ``menu_access``…) on a view
or menu (an artefact's code name, a menu category, one of its own security views). The
roles and permissions screens showed those codes; this module gives each its French (or
English) words, from the registry for artefacts and menus, from a short table for the rest.
An unknown pair is still shown, in words made from its codes, never hidden.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l

from app.registry import all_artefacts

#: What each permission lets a role do.
ACTIONS: dict[str, Any] = {
    "can_read": _l("Lecture"),
    "can_write": _l("Écriture"),
    "menu_access": _l("Menu"),
    "can_list": _l("Liste"),
    "can_show": _l("Consultation"),
    "can_add": _l("Création"),
    "can_edit": _l("Modification"),
    "can_delete": _l("Suppression"),
    "can_get": _l("Lecture"),
    "can_info": _l("Lecture"),
    "can_put": _l("Modification"),
    "can_post": _l("Création"),
    "can_download": _l("Téléchargement"),
    "can_userinfo": _l("Profil"),
    "resetmypassword": _l("Changement de mot de passe"),
    "resetpasswords": _l("Réinitialisation des mots de passe"),
    "can_this_form_get": _l("Formulaire"),
    "can_this_form_post": _l("Envoi du formulaire"),
    "copyrole": _l("Copie de rôle"),
}

#: Views and menus that are not artefacts: Vigie's own screens and Flask-AppBuilder's.
SUBJECTS: dict[str, Any] = {
    "my_tasks": _l("Mes tâches"),
    "my_notifications": _l("Mes notifications"),
    "my_jobs": _l("Mes travaux"),
    "personal": _l("Mon espace"),
    "strategy_map": _l("Carte stratégique"),
    "measurement_entry": _l("Saisie des valeurs"),
    "measurement_import": _l("Import de valeurs"),
    "collection_health": _l("Santé de la collecte"),
    "dashboards": _l("Tableaux de bord"),
    "UserDBModelView": _l("Utilisateurs"),
    "RoleModelView": _l("Rôles"),
    "PermissionModelView": _l("Droits"),
    "ViewMenuModelView": _l("Vues et menus"),
    "PermissionViewModelView": _l("Droits sur les vues"),
    "ResetMyPasswordView": _l("Mon mot de passe"),
    "ResetPasswordView": _l("Mot de passe d'un utilisateur"),
    "UserInfoEditView": _l("Mon profil"),
    "Security": _l("Sécurité"),
    "List Users": _l("Utilisateurs"),
    "List Roles": _l("Rôles"),
}


def _artefact_subjects() -> dict[str, Any]:
    """Artefact code names → plural label; menu categories → their label."""
    subjects: dict[str, Any] = {}
    for artefact in all_artefacts():
        subjects[artefact.code_name] = artefact.label_plural
        subjects.setdefault(artefact.category, artefact.category_label)
    return subjects


def _words(code: str) -> str:
    return code.removeprefix("can_").replace("_", " ")


def action_label(permission: str) -> str:
    """What a FAB permission name (``can_read``) lets a role do, in words."""
    return str(ACTIONS.get(permission) or _words(permission))


def subject_label(view: str) -> str:
    """The artefact, menu or screen a FAB view-menu name stands for, in words."""
    return str(_artefact_subjects().get(view) or SUBJECTS.get(view) or _words(view))


def permission_label(permission: str, view: str) -> str:
    """« Action — sujet » for one FAB permission on one view or menu."""
    return f"{action_label(permission)} — {subject_label(view)}"


def permission_view_label(permission_view: Any) -> str:
    """The label of a FAB ``PermissionView`` row (``permission`` on ``view_menu``)."""
    return permission_label(permission_view.permission.name, permission_view.view_menu.name)


def permissions_text(permission_views: Iterable[Any] | None) -> str:
    """A role's permissions, sorted by subject then action, one per line of a cell."""
    labels = sorted(
        (permission_view_label(pv) for pv in permission_views or ()),
        key=lambda text: (text.split(" — ", 1)[-1].casefold(), text.casefold()),
    )
    return " · ".join(labels) if labels else "—"
