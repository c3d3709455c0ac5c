"""``jembatan emulator``: run a platform's local emulator."""

from __future__ import annotations

import click

from ..emulation import serve_forever
from ..plugins import make_plugin_manager


@click.command()
@click.argument("name")
@click.option("--port", type=int, required=True, help="Port on 127.0.0.1.")
@click.option("--seed", type=int, default=None, help="Seed for deterministic data/faults.")
def emulator(name, port, seed) -> None:
    """Run the NAME emulator (accurate, ginee, forstok…) on 127.0.0.1:PORT.

    The first line printed is one JSON object with the credentials it accepts. Faults are
    injected with POST /_emulator/faults {"route": "/glob*", "fault": "server_error|
    rate_limit|slow|reset|drop_answer", "times": 1}; GET /_emulator/state shows what it holds.
    """
    factories = make_plugin_manager().registry.emulators
    if name not in factories:
        raise click.ClickException(f"no emulator named {name!r} "
                                   f"(installed: {', '.join(sorted(factories)) or 'none'})")
    serve_forever(factories[name](seed=seed), port)


COMMANDS = [emulator]
