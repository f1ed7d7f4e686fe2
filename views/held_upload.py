"""A file chosen in a form survives the form's refusal.

A browser never fills a file input again: when a form comes back with an error on another
field, the file the person had chosen is gone, and saving again stores the record without it,
silently. So an upload that passed its own checks is kept — written to the file store under
a generated name, as every file is — and the form carries a signed ticket naming that copy
(``held_file``). The next submission uses the held copy unless a new file is chosen; once the
record has its file, the held copy is removed. The ticket is signed with the application's
secret, bound to the person who chose the file and valid for a day, so nobody can point a
form at a file that is not theirs.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app import files
from app.commands import attachments
from app.security.actor import Actor

#: The hidden form field carrying the ticket of a held file.
HELD_FIELD = "held_file"
_SALT = "vigie-held-upload"
_MAX_AGE = 24 * 3600


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
    try:
        if not files.path_of(key).is_file():
            return None
    except ValueError:
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
    return Upload(name, files.path_of(key).read_bytes(), held_key=key)


def hold(upload: Upload, actor: Actor) -> Held:
    """Keep an (already checked) upload for the next submission of the form."""
    key = upload.held_key
    name = upload.name
    if key is None:
        stored = files.store(upload.name, upload.data, attachments.FILE_FIELD)
        key, name = stored.key, stored.name
    ticket = _serializer().dumps({"key": key, "name": name, "user": actor.user_id})
    return Held(name=name, size=attachments.human_size(len(upload.data)), ticket=ticket)


def release(upload: Upload | None) -> None:
    """The record has its own copy now: remove the held one."""
    if upload is not None and upload.held_key is not None:
        _remove(upload.held_key)


def _remove(key: str) -> None:
    try:
        files.path_of(key).unlink(missing_ok=True)
    except (OSError, ValueError):  # pragma: no cover - an orphan left behind is harmless
        current_app.logger.warning("held file left behind: %s", key)
