"""What declaring a card means: ``Artefact(card=CardSpec(...))``.

A card (*fiche*) shows one record with its related records on one A4 page. It is declared
once, on its artefact; from that declaration the screens add the route
``/cards/<artefact>/<id>`` and the « Fiche » button, the job framework offers the PDF
(``POST /api/v1/<artefact>/<id>/pdf``) and :func:`app.cards.context.card_context` gathers
the same data for both.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the links module reads the registry, which holds the specs
    from app.cards.links import Links
    from app.security.actor import Actor


@dataclass(frozen=True)
class CardSpec:
    """One kind of card.

    ``eager`` are loader options for what the card shows of the record itself (pilot,
    service…), loaded in one query; ``gather`` returns the related rows, each list in one
    scoped query, so a card's query count does not grow with its related rows.
    """

    #: Lazy French title of the kind (« Fiche indicateur »).
    label: Any
    #: French word of the PDF's file name (``Fiche_<word>_<code>.pdf``), never translated.
    file_word: str
    heading: Callable[[Any], str]
    gather: Callable[[Any, Actor, Links], dict[str, Any]]
    eager: Callable[[], Sequence[Any]] = tuple
    #: Template drawing the card; by default ``vigie/cards/<artefact>.html``.
    template: str | None = None

    def template_for(self, code_name: str) -> str:
        return self.template or f"vigie/cards/{code_name}.html"
