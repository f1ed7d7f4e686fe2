"""CSV and XLSX exports of any artefact list: streamed from the request, or built in a job.

* :mod:`app.exports.cells` — the cell rules (labels, types, French formats, formula escaping);
* :mod:`app.exports.listing` — which rows: the list's filters, order, archives and worklist as
  data (:class:`ListSpec`), rebuilt with the reader's scope, and the capped count;
* :mod:`app.exports.reader` — the rows set-based, in chunks (memory flat whatever the count);
* :mod:`app.exports.writers` — CSV as a stream of bytes, XLSX (write-only) to a file;
* :mod:`app.exports.job` — the background export, one job kind of :mod:`app.jobs`.

:func:`export` decides: a CSV is always streamed — it is sent as it is read, so memory stays
flat and the first bytes leave at once, and it runs at close to the database's own speed; a
workbook cannot be sent before it is complete (a ZIP written at the end), so one of more
rows than ``VIGIE_EXPORT_JOB_THRESHOLD`` (5,000) is built in the background and offered in
« Mes travaux », and a smaller one is written to a temporary file and sent from it.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, stream_with_context

from app.exports.cells import cell_value, csv_text, escape_cell, header, rows_for, sheet_cell
from app.exports.listing import ListSpec, capped_count
from app.exports.reader import RowReader
from app.exports.writers import (
    CSV_MIMETYPE,
    XLSX_MIMETYPE,
    csv_bytes,
    file_chunks,
    write_xlsx,
)
from app.jobs import Requested, request_and_queue
from app.registry.artefact import Artefact
from app.security.actor import Actor

FORMATS = ("csv", "xlsx")
#: The job kind of a background export (:mod:`app.exports.job`).
JOB_KIND = "list_export"

__all__ = [
    "FORMATS",
    "JOB_KIND",
    "ListSpec",
    "RowReader",
    "cell_value",
    "csv_text",
    "escape_cell",
    "export",
    "header",
    "job_threshold",
    "rows_for",
    "sheet_cell",
    "streamed",
]


def job_threshold() -> int:
    """Rows above which a workbook is built in the background (``VIGIE_EXPORT_JOB_THRESHOLD``)."""
    return int(current_app.config.get("VIGIE_EXPORT_JOB_THRESHOLD") or 5000)


def export(artefact: Artefact, spec: ListSpec, fmt: str, actor: Actor) -> Response | Requested:
    """The list's export for ``actor``: a download response, or the job building it (see the
    module docstring). Raises ``Unavailable`` in French if the job cannot be queued."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    query = spec.query(artefact, actor)
    threshold = job_threshold()
    if fmt == "xlsx" and capped_count(query, threshold + 1) > threshold:
        return request_and_queue(
            JOB_KIND,
            actor,
            params={"artefact": artefact.code_name, "format": fmt, "list": spec.params()},
        )
    return streamed(artefact, query, fmt, actor)


def streamed(artefact: Artefact, query: Any, fmt: str, actor: Actor) -> Response:
    """The download of the list's ``query``, never holding more than a chunk of rows."""
    reader = RowReader(artefact, actor)
    disposition = {"Content-Disposition": f'attachment; filename="{artefact.code_name}.{fmt}"'}
    if fmt == "csv":
        body = stream_with_context(csv_bytes(header(artefact), reader.column_chunks(query)))
        return Response(body, mimetype=CSV_MIMETYPE, headers=disposition)
    path = write_xlsx(str(artefact.label_plural), header(artefact), reader.chunks(query))
    length, pieces = file_chunks(path)
    response = Response(pieces, mimetype=XLSX_MIMETYPE, headers=disposition)
    response.content_length = length
    return response
