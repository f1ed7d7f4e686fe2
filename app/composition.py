"""The composition root: ``create_app()`` builds the Flask application (no module-level app).

The one module allowed to import every layer. It wires configuration, the database, the unit
of work's commit hooks, migrations, CSRF (before AppBuilder, or FAB's API POSTs fail),
Flask-AppBuilder with Vigie's security manager, the generated REST resources and screens of
every registered artefact, the cards, the reports layer (templates, PDF renderer, report
kinds), the daily digests' job kinds, and the French translations.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from flask_appbuilder import AppBuilder
from sqlalchemy import event

import config as vigie_config
import reports.registration as reports_layer  # the reports layer's one entry point
import views.registration as screens  # the screens' one entry point
from app import models as _models  # noqa: F401  (every table, before the database is bound)
from app.api.resources import register_apis
from app.cli_commands import register_cli
from app.cross_site import install as install_cross_site_defences
from app.exports.job import register_kinds as register_export_kinds
from app.extensions import csrf, db, migrate
from app.faults import engine_options, register_fault_handlers
from app.health_checks import register_health_checks
from app.http import register_error_handlers
from app.input_gate import bound_record_ids
from app.input_gate import install as install_input_gate
from app.models.indicators import compared_by_autogenerate
from app.notifications.reminders import register_kinds as register_reminder_kinds
from app.security import administration as security_administration
from app.security import audit as security_audit
from app.security.guards import guard_unmarked_routes
from app.security.login_and_sessions import install as install_login_and_sessions
from app.security.manager import VigieSecurityManager
from app.unit_of_work import install as install_unit_of_work

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
    engine_options(app)  # PostgreSQL: pre-ping and a connect timeout, to outlive a restart

    bound_record_ids(app)  # before any route is added
    db.init_app(app)
    install_unit_of_work(db)
    security_audit.install()  # users, memberships, roles and keys in the history
    _sqlite_pragmas(app)
    migrate.init_app(
        app,
        db,
        directory=str(ROOT / "migrations"),
        render_as_batch=True,
        include_object=compared_by_autogenerate,
    )
    csrf.init_app(app)

    # job kinds first: the API resources and screens offer a report route per kind
    reports_layer.register_reports(app)
    register_reminder_kinds()
    register_export_kinds()
    appbuilder = AppBuilder(
        indexview=screens.INDEX_VIEW,
        security_manager_class=VigieSecurityManager,
        base_template=screens.BASE_TEMPLATE,
    )
    with app.app_context():
        appbuilder.init_app(app, db.session)
        screens.register_screens(appbuilder)
        register_apis(appbuilder)
    screens.register_pages(app)
    install_login_and_sessions(app)
    register_error_handlers(app)
    register_fault_handlers(app)  # database unreachable: a French 503 with Retry-After
    register_health_checks(app)  # GET /health and /health/ready
    install_input_gate(app)
    guard_unmarked_routes(app)
    security_administration.install(app)  # roles in code, keys only for applications
    install_cross_site_defences(app)  # CSRF on every session write, redirects on site
    register_cli(app)
    return app


def _sqlite_pragmas(app: Flask) -> None:
    """SQLite: enforce foreign keys and allow a web server and a worker to share the file."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        engine = db.engine

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.close()
