"""The ``vigie`` console script: a Flask CLI group bound to :func:`app.create_app`."""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any

from flask.cli import FlaskGroup, routes_command, shell_command

from app.composition import create_app

#: Entry-point group of the command-line plugins: ``install(app)`` callables.
PLUGIN_GROUP = "vigie.cli"


class VigieGroup(FlaskGroup):
    """FlaskGroup without third-party plugin commands.

    Flask-Migrate registers its own ``db`` group as a plugin; Vigie's ``db upgrade`` must
    also sync roles, so plugins are not loaded and Vigie's group is the only ``db``.
    """

    def _load_plugin_commands(self) -> None:
        self._loaded_plugin_commands = True


def _create() -> Any:
    """The app of every ``vigie`` command, with the command-line plugins installed on it.

    Packages that extend the command line declare an entry point in the ``vigie.cli`` group
    (the demo town does: ``demo.cli:install`` adds ``vigie demo``, its town name and the
    logins ``vigie run`` prints). So neither the core nor this module imports the demo, and
    an installation without it simply has no ``vigie demo``.
    """
    app = create_app()
    for plugin in entry_points(group=PLUGIN_GROUP):
        plugin.load()(app)
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
