"""The ``vigie`` command groups (DOMAIN.md §7): db, roles, users, notifications, backup,
restore, worker, run
(``vigie demo`` is the demo's own, registered by the command line: ``demo/cli.py``).

Each command is a thin shell over the core: it parses options, calls a use case, prints a
French result and exits non-zero on failure.
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_migrate import current, downgrade, heads, migrate, upgrade

from app.backup import BackupError, backup, restore
from app.commands.errors import DomainError
from app.jobs.queue import run_worker
from app.jobs.scheduler import run_scheduler
from app.notifications import resend
from app.organisation import UserError, create_user, find_user
from app.runner import die_with_parent, serve
from app.security.applications import bind_account, find_application
from app.security.roles import ROLE_CODES
from app.security.sync import sync_roles


def _appbuilder() -> Any:
    return current_app.appbuilder  # type: ignore[attr-defined]


# ------------------------------------------------------------------------------------------ db
@click.group("db", help="Schéma de la base : migrations Alembic (Flask-Migrate).")
def db_group() -> None:
    """Database schema commands."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Apply migrations, then sync permissions and roles (idempotent)."""
    upgrade(revision=revision)
    counts = sync_roles(_appbuilder())
    ensure_admin(echo=True)
    click.echo(f"Base à jour ; {len(counts) + 1} rôles synchronisés.")


@db_group.command("downgrade")
@click.option("--revision", default="-1", show_default=True)
@with_appcontext
def db_downgrade(revision: str) -> None:
    """Revert migrations."""
    downgrade(revision=revision)


@db_group.command("migrate")
@click.option("-m", "--message", required=True)
@with_appcontext
def db_migrate(message: str) -> None:
    """Autogenerate a migration from the models (read it before committing)."""
    migrate(message=message)


@db_group.command("heads")
@with_appcontext
def db_heads() -> None:
    """Show the migration heads (there must be one)."""
    heads()


@db_group.command("current")
@with_appcontext
def db_current() -> None:
    """Show the database's current revision."""
    current()


# --------------------------------------------------------------------------------------- roles
@click.group("roles", help="Rôles et permissions définis dans le code.")
def roles_group() -> None:
    """Roles commands."""


@roles_group.command("sync")
@with_appcontext
def roles_sync() -> None:
    """Create or update the eight roles and their permissions."""
    counts = sync_roles(_appbuilder())
    for code, count in counts.items():
        click.echo(f"{code}: {count} permissions")


# --------------------------------------------------------------------------------------- users
@click.group("users", help="Comptes utilisateurs.")
def users_group() -> None:
    """User commands."""


@users_group.command("create")
@click.option("--username", required=True)
@click.option("--password", required=True)
@click.option("--role", "role_codes", required=True, multiple=True, type=click.Choice(ROLE_CODES))
@click.option("--service", "service_codes", multiple=True, help="Code d'un service (répétable).")
@click.option("--first-name", default=None)
@click.option("--last-name", default=None)
@click.option("--email", default=None)
@click.option("--manager", default=None, help="Identifiant du responsable hiérarchique.")
@click.option(
    "--application",
    "application_code",
    default=None,
    help="Code de l'application métier dont ce compte (rôle application) est le compte d'API.",
)
@with_appcontext
def users_create(
    username: str,
    password: str,
    role_codes: tuple[str, ...],
    service_codes: tuple[str, ...],
    first_name: str | None,
    last_name: str | None,
    email: str | None,
    manager: str | None,
    application_code: str | None,
) -> None:
    """Create an account with roles and service memberships (or an application account)."""
    if application_code and "application" not in role_codes:
        raise click.ClickException("--application demande --role application.")
    source = None
    if application_code:
        try:
            source = find_application(application_code)
        except DomainError as error:
            raise click.ClickException(error.message) from None
    try:
        user = create_user(
            username=username,
            password=password,
            role_codes=role_codes,
            service_codes=service_codes,
            first_name=first_name,
            last_name=last_name,
            email=email,
            manager_username=manager,
        )
    except UserError as error:
        raise click.ClickException(str(error)) from None
    if source is not None:
        try:
            bind_account(source, user)
        except DomainError as error:
            raise click.ClickException(error.message) from None
        click.echo(f"Compte « {user.username} » créé : compte d'API de « {source.code} ».")
        return
    click.echo(f"Compte « {user.username} » créé ({', '.join(role_codes)}).")


def ensure_admin(*, echo: bool = False) -> str | None:
    """Create the ``admin`` account if missing; return its password when generated."""
    if find_user("admin") is not None:
        return None
    configured: str | None = current_app.config.get("VIGIE_ADMIN_PASSWORD")
    generated = configured is None
    password: str = configured or secrets.token_urlsafe(12)
    create_user(
        username="admin",
        password=password,
        role_codes=("admin",),
        service_codes=(),
        first_name="Administrateur",
        last_name="Vigie",
        email="admin@vigie.invalid",
    )
    if generated:
        path = Path(current_app.config["VIGIE_INSTANCE_DIR"]) / "admin-password.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(password + "\n", encoding="utf-8")
        path.chmod(0o600)
        if echo:
            click.echo(f"Compte admin créé ; mot de passe généré : {password} (aussi dans {path})")
    return password if generated else None


# ------------------------------------------------------------------------------- notifications
@click.group("notifications", help="Notifications et leurs courriels.")
def notifications_group() -> None:
    """Notification commands."""


@notifications_group.command("resend")
@with_appcontext
def notifications_resend() -> None:
    """Queue again every e-mail pending or failed (failed ones go back to pending).

    For after an outage of Redis or of the mail server: transitions never wait for either, so
    their mails may sit in the database until someone runs this (or uses « Courriels »).
    """
    selected, queued = resend()
    if selected and not queued:
        raise click.ClickException(
            f"File d'envoi (Redis) injoignable : {selected} courriel(s) restent en attente."
        )
    click.echo(f"{queued} courriel(s) remis dans la file d'envoi.")


# ---------------------------------------------------------------------------- backup, restore
@click.command("backup", help="Sauvegarde la base et le dossier des fichiers dans DEST.")
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def backup_command(dest: Path) -> None:
    """Database first, then the files, with a SHA-256 manifest (app/backup.py)."""
    try:
        done = backup(dest)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Sauvegarde écrite dans {done.folder} : base {done.engine}, {done.files} fichier(s) "
        f"({done.bytes} octets), révision {done.revision or '—'}."
    )
    if done.missing_files:
        click.echo(
            f"Attention : {len(done.missing_files)} fichier(s) référencé(s) par la base "
            f"manquent dans le dossier des fichiers : {', '.join(done.missing_files[:10])}",
            err=True,
        )


@click.command(
    "restore", help="Restaure une sauvegarde (SRC) dans la base et le dossier configurés."
)
@click.argument("src", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--force", is_flag=True, help="Remplacer une base ou un dossier qui ne sont pas vides."
)
@with_appcontext
def restore_command(src: Path, force: bool) -> None:
    """Checksums first; refuses a non-empty target unless --force (app/backup.py)."""
    try:
        done = restore(src, force=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Sauvegarde {done.folder} restaurée : base {done.engine}, {done.files} fichier(s) "
        f"vérifié(s). Lancez `vigie db upgrade` si Vigie est plus récent que la sauvegarde "
        f"(révision {done.revision or '—'})."
    )


# ------------------------------------------------------------------------------ worker and run
@click.command("worker", help="Lance un worker RQ (tâches de fond).")
@click.option("--burst", is_flag=True, help="S'arrêter quand la file est vide.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run one RQ worker on Vigie's queues."""
    die_with_parent()
    run_worker(current_app._get_current_object(), burst=burst)  # type: ignore[attr-defined]


@click.command(
    "scheduler",
    help="Lance le planificateur (balayage des travaux, rappels "
    "quotidiens, contrôle de la collecte).",
)
@with_appcontext
def scheduler_command() -> None:
    """Run RQ's cron scheduler with Vigie's periodic tasks (one per installation)."""
    die_with_parent()
    run_scheduler(current_app._get_current_object())  # type: ignore[attr-defined]


@click.command("run", help="Lance le serveur web, Redis embarqué et un worker.")
@click.option("--host", default="127.0.0.1", envvar="HOST", show_default=True)
@click.option("--port", default=5000, type=int, envvar="PORT", show_default=True)
@click.option(
    "--workers",
    default=2,
    type=int,
    show_default=True,
    help="Workers RQ : deux par défaut, pour qu'un dossier long ne retienne pas les courriels.",
)
@with_appcontext
def run_command(host: str, port: int, workers: int) -> None:
    """Serve Vigie with its background services until Ctrl-C or SIGTERM."""
    sys.exit(serve(current_app._get_current_object(), host, port, workers))  # type: ignore[attr-defined]


def register_cli(app: Flask) -> None:
    """Attach the command groups to the app's CLI (``vigie …`` and ``flask …``)."""
    for command in (
        db_group,
        roles_group,
        users_group,
        notifications_group,
        backup_command,
        restore_command,
        worker_command,
        scheduler_command,
        run_command,
    ):
        app.cli.add_command(command)
