"""Declarations of Vigie's artefacts: one ``register`` call per artefact type.

Read ``app.registry`` for what a declaration yields. ``MENU_ORDER`` is the order of the
modules, hence of the menu categories and of the entries inside them; it is explicit because
import sorting (ruff's isort) would otherwise reorder the menu alphabetically.
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

for _name in MENU_ORDER:
    import_module(f"app.declarations.{_name}")
