"""The demo town (« Ville de Montclar-sur-Lèze »): a deterministic, fictional municipality.

``vigie demo load`` and ``make run`` fill an empty database with it so every screen, role and
workflow can be tried at once: services grouped in pôles, an account per role and a head per
service, the 2020–2026 municipal programme with its axes and strategic objectives, and service
objectives for 2024–2026 in every workflow state.

Modules: :mod:`app.demo.town` (organisation and strategy data), :mod:`app.demo.people`
(accounts; ``demo_logins()``), :mod:`app.demo.loader` (writes them).
"""

from app.demo.loader import database_is_empty, load_demo

__all__ = ["database_is_empty", "load_demo"]
