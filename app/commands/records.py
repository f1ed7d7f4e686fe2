"""The generic record commands: create, update, archive, restore — one transaction each.

Every write to a registered artefact, from a form, the REST API, an import or the demo
loader, goes through here. A command checks the role and the service scope (of the record and
of every related record it points to), validates, writes, appends the history entry and
commits; on any refusal it rolls back and raises a :mod:`app.commands.errors` error, so the data
is exactly as it was.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TypeVar, cast

from flask_babel import gettext as _
from sqlalchemy import Table, UniqueConstraint, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapper

from app import history, registry
from app.commands import codes
from app.commands.context import WriteContext
from app.commands.errors import (
    Conflict,
    DomainError,
    FieldError,
    Forbidden,
    Invalid,
    NotFound,
)
from app.commands.values import coerce_scalar, within_id_range
from app.extensions import db
from app.models.mixins import Record
from app.models.organisation import VigieUser
from app.models.types import utcnow
from app.reading import is_readable
from app.registry.artefact import Artefact
from app.security.actor import Actor
from app.unit_of_work import flush, unit_of_work

#: The record a command is given, given back as it came (a ``Document`` stays a ``Document``).
R = TypeVar("R", bound=Record)


# --------------------------------------------------------------------------------------------
# applying values
# --------------------------------------------------------------------------------------------
def _required_fields(artefact: Artefact, *, creating: bool = False) -> set[str]:
    mapper: Mapper[object] = sa_inspect(artefact.model)
    required: set[str] = set()
    generated = artefact.code_format.column if artefact.code_format is not None else None
    for name in artefact.editable_fields:
        if creating and name == generated:
            continue  # given by the create command (app.commands.codes)
        if name in artefact.relationships:
            rel = artefact.relationships[name]
            if rel.direction.name == "MANYTOONE" and all(
                not col.nullable for col in rel.local_columns
            ):
                required.add(name)
            continue
        attr = mapper.column_attrs.get(name)
        if attr is None:
            continue
        column = attr.columns[0]
        if not column.nullable and column.default is None and column.server_default is None:
            required.add(name)
    return required


def _linked_ids(obj: Record, name: str) -> frozenset[int]:
    """Ids of the records ``obj`` points to through ``name`` as stored (none when new)."""
    state = sa_inspect(obj)
    if state is None or state.transient or state.pending:
        return frozenset()
    current = getattr(obj, name, None)
    items: list[object] = list(current) if isinstance(current, (list, tuple, set)) else [current]
    ids = (getattr(item, "id", None) for item in items)
    return frozenset(i for i in ids if isinstance(i, int))


def _resolve_related(
    artefact: Artefact,
    name: str,
    raw: object,
    actor: Actor,
    linked: frozenset[int] = frozenset(),
    people_rule: bool = True,
) -> tuple[object, FieldError | None]:
    """Turn an id (or list of ids, or objects) into related records the actor may use.

    ``linked``: the ids the field already holds — a person already named (a pilot chosen by
    the quality cell) may be kept by someone who could not name them anew. ``people_rule``
    False for the field that places the record with a person (an individual objective's
    agent): the record's own scope rule judges that one, with its own message.
    """
    rel = artefact.relationships[name]
    target = rel.mapper.class_
    label = artefact.column_label(name)
    if rel.uselist:
        if raw is None:
            return [], None
        if not isinstance(raw, (list, tuple)):
            return None, FieldError(name, _("« %(label)s » doit être une liste.", label=label))
        values: list[object] = []
        for item in raw:
            value, error = _resolve_one(target, name, label, item, actor, linked, people_rule)
            if error:
                return None, error
            values.append(value)
        return values, None
    if raw is None or raw == "":
        return None, None
    return _resolve_one(target, name, label, raw, actor, linked, people_rule)


def _resolve_one(
    target: type,
    name: str,
    label: str,
    raw: object,
    actor: Actor,
    linked: frozenset[int] = frozenset(),
    people_rule: bool = True,
) -> tuple[object, FieldError | None]:
    related_artefact = registry.for_model(target)
    if isinstance(raw, target):
        obj = raw
    else:
        if isinstance(raw, dict):
            raw = raw.get("id")
        if isinstance(raw, bool) or not isinstance(raw, (int, str)):
            return None, FieldError(name, _("« %(label)s » doit être un identifiant.", label=label))
        try:
            pk = int(raw)
        except ValueError:
            return None, FieldError(name, _("« %(label)s » doit être un identifiant.", label=label))
        obj = db.session.get(target, pk) if within_id_range(pk) else None
    missing = FieldError(
        name,
        _(
            "« %(label)s » : aucun enregistrement accessible n'a l'identifiant %(id)s.",
            label=label,
            id=getattr(obj, "id", raw),
        ),
    )
    if obj is None:
        return None, missing
    if related_artefact is not None:
        if not related_artefact.scope.permits(obj, actor.scope):
            return None, missing
        if related_artefact.archivable and getattr(obj, "archived", False):
            return None, FieldError(
                name, _("« %(label)s » : l'enregistrement choisi est archivé.", label=label)
            )
    else:
        if isinstance(obj, VigieUser) and obj.active is False:
            return None, FieldError(
                name, _("« %(label)s » : ce compte est désactivé.", label=label)
            )
        # people: one names only those in reach (a pilot is one of the service's people)
        kept = getattr(obj, "id", None) in linked
        if people_rule and not kept and not registry.scope_of(target).permits(obj, actor.scope):
            return None, FieldError(
                name,
                _(
                    "« %(label)s » : choisissez une personne de vos services.",
                    label=label,
                ),
            )
    return obj, None


def _unique_errors(artefact: Artefact, obj: Record, names: Iterable[str]) -> list[FieldError]:
    mapper: Mapper[object] = sa_inspect(artefact.model)
    errors = []
    for name in names:
        attr = mapper.column_attrs.get(name)
        if attr is None or not attr.columns[0].unique:
            continue
        value = getattr(obj, name)
        if value is None:
            continue
        stmt = select(artefact.model.id).where(getattr(artefact.model, name) == value)  # type: ignore[attr-defined]
        if obj.id is not None:
            stmt = stmt.where(artefact.model.id != obj.id)  # type: ignore[attr-defined]
        with db.session.no_autoflush:
            clash = db.session.execute(stmt.limit(1)).first()
        if clash:
            errors.append(
                FieldError(
                    name,
                    _(
                        "« %(label)s » : la valeur « %(value)s » est déjà utilisée.",
                        label=artefact.column_label(name),
                        value=value,
                    ),
                )
            )
    return errors


def _combination_errors(artefact: Artefact, obj: Record) -> list[FieldError]:
    """Multi-column unique constraints (a measurement per indicator and period), in French."""
    mapper: Mapper[object] = sa_inspect(artefact.model)
    # a registered model is mapped to its one table (no joined inheritance, no mapped select)
    table = cast(Table, mapper.local_table)
    by_column = {col.name: rel.key for rel in mapper.relationships for col in rel.local_columns}
    errors = []
    for constraint in table.constraints:
        if not isinstance(constraint, UniqueConstraint) or len(constraint.columns) < 2:
            continue
        keys = [mapper.get_property_by_column(col).key for col in constraint.columns]
        values: list[object] = []
        for key in keys:
            value = getattr(obj, key)
            rel_key = by_column.get(key)
            if value is None and rel_key is not None:
                related = getattr(obj, rel_key)
                value = related.id if related is not None else None
            values.append(value)
        if any(v is None for v in values):
            continue
        stmt = select(artefact.model.id)  # type: ignore[attr-defined]
        for key, value in zip(keys, values, strict=True):
            stmt = stmt.where(getattr(artefact.model, key) == value)
        if obj.id is not None:
            stmt = stmt.where(artefact.model.id != obj.id)  # type: ignore[attr-defined]
        with db.session.no_autoflush:
            clash = db.session.execute(stmt.limit(1)).first()
        if clash:
            names = [by_column.get(key, key) for key in keys]
            errors.append(
                FieldError(
                    names[-1],
                    _(
                        "Un enregistrement existe déjà pour cette combinaison : %(fields)s.",
                        fields=", ".join(f"« {artefact.column_label(n)} »" for n in names),
                    ),
                )
            )
    return errors


def apply_values(
    artefact: Artefact,
    obj: Record,
    values: Mapping[str, object],
    actor: Actor,
    *,
    creating: bool,
    reason: str | None = None,
) -> list[FieldError]:
    """Set the given fields on ``obj``; return every problem found (nothing raised)."""
    errors: list[FieldError] = []
    allowed = set(artefact.editable_fields)
    with db.session.no_autoflush:
        for name, raw in values.items():
            if name not in allowed:
                if name in ("state",) or name in artefact.readonly_columns:
                    errors.append(
                        FieldError(
                            name,
                            _(
                                "« %(label)s » ne se modifie pas ici.",
                                label=artefact.column_label(name),
                            ),
                        )
                    )
                else:
                    errors.append(FieldError(name, _("Champ inconnu : « %(name)s ».", name=name)))
                continue
            if name in artefact.relationships:
                linked = frozenset[int]()
                if registry.for_model(artefact.related_model(name)) is None:
                    linked = _linked_ids(obj, name)
                people_rule = name != getattr(artefact.scope, "placing_field", None)
                value, error = _resolve_related(artefact, name, raw, actor, linked, people_rule)
            else:
                value, error = coerce_scalar(artefact, name, raw)
            if error:
                errors.append(error)
                continue
            setattr(obj, name, value)
        check = (
            _required_fields(artefact, creating=True)
            if creating
            else (_required_fields(artefact) & set(values))
        )
        for name in sorted(check):
            if any(e.field == name for e in errors):
                continue
            current = getattr(obj, name, None)
            if current is None or (isinstance(current, str) and not current.strip()):
                errors.append(
                    FieldError(
                        name, _("« %(label)s » est obligatoire.", label=artefact.column_label(name))
                    )
                )
        if not errors:
            errors.extend(_unique_errors(artefact, obj, values.keys()))
            errors.extend(_combination_errors(artefact, obj))
        if not errors:
            context = WriteContext(actor=actor, reason=reason, creating=creating)
            for rule in artefact.checks:
                errors.extend(rule(obj, context))
    return errors


# --------------------------------------------------------------------------------------------
# the commands
# --------------------------------------------------------------------------------------------
def _require_write(artefact: Artefact, actor: Actor) -> None:
    if not actor.may_write(artefact):
        raise Forbidden(
            _("Votre rôle ne permet pas de modifier « %(what)s ».", what=artefact.label_plural)
        )


def _out_of_scope(artefact: Artefact) -> DomainError:
    """The refusal of a write that would put the record out of the actor's reach.

    A rule that places records with a field other than a scoped relation (an individual
    objective's agent) names it, so the form shows the error on that field.
    """
    field = getattr(artefact.scope, "placing_field", None)
    if field is not None:
        message = str(artefact.scope.placing_message % {"label": artefact.column_label(field)})  # type: ignore[attr-defined]
        return Invalid(_("Le formulaire contient des erreurs."), [FieldError(field, message)])
    return Forbidden(
        _(
            "Cet enregistrement serait rattaché à un service qui n'est pas le vôtre : "
            "modification refusée."
        )
    )


def flush_record(artefact: Artefact) -> None:
    """Flush (a lost race becomes the one French conflict); a database constraint the checks
    did not foresee becomes a French refusal naming the artefact, never a 500."""
    try:
        flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise Invalid(
            _(
                "Enregistrement refusé : il contredit une règle d'unicité ou de cohérence "
                "de « %(what)s ».",
                what=artefact.label_plural,
            ),
            [FieldError("__all__", str(exc.orig).splitlines()[0][:200])],
        ) from None


def require_held(artefact: Artefact, obj: Record, actor: Actor) -> None:
    """The actor may write this artefact and reaches this record.

    A record out of reach reads as absent (404); one the actor may read but not write — a
    document published by another service, an audit shared with another pôle — is refused
    as such (403), since the actor has just seen it.
    """
    _require_write(artefact, actor)
    if not artefact.scope.permits(obj, actor.scope):
        if is_readable(artefact, obj, actor):
            raise Forbidden(
                _(
                    "Vous pouvez consulter cet enregistrement, mais il relève de services qui "
                    "ne sont pas tous les vôtres : vous ne pouvez pas le modifier."
                )
            )
        raise NotFound(_("Enregistrement introuvable."))


def create_record(
    artefact: Artefact, values: Mapping[str, object], actor: Actor, *, reason: str | None = None
) -> Record:
    """Create a record; refuse if it would land outside the actor's services."""
    _require_write(artefact, actor)
    obj = artefact.model()
    with unit_of_work():
        errors = apply_values(artefact, obj, values, actor, creating=True, reason=reason)
        if errors:
            raise Invalid(_("Le formulaire contient des erreurs."), errors)
        if not artefact.scope.permits(obj, actor.scope):
            raise _out_of_scope(artefact)
        codes.assign(artefact, obj)
        db.session.add(obj)
        flush_record(artefact)
        history.record(
            artefact.code_name,
            obj.id,
            "create",
            user=actor.user,
            changes=history.creation_changes(artefact, obj),
            reason=reason,
        )
        _after_write(artefact, obj, actor)
    return obj


def require_current(obj: Record, expected_version: int | None) -> None:
    """The record is live and the caller saw its latest version (optimistic locking)."""
    if expected_version is None:
        raise Invalid(
            _("La version de l'enregistrement modifié est obligatoire (champ « version »)."),
            [FieldError("version", _("« version » est obligatoire."))],
        )
    if getattr(obj, "archived", False):
        raise Conflict(_("Cet enregistrement est archivé : restaurez-le avant de le modifier."))
    if int(expected_version) != obj.version:
        raise Conflict(
            _(
                "Cet enregistrement a été modifié par quelqu'un d'autre depuis que vous l'avez "
                "ouvert (version %(yours)s, actuelle %(current)s). Rechargez la page : vos "
                "changements n'ont pas été enregistrés.",
                yours=expected_version,
                current=obj.version,
            )
        )


def update_record(
    artefact: Artefact,
    obj: R,
    values: Mapping[str, object],
    actor: Actor,
    *,
    expected_version: int | None,
    reason: str | None = None,
) -> R:
    """Update a record the actor holds; stale versions and moves out of scope are refused."""
    require_held(artefact, obj, actor)
    require_current(obj, expected_version)
    with unit_of_work():
        before = history.snapshot(artefact, obj)
        errors = apply_values(artefact, obj, values, actor, creating=False, reason=reason)
        if errors:
            raise Invalid(_("Le formulaire contient des erreurs."), errors)
        if not artefact.scope.permits(obj, actor.scope):
            raise _out_of_scope(artefact)
        changes = history.diff(before, history.snapshot(artefact, obj))
        if not changes:
            db.session.rollback()  # nothing to write: no version bump, no history entry
        else:
            flush_record(artefact)
            history.record(
                artefact.code_name,
                obj.id,
                "update",
                user=actor.user,
                changes=changes,
                reason=reason,
            )
            _after_write(artefact, obj, actor)
    return obj


def _set_archived(
    artefact: Artefact, obj: Record, actor: Actor, archived: bool, reason: str | None
) -> None:
    obj.archived = archived
    obj.archived_at = utcnow() if archived else None
    flush_record(artefact)
    history.record(
        artefact.code_name,
        obj.id,
        "archive" if archived else "restore",
        user=actor.user,
        changes={"archived": [not archived, archived]},
        reason=reason,
    )
    _after_write(artefact, obj, actor)


def _after_write(artefact: Artefact, obj: Record, actor: Actor) -> None:
    """The declaration's follow-up in the same transaction (e.g. recalculating indicators)."""
    if artefact.after_write is not None:
        artefact.after_write(obj, actor)


def _archive_refusal(artefact: Artefact, obj: Record, actor: Actor, reason: str | None) -> None:
    """The declaration's ``archive_checks``: refuse the whole change on the first errors."""
    context = WriteContext(actor=actor, reason=reason, creating=False)
    errors = [error for rule in artefact.archive_checks for error in rule(obj, context)]
    if errors:
        raise Invalid(errors[0].message, errors)


def archive_record(artefact: Artefact, obj: R, actor: Actor, *, reason: str | None = None) -> R:
    """Archive (controlled records) or delete (others), with a history entry either way."""
    require_held(artefact, obj, actor)
    if artefact.archivable and obj.archived:
        raise Conflict(_("Cet enregistrement est déjà archivé."))
    _archive_refusal(artefact, obj, actor, reason)
    with unit_of_work():
        if artefact.archivable:
            _set_archived(artefact, obj, actor, True, reason)
        else:
            before = history.snapshot(artefact, obj)
            record_id = obj.id
            db.session.delete(obj)
            flush_record(artefact)
            history.record(
                artefact.code_name,
                record_id,
                "delete",
                user=actor.user,
                changes={k: [v, None] for k, v in before.items()},
                reason=reason,
            )
    return obj


def restore_record(artefact: Artefact, obj: R, actor: Actor, *, reason: str | None = None) -> R:
    """Bring an archived record back into the lists."""
    require_held(artefact, obj, actor)
    if not artefact.archivable or not obj.archived:
        raise Conflict(_("Cet enregistrement n'est pas archivé."))
    _archive_refusal(artefact, obj, actor, reason)
    with unit_of_work():
        _set_archived(artefact, obj, actor, False, reason)
    return obj


def archive_many(
    artefact: Artefact, objs: Sequence[Record], actor: Actor, *, reason: str | None
) -> None:
    """Archive several records of an archivable artefact at once, all or nothing: every one
    is checked (reach, not already archived, ``archive_checks``) before any is archived."""
    if not artefact.archivable:
        raise ValueError(f"{artefact.code_name} is not archivable")
    for obj in objs:
        require_held(artefact, obj, actor)
        if obj.archived:
            raise Conflict(_("Cet enregistrement est déjà archivé."))
        _archive_refusal(artefact, obj, actor, reason)
    with unit_of_work():
        for obj in objs:
            _set_archived(artefact, obj, actor, True, reason)
