"""A file chosen in a form survives the form's refusal.

A browser never fills a file input again: when a form comes back with an error on another
field, the file the person had chosen is gone, and saving again stores the record without it,
silently. So an upload that passed its own checks, sent with a form refused for something the
person can correct (422, or a stale version: 409), is kept aside — in ``held-uploads/`` of the
instance folder, under a generated name, never in the file store, which holds only files
records point to — and the form carries a signed ticket naming that copy (``held_file``).
The next submission uses the held copy unless a new file is chosen; once the record has its
file, the held copy is removed, and copies older than a day are swept when another is held.
The ticket is signed with the application's secret, bound to the person who chose the file
and valid for a day, so nobody can point a form at a file that is not theirs.
"""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app import files
from app.commands import attachments
from app.security.actor import Actor

#: The hidden form field carrying the ticket of a held file.
HELD_FIELD = "held_file"
_SALT = "vigie-held-upload"
_MAX_AGE = 24 * 3600
#: The statuses of refusals a person corrects in the form (not a missing right: 403/404).
CORRECTABLE = frozenset({409, 422})
_KEY = re.compile(r"^[0-9a-f]{32}\.[a-z0-9]{1,5}$")


@dataclass(frozen=True)
class Upload:
    """A file sent with a form: its name and bytes, and the key of its held copy, if any."""

    name: str
    data: bytes
    held_key: str | None = None


@dataclass(frozen=True)
class Held:
    """What the form shows of a held file: its name, its size in words, and its ticket."""

    name: str
    size: str
    ticket: str


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def _folder() -> Path:
    return Path(current_app.config["VIGIE_INSTANCE_DIR"]) / "held-uploads"


def _path(key: str) -> Path | None:
    """Where a held copy lives, for a well-formed key only (never a path the form chose)."""
    return _folder() / key if _KEY.match(key) else None


def _sweep(folder: Path) -> None:
    """Remove copies of forms nobody sent again (older than a ticket lives)."""
    limit = time.time() - _MAX_AGE
    for old in folder.glob("*"):
        try:
            if old.stat().st_mtime < limit:
                old.unlink(missing_ok=True)
        except OSError:  # pragma: no cover - another request swept it first
            continue


def _held_from_ticket(actor: Actor) -> tuple[str, str] | None:
    """``(key, name)`` of the held copy the form's ticket names, if the ticket is good."""
    ticket = request.form.get(HELD_FIELD) or ""
    if not ticket:
        return None
    try:
        data = _serializer().loads(ticket, max_age=_MAX_AGE)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("user") != actor.user_id:
        return None
    key, name = str(data.get("key") or ""), str(data.get("name") or "")
    path = _path(key)
    if path is None or not path.is_file():
        return None
    return key, name


def incoming(actor: Actor) -> Upload | None:
    """The file of this submission: a newly chosen one, else the held copy, else None."""
    storage = request.files.get(attachments.FILE_FIELD)
    held = _held_from_ticket(actor)
    if storage is not None and storage.filename:
        if held is not None:
            _remove(held[0])  # replaced by the new choice
        return Upload(storage.filename, storage.read())
    if held is None:
        return None
    key, name = held
    path = _path(key)
    assert path is not None  # checked with the ticket
    return Upload(name, path.read_bytes(), held_key=key)


def hold(upload: Upload, actor: Actor) -> Held:
    """Keep an (already checked) upload aside for the next submission of the form."""
    key = upload.held_key
    if key is None:
        folder = _folder()
        folder.mkdir(parents=True, exist_ok=True)
        _sweep(folder)
        key = f"{uuid.uuid4().hex}.{files.extension_of(upload.name) or 'bin'}"
        (folder / key).write_bytes(upload.data)
    name = files.clean_name(upload.name)
    ticket = _serializer().dumps({"key": key, "name": name, "user": actor.user_id})
    return Held(name=name, size=attachments.human_size(len(upload.data)), ticket=ticket)


def release(upload: Upload | None) -> None:
    """The record has its own copy now: remove the held one."""
    if upload is not None and upload.held_key is not None:
        _remove(upload.held_key)


def _remove(key: str) -> None:
    path = _path(key)
    try:
        if path is not None:
            path.unlink(missing_ok=True)
    except OSError:  # pragma: no cover - the sweep removes it later
        current_app.logger.warning("held file left behind: %s", key)
