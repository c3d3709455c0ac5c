"""Registration hooks, the pending-action check, and the emulator's own behaviour."""

from __future__ import annotations

import json

import httpx
import pytest

from framework.plugins import make_plugin_manager
from plugins.forstok.connector import ForstokConnector
from plugins.forstok.emulator import ForstokEmulator


@pytest.fixture(scope="module")
def manager():
    return make_plugin_manager(["plugins.forstok.hooks:plugin"])


def test_registrations(manager):
    registry = manager.registry
    assert registry.commerce("forstok") is ForstokConnector
    assert registry.lane_limit("forstok:7001").per_second == 5
    assert isinstance(registry.emulators["forstok"](seed=1), ForstokEmulator)
    assert set(ForstokConnector.credential_fields) == {"secret_key", "token"}
    assert set(ForstokConnector.setting_fields) == {"auth_url", "base_url", "seller_id",
                                                    "user_id"}


def test_control_routes_drive_the_emulator(emulator):
    def act(action, **body):
        answer = httpx.post(f"{emulator.base_url}/_emulator/{action}", json=body)
        assert answer.status_code == 200, answer.text
        return answer.json()["result"]

    warehouse = act("add_warehouse", name="Gudang Medan")
    shop = act("add_shop", channel="Tokopedia")
    act("add_product", name="Madu", variants=[{"sku": "MADU", "price": "85000",
                                               "stock": {str(warehouse): 10}}])
    order = act("create_order", shop_id=shop, warehouse_id=warehouse,
                lines=[["MADU", 2, "85000"]], status="open", shipping_fee="9000")
    act("advance_order", order_id=order, status="shipped")
    assert act("stock", warehouse_id=warehouse, sku="MADU") == 8
    [listed] = act("orders")
    assert listed["history"] == ["open", "shipped"] and listed["total_price"] == 179000
    assert listed["channel"] == "tokopedia" and listed["local_name"].startswith("INV/")
    assert [unit["sku"] for unit in listed["item_lines"]] == ["MADU", "MADU"]
    failed = httpx.post(f"{emulator.base_url}/_emulator/advance_order",
                        json={"order_id": order, "status": "lost"})
    assert failed.status_code == 400 and "unknown Forstok status" in failed.json()["error"]
    faults = httpx.post(f"{emulator.base_url}/_emulator/faults",
                        json={"route": "/api/v2/*", "fault": "server_error"})
    assert faults.json()["ok"]


@pytest.mark.parametrize(("path", "on_hand", "available"), [
    (["pending"], 10, 7),
    (["pending", "ready_to_ship"], 7, 7),
    (["open", "shipped", "delivered", "completed"], 7, 7),
    (["printed", "ready_to_ship", "cancelled"], 10, 10),
    (["pending", "cancelled"], 10, 10),
    (["ready_to_ship", "returned"], 7, 7),
])
def test_stock_follows_the_order(emulator, connector, path, on_hand, available):
    warehouse, shop = emulator.add_warehouse("Utama"), emulator.add_shop("Lazada")
    emulator.add_product("Kopi", [{"sku": "KOPI", "price": "1", "stock": {warehouse: 10}}])
    order = emulator.create_order(shop, warehouse, [("KOPI", 3, "1")], status=path[0])
    for status in path[1:]:
        emulator.advance_order(order, status)
    assert emulator.stock(warehouse, "KOPI") == on_hand
    [product] = connector.iter_products()
    assert product.available == available


def test_seed_catalogue_is_deterministic_and_flags_one_pending_action():
    first, second = ForstokEmulator(seed=1), ForstokEmulator(seed=2)
    first.seed_catalogue(20, seed=5)
    second.seed_catalogue(20, seed=5)
    assert json.dumps(first.products()) == json.dumps(second.products())
    variants = [v for item in first.products() for v in item["variants"]]
    assert all(1 <= len(item["variants"]) <= 4 for item in first.products())
    assert len(first.products()) == 20 and len({v["sku"] for v in variants}) == len(variants)
    assert sum(v["pending_action"] for v in variants) == 1


def test_credentials_line_holds_what_a_link_needs(emulator):
    info = emulator.credentials()
    assert {"auth_url", "base_url", "seller_id", "user_id", "secret_key"} <= set(info)
    assert info["base_url"] == emulator.base_url
    json.dumps(info)
