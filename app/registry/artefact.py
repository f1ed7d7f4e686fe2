"""The artefact declaration: the one place an artefact type is described.

From an :class:`Artefact` the registry derives its REST resource, its admin CRUD screens, its
permissions, its service scope (read and write), its history and its CSV/XLSX exports. Adding
an artefact type is one ``register(Artefact(...))`` call next to its model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, DateTime, Float, Integer, Numeric, String
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import RelationshipProperty

from app.cards.spec import CardSpec
from app.models.files import AttachedFileMixin
from app.periods import sql_sort_key
from app.registry.children import ChildSection
from app.security.actor import Actor
from app.security.roles import READERS_DEFAULT, WRITERS_DEFAULT
from app.security.scope import ScopeRule, Unscoped

#: Columns managed by the core, never set through a form or a payload.
SYSTEM_COLUMNS = frozenset(
    {"id", "version", "created_at", "updated_at", "archived", "archived_at", "state"}
)
#: Longest text a ``Text`` column takes when its declaration names no maximum
#: (:attr:`Artefact.max_lengths`): a few pages, far beyond any description typed in a form.
TEXT_MAX_LENGTH = 20_000
#: ``String`` columns up to this length hold one line (a code, a name, a title); longer ones,
#: like ``Text`` columns, may hold line breaks.
SINGLE_LINE_MAX = 300

#: Columns of ``AttachedFileMixin``: written only by the file command, never by a form or a
#: payload (a user choosing ``file_key`` could point their record at someone else's file).
FILE_COLUMNS = frozenset({"file_key", "file_name", "file_size", "file_type", "file_sha256"})

#: A default order written in SQL: the artefact's model → its ``ORDER BY`` keys, evaluated
#: for each query (a key may read today's date: « late » actions).
OrderKeys = Callable[[Any], Sequence[Any]]


@dataclass(frozen=True)
class Choice:
    """A closed list of values for a column, with their French labels."""

    values: tuple[tuple[str, Any], ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(code for code, _label in self.values)

    def label(self, code: Any) -> str:
        """The French label of a code; integer columns (a 1–4 scale) match their text code."""
        if code is None:
            return ""
        for value, label in self.values:
            if value == code or value == str(code):
                return str(label)
        return str(code)


@dataclass(frozen=True)
class CodeFormat:
    """Codes Vigie gives new records itself: ``<prefix>-<year>-<number>`` (``ACT-2026-00032``).

    Declared on an artefact whose codes follow a sequence rather than a meaning chosen by
    people (an action, an audit): the add form then asks for no code, and the command
    numbers the record in its year — the year of ``year_from`` (a date column), else the
    current year in Paris — after the highest number already given, archived records
    included, so a code is never given twice. A code sent explicitly (an import, the API)
    is kept.
    """

    prefix: str
    digits: int = 5
    year_from: str | None = None
    column: str = "code"

    def stem(self, year: int) -> str:
        return f"{self.prefix}-{year}-"

    def render(self, year: int, number: int) -> str:
        return f"{self.stem(year)}{number:0{self.digits}d}"


@dataclass(eq=False)
class Artefact:
    """Declaration of one artefact type (see the module docstring)."""

    code_name: str
    model: type
    label: Any
    label_plural: Any
    category: str
    category_label: Any
    list_columns: Sequence[str]
    search_columns: Sequence[str] = ()
    show_columns: Sequence[str] | None = None
    edit_columns: Sequence[str] | None = None
    #: The list's order when the person has not clicked a column header — on the screen, its
    #: CSV/XLSX export and the REST list alike (:meth:`default_order`): a ``(column,
    #: "asc"|"desc")`` pair, or :data:`OrderKeys` for several keys (open actions first…).
    order_by: tuple[str, str] | OrderKeys = ("id", "asc")
    scope: ScopeRule = field(default_factory=Unscoped)
    #: Records of this artefact may be *named* where another record points to them, even
    #: for readers who may not open them (the organisation chart: services). Otherwise a
    #: related record out of the reader's scope shows as « contenu réservé » on every
    #: derived view (:class:`app.reading.References`).
    named_openly: bool = False
    readers: frozenset[str] = READERS_DEFAULT
    writers: frozenset[str] = WRITERS_DEFAULT
    archivable: bool = True
    label_columns: Mapping[str, Any] = field(default_factory=dict)
    description_columns: Mapping[str, Any] = field(default_factory=dict)
    choices: Mapping[str, Choice] = field(default_factory=dict)
    #: Columns shown but never written through CRUD (e.g. a workflow ``state``).
    readonly_columns: Sequence[str] = ()
    export_columns: Sequence[str] | None = None
    icon: str = "fa-folder"
    #: Cross-field rules run by the commands before every write: ``rule(record, context)``
    #: (a ``WriteContext``: actor, reason, creating) yields ``FieldError``s — e.g. a
    #: measurement's period must match its indicator's frequency and not be locked.
    checks: Sequence[Callable[[Any, Any], Iterable[Any]]] = ()
    #: Rules run before a record is archived or restored, like ``checks`` (``rule(record,
    #: context)`` yields ``FieldError``s): a value of a locked period stays as it is.
    archive_checks: Sequence[Callable[[Any, Any], Iterable[Any]]] = ()
    #: Follow-up run by the commands in the same transaction after a write:
    #: ``after_write(record, actor)`` — a measurement recalculates the indicators using it.
    after_write: Callable[[Any, Actor], None] | None = None
    #: For a model carrying a file (``AttachedFileMixin``): may users upload it? False keeps
    #: it download-only, for files Vigie generates itself (management review minutes).
    file_upload: bool = True
    #: Longest text of a field, in characters, where the column's own does not fit: ``Text``
    #: columns take :data:`TEXT_MAX_LENGTH` unless named here; a ``String(n)`` column never
    #: takes more than ``n``.
    max_lengths: Mapping[str, int] = field(default_factory=dict)
    #: The printable card (fiche) of one record, if the artefact has one: the screen route,
    #: the « Fiche » button, the PDF job and its API route derive from it.
    card: CardSpec | None = None
    #: Codes generated by Vigie (see :class:`CodeFormat`); None: people type the code.
    code_format: CodeFormat | None = None
    #: The children listed on a record's page (a document's versions, an audit's findings):
    #: see :mod:`app.registry.children`.
    children: Sequence[ChildSection] = ()

    # -- derived from the model -------------------------------------------------------------
    @cached_property
    def carries_file(self) -> bool:
        """The records hold one stored file (downloadable by whoever may read the record)."""
        return issubclass(self.model, AttachedFileMixin)

    @property
    def accepts_upload(self) -> bool:
        """Users may upload or replace the file (forms and ``PUT …/file``)."""
        return self.carries_file and self.file_upload

    @cached_property
    def relationships(self) -> dict[str, RelationshipProperty[Any]]:
        mapper: Any = sa_inspect(self.model)
        return {rel.key: rel for rel in mapper.relationships}

    @cached_property
    def editable_fields(self) -> tuple[str, ...]:
        """Fields a form or payload may set: declared, else columns and owning relations."""
        if self.edit_columns is not None:
            return tuple(self.edit_columns)
        mapper: Any = sa_inspect(self.model)
        fk_columns = {col.key for rel in mapper.relationships for col in rel.local_columns}
        names: list[str] = []
        for attr in mapper.column_attrs:
            if attr.key in SYSTEM_COLUMNS or attr.key in FILE_COLUMNS or attr.key in fk_columns:
                continue
            names.append(attr.key)
        for rel in mapper.relationships:
            owning = rel.direction.name == "MANYTOONE" or rel.secondary is not None
            if owning and not rel.viewonly:
                names.append(rel.key)
        return tuple(n for n in names if n not in self.readonly_columns)

    @cached_property
    def form_fields(self) -> tuple[str, ...]:
        """The editable fields a screen's form asks for: a generated code is not typed."""
        generated = self.code_format.column if self.code_format is not None else None
        return tuple(name for name in self.editable_fields if name != generated)

    @cached_property
    def detail_columns(self) -> tuple[str, ...]:
        if self.show_columns is not None:
            return tuple(self.show_columns)
        extra = [c for c in (*self.readonly_columns, "state") if hasattr(self.model, c)]
        extra = [c for c in dict.fromkeys(extra) if c not in self.editable_fields]
        return (*self.editable_fields, *extra, "version", "archived", "created_at", "updated_at")

    @cached_property
    def columns_for_export(self) -> tuple[str, ...]:
        if self.export_columns is not None:
            return tuple(self.export_columns)
        cols = ["id", *self.detail_columns]
        return tuple(dict.fromkeys(cols))

    @cached_property
    def period_columns(self) -> frozenset[str]:
        """Stored columns holding a period (``period``, ``baseline_period``): lists sort them
        in time (:func:`app.periods.sql_sort_key`), never as text."""
        mapper: Any = sa_inspect(self.model)
        return frozenset(
            attr.key
            for attr in mapper.column_attrs
            if (attr.key == "period" or attr.key.endswith("_period"))
            and isinstance(attr.columns[0].type, String)
        )

    def sort_expression(self, name: str) -> Any:
        """What sorting by a stored column sorts on: the column, or a period's time key."""
        column = getattr(self.model, name)
        return sql_sort_key(column) if name in self.period_columns else column

    def default_order(self) -> list[Any]:
        """The ``ORDER BY`` keys of the declared default order, ties broken by id so that
        pages never repeat or skip a row."""
        model: Any = self.model
        if callable(self.order_by):
            return [*self.order_by(model), model.id.asc()]
        name, direction = self.order_by
        keys = (self.sort_expression(name), model.id)
        return [key.desc() if direction == "desc" else key.asc() for key in keys]

    @cached_property
    def sortable_columns(self) -> tuple[str, ...]:
        """List columns that are stored columns (relations and computed properties are not)."""
        mapper: Any = sa_inspect(self.model)
        return tuple(c for c in self.list_columns if c in mapper.column_attrs)

    def column_kind(self, name: str) -> str | None:
        """``date``, ``datetime``, ``boolean``, ``number`` or ``text`` for display; None else."""
        mapper: Any = sa_inspect(self.model)
        attr = mapper.column_attrs.get(name)
        if attr is None:
            return None
        ctype = attr.columns[0].type
        if isinstance(ctype, DateTime) or getattr(ctype, "impl", None).__class__ is DateTime:
            return "datetime"
        if isinstance(ctype, Date):
            return "date"
        if isinstance(ctype, Boolean):
            return "boolean"
        if isinstance(ctype, (Integer, Float, Numeric)) and name not in ("id", "year", "version"):
            return "number"
        return "text"

    def is_nullable(self, name: str) -> bool:
        """True for a column that may be left empty (its select then offers a blank)."""
        mapper: Any = sa_inspect(self.model)
        attr = mapper.column_attrs.get(name)
        return bool(attr is not None and attr.columns[0].nullable)

    def _column_type(self, name: str) -> Any:
        mapper: Any = sa_inspect(self.model)
        attr = mapper.column_attrs.get(name)
        return None if attr is None else attr.columns[0].type

    def max_length(self, name: str) -> int | None:
        """The most characters a text field takes (enforced by the commands on every write):
        the declared maximum, within the column's ``String(n)``; a ``Text`` column's default
        :data:`TEXT_MAX_LENGTH`; None for a field that is no text column."""
        ctype = self._column_type(name)
        if not isinstance(ctype, String):
            return None
        declared = self.max_lengths.get(name)
        length = ctype.length or (declared or TEXT_MAX_LENGTH)
        return min(length, declared) if declared else length

    def is_multiline(self, name: str) -> bool:
        """The field may hold tabs and line breaks (a ``Text`` or long ``String`` column)."""
        ctype = self._column_type(name)
        if not isinstance(ctype, String):
            return False
        return not (ctype.length and ctype.length <= SINGLE_LINE_MAX)

    def is_relation(self, name: str) -> bool:
        return name in self.relationships

    def is_collection(self, name: str) -> bool:
        rel = self.relationships.get(name)
        return bool(rel is not None and rel.uselist)

    def related_model(self, name: str) -> type:
        return self.relationships[name].mapper.class_

    def column_caption(self, name: str) -> Any:
        """The column's label as declared: a lazy string, translated each time it is shown.

        For what is built once and shown many times (the generated views' ``label_columns``
        and form fields, made when the app starts): a label turned into text there would
        stay in the language of the start-up — French — on every later request.
        """
        label = self.label_columns.get(name)
        return COMMON_LABELS.get(name, name) if label is None else label

    def column_label(self, name: str) -> str:
        """The column's label in the current request's language."""
        return str(self.column_caption(name))


def _common_labels() -> dict[str, Any]:
    return {
        "id": _l("N°"),
        "code": _l("Code"),
        "name": _l("Nom"),
        "title": _l("Intitulé"),
        "description": _l("Description"),
        "version": _l("Version"),
        "archived": _l("Archivé"),
        "archived_at": _l("Archivé le"),
        "created_at": _l("Créé le"),
        "updated_at": _l("Modifié le"),
        "state": _l("État"),
        "status": _l("Statut"),
        "service": _l("Service"),
        "services": _l("Services"),
        "year": _l("Année"),
        "weight": _l("Pondération"),
        "owner": _l("Responsable"),
        "position": _l("Ordre"),
        "linked_process": _l("Processus"),
        "processes": _l("Processus"),
        "indicator": _l("Indicateur"),
        "indicators": _l("Indicateurs"),
        "period": _l("Période"),
        "value": _l("Valeur"),
        "comment": _l("Commentaire"),
        "kind": _l("Type"),
        "unit": _l("Unité"),
        "due_date": _l("Échéance"),
        "audit": _l("Audit"),
        "document": _l("Document"),
        "risk": _l("Risque"),
        "action": _l("Action"),
        "agent": _l("Agent"),
        "manager": _l("Responsable hiérarchique"),
        "late": _l("En retard"),
        "number": _l("N° de version"),
        "file_name": _l("Fichier"),
        "file_size": _l("Taille (octets)"),
        "file_type": _l("Type de fichier"),
        "file_sha256": _l("Empreinte SHA-256"),
        "file_key": _l("Nom de stockage"),
        "standard": _l("Norme"),
        "summary": _l("Synthèse"),
        "purpose": _l("Finalité"),
    }


COMMON_LABELS: dict[str, Any] = _common_labels()
