"""Storing batches of measurements: the business applications' push, file imports, entry forms.

One command, whatever the channel: every row is checked first — its shape, the indicator, the
caller may feed it, a number, a comment, no duplicate in the batch, and the rules of a value
from the measurement store (:func:`app.indicators.store.value_errors`); if any row is refused,
nothing is stored and every error names its row and field in French. Otherwise the rows are
written by the store (:func:`app.indicators.store.write`, set-based, with their history) and
the calculated indicators that read them are recalculated, in one unit of work.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import NoReturn, Protocol

from flask_babel import gettext as _
from sqlalchemy import select, update

from app import registry
from app.commands.errors import FieldError, Forbidden, Invalid
from app.commands.records import archive_many
from app.commands.values import check_reason, check_text
from app.extensions import db
from app.formatting import parse_number
from app.indicators import store
from app.indicators.calculation import recompute
from app.indicators.store import BatchResult, Row, Writer
from app.models.indicators import Indicator, Measurement, SourceApplication
from app.models.types import utcnow
from app.security.actor import Actor
from app.security.applications import application_of
from app.security.roles import ADMIN, AGENT, QUALITY, SERVICE_HEAD
from app.unit_of_work import unit_of_work

#: Largest batch accepted in one request (larger ones: split them).
MAX_ROWS = 50_000
#: Errors listed in one answer; beyond, the count is given.
MAX_ERRORS = 500
#: The members a row may have.
ROW_FIELDS = frozenset({"indicator", "period", "value", "comment"})
#: Longest comment kept with a value.
COMMENT_LIMIT = 2000
#: Roles whose people file values for their services (others only read them).
FEEDING_ROLES = frozenset({ADMIN, QUALITY, SERVICE_HEAD, AGENT})

__all__ = ["MAX_ROWS", "BatchResult", "check_clear_reason", "clear_values", "push_batch"]


class _IndicatorColumns(Protocol):
    """The columns of an indicator a batch reads (a row of :func:`_indicators_by_code`)."""

    @property
    def id(self) -> int: ...

    @property
    def code(self) -> str: ...

    @property
    def frequency(self) -> str: ...

    @property
    def min_value(self) -> float | None: ...

    @property
    def max_value(self) -> float | None: ...

    @property
    def owner_service_id(self) -> int: ...

    @property
    def source_application_id(self) -> int | None: ...

    @property
    def collection_mode(self) -> str: ...

    @property
    def archived(self) -> bool: ...


def _indicators_by_code(codes: set[str]) -> dict[str, _IndicatorColumns]:
    """The indicators a batch names, read in a few IN queries (columns the rules need)."""
    found: dict[str, _IndicatorColumns] = {}
    columns = (
        Indicator.id,
        Indicator.code,
        Indicator.frequency,
        Indicator.min_value,
        Indicator.max_value,
        Indicator.owner_service_id,
        Indicator.source_application_id,
        Indicator.collection_mode,
        Indicator.archived,
    )
    for chunk in store.chunks(sorted(codes)):
        for row in db.session.execute(select(*columns).where(Indicator.code.in_(chunk))):
            found[row.code] = row
    return found


class _RowRefused(Exception):
    """The first problem of one row (a batch reports one per row)."""

    def __init__(self, error: FieldError) -> None:
        super().__init__(error.message)
        self.error = error


def _first(errors: Sequence[FieldError]) -> None:
    if errors:
        raise _RowRefused(errors[0])


def _refuse(name: str, message: str) -> NoReturn:
    raise _RowRefused(FieldError(name, message))


@dataclass
class _Checker:
    """Per-row checks, with everything they need read once for the whole batch."""

    actor: Actor
    application: SourceApplication | None
    writer: Writer
    today: date
    indicators: dict[str, _IndicatorColumns]
    locked: set[str]
    seen: dict[tuple[int, str], int] = field(default_factory=dict)
    #: Indicators already accepted, by the code as sent: a batch names a few hundred
    #: indicators over thousands of rows, each checked once.
    accepted: dict[str, _IndicatorColumns] = field(default_factory=dict)
    #: The period rules' verdict by (frequency, period): they read nothing else of the row.
    period_verdicts: dict[tuple[str, str], list[FieldError]] = field(default_factory=dict)

    def may_feed(self, indicator: _IndicatorColumns) -> bool:
        if self.actor.system:
            return True
        if self.application is not None:
            return bool(indicator.source_application_id == self.application.id)
        return self.actor.scope.reaches({indicator.owner_service_id})

    def check(self, index: int, raw: object) -> Row:
        """The row, checked; raises :class:`_RowRefused` with its first problem."""
        if not isinstance(raw, dict):
            _refuse(
                "__row__", _("Chaque ligne doit être un objet {indicator, period, value, comment}.")
            )
        if not ROW_FIELDS.issuperset(raw):
            unknown = sorted(set(raw) - ROW_FIELDS)
            _refuse(unknown[0], _("Champ inconnu : « %(name)s ».", name=unknown[0]))
        sent = raw.get("indicator")
        indicator = self.accepted.get(sent) if isinstance(sent, str) else None
        if indicator is None:
            indicator = self._indicator(raw)
            if isinstance(sent, str):
                self.accepted[sent] = indicator
        period_code = str(raw.get("period") or "").strip()
        _first(self._period_errors(indicator, period_code))
        value = parse_number(raw.get("value"))
        if value is None:
            _refuse("value", _("La valeur doit être un nombre."))
        _first(store.bound_errors(indicator, value))
        comment = self._comment(raw.get("comment"))
        self._not_twice(index, indicator, period_code)
        return Row(index, indicator.id, indicator.code, period_code, value, comment)

    def _period_errors(self, indicator: _IndicatorColumns, period_code: str) -> list[FieldError]:
        key = (indicator.frequency, period_code)
        verdict = self.period_verdicts.get(key)
        if verdict is None:
            verdict = self.period_verdicts[key] = store.period_errors(
                indicator,
                period_code,
                today=self.today,
                locked=period_code in self.locked,
                writer=self.writer,
            )
        return verdict

    def _indicator(self, raw: Mapping[str, object]) -> _IndicatorColumns:
        code = str(raw.get("indicator") or "").strip()
        if not code:
            _refuse("indicator", _("Le code de l'indicateur est obligatoire."))
        indicator = self.indicators.get(code)
        if indicator is None or indicator.archived:
            _refuse("indicator", _("Indicateur inconnu : « %(code)s ».", code=code))
        _first(store.indicator_errors(indicator))
        if not self.may_feed(indicator):
            _refuse("indicator", _("Vous n'alimentez pas l'indicateur « %(code)s ».", code=code))
        return indicator

    @staticmethod
    def _comment(raw: object) -> str | None:
        if raw is None:  # most pushed values carry none: no label to translate per row
            return None
        if not isinstance(raw, str):
            _refuse("comment", _("Le commentaire doit être un texte."))
        comment, error = check_text(
            "comment", _("Commentaire"), raw, max_length=COMMENT_LIMIT, multiline=True
        )
        if error is not None:
            _refuse(error.field, error.message)
        return comment

    def _not_twice(self, index: int, indicator: _IndicatorColumns, period_code: str) -> None:
        key = (indicator.id, period_code)
        if key in self.seen:
            _refuse(
                "period",
                _(
                    "Doublon : la ligne %(first)d porte déjà « %(code)s » pour %(period)s.",
                    first=self.seen[key],
                    code=indicator.code,
                    period=period_code,
                ),
            )
        self.seen[key] = index


def _check_shape(rows: object) -> list[object]:
    if not isinstance(rows, list):
        raise Invalid(
            _("« measurements » doit être une liste de lignes."),
            [FieldError("measurements", _("Liste attendue."))],
        )
    if len(rows) > MAX_ROWS:
        raise Invalid(
            _(
                "Lot trop volumineux : %(n)d lignes, %(max)d au plus par envoi.",
                n=len(rows),
                max=MAX_ROWS,
            ),
            [FieldError("measurements", _("Découpez l'envoi en plusieurs lots."))],
        )
    return rows


def _feeder(actor: Actor, application: SourceApplication | None) -> SourceApplication | None:
    """The application pushing (its account's), or None for a person who may file values."""
    if application is None and not actor.system:
        application = application_of(actor.user)
    if application is None and not actor.system and not (actor.scope.roles & FEEDING_ROLES):
        raise Forbidden(_("Votre compte n'alimente aucun indicateur."))
    return application


def _checked_rows(rows: list[object], checker: _Checker) -> list[Row]:
    valid: list[Row] = []
    errors: list[FieldError] = []
    for index, raw in enumerate(rows):
        try:
            valid.append(checker.check(index, raw))
        except _RowRefused as refused:
            error = refused.error
            errors.append(FieldError(error.field, error.message, index))
    if errors:
        raise Invalid(
            _(
                "%(n)d ligne(s) refusée(s) sur %(total)d : rien n'a été enregistré.",
                n=len({e.index for e in errors}),
                total=len(rows),
            ),
            errors[:MAX_ERRORS],
        )
    return valid


def push_batch(
    rows: object,
    actor: Actor,
    *,
    source: str,
    reason: str | None = None,
    today: date | None = None,
    application: SourceApplication | None = None,
    dry_run: bool = False,
) -> BatchResult:
    """Validate then store a batch of measurements, all or nothing (see module docstring).

    ``application`` is the source application pushing (its account's); people push for the
    indicators of their services. ``dry_run`` validates and counts what would be created,
    updated or left unchanged, and writes nothing (an import's preview).
    """
    if source not in store.SOURCES:
        raise ValueError(f"unknown measurement source {source!r}")
    rows = _check_shape(rows)
    reason, reason_error = check_reason(reason)
    if reason_error is not None:
        raise Invalid(reason_error.message, [reason_error])
    application = _feeder(actor, application)
    objects = [r for r in rows if isinstance(r, dict)]
    codes = {str(r.get("indicator") or "").strip() for r in objects}
    checker = _Checker(
        actor=actor,
        application=application,
        writer=Writer.of(actor, reason),
        today=today or date.today(),
        indicators=_indicators_by_code({c for c in codes if c}),
        locked=store.locked_periods(str(r.get("period") or "").strip() for r in objects),
    )
    valid = _checked_rows(rows, checker)
    if dry_run:
        return store.preview(valid)
    with unit_of_work():
        result = store.write(
            valid, actor, source=source, application=application, reason=checker.writer.reason
        )
        if application is not None:
            db.session.execute(
                update(SourceApplication)
                .where(SourceApplication.id == application.id)
                .values(last_push_at=utcnow())
            )
        if result.changed:
            recompute(result.changed, actor)
    return result


def clear_values(measurements: Sequence[Measurement], actor: Actor, *, reason: str | None) -> None:
    """Clear wrong values — the entry screen's « Effacer » — all or nothing.

    A value is never deleted: it is archived, with the person, the time and the reason in
    its history, and the indicators calculated from it are recalculated. A locked period
    takes it only from the quality cell (the measurement's ``archive_checks``).
    """
    if not measurements:
        return
    archive_many(
        registry.get("measurement"), measurements, actor, reason=check_clear_reason(reason)
    )


def check_clear_reason(reason: str | None) -> str:
    """The reason given for clearing values, checked like every reason; refused when empty."""
    checked, reason_error = check_reason(reason)
    if reason_error is not None:
        raise Invalid(reason_error.message, [reason_error])
    if not checked:
        message = _("Effacer une valeur demande un motif : dites pourquoi elle était fausse.")
        raise Invalid(message, [FieldError("reason", message)])
    return checked
