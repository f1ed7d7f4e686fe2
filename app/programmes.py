"""Which municipal programme Vigie shows when nobody names one.

The map, the public page and the review pack all start from « the programme being carried
out »: the active one, else the most recent. One rule, so the three never disagree.
"""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Programme


def default_programme_id() -> int | None:
    """The programme being carried out (else the latest one); None when there is none."""
    stmt = (
        select(Programme.id)
        .where(Programme.archived.is_(False))
        .order_by((Programme.status == "active").desc(), Programme.start_year.desc())
        .limit(1)
    )
    return db.session.scalar(stmt)
