"""Stored files: what may be uploaded, how it is checked, where it lives.

An upload is accepted only if its extension is on the allow-list *and* its bytes look like that
kind of file (a renamed executable is refused), and it is stored under a generated name —
never the user's — so a name like ``../../etc/passwd`` cannot reach the file system. Files are
never deleted: archiving a record leaves its file in place.

The files folder may fail under us (disk full, read-only after an error, unmounted share):
every write is all-or-nothing (a temporary file renamed into place, removed on failure) and
raises :class:`StorageUnavailable` — a French 507 — before any record points to it.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import logging
import os
import tempfile
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePath

from flask import current_app
from flask_babel import gettext as _

from app.commands.errors import DomainError, FieldError, Invalid

log = logging.getLogger(__name__)

#: Allowed extensions and the MIME type a download declares.
ALLOWED = {
    "pdf": "application/pdf",
    "odt": "application/vnd.oasis.opendocument.text",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
}

#: A member each office format's ZIP container must hold.
_ZIP_MEMBERS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


@dataclass(frozen=True)
class StoredFile:
    """What a record keeps about its file (see ``AttachedFileMixin``)."""

    key: str
    name: str
    size: int
    content_type: str
    sha256: str

    def columns(self) -> dict[str, object]:
        return {
            "file_key": self.key,
            "file_name": self.name,
            "file_size": self.size,
            "file_type": self.content_type,
            "file_sha256": self.sha256,
        }


class StorageUnavailable(DomainError):
    """The files folder cannot take the file (full, read-only, missing): HTTP 507.

    Raised before anything refers to the file, so the record it was meant for is unchanged.
    """

    status = 507


#: ``errno`` values meaning « no room left » (the others: the folder refuses writes).
_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def storage_refusal(error: OSError) -> StorageUnavailable:
    """The French refusal for a failed write into the files folder (logged with its cause)."""
    log.error("files folder refused a write (%s): %s", errno.errorcode.get(error.errno or 0), error)
    if error.errno in _FULL:
        message = _(
            "Le dossier des fichiers de Vigie est plein : le fichier n'a pas été enregistré et "
            "rien n'a été modifié. Prévenez l'administrateur."
        )
    else:
        message = _(
            "Le dossier des fichiers de Vigie refuse l'écriture (lecture seule ou "
            "inaccessible) : le fichier n'a pas été enregistré et rien n'a été modifié. "
            "Prévenez l'administrateur."
        )
    return StorageUnavailable(message, [FieldError("file", message)])


def check_writable() -> None:
    """Refuse early, before a record is created for it, if no file can be written now.

    A probe (a temporary file created and removed in the folder): what the file system says,
    which for root is the only truth — permissions do not stop root, a read-only mount or a
    full disk does.
    """
    folder = files_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(dir=folder, prefix=".probe-", suffix=".part")
    except OSError as error:
        raise storage_refusal(error) from None
    # removed here, whatever happens: a NamedTemporaryFile whose flush fails on a full disk
    # is only unlinked when garbage-collected, and the refusal's traceback keeps it alive
    try:
        os.write(descriptor, b"vigie")
        os.fsync(descriptor)
    except OSError as error:
        raise storage_refusal(error) from None
    finally:
        os.close(descriptor)
        with contextlib.suppress(OSError):
            os.unlink(name)


def files_dir() -> Path:
    """``VIGIE_FILES_DIR``, else ``files/`` in the instance folder (tests get their own)."""
    configured = current_app.config.get("VIGIE_FILES_DIR")
    if configured:
        return Path(configured)
    return Path(current_app.config["VIGIE_INSTANCE_DIR"]) / "files"


def max_bytes() -> int:
    return int(current_app.config.get("MAX_CONTENT_LENGTH") or 20 * 1024 * 1024)


def clean_name(filename: str) -> str:
    """The user's file name reduced to a safe display name (no folders, no control chars)."""
    base = PurePath((filename or "").replace("\\", "/")).name
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '/\\:*?"<>|')
    return base.strip(" .")[:200]


def extension_of(filename: str) -> str:
    name = clean_name(filename)
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _looks_like(ext: str, data: bytes) -> bool:
    if ext == "pdf":
        return data.startswith(b"%PDF-")
    if ext == "png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if ext in ("jpg", "jpeg"):
        return data.startswith(b"\xff\xd8\xff")
    if ext in ("odt", "docx", "xlsx"):
        if not data.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if ext == "odt":
                    return "mimetype" in names and archive.read("mimetype").strip() == (
                        ALLOWED["odt"].encode()
                    )
                return _ZIP_MEMBERS[ext] in names
        except (zipfile.BadZipFile, KeyError, OSError):
            return False
    return False


def validate(filename: str, data: bytes, field: str = "file") -> tuple[str, str]:
    """The clean name and extension of an acceptable upload, or :class:`Invalid` in French."""
    name = clean_name(filename)
    raw = (filename or "").replace("\\", "/")
    if not name or "/" in raw or raw.startswith("."):
        raise Invalid(
            _("Nom de fichier refusé."),
            [
                FieldError(
                    field,
                    _(
                        "Le nom du fichier ne doit pas contenir de chemin "
                        "(« / », « \\ » ou « .. »)."
                    ),
                )
            ],
        )
    ext = extension_of(name)
    if ext not in ALLOWED:
        raise Invalid(
            _("Type de fichier refusé."),
            [
                FieldError(
                    field,
                    _(
                        "Extension « %(ext)s » non acceptée ; formats admis : %(allowed)s.",
                        ext=ext or "—",
                        allowed=", ".join(sorted({e.upper() for e in ALLOWED})),
                    ),
                )
            ],
        )
    if not data:
        raise Invalid(_("Fichier vide."), [FieldError(field, _("Le fichier est vide."))])
    if len(data) > max_bytes():
        raise Invalid(
            _("Fichier trop volumineux."),
            [FieldError(field, _("Le fichier dépasse %(n)s Mo.", n=max_bytes() // (1024 * 1024)))],
        )
    if not _looks_like(ext, data):
        raise Invalid(
            _("Contenu du fichier refusé."),
            [
                FieldError(
                    field,
                    _(
                        "Le contenu du fichier ne correspond pas à son extension « %(ext)s ».",
                        ext=ext,
                    ),
                )
            ],
        )
    return name, ext


def store(filename: str, data: bytes, field: str = "file") -> StoredFile:
    """Check and write an upload; the write is atomic (temporary file, then rename)."""
    name, ext = validate(filename, data, field)
    return _write(name, ext, data)


def store_generated(filename: str, data: bytes) -> StoredFile:
    """Write a file Vigie produced (a report PDF): same atomic write, no upload limits.

    The upload size limit protects the web server from users; a 40-page review pack is ours
    and may exceed it. The content must still be what its extension says.
    """
    name = clean_name(filename)
    ext = extension_of(name)
    if ext not in ALLOWED or not _looks_like(ext, data):
        raise ValueError(f"generated file {name!r} is not a valid {ext or '?'} file")
    return _write(name, ext, data)


#: Files only Vigie writes, never accepted as uploads: a list's CSV export built in a job.
GENERATED_ONLY = {"csv": "text/csv; charset=utf-8"}


def _file_looks_like(ext: str, path: Path) -> bool:
    """:func:`_looks_like` for a file on disk, reading what it needs (not the whole file)."""
    if ext == "csv":
        with open(path, "rb") as handle:
            return handle.read(3) == "\ufeff".encode()
    if ext in _ZIP_MEMBERS:
        try:
            with zipfile.ZipFile(path) as archive:
                return _ZIP_MEMBERS[ext] in set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            return False
    with open(path, "rb") as handle:
        return _looks_like(ext, handle.read())


def store_generated_file(filename: str, source: str | Path) -> StoredFile:
    """Store a file Vigie wrote to a temporary file (an export job's workbook or CSV): copied
    in pieces with its checksum (never held whole in memory), same write-then-rename as
    :func:`store_generated`; the temporary file is removed."""
    name = clean_name(filename)
    ext = extension_of(name)
    content_type = ALLOWED.get(ext) or GENERATED_ONLY.get(ext)
    source = Path(source)
    try:
        if content_type is None or not _file_looks_like(ext, source):
            raise ValueError(f"generated file {name!r} is not a valid {ext or '?'} file")
        key = f"{uuid.uuid4().hex}.{ext}"
        target = path_of(key)
        temporary = target.with_suffix(target.suffix + ".part")
        digest = hashlib.sha256()
        size = 0
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(source, "rb") as reading, open(temporary, "wb") as handle:
                while piece := reading.read(1024 * 1024):
                    digest.update(piece)
                    size += len(piece)
                    handle.write(piece)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        except OSError as error:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
            raise storage_refusal(error) from None
    finally:
        with contextlib.suppress(OSError):
            source.unlink(missing_ok=True)
    return StoredFile(
        key=key, name=name, size=size, content_type=content_type, sha256=digest.hexdigest()
    )


def _write(name: str, ext: str, data: bytes) -> StoredFile:
    """Write under a generated name: temporary file, fsync, then rename — a reader (or a
    crash) never sees a partial file under the final name."""
    key = f"{uuid.uuid4().hex}.{ext}"
    target = path_of(key)
    temporary = target.with_suffix(target.suffix + ".part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except OSError as error:
        try:
            temporary.unlink(missing_ok=True)
        except OSError:  # the folder refuses even that: nothing under the final name anyway
            log.warning("could not remove the partial file %s", temporary)
        raise storage_refusal(error) from None
    return StoredFile(
        key=key,
        name=name,
        size=len(data),
        content_type=ALLOWED[ext],
        sha256=hashlib.sha256(data).hexdigest(),
    )


def path_of(key: str) -> Path:
    """Where a stored file lives: two levels of folders from its generated name."""
    if not key or "/" in key or "\\" in key or key.startswith("."):
        raise ValueError("invalid stored file key")
    return files_dir() / key[:2] / key
