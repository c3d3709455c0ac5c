"""The reference's "Checklist for the emulators", Ginee items, one test each where no other
test file already holds it (the others are named in plugins/ginee/README.md's notes)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from ginee_support import make_connector

from framework.emulation import serve_in_thread
from framework.errors import ProviderPermanentError, ProviderTransientError
from plugins.ginee import client as api
from plugins.ginee.emulator import GineeEmulator


def test_1_overload_is_service_busy_in_the_envelope(clock):
    emulator = GineeEmulator(seed=2, now=clock, rate_limit=1)
    with serve_in_thread(emulator):
        emulator.add_warehouse("Gudang")
        with make_connector(emulator, clock) as connector:
            connector.client.retries = 1  # see the answer itself, not the retry's success
            codes = []
            for _ in range(5):
                try:
                    connector.list_warehouses()
                except ProviderTransientError as error:
                    codes.append((error.code, error.status_code))
    assert codes and set(codes) == {("SERVICE_BUSY", 200)}


def test_2_one_of_the_two_windows_is_required_even_with_order_numbers(connector, world):
    with pytest.raises(ProviderPermanentError, match="createSince or lastUpdateSince") as info:
        connector.client.post(api.LIST_ORDERS, {"size": 10, "orderNumbers": ["SHO-1"]})
    assert info.value.code == "PARAMETER_ERROR"


def test_2_the_create_window_lists_by_creation_time(emulator, connector, world, clock):
    old = emulator.create_order(world.shopee, world.main, [("KAOS-M", 1, "50000")])
    clock.advance(days=2)
    emulator.advance_order(old, "READY_TO_SHIP")  # updated now, created two days ago
    new = emulator.create_order(world.shopee, world.main, [("KAOS-M", 1, "50000")])
    since = api.format_time(clock() - timedelta(hours=1))
    body = {"size": 10, "createSince": since, "createTo": api.format_time(clock())}
    assert [row["orderId"] for row in connector.client.post(api.LIST_ORDERS, body)["content"]] \
        == [new]
    over = {**body, "createSince": api.format_time(clock() - timedelta(days=15, seconds=1))}
    with pytest.raises(ProviderPermanentError, match="cannot exceed 15 days"):
        connector.client.post(api.LIST_ORDERS, over)


def test_2_the_cursor_is_an_array_on_every_row_and_in_data(emulator, connector, world, clock):
    start = clock()
    for _ in range(3):
        clock.advance(minutes=1)
        emulator.create_order(world.shopee, world.main, [("KAOS-M", 1, "50000")])
    body = {"size": 2, "lastUpdateSince": api.format_time(start),
            "lastUpdateTo": api.format_time(clock())}
    page = connector.client.post(api.LIST_ORDERS, body)
    assert page["more"] is True and len(page["content"]) == 2
    assert all(isinstance(row["nextCursor"], list) for row in page["content"])
    assert page["nextCursor"] == page["content"][-1]["nextCursor"]
    rest = connector.client.post(api.LIST_ORDERS, {**body, "nextCursor": page["nextCursor"]})
    assert len(rest["content"]) == 1 and rest["more"] is False


def test_3_orders_carry_logistics_print_and_cancel_info_as_they_move(emulator, connector, world):
    shipped = emulator.create_order(world.shopee, world.main, [("KAOS-M", 1, "50000")])
    cancelled = emulator.create_order(world.shopee, world.main, [("KAOS-L", 1, "52000")],
                                      status="PARTIALLY_PAID")
    emulator.advance_order(shipped, "READY_TO_SHIP")
    emulator.advance_order(cancelled, "CANCELLED")
    emulator.advance_order(shipped, "COMPLETED")  # not in the Dictionary, used by one client
    orders = {raw["orderId"]: raw for raw in connector.client.batch_get_orders(
        [shipped, cancelled])}
    assert orders[shipped]["logisticsInfos"][0]["logisticsTrackingNumber"]
    assert orders[shipped]["logisticsInfos"][0]["logisticsDeliveryType"] == "PICK_UP"
    assert orders[shipped]["printInfo"]["labelPrintStatus"] == "PRINTED"
    assert orders[shipped]["closeAt"] and orders[cancelled]["cancelInfo"]["cancelReason"]
    assert orders[shipped]["channel"] == "SHOPEE_ID"
    completed = connector.get_order(shipped)
    assert completed.platform_status == "COMPLETED" and completed.delivered_at is not None


def test_3_partially_paid_orders_are_waiting_for_payment(emulator, connector, world):
    order_id = emulator.create_order(world.tokopedia, world.main, [("KAOS-M", 1, "50000")],
                                     status="PARTIALLY_PAID")
    order = connector.get_order(order_id)
    assert order.state.value == "waiting_payment" and order.paid_at is None
    assert order.channel == "TOKOPEDIA"


SPARE = "/openapi/v1/oms/stock/spare-stock/update"
AVAILABLE = "/openapi/v1/oms/stock/available-stock/update"


def test_6_spare_stock_answers_success_and_failed_lists(emulator, connector, world):
    data = connector.client.post(SPARE, {"stockList": [
        {"masterSku": "KAOS-M", "action": "INCREASE", "quantity": 4, "warehouseId": world.main},
        {"masterSku": "KAOS-L", "action": "OVER_WRITE", "quantity": 2},  # one warehouse only
        {"masterSku": "KAOS-M", "action": "INCREASE", "quantity": 1},  # two warehouses: which?
        {"masterSku": "NOPE-1", "action": "INCREASE", "quantity": 1}]})
    assert [row["masterSku"] for row in data["successList"]] == ["KAOS-M", "KAOS-L"]
    assert [(row["masterSku"], bool(row["errorMessage"])) for row in data["failedList"]] == [
        ("KAOS-M", True), ("NOPE-1", True)]
    (row,) = connector.client.stock_rows(world.main, ["KAOS-M"])
    assert (row["warehouseInventory"]["spareStock"],
            row["warehouseInventory"]["availableStock"]) == (4, 6)
    assert emulator.stock(world.main, "KAOS-M") == 10  # on hand untouched


def test_6_available_stock_answers_the_same_lists(emulator, connector, world):
    data = connector.client.post(AVAILABLE, {"stockList": [
        {"masterSku": "KAOS-M", "action": "OVER_WRITE", "quantity": 7, "warehouseId": world.main},
        {"masterSku": "KAOS-M", "action": "DECREASE", "quantity": 99, "warehouseId": world.main},
        {"masterSku": "KAOS-L", "action": "SWAP", "quantity": 1}]})
    assert [row["availableStock"] for row in data["successList"]] == [7]
    assert [row["masterSku"] for row in data["failedList"]] == ["KAOS-M", "KAOS-L"]
    with pytest.raises(ProviderPermanentError, match="between 1 and 20"):
        connector.client.post(AVAILABLE, {"stockList": [
            {"masterSku": "KAOS-M", "action": "INCREASE", "quantity": 1}] * 21})
