"""The four states of a background job, as stored, shown and answered by the API."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class JobState(StrEnum):
    """Where a job stands. Stored as its value (``en_attente``…), so SQL compares to it."""

    WAITING = "en_attente"
    RUNNING = "en_cours"
    DONE = "termine"
    FAILED = "echec"

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self])


#: French label of each state (badges, ``state_label`` in the API).
STATE_LABELS = {
    JobState.WAITING: _l("En attente"),
    JobState.RUNNING: _l("En cours"),
    JobState.DONE: _l("Terminé"),
    JobState.FAILED: _l("Échec"),
}

#: States in which a job is still under way (one such job per identical request).
ACTIVE_STATES = (JobState.WAITING, JobState.RUNNING)
