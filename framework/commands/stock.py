"""``jembatan stock``: pull Accurate stock into the store."""

from __future__ import annotations

import click

from ..console import print_table
from ..runner import Runner
from ..stock import prepare_stock_pull, queue_stock_pull


@click.group()
def stock() -> None:
    """Stock, Accurate → store (the seeds' Pull Stock)."""


@stock.command("pull")
@click.option("--link", "link_id", required=True, help="The link.")
@click.option("--warehouse", "store_warehouse", default=None,
              help="Only this bound store warehouse (default: every bound one).")
@click.option("--dry-run", is_flag=True, help="Only show what would change.")
@click.option("--yes", is_flag=True, help="Do not ask before overwriting store stock.")
@click.pass_obj
def pull(app, link_id, store_warehouse, dry_run, yes) -> None:
    """Overwrite the store's stock with Accurate's, for bound warehouses only.

    \b
    new store on-hand = Accurate on-hand in the bound warehouse
                        − quantities of orders already ready to ship in the store whose
                          invoice has not reached Accurate yet
    SKUs present on one side only are left alone. Shows the changes first and asks.
    """
    changes = prepare_stock_pull(app, link_id, store_warehouse)
    changing = [c for c in changes if c.changes]
    print_table(f"Stock changes for {link_id}",
                ["SKU", "store wh", "store now", "Accurate on hand", "awaiting invoice", "new"],
                [(c.sku, c.store_warehouse_id, c.store_quantity, c.accounting_on_hand,
                  c.awaiting_invoice, c.new_quantity) for c in changing])
    click.echo(f"{len(changing)} of {len(changes)} SKUs change")
    if dry_run or not changing:
        return
    if not yes and not click.confirm("Overwrite the store's stock with these quantities?"):
        raise click.ClickException("not confirmed; store stock unchanged (use --yes)")
    queue_stock_pull(app, link_id, changing)
    click.echo(f"stock pushed: {Runner(app).run_burst()}")


COMMANDS = [stock]
