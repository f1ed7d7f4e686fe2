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

Data modules (pure literals): :mod:`~app.demo.town` (organisation and strategy),
:mod:`~app.demo.people` (accounts; ``demo_logins()``), :mod:`~app.demo.catalogue` (processes,
indicators, business applications), :mod:`~app.demo.quality_texts` and
:mod:`~app.demo.review_texts` (risks, documents, findings, complaints, surveys…).
Builders: :mod:`~app.demo.loader` (entry point: organisation and strategy),
:mod:`~app.demo.build` (everything else, in order), one module per area
(:mod:`~app.demo.processes`, :mod:`~app.demo.indicators`, :mod:`~app.demo.quality`,
:mod:`~app.demo.audits`, :mod:`~app.demo.actions`, :mod:`~app.demo.reviews`,
:mod:`~app.demo.complaints`, :mod:`~app.demo.dashboards`); helpers :mod:`~app.demo.values`
(plausible series), :mod:`~app.demo.files` (small real files), :mod:`~app.demo.bulk`
(bulk inserts and history), :mod:`~app.demo.context` (scales, calendar, shared state).
"""

from app.demo.loader import database_is_empty, load_demo

__all__ = ["database_is_empty", "load_demo"]
