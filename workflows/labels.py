"""French labels of workflow states, shared by models, screens and exports.

The transition tables and the engine that fires them live beside this module (workflows
issue); the labels are needed earlier, as soon as a record shows its state.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.registry.artefact import Choice

SERVICE_OBJECTIVE_STATES = Choice(
    (
        ("brouillon", _l("Brouillon")),
        ("propose", _l("Proposé")),
        ("revu", _l("Revu")),
        ("valide", _l("Validé")),
        ("amende", _l("Amendé")),
        ("rejete", _l("Rejeté")),
        ("reporte", _l("Reporté")),
        ("actif", _l("Actif")),
        ("clos", _l("Clos")),
    )
)
