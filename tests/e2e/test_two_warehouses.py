"""Product sync with two bound warehouses, through Accurate (issue 12 item 5).

Each SKU's opening stock lands in every bound Accurate warehouse that holds it, so the next
stock pull changes nothing (it used to set the second warehouse's SKUs to 0 in the store).
"""

from __future__ import annotations

from jembatan_demo.world import WAREHOUSE

from .conftest import Scene

SECOND = "Gudang Retur"  # the world's second Accurate warehouse


def test_opening_stock_in_each_bound_warehouse_and_a_pull_that_changes_nothing(
        scene: Scene) -> None:
    scene.go_live(products=False)
    spare = str(scene.store.spare_warehouse_id)
    scene.jembatan("warehouses", "bind", "--link", scene.link, spare, SECOND)
    scene.jembatan("products", "sync", "--link", scene.link)
    scene.jembatan("worker", "--burst")
    db = scene.store.database_id
    for sku in scene.store.skus[:3]:
        assert int(scene.accurate.stock(db, sku, WAREHOUSE)[0]) == scene.store_stock(sku)
        assert int(scene.accurate.stock(db, sku, SECOND)[0]) == scene.store_stock(sku, spare)
    preview = scene.jembatan("stock", "pull", "--link", scene.link, "--dry-run").output
    before = {sku: scene.store_stock(sku, spare) for sku in scene.store.skus[:3]}
    scene.jembatan("stock", "pull", "--link", scene.link, "--yes")
    scene.jembatan("worker", "--burst")
    assert {sku: scene.store_stock(sku, spare) for sku in before} == before, preview
