"""The artefact registry: one declaration per artefact type, everything else derived.

``register()`` records a declaration; ``app.api.resources`` and ``views.crud`` read
``all_artefacts()`` to build the REST resources and the admin screens; ``app.security.sync``
reads it to grant permissions. Nothing else lists artefact types.
"""

from __future__ import annotations

from app.registry.artefact import Artefact, Choice

_REGISTRY: dict[str, Artefact] = {}
_BY_MODEL: dict[type, Artefact] = {}


def register(artefact: Artefact) -> Artefact:
    """Add a declaration; a code name or model may be registered once."""
    if artefact.code_name in _REGISTRY:
        raise ValueError(f"artefact {artefact.code_name!r} already registered")
    if artefact.model in _BY_MODEL:
        raise ValueError(f"model {artefact.model.__name__} already registered")
    _REGISTRY[artefact.code_name] = artefact
    _BY_MODEL[artefact.model] = artefact
    return artefact


def all_artefacts() -> tuple[Artefact, ...]:
    """Every declaration, in registration order (also the menu order)."""
    load_declarations()
    return tuple(_REGISTRY.values())


def get(code_name: str) -> Artefact:
    load_declarations()
    return _REGISTRY[code_name]


def for_model(model: type) -> Artefact | None:
    load_declarations()
    for klass in model.__mro__:
        found = _BY_MODEL.get(klass)
        if found is not None:
            return found
    return None


def load_declarations() -> None:
    """Import the modules that declare artefacts (idempotent)."""
    import app.declarations  # noqa: F401


__all__ = ["Artefact", "Choice", "all_artefacts", "for_model", "get", "register"]
