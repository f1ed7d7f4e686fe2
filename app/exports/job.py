"""The background list export, declared to the one job framework.

Asked from a list page (or the API) when the export is too long for a request: the job runs
in a worker as the person who asked (:func:`app.jobs.worker.run` gives their actor), so the
rows are those of their list — their scope, their filters, archives and worklist, their
order (:class:`app.exports.listing.ListSpec`) — read in chunks and written to a temporary
file that the framework stores and « Mes travaux » offers. Only the requester sees the job
(``private``): a list names no record whose readers could be checked instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import registry
from app.commands.errors import FieldError, Forbidden, Invalid
from app.exports.cells import header
from app.exports.listing import ListSpec, capped_count
from app.exports.reader import RowReader
from app.exports.writers import write_csv, write_xlsx
from app.jobs.documents import Produced, Progress
from app.jobs.kinds import FILE, JobKind, register
from app.security.actor import Actor

#: A background export is a list of any length: allowed half an hour.
TIMEOUT_SECONDS = 1800
#: Counting for the progress bar stops here (a count is cheap, an uncapped one needless).
COUNT_CAP = 10_000_000


def _artefact_code(value: Any, _subject: Any = None) -> str:
    if not isinstance(value, str) or registry.find(value) is None:
        raise Invalid(_("Liste inconnue."), [FieldError("artefact", _("Liste inconnue."))])
    return value


def _format(value: Any, _subject: Any = None) -> str:
    if value not in ("csv", "xlsx"):
        raise Invalid(_("Format inconnu : choisissez csv ou xlsx."))
    return str(value)


def _list(value: Any, _subject: Any = None) -> dict[str, Any]:
    try:
        return ListSpec.from_params(value if isinstance(value, Mapping) else {}).params()
    except (TypeError, ValueError):
        raise Invalid(_("Liste inconnue.")) from None


def _title(_subject: Any, params: Mapping[str, Any]) -> str:
    artefact = registry.get(params["artefact"])
    return _(
        "Export %(format)s : %(what)s",
        format=str(params["format"]).upper(),
        what=artefact.label_plural,
    )


def build(params: Mapping[str, Any], actor: Actor, progress: Progress) -> Produced:
    """Write the export as ``actor`` to a temporary file, reporting rows written."""
    artefact = registry.get(params["artefact"])
    if not actor.may_read(artefact):
        raise Forbidden(_("Vous n'avez pas accès à « %(what)s ».", what=artefact.label_plural))
    query = ListSpec.from_params(params["list"]).query(artefact, actor)
    total = max(capped_count(query, COUNT_CAP), 1)

    def written(rows: int) -> None:
        progress(
            100 * rows // total, _("%(rows)s lignes écrites sur %(total)s", rows=rows, total=total)
        )

    rows_of = RowReader(artefact, actor)
    rows = {"count": 0}

    def counted(count: int) -> None:
        rows["count"] = count
        written(count)

    fmt = params["format"]
    if fmt == "csv":
        path = write_csv(header(artefact), rows_of.column_chunks(query), counted)
    else:
        labels = header(artefact)
        path = write_xlsx(str(artefact.label_plural), labels, rows_of.chunks(query), counted)
    return Produced(
        title=_title(None, params),
        filename=f"{artefact.code_name}.{fmt}",
        path=path,
        rows=rows["count"],
    )


def register_kinds() -> None:
    """Declare the background export (called once at start-up by the composition root)."""
    register(
        JobKind(
            code="list_export",
            label=_l("Export de liste"),
            run=build,
            output=FILE,
            timeout=TIMEOUT_SECONDS,
            private=True,
            extra={"artefact": _artefact_code, "format": _format, "list": _list},
            title=_title,
        )
    )
