"""Flask-AppBuilder data-access glue: scope on every read, archives hidden from lists.

FAB's generic views and REST resources read through a ``SQLAInterface``; giving them ours
means the service scope and the archive rule apply to lists, show pages, edit forms,
related-record pickers and exports alike, without any of them repeating the check.
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_appbuilder.models.filters import BaseFilter, Filters
from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy.orm import joinedload, selectinload

from app import registry
from app.reading import references
from app.registry import worklists
from app.registry.artefact import Artefact
from app.registry.date_filters import FrenchFilterConverter
from app.security.scope import current_scope


def archived_mode() -> str:
    """``exclude`` (default), ``include`` or ``only``, from the request's ``archived`` arg."""
    if not has_request_context():
        return "exclude"
    value = (request.args.get("archived") or "").lower()
    if value in ("1", "true", "include", "oui", "inclure"):
        return "include"
    if value in ("only", "seulement"):
        return "only"
    return "exclude"


class ScopeFilter(BaseFilter):
    """Base filter restricting any query to the current user's services (for a model that is
    not an artefact, the rule declared for it: people in pickers).

    Its value is None in a request (the signed-in person's scope), or the scope of the person
    a job reads for (an export built in the background runs outside their request)."""

    name = "scope"
    arg_name = None

    def apply(self, query: Any, value: Any) -> Any:
        ctx = value if value is not None else current_scope()
        clause = registry.scope_of(self.model).clause(self.model, ctx)
        return query.filter(clause) if clause is not None else query


class NotArchivedFilter(BaseFilter):
    """Hides archived records from related-record pickers."""

    name = "not_archived"
    arg_name = None

    def apply(self, query: Any, value: Any) -> Any:
        if hasattr(self.model, "archived"):
            return query.filter(self.model.archived.is_(False))
        return query


class PlacingFilter(BaseFilter):
    """Restricts the picker of the field that places a record with a person (an individual
    objective's agent) to the people the current user may place it with."""

    name = "placing"
    arg_name = None

    def apply(self, query: Any, value: Any) -> Any:
        clause = value.picker_clause(self.model, current_scope())
        return query.filter(clause) if clause is not None else query


def scope_filters() -> list[list[Any]]:
    """The ``base_filters`` value every generated view and API uses."""
    return [["id", ScopeFilter, None]]


def picker_filters(artefact: Artefact | None = None, name: str | None = None) -> list[list[Any]]:
    """Filters for related-record pickers: in scope and not archived.

    Given the artefact and field, the picker of the field its scope rule places records with
    (``placing_field``) offers only the values that keep the record within reach (by that
    rule alone). People are scoped by the rule the registry declares for them.
    """
    if artefact is not None and name and name == getattr(artefact.scope, "placing_field", None):
        # the record's own rule says whom it may be placed with (it replaces the people rule)
        return [["id", NotArchivedFilter, None], ["id", PlacingFilter, artefact.scope]]
    return [["id", ScopeFilter, None], ["id", NotArchivedFilter, None]]


class WorklistFilter(BaseFilter):
    """Restricts a list to a named worklist (``?liste=``, :mod:`app.registry.worklists`).

    Its value is ``(worklist, actor)``: the actor is None in a request (the signed-in
    person), or the person a background export reads for."""

    name = "worklist"
    arg_name = None

    def apply(self, query: Any, value: Any) -> Any:
        from app.security.actor import Actor  # the actor module reads the scope rules too

        worklist, actor = value
        return query.filter(worklist.condition(actor or Actor.current()))


#: Above this many rows a generated list stops counting (its pager says « plus de 10 000 »):
#: an exact count reads every matching row — 290,000 measurements on each page view.
COUNT_CAP = 10_000


#: The order column FAB is handed when the person chose none: :meth:`ArtefactInterface.
#: apply_order_by` reads it as « the declared default order ». A sentinel rather than ``""``,
#: because FAB's count query also passes ``""`` and must stay unordered.
DEFAULT_ORDER = "__default_order__"


class ArtefactInterface(SQLAInterface):
    """SQLAInterface that hides archived rows from lists, eager-loads list relations and
    orders lists as the registry declares."""

    #: relation attributes to load with the list (set per artefact by the generators)
    eager_relations: tuple[str, ...] = ()
    #: the artefact read (set by :func:`interface_for`); None for a bare model
    artefact: Artefact | None = None
    #: date filters read ``jj/mm/aaaa`` (FAB's read dates month first)
    filter_converter_class = FrenchFilterConverter
    #: the most rows a list's count reads (None: exact, as the REST API's ``count`` is)
    count_cap: int | None = None

    def query_count(
        self, query: Any, filters: Any = None, select_columns: list[str] | None = None
    ) -> int:
        """FAB's count, capped: at most ``count_cap + 1`` rows are read (``SELECT count(*)
        FROM (… LIMIT cap + 1)``), so a count above the cap says only « more than the cap »."""
        if self.count_cap is None:
            return int(super().query_count(query, filters, select_columns))
        inner = self._apply_inner_all(
            query, filters, select_columns=select_columns, aliases_mapping={}
        )
        # only the ids under the LIMIT: PostgreSQL may read them from an index alone
        return int(inner.with_entities(self.obj.id).limit(self.count_cap + 1).count())

    def query(self, filters: Any = None, *args: Any, **kwargs: Any) -> Any:
        """List query: archives per ``?archived=``, the worklist named by ``?liste=``,
        relations loaded in a fixed query count."""
        filters = self.list_filters(filters, archived_mode(), worklists.requested(self.obj))
        return self._run_query(filters, *args, **kwargs)

    def list_filters(self, filters: Any, archived: str, worklist: Any, actor: Any = None) -> Any:
        """The list's filters plus its own rules: archives per ``archived`` (``exclude``,
        ``include``, ``only``) and the worklist (for ``actor``; None: the signed-in person).
        Shared by the list page and its export, in the request or in a background job."""
        extra = Filters(self.filter_converter_class, self)
        if hasattr(self.obj, "archived"):
            if archived == "exclude":
                extra.add_filter("archived", self.FilterEqual, False)
            elif archived == "only":
                extra.add_filter("archived", self.FilterEqual, True)
        if worklist is not None:  # the very filter its count on a home page used
            extra.add_filter("id", WorklistFilter, (worklist, actor))
        if extra.filters:
            filters = filters.get_joined_filters(extra) if filters is not None else extra
        return filters

    def ordered_query(self, filters: Any, order_column: str = "", order_direction: str = "") -> Any:
        """The list's query, filtered and in the list's order, not run and loading nothing:
        an export selects its own columns from it (:mod:`app.exports.reader`), so it reads
        exactly the rows, in the order, that the list shows."""
        return self.apply_all(
            self.session.query(self.obj),
            filters,
            order_column or (DEFAULT_ORDER if self.artefact is not None else ""),
            order_direction,
        )

    def _run_query(
        self,
        filters: Any = None,
        order_column: str = "",
        order_direction: str = "",
        page: int | None = None,
        page_size: int | None = None,
        select_columns: list[str] | None = None,
        outer_default_load: bool = False,
    ) -> tuple[int, list[Any]]:
        """FAB's list query plus eager loads, so a page's query count never grows with rows."""
        query = self.session.query(self.obj)
        count = self.query_count(query, filters, select_columns)
        query = self.apply_all(
            query,
            filters,
            order_column or (DEFAULT_ORDER if self.artefact is not None else ""),
            order_direction,
            page,
            page_size,
            select_columns,
            outer_default_load,
        )
        if select_columns is None and self.eager_relations:
            results = self._page_with_relations(query)
        else:
            results = query.all()
            if results and hasattr(results[0], self.obj.__name__):
                results = [getattr(item, self.obj.__name__) for item in results]
        if select_columns is None and self.eager_relations and has_request_context():
            # which related records the reader may open, for the whole page at once: the
            # list and the export then name the others « contenu réservé » at no query
            models = [getattr(self.obj, n).property.mapper.class_ for n in self.eager_relations]
            references().learn_records(results, self.eager_relations, models)
        return count, results

    def _page_with_relations(self, query: Any) -> list[Any]:
        """The page's records with their related records, in two steps and always the same
        queries: the page's ids first — filtered, sorted and limited on the artefact's own
        narrow rows, which its order's index can serve — then those records with each
        related record joined and each collection read by one ``IN`` query. Joining first
        would sort 51,000 actions joined to all their relations to keep 25; loading a
        related record by ``IN`` would skip the query on a page where no row has one, so
        the count of queries would depend on the data."""
        ids = [row[0] for row in query.with_entities(self.obj.id)]
        if not ids:
            return []
        options = []
        for name in self.eager_relations:
            attr = getattr(self.obj, name)
            options.append(selectinload(attr) if attr.property.uselist else joinedload(attr))
        loaded = self.session.query(self.obj).options(*options).filter(self.obj.id.in_(ids))
        by_id = {record.id: record for record in loaded}
        return [by_id[pk] for pk in ids if pk in by_id]

    def apply_outer_select_joins(
        self,
        query: Any,
        select_columns: list[str] | None = None,
        outer_default_load: bool = False,
        aliases_mapping: dict[str, Any] | None = None,
    ) -> Any:
        """FAB adds the order column to the columns it selects (for an API list naming a
        to-many column): the default-order sentinel is no column to select."""
        if select_columns:
            select_columns = [name for name in select_columns if name != DEFAULT_ORDER]
        return super().apply_outer_select_joins(
            query, select_columns, outer_default_load, aliases_mapping
        )

    def apply_order_by(
        self,
        query: Any,
        order_column: str,
        order_direction: str,
        aliases_mapping: dict[str, Any] | None = None,
        bypass_many_to_many: bool = False,
        add_pk: bool = False,
    ) -> Any:
        """The registry's order: the declared default when the person chose no column;
        a period column in time (:func:`app.periods.sql_sort_key`), not as text; any other
        column as FAB sorts it. A chosen column comes first, the default order then breaks
        its ties (late actions first within one service)."""
        artefact = self.artefact
        if artefact is None or not order_column:  # FAB's count query: no order at all
            return super().apply_order_by(
                query, order_column, order_direction, aliases_mapping, bypass_many_to_many, add_pk
            )
        if order_column == DEFAULT_ORDER or order_column not in artefact.sortable_columns:
            # a column the list offers no header for (a forged ``_oc_``): the default order
            return query.order_by(*artefact.default_order())
        if order_column in artefact.period_columns:
            key = artefact.sort_expression(order_column)
            query = query.order_by(key.asc() if order_direction == "asc" else key.desc())
        else:
            query = super().apply_order_by(
                query, order_column, order_direction, aliases_mapping, bypass_many_to_many
            )
        return query.order_by(*artefact.default_order())


def interface_for(artefact: Artefact, count_cap: int | None = None) -> ArtefactInterface:
    """The data interface of an artefact, with the relations its lists and exports show
    (``count_cap``: the screens' lists count up to it, see :attr:`ArtefactInterface.count_cap`)."""
    interface = ArtefactInterface(artefact.model)
    interface.artefact = artefact
    interface.count_cap = count_cap
    wanted = [
        c for c in (*artefact.list_columns, *artefact.columns_for_export) if artefact.is_relation(c)
    ]
    interface.eager_relations = tuple(dict.fromkeys(wanted))
    return interface
