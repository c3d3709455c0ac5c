"""Product sync with two bound warehouses gives opening stock in each (issue 12 item 5).

A SKU stocked in two bound warehouses got its opening stock in the first one only; the next
stock pull then set it to 0 in the store's second warehouse.
"""

from __future__ import annotations

from decimal import Decimal

from framework.domain import Product, Warehouse
from framework.runtime.runner import Runner
from framework.setup.operations import prepare_product_sync, queue_product_sync
from framework.storage.models import WarehouseBinding
from framework.sync.stock import prepare_stock_pull
from framework.testing.plugins import book, create_mem_link, shop


def two_warehouses(app, link_id: str = "shop") -> str:
    create_mem_link(app, link_id)
    store = shop(link_id)
    store.warehouses.append(Warehouse(id="WH2", name="Surabaya"))
    store.products += [Product(sku="TOPI", name="Topi", price=Decimal(5)),
                       Product(sku="KAOS", name="Kaos", price=Decimal(9))]
    store.stock.update({("WH1", "TOPI"): 5, ("WH2", "TOPI"): 7, ("WH2", "KAOS"): 3})
    with app.session() as session:
        session.add_all([
            WarehouseBinding(link_id=link_id, store_warehouse_id="WH1",
                             accounting_warehouse="Utama"),
            WarehouseBinding(link_id=link_id, store_warehouse_id="WH2",
                             accounting_warehouse="Cadangan")])
    return link_id


def test_opening_stock_lands_in_every_bound_warehouse(app):
    link = two_warehouses(app)
    queue_product_sync(app, link, prepare_product_sync(app, link))
    Runner(app).run_burst()
    assert set(book(link).items) == {"TOPI", "KAOS"}  # each pushed once
    assert book(link).stock == {("Utama", "TOPI"): 5, ("Cadangan", "TOPI"): 7,
                                ("Cadangan", "KAOS"): 3}


def test_the_next_stock_pull_sets_nothing_to_zero(app):
    link = two_warehouses(app)
    queue_product_sync(app, link, prepare_product_sync(app, link))
    Runner(app).run_burst()
    changes = prepare_stock_pull(app, link)
    assert [c for c in changes if c.changes] == []
    assert {(c.store_warehouse_id, c.sku) for c in changes} == {
        ("WH1", "TOPI"), ("WH2", "TOPI"), ("WH2", "KAOS")}
