"""Loading the demo town into an empty database.

The loader writes straight through the session rather than through the generic record
commands: the demo is a bulk, system-made load (one ``add_all`` and one flush per table, Core
bulk inserts for the voluminous tables, one commit), which the per-record commands — one
transaction and a permission check per row — would make slow for no benefit. It still leaves
what those commands leave: one ``create`` history entry per artefact record, with the same
field diff shape (:class:`demo.bulk.HistoryWriter`).

This module builds the organisation and the strategy; :mod:`demo.build` adds the quality
system, indicators and reviews on top, at the requested scale.

Accounts are the exception: they go through :func:`app.organisation.create_user` so they get
FAB's password hashing, roles and memberships exactly as ``vigie users create`` gives them.
That function commits once per account, so the load is not one single transaction: should it
fail after the accounts, services and accounts stay and the database is no longer empty —
start again from a fresh database (every precondition is checked before the first write to
make that unlikely). Files the load stored before failing (document versions, reports) stay in
the files folder, referenced by nothing: wipe it together with the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.indicators.calculation import recompute_all
from app.models.organisation import Service, VigieUser
from app.models.strategy import Axis, Programme, ServiceObjective, StrategicObjective
from app.organisation import create_user
from app.security.actor import Actor
from app.states import SERVICE_OBJECTIVE_STATES
from demo.build import build_town, check_catalogue
from demo.bulk import HistoryWriter
from demo.catalogue import process_of
from demo.context import SCALES as SCALE_DEFS
from demo.context import DemoContext
from demo.people import DEMO_ACCOUNTS, SERVICE_HEADS
from demo.processes import build_processes
from demo.town import (
    AXES,
    HISTORY_REASON,
    PROGRAMME,
    SERVICE_OBJECTIVES,
    SERVICES,
    STRATEGIC_OBJECTIVES,
)

SCALES = tuple(SCALE_DEFS)

#: Cheaper scrypt cost for the demo accounts only. Their passwords are public (printed by
#: ``make run``), so the default cost (≈0.13 s per account here, ≈6 s for the town) protects
#: nothing; hashes stay in werkzeug's format, and any password changed later is hashed with
#: the configured method again.
DEMO_HASH_METHOD = "scrypt:2048:8:1"
_HASH_METHOD_KEY = "FAB_PASSWORD_HASH_METHOD"


def database_is_empty() -> bool:
    """True when no service exists: the only state in which the demo may be loaded."""
    return db.session.scalar(select(Service.id).limit(1)) is None


def load_demo(scale: str = "small") -> dict[str, int]:
    """Build the fictional town and return how many records of each kind were created.

    ``scale="large"`` builds the same town with twelve years of values, a copy of every
    operational indicator per quartier and tens of thousands of complaints and actions — a
    town for benchmarks (see :data:`demo.context.SCALES`).

    Raises :class:`RuntimeError` (French message) if the database already holds services or
    if the roles are missing, before writing anything.
    """
    if scale not in SCALES:
        raise ValueError(f"Échelle inconnue : « {scale} » (échelles : {', '.join(SCALES)}).")
    if not database_is_empty():
        raise RuntimeError(
            "La base contient déjà des services : la ville de démonstration ne se charge que "
            "dans une base vide. Utilisez une base neuve, ou `vigie demo load --if-empty` pour "
            "ne rien faire dans ce cas."
        )
    _check_roles()
    _check_town()

    services = _create_services()
    with _demo_password_hashing():
        for demo in DEMO_ACCOUNTS:
            create_user(
                username=demo.username,
                password=demo.password,
                role_codes=[demo.role],
                service_codes=list(demo.services),
                first_name=demo.first_name,
                last_name=demo.last_name,
                email=demo.email,
                manager_username=demo.manager,
            )
    try:
        users = _users_by_username()
        for code, username in SERVICE_HEADS.items():
            services[code].head = users[username]
        db.session.flush()
        writer = HistoryWriter(HISTORY_REASON)
        writer.objects("service", services.values())

        programme = Programme(
            title=PROGRAMME.title,
            start_year=PROGRAMME.start_year,
            end_year=PROGRAMME.end_year,
            status=PROGRAMME.status,
            description=PROGRAMME.description,
        )
        db.session.add(programme)
        db.session.flush()
        writer.objects("programme", [programme])

        axes = {
            spec.code: Axis(
                programme=programme,
                code=spec.code,
                title=spec.title,
                description=spec.description,
                position=position,
                referents=[users[name] for name in spec.referents],
            )
            for position, spec in enumerate(AXES, start=1)
        }
        db.session.add_all(axes.values())
        db.session.flush()
        writer.objects("axis", axes.values())

        strategic = {
            spec.code: StrategicObjective(
                axis=axes[spec.axis_code],
                code=spec.code,
                title=spec.title,
                description=spec.description,
                owner=users[spec.owner],
                weight=spec.weight,
                services=[services[code] for code in spec.services],
            )
            for spec in STRATEGIC_OBJECTIVES
        }
        db.session.add_all(strategic.values())
        db.session.flush()
        writer.objects("strategic_objective", strategic.values())

        ctx = DemoContext(
            scale=SCALE_DEFS[scale],
            today=date.today(),
            history=writer,
            services=services,
            users=users,
            strategic=strategic,
            objectives=[],
        )
        processes = build_processes(ctx)
        objectives = [
            ServiceObjective(
                service=services[spec.service],
                strategic_objective=strategic[spec.strategic] if spec.strategic else None,
                linked_process=processes[process_of(spec.service, spec.title)],
                year=year,
                title=spec.title,
                description=spec.description,
                expected_result=spec.expected_result.format(year=year),
                weight=spec.weight,
                state=state,
            )
            for spec in SERVICE_OBJECTIVES
            for year, state in spec.years
        ]
        db.session.add_all(objectives)
        db.session.flush()
        writer.objects("service_objective", objectives)
        ctx.objectives = objectives

        build_town(ctx)
        writer.flush()
        # calculated indicators get their values from their inputs, as in production
        ctx.counts["valeurs calculées"] = recompute_all(Actor.system_actor())
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise

    return {
        "services": len(services),
        "comptes": len(users),
        "programmes": 1,
        "axes": len(axes),
        "objectifs stratégiques": len(strategic),
        "objectifs de service": len(objectives),
        "objectifs de politique de service": sum(
            1 for o in objectives if o.strategic_objective is None
        ),
        **ctx.counts,
        "entrées d'historique": writer.count,
    }


# --------------------------------------------------------------------------------------------
def _check_roles() -> None:
    """Refuse before any write if ``vigie db upgrade`` has not created the roles."""
    sm: Any = current_app.appbuilder.sm  # type: ignore[attr-defined]
    missing = sorted({a.role for a in DEMO_ACCOUNTS if sm.find_role(a.role) is None})
    if missing:
        raise RuntimeError(
            f"Rôles absents ({', '.join(missing)}) : lancez `vigie db upgrade` avant de "
            "charger la ville de démonstration."
        )
    taken = db.session.scalars(
        select(VigieUser.username).where(
            VigieUser.username.in_([a.username for a in DEMO_ACCOUNTS])
        )
    ).all()
    if taken:
        raise RuntimeError(
            f"Comptes déjà présents ({', '.join(sorted(taken))}) : la ville de démonstration "
            "ne se charge que dans une base neuve."
        )


def _check_town() -> None:
    """Catch inconsistent demo data (a typo in a code) before anything is written."""
    codes = {s.code for s in SERVICES}
    problems: list[str] = []
    problems += [f"service sans responsable : {c}" for c in sorted(codes - SERVICE_HEADS.keys())]
    contributors = {so.code: set(so.services) for so in STRATEGIC_OBJECTIVES}
    states = set(SERVICE_OBJECTIVE_STATES.codes)
    for spec in SERVICE_OBJECTIVES:
        if spec.service not in codes:
            problems.append(f"service inconnu : {spec.service}")
        if spec.strategic and spec.service not in contributors.get(spec.strategic, set()):
            problems.append(f"{spec.service} ne contribue pas à {spec.strategic}")
        problems += [f"état inconnu : {state}" for _, state in spec.years if state not in states]
    for so in STRATEGIC_OBJECTIVES:
        problems += [f"service inconnu : {c}" for c in so.services if c not in codes]
    problems += check_catalogue()
    if problems:
        raise RuntimeError("Données de démonstration incohérentes : " + " ; ".join(problems))


def _create_services() -> dict[str, Service]:
    """Services in declaration order (pôles first), parents wired by code; one flush."""
    services: dict[str, Service] = {}
    for spec in SERVICES:
        parent = services[spec.parent] if spec.parent else None
        services[spec.code] = Service(code=spec.code, name=spec.name, parent=parent, active=True)
    db.session.add_all(services.values())
    db.session.flush()
    return services


def _users_by_username() -> dict[str, VigieUser]:
    """The demo accounts just created, in one query (``create_user`` expired them)."""
    stmt = select(VigieUser).where(VigieUser.username.in_([a.username for a in DEMO_ACCOUNTS]))
    return {user.username: user for user in db.session.scalars(stmt)}


@contextmanager
def _demo_password_hashing() -> Iterator[None]:
    """Use :data:`DEMO_HASH_METHOD` while the demo accounts are created, then restore."""
    config = current_app.config
    had_value = _HASH_METHOD_KEY in config
    previous = config.get(_HASH_METHOD_KEY)
    config[_HASH_METHOD_KEY] = DEMO_HASH_METHOD
    try:
        yield
    finally:
        if had_value:
            config[_HASH_METHOD_KEY] = previous
        else:
            config.pop(_HASH_METHOD_KEY, None)
