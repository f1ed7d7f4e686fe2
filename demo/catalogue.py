"""The demo town's processes, their indicators and the business applications that feed them.

The data is in ``demo/data/catalogue.toml`` (its header comments say what each field means);
this module reads it at import into the frozen dataclasses below and derives the codes. Each
service lists its processes (fiche d'identité processus) and, under each, the indicators that
follow it (fiche indicateur). An indicator's ``objective`` is the start of the title of the
service objective it measures (:data:`demo.town.SERVICE_OBJECTIVES`); its ``formula`` names
other indicators of the same service as ``{n}`` (its n-th indicator), which the loader turns
into codes such as ``VOI-002``.

Indicator codes are ``<prefix>-<nnn>`` in declaration order, process codes ``<prefix>-Pnn``;
the data file repeats them for its readers, and reading checks they match.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from demo.datafile import DataFileError, Fields, read

INCREASE, DECREASE, BAND = "increase", "decrease", "band"
M, Q, Y = "monthly", "quarterly", "yearly"
SUM, MEAN, LAST = "sum", "mean", "last"
#: How an indicator gets its values; ``manual`` when the data file says nothing.
MODES = ("manual", "api", "import", "calculated")


@dataclass(frozen=True)
class SourceApplicationDef:
    """A business application; ``health`` is the state its last push leaves it in today."""

    code: str
    name: str
    description: str
    vendor: str
    service: str
    frequency: str
    health: str
    account: str


@dataclass(frozen=True)
class IndicatorDef:
    """A fiche indicateur: what the value generator needs to draw plausible values.

    ``level`` is the typical value of one period in the current year (the yearly target of a
    ``sum`` indicator is this level times the periods of a year); ``band`` the [low, high]
    range of a band indicator; ``season`` its seasonal profile (:data:`demo.values.SEASONS`).
    """

    name: str
    unit: str
    direction: str
    frequency: str
    aggregation: str
    level: float
    mode: str = "manual"
    app: str | None = None
    objective: str | None = None
    formula: str | None = None
    band: tuple[float, float] | None = None
    season: str | None = None


@dataclass(frozen=True)
class ProcessDef:
    """A fiche d'identité processus and the indicators that follow the process."""

    name: str
    kind: str
    purpose: str
    indicators: tuple[IndicatorDef, ...]


@dataclass(frozen=True)
class ServiceCatalogue:
    """A service's processes; ``prefix`` starts its indicator and process codes."""

    service: str
    prefix: str
    beneficiaries: str
    requirements: str
    processes: tuple[ProcessDef, ...]


def indicator_code(prefix: str, number: int) -> str:
    """The code of a service's ``number``-th indicator (1-based): ``VOI-003``."""
    return f"{prefix}-{number:03d}"


def process_code(prefix: str, position: int) -> str:
    """The code of a service's process at ``position`` (1-based): ``VOI-P01``."""
    return f"{prefix}-P{position:02d}"


# ------------------------------------------------------------------------------------ reading
def _application(f: Fields) -> SourceApplicationDef:
    return SourceApplicationDef(
        code=f.text("code"),
        name=f.text("name"),
        description=f.text("description"),
        vendor=f.text("vendor"),
        service=f.text("service"),
        frequency=f.text("frequency"),
        health=f.text("health"),
        account=f.text("account"),
    )


def _service(f: Fields) -> ServiceCatalogue:
    """A service; the codes its file gives must be the ones its declaration order makes.

    Codes are derived from positions (:func:`indicator_entries`), as they always were; the
    file repeats them so that a reader finds ``VOI-003`` and an insertion shows every code it
    shifts. A code out of step fails here rather than silently renaming an indicator.
    """
    prefix = f.text("prefix")
    processes = f.records("process", _process)
    number = 0
    for position, (code, _process_def, indicator_codes) in enumerate(processes, start=1):
        _expect_code(code, process_code(prefix, position))
        for indicator in indicator_codes:
            number += 1
            _expect_code(indicator, indicator_code(prefix, number))
    return ServiceCatalogue(
        service=f.text("code"),
        prefix=prefix,
        beneficiaries=f.text("beneficiaries"),
        requirements=f.text("requirements"),
        processes=tuple(process for _code, process, _codes in processes),
    )


def _expect_code(written: str, derived: str) -> None:
    if written != derived:
        raise DataFileError(
            f"catalogue.toml : code {written} écrit là où l'ordre des déclarations donne {derived}"
        )


def _process(f: Fields) -> tuple[str, ProcessDef, tuple[str, ...]]:
    """(code as written, process, codes of its indicators as written)."""
    indicators = f.records("indicator", lambda g: (g.text("code"), _indicator(g)))
    process = ProcessDef(
        name=f.text("name"),
        kind=f.text("kind"),
        purpose=f.text("purpose"),
        indicators=tuple(indicator for _code, indicator in indicators),
    )
    return f.text("code"), process, tuple(code for code, _indicator_def in indicators)


def _indicator(f: Fields) -> IndicatorDef:
    """An indicator; ``app`` comes with mode « api » and ``formula`` with « calculated »."""
    mode = f.optional_text("mode") or "manual"
    app, formula = f.optional_text("app"), f.optional_text("formula")
    name = f.text("name")
    if mode not in MODES or (app is not None) != (mode == "api"):
        raise DataFileError(f"catalogue.toml « {name} » : mode {mode} et app {app} incohérents")
    if (formula is not None) != (mode == "calculated"):
        raise DataFileError(f"catalogue.toml « {name} » : mode {mode} et formule incohérents")
    band = f.numbers("band") if "band" in f else None
    if band is not None and len(band) != 2:
        raise DataFileError(f"catalogue.toml « {name} » : band attend [bas, haut]")
    return IndicatorDef(
        name=name,
        unit=f.text("unit"),
        direction=f.text("direction"),
        frequency=f.text("frequency"),
        aggregation=f.text("aggregation"),
        level=f.number("level"),
        mode=mode,
        app=app,
        objective=f.optional_text("objective"),
        formula=formula,
        band=(band[0], band[1]) if band is not None else None,
        season=f.optional_text("season"),
    )


@dataclass(frozen=True)
class _CatalogueFile:
    quartiers: tuple[str, ...]
    applications: tuple[SourceApplicationDef, ...]
    services: tuple[ServiceCatalogue, ...]


_FILE = read(
    "catalogue",
    lambda f: _CatalogueFile(
        quartiers=f.texts("quartiers"),
        applications=f.records("application", _application),
        services=f.records("service", _service),
    ),
)

#: Business applications that push values through the API.
SOURCE_APPLICATIONS: tuple[SourceApplicationDef, ...] = _FILE.applications
CATALOGUE: tuple[ServiceCatalogue, ...] = _FILE.services
CATALOGUE_BY_SERVICE: dict[str, ServiceCatalogue] = {c.service: c for c in CATALOGUE}
#: Quartiers of the large town: each follows its own copy of the operational indicators.
QUARTIERS: tuple[str, ...] = _FILE.quartiers


def indicator_entries() -> Iterator[tuple[str, ServiceCatalogue, int, IndicatorDef]]:
    """(code, service entry, process position, definition) of every catalogue indicator."""
    for entry in CATALOGUE:
        number = 0
        for position, process in enumerate(entry.processes, start=1):
            for spec in process.indicators:
                number += 1
                yield indicator_code(entry.prefix, number), entry, position, spec


def process_of(service: str, objective_title: str) -> str:
    """Code of the process whose first indicator measures this service objective."""
    for _code, entry, position, spec in indicator_entries():
        if (
            entry.service == service
            and spec.objective
            and objective_title.startswith(spec.objective)
        ):
            return process_code(entry.prefix, position)
    raise KeyError(f"{service} : aucun indicateur ne mesure « {objective_title} »")


def resolve_formula(prefix: str, formula: str) -> str:
    """A catalogue formula with its ``{n}`` replaced by the service's indicator codes."""
    return re.sub(r"\{(\d+)\}", lambda m: f"{prefix}-{int(m.group(1)):03d}", formula)
