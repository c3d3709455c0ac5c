"""``jembatan accounts``: the account map (CoA) an order needs."""

from __future__ import annotations

import click

from ..configuration import account_mappings, map_account
from ..console import print_table
from ..jobs import AccountRole
from ..links import build_accounting, get_link

ROLES = [role.value for role in AccountRole]


@click.group()
def accounts() -> None:
    """Account mapping: customers per channel, bank, shipping-fee and discount accounts.

    \b
    Roles:
      customer       the Accurate customer for a channel's orders (--channel SHOPEE), or
                     for every channel without its own (no --channel)
      bank           cash/bank account receiving Auto Paid receipts
      shipping_fee   account for the shipping fee charged on invoices
      discount       account for order-level discounts
    """


@accounts.command("list")
@click.option("--link", "link_id", required=True, help="The link.")
@click.pass_obj
def list_command(app, link_id) -> None:
    """List the accounting system's accounts and customers, and the current map."""
    with app.session() as session:
        link = get_link(session, link_id)
        mapped = [(m.role.value, m.qualifier or "(all)", m.value)
                  for m in account_mappings(session, link_id)]
    with build_accounting(app, link) as accounting:
        rows = [(a.number, a.name, a.kind) for a in accounting.list_accounts()]
    print_table(f"Accounts in {link.accounting}", ["number", "name", "kind"], rows)
    print_table(f"Account map of {link_id}", ["role", "channel", "number"], mapped)


@accounts.command("map")
@click.option("--link", "link_id", required=True, help="The link.")
@click.option("--channel", default="", help="Only for this sales channel (customer role).")
@click.argument("role", type=click.Choice(ROLES))
@click.argument("number")
@click.pass_obj
def map_command(app, link_id, channel, role, number) -> None:
    """Map ROLE to the account or customer NUMBER."""
    with app.session() as session:
        map_account(session, get_link(session, link_id), AccountRole(role), number, channel)
    click.echo(f"{role}{' for ' + channel.upper() if channel else ''} → {number}")


COMMANDS = [accounts]
