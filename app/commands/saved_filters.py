"""Saved filters (« Mes filtres »): save, list and delete a person's named list views.

A saved filter belongs to one person and one artefact; nobody else reads, opens or deletes
it — another person's filter reads as « not found », like a record out of scope. What is
stored is the list's query string as the screen cleaned it (its own parameters only,
:func:`views.saved_filters.list_query`); the name is checked here, in French, so a refusal
names the field and the list shows it beside what was typed.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.commands.errors import FieldError, Forbidden, Invalid, NotFound
from app.commands.values import check_text, within_id_range
from app.extensions import db
from app.models.lists import NAME_MAX, QUERY_MAX, SavedFilter
from app.registry.artefact import Artefact
from app.security.actor import Actor
from app.unit_of_work import unit_of_work

#: The form field naming the filter (its errors are shown under it).
NAME_FIELD = "filter_name"


def for_person(artefact: Artefact, actor: Actor) -> list[SavedFilter]:
    """The person's saved filters of this artefact's list, by name — one query."""
    if actor.user_id is None:
        return []
    stmt = (
        select(SavedFilter)
        .where(SavedFilter.user_id == actor.user_id, SavedFilter.artefact == artefact.code_name)
        .order_by(SavedFilter.name, SavedFilter.id)
    )
    return list(db.session.scalars(stmt))


def _refused(message: str) -> Invalid:
    return Invalid(message, [FieldError(NAME_FIELD, message)])


def save(artefact: Artefact, name: object, query: str, actor: Actor) -> SavedFilter:
    """Keep ``query`` under ``name`` for the person; :class:`Invalid` for an empty, too long
    or already used name (per person and artefact), or a query too long to keep."""
    if actor.user_id is None or not actor.may_read(artefact):
        raise Forbidden(_("Vous ne pouvez pas enregistrer de filtre sur cette liste."))
    label = _("Nom du filtre")
    text, problem = check_text(NAME_FIELD, label, name, max_length=NAME_MAX, multiline=False)
    if problem is not None:
        raise Invalid(problem.message, [problem])
    if text is None:
        raise _refused(_("Donnez un nom au filtre pour l'enregistrer."))
    if len(query) > QUERY_MAX:
        raise _refused(_("Ce filtre est trop long pour être enregistré : retirez des critères."))
    taken = _("Vous avez déjà un filtre nommé « %(name)s » sur cette liste.", name=text)
    existing = select(SavedFilter.id).where(
        SavedFilter.user_id == actor.user_id,
        SavedFilter.artefact == artefact.code_name,
        SavedFilter.name == text,
    )
    if db.session.scalar(existing) is not None:
        raise _refused(taken)
    saved = SavedFilter(user_id=actor.user_id, artefact=artefact.code_name, name=text, query=query)
    try:
        with unit_of_work() as session:
            session.add(saved)
    except IntegrityError:  # the same name saved a moment ago from another tab
        raise _refused(taken) from None
    return saved


def delete(artefact: Artefact, pk: int, actor: Actor) -> str:
    """Delete the person's own filter ``pk`` of this list and give back its name;
    :class:`NotFound` for anyone else's (or none)."""
    found = None
    if actor.user_id is not None and within_id_range(pk):
        found = db.session.scalar(
            select(SavedFilter).where(
                SavedFilter.id == pk,
                SavedFilter.user_id == actor.user_id,
                SavedFilter.artefact == artefact.code_name,
            )
        )
    if found is None:
        raise NotFound(_("Ce filtre n'existe pas ou a déjà été supprimé."))
    name = found.name
    with unit_of_work() as session:
        session.delete(found)
    return name
