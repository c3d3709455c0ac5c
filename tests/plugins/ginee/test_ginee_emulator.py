"""The emulator's control routes, state, credentials, order life, and the plugin's hooks."""

import json
import subprocess
import sys
import time

import httpx
import pytest

from framework.connectors import LinkContext
from framework.jobs import LinkInfo
from framework.plugins import make_plugin_manager
from framework.setup.checks import CheckContext
from framework.testing.processes import stop
from plugins.ginee.connector import GineeConnector
from plugins.ginee.emulator import GineeEmulator


def control(emulator, action, **kwargs):
    response = httpx.post(f"{emulator.base_url}/_emulator/{action}", json=kwargs)
    assert response.status_code == 200, response.text
    return response.json()["result"]


def test_control_routes_drive_the_same_emulator(emulator, connector, clock):
    shop = control(emulator, "add_shop", channel="lazada")
    warehouse = control(emulator, "add_warehouse", name="Gudang Bandung")
    control(emulator, "add_product", name="Madu Hutan", variants=[
        {"sku": "MADU-1", "price": "120000", "stock": {warehouse: 9}}])
    order_id = control(emulator, "create_order", shop_id=shop, warehouse_id=warehouse,
                       lines=[["MADU-1", 2, "120000"]], status="PENDING_PAYMENT",
                       shipping_fee="15000", created_at="2026-11-20T07:00:00Z")
    control(emulator, "advance_clock", seconds=600)
    control(emulator, "advance_order", order_id=order_id, status="READY_TO_SHIP")
    assert control(emulator, "stock", warehouse_id=warehouse, sku="MADU-1") == 7
    order = connector.get_order(order_id)
    assert order.channel == "LAZADA" and order.total == 255000
    assert order.updated_at > order.created_at
    assert [o["orderId"] for o in control(emulator, "orders")] == [order_id]
    assert control(emulator, "products")[0]["variationBriefs"][0]["stockByWarehouse"] == {
        warehouse: 7}
    state = httpx.get(f"{emulator.base_url}/_emulator/state").json()
    assert state["orders"][0]["orderStatus"] == "READY_TO_SHIP"


def test_control_route_errors_are_readable(emulator):
    response = httpx.post(f"{emulator.base_url}/_emulator/advance_order",
                          json={"order_id": "SO-NOPE", "status": "PAID"})
    assert response.status_code == 400 and "SO-NOPE" in response.json()["error"]


def test_fault_routes_of_the_base_class_still_work(emulator, connector, world):
    httpx.post(f"{emulator.base_url}/_emulator/faults",
               json={"route": "/openapi/warehouse/v1/search", "fault": "server_error"})
    assert len(connector.list_warehouses()) == 2  # retried
    assert emulator.faults.injected == [("/openapi/warehouse/v1/search", "server_error")]


def test_progress_orders_walks_the_happy_path(emulator, world):
    order_id = emulator.create_order(world.shopee, world.main, [("KAOS-M", 1, "50000")],
                                     status="PENDING_PAYMENT")
    seen = []
    while emulator.progress_orders():
        seen.append(next(o for o in emulator.orders() if o["orderId"] == order_id)["orderStatus"])
    assert seen == ["PAID", "READY_TO_SHIP", "SHIPPING", "DELIVERED", "COMPLETED"]
    assert emulator.stock(world.main, "KAOS-M") == 9


def test_cancelling_before_shipping_releases_locked_stock(emulator, world):
    order_id = emulator.create_order(world.shopee, world.main, [("KAOS-M", 3, "50000")])
    assert emulator.store.locked(world.main, "KAOS-M") == 3
    emulator.advance_order(order_id, "CANCELLED")
    assert emulator.store.locked(world.main, "KAOS-M") == 0
    assert emulator.stock(world.main, "KAOS-M") == 10


def test_credentials_are_what_a_link_needs(emulator, clock, world):
    creds = emulator.credentials()
    assert creds["base_url"] == emulator.base_url and creds["country"] == "ID"
    link = LinkContext(link_id="x", settings=creds["settings"], credentials=creds["credentials"])
    with GineeConnector(link, clock=clock) as conn:
        assert len(conn.list_warehouses()) == 2


def test_serve_forever_prints_credentials_first(tmp_path):
    code = ("from framework.emulation import serve_forever, free_port\n"
            "from plugins.ginee.emulator import GineeEmulator\n"
            "serve_forever(GineeEmulator(seed=3), free_port())\n")
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                               cwd=str(tmp_path))
    try:
        creds = json.loads(process.stdout.readline())
        assert creds["access_key"] == GineeEmulator(seed=3).access_key
        deadline = time.monotonic() + 10
        while True:
            try:
                httpx.get(creds["base_url"] + "/_emulator/state").raise_for_status()
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline
                time.sleep(0.05)
    finally:
        stop(process)  # terminated, reaped and its pipe closed, whatever happened


def test_missing_credentials_are_a_config_error():
    from framework.errors import ConfigError

    with pytest.raises(ConfigError, match="secret_key"):
        GineeConnector(LinkContext(link_id="x", settings={}, credentials={"access_key": "a"}))


def test_hooks_register_connector_lane_and_emulator():
    manager = make_plugin_manager(["plugins.ginee.hooks:plugin"])
    registry = manager.registry
    assert registry.commerce("ginee") is GineeConnector
    limit = registry.lane_limit("ginee:abc123")
    assert (limit.per_second, limit.in_flight) == (10, 10)
    assert isinstance(registry.emulators["ginee"](seed=1), GineeEmulator)


def test_check_reports_refused_keys_with_ginees_message(emulator, clock, world):
    from ginee_support import make_connector

    from framework.setup.preflight import generic_problems

    info = LinkInfo(id="toko", commerce="ginee", accounting="accurate", features=frozenset(),
                    integrated_at=None)
    with make_connector(emulator, clock, secret_key="wrong") as bad:
        problems = generic_problems(CheckContext(info, bad, None))
    assert [p.check for p in problems] == ["store-access"]
    assert "IAM_FAILED: IAM authentication failed" in problems[0].message


def test_a_country_ginee_does_not_serve_is_refused_with_the_fix(emulator, clock):
    from ginee_support import make_connector

    from framework.errors import ConfigError

    with pytest.raises(ConfigError) as caught:
        make_connector(emulator, clock, country="XX")
    assert "country 'XX' is not one of ID" in str(caught.value)
    assert "--store-setting country=ID" in str(caught.value)
