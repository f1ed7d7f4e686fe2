"""Domain errors raised by commands; the API maps them to HTTP, views to flashed messages."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class FieldError:
    """One problem with one field (and, for batches and imports, one row)."""

    field: str
    message: str
    index: int | None = None

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"field": self.field, "message": self.message}
        if self.index is not None:
            data = {"index": self.index, **data}
        return data


class DomainError(Exception):
    """Base of every refusal a command can give. ``status`` is the HTTP equivalent."""

    status = 400

    def __init__(self, message: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or []

    def payload(self) -> dict[str, object]:
        data: dict[str, object] = {"message": self.message}
        if self.errors:
            data["errors"] = [e.as_dict() for e in self.errors]
        return data


class NotFound(DomainError):
    """The record does not exist *for this user* (outside their services reads the same)."""

    status = 404


class Forbidden(DomainError):
    """The user may not do this (role), or would put a record outside their services."""

    status = 403


class Conflict(DomainError):
    """The record changed since the user read it (stale version) or the state moved on."""

    status = 409


class Invalid(DomainError):
    """Bad input; ``errors`` name each field."""

    status = 422


class Unavailable(DomainError):
    """A service Vigie needs is down (the job queue's Redis): try again later, nothing lost."""

    status = 503
