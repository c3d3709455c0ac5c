"""Registers the ``demo`` command."""

from __future__ import annotations

import click

from framework import hookimpl


@hookimpl
def register_commands(cli: click.Group) -> None:
    """Add ``jembatan demo``."""
    from .command import demo

    cli.add_command(demo)
