"""The home page: what awaits the person now, by role, each count a link to its list.

Every count is the number of rows of the list it links to, computed by that list's own
filter within the person's scope: a worklist (:mod:`app.registry.worklists`, opened with
``?liste=``), the collection health page's overdue values (:func:`app.indicators.health.
overdue_for`), the mail queue's failed mails, the failed jobs of « Mes travaux ». So the
number read here is the number of rows found there. Counts that need nothing are listed
under « À jour » with a sentence saying so, and the page never says « nothing awaits you »
while something does.

The page costs a fixed number of queries whatever the data: one count per tile (the overdue
values: the indicators and their latest values, two queries), the score trend two roll-ups.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import url_for
from flask_appbuilder import IndexView, expose
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from app import dashboards, notifications, periods, registry
from app.extensions import db
from app.indicators import health
from app.indicators.rollup import Node, strategy_map, weighted
from app.models import ManagementReview, SourceApplication
from app.programmes import default_programme_id
from app.registry import worklists
from app.registry.worklists import Worklist
from app.security.actor import Actor
from app.security.roles import (
    ADMIN,
    AGENT,
    AUDITOR,
    EXECUTIVE,
    OFFICIAL,
    QUALITY,
    SERVICE_HEAD,
    role_label,
)
from views.health import APPS_ARG, FAILING, MINE, MINE_ARG, entry_month
from views.jobs import failed_jobs
from views.notifications import FAILED
from workflows.tasks import task_worklists
from workflows.worklists import LATE_ACTIONS, OPEN_ACTIONS, PROPOSALS_TO_ARBITRATE


@dataclass(frozen=True)
class Tile:
    """One count of the home page: what it counts, where its list is, what to do."""

    key: str
    label: str
    count: int
    link: str
    todo: str  # what to do when the count is not zero
    done: str  # the sentence shown when it is
    urgent: bool = False
    action_label: str | None = None
    action_link: str | None = None
    step: bool = False  # a workflow step's to-dos and the like: not listed when none wait


@dataclass(frozen=True)
class Trend:
    """A score now and a month before (either may be missing), and the map to read it on."""

    label: str
    score: float | None
    previous: float | None
    month: str
    previous_month: str
    link: str

    @property
    def percent(self) -> int | None:
        return None if self.score is None else round(self.score * 100)

    @property
    def delta(self) -> float | None:
        if self.score is None or self.previous is None:
            return None
        return round((self.score - self.previous) * 100, 1)


def _worklist_tile(worklist: Worklist, actor: Actor, todo: str, done: str, **extra: Any) -> Tile:
    return Tile(
        f"{worklist.artefact}:{worklist.name}",
        str(worklist.label),
        worklists.count(worklist, actor),
        worklist.path,
        todo,
        done,
        **extra,
    )


def _late_values_tile(actor: Actor, own_services: bool) -> Tile:
    overdue, _watched = health.overdue_for(actor)
    return Tile(
        "health:overdue",
        _("Valeurs en retard dans vos services") if own_services else _("Valeurs en retard"),
        len(overdue),
        url_for("CollectionHealthView.overview") + "#overdue-title",
        _("Relancez leurs responsables : chaque ligne dit qui doit la saisir."),
        _("Toutes les valeurs dues sont arrivées."),
        urgent=True,
    )


def _values_to_enter_tile(actor: Actor, *, quiet: bool = False) -> Tile:
    overdue, _watched = health.overdue_for(actor, mine=True)
    # « Saisir » opens the entry sheet where the most overdue of them is typed
    first = overdue[0] if overdue else None
    entry = (
        url_for(
            "MeasurementEntryView.sheet",
            service=first.indicator.owner_service_id,
            month=entry_month(first.expected),
        )
        if first is not None
        else url_for("MeasurementEntryView.sheet")
    )
    return Tile(
        "health:mine",
        _("Valeurs à saisir sur vos indicateurs"),
        len(overdue),
        f"{url_for('CollectionHealthView.overview')}?{MINE_ARG}={MINE}",
        _("Saisissez-les dans l'écran de saisie : une ligne par indicateur, tout en une fois."),
        _("Toutes vos valeurs dues sont saisies."),
        urgent=True,
        action_label=_("Saisir"),
        action_link=entry,
        step=quiet,
    )


def _failing_apps_tile(actor: Actor) -> Tile:
    rule = registry.get("source_application").scope
    rows = health.applications(rule.clause(SourceApplication, actor.scope), failing=True)
    return Tile(
        "health:applications",
        _("Applications métier muettes ou en retard"),
        len(rows),
        f"{url_for('CollectionHealthView.overview')}?{APPS_ARG}={FAILING}",
        _("Vérifiez leurs envois avec leur service propriétaire."),
        _("Toutes les applications métier envoient leurs données à temps."),
    )


def _failed_mails_tile() -> Tile:
    return Tile(
        "mail:failed",
        _("Courriels en échec"),
        notifications.unsent_count(failed_only=True),
        url_for("MailQueueView.list", etat=FAILED),
        _("Vérifiez l'adresse du destinataire ou le serveur de messagerie, puis renvoyez-les."),
        _("Aucun courriel en échec."),
        urgent=True,
    )


def _failed_jobs_tile(actor: Actor) -> Tile:
    return Tile(
        "jobs:failed",
        _("Travaux en échec"),
        len(failed_jobs(actor)),
        url_for("JobsView.list", etat=FAILED),
        _("Lisez l'erreur de chacun, puis relancez-le."),
        _("Aucun travail en échec."),
    )


def _held_review() -> ManagementReview | None:
    """The management review being held (the latest one), where proposals are arbitrated."""
    stmt = (
        select(ManagementReview)
        .where(ManagementReview.state == "tenue", ManagementReview.archived.is_(False))
        .order_by(ManagementReview.held_on.desc().nulls_last(), ManagementReview.id.desc())
        .limit(1)
    )
    return db.session.scalars(stmt).first()


def _proposals_tile(actor: Actor) -> Tile:
    review = _held_review()
    return _worklist_tile(
        PROPOSALS_TO_ARBITRATE,
        actor,
        _("Arbitrez-les en séance : valider, amender, rejeter ou reporter, avec un motif."),
        _("Aucune proposition n'attend votre arbitrage."),
        urgent=True,
        action_label=_("Ouvrir la séance") if review is not None else None,
        action_link=(
            url_for("ReviewMeetingView.meeting", review_id=review.id)
            if review is not None
            else None
        ),
    )


def _action_tiles(actor: Actor) -> list[Tile]:
    return [
        _worklist_tile(
            LATE_ACTIONS,
            actor,
            _("Relancez leurs responsables ou replanifiez-les."),
            _("Aucune action en retard."),
            urgent=True,
        ),
        _worklist_tile(
            OPEN_ACTIONS,
            actor,
            _("Suivez leur avancement et vérifiez celles qui sont réalisées."),
            _("Aucune action ouverte."),
        ),
    ]


def _task_tiles(actor: Actor) -> list[Tile]:
    """The workflow to-dos (documents to approve, audits to run…), as on « Mes tâches »."""
    return [
        _worklist_tile(
            worklist,
            actor,
            _("Étape à franchir : %(events)s.", events=", ".join(events)),
            "",
            step=True,
        )
        for worklist, events in task_worklists(actor)
    ]


def _service_nodes(node: Node) -> list[Node]:
    """The service objectives the reader reaches (the map cuts the others to reserved)."""
    if node.kind == "service_objective":
        return [] if node.reserved else [node]
    return [found for child in node.children for found in _service_nodes(child)]


def score_trend(actor: Actor, today: date | None = None) -> Trend | None:
    """The score of the person's service objectives (the programme's, for whole-town
    readers) for last month and the month before, read on the strategy map."""
    programme_id = default_programme_id()
    if programme_id is None:
        return None
    month = periods.containing(today or date.today(), periods.MONTHLY).previous()
    before = month.previous()
    scope = actor.scope.service_ids
    scores = []
    for period in (month, before):
        result = strategy_map(programme_id, period.code, today, reader=actor)
        if result is None:
            return None
        if scope is None:
            scores.append(result.programme.score)
        else:
            scores.append(weighted(_service_nodes(result.programme))[0])

    def month_name(period: periods.Period) -> str:
        return format_date(period.start, "MMMM yyyy")

    return Trend(
        _("Score des objectifs de vos services") if scope is not None else _("Score du programme"),
        scores[0],
        scores[1],
        month_name(month),
        month_name(before),
        url_for("StrategyMapView.show", programme_id=programme_id, period=month.code),
    )


def tiles_for(actor: Actor) -> list[Tile]:
    """The counts of the person's home page, by role (a person with two roles gets both)."""
    roles = actor.scope.roles
    tiles: list[Tile] = []
    if OFFICIAL in roles:
        tiles.append(_proposals_tile(actor))
    if AGENT in roles:
        tiles.append(_values_to_enter_tile(actor))
    elif SERVICE_HEAD in roles:  # a head types some values too: said only when some are due
        tiles.append(_values_to_enter_tile(actor, quiet=True))
    if roles & {SERVICE_HEAD, EXECUTIVE, QUALITY, ADMIN}:
        tiles.append(_late_values_tile(actor, own_services=not actor.scope.all_services))
    if roles & {SERVICE_HEAD, EXECUTIVE}:
        tiles.extend(_action_tiles(actor))
    if roles & {QUALITY, ADMIN}:
        tiles.append(_failing_apps_tile(actor))
    if ADMIN in roles:
        tiles.append(_failed_mails_tile())
    if roles & {QUALITY, ADMIN}:
        tiles.append(_failed_jobs_tile(actor))
    tiles.extend(_task_tiles(actor))
    return list({tile.key: tile for tile in tiles}.values())  # one tile per list


#: What the page says when nothing awaits, by role (the first of the person's roles).
EMPTY = (
    (
        OFFICIAL,
        _l(
            "Aucune proposition n'attend votre arbitrage. La carte stratégique montre où en "
            "est le programme."
        ),
    ),
    (
        EXECUTIVE,
        _l("Rien n'attend votre décision. La carte stratégique montre où en est le programme."),
    ),
    (
        SERVICE_HEAD,
        _l(
            "Vos services sont à jour : valeurs arrivées, aucune action en retard, aucune "
            "étape en attente."
        ),
    ),
    (AGENT, _l("Toutes vos valeurs sont saisies et aucune étape ne vous attend.")),
    (QUALITY, _l("La collecte est à jour et aucune étape du système qualité ne vous attend.")),
    (AUDITOR, _l("Aucun audit ni constat n'attend votre intervention.")),
    (ADMIN, _l("La collecte, les courriels et les travaux en arrière-plan sont en ordre.")),
)


def empty_sentence(roles: frozenset[str]) -> str:
    for role, sentence in EMPTY:
        if role in roles:
            return str(sentence)
    return _("Rien ne vous attend pour l'instant.")


class VigieIndexView(IndexView):
    """Landing page after login, the same address for every role: what to do now."""

    index_template = "vigie/index.html"

    @expose("/")
    def index(self) -> Any:
        if not (current_user and current_user.is_authenticated):
            return self.render_template(self.index_template, signed_in=False)
        actor = Actor.current()
        roles = actor.scope.roles
        tiles = tiles_for(actor)
        waiting = sorted((t for t in tiles if t.count), key=lambda t: (not t.urgent, t.label))
        trend = score_trend(actor) if roles & {SERVICE_HEAD, EXECUTIVE, OFFICIAL} else None
        return self.render_template(
            self.index_template,
            signed_in=True,
            roles=[role_label(r.name) for r in current_user.roles],
            services=sorted(getattr(current_user, "services", []), key=lambda s: s.code),
            waiting=waiting,
            # a workflow step with nothing waiting is no news: only the role's own counts
            # say « à jour »
            settled=[t for t in tiles if not t.count and not t.step],
            empty=empty_sentence(roles),
            trend=trend,
            map_link=(url_for("StrategyMapView.index") if roles & {OFFICIAL, EXECUTIVE} else None),
            my_dashboards=dashboards.addressed_to(actor),
        )
