"""The artefact registry: one declaration per artefact type, everything else derived.

``register()`` records a declaration; ``app.api.resources`` and ``views.crud`` read
``all_artefacts()`` to build the REST resources and the admin screens; ``app.security.sync``
reads it to grant permissions. Nothing else lists artefact types.
"""

from __future__ import annotations

from typing import Any

from app.declarations import load_all
from app.registry.artefact import Artefact, Choice
from app.registry.children import ChildSection
from app.security.scope import ScopeRule, Unscoped

_REGISTRY: dict[str, Artefact] = {}
_BY_MODEL: dict[type, Artefact] = {}
#: Scope rules of models that records point to but that are not artefacts (people).
_SCOPES: dict[type, ScopeRule] = {}
#: Non-empty once every declaration module has been imported.
_LOADED: list[bool] = []


def register(artefact: Artefact) -> Artefact:
    """Add a declaration; a code name or model may be registered once."""
    if artefact.code_name in _REGISTRY:
        raise ValueError(f"artefact {artefact.code_name!r} already registered")
    if artefact.model in _BY_MODEL:
        raise ValueError(f"model {artefact.model.__name__} already registered")
    _REGISTRY[artefact.code_name] = artefact
    _BY_MODEL[artefact.model] = artefact
    return artefact


def register_scope(model: type, rule: ScopeRule) -> None:
    """Declare the scope rule of a model that is not an artefact but that records name
    (people: who may be picked as a pilot, an owner…); pickers and commands follow it."""
    if model in _BY_MODEL or model in _SCOPES:
        raise ValueError(f"model {model.__name__} already has a scope rule")
    _SCOPES[model] = rule


def scope_of(model: type) -> ScopeRule:
    """The one scope rule of a model: its artefact's, the one declared for it, else
    :class:`~app.security.scope.Unscoped`."""
    artefact = for_model(model)
    if artefact is not None:
        return artefact.scope
    for klass in model.__mro__:
        rule = _SCOPES.get(klass)
        if rule is not None:
            return rule
    return Unscoped()


def all_artefacts() -> tuple[Artefact, ...]:
    """Every declaration, in registration order (also the menu order)."""
    load_declarations()
    return tuple(_REGISTRY.values())


def get(code_name: str) -> Artefact:
    load_declarations()
    return _REGISTRY[code_name]


def find(code_name: str) -> Artefact | None:
    """The declaration of a code name, or None (for names read from a request or a job)."""
    load_declarations()
    return _REGISTRY.get(code_name)


def choice_label(code: str, column: str, value: Any) -> str:
    """French label of a coded value, as the artefact declares it (« — » when empty)."""
    if value is None or value == "":
        return "—"
    choice = get(code).choices.get(column)
    return choice.label(value) if choice is not None else str(value)


def for_model(model: type) -> Artefact | None:
    load_declarations()
    for klass in model.__mro__:
        found = _BY_MODEL.get(klass)
        if found is not None:
            return found
    return None


def load_declarations() -> None:
    """Import the modules that declare artefacts (idempotent).

    Imported here, not at the top: the declarations import this registry to register.
    """
    if _LOADED:
        return
    load_all()
    _LOADED.append(True)


__all__ = [
    "Artefact",
    "ChildSection",
    "Choice",
    "all_artefacts",
    "choice_label",
    "find",
    "for_model",
    "get",
    "register",
    "register_scope",
    "scope_of",
]
