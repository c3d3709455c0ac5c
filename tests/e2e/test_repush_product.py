"""A re-pushed product is sent as the store has it now (issue 12 item 8).

The product push fails (the bound Accurate warehouse was deleted in Accurate); meanwhile the
seller renames the product and changes its price in the store. After the binding is fixed,
``jembatan repush`` must create the item with the new name and price, once.
"""

from __future__ import annotations

from decimal import Decimal

import httpx

from jembatan_demo.world import WAREHOUSE

from .conftest import Scene

NEW_NAME = "Kaos Polos Edisi Baru"
NEW_PRICE = Decimal("123400")
DOOMED = "Gudang Lama"  # an Accurate warehouse deleted after it was bound


def test_a_re_pushed_product_has_the_store_s_current_name_and_price(scene: Scene) -> None:
    scene.go_live(products=False)
    sku = scene.store.skus[0]
    warehouse = str(scene.store.warehouse_id)
    db = scene.store.database_id
    scene.accurate.add_warehouse(db, DOOMED)
    scene.jembatan("warehouses", "unbind", "--link", scene.link, warehouse)
    scene.jembatan("warehouses", "bind", "--link", scene.link, warehouse, DOOMED)
    with scene.accurate.lock:  # the accountant deletes it: Accurate refuses the items
        del scene.accurate.databases[db].warehouses[DOOMED]
    scene.jembatan("products", "sync", "--link", scene.link)
    failed = scene.jembatan("records", "--link", scene.link, "--failed").output
    assert f"Gudang {DOOMED} tidak tepat" in failed
    assert not [item for item in scene.documents("item") if item["no"] == sku]

    # The seller edits the product in the store (the emulator's control route).
    answer = httpx.post(f"{scene.store.emulator.base_url}/_emulator/update_product",
                        json={"sku": sku, "name": NEW_NAME, "price": str(NEW_PRICE)})
    assert answer.status_code == 200, answer.text
    scene.jembatan("warehouses", "unbind", "--link", scene.link, warehouse)
    scene.jembatan("warehouses", "bind", "--link", scene.link, warehouse, WAREHOUSE)
    scene.jembatan("repush", "--all-failed", "--link", scene.link, "--kind", "product")
    scene.jembatan("worker", "--burst")

    items = [item for item in scene.documents("item") if item["no"] == sku]
    assert len(items) == 1, items
    assert NEW_NAME in items[0]["name"]
    assert Decimal(str(items[0]["unitPrice"])) == NEW_PRICE
    assert scene.on_hand(sku) == scene.store_stock(sku)
    # A second re-push adopts the item: still one, nothing failed.
    scene.jembatan("repush", "--all-failed", "--link", scene.link, "--kind", "product")
    scene.jembatan("worker", "--burst")
    assert len([item for item in scene.documents("item") if item["no"] == sku]) == 1
    assert "tidak tepat" not in scene.jembatan("records", "--link", scene.link,
                                                "--failed").output
