"""The demo town (« Ville de Montclar-sur-Lèze »): a deterministic, fictional municipality.

``vigie demo load`` and ``make run`` fill an empty database with it so every screen, role and
workflow can be tried at once: services grouped in pôles, an account per role and a head per
service, the 2020–2026 municipal programme with its axes and strategic objectives, service
objectives for 2024–2026 in every workflow state, and the quality system around them —
processes, ~200 indicators with five years of values and targets fed by ~15 business
applications, documents with real files, risks, certifications, audits and their findings,
actions, revisions, Revues de Direction, surveys, three years of complaints, 22 dashboards and
individual objectives. ``--scale large`` builds a town for benchmarks (≥ 2,000 indicators,
≥ 240,000 values, ≥ 50,000 actions and as many complaints).

Data: the town's words and figures are TOML files in ``demo/data/`` (``town.toml``,
``people.toml``, ``catalogue.toml``, ``quality.toml``, ``reviews.toml``, ``dashboards.toml``),
read at import by :mod:`~demo.datafile` into the frozen records of :mod:`~demo.town`
(organisation and strategy), :mod:`~demo.people` (accounts; ``demo_logins()``),
:mod:`~demo.catalogue` (processes, indicators, business applications),
:mod:`~demo.quality_texts` and :mod:`~demo.review_texts` (risks, documents, findings,
complaints, surveys…) and :mod:`~demo.dashboards`. Builders: :mod:`~demo.loader` (entry
point: organisation and strategy), :mod:`~demo.build` (everything else, in order), one module
per area (:mod:`~demo.processes`, :mod:`~demo.indicators`, :mod:`~demo.quality`,
:mod:`~demo.audits`, :mod:`~demo.actions`, :mod:`~demo.reviews`, :mod:`~demo.complaints`,
:mod:`~demo.dashboards`); helpers :mod:`~demo.values` (plausible series), :mod:`~demo.files`
(small real files), :mod:`~demo.bulk` (bulk inserts and history), :mod:`~demo.context`
(scales, calendar, shared state).

Layers: the demo sits outside the core. It uses ``app`` (models, commands, security), and
nothing in ``app/``, ``views/``, ``reports/`` or ``workflows/`` imports it; the ``vigie``
command line installs it (:mod:`~demo.cli`: the ``vigie demo`` group, the town's name on
reports and the logins ``vigie run`` prints in demo mode).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from demo.loader import database_is_empty, load_demo

__all__ = ["database_is_empty", "load_demo"]


def __getattr__(name: str) -> Any:
    """``demo.load_demo`` and ``demo.database_is_empty``, imported on first use.

    Every ``vigie`` command imports :mod:`demo.cli`, hence this package: importing the loader
    here would read every data file and import every builder for ``vigie db upgrade`` too.
    """
    if name in __all__:
        # on first use only: see the docstring
        from demo import loader

        return getattr(loader, name)
    raise AttributeError(f"module 'demo' has no attribute {name!r}")
