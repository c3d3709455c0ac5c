"""Products, stock reads and stock writes through the connector, checked on the emulator."""

from decimal import Decimal

import pytest

from framework.domain import ItemResult, Product, Rejected, StockLevel
from framework.errors import ProviderConfigError, ProviderPermanentError

STOCK_UPDATE = "/openapi/warehouse-inventory/v1/product/stock/update"


def test_one_product_per_variation_brief_with_price_and_stock(connector, world):
    products = {p.sku: p for p in connector.iter_products()}
    assert set(products) == {"KAOS-M", "KAOS-L", "KOPI-250", "SMBL-1"}
    assert products["KAOS-M"] == Product(
        sku="KAOS-M", name="Kaos Polos - M", price=Decimal("50000"), warehouse_id=world.main,
        available=10, parent_name="Kaos Polos")
    kopi = products["KOPI-250"]
    assert (kopi.price, kopi.warehouse_id, kopi.available, kopi.pending_action) == (
        Decimal("85000.50"), world.second, 20, False)  # Ginee has no pendingAction


def test_products_in_a_given_warehouse_count_that_warehouse(connector, world):
    products = {p.sku: p for p in connector.iter_products(warehouse_id=world.second)}
    assert products["KAOS-M"].available == 3 and products["KAOS-M"].warehouse_id == world.second
    assert products["KAOS-L"].available == 0  # no stock row there


def test_available_subtracts_stock_locked_by_open_orders(emulator, connector, world):
    emulator.create_order(world.shopee, world.main, [("KAOS-M", 4, "50000")], status="PAID")
    products = {p.sku: p for p in connector.iter_products(warehouse_id=world.main)}
    assert products["KAOS-M"].available == 6
    assert emulator.stock(world.main, "KAOS-M") == 10  # on hand unchanged until shipped


def test_incomplete_variants_are_rejected_and_the_rest_still_flows(emulator, connector, world):
    emulator.add_product("Tas Kanvas", [{"sku": "TAS-1", "price": None}, {"sku": "TAS-2",
                                                                        "price": "99000"}])
    results = list(connector.iter_products())
    rejected = [r for r in results if isinstance(r, Rejected)]
    assert [(r.ref, r.kind) for r in rejected] == [("TAS-1", "product")]
    assert "no selling price" in rejected[0].reason
    assert "TAS-2" in {r.sku for r in results if isinstance(r, Product)}


def test_a_large_catalogue_streams_page_by_page(emulator, connector):
    emulator.seed_catalogue(1200, seed=5)
    stream = connector.iter_products()
    first = next(stream)
    master_calls = [p for p, _ in emulator.requests_seen if p.endswith("master/v1/list")]
    assert isinstance(first, Product) and len(master_calls) == 1
    rest = list(stream)
    assert len(rest) + 1 == 1200
    assert len({p.sku for p in rest} | {first.sku}) == 1200
    limits = {"/openapi/product/master/v1/list": 499,
              "/openapi/warehouse-inventory/v1/sku/list": 49,
              "/openapi/product/variation/v1/list-price": 100,
              "/openapi/warehouse/v1/search": 100}
    for path, body in emulator.requests_seen:
        assert body.get("size", 0) <= limits[path], path
        if path.endswith("sku/list"):
            assert body["warehouseId"] and len(body.get("masterSkuList") or ()) <= 49
        assert len(body.get("masterVariationIds") or ()) <= 100
    pages = -(-len(emulator.store.masters) // 499)
    assert [b["size"] for p, b in emulator.requests_seen if p.endswith("master/v1/list")] == [
        499] * pages and pages > 1


def test_seeded_catalogue_is_deterministic(emulator):
    from plugins.ginee.emulator import GineeEmulator

    other = GineeEmulator(seed=99)
    assert emulator.seed_catalogue(40, seed=3) and other.seed_catalogue(40, seed=3)
    names = [(p["name"], [v["sku"] for v in p["variationBriefs"]]) for p in emulator.products()]
    assert names == [(p["name"], [v["sku"] for v in p["variationBriefs"]])
                     for p in other.products()]
    assert all(1 <= len(p["variationBriefs"]) <= 4 for p in emulator.products())


def test_read_stock_is_on_hand_in_one_warehouse(emulator, connector, world):
    emulator.create_order(world.shopee, world.main, [("KAOS-L", 2, "52000")], status="PAID")
    levels = {lv.sku: lv.quantity for lv in connector.read_stock(world.main)}
    assert levels == {"KAOS-M": 10, "KAOS-L": 7, "SMBL-1": 0}  # locked stock is still on hand
    assert {lv.sku for lv in connector.read_stock(world.second)} == {"KAOS-M", "KOPI-250"}


def test_shipping_an_order_takes_stock_off_hand(emulator, connector, world):
    order_id = emulator.create_order(world.shopee, world.main, [("KAOS-L", 2, "52000")])
    emulator.advance_order(order_id, "READY_TO_SHIP")
    emulator.advance_order(order_id, "SHIPPING")  # no second deduction
    assert {lv.sku: lv.quantity for lv in connector.read_stock(world.main)}["KAOS-L"] == 5


def test_set_stock_writes_exactly_the_listed_skus(emulator, connector, world):
    before = {(wh, sku): emulator.stock(wh, sku) for wh in (world.main, world.second)
              for sku in ("KAOS-M", "KAOS-L", "KOPI-250", "SMBL-1")}
    results = connector.set_stock(world.main, [StockLevel(sku="KAOS-M", warehouse_id=world.main,
                                                          quantity=42),
                                               StockLevel(sku="SMBL-1", warehouse_id=world.main,
                                                          quantity=0)])
    assert results == [ItemResult(sku="KAOS-M", ok=True), ItemResult(sku="SMBL-1", ok=True)]
    after = {key: emulator.stock(*key) for key in before}
    changed = {key for key in before if before[key] != after[key]}
    assert changed == {(world.main, "KAOS-M")}  # SMBL-1 was already 0; nothing else moved
    assert after[(world.main, "KAOS-M")] == 42 and after[(world.main, "SMBL-1")] == 0
    assert after[(world.second, "KAOS-M")] == 3  # same SKU, other warehouse: untouched


def test_set_stock_reports_per_sku_failures_from_ginee(emulator, connector, world):
    results = connector.set_stock(world.main, [
        StockLevel(sku="KAOS-L", warehouse_id=world.main, quantity=5),
        StockLevel(sku="NOPE-1", warehouse_id=world.main, quantity=5),
        StockLevel(sku="KAOS-M", warehouse_id=world.main, quantity=-3),
        StockLevel(sku="KOPI-250", warehouse_id=world.second, quantity=1),
    ])
    by_sku = {r.sku: r for r in results}
    assert by_sku["KAOS-L"].ok and emulator.stock(world.main, "KAOS-L") == 5
    assert not by_sku["NOPE-1"].ok and "does not exist" in by_sku["NOPE-1"].message
    assert "BUSINESS_ERROR" in by_sku["NOPE-1"].message  # Ginee's code and message kept
    assert not by_sku["KAOS-M"].ok and "from 0 to 999998" in by_sku["KAOS-M"].message
    assert emulator.stock(world.main, "KAOS-M") == 10
    assert not by_sku["KOPI-250"].ok and emulator.stock(world.second, "KOPI-250") == 20
    assert len(results) == 4


def test_set_stock_batches_by_20_and_writes_every_sku(emulator, connector):
    warehouse = emulator.add_warehouse("Gudang Besar")
    emulator.seed_catalogue(250, seed=1)
    skus = [v["sku"] for p in emulator.products() for v in p["variationBriefs"]]
    levels = [StockLevel(sku=sku, warehouse_id=warehouse, quantity=n) for n, sku in enumerate(skus)]
    results = connector.set_stock(warehouse, levels)
    assert all(r.ok for r in results) and [r.sku for r in results] == skus
    assert [emulator.stock(warehouse, sku) for sku in skus] == list(range(250))
    sizes = [len(body["stockList"]) for path, body in emulator.requests_seen
             if path == STOCK_UPDATE]
    assert sizes == [20] * 12 + [10]


def test_the_emulator_refuses_more_than_20_skus_and_a_missing_warehouse(connector, world):
    stock_list = [{"masterSku": "KAOS-M", "quantity": 1}] * 21
    with pytest.raises(ProviderPermanentError, match="between 1 and 20") as info:
        connector.client.post(STOCK_UPDATE, {"warehouseId": world.main, "stockList": stock_list})
    assert info.value.code == "PARAMETER_ERROR"
    with pytest.raises(ProviderPermanentError,
                       match="Parameter should not be empty: warehouseId"):
        connector.client.post("/openapi/warehouse-inventory/v1/sku/list", {"page": 0})


def test_set_stock_answers_the_documented_stock_list(connector, world):
    data = connector.client.update_stock(world.main, [("KAOS-M", 30)])
    assert data["warehouseId"] == world.main
    (row,) = data["stockList"]
    assert (row["masterSku"], row["warehouseStock"]) == ("KAOS-M", 30)
    assert {"masterProductName", "masterVariationId", "transportStock", "spareStock",
            "promotionStock", "lockedStock", "availableStock", "safetyStock", "outStock",
            "updateDatetime"} <= set(row)
    assert "successList" not in data and "failedList" not in data


def test_a_lost_answer_on_set_stock_is_retried_safely(emulator, connector, world):
    emulator.faults.add(STOCK_UPDATE, "drop_answer", times=1)
    results = connector.set_stock(world.main, [StockLevel(sku="KAOS-M", warehouse_id=world.main,
                                                          quantity=8)])
    assert results == [ItemResult(sku="KAOS-M", ok=True)]
    assert emulator.stock(world.main, "KAOS-M") == 8


def test_set_stock_in_an_unknown_warehouse_fails_each_sku(connector, world):
    results = connector.set_stock("WH-NOPE", [StockLevel(sku="KAOS-M", warehouse_id="WH-NOPE",
                                                         quantity=1)])
    assert not results[0].ok and "WH-NOPE does not exist" in results[0].message


def test_credential_errors_are_not_hidden_in_item_results(emulator, clock, world):
    from ginee_support import make_connector

    with make_connector(emulator, clock, secret_key="wrong") as bad:
        with pytest.raises(ProviderConfigError):
            bad.set_stock(world.main, [StockLevel(sku="KAOS-M", warehouse_id=world.main,
                                                  quantity=1)])
    assert emulator.stock(world.main, "KAOS-M") == 10
