"""Documented examples (tests/fixtures/ginee/*.json) through the client AND the emulator.

Each fixture is a request or response shaped as the reference states it (revision 2 of
``shared/reference/ginee-forstok-api.md``), written from the reference, not from the
emulator. The client must parse every documented response into the right typed result; the
emulator, asked the documented request, must answer the same shape (same keys at every level,
same JSON types), so emulator and client can no longer agree on a shape Ginee does not use.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from framework.connectors import LinkContext
from framework.domain import ItemResult, Order, OrderState, Product, StockLevel
from framework.errors import ProviderPermanentError
from framework.testing.shapes import kind, shape_differences
from plugins.ginee import client as api
from plugins.ginee.connector import GineeConnector
from plugins.ginee.signing import authorization_header

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "ginee"
#: a key the emulator serves that no documented example shows: the [A] order warehouse.
ASSUMED_EXTRA = "warehouseId"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(), parse_float=Decimal)


def without_assumed(orders: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Orders without the [A] field, so the rest is compared with the documented shape."""
    return [{key: value for key, value in order.items() if key != ASSUMED_EXTRA}
            for order in orders]


# -------------------------------------------------------------------------- client side


def mocked_connector(answers: dict[str, Any], sent: list[tuple[str, Any]],
                     clock: Callable[[], Any]) -> GineeConnector:
    """A connector whose HTTP answers are the documented responses, per path."""
    def handle(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content or b"{}")
        sent.append((request.url.path, body))
        answer = answers[request.url.path]
        return httpx.Response(200, json=answer(body) if callable(answer) else answer)

    link = LinkContext(link_id="doc", settings={"base_url": "https://api.ginee.com"},
                       credentials={"access_key": "ak", "secret_key": "dummy-secret"})
    return GineeConnector(link, transport=httpx.MockTransport(handle), clock=clock, retries=1)


def as_json(value: Any) -> Any:
    return json.loads(json.dumps(value, default=api.json_number))


def test_client_reads_the_documented_order_list_and_details(clock):
    sent: list[tuple[str, Any]] = []
    answers = {api.LIST_ORDERS: as_json(fixture("list_order.response.json")),
               api.BATCH_GET_ORDERS: as_json(fixture("batch_get.response.json"))}
    with mocked_connector(answers, sent, clock) as connector:
        request = fixture("list_order.request.json")
        since, until = (api_time(request["lastUpdateSince"]), api_time(request["lastUpdateTo"]))
        (order,) = connector.iter_orders(since, until)
    assert isinstance(order, Order) and order.external_id == "SO2611200001"
    assert order.state is OrderState.PAID and order.channel == "SHOPEE"
    assert order.total == Decimal("117000") and order.money.fees
    assert sent[0] == (api.LIST_ORDERS, request)  # exactly the documented request
    assert sent[1] == (api.BATCH_GET_ORDERS, fixture("batch_get.request.json"))


def test_client_sends_the_cursor_back_unchanged(clock):
    first = as_json(fixture("list_order.response.json"))
    first["data"]["more"] = True
    first["data"]["nextCursor"] = [1795140000000, "SO2611200001", {"opaque": 1.25}]
    last = as_json(fixture("list_order.response.json"))
    last["data"]["content"] = []
    sent: list[tuple[str, Any]] = []
    answers = {api.LIST_ORDERS: lambda body: last if "nextCursor" in body else first,
               api.BATCH_GET_ORDERS: as_json(fixture("batch_get.response.json"))}
    with mocked_connector(answers, sent, clock) as connector:
        request = fixture("list_order.request.json")
        rows = list(connector.client.iter_order_summaries(api_time(request["lastUpdateSince"]),
                                                          api_time(request["lastUpdateTo"])))
    assert len(rows) == 1
    assert sent[1][1]["nextCursor"] == [1795140000000, "SO2611200001", {"opaque": 1.25}]


def test_client_reads_the_documented_products_and_stock(clock):
    sent: list[tuple[str, Any]] = []
    prices = {"code": "SUCCESS", "message": "OK", "data": {"content": [
        {"masterVariationId": "MV9A8B7C6D5E", "masterSku": "KAOS-M",
         "sellingPrice": {"amount": 50000, "currencyCode": "IDR"}}], "page": 0, "size": 100,
        "total": 1}, "extra": None, "transactionId": "x", "pricingStrategy": "FREE"}
    answers = {api.MASTER_PRODUCTS: as_json(fixture("master_product_list.response.json")),
               api.VARIATION_PRICES: prices,
               api.WAREHOUSE_STOCK: as_json(fixture("warehouse_inventory_list.response.json"))}
    with mocked_connector(answers, sent, clock) as connector:
        (product,) = connector.iter_products(warehouse_id="WW5A6B7C8D9E")
        (level,) = connector.read_stock("WW5A6B7C8D9E")
    assert product == Product(sku="KAOS-M", name="Kaos Polos - M", price=Decimal(50000),
                              warehouse_id="WW5A6B7C8D9E", available=8, parent_name="Kaos Polos")
    assert level == StockLevel(sku="KAOS-M", warehouse_id="WW5A6B7C8D9E", quantity=10)
    stock_request = next(body for path, body in sent if path == api.WAREHOUSE_STOCK)
    assert stock_request == {**fixture("warehouse_inventory_list.request.json")}


def test_client_reads_the_documented_stock_update_answer(clock):
    sent: list[tuple[str, Any]] = []
    answers = {api.UPDATE_STOCK: as_json(fixture("stock_update.response.json"))}
    with mocked_connector(answers, sent, clock) as connector:
        results = connector.set_stock("WW5A6B7C8D9E", [
            StockLevel(sku="KAOS-M", warehouse_id="WW5A6B7C8D9E", quantity=30)])
    assert results == [ItemResult(sku="KAOS-M", ok=True)]
    documented = fixture("stock_update.request.json")
    assert sent[0][1]["warehouseId"] == documented["warehouseId"]
    assert [{k: row[k] for k in ("masterSku", "quantity")} for row in sent[0][1]["stockList"]] \
        == [{k: row[k] for k in ("masterSku", "quantity")} for row in documented["stockList"]]


def test_client_reads_the_documented_spare_stock_answer(clock):
    path = "/openapi/v1/oms/stock/spare-stock/update"
    answer = as_json(fixture("spare_stock_update.response.json"))
    sent: list[tuple[str, Any]] = []
    with mocked_connector({path: answer}, sent, clock) as connector:
        data = connector.client.post(path, fixture("spare_stock_update.request.json"))
    assert data["failedList"] == [{"masterSku": "NOPE-1", "errorMessage": answer["data"][
        "failedList"][0]["errorMessage"]}] and data["successList"] == []
    assert sent == [(path, fixture("spare_stock_update.request.json"))]


@pytest.mark.parametrize("name", ["warehouse_inventory_list.no_warehouse",
                                  "list_order.window_too_long"])
def test_client_keeps_ginees_code_message_and_transaction_id(clock, name):
    answer = as_json(fixture(f"{name}.response.json"))
    with mocked_connector({api.WAREHOUSE_STOCK: answer, api.LIST_ORDERS: answer}, [],
                          clock) as connector:
        path = api.WAREHOUSE_STOCK if "warehouse" in name else api.LIST_ORDERS
        with pytest.raises(ProviderPermanentError) as info:
            connector.client.post(path, fixture(f"{name}.request.json"))
    assert info.value.code == "PARAMETER_ERROR"
    assert answer["message"] in str(info.value)
    assert info.value.request_id == answer["transactionId"]


def test_client_reads_the_documented_webhook(connector):
    body = (FIXTURES / "webhook_order.json").read_bytes()
    hint = connector.verify_webhook({"content-type": "application/json"}, body)
    assert (hint.external_id, hint.platform_status) == ("SO2611200001", "READY_TO_SHIP")
    assert hint.dedupe_key == "ginee:GENIE0001000000000042"


def api_time(text: str) -> Any:
    from plugins.ginee.emulator.state import parse_time

    return parse_time(text)


# ------------------------------------------------------------------------- emulator side


def ask(emulator, path: str, body: Any) -> Any:
    """Send a signed request to the emulator; return the whole envelope."""
    headers = {"Content-Type": "application/json", "X-Advai-Country": "ID",
               "Authorization": authorization_header(emulator.access_key, emulator.secret_key,
                                                     "POST", path)}
    response = httpx.post(emulator.base_url + path, headers=headers,
                          content=json.dumps(body, default=api.json_number))
    return response.json(parse_float=Decimal)


@pytest.fixture
def placed(emulator, world, clock):
    """One paid order and the world's warehouse, as the documented examples name them."""
    order_id = emulator.create_order(world.shopee, world.main, [("KAOS-M", 2, "60000", "10000")],
                                     shipping_fee="12000", discount="5000")
    clock.advance(minutes=1)
    return order_id


def test_emulator_answers_list_order_in_the_documented_shape(emulator, placed, clock):
    request = fixture("list_order.request.json")
    since = api.format_time(clock().replace(hour=0))
    answer = ask(emulator, api.LIST_ORDERS, {**request, "lastUpdateSince": since,
                                             "lastUpdateTo": api.format_time(clock())})
    assert shape_differences(fixture("list_order.response.json"), answer) == []
    assert answer["data"]["content"][0]["orderId"] == placed
    cursor = answer["data"]["nextCursor"]
    assert isinstance(cursor, list) and cursor == answer["data"]["content"][-1]["nextCursor"]


def test_emulator_answers_batch_get_in_the_documented_shape(emulator, placed):
    answer = ask(emulator, api.BATCH_GET_ORDERS, {"orderIds": [placed]})
    assert ASSUMED_EXTRA in answer["data"][0]
    compared = {**answer, "data": without_assumed(answer["data"])}
    assert shape_differences(fixture("batch_get.response.json"), compared) == []
    order = answer["data"][0]
    assert kind(order["totalAmount"]) == "number"  # a JSON number, not a string
    assert order["paymentInfo"]["totalShippingFee"] == 12000
    assert order["totalAmount"] == 2 * 60000 - 10000 - 5000 + 12000


def test_emulator_answers_master_products_in_the_documented_shape(emulator, world):
    answer = ask(emulator, api.MASTER_PRODUCTS, fixture("master_product_list.request.json"))
    assert shape_differences(fixture("master_product_list.response.json"), answer) == []
    assert answer["data"]["total"] == 3


def test_emulator_answers_warehouse_stock_in_the_documented_shape(emulator, world):
    request = {**fixture("warehouse_inventory_list.request.json"), "warehouseId": world.main}
    answer = ask(emulator, api.WAREHOUSE_STOCK, request)
    assert shape_differences(fixture("warehouse_inventory_list.response.json"), answer) == []
    (row,) = answer["data"]["content"]
    assert row["warehouseInventory"]["warehouseStock"] == 10


def test_emulator_answers_stock_update_in_the_documented_shape(emulator, world):
    request = {**fixture("stock_update.request.json"), "warehouseId": world.main}
    answer = ask(emulator, api.UPDATE_STOCK, request)
    assert shape_differences(fixture("stock_update.response.json"), answer) == []
    assert answer["data"]["stockList"][0]["warehouseStock"] == 30  # the documented sample
    assert emulator.stock(world.main, "KAOS-M") == 30


def test_emulator_answers_spare_stock_in_the_documented_shape(emulator, world):
    request = fixture("spare_stock_update.request.json")
    request["stockList"][0]["warehouseId"] = world.main
    answer = ask(emulator, "/openapi/v1/oms/stock/spare-stock/update", request)
    assert shape_differences(fixture("spare_stock_update.response.json"), answer) == []
    assert answer["data"]["failedList"][0]["masterSku"] == "NOPE-1"


@pytest.mark.parametrize(("name", "path"), [
    ("warehouse_inventory_list.no_warehouse", api.WAREHOUSE_STOCK),
    ("list_order.window_too_long", api.LIST_ORDERS)])
def test_emulator_answers_the_documented_errors(emulator, world, clock, name, path):
    request = fixture(f"{name}.request.json")
    # the documented 50-day range lies inside the horizon of the tests' clock (2026-11-20)
    assert request.get("lastUpdateSince", "2026-10-01") >= "2026-08-22"
    documented = fixture(f"{name}.response.json")
    answer = ask(emulator, path, request)
    assert shape_differences(documented, answer) == []
    assert (answer["code"], answer["message"]) == (documented["code"], documented["message"])


def test_emulator_delivers_the_documented_webhook(emulator, placed):
    payload = next(o for o in emulator.orders() if o["orderId"] == placed)
    served = json.loads(emulator.webhook_body(payload))
    documented = json.loads((FIXTURES / "webhook_order.json").read_text())
    assert set(served) == set(documented)
    assert set(documented["payload"]) <= set(served["payload"])
    assert shape_differences(documented, {**served, "payload": {
        key: served["payload"][key] for key in documented["payload"]}}) == []


def test_emulator_answers_unknown_paths_with_the_envelope(emulator):
    answer = ask(emulator, "/openapi/nothing/here", {})
    assert set(answer) == {"code", "message", "data", "extra", "transactionId",
                           "pricingStrategy"}
    assert answer["code"] == "ERROR" and "not supported" in answer["message"]
    wrong_method = httpx.get(emulator.base_url + api.LIST_ORDERS)
    assert wrong_method.status_code == 405 and wrong_method.json()["code"] == "ERROR"
