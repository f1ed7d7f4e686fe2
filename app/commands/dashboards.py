"""Editing a dashboard's widgets: add, move, remove — one transaction and one history entry each.

Widgets are not a registered artefact (they only exist inside their dashboard), so the generic
record commands cannot write them; these commands hold the same rules for them. The actor must
be allowed to write the ``dashboard`` artefact and reach the dashboard (403 / 404 otherwise);
the indicator or objective a widget points to must be one the actor may read (a select list
only offers those, but a forged form must not slip another service's indicator in); a refusal
names the field in French and leaves the data untouched.

Each change is written on the dashboard's history as ``{"widgets": [before, after]}`` — the
ordered list of widgets in words — so « who changed the Mayor's dashboard, and why » has an
answer, and the dashboard's version is bumped so a stale edit of its title form is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from flask_babel import gettext as _

from app import history, registry
from app.commands.errors import FieldError, Invalid, NotFound
from app.commands.records import require_held
from app.commands.values import check_text, within_id_range
from app.dashboards import kind_labels
from app.extensions import db
from app.models import (
    Dashboard,
    DashboardWidget,
    Indicator,
    ServiceObjective,
    StrategicObjective,
)
from app.models.dashboards import WIDGET_KINDS
from app.models.types import utcnow
from app.security.actor import Actor
from app.unit_of_work import unit_of_work

#: Kinds that can show an indicator (a mini-map places it on the strategy map) and those
#: that can show an objective (its roll-up score): a trend or a table needs a series.
INDICATOR_KINDS = frozenset({"kpi", "trend", "table", "map"})
OBJECTIVE_KINDS = frozenset({"kpi", "map"})
TITLE_MAX = 300

#: A widget form's fields: texts from the editor's form, or ids given as numbers by code.
WidgetValues = Mapping[str, str | int | None]
#: The model of the record a widget points to.
M = TypeVar("M")


def describe(widgets: list[DashboardWidget]) -> list[str]:
    """The widgets in order, in words, for the history diff (« 1. kpi — IND-001 »)."""
    out = []
    for index, widget in enumerate(sorted(widgets, key=lambda w: (w.position, w.id or 0)), start=1):
        if widget.indicator is not None:
            ref = widget.indicator.code
        elif widget.strategic_objective is not None:
            ref = widget.strategic_objective.code
        elif widget.service_objective is not None:
            ref = f"{widget.service_objective.service.code} {widget.service_objective.year}"
        else:
            ref = "—"
        out.append(f"{index}. {widget.kind} — {ref} — {widget.title or ''}".rstrip(" —"))
    return out


def _readable(code: str, model: type[M], raw: str | int, actor: Actor) -> M | None:
    """The record ``raw`` names if the actor may read it and it is live, else None."""
    try:
        pk = int(raw)
    except (TypeError, ValueError):
        return None
    if not within_id_range(pk):
        return None
    obj = db.session.get(model, pk)
    artefact = registry.get(code)
    if obj is None or getattr(obj, "archived", False) or not actor.may_read(artefact):
        return None
    return obj if artefact.scope.permits(obj, actor.scope) else None


def _renumber(widgets: list[DashboardWidget]) -> None:
    for index, widget in enumerate(widgets, start=1):
        widget.position = index


def _ordered(dashboard: Dashboard) -> list[DashboardWidget]:
    return sorted(dashboard.widgets, key=lambda w: (w.position, w.id or 0))


def _write(dashboard: Dashboard, actor: Actor, before: list[str], reason: str | None) -> None:
    """Touch the dashboard (new version) and append the history entry."""
    db.session.flush()
    db.session.expire(dashboard, ["widgets"])
    after = describe(list(dashboard.widgets))
    dashboard.updated_at = utcnow()
    db.session.flush()
    history.record(
        "dashboard",
        dashboard.id,
        "update",
        user=actor.user,
        changes={"widgets": [before, after]},
        reason=reason,
    )


def add_widget(
    dashboard: Dashboard, values: WidgetValues, actor: Actor, *, reason: str | None = None
) -> DashboardWidget:
    """Append a widget. ``values``: kind, indicator (id) or objective (``strategic:<id>`` /
    ``service:<id>``), optional title and position (1 = first; default: last)."""
    require_held(registry.get("dashboard"), dashboard, actor)
    errors: list[FieldError] = []
    kind = str(values.get("kind") or "").strip()
    if kind not in WIDGET_KINDS:
        errors.append(
            FieldError(
                "kind",
                _(
                    "« Présentation » : choisissez parmi %(kinds)s.",
                    kinds=", ".join(f"« {label} »" for label in kind_labels().values()),
                ),
            )
        )
    indicator_raw = values.get("indicator") or None
    objective_raw = str(values.get("objective") or "").strip() or None
    indicator: Indicator | None = None
    strategic: StrategicObjective | None = None
    service_objective: ServiceObjective | None = None
    if indicator_raw is not None and objective_raw is not None:
        errors.append(
            FieldError(
                "objective", _("Choisissez soit un indicateur, soit un objectif, pas les deux.")
            )
        )
    elif indicator_raw is not None:
        indicator = _readable("indicator", Indicator, indicator_raw, actor)
        if indicator is None:
            errors.append(
                FieldError(
                    "indicator",
                    _(
                        "« Indicateur » : aucun indicateur accessible n'a l'identifiant %(id)s.",
                        id=indicator_raw,
                    ),
                )
            )
    elif objective_raw is not None:
        family, _sep, pk = objective_raw.partition(":")
        if family == "strategic":
            strategic = _readable("strategic_objective", StrategicObjective, pk, actor)
        elif family == "service":
            service_objective = _readable("service_objective", ServiceObjective, pk, actor)
        if strategic is None and service_objective is None:
            errors.append(
                FieldError(
                    "objective",
                    _(
                        "« Objectif » : aucun objectif accessible ne correspond à « %(value)s ».",
                        value=objective_raw,
                    ),
                )
            )
        elif kind and kind not in OBJECTIVE_KINDS:
            errors.append(
                FieldError(
                    "objective",
                    _(
                        "« Objectif » : une courbe ou un tableau montre un indicateur, "
                        "pas un objectif."
                    ),
                )
            )
    else:
        errors.append(
            FieldError(
                "indicator",
                _("« Indicateur » ou « Objectif » : choisissez ce que le bloc montre."),
            )
        )
    title, title_error = check_text(
        "title", _("Titre"), values.get("title"), max_length=TITLE_MAX, multiline=False
    )
    if title_error is not None:
        errors.append(title_error)
    position = values.get("position")
    if position not in (None, ""):
        try:
            position = int(position)
            if position < 1:
                raise ValueError
        except (TypeError, ValueError):
            errors.append(
                FieldError("position", _("« Position » doit être un nombre entier à partir de 1."))
            )
    if errors:
        raise Invalid(_("Le formulaire contient des erreurs."), errors)
    with unit_of_work():
        widgets = _ordered(dashboard)
        before = describe(widgets)
        widget = DashboardWidget(
            kind=kind,
            title=title
            or (
                indicator.name if indicator is not None else (strategic or service_objective).title  # type: ignore[union-attr]
            ),
            indicator=indicator,
            strategic_objective=strategic,
            service_objective=service_objective,
        )
        index = len(widgets) if position in (None, "") else min(int(position), len(widgets) + 1) - 1
        widgets.insert(index, widget)
        dashboard.widgets.append(widget)
        _renumber(widgets)
        _write(dashboard, actor, before, reason)
    return widget


def _widget_of(dashboard: Dashboard, widget_id: object) -> DashboardWidget:
    for widget in dashboard.widgets:
        if str(widget.id) == str(widget_id):
            return widget
    raise NotFound(_("Ce bloc n'existe pas (ou plus) sur ce tableau de bord."))


def move_widget(
    dashboard: Dashboard,
    widget_id: object,
    direction: str,
    actor: Actor,
    *,
    reason: str | None = None,
) -> None:
    """Move a widget one place ``up`` or ``down`` (at an end, nothing changes)."""
    require_held(registry.get("dashboard"), dashboard, actor)
    if direction not in ("up", "down"):
        raise Invalid(
            _("Le formulaire contient des erreurs."),
            [FieldError("direction", _("« Sens » : « up » (monter) ou « down » (descendre)."))],
        )
    widget = _widget_of(dashboard, widget_id)
    with unit_of_work():
        widgets = _ordered(dashboard)
        index = widgets.index(widget)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(widgets):
            db.session.rollback()
            return
        before = describe(widgets)
        widgets[index], widgets[other] = widgets[other], widgets[index]
        _renumber(widgets)
        _write(dashboard, actor, before, reason)


def remove_widget(
    dashboard: Dashboard, widget_id: object, actor: Actor, *, reason: str | None = None
) -> None:
    """Take a widget off the dashboard (the indicator or objective itself is untouched)."""
    require_held(registry.get("dashboard"), dashboard, actor)
    widget = _widget_of(dashboard, widget_id)
    with unit_of_work():
        widgets = _ordered(dashboard)
        before = describe(widgets)
        widgets.remove(widget)
        dashboard.widgets.remove(widget)
        _renumber(widgets)
        _write(dashboard, actor, before, reason)
