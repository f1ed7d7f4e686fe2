"""``vigie backup`` → ``vigie restore`` into a new database: the same records, the same files.

Through the real command line, on the test database (SQLite or PostgreSQL, whichever the run
uses) with a few stored files referenced by records. The restore goes into a database that
does not exist yet (PostgreSQL: created on the same server; SQLite: a new file) and a new
files folder; then every table is compared row by row with the original, and every file by
its SHA-256. A second restore into the now non-empty target is refused unless ``--force``; a
backup with one altered file is refused before anything is written.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import MetaData, create_engine, inspect, select
from sqlalchemy.engine import make_url

from app.backup import BackupError, backup, restore
from tests.conftest import World, is_postgres, token
from tests.test_files import PDF, PNG, make_version, put_file, version_row

VIGIE = Path(sys.executable).with_name("vigie")


def _vigie(
    app: Flask, *args: str, database: str, files_dir: Path
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "VIGIE_DATABASE_URL": database,
        "VIGIE_FILES_DIR": str(files_dir),
        "VIGIE_INSTANCE_DIR": str(app.config["VIGIE_INSTANCE_DIR"]),
        "VIGIE_SECRET_KEY": str(app.config["SECRET_KEY"]),
    }
    env.pop("VIGIE_DEMO", None)
    return subprocess.run(
        [str(VIGIE), *args], env=env, capture_output=True, text=True, timeout=600, check=False
    )


def _snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, in a stable order (the whole content, not only counts)."""
    engine = create_engine(url)
    try:
        tables = {}
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.connect() as conn:
            for name in inspect(engine).get_table_names():
                rows = conn.execute(select(metadata.tables[name])).all()
                tables[name] = sorted((tuple(row) for row in rows), key=repr)
        return tables
    finally:
        engine.dispose()


def _checksums(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _new_database(app: Flask, tmp_path: Path) -> str:
    url = make_url(str(app.config["SQLALCHEMY_DATABASE_URI"]))
    if is_postgres():
        return url.set(database=f"vigie_restore_{uuid.uuid4().hex[:10]}").render_as_string(
            hide_password=False
        )
    return f"sqlite:///{tmp_path}/restored-{uuid.uuid4().hex[:8]}.sqlite3"


def _drop(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    engine = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
    engine.dispose()


def test_backup_then_restore_into_a_new_database_gives_the_same_records_and_files(
    app: Flask,
    world: World,
    client: FlaskClient,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source_files = tmp_path / "files"
    monkeypatch.setitem(app.config, "VIGIE_FILES_DIR", str(source_files))
    headers = token(client, world.users["service_head"])
    ours = []
    for name, data in (("procedure.pdf", PDF), ("plan.png", PNG)):
        _doc, pk = make_version(client, world)
        assert put_file(client, headers, pk, name, data).status_code == 200
        ours.append(version_row(app, pk).file_key)
    database = str(app.config["SQLALCHEMY_DATABASE_URI"])

    dest = tmp_path / "sauvegarde"
    done = _vigie(app, "backup", str(dest), database=database, files_dir=source_files)
    assert done.returncode == 0, done.stderr
    assert "Sauvegarde écrite" in done.stdout
    manifest = json.loads((dest / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["database"]["engine"] == ("postgresql" if is_postgres() else "sqlite")
    assert len(manifest["files"]) == 2
    # the suite's database also holds other tests' records, whose files live in other
    # folders: they are reported missing; ours are not
    assert not {Path(key).name for key in ours} & set(manifest["missing_files"])
    original = _snapshot(database)
    original_files = _checksums(source_files)

    target = _new_database(app, tmp_path)
    target_files = tmp_path / "restored-files"
    try:
        restored = _vigie(app, "restore", str(dest), database=target, files_dir=target_files)
        assert restored.returncode == 0, restored.stderr
        assert "restaurée" in restored.stdout
        copy = _snapshot(target)
        assert set(copy) == set(original) and "alembic_version" in copy
        assert {name: len(rows) for name, rows in copy.items()} == {
            name: len(rows) for name, rows in original.items()
        }
        for name in original:
            assert copy[name] == original[name], f"table {name} differs"
        assert _checksums(target_files) == original_files

        # the target is not empty any more: refused, then replaced with --force
        again = _vigie(app, "restore", str(dest), database=target, files_dir=target_files)
        assert again.returncode != 0
        assert "n'est pas vide" in again.stderr and "--force" in again.stderr
        forced = _vigie(
            app, "restore", str(dest), "--force", database=target, files_dir=target_files
        )
        assert forced.returncode == 0, forced.stderr
        assert _snapshot(target) == copy
    finally:
        _drop(target)


def test_an_altered_or_unfinished_backup_is_refused_and_nothing_is_written(
    app: Flask, world: World, client: FlaskClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source_files = tmp_path / "files"
    monkeypatch.setitem(app.config, "VIGIE_FILES_DIR", str(source_files))
    _doc, pk = make_version(client, world)
    put_file(client, token(client, world.users["service_head"]), pk, "procedure.pdf", PDF)
    dest = tmp_path / "sauvegarde"
    with app.app_context():
        backup(dest)
        with pytest.raises(BackupError, match="n'est pas vide"):
            backup(dest)
    stored = next(path for path in (dest / "files").rglob("*") if path.is_file())
    stored.write_bytes(stored.read_bytes() + b"x")

    target = _new_database(app, tmp_path)
    target_files = tmp_path / "restored-files"
    try:
        refused = _vigie(app, "restore", str(dest), database=target, files_dir=target_files)
        assert refused.returncode != 0
        assert "Sauvegarde altérée" in refused.stderr and "somme de contrôle" in refused.stderr
        assert not target_files.exists()
        if not is_postgres():
            assert not Path(make_url(target).database or "").exists()

        (dest / "manifest.json").unlink()  # as a backup interrupted before its end leaves it
        with app.app_context(), pytest.raises(BackupError, match=r"manifest\.json absent"):
            restore(dest)
    finally:
        _drop(target)
