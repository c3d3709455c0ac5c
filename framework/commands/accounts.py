"""``jembatan accounts``: the account map (CoA) an order needs."""

from __future__ import annotations

import click

from ..console import print_table
from ..jobs import AccountRole
from ..setup.links import get_link
from ..setup.operations import account_choices, map_checked_accounts

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
    choices = account_choices(app, link_id)
    with app.session() as session:
        accounting = get_link(session, link_id).accounting
    rows = [(a.number, a.name, a.kind) for a in choices.accounts]
    mapped = [(role, channel or "(all)", number)
              for (role, channel), number in sorted(choices.mapped.items())]
    print_table(f"Accounts in {accounting}", ["number", "name", "kind"], rows)
    print_table(f"Account map of {link_id}", ["role", "channel", "number"], mapped)


@accounts.command("map")
@click.option("--link", "link_id", required=True, help="The link.")
@click.option("--channel", default="", help="Only for this sales channel (customer role).")
@click.argument("role", type=click.Choice(ROLES))
@click.argument("number")
@click.pass_obj
def map_command(app, link_id, channel, role, number) -> None:
    """Map ROLE to the account or customer NUMBER, after checking it exists with that type.

    bank needs a cash/bank account, shipping_fee and discount another account of the chart;
    customer needs a customer (a customer number not in Accurate yet is created with the
    first order that needs it).
    """
    role = AccountRole(role)
    [note] = map_checked_accounts(app, link_id, [(role, number, channel)])
    click.echo(f"{role.value}{' for ' + channel.upper() if channel else ''} → {number}"
               + (f" ({note})" if note else ""))


COMMANDS = [accounts]
