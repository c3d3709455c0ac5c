"""``jembatan products``: push store master products to the accounting system."""

from __future__ import annotations

import click

from ..console import print_table, progress
from ..operations import prepare_product_sync, product_information, queue_product_sync
from ..runner import Runner


@click.group()
def products() -> None:
    """Product sync, store → Accurate (the seeds' Product Synchronization)."""


@products.command("sync")
@click.option("--link", "link_id", required=True, help="The link.")
@click.option("--warehouse", "store_warehouse", default=None,
              help="Only this bound store warehouse (default: every bound one).")
@click.option("--include-pending", is_flag=True,
              help="Also send SKUs that have a pending action in the store.")
@click.pass_obj
def sync(app, link_id, store_warehouse, include_pending) -> None:
    """Create Accurate items for store SKUs not yet in Accurate: one per variant, never twice.

    Name → Item Name, SKU → Item Code, available stock → opening quantity in the bound
    warehouse, default price → default sales price; no images. Failures are push records
    (`jembatan records products --failed`) and can be re-pushed.
    """
    with progress("reading store products") as advance:
        plan = prepare_product_sync(app, link_id, store_warehouse,
                                    include_pending=include_pending, on_product=advance)
    queue_product_sync(app, link_id, plan)
    click.echo(f"{plan.to_push} to push, {len(plan.already_there)} already in Accurate, "
               f"{len(plan.pending_action)} held back (pending action), "
               f"{len(plan.rejected)} incomplete")
    for rejected in plan.rejected[:20]:
        click.echo(f"  incomplete {rejected.ref}: {rejected.reason}")
    if plan.jobs:
        counts = Runner(app).run_burst()
        click.echo(f"pushed: {counts}")


@products.command("show")
@click.option("--link", "link_id", required=True, help="The link.")
@click.option("--limit", default=50, show_default=True, help="Rows to show.")
@click.pass_obj
def show(app, link_id, limit) -> None:
    """Show the products pushed to Accurate with their stock per bound Accurate warehouse.

    The seeds' "Warehouse – Accurate Warehouse – Product Information" view: every SKU
    jembatan pushed, its Accurate id, and Accurate's on-hand in each bound warehouse now.
    """
    warehouses, rows = product_information(app, link_id, limit=limit)
    print_table(f"Products pushed by {link_id}",
                ["SKU", "Accurate id", *(f"on hand: {w}" for w in warehouses), "pushed at"],
                [(row.sku, row.accounting_id, *(row.on_hand.get(w, "-") for w in warehouses),
                  row.pushed_at.isoformat(timespec="seconds")) for row in rows])


COMMANDS = [products]
