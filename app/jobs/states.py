"""The French labels of the four job states (the states themselves: :class:`JobState`)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.models.jobs import ACTIVE_STATES, JobState

#: French label of each state (badges, ``state_label`` in the API).
STATE_LABELS = {
    JobState.WAITING: _l("En attente"),
    JobState.RUNNING: _l("En cours"),
    JobState.DONE: _l("Terminé"),
    JobState.FAILED: _l("Échec"),
}


__all__ = ["ACTIVE_STATES", "STATE_LABELS", "JobState"]
