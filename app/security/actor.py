"""Who runs a use case: a person with their service scope, or Vigie itself.

Every command, the workflow engine, card gathering, report builders and jobs take an
:class:`Actor` rather than reading ``current_user``: the same code then serves a request, a
worker building a PDF as the person who asked for it, the scheduler and the demo loader.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.models.organisation import VigieUser
from app.security.roles import ADMIN
from app.security.scope import ScopeContext, context_for, current_scope, request_user

if TYPE_CHECKING:  # the registry imports the scope rules; the actor only needs the type
    from app.registry.artefact import Artefact


@dataclass(frozen=True)
class Actor:
    """A user with their scope, or the system (CLI, demo, scheduled jobs)."""

    user: VigieUser | None
    scope: ScopeContext
    system: bool = False

    @classmethod
    def current(cls) -> Actor:
        """The signed-in person of the current request."""
        return cls(user=request_user(), scope=current_scope())

    @classmethod
    def for_user(cls, user: VigieUser | None) -> Actor:
        """A person outside any request (a worker building their report)."""
        return cls(user=user, scope=context_for(user))

    @classmethod
    def system_actor(cls) -> Actor:
        """Vigie itself: every service, no person (history names it « système »)."""
        return cls(user=None, scope=ScopeContext(None, frozenset({ADMIN}), None), system=True)

    @property
    def user_id(self) -> int | None:
        return self.user.id if self.user is not None else None

    def may_read(self, artefact: Artefact) -> bool:
        return self.system or bool(self.scope.roles & (artefact.readers | {ADMIN}))

    def may_write(self, artefact: Artefact) -> bool:
        return self.system or bool(self.scope.roles & (artefact.writers | {ADMIN}))
