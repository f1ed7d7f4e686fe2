"""Sign-ins, failures, lockouts, sign-outs and password changes in Vigie's history.

Each is one :class:`~app.models.history.HistoryEntry` of the account (artefact ``user``,
``record_id`` the account's id — ``0`` for a name that matches no active account), with where
it came from (``address``, ``via``: ``form`` or ``api``). An administrator reads an account's
attempts with the rest of its history; a security officer can query them by action.

The person acting is the one who signed in or out (or changed the password); a failed attempt
has no known author: its entry names the typed username and no user id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import has_request_context, request

from app import history
from app.models.history import HistoryEntry
from app.unit_of_work import unit_of_work

ARTEFACT = "user"
LOGIN = "login"
LOGIN_FAILED = "login_failed"
LOCKOUT = "lockout"
LOGOUT = "logout"
PASSWORD = "password"

#: The endpoints people sign in through, and how the history names them.
CHANNELS = {"AuthDBView.login": "form", "SecurityApi.login": "api"}


@dataclass(frozen=True)
class _Typed:
    """The author of an attempt nobody is known to have made: the typed username only."""

    username: str
    id: None = None


#: The author of a lockout: Vigie itself.
SYSTEM = _Typed(history.SYSTEM)


def _origin() -> dict[str, list[Any]]:
    if not has_request_context():
        return {}
    return {
        "address": [None, request.remote_addr],
        "via": [None, CHANNELS.get(request.endpoint or "", request.endpoint)],
    }


def _entry(action: str, record_id: int, author: Any, extra: dict[str, Any] | None = None) -> None:
    changes = _origin()
    for key, value in (extra or {}).items():
        changes[key] = [None, value]
    history.record(ARTEFACT, record_id, action, user=author, changes=changes)


def record(action: str, account: Any, *, author: Any = None, **extra: Any) -> None:
    """Append one entry for ``account`` (its own action unless ``author`` says otherwise)
    and commit it: a sign-in's entry must survive whatever the request does next."""
    with unit_of_work():
        _entry(action, account.id, account if author is None else author, extra)


def record_unknown(action: str, username: str, **extra: Any) -> None:
    """An attempt on a name that is no active account (kept with ``record_id`` 0)."""
    with unit_of_work():
        _entry(action, 0, _Typed(username[:128] or "?"), extra)


def record_failure(username: str, account: Any) -> None:
    """A failed sign-in: on the account the name matched (by an unknown author, the typed
    name), else as an attempt on an unknown name."""
    if account is None:
        record_unknown(LOGIN_FAILED, username)
    else:
        record(LOGIN_FAILED, account, author=_Typed(username[:128] or "?"))


def add_password_change(account: Any, author: Any) -> HistoryEntry:
    """The password change of ``account``, in the caller's transaction (it commits)."""
    changes = _origin()
    changes["sessions"] = [None, "révoquées"]
    return history.record(ARTEFACT, account.id, PASSWORD, user=author, changes=changes)
