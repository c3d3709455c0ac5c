"""``jembatan emulator``: run a platform's local emulator."""

from __future__ import annotations

import click

from ..emulation import free_port, serve_forever
from ..plugins import make_plugin_manager


@click.command()
@click.argument("name")
@click.option("--port", type=click.IntRange(0, 65535), required=True,
              help="Port on 127.0.0.1 (0: any free port).")
@click.option("--seed", type=int, default=None, help="Seed for deterministic data/faults.")
@click.option("--empty", is_flag=True,
              help="Start with no data (default: example data, e.g. one Accurate database).")
def emulator(name, port, seed, empty) -> None:
    """Run the NAME emulator (accurate, ginee, forstok…) on 127.0.0.1:PORT.

    The first line printed is one JSON object with the credentials it accepts. Faults are
    injected with POST /_emulator/faults {"route": "/glob*", "fault": "server_error|
    rate_limit|slow|reset|drop_answer", "times": 1}; GET /_emulator/state shows what it holds.
    """
    factories = make_plugin_manager().registry.emulators
    if name not in factories:
        raise click.ClickException(f"no emulator named {name!r} "
                                   f"(installed: {', '.join(sorted(factories)) or 'none'})")
    instance = factories[name](seed=seed)
    if not empty:
        instance.seed_example()
    serve_forever(instance, port or free_port())


COMMANDS = [emulator]
