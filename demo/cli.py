"""The demo on the command line: ``vigie demo load`` and what demo mode adds to the app.

The core (``app/``, ``views/``, ``reports/``, ``workflows/``) knows nothing of the demo town:
the ``vigie`` command line, the outer shell, calls :func:`install` on every app it builds, and
this module adds the demo there and only there:

* the ``demo`` command group (``vigie demo load [--scale small|large] [--if-empty]``);
* in demo mode (``VIGIE_DEMO``), the demo town's name as ``VIGIE_TOWN_NAME`` when the
  installation sets none, so review packs, minutes and card PDFs name Montclar-sur-Lèze;
* in demo mode, one login per role for ``vigie run`` to print (:data:`app.runner.LOGIN_HINTS`).

Every ``vigie`` process goes through :func:`install` (``vigie run`` and the workers and the
scheduler it starts are ``vigie`` commands too), so a report built by a worker names the town
as the web app does. The demo's data is read only when a command needs it.
"""

from __future__ import annotations

import time

import click
from flask import Flask
from flask.cli import with_appcontext

from app.runner import LOGIN_HINTS
from demo.loader import database_is_empty, load_demo
from demo.people import demo_logins
from demo.town import TOWN_NAME


@click.group("demo", help="Ville de démonstration.")
def demo_group() -> None:
    """Demo commands."""


@demo_group.command("load")
@click.option("--scale", type=click.Choice(["small", "large"]), default="small", show_default=True)
@click.option("--if-empty", is_flag=True, help="Ne rien faire si des services existent déjà.")
@with_appcontext
def demo_load(scale: str, if_empty: bool) -> None:
    """Build the fictional town (deterministic)."""
    if if_empty and not database_is_empty():
        click.echo("Base déjà remplie : démo non rechargée.")
        return
    started = time.perf_counter()
    counts = load_demo(scale=scale)
    elapsed = time.perf_counter() - started
    summary = ", ".join(f"{name} {count}" for name, count in counts.items())
    click.echo(f"Ville de démonstration chargée en {elapsed:.1f} s : {summary}.")


def install(app: Flask) -> None:
    """Add the demo to an app built by the command line (see the module docstring)."""
    app.cli.add_command(demo_group)
    if not app.config.get("VIGIE_DEMO"):
        return
    if not app.config.get("VIGIE_TOWN_NAME"):
        app.config["VIGIE_TOWN_NAME"] = TOWN_NAME
    app.extensions.setdefault(LOGIN_HINTS, []).append(_demo_logins)


def _demo_logins() -> list[tuple[str, str, str]]:
    """The demo accounts ``vigie run`` prints (imported late: only ``vigie run`` needs them)."""
    return demo_logins()
