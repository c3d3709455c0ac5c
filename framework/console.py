"""Terminal output for commands: tables, progress that degrades to plain lines when piped."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table


def console() -> Console:
    """Return a console on stdout; piped, rows are never wrapped (one line per row, for grep)."""
    return Console(soft_wrap=False, width=None if sys.stdout.isatty() else 1000)


def print_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Print a table; an empty one says so instead of printing a bare header."""
    if not rows:
        click.echo(f"{title}: none")
        return
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*("" if cell is None else str(cell) for cell in row))
    console().print(table)


@contextlib.contextmanager
def progress(description: str, total: int | None = None,
             every: int = 100) -> Iterator[Callable[[int], None]]:
    """Yield ``advance(n)``: a progress bar on a terminal, a line per ``every`` items otherwise."""
    if sys.stderr.isatty():
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=Console(stderr=True),
                      transient=False) as bar:
            task = bar.add_task(description, total=total)
            yield lambda n=1: bar.advance(task, n)
        return
    done = 0

    def advance(n: int = 1) -> None:
        nonlocal done
        before, done = done, done + n
        if before // every != done // every:
            click.echo(f"{description}: {done}" + (f"/{total}" if total else ""), err=True)

    yield advance
    click.echo(f"{description}: {done} done", err=True)


def parse_pairs(pairs: Sequence[str], option: str) -> dict[str, str]:
    """Parse ``key=value`` options; ``key=env:NAME`` reads the value from the environment."""
    import os

    values = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint=option)
        if value.startswith("env:"):
            name = value[4:]
            if name not in os.environ:
                raise click.BadParameter(f"environment variable {name} is not set",
                                         param_hint=option)
            value = os.environ[name]
        values[key] = value
    return values
