"""Terminal output for commands: tables, progress that degrades to plain lines when piped."""

from __future__ import annotations

import contextlib
import shutil
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import click
from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .storage.secrets import redact

#: tables fit a 100-column terminal; long texts (reasons, fixes) are printed below them
TABLE_WIDTH = 100


def console() -> Console:
    """Return a console on stdout, at most ``TABLE_WIDTH`` wide (piped too)."""
    width = TABLE_WIDTH
    if sys.stdout.isatty():
        width = min(width, shutil.get_terminal_size((TABLE_WIDTH, 24)).columns)
    return Console(soft_wrap=False, width=width)


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``3 items``, ``1 item``: a count and its noun."""
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


def describe_counts(counts: Mapping[str, int], noun: str, nouns: str | None = None) -> str:
    """``5 jobs: 4 succeeded, 1 failed`` from ``{"succeeded": 4, "failed": 1}``."""
    total = sum(counts.values())
    if not total:
        return f"no {nouns or noun + 's'}"
    parts = ", ".join(f"{count} {status.replace('_', ' ')}"
                      for status, count in sorted(counts.items(), key=lambda kv: -kv[1]))
    return f"{plural(total, noun, nouns)}: {parts}"


def print_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Print a table; an empty one says so instead of printing a bare header."""
    if not rows:
        click.echo(f"{title}: none")
        return
    # A rule under the header and no borders: a column costs its text plus two spaces.
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False,
                  padding=(0, 1, 0, 0))
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:  # masked before layout, so the columns fit what is shown
        table.add_row(*("" if cell is None else redact(str(cell)) for cell in row))
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


@contextlib.contextmanager
def working(description: str, total: int | None = None,
            done: Callable[[], int] | None = None, every: float = 1.0) -> Iterator[None]:
    """Show that a long step is running: a live line on a terminal, a few plain lines if piped.

    ``done`` (polled from a thread every ``every`` seconds) says how far the step is, e.g.
    the items already pushed; the caller's block does the work.
    """
    stop = threading.Event()
    shown = _status_line(description, total, done)
    if sys.stderr.isatty():
        with Console(stderr=True).status(shown()) as status, _watching(
                stop, every, lambda: status.update(shown())):
            yield
        click.echo(f"{shown()} done", err=True)
        return
    click.echo(f"{shown()}…", err=True)
    with _watching(stop, max(every, 10.0), lambda: click.echo(shown(), err=True)):
        yield


@contextlib.contextmanager
def _watching(stop: threading.Event, every: float, show: Callable[[], Any]) -> Iterator[None]:
    """Call ``show`` every ``every`` seconds from a thread while the block runs."""
    watcher = threading.Thread(target=_watch, args=(stop, every, show), daemon=True)
    watcher.start()
    try:
        yield
    finally:
        stop.set()
        watcher.join()


def _status_line(description: str, total: int | None,
                 done: Callable[[], int] | None) -> Callable[[], str]:
    def line() -> str:
        if done is None:
            return description
        try:
            count = done()
        except Exception:  # noqa: BLE001 - a progress read must never break the step
            return description
        return f"{description}: {count}" + (f"/{total}" if total else "")
    return line


def _watch(stop: threading.Event, every: float, show: Callable[[], None]) -> None:
    while not stop.wait(every):
        show()


def parse_pairs(pairs: Sequence[str], option: str) -> dict[str, str]:
    """Parse ``key=value`` setting options; ``key=env:NAME`` reads the environment.

    Secrets go through ``framework.secret_input.parse_secret_pairs`` instead.
    """
    from .secret_input import environment_value

    values = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint=option)
        values[key] = environment_value(value[4:], option) if value.startswith("env:") else value
    return values
