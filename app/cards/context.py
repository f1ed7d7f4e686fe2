"""Everything a card's template needs, gathered as a reader — for the screen and the PDF.

Two rules hold on every card:

* **scope** — the main record is read through :func:`app.reading.get_for` (another service's
  record answers NotFound, as on the show page), and every related list through
  :func:`app.reading.related`, so a card never shows a row its reader could not open on its
  own;
* **fixed cost** — each related list is one query (eager-loading what its rows display) and
  indicator values come from :mod:`app.indicators`, so a card sends the same number of queries
  for a process with two risks as for one with two hundred.

Nothing here touches ``request`` or ``current_user``: a worker prints the very same card.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from app import registry
from app.cards.links import Links
from app.cards.risk import criticality_level
from app.cards.spec import CardSpec
from app.commands.errors import NotFound
from app.extensions import db
from app.indicators import status as indicator_status
from app.models.types import utcnow
from app.reading import get_for
from app.registry.artefact import Artefact
from app.security.actor import Actor


def card_artefacts() -> tuple[Artefact, ...]:
    """The artefacts that declare a card, in registry order."""
    return tuple(a for a in registry.all_artefacts() if a.card is not None)


def spec_of(code: str) -> CardSpec:
    """The card of an artefact, or NotFound in French when it has none."""
    artefact = registry.find(code)
    if artefact is None or artefact.card is None:
        raise NotFound(_("« %(what)s » n'a pas de fiche.", what=code))
    return artefact.card


def load_relations(item: Any, options: Sequence[Any]) -> None:
    """Load the record's own relations in one query, the same for every record.

    Left lazy, a many-to-one costs a query or none depending on whether the related row
    happens to be in the session already (the reader's own service is), so two cards
    would differ by a query or two; one eager query keeps every card at the same count.
    """
    if options:
        model: Any = type(item)
        db.session.execute(
            select(model).options(*options).where(model.id == item.id)
        ).unique().all()


def card_context(code: str, pk: Any, actor: Actor, links: Links) -> dict[str, Any]:
    """Everything a card's template needs, read as ``actor``.

    Raises :class:`~app.commands.errors.NotFound` for a record the actor may not read (or
    that does not exist) and :class:`~app.commands.errors.Forbidden` when the role reads no
    such artefact: the screen answers 404/403, a PDF job fails with the French message.
    """
    spec = spec_of(code)
    artefact = registry.get(code)
    item = get_for(artefact, pk, actor)
    load_relations(item, spec.eager())
    gathered = spec.gather(item, actor, links)
    return {
        "item": item,
        "artefact": artefact,
        "card_kind": spec.label,
        "card_heading": spec.heading(item),
        "card_template": spec.template_for(code),
        "show_url": links.record(artefact.code_name, item.id),
        "record_url": links.record,
        "card_url": links.card,
        "choice_label": registry.choice_label,
        "status_info": indicator_status.status_info,
        "criticality_level": criticality_level,
        "printed_at": utcnow(),
        "printed_by": actor.user,
        "today": date.today(),
        **gathered,
    }
