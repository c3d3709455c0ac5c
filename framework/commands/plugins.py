"""``jembatan plugins``: what is installed, and each platform's settings and credentials."""

from __future__ import annotations

import click

from ..console import print_table
from ..plugins import make_plugin_manager
from ..secret_input import FORMS


@click.command()
@click.argument("platform", required=False)
@click.option("--hook", default=None, help="Only plugins implementing this hook.")
@click.option("--settings", "show_settings", is_flag=True,
              help="List each platform's settings and credentials with their meaning "
                   "(only PLATFORM's if given).")
def plugins(platform, hook, show_settings) -> None:
    """List installed plugins with their version and the hooks they implement.

    \b
    With --settings, what `jembatan link create/set` takes for each platform:
      jembatan plugins --settings            every platform
      jembatan plugins --settings forstok    one platform
    """
    manager = make_plugin_manager()
    if show_settings or platform:
        _print_settings(manager.registry.connectors, platform)
        return
    rows = [(info.name, info.distribution or "built in", ", ".join(info.hooks))
            for info in manager.plugin_infos() if hook is None or hook in info.hooks]
    if hook and hook not in {h for h in dir(manager.hook) if not h.startswith("_")}:
        raise click.ClickException(f"no hook named {hook!r}")
    print_table("Plugins", ["plugin", "version", "hooks"], rows)
    registry = manager.registry
    click.echo("connectors: " + ", ".join(sorted(registry.connectors)))
    click.echo("job kinds: " + ", ".join(sorted(registry.job_handlers)))
    click.echo("emulators: " + ", ".join(sorted(registry.emulators)))
    click.echo("settings and credentials of each platform: jembatan plugins --settings")


def _print_settings(connectors, platform: str | None) -> None:
    from ..connectors import CommerceConnector

    if platform and platform not in connectors:
        raise click.ClickException(f"no platform named {platform!r}; installed: "
                                   f"{', '.join(sorted(connectors))}")
    for name in [platform] if platform else sorted(connectors):
        cls = connectors[name]
        side = "store" if issubclass(cls, CommerceConnector) else "accounting"
        article = "an" if side == "accounting" else "a"
        click.secho(f"{name} ({cls.title}): {article} {side} platform", bold=True)
        click.echo(f"  settings (jembatan link create/set … --{side}-setting KEY=VALUE):")
        for key, meaning in cls.setting_fields.items():
            click.echo(f"    {key:<18} {meaning}")
        if not cls.setting_fields:
            click.echo("    (none)")
        click.echo(f"  credentials, encrypted at rest (--{side}-credential KEY={FORMS}):")
        derived = set(cls.derived_credentials)
        for key in cls.credential_fields:
            meaning = cls.credential_help.get(key, "")
            if key in derived and not meaning:
                meaning = "obtained by jembatan itself (never entered)"
            click.echo(f"    {key:<18} {meaning}".rstrip())
        if not cls.credential_fields:
            click.echo("    (none)")


COMMANDS = [plugins]
