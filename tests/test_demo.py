"""The demo town loads deterministically into an empty database, complete and consistent.

One module-scoped load through the real command line (``vigie db upgrade`` then ``vigie demo
load``) feeds every content test; the determinism test loads a second database and compares.
The large scale never runs here (it takes a minute or two): its size is checked from the
catalogue and the scale parameters instead.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.extensions import db

ROOT = Path(__file__).resolve().parent.parent


def _vigie(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).with_name("vigie")), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )


def _load(folder: Path) -> tuple[dict[str, str], str]:
    """A fresh SQLite database with the small town; (environment, summary printed)."""
    env = {
        **os.environ,
        "VIGIE_DEMO": "1",
        "VIGIE_INSTANCE_DIR": str(folder),
        "VIGIE_DATABASE_URL": f"sqlite:///{folder}/demo.sqlite3",
        "VIGIE_ADMIN_PASSWORD": "admin-mot-de-passe",
    }
    env.pop("VIGIE_FILES_DIR", None)
    upgraded = _vigie("db", "upgrade", env=env)
    assert upgraded.returncode == 0, upgraded.stderr
    loaded = _vigie("demo", "load", env=env)
    assert loaded.returncode == 0, loaded.stderr
    return env, loaded.stdout.split(" : ", 1)[1]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("demo-a")
    _env, summary = _load(folder)
    return folder, summary


@pytest.fixture(scope="module")
def demo_app(demo: tuple[Path, str]) -> Flask:
    from app import create_app

    folder, _summary = demo
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "tests-only-secret-key-0123456789abcdef0123456789",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/demo.sqlite3",
            "VIGIE_INSTANCE_DIR": str(folder),
            "VIGIE_FILES_DIR": None,
            "SERVER_NAME": None,
        }
    )


@pytest.fixture()
def ctx(demo_app: Flask) -> Iterator[None]:
    with demo_app.app_context():
        yield
        db.session.remove()


def _fingerprint(path: Path) -> dict[str, Any]:
    """What must be identical between two loads: codes, states, values (not ids/timestamps)."""
    connection = sqlite3.connect(path)
    queries = {
        "indicators": "SELECT code, collection_mode, frequency, baseline_value FROM indicator "
        "ORDER BY code",
        "targets": "SELECT count(*), sum(coalesce(value, 0) + coalesce(low, 0)) FROM target",
        "measurements": "SELECT count(*), round(sum(value), 3), count(comment) FROM measurement",
        "documents": "SELECT code, state, (SELECT count(*) FROM document_version v "
        "WHERE v.document_id = d.id) FROM document d ORDER BY code",
        "actions": "SELECT code, state, due_date, effectiveness FROM action ORDER BY code",
        "complaints": "SELECT received_on, service_id, subject, status FROM complaint ORDER BY id",
        "audits": "SELECT code, state, conclusion FROM audit ORDER BY code",
        "proposals": "SELECT title, decision, deliberation_ref FROM proposal ORDER BY id",
        "history": "SELECT artefact, count(*) FROM history_entry GROUP BY artefact "
        "ORDER BY artefact",
    }
    try:
        return {name: connection.execute(sql).fetchall() for name, sql in queries.items()}
    finally:
        connection.close()


# ------------------------------------------------------------------------------ the command
def test_demo_load_is_deterministic_and_refuses_twice(
    demo: tuple[Path, str], tmp_path: Path
) -> None:
    folder_a, summary_a = demo
    env_b, summary_b = _load(tmp_path)
    assert summary_a == summary_b
    assert "services" in summary_a and "mesures" in summary_a
    assert _fingerprint(folder_a / "demo.sqlite3") == _fingerprint(tmp_path / "demo.sqlite3")
    skipped = _vigie("demo", "load", "--if-empty", env=env_b)
    assert skipped.returncode == 0 and "déjà" in skipped.stdout


def test_demo_accounts_cover_every_role() -> None:
    from app.security.roles import ROLE_CODES
    from demo.people import DEMO_ACCOUNTS

    roles = {account.role for account in DEMO_ACCOUNTS}
    assert set(ROLE_CODES) - {"admin"} <= roles


def test_demo_data_is_consistent() -> None:
    from demo.build import check_catalogue

    assert check_catalogue() == []


# ------------------------------------------------------------------------------- volumes
def test_volumes_are_those_of_a_real_town(ctx: None) -> None:
    from app.models import (
        Complaint,
        Dashboard,
        Document,
        DocumentVersion,
        Indicator,
        Measurement,
        Process,
        Risk,
        Service,
        SourceApplication,
    )

    def count(model: Any) -> int:
        return int(db.session.scalar(select(func.count()).select_from(model)) or 0)

    processes = Counter(db.session.scalars(select(Process.service_id)))
    services = db.session.scalars(select(Service)).all()
    assert all(3 <= processes[s.id] <= 6 for s in services), processes
    assert 180 <= count(Indicator) <= 260
    assert 12 <= count(SourceApplication) <= 18
    assert count(Measurement) > 5000
    assert 130 <= count(Document) <= 180 and count(DocumentVersion) > count(Document)
    assert count(Risk) >= 40
    assert count(Dashboard) == 22
    per_year = Counter(d.year for d in db.session.scalars(select(Complaint.received_on)))
    full_years = [y for y in per_year if y < date.today().year]
    assert len(per_year) == 3 and all(2500 <= per_year[y] <= 3500 for y in full_years)


def test_indicators_are_fed_as_described(ctx: None) -> None:
    from app.indicators import formula
    from app.models import Indicator, Measurement, Target

    indicators = db.session.scalars(select(Indicator)).all()
    codes = {i.code for i in indicators}
    modes = Counter(i.collection_mode for i in indicators)
    assert 0.3 <= modes["api"] / len(indicators) <= 0.5
    assert modes["manual"] and modes["import"] and modes["calculated"] >= 3
    assert {i.frequency for i in indicators} == {"monthly", "quarterly", "yearly"}
    assert {i.direction for i in indicators} == {"increase", "decrease", "band"}
    for indicator in indicators:
        assert indicator.linked_process is not None
        assert indicator.linked_process.service_id == indicator.owner_service_id
        if indicator.collection_mode == "calculated":
            assert formula.references(formula.parse(indicator.formula or "")) <= codes
        if indicator.collection_mode == "api":
            assert indicator.source_application is not None
    assert sum(1 for i in indicators if i.service_objectives) >= 60
    assert sum(1 for i in indicators if i.strategic_objectives) >= 10

    # one target a year for every indicator with values; bands have both bounds
    targets = Counter(db.session.scalars(select(Target.indicator_id)))
    years = date.today().year + 2 - (date.today().year - 4)
    for indicator in indicators:
        if indicator.collection_mode != "calculated":
            assert targets[indicator.id] == years, indicator.code
    bands = db.session.scalars(
        select(Target).join(Indicator).where(Indicator.direction == "band")
    ).all()
    assert bands and all(t.low is not None and t.high is not None for t in bands)

    # sources agree with collection modes; some values are late
    rows = db.session.execute(
        select(
            Indicator.collection_mode,
            Measurement.source,
            Measurement.source_application_id,
            Measurement.entered_by_id,
        ).join(Measurement, Measurement.indicator_id == Indicator.id)
    ).all()
    assert all(mode == source for mode, source, _app, _by in rows)
    assert all((app is not None) == (mode == "api") for mode, _s, app, _by in rows)
    assert all(by is not None for mode, *_rest, by in rows if mode != "calculated")
    # calculated indicators are computed from their inputs at load, by the system
    assert any(mode == "calculated" for mode, *_rest in rows)
    latest = dict(
        db.session.execute(
            select(Measurement.indicator_id, func.max(Measurement.period)).group_by(
                Measurement.indicator_id
            )
        ).all()
    )
    monthly_last = (
        f"{date.today().year}-{date.today().month - 1:02d}"
        if date.today().month > 1
        else f"{date.today().year - 1}-12"
    )
    late = [
        i
        for i in indicators
        if i.frequency == "monthly" and i.id in latest and latest[i.id] < monthly_last
    ]
    assert any(i.collection_mode in ("manual", "import") for i in late)
    assert any(i.collection_mode == "api" for i in late)  # a silent application


def test_every_workflow_state_has_records(ctx: None) -> None:
    from app.models import (
        Action,
        Audit,
        Complaint,
        Document,
        DocumentVersion,
        Finding,
        ManagementReview,
        Revision,
        Risk,
        ServiceObjective,
        SourceApplication,
    )
    from app.states import (
        ACTION_STATES,
        AUDIT_STATES,
        DOCUMENT_STATES,
        REVISION_STATES,
        SERVICE_OBJECTIVE_STATES,
    )

    def values(column: Any) -> set[Any]:
        return set(db.session.scalars(select(column).distinct()))

    assert values(Document.state) == set(DOCUMENT_STATES.codes)
    assert values(DocumentVersion.status) == {"brouillon", "publiee", "obsolete"}
    assert values(Audit.state) == set(AUDIT_STATES.codes)
    assert values(Action.state) == set(ACTION_STATES.codes)
    assert values(Revision.state) == set(REVISION_STATES.codes)
    assert values(ServiceObjective.state) == set(SERVICE_OBJECTIVE_STATES.codes)
    assert values(Finding.kind) == {
        "nc_majeure",
        "nc_mineure",
        "observation",
        "piste_progres",
        "point_fort",
    }
    assert values(Complaint.status) == {"recue", "en_traitement", "repondue", "close"}
    assert values(Risk.status) == {"identifie", "traite", "accepte", "clos"}
    assert values(Action.origin) == {
        "audit",
        "revue",
        "reclamation",
        "risque",
        "enquete",
        "revision",
        "suggestion",
    }
    health = Counter(a.health for a in db.session.scalars(select(SourceApplication)))
    assert set(health) == {"ok", "late", "silent"}
    reviews = Counter(db.session.scalars(select(ManagementReview.state)))
    assert reviews["close"] == 2 and reviews["tenue"] + reviews["preparation"] == 1
    assert db.session.scalar(select(func.count()).select_from(Action).where(Action.late)) > 0


def test_records_agree_with_their_state(ctx: None) -> None:
    from app.models import Action, Audit, Document, ManagementReview, Proposal

    for document in db.session.scalars(select(Document)):
        statuses = [v.status for v in sorted(document.versions, key=lambda v: v.number)]
        if document.state == "publie":
            assert statuses[-1] == "publiee" and set(statuses[:-1]) <= {"obsolete"}
        elif document.state == "obsolete":
            assert set(statuses) == {"obsolete"}
        else:
            assert statuses[-1] == "brouillon" and set(statuses[:-1]) <= {"publiee"}
        for version in document.versions:
            if version.approved_by_id is not None:
                assert version.approved_by_id != version.author_id  # four eyes
    for action in db.session.scalars(select(Action).where(Action.origin != "suggestion")):
        if action.state in ("realisee", "verifiee"):
            assert action.completed_on is not None and action.progress == 100
        if action.state == "verifiee":
            assert action.effectiveness and action.effectiveness_checked_by_id
            assert action.effectiveness_checked_by_id != action.owner_id
    for audit in db.session.scalars(select(Audit).where(Audit.state == "clos")):
        for finding in audit.findings:
            if finding.kind.startswith("nc_"):
                assert finding.actions, (audit.code, finding.description)
        assert audit.has_file and (audit.findings or audit.no_finding)
    reviews = db.session.scalars(select(ManagementReview).order_by(ManagementReview.year)).all()
    for review in reviews[:-1]:
        assert review.has_file and review.proposals
        for proposal in review.proposals:
            assert proposal.decision and proposal.decided_by and proposal.decided_at
            assert proposal.rationale
    current = reviews[-1].proposals
    assert any(p.decision is None for p in current) and any(p.decision for p in current)
    assert any(p.deliberation_ref for p in db.session.scalars(select(Proposal)))


def test_files_are_real_and_stored(ctx: None) -> None:
    from app import files
    from app.models import Audit, DocumentVersion, ManagementReview

    stored = [
        *db.session.scalars(select(DocumentVersion).where(DocumentVersion.file_key.is_not(None))),
        *db.session.scalars(select(Audit).where(Audit.file_key.is_not(None))),
        *db.session.scalars(select(ManagementReview).where(ManagementReview.file_key.is_not(None))),
    ]
    assert len(stored) > 200
    kinds = Counter()
    for record in stored:
        data = files.path_of(record.file_key).read_bytes()
        _name, ext = files.validate(record.file_name, data)
        kinds[ext] += 1
        assert record.file_size == len(data)
        assert record.file_sha256 == hashlib.sha256(data).hexdigest()
        assert record.file_type == files.ALLOWED[ext]
        if ext == "pdf":
            assert b"startxref" in data[-40:] and data.rstrip().endswith(b"%%EOF")
    assert set(kinds) == {"pdf", "odt", "docx"}


def test_computed_columns_are_stored(ctx: None) -> None:
    from app.models import Action, Complaint, Risk

    for risk in db.session.scalars(select(Risk)):
        assert risk.criticality == risk.likelihood * risk.severity
        if risk.residual_likelihood is not None:
            assert risk.residual_criticality == (risk.residual_likelihood * risk.residual_severity)
    for action in db.session.scalars(select(Action)):
        expected = (
            (action.completed_on - action.opened_on).days
            if action.completed_on and action.opened_on
            else None
        )
        assert action.days_to_close == expected, action.code
    wrong = db.session.scalar(
        select(func.count())
        .select_from(Complaint)
        .where(Complaint.answered_on.is_not(None), Complaint.processing_days.is_(None))
    )
    assert wrong == 0
    for complaint in db.session.scalars(select(Complaint).limit(500)):
        if complaint.answered_on is not None:
            assert complaint.processing_days == (complaint.answered_on - complaint.received_on).days


def test_every_record_has_one_create_history_entry(ctx: None) -> None:
    from app import registry
    from app.models import HistoryEntry

    entries = dict(
        db.session.execute(
            select(HistoryEntry.artefact, func.count())
            .where(HistoryEntry.action == "create")
            .group_by(HistoryEntry.artefact)
        ).all()
    )
    for artefact in registry.all_artefacts():
        rows = db.session.scalar(select(func.count()).select_from(artefact.model)) or 0
        assert entries.get(artefact.code_name, 0) == rows, artefact.code_name
    sample = db.session.scalars(
        select(HistoryEntry).where(HistoryEntry.artefact == "measurement").limit(1)
    ).one()
    assert set(sample.changes) >= {"indicator", "period", "value"}
    assert sample.reason and sample.username == "système"


def test_records_pass_the_declarations_checks(ctx: None) -> None:
    from app import registry

    for artefact in registry.all_artefacts():
        for record in db.session.scalars(select(artefact.model).limit(1500)):
            for check in artefact.checks:
                errors = list(check(record))
                assert not errors, (artefact.code_name, record.id, errors)


def test_dashboards_and_individual_objectives(ctx: None) -> None:
    from app.models import Dashboard, IndividualObjective

    for dashboard in db.session.scalars(select(Dashboard)):
        assert 3 <= len(dashboard.widgets) <= 8
        assert dashboard.roles or dashboard.services
        assert {w.kind for w in dashboard.widgets} <= {"kpi", "trend", "table", "map"}
    objectives = db.session.scalars(select(IndividualObjective)).all()
    assert len({o.agent_id for o in objectives}) >= 15
    assert all(o.manager_id == o.agent.manager_id for o in objectives)


# ----------------------------------------------------------------------------- large scale
def test_large_scale_reaches_benchmark_volumes() -> None:
    """Counted from the catalogue and the scale, without loading (too slow for the suite)."""
    from app import periods
    from demo.catalogue import indicator_entries
    from demo.context import SCALES

    large = SCALES["large"]
    today = date.today()
    first = today.year - large.history_years + 1
    length = {
        f: len(
            periods.between(periods.Period(first, 1, f), periods.containing(today, f).previous())
        )
        for f in periods.FREQUENCIES
    }
    base = [(entry, spec) for _code, entry, _position, spec in indicator_entries()]
    quartier = [
        spec
        for entry, spec in base
        if not entry.service.startswith(("DG", "POLE")) and spec.mode != "calculated"
    ]
    indicators = len(base) + large.quartiers * len(quartier)
    values = sum(
        length[s.frequency] for _e, s in base if s.mode != "calculated"
    ) + large.quartiers * sum(length[s.frequency] for s in quartier)
    assert indicators >= 2000
    assert values * 0.9 >= 240_000  # margin for late and silent sources
    # two full calendar years at least, whatever the day of the load
    assert large.suggestions >= 50_000 and large.complaints_per_year * 2 >= 50_000
