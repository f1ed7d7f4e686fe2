"""Records in a chosen workflow state, built for the workflow engine tests.

The engine tests are generated from ``workflows.tables.WORKFLOWS``, so the records they fire
events on are built from the same tables: a record is created in service S1 through the
command layer, put in the wanted state through the ORM (setup only — the tests then check
that nothing else can write ``state``), and completed so that the guards of the rows leaving
that state hold for the person who will fire them. Each guard name of the tables maps to the
setup that satisfies it (``SATISFY``) or, for the refusal tests, breaks it (``VIOLATE``); a new
guard added to a table without a setup here makes the tests fail on a ``KeyError`` naming it,
instead of silently testing less.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from sqlalchemy import select

from app import registry
from app.extensions import db
from app.models import VigieUser
from tests.conftest import World, unique
from tests.factories import force, new
from workflows.tables import WORKFLOWS, Transition

#: Year of every objective, review and revision built here (targets are set for it).
YEAR = 2031

#: A valid value for each event input the tables declare (``Transition.inputs``).
INPUT_VALUES: dict[str, str] = {"effectiveness": "efficace", "achievement": "atteint"}

#: Someone of S1 who never fires anything in these tests: the owner, author or lead auditor
#: when the rule says it must be somebody else than the actor.
OTHER = "agent_s1_b"


_USER_IDS: dict[str, int] = {}


def user_id(username: str) -> int:
    if username not in _USER_IDS:
        found = db.session.scalar(select(VigieUser.id).where(VigieUser.username == username))
        assert found is not None, username
        _USER_IDS[username] = found
    return _USER_IDS[username]


@dataclass
class Build:
    """What a builder needs: the town, the record, who will act, and where the record lives."""

    world: World
    code: str
    state: str
    actor: str
    service: int
    obj: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def actor_id(self) -> int:
        return user_id(self.actor)

    @property
    def other_id(self) -> int:
        return user_id(self.world.users[OTHER])


# -- base records -------------------------------------------------------------------------------
def base_values(code: str, service: int) -> dict[str, Any]:
    """Valid creation values of a workflow artefact in ``service`` (unique codes and titles)."""
    title = unique(f"WF {code} ")
    values: dict[str, dict[str, Any]] = {
        "service_objective": {"service": service, "year": YEAR, "title": title},
        "audit": {"code": unique("AUD-WF-"), "title": title, "services": [service]},
        "action": {"code": unique("ACT-WF-"), "title": title, "service": service},
        "document": {"code": unique("DOC-WF-"), "title": title, "service": service},
        "revision": {"year": YEAR, "title": title, "services": [service]},
        "management_review": {"year": YEAR, "title": title},
    }
    return values[code]


# -- what each guard name needs -----------------------------------------------------------------
def draft_version(b: Build, author: int | None) -> Any:
    number = len(b.obj.versions) + 1
    return new(
        "document_version",
        {"document": b.obj.id, "number": number, "author": author, "text": "Texte à relire"},
    )


def held_review(b: Build) -> Any:
    """A management review being held, carrying the objective in a proposal."""
    review = new("management_review", {"year": YEAR, "title": unique("Revue tenue ")})
    force(review, state="tenue")
    new(
        "proposal",
        {
            "review": review.id,
            "service": b.obj.service_id,
            "kind": "objectif",
            "title": unique("Proposition "),
            "service_objective": b.obj.id,
        },
    )
    return review


def indicator_with_target(b: Build, period: str = str(YEAR)) -> Any:
    code = unique("IND-WF-")
    indicator = new(
        "indicator",
        {
            "code": code,
            "name": f"Indicateur {code}",
            "owner_service": b.obj.service_id,
            "frequency": "monthly",
            "service_objectives": [b.obj.id],
        },
    )
    new("target", {"indicator": indicator.id, "period": period, "value": 10})
    return indicator


def finding(b: Build, kind: str) -> Any:
    return new(
        "finding",
        {"audit": b.obj.id, "kind": kind, "service": b.service, "description": f"Constat {kind}"},
    )


def action_on(service: int, finding_id: int) -> Any:
    """A corrective action treating a finding."""
    return new(
        "action",
        {
            "code": unique("ACT-NC-"),
            "title": "Action corrective",
            "service": service,
            "finding": finding_id,
        },
    )


def proposal(b: Build, decision: str | None) -> Any:
    made = new(
        "proposal",
        {
            "review": b.obj.id,
            "service": b.service,
            "kind": "organisation",
            "title": unique("Proposition "),
        },
    )
    if decision is not None:
        force(made, decision=decision)
    return made


def _set(name: str, attr: str) -> Callable[[Build], None]:
    def setup(b: Build) -> None:
        force(b.obj, **{name: getattr(b, attr)})

    return setup


def _nonconformity_with_action(b: Build) -> None:
    action_on(b.service, finding(b, "nc_majeure").id)


def _not_head(b: Build) -> None:
    from app.security.scope import headed_services

    assert b.obj.service_id not in headed_services(b.actor_id), (
        "the actor heads the objective's service"
    )


def _not_author(b: Build) -> None:
    force(b.obj, owner_id=b.other_id)
    if not any(v.status == "brouillon" for v in b.obj.versions):
        draft_version(b, b.other_id)


def _indicator_for_year(b: Build) -> None:
    indicator_with_target(b)


def _indicator_for_last_year(b: Build) -> None:
    indicator_with_target(b, str(YEAR - 1))


def _held_review(b: Build) -> None:
    held_review(b)


def _observation(b: Build) -> None:
    finding(b, "observation")


def _bare_nonconformity(b: Build) -> None:
    finding(b, "nc_mineure")


def _draft_by_other(b: Build) -> None:
    draft_version(b, b.other_id)


def _draft_by_actor(b: Build) -> None:
    draft_version(b, b.actor_id)


def _decided_proposal(b: Build) -> None:
    proposal(b, "validee")


def _undecided_proposal(b: Build) -> None:
    proposal(b, None)


def _no_finding_flag(b: Build) -> None:
    force(b.obj, no_finding=False)


def _nothing(b: Build) -> None:
    return None


#: Setup making each named guard or four-eyes rule hold for the actor.
SATISFY: dict[str, Callable[[Build], None]] = {
    "is_lead_auditor": _set("lead_auditor_id", "actor_id"),
    "is_owner": _set("owner_id", "actor_id"),
    "is_approver": _set("approver_id", "actor_id"),
    "has_indicator_with_target": _indicator_for_year,
    "in_open_review": _held_review,
    "findings_or_none": _observation,
    "nonconformities_have_actions": _nonconformity_with_action,
    "has_draft_version": _draft_by_other,
    "all_proposals_decided": _decided_proposal,
    "not_owner": _set("owner_id", "other_id"),
    "not_author": _not_author,
    "not_head": _not_head,
}

#: Setup making each named rule refuse the actor (the rule's own setup is skipped).
VIOLATE: dict[str, Callable[[Build], None]] = {
    # person guards: somebody else is the one named
    "is_lead_auditor": _set("lead_auditor_id", "other_id"),
    "is_owner": _set("owner_id", "other_id"),
    "is_approver": _set("approver_id", "other_id"),
    # state guards: the record is not complete yet
    "has_indicator_with_target": _indicator_for_last_year,
    "in_open_review": _nothing,
    "findings_or_none": _no_finding_flag,
    "nonconformities_have_actions": _bare_nonconformity,
    "has_draft_version": _nothing,
    "all_proposals_decided": _undecided_proposal,
    # four-eyes: the actor is the person the rule excludes
    "not_owner": _set("owner_id", "actor_id"),
    "not_author": _draft_by_actor,
    "not_head": _nothing,  # the caller builds the record in a service the actor heads
}


def _context(b: Build) -> None:
    """What a record in this state has anyway: an approved document has its draft version."""
    if b.code == "document" and b.state in ("en_relecture", "approuve") and not b.obj.versions:
        draft_version(b, b.other_id)


def rules_from(code: str, state: str) -> list[str]:
    """Guard and four-eyes names of every row leaving ``state``, each once, in table order."""
    names: list[str] = []
    for row in WORKFLOWS[code].events_from(state):
        for name in (*row.guards, *((row.four_eyes,) if row.four_eyes else ())):
            if name not in names:
                names.append(name)
    return names


def headed_service(app: Flask, world: World, head: str, parent: str = "POLE-A") -> int:
    """A new service under ``parent`` whose head is ``head`` (for the not-the-head rule)."""
    with app.app_context():
        service = new(
            "service",
            {
                "code": unique("SVC-WF-"),
                "name": "Service dirigé",
                "parent": world.services[parent],
                "head": user_id(head),
            },
        )
        return int(service.id)


def build(
    app: Flask,
    world: World,
    code: str,
    state: str,
    actor: str | None = None,
    *,
    violate: Iterable[str] = (),
    service: int | None = None,
) -> int:
    """A record of ``code`` in ``state``; its id.

    With an ``actor``, every guard and four-eyes rule of the rows leaving ``state`` holds for
    that user — except those named in ``violate``, set up to refuse them. Without one, the
    record is bare (no owner, no lead auditor, nothing attached): enough for refusals that
    come before any guard.
    """
    violate = set(violate)
    with app.app_context():
        target = service if service is not None else world.services["S1"]
        b = Build(world, code, state, actor or "", target)
        b.obj = new(code, base_values(code, target))
        force(b.obj, state=state)
        if actor is not None:
            for name in rules_from(code, state):
                (VIOLATE if name in violate else SATISFY)[name](b)
            unknown = violate - set(rules_from(code, state))
            assert not unknown, f"no rule {unknown} leaves {code}.{state}"
            _context(b)
        return int(b.obj.id)


def payload(row: Transition, **override: Any) -> dict[str, Any]:
    """The JSON body firing ``row``: event, a reason (recorded even when optional), inputs."""
    body: dict[str, Any] = {"event": row.event, "reason": f"Motif du test : {row.event}"}
    body.update({name: INPUT_VALUES[name] for name in row.inputs})
    body.update(override)
    return {k: v for k, v in body.items() if v is not None}


def stored(app: Flask, code: str, record_id: int) -> tuple[str, int]:
    """The record's state and version as committed."""
    with app.app_context():
        obj = db.session.get(registry.get(code).model, record_id)
        assert obj is not None
        return obj.state, obj.version
