"""``jembatan warehouses``: bind store and accounting warehouses one-to-one."""

from __future__ import annotations

import click

from ..console import print_table
from ..setup.configuration import unbind_warehouse
from ..setup.links import get_link
from ..setup.operations import bind_known_warehouse, warehouse_overview


@click.group()
def warehouses() -> None:
    """Warehouse bindings: nothing operates on an unbound warehouse.

    A store warehouse binds to exactly one accounting warehouse and the other way round.
    Unbinding stops sync for that warehouse; nothing already sent is deleted.
    """


@warehouses.command("list")
@click.option("--link", "link_id", required=True, help="The link.")
@click.pass_obj
def list_command(app, link_id) -> None:
    """List the warehouses of both sides and how they are bound."""
    overview = warehouse_overview(app, link_id)
    rows = [(w.id, w.name, overview.bound.get(w.id, "— unbound —")) for w in overview.store]
    rows += [("", "", f"{w.name} (free)") for w in overview.free]
    print_table(f"Warehouses of {link_id}", ["store id", "store name", "accounting"], rows)


@warehouses.command("bind")
@click.option("--link", "link_id", required=True, help="The link.")
@click.argument("store_warehouse")
@click.argument("accounting_warehouse")
@click.pass_obj
def bind(app, link_id, store_warehouse, accounting_warehouse) -> None:
    """Bind STORE_WAREHOUSE (its id) to ACCOUNTING_WAREHOUSE (its name in Accurate)."""
    bind_known_warehouse(app, link_id, store_warehouse, accounting_warehouse)
    click.echo(f"bound store warehouse {store_warehouse} ↔ {accounting_warehouse}")


@warehouses.command("unbind")
@click.option("--link", "link_id", required=True, help="The link.")
@click.argument("store_warehouse")
@click.pass_obj
def unbind(app, link_id, store_warehouse) -> None:
    """Unbind STORE_WAREHOUSE: its sync stops; documents already sent stay."""
    with app.session() as session:
        unbind_warehouse(session, get_link(session, link_id), store_warehouse)
    click.echo(f"unbound store warehouse {store_warehouse}; nothing already sent was deleted")


COMMANDS = [warehouses]
