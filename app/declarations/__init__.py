"""Declarations of Vigie's artefacts: one ``register`` call per artefact type.

Read ``app.registry`` for what a declaration yields. ``MENU_ORDER`` is the order of the
modules, hence of the menu categories and of the entries inside them; it is explicit because
import sorting (ruff's isort) would otherwise reorder the menu alphabetically.

Importing this package registers nothing: :func:`load_all` does, when the registry is first
read. So ``app.declarations.choices`` (the closed lists) can be imported by the code a
declaration points at — card gatherers, checks — without registering half the artefacts
while one of those modules is still being imported.
"""

from __future__ import annotations

from importlib import import_module

MENU_ORDER = (
    "strategy",
    "indicators",
    "dashboards",
    "quality",
    "audits",
    "reviews",
    "organisation",
)


def load_all() -> None:
    """Import every declaration module, in menu order (idempotent: modules import once)."""
    for name in MENU_ORDER:
        import_module(f"app.declarations.{name}")
