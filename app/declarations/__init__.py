"""Declarations of Vigie's artefacts: one ``register`` call per artefact type.

Read ``app.registry`` for what a declaration yields. Import order here is the menu order.
"""

from app.declarations import (  # noqa: F401 - imported for their registrations
    audits,
    dashboards,
    indicators,
    organisation,
    quality,
    reviews,
    strategy,
)
