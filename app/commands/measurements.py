"""Storing batches of measurements: the business applications' push, file imports, entry forms.

One command, whatever the channel: every row is checked first (indicator exists, the caller
may feed it, period matches the frequency, not in the future, not locked, numeric, within the
indicator's bounds, no duplicate in the batch); if any row is refused, nothing is stored and
every error names its row and field in French. Otherwise the batch is written with set-based
statements — one read of the existing values, one upsert, one insert of history rows — so
50,000 rows cost a few statements, not 50,000 ORM round trips.

The upsert (``INSERT … ON CONFLICT (indicator_id, period) DO UPDATE``) is what makes
concurrent pushes of the same value safe: the database serialises them on the unique index,
so there is never a duplicate row nor an integrity error surfacing as a 500. Sending the same
batch twice finds every row unchanged and writes nothing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app import periods
from app.commands.errors import FieldError, Forbidden, Invalid
from app.extensions import db
from app.models.history import HistoryEntry
from app.models.indicators import Indicator, Measurement, ReportingPeriod, SourceApplication
from app.models.types import utcnow
from app.security.actor import Actor
from app.security.roles import ADMIN, QUALITY
from app.unit_of_work import unit_of_work

#: Largest batch accepted in one request (larger ones: split them).
MAX_ROWS = 50_000
#: Errors listed in one answer; beyond, the count is given.
MAX_ERRORS = 500
_CHUNK = 900  # bound parameters per IN (…) list, under every database's limit
SOURCES = ("manual", "api", "import", "calculated")


@dataclass
class BatchResult:
    """What a batch did: rows created, updated, and left unchanged."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    #: (indicator id, period) of every stored value, for recalculation and live updates.
    changed: set[tuple[int, str]] = field(default_factory=set)

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


@dataclass(frozen=True)
class _Row:
    index: int
    indicator: Any  # Row of Indicator columns
    period: str
    value: float
    comment: str | None


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _indicators_by_code(codes: set[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
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
    for chunk in _chunks(sorted(codes)):
        for row in db.session.execute(select(*columns).where(Indicator.code.in_(chunk))):
            found[row.code] = row
    return found


def _locked(period_codes: set[str]) -> set[str]:
    locked: set[str] = set()
    for chunk in _chunks(sorted(period_codes)):
        locked.update(
            db.session.scalars(
                select(ReportingPeriod.period).where(
                    ReportingPeriod.period.in_(chunk), ReportingPeriod.locked.is_(True)
                )
            )
        )
    return locked


def _number(raw: Any) -> float | None:
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, (int, float)):
        value = float(raw)
    elif isinstance(raw, str):
        text = raw.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            return None
    else:
        return None
    return value if math.isfinite(value) else None


class _Checker:
    """Per-row rules, with everything they need read once for the whole batch."""

    def __init__(
        self, actor: Actor, application: SourceApplication | None, reason: str | None, today: date
    ) -> None:
        self.actor = actor
        self.application = application
        self.reason = (reason or "").strip() or None
        self.today = today
        self.quality = bool(actor.scope.roles & {QUALITY, ADMIN}) or actor.system

    def may_feed(self, indicator: Any) -> bool:
        if self.actor.system:
            return True
        if self.application is not None:
            return bool(indicator.source_application_id == self.application.id)
        return self.actor.scope.reaches({indicator.owner_service_id})

    def check(  # noqa: C901 — rewritten by the measurement store
        self,
        index: int,
        raw: Any,
        indicators: dict[str, Any],
        locked: set[str],
        seen: dict[tuple[int, str], int],
    ) -> tuple[_Row | None, list[FieldError]]:
        def error(name: str, message: str) -> tuple[None, list[FieldError]]:
            return None, [FieldError(name, message, index)]

        if not isinstance(raw, dict):
            return error(
                "__row__", _("Chaque ligne doit être un objet {indicator, period, value, comment}.")
            )
        unknown = sorted(set(raw) - {"indicator", "period", "value", "comment"})
        if unknown:
            return error(unknown[0], _("Champ inconnu : « %(name)s ».", name=unknown[0]))
        code = str(raw.get("indicator") or "").strip()
        if not code:
            return error("indicator", _("Le code de l'indicateur est obligatoire."))
        indicator = indicators.get(code)
        if indicator is None or indicator.archived:
            return error("indicator", _("Indicateur inconnu : « %(code)s ».", code=code))
        if indicator.collection_mode == "calculated":
            return error(
                "indicator",
                _(
                    "« %(code)s » est calculé par Vigie à partir d'autres "
                    "indicateurs : il ne se saisit pas.",
                    code=code,
                ),
            )
        if not self.may_feed(indicator):
            return error(
                "indicator", _("Vous n'alimentez pas l'indicateur « %(code)s ».", code=code)
            )
        period_code = str(raw.get("period") or "").strip()
        parsed = periods.parse(period_code)
        if parsed is None or parsed.frequency != indicator.frequency:
            example = {"monthly": "2025-03", "quarterly": "2025-Q1", "yearly": "2025"}
            return error(
                "period",
                _(
                    "Période « %(period)s » invalide pour « %(code)s » (attendu : %(example)s).",
                    period=period_code or "—",
                    code=code,
                    example=example.get(indicator.frequency, ""),
                ),
            )
        if parsed.start > self.today:
            return error("period", _("La période %(period)s n'a pas commencé.", period=period_code))
        if period_code in locked and not (self.quality and self.reason):
            message = (
                _(
                    "La période %(period)s est verrouillée : une correction demande un motif.",
                    period=period_code,
                )
                if self.quality
                else _("La période %(period)s est verrouillée.", period=period_code)
            )
            return error("period", message)
        value = _number(raw.get("value"))
        if value is None:
            return error("value", _("La valeur doit être un nombre."))
        if indicator.min_value is not None and value < indicator.min_value:
            return error(
                "value",
                _(
                    "%(value)s est inférieur au minimum de « %(code)s » (%(min)s).",
                    value=f"{value:g}",
                    code=code,
                    min=f"{indicator.min_value:g}",
                ),
            )
        if indicator.max_value is not None and value > indicator.max_value:
            return error(
                "value",
                _(
                    "%(value)s dépasse le maximum de « %(code)s » (%(max)s).",
                    value=f"{value:g}",
                    code=code,
                    max=f"{indicator.max_value:g}",
                ),
            )
        comment = raw.get("comment")
        if comment is not None and not isinstance(comment, str):
            return error("comment", _("Le commentaire doit être un texte."))
        comment = (comment or "").strip() or None
        if comment is not None and len(comment) > 2000:
            return error("comment", _("Le commentaire dépasse 2 000 caractères."))
        key = (indicator.id, period_code)
        if key in seen:
            return error(
                "period",
                _(
                    "Doublon : la ligne %(first)d porte déjà « %(code)s » pour %(period)s.",
                    first=seen[key],
                    code=code,
                    period=period_code,
                ),
            )
        seen[key] = index
        return _Row(index, indicator, period_code, value, comment), []


def _upsert_statement() -> Any:
    dialect = db.session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    stmt = module.insert(Measurement)
    excluded = stmt.excluded
    return stmt.on_conflict_do_update(
        index_elements=[Measurement.indicator_id, Measurement.period],
        set_={
            "value": excluded.value,
            "comment": excluded.comment,
            "source": excluded.source,
            "source_application_id": excluded.source_application_id,
            "entered_by_id": excluded.entered_by_id,
            "entered_at": excluded.entered_at,
            "updated_at": excluded.updated_at,
            "version": Measurement.version + 1,
            "archived": False,
            "archived_at": None,
        },
    )


def _existing(rows: list[_Row]) -> dict[tuple[int, str], Any]:
    """Stored values for the batch's (indicator, period) pairs, in a few IN queries."""
    wanted = {(row.indicator.id, row.period) for row in rows}
    by_indicator: dict[int, set[str]] = {}
    for indicator_id, period in wanted:
        by_indicator.setdefault(indicator_id, set()).add(period)
    found: dict[tuple[int, str], Any] = {}
    all_periods = sorted({period for _i, period in wanted})
    for ids in _chunks(sorted(by_indicator)):
        for period_chunk in _chunks(all_periods, 400):
            stmt = select(
                Measurement.id,
                Measurement.indicator_id,
                Measurement.period,
                Measurement.value,
                Measurement.comment,
                Measurement.archived,
            ).where(Measurement.indicator_id.in_(ids), Measurement.period.in_(period_chunk))
            for row in db.session.execute(stmt):
                key = (row.indicator_id, row.period)
                if key in wanted:
                    found[key] = row
    return found


def push_batch(
    rows: Any,
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
    from app.indicators.calculation import recompute
    from app.security.applications import application_of

    if source not in SOURCES:
        raise ValueError(f"unknown measurement source {source!r}")
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
    if application is None and not actor.system:
        application = application_of(actor.user)
    if (
        application is None
        and not actor.system
        and not (actor.scope.roles & {ADMIN, QUALITY, "service_head", "agent"})
    ):
        raise Forbidden(_("Votre compte n'alimente aucun indicateur."))
    checker = _Checker(actor, application, reason, today or date.today())
    codes = {str(r.get("indicator") or "").strip() for r in rows if isinstance(r, dict)}
    indicators = _indicators_by_code({c for c in codes if c})
    locked = _locked({str(r.get("period") or "").strip() for r in rows if isinstance(r, dict)})
    seen: dict[tuple[int, str], int] = {}
    valid: list[_Row] = []
    errors: list[FieldError] = []
    for index, raw in enumerate(rows):
        row, row_errors = checker.check(index, raw, indicators, locked, seen)
        if row_errors:
            errors.extend(row_errors)
        elif row is not None:
            valid.append(row)
    if errors:
        shown = errors[:MAX_ERRORS]
        raise Invalid(
            _(
                "%(n)d ligne(s) refusée(s) sur %(total)d : rien n'a été enregistré.",
                n=len({e.index for e in errors}),
                total=len(rows),
            ),
            shown,
        )
    if dry_run:
        return _preview(valid)
    with unit_of_work():
        result = _store(valid, actor, application, source, checker.reason)
        if application is not None:
            db.session.execute(
                update(SourceApplication)
                .where(SourceApplication.id == application.id)
                .values(last_push_at=utcnow())
            )
        if result.changed:
            recompute(result.changed, actor)
    return result


def _same(stored: Any, row: _Row) -> bool:
    return bool(
        stored is not None
        and not stored.archived
        and stored.value == row.value
        and (stored.comment or None) == row.comment
    )


def _preview(valid: list[_Row]) -> BatchResult:
    """What a batch would do, without writing."""
    result = BatchResult()
    existing = _existing(valid)
    for row in valid:
        stored = existing.get((row.indicator.id, row.period))
        if _same(stored, row):
            result.unchanged += 1
        elif stored is None or stored.archived:
            result.created += 1
        else:
            result.updated += 1
    return result


def _store(
    valid: list[_Row],
    actor: Actor,
    application: SourceApplication | None,
    source: str,
    reason: str | None,
) -> BatchResult:
    result = BatchResult()
    existing = _existing(valid)
    now = utcnow()
    user_id = getattr(actor.user, "id", None)
    to_write: list[dict[str, Any]] = []
    before: dict[tuple[int, str], Any] = {}
    for row in valid:
        key = (row.indicator.id, row.period)
        stored = existing.get(key)
        if _same(stored, row):
            result.unchanged += 1
            continue
        before[key] = stored
        to_write.append(
            {
                "indicator_id": row.indicator.id,
                "period": row.period,
                "value": row.value,
                "comment": row.comment,
                "source": source,
                "source_application_id": application.id if application is not None else None,
                "entered_by_id": user_id,
                "entered_at": now,
                "created_at": now,
                "updated_at": now,
                "version": 1,
                "archived": False,
            }
        )
    if not to_write:
        return result
    statement = _upsert_statement()
    for chunk in _chunks(to_write, 5000):
        db.session.execute(statement, list(chunk))
    # Ids of the rows just written: known for updates, read back for new ones (a separate
    # SELECT is several times faster than RETURNING on a batched upsert).
    ids = {key: row.id for key, row in existing.items()}
    created_rows = [row for row in valid if (row.indicator.id, row.period) not in ids]
    ids.update({key: row.id for key, row in _existing(created_rows).items()})
    codes = {row.indicator.id: row.indicator.code for row in valid}
    sender = application.code if application is not None else None
    history_rows: list[dict[str, Any]] = []
    for item in to_write:
        key = (item["indicator_id"], item["period"])
        stored = before[key]
        created = stored is None
        changes: dict[str, list[Any]] = {
            "value": [None if created else stored.value, item["value"]],
        }
        if created:
            changes["indicator"] = [None, codes[item["indicator_id"]]]
            changes["period"] = [None, item["period"]]
        if (None if created else stored.comment) != item["comment"]:
            changes["comment"] = [None if created else stored.comment, item["comment"]]
        if created or stored.archived:
            result.created += 1
        else:
            result.updated += 1
        changes["source"] = [None, source]
        if sender:
            changes["source_application"] = [None, sender]
        history_rows.append(
            {
                "artefact": "measurement",
                "record_id": ids[key],
                "at": now,
                "user_id": user_id,
                "username": getattr(actor.user, "username", None) or "système",
                "action": "create" if created else "update",
                "changes": changes,
                "reason": reason
                or (_("Envoi de l'application %(code)s", code=sender) if sender else None),
            }
        )
        result.changed.add(key)
    for chunk in _chunks(history_rows, 5000):
        db.session.execute(insert(HistoryEntry), list(chunk))
    return result
