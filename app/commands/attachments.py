"""The file command: attach (or replace) the stored file of a record, and find it for download.

Any artefact whose model carries ``AttachedFileMixin`` gets this, from the registry alone
(``Artefact.carries_file`` / ``accepts_upload``). Attaching a file is an update like any other:
the same role, service-scope, archive and stale-version checks as ``update_record``, then the
file is checked and written under a generated name (``app.files.store``) and the record's file
columns and one history entry are written in one transaction. A replaced file stays on disk
and the history keeps its key, so nothing is ever lost.

Reading goes through ``get_for``: whoever may read the record (with its artefact's read
scope, e.g. every agent for a published document) may download its file, and nobody else.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from flask import Response, current_app, send_file
from flask_babel import gettext as _

from app import files, history
from app.commands import records
from app.commands.errors import DomainError, FieldError, Forbidden, NotFound
from app.formatting import format_size
from app.models.mixins import Record
from app.reading import get_for
from app.registry.artefact import FILE_COLUMNS, Artefact
from app.security.actor import Actor
from app.unit_of_work import unit_of_work

#: The multipart field (API) and form field (screens) that carry the file.
FILE_FIELD = "file"

#: The record a file is attached to, given back as it came.
R = TypeVar("R", bound=Record)


class FileRecord(Record, Protocol):
    """A record carrying a file (``AttachedFileMixin``), as its metadata is answered."""

    @property
    def file_name(self) -> str | None: ...

    @property
    def file_size(self) -> int | None: ...

    @property
    def file_type(self) -> str | None: ...

    @property
    def file_sha256(self) -> str | None: ...


class TooLarge(DomainError):
    """The upload is above the size limit (``MAX_CONTENT_LENGTH``): HTTP 413."""

    status = 413


def human_size(size: int | None) -> str:
    """A byte count as readers of the current language write it (« 1,5 Mo », « 820 octets »)."""
    return format_size(size)


def too_large_message() -> str:
    """The French refusal of an upload above the limit (API, forms and the 413 handler)."""
    return _(
        "Le fichier dépasse la taille maximale autorisée (%(max)s) : rien n'a été enregistré.",
        max=human_size(files.max_bytes()),
    )


def formats_help() -> str:
    """What a file field accepts, for the help text under it."""
    return _(
        "Formats acceptés : %(formats)s ; %(max)s au plus.",
        formats="PDF, ODT, DOCX, XLSX, PNG, JPEG",
        max=human_size(files.max_bytes()),
    )


def check_upload(filename: str, data: bytes) -> None:
    """Refuse a file before anything is written (forms check it before creating the record).

    The files folder is probed too: full or read-only, the form is refused with a French 507
    before its record is created, rather than leaving a record without the file it came with.
    """
    if len(data) > files.max_bytes():
        raise TooLarge(too_large_message(), [FieldError(FILE_FIELD, too_large_message())])
    files.validate(filename, data, FILE_FIELD)
    files.check_writable()


def require_file(artefact: Artefact) -> None:
    """The artefact's records carry a file at all (else its file routes answer 404)."""
    if not artefact.carries_file:
        raise NotFound(_("Ce type d'enregistrement ne comporte pas de fichier."))


def require_upload(artefact: Artefact) -> None:
    """The artefact's records take uploads (not a generated, download-only file)."""
    require_file(artefact)
    if not artefact.file_upload:
        raise Forbidden(
            _(
                "Le fichier de « %(what)s » est produit par Vigie : il ne se dépose pas.",
                what=artefact.label,
            )
        )


def _discard(stored: files.StoredFile) -> None:
    """Remove a file written for a refused attachment: no record ever pointed to it."""
    try:
        files.path_of(stored.key).unlink(missing_ok=True)
    except OSError:  # pragma: no cover - an orphan left behind is harmless
        current_app.logger.warning("orphan stored file left: %s", stored.key)


def _file_columns(obj: object) -> dict[str, object]:
    return {name: getattr(obj, name) for name in sorted(FILE_COLUMNS)}


def attach_file(
    artefact: Artefact,
    obj: R,
    filename: str,
    data: bytes,
    actor: Actor,
    *,
    expected_version: int | None,
    reason: str | None = None,
) -> R:
    """Store an uploaded file and make it the record's file, with one history entry.

    Refusals (role, scope, archived, stale version, name, type, content, size, a files
    folder that takes no file) raise before anything is written; a failure while writing the
    record removes the new, unreferenced file. The previous file, if any, is kept on disk and
    its key stays in the history.
    """
    require_upload(artefact)
    records.require_held(artefact, obj, actor)
    records.require_current(obj, expected_version)
    check_upload(filename, data)
    stored = files.store(filename, data, FILE_FIELD)
    try:
        with unit_of_work():
            before = _file_columns(obj)
            for name, value in stored.columns().items():
                setattr(obj, name, value)
            records.flush_record(artefact)
            history.record(
                artefact.code_name,
                obj.id,
                "update",
                user=actor.user,
                changes=history.diff(before, _file_columns(obj)),
                reason=reason,
            )
    except Exception:
        _discard(stored)
        raise
    return obj


def metadata(obj: FileRecord) -> dict[str, object]:
    """What the API answers about a record's file (and the version to send next)."""
    return {
        "file_name": obj.file_name,
        "file_size": obj.file_size,
        "file_type": obj.file_type,
        "file_sha256": obj.file_sha256,
        "version": obj.version,
    }


@dataclass(frozen=True)
class Download:
    """A stored file ready to be sent, under its original name."""

    path: Path
    name: str
    content_type: str
    size: int | None

    def response(self) -> Response:
        """An attachment (never shown inline, never sniffed): an uploaded PNG or PDF must
        not run in the application's origin."""
        response = send_file(
            self.path,
            mimetype=self.content_type,
            as_attachment=True,
            download_name=self.name,
            conditional=True,
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cache-Control"] = "private, no-store"
        return response


def download_for(artefact: Artefact, record_id: object, actor: Actor) -> Download:
    """The file of a record the actor may read (archived ones included), or NotFound."""
    require_file(artefact)
    obj = get_for(artefact, record_id, actor)
    if not obj.file_key:
        raise NotFound(_("Cet enregistrement n'a pas de fichier."))
    path = files.path_of(obj.file_key)
    if not path.is_file():
        current_app.logger.error(
            "stored file missing: %s (%s #%s)", obj.file_key, artefact.code_name, obj.id
        )
        raise NotFound(_("Le fichier de cet enregistrement est introuvable sur le serveur."))
    extension = files.extension_of(obj.file_key)
    return Download(
        path=path,
        name=obj.file_name or obj.file_key,
        content_type=obj.file_type or files.ALLOWED.get(extension, "application/octet-stream"),
        size=obj.file_size,
    )
