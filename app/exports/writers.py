"""Writing an export from its chunks of rows: CSV as a stream of bytes, XLSX to a file.

Neither holds more than one chunk of rows: the CSV is sent as it is written (a chunk at a
time), the workbook is written by openpyxl's write-only mode — which keeps each sheet in a
temporary file of its own — and saved to a temporary file that the response sends or the job
stores; the caller removes it.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from app.exports.cells import csv_text, sheet_cell

#: Called after each chunk with the number of rows written so far (a job's progress bar).
Written = Callable[[int], None]

CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _nothing(_rows: int) -> None:
    """No progress to report (an export streamed in the request)."""


def csv_bytes(
    header: list[str], chunks: Iterable[list[list[Any]]], written: Written = _nothing
) -> Iterator[bytes]:
    """The French CSV (BOM, ``;``, CRLF, French numbers and dates), one piece per chunk of
    columns (:meth:`RowReader.column_chunks`: one list of cells per column)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    buffer.write("\ufeff")  # lets French Excel read UTF-8
    writer.writerow([csv_text(v) for v in header])
    yield _drain(buffer)
    texts: list[Callable[[Any], str]] = [csv_texts() for _ in header]
    count = 0
    for columns in chunks:
        # column by column: a text is already its own CSV text, the rest is converted once
        # per distinct value (dates, numbers, empty cells)
        texts_of = [
            [v if v.__class__ is str else "" if v is None else text(v) for v in column]
            for column, text in zip(columns, texts, strict=True)
        ]
        writer.writerows(zip(*texts_of, strict=True))
        count += len(columns[0]) if columns else 0
        yield _drain(buffer)
        written(count)


def csv_texts(bound: int = 4096) -> Callable[[Any], str]:
    """:func:`csv_text` remembering the text of values that recur (dates, decimals, rows
    written together and sharing their timestamps); whole numbers (ids, nearly all distinct)
    are written directly."""
    seen: dict[Any, str] = {}

    def text(value: Any) -> str:
        if value.__class__ is int:  # csv_text of a whole number: its digits
            return str(value)
        try:
            return seen[value]
        except KeyError:
            if len(seen) >= bound:
                seen.clear()
            seen[value] = answer = csv_text(value)
            return answer

    return text


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data


def write_csv(
    header: list[str], chunks: Iterable[list[list[Any]]], written: Written = _nothing
) -> str:
    """The CSV (chunks of columns, as :func:`csv_bytes`) in a temporary file (a background
    export); returns its path."""
    handle, path = tempfile.mkstemp(prefix="vigie-export-", suffix=".csv")
    try:
        with os.fdopen(handle, "wb") as out:
            for piece in csv_bytes(header, chunks, written):
                out.write(piece)
    except BaseException:
        os.unlink(path)
        raise
    return path


def write_xlsx(
    title: str,
    header: list[str],
    chunks: Iterable[list[list[Any]]],
    written: Written = _nothing,
) -> str:
    """The workbook (typed cells, French number formats, bold header) in a temporary file;
    returns its path."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    cells = []
    for label in header:
        cell = WriteOnlyCell(sheet, value=str(label))
        cell.font = Font(bold=True)
        cells.append(cell)
    sheet.append(cells)
    handle, path = tempfile.mkstemp(prefix="vigie-export-", suffix=".xlsx")
    os.close(handle)
    try:
        count = 0
        for rows in chunks:
            for row in rows:
                sheet.append([sheet_cell(sheet, v) for v in row])
            count += len(rows)
            written(count)
        workbook.save(path)
    except BaseException:
        os.unlink(path)
        raise
    return path


def file_chunks(path: str, size: int = 256 * 1024) -> tuple[int, Iterator[bytes]]:
    """A temporary file's size and its bytes, piece by piece. The file is unlinked at once
    (the open handle still reads it), so nothing is left behind even if the download never
    starts or is cut off."""
    handle = open(path, "rb")  # noqa: SIM115 - closed by the generator (or collected)
    length = os.fstat(handle.fileno()).st_size
    os.unlink(path)

    def pieces() -> Iterator[bytes]:
        with handle:
            while piece := handle.read(size):
                yield piece

    return length, pieces()
