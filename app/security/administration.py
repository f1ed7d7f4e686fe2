"""What Flask-AppBuilder's own security administration may still do in Vigie.

Roles are defined in code (:mod:`app.security.roles`) and written into FAB's tables by
``vigie roles sync`` (:mod:`app.security.sync`); API keys are issued only by *Comptes
d'application* (:mod:`app.security.applications`), for the account of one business
application. FAB's security REST API (``/api/v1/security/…``) and screens (*Rôles*,
*Permissions*, *Vues/Menus*, *Groupes*) would otherwise let an administrator's session — or a
forged request — empty a role (``POST /api/v1/security/roles/<id>/permissions`` with an
empty list empties it, the administrator's included), grant roles through groups Vigie's
scope does not read, or mint a key with administrator rights (``POST
/api/v1/security/api_keys/``). Per FAB endpoint:

* **read-only** (:data:`READ_ONLY`): roles, permissions, views/menus, permissions on views
  and groups keep their lists and shows; every other endpoint answers a French 403 naming
  the way that does exist;
* **refused** (:data:`REFUSED`): FAB's API-key API, every endpoint;
* **kept**: people (``UserApi``, the *Utilisateurs* screens, one's own profile and password),
  the JWT login and refresh — their changes are written to Vigie's history by
  :mod:`app.security.audit`.

The guard wraps the endpoints once the routes exist (like :mod:`app.security.guards`), keeping
the permission marker the route meta-test reads. Behind it, the database itself refuses
(:func:`refuse_outside_code`, a ``before_flush`` hook) any change to a role, a permission or
a view outside :func:`roles_sync`, and any new API key outside :func:`key_issuance`: a route
FAB adds in a later version cannot do it either.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

from flask import Flask
from flask_appbuilder.security.sqla.models import (
    ApiKey,
    Group,
    Permission,
    PermissionView,
    Role,
    ViewMenu,
)
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from app.commands.errors import Forbidden
from app.extensions import db

_ROLES_IN_CODE = _l(
    "Les rôles et leurs permissions sont définis dans le code de Vigie et appliqués par "
    "« vigie roles sync » : ils ne se modifient ni par l'API de sécurité ni par ces écrans. "
    "Les rôles d'une personne se donnent depuis sa fiche (Utilisateurs)."
)
_NO_GROUPS = _l(
    "Vigie n'utilise pas les groupes : les rôles se donnent à chaque personne depuis sa fiche "
    "(Utilisateurs)."
)
_KEYS = _l(
    "Les clés d'API ne s'émettent, ne se renouvellent et ne se révoquent que depuis « Comptes "
    "d'application », pour le compte d'une application métier."
)

_API_READS = frozenset({"get", "get_list", "info"})
_SCREEN_READS = frozenset({"list", "show"})

#: FAB security class → (endpoints it keeps, why the others are refused).
READ_ONLY: dict[str, tuple[frozenset[str], Any]] = {
    "RoleApi": (_API_READS | {"list_role_permissions"}, _ROLES_IN_CODE),
    "PermissionApi": (_API_READS, _ROLES_IN_CODE),
    "ViewMenuApi": (_API_READS, _ROLES_IN_CODE),
    "PermissionViewMenuApi": (_API_READS, _ROLES_IN_CODE),
    "GroupApi": (_API_READS, _NO_GROUPS),
    "RoleModelView": (_SCREEN_READS, _ROLES_IN_CODE),
    "PermissionModelView": (_SCREEN_READS, _ROLES_IN_CODE),
    "ViewMenuModelView": (_SCREEN_READS, _ROLES_IN_CODE),
    "PermissionViewModelView": (_SCREEN_READS, _ROLES_IN_CODE),
    "UserGroupModelView": (_SCREEN_READS, _NO_GROUPS),
}
#: FAB security classes none of whose endpoints Vigie offers → why.
REFUSED: dict[str, Any] = {"ApiKeyApi": _KEYS}


def refusal_of(endpoint: str) -> Any | None:
    """Why ``endpoint`` is refused (a lazy French message), or None if it is kept."""
    owner, _dot, method = endpoint.rpartition(".")
    if owner in REFUSED:
        return REFUSED[owner]
    kept = READ_ONLY.get(owner)
    if kept is not None and method not in kept[0]:
        return kept[1]
    return None


def _refusing(func: Callable[..., Any], reason: Any) -> Callable[..., Any]:
    @wraps(func)
    def refused(*_args: Any, **_kwargs: Any) -> Any:
        raise Forbidden(str(reason))  # app.http answers it: JSON 403, or a French page

    refused._permission_name = getattr(func, "_permission_name", "refused")  # type: ignore[attr-defined]
    return refused


def guard_security_administration(app: Flask) -> list[str]:
    """Refuse FAB's security endpoints Vigie does not offer; return their names."""
    refused = []
    for endpoint, func in list(app.view_functions.items()):
        reason = refusal_of(endpoint)
        if reason is not None:
            app.view_functions[endpoint] = _refusing(func, reason)
            refused.append(endpoint)
    return refused


# ---------------------------------------------------------------- the database's own refusal
_SYNCING = "vigie_roles_sync"
_ISSUING = "vigie_key_issuance"


@contextmanager
def _flag(name: str) -> Iterator[None]:
    info = db.session().info
    before = info.get(name, 0)
    info[name] = before + 1
    if not before:  # a new run of the outermost block (see sync_run)
        info[f"{name}_run"] = info.get(f"{name}_run", 0) + 1
    try:
        yield
    finally:
        if before:
            info[name] = before
        else:
            info.pop(name, None)


def roles_sync() -> Any:
    """The block writes roles and permissions from the code (``vigie roles sync``)."""
    return _flag(_SYNCING)


def key_issuance() -> Any:
    """The block issues a key through *Comptes d'application*."""
    return _flag(_ISSUING)


def syncing(session: Session) -> bool:
    """``session`` is inside :func:`roles_sync`."""
    return bool(session.info.get(_SYNCING))


def sync_run(session: Session) -> int | None:
    """Which run of :func:`roles_sync` ``session`` is in (None outside one): what one run
    writes over several transactions is one change."""
    return int(session.info[f"{_SYNCING}_run"]) if syncing(session) else None


def _changed(obj: Any, *names: str) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _refused_write(session: Session, obj: Any) -> Any | None:
    """Why writing ``obj`` is refused here, or None."""
    new, deleted = obj in session.new, obj in session.deleted
    if isinstance(obj, ApiKey):
        return _KEYS if new and not session.info.get(_ISSUING) else None
    if session.info.get(_SYNCING):
        return None
    if isinstance(obj, Role):
        if new or deleted or _changed(obj, "name", "permissions"):
            return _ROLES_IN_CODE
    elif isinstance(obj, (PermissionView, Permission, ViewMenu)):
        if new or deleted or session.is_modified(obj):
            return _ROLES_IN_CODE
    elif isinstance(obj, Group):
        return _NO_GROUPS
    return None


def refuse_outside_code(session: Session, _context: Any, _instances: Any) -> None:
    """``before_flush``: roles, permissions and keys change only through their own paths."""
    for obj in (*session.new, *session.dirty, *session.deleted):
        reason = _refused_write(session, obj)
        if reason is not None:
            raise Forbidden(str(reason))


def install(app: Flask) -> None:
    """Guard FAB's security endpoints, and the tables behind them (once per process)."""
    guard_security_administration(app)
    session_class = db.session.session_factory.class_
    if not event.contains(session_class, "before_flush", refuse_outside_code):
        event.listen(session_class, "before_flush", refuse_outside_code)
