"""The ``jembatan`` command line: core commands plus whatever plugins add.

Every command receives the ``App`` (database, plugins, secrets) as ``ctx.obj``; it is built
lazily, so ``--help`` never touches the database. Any ``IntegrationError`` becomes one line on
stderr and exit status 1, never a traceback.
"""

from __future__ import annotations

import importlib
import logging
import sys
from typing import Any

import click

from .errors import IntegrationError

#: core command modules, each exporting ``COMMANDS`` (a list of click commands)
CORE_COMMAND_MODULES = (
    "framework.commands.link",
    "framework.commands.warehouses",
    "framework.commands.accounts",
    "framework.commands.features",
    "framework.commands.check",
    "framework.commands.products",
    "framework.commands.stock",
    "framework.commands.orders",
    "framework.commands.status",
    "framework.commands.worker",
    "framework.commands.records",
    "framework.commands.payouts",
    "framework.commands.plugins",
    "framework.commands.plugin_new",
    "framework.commands.emulator",
    "framework.commands.web",
    "framework.commands.users",
)


class LazyApp:
    """Builds the ``App`` on first use, so that ``--help`` and bad URLs fail late and cleanly."""

    def __init__(self, database_url: str | None) -> None:
        self.database_url = database_url
        self._app: Any = None

    def get(self) -> Any:
        """Return the ``App``, creating it (and migrating the database) on first call."""
        if self._app is None:
            from .app import App

            self._app = App.create(database_url=self.database_url)
        return self._app

    def close(self) -> None:
        """Release the ``App``'s database connections, if it was ever built."""
        if self._app is not None:
            self._app.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.get(), name)


class JembatanGroup(click.Group):
    """A click group that turns jembatan's errors into one-line messages."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command with every printed line redacted.

        An ``IntegrationError`` becomes a one-line ``ClickException``, redacted too: a platform
        may echo a token back in its error.
        """
        from .storage.secrets import redact, redacted_output

        with redacted_output():
            try:
                return super().invoke(ctx)
            except IntegrationError as error:
                raise click.ClickException(redact(str(error))) from None
            except click.ClickException as error:
                error.message = redact(error.message)
                raise


@click.group(cls=JembatanGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--database", "database_url", envvar="JEMBATAN_DATABASE_URL", metavar="URL",
              help="Database URL (default sqlite:///./jembatan.db; PostgreSQL for many "
                   "workers: postgresql://user@host/db). Env: JEMBATAN_DATABASE_URL.")
@click.option("-v", "--verbose", is_flag=True, help="Log what happens (secrets redacted).")
@click.version_option(package_name="jembatan")
@click.pass_context
def cli(ctx: click.Context, database_url: str | None, verbose: bool) -> None:
    """jembatan: keep a Ginee or Forstok store and Accurate Online in step.

    \b
    The seed guides' flow, one command a step:
      jembatan link create ...          join a store to an Accurate database
      jembatan warehouses bind ...      bind store and Accurate warehouses one-to-one
      jembatan accounts map ...         map customers, bank and fee accounts
      jembatan features set ...         invoice, auto-paid, stock-sync on/off
      jembatan check                    pre-flight: what blocks go-live, with the fix
      jembatan products sync            push new store products to Accurate
      jembatan stock pull               overwrite store stock with Accurate's
      jembatan orders sync / worker     turn orders into Accurate documents
      jembatan records / repush         what was sent, what failed and why

    Try `jembatan demo` to watch the whole flow against local emulators.
    """
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    ctx.obj = LazyApp(database_url)
    ctx.call_on_close(ctx.obj.close)  # no connection outlives the command


def _add_core_commands(group: click.Group) -> None:
    for module_name in CORE_COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name == module_name:
                continue  # a command module not written yet must not break the others
            raise
        for command in _module_commands(module):
            group.add_command(command)


def _module_commands(module: Any) -> list[click.Command]:
    commands = getattr(module, "COMMANDS", None)
    if commands is not None:
        return list(commands)
    return [value for value in vars(module).values()
            if isinstance(value, click.Command) and value.callback is not None
            and value.callback.__module__ == module.__name__]


def _add_plugin_commands(group: click.Group) -> None:
    from .plugins import make_plugin_manager

    make_plugin_manager().hook.register_commands(cli=group)


def build_cli() -> click.Group:
    """Return the ``jembatan`` group with core and plugin commands added."""
    if not getattr(cli, "_jembatan_loaded", False):
        _add_core_commands(cli)
        _add_plugin_commands(cli)
        cli._jembatan_loaded = True  # type: ignore[attr-defined]
    return cli


def main() -> None:
    """Console-script entry point."""
    from .storage.secrets import install_redaction, redacted_output

    install_redaction()
    with redacted_output():  # also what click prints itself, and any traceback
        try:
            build_cli()(prog_name="jembatan")
        except IntegrationError as error:  # raised while plugins load, before any command runs
            click.echo(f"Error: {error}", err=True)
            sys.exit(1)
