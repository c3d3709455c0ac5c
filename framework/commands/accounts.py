"""``jembatan accounts``: the account map (CoA) an order needs."""

from __future__ import annotations

import click

from ..configuration import map_account
from ..console import print_table
from ..domain import Account
from ..errors import ConfigError
from ..jobs import AccountRole
from ..links import build_accounting, get_link
from ..operations import account_choices
from ..preflight import accounts_for

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
    with app.session() as session:
        link = get_link(session, link_id)
    with build_accounting(app, link) as accounting:
        accounts = list(accounting.list_accounts())
    note = check_mapping(link_id, role, number, accounts)
    with app.session() as session:
        map_account(session, get_link(session, link_id), role, number, channel)
    click.echo(f"{role.value}{' for ' + channel.upper() if channel else ''} → {number}"
               + (f" ({note})" if note else ""))


def check_mapping(link_id: str, role: AccountRole, number: str,
                  accounts: list[Account]) -> str:
    """Return a note on ``number`` for ``role``, or raise if it cannot be used.

    Raises:
        ConfigError: the account does not exist, or is of a type the role cannot use.
    """
    found = next((account for account in accounts if account.number == number), None)
    fitting = accounts_for(role, accounts)
    if found in fitting:
        return found.name
    if found is None and role is AccountRole.CUSTOMER:
        return "not in the accounting system yet: created with the first order that needs it"
    listed = ", ".join(f"{a.number} ({a.name})" for a in fitting[:6]) or "none"
    what = (f"is a {found.kind} account ({found.name})" if found is not None
            else "does not exist in the accounting system")
    needs = ROLE_NEEDS.get(role, "an account of the chart")
    raise ConfigError(f"{number} {what}; {role.value} needs {needs}",
                      fix=f"jembatan accounts map --link {link_id} {role.value} NUMBER with one "
                          f"of: {listed} (all: jembatan accounts list --link {link_id})")


#: what each role needs, in the words of the refusal
ROLE_NEEDS = {
    AccountRole.CUSTOMER: "a customer",
    AccountRole.BANK: "a cash/bank account",
    AccountRole.SHIPPING_FEE: "an account of the chart (not a customer or a bank account)",
    AccountRole.DISCOUNT: "an account of the chart (not a customer or a bank account)",
}


COMMANDS = [accounts]
