"""``jembatan products``: push store master products to the accounting system."""

from __future__ import annotations

import click

from ..console import plural, print_table, progress, working
from ..runtime.runner import Runner
from ..setup.operations import prepare_product_sync, product_information
from ..sync.catalogue import pushed_skus


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
                                    include_pending=include_pending, on_product=advance,
                                    stream=True)  # jobs queued as planned: flat memory
    click.echo(f"{plural(plan.to_push, 'item')} to push, {len(plan.already_there)} already in "
               f"Accurate, {len(plan.pending_action)} held back (pending action in the store), "
               f"{len(plan.rejected)} incomplete")
    for rejected in plan.rejected[:20]:
        click.echo(f"  incomplete {rejected.ref}: {rejected.reason}")
    if plan.pending_action:
        click.echo(f"  held back: {', '.join(plan.pending_action[:5])}"
                   f"{' …' if len(plan.pending_action) > 5 else ''} (resolve the pending "
                   "action in the store, or sync with --include-pending)")
    if plan.to_push:
        skus = sorted(set(plan.skus_to_push))
        with working(f"pushing items of {link_id} to Accurate", total=len(skus),
                     done=lambda: len(_created(app, link_id, skus))):
            Runner(app, link_ids=[link_id]).run_burst()
        created = len(_created(app, link_id, skus))
        refused = len(skus) - created
        click.echo(f"pushed {plural(len(skus), 'item')}: {created} created in Accurate"
                   + (f", {refused} refused (why: jembatan records products --failed --link "
                      f"{link_id})" if refused else ""))


def _created(app, link_id: str, skus: list[str]) -> set[str]:
    with app.session() as session:
        return pushed_skus(session, link_id) & set(skus)


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
