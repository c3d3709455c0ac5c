"""``jembatan plugins``: what is installed."""

from __future__ import annotations

import click

from ..console import print_table
from ..plugins import make_plugin_manager


@click.command()
@click.option("--hook", default=None, help="Only plugins implementing this hook.")
def plugins(hook) -> None:
    """List installed plugins with their version and the hooks they implement."""
    manager = make_plugin_manager()
    rows = [(info.name, info.distribution or "built in", ", ".join(info.hooks))
            for info in manager.plugin_infos() if hook is None or hook in info.hooks]
    if hook and hook not in {h for h in dir(manager.hook) if not h.startswith("_")}:
        raise click.ClickException(f"no hook named {hook!r}")
    print_table("Plugins", ["plugin", "version", "hooks"], rows)
    registry = manager.registry
    click.echo("connectors: " + ", ".join(sorted(registry.connectors)))
    click.echo("job kinds: " + ", ".join(sorted(registry.job_handlers)))
    click.echo("emulators: " + ", ".join(sorted(registry.emulators)))


COMMANDS = [plugins]
