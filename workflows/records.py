"""What the workflow engine knows of a record: the columns every artefact with a table has.

The engine fires events on records of six models (service objectives, audits, actions,
documents, revisions, management reviews); it only reads and writes what they share.
:class:`WorkflowRecord` is that, on an instance; :class:`WorkflowColumns` the same columns on
the mapped class, as SQL expressions (« Mes tâches » filters on them).

Guards, effects, recipients and person clauses are named in the tables and looked up by name,
but each reads its own artefact's columns (an audit's lead auditor, a document's draft
version): it is typed with its model, and :func:`by_name` / :func:`by_name_sql` give it the
type the engine calls it with. That a table names it only on its own artefact's rows is
what neither mypy nor the run time checks: the table-driven tests (``test_workflow_engine``)
fire every row, guard and four-eyes rule on a record of that row's artefact.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Concatenate, ParamSpec, Protocol, TypeVar, cast

from sqlalchemy.orm import Mapped

from app.models.mixins import Record


class WorkflowRecord(Record, Protocol):
    """A record with a workflow: its ``state`` moves, its ``version`` is compared-and-set,
    an archived one moves no more. (SQLAlchemy ``Mapped`` columns match these members.)"""

    state: str


class WorkflowColumns(Protocol):
    """The columns of :class:`WorkflowRecord` declared as on the model: read on the mapped
    class (``type[WorkflowColumns]``) they are SQL expressions."""

    id: Mapped[int]
    state: Mapped[str]
    archived: Mapped[bool]


_Record = TypeVar("_Record")
_Params = ParamSpec("_Params")
_Result = TypeVar("_Result")


def by_name(
    function: Callable[Concatenate[_Record, _Params], _Result],
) -> Callable[Concatenate[WorkflowRecord, _Params], _Result]:
    """A guard, effect or recipient typed with its own model, as the engine calls it through
    a table's name: with the record of that table (see the module docstring). The same
    function, unchanged."""
    return cast("Callable[Concatenate[WorkflowRecord, _Params], _Result]", function)


def by_name_sql(
    function: Callable[Concatenate[type[_Record], _Params], _Result],
) -> Callable[Concatenate[type[WorkflowColumns], _Params], _Result]:
    """A person clause typed with its own mapped class, as « Mes tâches » calls it through a
    table's name: with that table's model. The same function, unchanged."""
    return cast("Callable[Concatenate[type[WorkflowColumns], _Params], _Result]", function)
