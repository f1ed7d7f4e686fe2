"""What every step of the demo load shares: the scale, the calendar, the records built so far.

Each builder module (indicators, quality, audits, actions, reviews, dashboards) takes the
:class:`DemoContext`, reads the records earlier steps created (services, accounts,
indicators…) and adds its own. Randomness is per step (:meth:`DemoContext.rng`): a step's
draws do not depend on how many draws another step made, so editing one part of the town
leaves the others identical — and two loads on the same day give the same town.

The town lives in time: values run up to the last completed period before *today*, actions
are late relative to *today*. Only the strategy (programme, service objectives and the
management reviews that arbitrate them) keeps the fixed years of :mod:`demo.town`.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from app.models import (
    Indicator,
    Process,
    Service,
    ServiceObjective,
    StrategicObjective,
    VigieUser,
)
from demo.bulk import HistoryWriter

SEED = "montclar-sur-leze"


@dataclass(frozen=True)
class Scale:
    """How big the town is: ``small`` for trying every screen, ``large`` for benchmarks."""

    name: str
    #: Years of indicator values, the current one included.
    history_years: int
    #: Quartiers whose own copy of every operational indicator is followed (0: none).
    quartiers: int
    complaints_per_year: int
    #: Improvement suggestions from agents, on top of the actions other records originate.
    suggestions: int


SCALES: dict[str, Scale] = {
    "small": Scale(
        "small", history_years=5, quartiers=0, complaints_per_year=3000, suggestions=120
    ),
    "large": Scale(
        "large", history_years=12, quartiers=16, complaints_per_year=25000, suggestions=50000
    ),
}


@dataclass
class DemoContext:
    """The load in progress: scale, calendar, records by code, history and counts."""

    scale: Scale
    today: date
    history: HistoryWriter
    services: dict[str, Service]
    users: dict[str, VigieUser]
    strategic: dict[str, StrategicObjective]
    objectives: list[ServiceObjective]
    processes: dict[str, Process] = field(default_factory=dict)
    indicators: dict[str, Indicator] = field(default_factory=dict)
    #: Ids of records written with Core, by kind (``"action"`` → list of ids, …).
    ids: dict[str, Any] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)

    def rng(self, step: str) -> random.Random:
        """A random generator of its own for one step of the load."""
        return random.Random(f"{SEED}/{self.scale.name}/{step}")

    @property
    def first_year(self) -> int:
        return self.today.year - self.scale.history_years + 1

    def at(self, day: date, hour: int = 9, minute: int = 0) -> datetime:
        """A UTC timestamp on ``day`` (history and entry times are stored in UTC)."""
        return datetime.combine(day, time(hour, minute), tzinfo=UTC)

    def days_ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def head_of(self, service_code: str) -> VigieUser:
        """The head of a service (every demo service has one)."""
        head = self.services[service_code].head
        assert head is not None, service_code
        return head

    def members(self, service_code: str) -> list[VigieUser]:
        """Agents and head of a service, head first (deterministic order)."""
        service = self.services[service_code]
        head = self.head_of(service_code)
        others = sorted((u for u in service.members if u.id != head.id), key=lambda u: u.id)
        return [head, *others]

    def objectives_of(self, service_code: str, year: int | None = None) -> list[ServiceObjective]:
        return [
            o
            for o in self.objectives
            if o.service.code == service_code and (year is None or o.year == year)
        ]
