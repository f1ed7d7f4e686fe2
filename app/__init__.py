"""Vigie's core: models, registry, commands, scope, indicators, jobs — no screen.

``create_app`` is the composition root's (:mod:`app.composition`); it is reachable here so
that ``gunicorn 'app:create_app()'`` and ``from app import create_app`` keep working.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build a Vigie application (see :func:`app.composition.create_app`)."""
    # Imported when called, not at the top: the composition root imports every layer, and
    # every layer imports ``app.*`` — importing it here would run it on the first ``import
    # app.models`` and loop.
    from app.composition import create_app as build

    return build(overrides)
