"""``jembatan features``: per-link switches."""

from __future__ import annotations

import click

from ..jobs import Feature
from ..setup.configuration import enabled_features, set_feature
from ..setup.links import get_link

NAMES = {feature.value.replace("_", "-"): feature for feature in Feature}


@click.group()
def features() -> None:
    """Feature switches per link.

    \b
      invoice       create the Sales Invoice when an order is ready to ship (default on)
      auto-paid     create the Sales Receipt right after the invoice
      stock-sync    the worker keeps pulling Accurate stock into the store
      sales-return  book a sales return for returned orders (else: left to the operator)
    """


@features.command("set")
@click.option("--link", "link_id", required=True, help="The link.")
@click.argument("feature", type=click.Choice(sorted(NAMES)))
@click.argument("state", type=click.Choice(["on", "off"]))
@click.pass_obj
def set_command(app, link_id, feature, state) -> None:
    """Switch FEATURE on or off."""
    with app.session() as session:
        set_feature(get_link(session, link_id), NAMES[feature], state == "on")
    click.echo(f"{feature} {state} for {link_id}")


@features.command("show")
@click.option("--link", "link_id", required=True, help="The link.")
@click.pass_obj
def show(app, link_id) -> None:
    """Show which features are on."""
    with app.session() as session:
        on = enabled_features(get_link(session, link_id))
    for name, feature in sorted(NAMES.items()):
        click.echo(f"{name}: {'on' if feature in on else 'off'}")


COMMANDS = [features]
