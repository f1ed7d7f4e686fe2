"""The fictional town of Montclar-sur-Lèze: its organisation chart and municipal programme.

The data is in ``demo/data/town.toml``; this module reads it once, at import, into frozen
dataclasses the loader turns into rows. A fixed town makes the demo deterministic (same
names and codes on every load) and lets tests import the expected codes instead of
repeating them.
"""

from __future__ import annotations

from dataclasses import dataclass

from demo.datafile import DataFileError, Fields, read


# ------------------------------------------------------------------------------- organisation
@dataclass(frozen=True)
class ServiceDef:
    """A service of the demo town; ``parent`` is the code of its pôle (None for a pôle)."""

    code: str
    name: str
    parent: str | None = None


# ---------------------------------------------------------------------------------- programme
@dataclass(frozen=True)
class ProgrammeDef:
    """The elected team's programme for the mandate."""

    title: str
    start_year: int
    end_year: int
    status: str
    description: str


@dataclass(frozen=True)
class AxisDef:
    """A strategic axis with its referent officials (usernames of demo accounts)."""

    code: str
    title: str
    description: str
    referents: tuple[str, ...]


@dataclass(frozen=True)
class StrategicObjectiveDef:
    """A strategic objective: its axis comes from its code (``A2.3`` belongs to ``A2``)."""

    code: str
    title: str
    description: str
    owner: str
    services: tuple[str, ...]
    weight: float = 1.0

    @property
    def axis_code(self) -> str:
        return self.code.split(".", 1)[0]


# ------------------------------------------------------------------------- service objectives
@dataclass(frozen=True)
class ObjectiveDef:
    """One service objective theme, declined over one or more years.

    ``years`` maps a year to the objective's state that year: the same theme renewed each
    year is how the annual revision really looks (seed: *révision annuelle des objectifs*).
    ``strategic`` is None for a pure service-policy objective (*organiser la politique de
    service*). ``{year}`` in ``expected_result`` is replaced by the year.
    """

    service: str
    strategic: str | None
    title: str
    description: str
    expected_result: str
    years: tuple[tuple[int, str], ...]
    weight: float = 1.0


# ------------------------------------------------------------------------------------ reading
@dataclass(frozen=True)
class TownDef:
    """Everything ``town.toml`` holds."""

    name: str
    email_domain: str
    history_reason: str
    services: tuple[ServiceDef, ...]
    programme: ProgrammeDef
    axes: tuple[AxisDef, ...]
    strategic_objectives: tuple[StrategicObjectiveDef, ...]
    service_objectives: tuple[ObjectiveDef, ...]


def _town(f: Fields) -> TownDef:
    return TownDef(
        name=f.text("name"),
        email_domain=f.text("email_domain"),
        history_reason=f.text("history_reason"),
        services=f.records("services", _service),
        programme=f.record("programme", _programme),
        axes=f.records("axis", _axis),
        strategic_objectives=f.records("strategic_objective", _strategic_objective),
        service_objectives=f.records("service_objective", _service_objective),
    )


def _service(f: Fields) -> ServiceDef:
    return ServiceDef(f.text("code"), f.text("name"), f.optional_text("parent"))


def _programme(f: Fields) -> ProgrammeDef:
    return ProgrammeDef(
        title=f.text("title"),
        start_year=f.whole("start_year"),
        end_year=f.whole("end_year"),
        status=f.text("status"),
        description=f.text("description"),
    )


def _axis(f: Fields) -> AxisDef:
    return AxisDef(f.text("code"), f.text("title"), f.text("description"), f.texts("referents"))


def _strategic_objective(f: Fields) -> StrategicObjectiveDef:
    return StrategicObjectiveDef(
        code=f.text("code"),
        title=f.text("title"),
        description=f.text("description"),
        owner=f.text("owner"),
        services=f.texts("services"),
        weight=f.number("weight", 1.0),
    )


def _service_objective(f: Fields) -> ObjectiveDef:
    states = f.mapping("years", lambda years, year: years.text(year))
    return ObjectiveDef(
        service=f.text("service"),
        strategic=f.optional_text("strategic"),
        title=f.text("title"),
        description=f.text("description"),
        expected_result=f.text("expected_result"),
        years=tuple((_year(year), state) for year, state in states.items()),
        weight=f.number("weight", 1.0),
    )


def _year(key: str) -> int:
    """A year written as a TOML key (``{ 2025 = "actif" }``): keys are always strings."""
    if not key.isdigit():
        raise DataFileError(f"town.toml service_objective years : année attendue, trouvé {key!r}")
    return int(key)


_TOWN = read("town", _town)

TOWN_NAME = _TOWN.name
EMAIL_DOMAIN = _TOWN.email_domain
HISTORY_REASON = _TOWN.history_reason

#: Pôles first (a pôle is a service with children), then the services, grouped by pôle.
SERVICES: tuple[ServiceDef, ...] = _TOWN.services
SERVICE_NAMES: dict[str, str] = {s.code: s.name for s in SERVICES}
POLE_CODES: tuple[str, ...] = tuple(s.code for s in SERVICES if s.parent is None)

PROGRAMME: ProgrammeDef = _TOWN.programme
AXES: tuple[AxisDef, ...] = _TOWN.axes
STRATEGIC_OBJECTIVES: tuple[StrategicObjectiveDef, ...] = _TOWN.strategic_objectives

#: 2024 is closed (mostly ``clos``), 2025 running (``actif``, some closed early), 2026 in
#: preparation for the Revue de Direction (every pre-validation state appears).
SERVICE_OBJECTIVES: tuple[ObjectiveDef, ...] = _TOWN.service_objectives
