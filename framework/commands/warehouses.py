"""``jembatan warehouses``: bind store and accounting warehouses one-to-one."""

from __future__ import annotations

import click

from ..configuration import bind_warehouse, unbind_warehouse, warehouse_bindings
from ..console import print_table
from ..errors import ConfigError
from ..links import build_accounting, build_commerce, get_link


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
    with app.session() as session:
        link = get_link(session, link_id)
        bound = {b.store_warehouse_id: b.accounting_warehouse
                 for b in warehouse_bindings(session, link_id)}
    with build_commerce(app, link) as commerce:
        store = commerce.list_warehouses()
    with build_accounting(app, link) as accounting:
        books = accounting.list_warehouses()
    taken = set(bound.values())
    rows = [(w.id, w.name, bound.get(w.id, "— unbound —")) for w in store]
    rows += [("", "", f"{w.name} (free)") for w in books if w.name not in taken]
    print_table(f"Warehouses of {link_id}", ["store id", "store name", "accounting"], rows)


@warehouses.command("bind")
@click.option("--link", "link_id", required=True, help="The link.")
@click.argument("store_warehouse")
@click.argument("accounting_warehouse")
@click.pass_obj
def bind(app, link_id, store_warehouse, accounting_warehouse) -> None:
    """Bind STORE_WAREHOUSE (its id) to ACCOUNTING_WAREHOUSE (its name in Accurate)."""
    with app.session() as session:
        link = get_link(session, link_id)
    store_names = _store_warehouses(app, link)
    if store_warehouse not in store_names:
        raise ConfigError(f"unknown store warehouse {store_warehouse!r} on link {link_id} "
                          f"(known: {', '.join(sorted(store_names)) or 'none'})",
                          fix=f"jembatan warehouses list --link {link_id}")
    with build_accounting(app, link) as accounting:
        books = {w.name for w in accounting.list_warehouses()}
    if accounting_warehouse not in books:
        raise ConfigError(f"unknown {link.accounting} warehouse {accounting_warehouse!r} "
                          f"(known: {', '.join(sorted(books)) or 'none'})",
                          fix=f"jembatan warehouses list --link {link_id}")
    with app.session() as session:
        bind_warehouse(session, get_link(session, link_id), store_warehouse,
                       accounting_warehouse, store_names[store_warehouse])
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


def _store_warehouses(app, link) -> dict[str, str]:
    with build_commerce(app, link) as commerce:
        return {w.id: w.name for w in commerce.list_warehouses()}


COMMANDS = [warehouses]
