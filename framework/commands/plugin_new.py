"""``jembatan plugin new``: start a third-party plugin from a working skeleton."""

from __future__ import annotations

from pathlib import Path

import click

from ..plugins import make_plugin_manager
from ..scaffold import Kind, check_name, scaffold


@click.group("plugin")
def plugin() -> None:
    """Write plugins: `jembatan plugin new NAME --kind store|accounting`."""


@plugin.command("new")
@click.argument("name")
@click.option("--kind", type=click.Choice([kind.value for kind in Kind]), required=True,
              help="store (orders, products, stock come from it) or accounting (documents "
                   "go to it).")
@click.option("--into", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Folder to create jembatan-NAME in.")
def new(name: str, kind: str, into: Path) -> None:
    """Scaffold a plugin package for the platform NAME, green from the first run.

    Writes jembatan-NAME/ with hooks, connector, mapping, models, errors, assumptions, an
    emulator and tests wired to framework.testing.contract; it installs with pip and passes
    the contract suite as generated. docs/plugin-guide.md walks through making it real.
    """
    check_name(name, set(make_plugin_manager().registry.connectors))
    written = scaffold(name, Kind(kind), into)
    root = into / f"jembatan-{name}"
    click.echo(f"wrote {len(written)} files in {root}")
    click.echo("next:")
    click.echo(f"  cd {root} && pip install -e '.[test]' && pytest -q")
    click.echo(f"  jembatan plugins --settings {name}")
    click.echo("  then docs/plugin-guide.md: replace each assumption with the documented fact")


COMMANDS = [plugin]
