"""The ``vigie`` console script: a Flask CLI group bound to :func:`app.create_app`."""

from __future__ import annotations

from typing import Any

from flask.cli import FlaskGroup, routes_command, shell_command


class VigieGroup(FlaskGroup):
    """FlaskGroup without third-party plugin commands.

    Flask-Migrate registers its own ``db`` group as a plugin; Vigie's ``db upgrade`` must
    also sync roles, so plugins are not loaded and Vigie's group is the only ``db``.
    """

    def _load_plugin_commands(self) -> None:
        self._loaded_plugin_commands = True


def _create() -> Any:
    """The app of every ``vigie`` command, with the demo town installed on it.

    The command line is the one place that knows both the core and the demo: ``create_app``
    never imports the demo, and the demo's commands, its town name in demo mode and the
    logins ``vigie run`` prints are added here (:func:`demo.cli.install`).
    """
    from app import create_app
    from demo.cli import install

    app = create_app()
    install(app)
    return app


main = VigieGroup(
    name="vigie",
    help="Vigie — stratégie et qualité de la collectivité.",
    create_app=_create,
    add_default_commands=False,
    add_version_option=False,
    load_dotenv=False,
    set_debug_flag=False,
)
main.add_command(shell_command)
main.add_command(routes_command)
