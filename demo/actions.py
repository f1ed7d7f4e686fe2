"""The action plan: every action of the town, whatever record it comes from, in one writer.

Audits, risks, reviews, surveys, revisions and complaints each ask :class:`ActionWriter` for
their actions; agents' improvement suggestions fill the rest (tens of thousands in the large
town). Actions are written with Core in one go, so their stored ``days_to_close`` is computed
here as ``Action.refresh_computed`` would.

A state follows the action's age, the way a real action plan looks: old actions are mostly
verified (or cancelled), recent ones still to do or in progress — and some open actions are
past their due date, which the action plan shows as late. A verified action records its
effectiveness, checked by the quality cell or an auditor, never by its owner.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from app.models import Action, VigieUser
from demo.bulk import insert_rows
from demo.context import DemoContext
from demo.review_texts import SUGGESTIONS

_STATES = ("a_faire", "en_cours", "realisee", "verifiee", "annulee")
#: Weights of (a_faire, en_cours, realisee, verifiee, annulee) by age of the action: an action
#: completed long ago is verified by now, a few old ones drag on (late).
_STATE_WEIGHTS = {
    "old": (0.02, 0.05, 0.03, 0.8, 0.1),
    "middle": (0.05, 0.25, 0.2, 0.42, 0.08),
    "recent": (0.32, 0.45, 0.15, 0.05, 0.03),
}
_EFFECTIVENESS = (("efficace", 0.7), ("partielle", 0.2), ("inefficace", 0.1))
_CHECKERS = ("qualite", "auditeur", "auditeur2")
_DESCRIPTIONS = {
    "audit": "Action décidée pour répondre au constat d'audit.",
    "revue": "Action décidée en revue de direction.",
    "reclamation": "Action corrective ouverte à la suite d'une réclamation fondée.",
    "risque": "Action de maîtrise du risque inscrite à la fiche de maîtrise des risques.",
    "enquete": "Action d'amélioration issue des résultats de l'enquête de satisfaction.",
    "revision": "Action issue de la révision périodique.",
    "suggestion": "Suggestion d'amélioration proposée par un agent du service.",
}


@dataclass
class ActionSpec:
    """An action to write; links are ORM records already flushed (or None)."""

    title: str
    origin: str
    kind: str
    service: str
    opened_on: date
    state: str | None = None
    finding: Any = None
    risk: Any = None
    management_review: Any = None
    revision: Any = None
    survey: Any = None


class ActionWriter:
    """Collects action specs and writes them; :meth:`flush` returns their ids in order."""

    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng("actions")
        self.specs: list[ActionSpec] = []
        self._numbers: Counter[int] = Counter()
        self._owners = {code: ctx.members(code) for code in ctx.services}
        self._checkers = [ctx.users[name] for name in _CHECKERS]
        self.states: Counter[str] = Counter()
        #: Display string (``code — title``) of every written action, by id.
        self.labels: dict[int, str] = {}

    def add(self, spec: ActionSpec) -> int:
        """Queue an action; returns its index in the next :meth:`flush` result."""
        self.specs.append(spec)
        return len(self.specs) - 1

    def add_suggestions(self, count: int) -> None:
        services = [code for code, s in self.ctx.services.items() if s.parent is not None]
        rng = self.ctx.rng("suggestions")
        for _ in range(count):
            opened = self.ctx.days_ago(rng.randint(1, 3 * 365))
            self.add(
                ActionSpec(
                    rng.choice(SUGGESTIONS),
                    "suggestion",
                    rng.choice(("amelioration", "amelioration", "preventive")),
                    rng.choice(services),
                    opened,
                )
            )

    def flush(self) -> list[int]:
        rows, fields = [], []
        for spec in self.specs:
            row, field = self._row(spec)
            rows.append(row)
            fields.append(field)
        ids = insert_rows(Action, rows)
        for action_id, row in zip(ids, rows, strict=True):
            self.labels[action_id] = f"{row['code']} — {row['title']}"
        self.ctx.history.rows("action", ids, fields)
        self.ctx.counts["actions"] += len(ids)
        self.specs = []
        return ids

    # ---------------------------------------------------------------------------------------
    def _row(self, spec: ActionSpec) -> tuple[dict[str, Any], dict[str, Any]]:
        rng, today = self.rng, self.ctx.today
        opened = min(spec.opened_on, today)
        due = opened + timedelta(days=rng.choice((30, 45, 60, 90, 120, 180)))
        state = spec.state or self._state(opened)
        self.states[state] += 1
        owners = self._owners[spec.service]
        owner = owners[-1] if rng.random() < 0.7 else owners[0]
        completed = checked_at = None
        effectiveness = None
        checker: VigieUser | None = None
        progress = {"a_faire": 0, "realisee": 100, "verifiee": 100}.get(state)
        if progress is None:
            progress = (
                rng.randrange(10, 100, 10) if state == "en_cours" else rng.randrange(0, 70, 10)
            )
        if state in ("realisee", "verifiee"):
            span = max((due - opened).days, 1)
            completed = min(
                opened + timedelta(days=int(span * rng.uniform(0.4, 1.3))),
                today - timedelta(days=1),
            )
            completed = max(completed, opened)
        if state == "verifiee" and completed is not None:
            effectiveness = rng.choices(
                [e for e, _ in _EFFECTIVENESS], [w for _, w in _EFFECTIVENESS]
            )[0]
            checker = rng.choice([u for u in self._checkers if u.id != owner.id])
            checked_day = min(completed + timedelta(days=rng.randint(20, 90)), today)
            checked_at = self.ctx.at(checked_day, rng.randint(8, 17))
        code = self._code(opened.year)
        description = _DESCRIPTIONS[spec.origin]
        row = {
            "code": code,
            "title": spec.title[:300],
            "description": description,
            "origin": spec.origin,
            "kind": spec.kind,
            "service_id": self.ctx.services[spec.service].id,
            "owner_id": owner.id,
            "opened_on": opened,
            "due_date": due,
            "progress": progress,
            "completed_on": completed,
            "days_to_close": (completed - opened).days if completed else None,
            "effectiveness": effectiveness,
            "effectiveness_checked_by_id": checker.id if checker else None,
            "effectiveness_checked_at": checked_at,
            "finding_id": _id(spec.finding),
            "risk_id": _id(spec.risk),
            "management_review_id": _id(spec.management_review),
            "revision_id": _id(spec.revision),
            "survey_id": _id(spec.survey),
            "state": state,
        }
        field = {
            "code": code,
            "title": row["title"],
            "description": description,
            "origin": spec.origin,
            "kind": spec.kind,
            "service": str(self.ctx.services[spec.service]),
            "owner": str(owner),
            "opened_on": opened,
            "due_date": due,
            "progress": progress,
            "finding": _label(spec.finding),
            "risk": _label(spec.risk),
            "management_review": _label(spec.management_review),
            "revision": _label(spec.revision),
            "survey": _label(spec.survey),
            "state": state,
        }
        return row, field

    def _state(self, opened: date) -> str:
        age = (self.ctx.today - opened).days
        bucket = "old" if age > 365 else "middle" if age > 120 else "recent"
        return self.rng.choices(_STATES, _STATE_WEIGHTS[bucket])[0]

    def _code(self, year: int) -> str:
        self._numbers[year] += 1
        return f"ACT-{year}-{self._numbers[year]:05d}"


def _id(record: Any) -> int | None:
    return None if record is None else int(record.id)


def _label(record: Any) -> str | None:
    return None if record is None else str(record)


def random_day(rng: random.Random, start: date, end: date) -> date:
    """A day between ``start`` and ``end`` inclusive."""
    return start + timedelta(days=rng.randint(0, max((end - start).days, 0)))
