"""``jembatan products``: push store master products to the accounting system."""

from __future__ import annotations

import click
from sqlalchemy import select

from ..catalogue import ITEM, plan_product_sync, pushed_skus
from ..configuration import bindings_to_operate, warehouse_bindings
from ..console import print_table, progress
from ..links import build_accounting, build_commerce, get_link
from ..models import DocumentBindingRow
from ..queue import enqueue
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
    with app.session() as session:
        link = get_link(session, link_id)
        bindings = bindings_to_operate(session, link, store_warehouse)
        pushed = pushed_skus(session, link_id)
    # No session is held while both platforms are read: SQLite has one writer at a time.
    with build_commerce(app, link) as commerce, build_accounting(app, link) as books, \
            progress("reading store products") as advance:
        plan = plan_product_sync(commerce, books, bindings, pushed,
                                 include_pending=include_pending, on_product=advance)
    with app.session() as session:
        for job in plan.jobs:
            enqueue(session, link_id, job)
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
    with app.session() as session:
        link = get_link(session, link_id)
        warehouses = [b.accounting_warehouse for b in warehouse_bindings(session, link_id)]
        rows = session.execute(
            select(DocumentBindingRow.ref, DocumentBindingRow.accounting_id,
                   DocumentBindingRow.created_at)
            .where(DocumentBindingRow.link_id == link_id, DocumentBindingRow.kind == ITEM)
            .order_by(DocumentBindingRow.ref).limit(limit)).all()
    skus = [sku for sku, _id, _when in rows]
    on_hand: dict[str, dict[str, int]] = {}
    if skus:
        with build_accounting(app, link) as accounting:
            for warehouse in warehouses:
                on_hand[warehouse] = {level.sku: level.quantity
                                      for level in accounting.read_stock(warehouse, skus)}
    print_table(f"Products pushed by {link_id}",
                ["SKU", "Accurate id", *(f"on hand: {w}" for w in warehouses), "pushed at"],
                [(sku, item_id, *(on_hand[w].get(sku, "-") for w in warehouses),
                  when.isoformat(timespec="seconds")) for sku, item_id, when in rows])


COMMANDS = [products]
