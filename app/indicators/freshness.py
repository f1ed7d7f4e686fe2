"""How fresh the indicator values are: the one « data version » every derived view shows.

Pushes, imports, entry forms and recalculations all write ``measurement.updated_at``, so its
maximum (one indexed query) moves whenever any value arrives. Live pages compare it to the
version they were drawn from; PDF reports record it so a reader knows which values a pack
shows; the map prints it as its « données du … » stamp.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from app.extensions import db
from app.models import Measurement


def last_update() -> datetime | None:
    """When the newest indicator value was written (None before the first one)."""
    return db.session.scalar(select(func.max(Measurement.updated_at)))


def data_version(updated: datetime | None = None) -> str:
    """The version of the indicator values: when the last one was written (``"0"``: none).

    Pass a page's own :func:`last_update` reading to avoid a second query.
    """
    latest = updated if updated is not None else last_update()
    return latest.isoformat() if latest is not None else "0"
