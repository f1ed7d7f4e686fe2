"""Vigie's core: ``create_app()`` builds the Flask application (no module-level app).

The factory wires configuration, the database, migrations, CSRF (before AppBuilder, or FAB's
API POSTs fail), Flask-AppBuilder with Vigie's security manager, the generated REST resources
and screens of every registered artefact, and the French translations.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

import config as vigie_config
from app.extensions import csrf, db, migrate

ROOT = Path(__file__).resolve().parent.parent


class ConfigurationError(RuntimeError):
    """The configuration would run Vigie unsafely (e.g. no secret key outside demo mode)."""


def _check_secret(app: Flask) -> None:
    if app.config.get("VIGIE_DEMO") or app.config.get("TESTING"):
        if not app.config.get("SECRET_KEY"):
            app.config["SECRET_KEY"] = vigie_config.DEMO_SECRET_KEY
        return
    key = app.config.get("SECRET_KEY") or ""
    if key in vigie_config.KNOWN_DEFAULT_KEYS or len(key) < 16:
        raise ConfigurationError(
            "VIGIE_SECRET_KEY manquante, trop courte (16 caractères minimum) ou connue : "
            "définissez une clé secrète propre à cette installation, par exemple "
            "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`, "
            "ou lancez en mode démonstration avec VIGIE_DEMO=1."
        )


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build a Vigie application; ``overrides`` win over the environment (tests use them)."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "views" / "templates"),
        static_folder=str(ROOT / "views" / "static"),
        static_url_path="/vigie-static",
        instance_path=vigie_config.load()["VIGIE_INSTANCE_DIR"],
    )
    app.config.update(vigie_config.load())
    if overrides:
        app.config.update(overrides)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(ROOT / "app" / "translations")
    _check_secret(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.config["SQLALCHEMY_DATABASE_URI"][len("sqlite:///") :]).parent.mkdir(
            parents=True, exist_ok=True
        )
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {}

    from app import models as _models  # noqa: F401  (registers every table)

    db.init_app(app)
    _sqlite_pragmas(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)

    from flask_appbuilder import AppBuilder

    from app.api.resources import register_apis
    from app.security.manager import VigieSecurityManager
    from views.applications import register_application_accounts
    from views.cards import register_cards
    from views.crud import register_views
    from views.dashboards import register_dashboards
    from views.entry import register_entry
    from views.health import register_health
    from views.home import VigieIndexView
    from views.imports import register_imports
    from views.jinja import register_template_helpers
    from views.jobs import register_jobs
    from views.live import register_live
    from views.notifications import register_notifications
    from views.reporting import ReportingPeriodLockView
    from views.review_meeting import register_review_meeting
    from views.strategy_map import register_strategy_map
    from views.tasks import register_tasks

    appbuilder = AppBuilder(
        indexview=VigieIndexView,
        security_manager_class=VigieSecurityManager,
        base_template="vigie/base.html",
    )
    with app.app_context():
        appbuilder.init_app(app, db.session)
        register_views(appbuilder)
        register_apis(appbuilder)
        register_cards(appbuilder)
        register_application_accounts(appbuilder)
        appbuilder.add_view_no_menu(ReportingPeriodLockView)
        register_entry(appbuilder)
        register_health(appbuilder)
        register_notifications(appbuilder)
        register_jobs(appbuilder)
        register_imports(appbuilder)
        register_review_meeting(appbuilder)
        register_tasks(appbuilder)
        register_dashboards(appbuilder)
        register_strategy_map(appbuilder)
        register_live(appbuilder)
    register_template_helpers(app)
    from views.public import register_public

    register_public(app)
    from reports.blueprint import register_reports

    register_reports(app)
    from views.crud import too_large

    app.register_error_handler(413, too_large)  # uploads above MAX_CONTENT_LENGTH, in French
    from app.security.guards import guard_unmarked_routes

    guard_unmarked_routes(app)

    from app.cli_commands import register_cli

    register_cli(app)
    return app


def _sqlite_pragmas(app: Flask) -> None:
    """SQLite: enforce foreign keys and allow a web server and a worker to share the file."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    from sqlalchemy import event

    with app.app_context():
        engine = db.engine

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.close()
