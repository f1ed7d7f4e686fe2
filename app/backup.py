"""``vigie backup DEST`` and ``vigie restore SRC``: the database and the files folder, together.

A backup is a folder::

    DEST/manifest.json        what is inside, with a SHA-256 for every piece (written last:
                              a folder without it is an unfinished backup, never restored)
    DEST/database.sqlite3     SQLite: a copy made with SQLite's online backup API
    DEST/database.pgdump      PostgreSQL: ``pg_dump --format=custom`` (``pg_restore`` reads it)
    DEST/files/ab/abcd….pdf   the files folder, same layout

**Consistent together** without stopping Vigie: the database is copied first, the files
second. A stored file is written (write-then-rename) *before* the transaction that refers to
it commits, and files are never modified or deleted (a new file gets a new name), so every
file the database copy refers to is already on disk when the files are copied. The copy may
hold a few newer files nobody refers to yet — harmless. A file the database refers to but
the folder lacks is listed in the manifest (``missing_files``) and reported.

**Restore** checks every checksum before touching anything, refuses a target that is not
empty (database with tables, files folder with files) unless ``force``, restores into a new
database (created if it does not exist — PostgreSQL — or a new SQLite file), files first
(inert until the database refers to them), then the database in one go
(``pg_restore --single-transaction``, or SQLite's backup API into the target). Then
``vigie db upgrade`` brings an older backup up to the current schema.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import URL, make_url

from app import files
from app.extensions import db

FORMAT = 1
MANIFEST = "manifest.json"
FILES = "files"
DATABASE_FILE = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
CHUNK = 1024 * 1024
#: Names in the files folder that are not stored files (a write in progress, a probe).
_TRANSIENT_SUFFIX = ".part"


class BackupError(Exception):
    """A backup or restore refused or failed; the message is French, for the operator."""


@dataclass(frozen=True)
class Outcome:
    """What a backup or restore did (the command line prints it)."""

    folder: Path
    engine: str
    files: int
    bytes: int
    missing_files: tuple[str, ...] = ()
    revision: str | None = None


# ------------------------------------------------------------------------------ helpers
def _url() -> URL:
    return make_url(str(current_app.config["SQLALCHEMY_DATABASE_URI"]))


def engine_of(url: URL) -> str:
    backend = url.get_backend_name()
    if backend not in DATABASE_FILE:
        raise BackupError(f"Base « {backend} » non prise en charge (SQLite ou PostgreSQL).")
    return backend


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _copy(source: Path, target: Path) -> tuple[int, str]:
    """Copy through a temporary name, fsync, rename; return (size, SHA-256 of what was read)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + _TRANSIENT_SUFFIX)
    digest = hashlib.sha256()
    size = 0
    with open(source, "rb") as reader, open(temporary, "wb") as writer:
        for block in iter(lambda: reader.read(CHUNK), b""):
            digest.update(block)
            writer.write(block)
            size += len(block)
        writer.flush()
        os.fsync(writer.fileno())
    os.replace(temporary, target)
    return size, digest.hexdigest()


def stored_files(folder: Path) -> Iterator[Path]:
    """The stored files under ``folder`` (relative paths, sorted), not writes in progress."""
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.name.endswith(_TRANSIENT_SUFFIX):
            yield path.relative_to(folder)


def _referenced_keys() -> set[str]:
    """Every ``file_key`` the database refers to (any table carrying one)."""
    keys: set[str] = set()
    for table in db.metadata.sorted_tables:
        column = table.columns.get("file_key")
        if column is not None:
            keys.update(k for k in db.session.scalars(select(column).distinct()) if k)
    db.session.rollback()
    return keys


def _revision() -> str | None:
    try:
        value = db.session.scalar(text("SELECT version_num FROM alembic_version"))
    except Exception:
        value = None
    db.session.rollback()
    return str(value) if value else None


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"« {name} » est introuvable : installez les outils clients de PostgreSQL "
            "(même version majeure que le serveur, ou plus récente)."
        )
    return found


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq address without the password (it goes in the environment, not in ``ps``)."""
    address = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return address, env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise BackupError(f"{what} a échoué : " + " / ".join(detail))


# ------------------------------------------------------------------------------- backup
def backup(dest: Path) -> Outcome:
    """Write a backup of the configured database and files folder into ``dest`` (new or
    empty folder)."""
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"Le dossier de sauvegarde {dest} n'est pas vide.")
    dest.mkdir(parents=True, exist_ok=True)
    url = _url()
    engine = engine_of(url)
    revision = _revision()
    database = dest / DATABASE_FILE[engine]
    # 1. the database (its snapshot comes first: see the module docstring)
    if engine == "sqlite":
        _sqlite_copy(Path(str(url.database)), database)
    else:
        address, env = _libpq(url)
        _run(
            [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
             f"--file={database}", f"--dbname={address}"],
            env,
            "pg_dump",
        )  # fmt: skip
    referenced = _referenced_keys()
    # 2. the files
    source = files.files_dir()
    entries: list[dict[str, str | int]] = []
    present: set[str] = set()
    total = 0
    for relative in stored_files(source):
        size, digest = _copy(source / relative, dest / FILES / relative)
        entries.append({"path": relative.as_posix(), "size": size, "sha256": digest})
        present.add(relative.name)
        total += size
    missing = tuple(sorted(referenced - present))
    manifest = {
        "format": FORMAT,
        "application": "vigie",
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "alembic_revision": revision,
        "database": {
            "engine": engine,
            "file": database.name,
            "size": database.stat().st_size,
            "sha256": _sha256(database),
        },
        "files": entries,
        "missing_files": list(missing),
    }
    temporary = dest / (MANIFEST + _TRANSIENT_SUFFIX)
    temporary.write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, dest / MANIFEST)
    return Outcome(dest, engine, len(entries), total, missing, revision)


def _sqlite_copy(source: Path, target: Path) -> None:
    """SQLite's online backup API: a consistent copy while Vigie keeps writing."""
    if not source.is_file():
        raise BackupError(f"Base SQLite introuvable : {source}")
    reader = sqlite3.connect(source)
    writer = sqlite3.connect(target)
    try:
        with writer:
            reader.backup(writer)
    finally:
        writer.close()
        reader.close()


# ------------------------------------------------------------------------------ restore
def read_manifest(src: Path) -> dict[str, Any]:
    path = src / MANIFEST
    if not path.is_file():
        raise BackupError(
            f"{src} n'est pas une sauvegarde Vigie complète ({MANIFEST} absent : sauvegarde "
            "interrompue ?)."
        )
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("application") != "vigie" or manifest.get("format") != FORMAT:
        raise BackupError(f"{src} : format de sauvegarde inconnu.")
    return manifest


def verify(src: Path, manifest: dict[str, Any]) -> None:
    """Every piece present with its size and SHA-256, or a French refusal naming them."""
    pieces = [(src / manifest["database"]["file"], manifest["database"])]
    pieces += [(src / FILES / entry["path"], entry) for entry in manifest["files"]]
    wrong = []
    for path, entry in pieces:
        if not path.is_file():
            wrong.append(f"{path.relative_to(src)} (absent)")
        elif path.stat().st_size != entry["size"] or _sha256(path) != entry["sha256"]:
            wrong.append(f"{path.relative_to(src)} (somme de contrôle différente)")
    if wrong:
        shown = ", ".join(wrong[:5]) + (f" et {len(wrong) - 5} autre(s)" if len(wrong) > 5 else "")
        raise BackupError(f"Sauvegarde altérée, rien n'a été restauré : {shown}.")


def _pg_has_tables(url: URL) -> bool:
    """Whether the PostgreSQL database has tables; creates it first if it does not exist."""
    maintenance = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with maintenance.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}
            ).first()
            if not exists:
                quoted = conn.dialect.identifier_preparer.quote(str(url.database))
                conn.execute(text(f"CREATE DATABASE {quoted}"))
                return False
    finally:
        maintenance.dispose()
    target = create_engine(url)
    try:
        return bool(inspect(target).get_table_names())
    finally:
        target.dispose()


def _sqlite_has_tables(path: Path) -> bool:
    if not path.exists():
        return False
    conn = sqlite3.connect(path)
    try:
        row = conn.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()
        return bool(row and row[0])
    finally:
        conn.close()


def restore(src: Path, *, force: bool = False) -> Outcome:
    """Restore a backup into the configured database and files folder (see the docstring)."""
    manifest = read_manifest(src)
    url = _url()
    engine = engine_of(url)
    if manifest["database"]["engine"] != engine:
        raise BackupError(
            f"Sauvegarde {manifest['database']['engine']}, base cible {engine} : une sauvegarde "
            "se restaure dans le même moteur de base de données."
        )
    verify(src, manifest)
    db.session.remove()
    db.engine.dispose()  # no pooled connection into the database about to be replaced
    target_files = files.files_dir()
    busy = []
    if engine == "sqlite" and _sqlite_has_tables(Path(str(url.database))):
        busy.append(f"la base {url.database} contient des tables")
    if engine == "postgresql" and _pg_has_tables(url):
        busy.append(f"la base « {url.database} » contient des tables")
    if next(stored_files(target_files), None) is not None:
        busy.append(f"le dossier des fichiers {target_files} contient des fichiers")
    if busy and not force:
        raise BackupError(
            "La cible n'est pas vide (" + " ; ".join(busy) + ") : rien n'a été restauré. "
            "Restaurez dans une base et un dossier neufs, ou ajoutez --force pour les remplacer."
        )
    total = 0
    for entry in manifest["files"]:
        size, digest = _copy(src / FILES / entry["path"], target_files / entry["path"])
        if digest != entry["sha256"]:  # changed between the check and the copy
            raise BackupError(f"{entry['path']} a changé pendant la restauration.")
        total += size
    database = src / manifest["database"]["file"]
    if engine == "sqlite":
        target = Path(str(url.database))
        target.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(database, target)
    else:
        if busy:
            _pg_empty(url)
        address, env = _libpq(url)
        _run(
            [_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--single-transaction",
             "--exit-on-error", f"--dbname={address}", str(database)],
            env,
            "pg_restore",
        )  # fmt: skip
    return Outcome(
        src,
        engine,
        len(manifest["files"]),
        total,
        tuple(manifest.get("missing_files") or ()),
        manifest.get("alembic_revision"),
    )


def _pg_empty(url: URL) -> None:
    """``--force`` on PostgreSQL: the public schema dropped and created again, empty."""
    target = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with target.connect() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        target.dispose()
