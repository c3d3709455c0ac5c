"""The documented examples (``tests/fixtures/forstok``) through BOTH the client and the emulator.

Each example is shaped as the reference states it (issue 11 item 5). A response example is
replayed to the real client (its HTTP, envelope and mapping code) and must read as the order,
products or results it describes; the emulator, asked the same question, must answer the same
shape. A request example must be what the client sends (recorded on its way to the emulator)
and must be accepted by the emulator. So client and emulator can no longer agree on a shape the
reference does not state.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from framework.domain import Rejected, StockLevel, SubsidyType
from framework.errors import PermanentError
from framework.testing.money import money_problems
from framework.testing.shapes import shape_differences
from framework.webhooks import sign_hex
from plugins.forstok import assumptions as contract
from plugins.forstok.connector import ForstokConnector

from .conftest import START, Clock, link_for

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "forstok"


def example(name: str) -> Any:
    """A documented example, numbers read as ``Decimal`` (as the client reads them)."""
    return json.loads((FIXTURES / name).read_text(), parse_float=Decimal)


class Replay(httpx.BaseTransport):
    """Answers the client's calls with documented examples, keyed by path."""

    def __init__(self, answers: dict[str, tuple[int, str]]) -> None:
        self.answers = {contract.AUTH_PATH: (200, "auth.response.json"), **answers}

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        status, name = self.answers[request.url.path]
        return httpx.Response(status, content=(FIXTURES / name).read_bytes(),
                              headers={"Content-Type": "application/json"})


class Recording(httpx.HTTPTransport):
    """A real transport to the emulator that keeps every request body it carried."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[tuple[str, str, Any]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        self.sent.append((request.method, request.url.path, body))
        return super().handle_request(request)


@pytest.fixture
def replayed(emulator, clock):
    """A connector whose every call is answered by ``Replay`` (set ``.answers`` first)."""
    replay = Replay({})
    with ForstokConnector(link_for(emulator), transport=replay, clock=clock) as connector:
        yield replay, connector


@pytest.fixture
def recorded(emulator, clock):
    """A connector talking to the emulator through ``Recording``."""
    recording = Recording()
    with ForstokConnector(link_for(emulator), transport=recording, clock=clock) as connector:
        yield recording, connector


@pytest.fixture
def http(emulator):
    """A raw client of the emulator with a seller's token, for comparing answers."""
    with httpx.Client(base_url=emulator.base_url, timeout=30) as client:
        token = client.post(contract.AUTH_PATH, json={
            "id": emulator.seller_id, "secret_key": emulator.secret_key, "type": "seller",
        }).json()["data"]["token"]
        client.headers["Authorization"] = f"Bearer {token}"
        client.params = {"user_id": emulator.user_id, "auth_type": "jwt"}
        yield client


def answered(response: httpx.Response) -> Any:
    return json.loads(response.content, parse_float=Decimal)


@pytest.fixture
def documented_order(emulator):
    """The example order, placed in the emulator: 2 x KB-M and 1 x KB-L, cashless.

    The emulator books KB-L's 2500 as its line discount where the example calls it a voucher;
    both are seller-funded line cuts, so the order reads the same.
    """
    warehouse = emulator.add_warehouse("Gudang Jakarta")
    shop = emulator.add_shop("Shopee")
    emulator.add_product("Kemeja Batik", [
        {"sku": "KB-M", "name": "Kemeja Batik M", "price": "160000", "stock": {warehouse: 10}},
        {"sku": "KB-L", "name": "Kemeja Batik L", "price": "155000", "stock": {warehouse: 4}}])
    return emulator.create_order(shop, warehouse, [("KB-M", 2, "150000", "5000"),
                                                   ("KB-L", 1, "155000", "2500")],
                                 status="open", shipping_fee="12000", discount="3000",
                                 channel_rebate="5000", cashless=True)


# ------------------------------------------------------------------------------------ orders


def assert_is_the_example_order(order: Any) -> None:
    assert not isinstance(order, Rejected), order
    assert (order.external_id, order.order_number, order.channel) == ("9001", "2611200KB9X1",
                                                                      "SHOPEE")
    assert [(line.sku, line.quantity, line.unit_price, line.discount) for line in order.lines] \
        == [("KB-M", 2, Decimal(150000), Decimal(10000)), ("KB-L", 1, Decimal(155000), 2500)]
    # the order's 13000 + 2500 include the lines' 10000 + 2500: 3000 is the header discount
    assert order.total == Decimal(451500) and order.discount == Decimal(3000)
    assert order.books.cashless and order.books.shipping_charged == Decimal(12000)
    assert order.invoice_amount == Decimal(455000 - 12500 - 3000)
    assert [(s.type, s.amount) for s in order.books.subsidies] == [(SubsidyType.REBATE,
                                                                    Decimal(5000))]
    assert money_problems(order) == []
    assert order.created_at == datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize("name", ["order.response.json", "order_numeric_strings.response.json"])
def test_the_order_example_reads_through_the_client(replayed, name):
    replay, connector = replayed
    replay.answers["/api/v2/orders/9001.json"] = (200, name)
    assert_is_the_example_order(connector.get_order("9001"))


def test_the_order_list_example_reads_through_the_client(replayed):
    replay, connector = replayed
    replay.answers["/api/v2/orders.json"] = (200, "orders.response.json")
    [order] = connector.iter_orders(START, START.replace(day=21))
    assert_is_the_example_order(order)


@pytest.mark.parametrize(("strings", "name"), [(False, "order.response.json"),
                                               (True, "order_numeric_strings.response.json")])
def test_the_emulator_answers_an_order_in_the_example_shape(emulator, http, documented_order,
                                                            strings, name):
    emulator.amounts_as_strings(strings)
    answer = answered(http.get(f"/api/v2/orders/{documented_order}.json"))
    assert shape_differences(example(name), answer) == []


def test_the_emulator_lists_orders_in_the_example_shape(http, documented_order):
    answer = answered(http.get("/api/v2/orders.json", params={"per_page": 100}))
    assert shape_differences(example("orders.response.json"), answer) == []


def test_the_emulator_and_the_example_read_as_the_same_order(emulator, connector,
                                                             documented_order, replayed):
    replay, replaying = replayed
    replay.answers["/api/v2/orders/9001.json"] = (200, "order.response.json")
    documented, emulated = replaying.get_order("9001"), connector.get_order(str(documented_order))
    money = ("lines", "shipping_fee", "discount", "total", "money", "state", "channel")
    assert {key: getattr(emulated, key) for key in money} == {
        key: getattr(documented, key) for key in money}


# ------------------------------------------------------------------------- catalogue, stock


def test_the_catalogue_examples_read_through_the_client(replayed):
    replay, connector = replayed
    replay.answers.update({"/api/v2/items.json": (200, "items.response.json"),
                           "/api/v2/warehouses.json": (200, "warehouses.response.json"),
                           "/api/v2/variants/quantities.json": (200, "quantities.response.json")})
    products = list(connector.iter_products())
    assert [(p.sku, p.price, p.available, p.pending_action) for p in products] == [
        ("KB-M", Decimal(150000), 8, False), ("KB-L", Decimal(155000), 4, True)]
    assert [(w.id, w.name) for w in connector.list_warehouses()] == [("1002", "Gudang Jakarta")]
    assert [(s.sku, s.quantity) for s in connector.read_stock("1002")] == [("KB-M", 10)]


def test_the_emulator_answers_the_catalogue_in_the_example_shapes(emulator, http,
                                                                  documented_order):
    warehouse = emulator.orders()[0]["warehouse_id"]
    for path, name, params in (("/api/v2/items.json", "items.response.json", {}),
                               ("/api/v2/warehouses.json", "warehouses.response.json", {}),
                               ("/api/v2/variants/quantities.json", "quantities.response.json",
                                {"warehouse_id": warehouse})):
        answer = answered(http.get(path, params=params))
        assert shape_differences(example(name), answer) == [], path


def test_the_stock_update_example_is_what_the_client_sends(emulator, recorded):
    recording, connector = recorded
    warehouse = emulator.add_warehouse("Gudang Jakarta")
    emulator.add_product("Kemeja Batik", [{"sku": "KB-M", "price": "1", "stock": {warehouse: 1}}])
    connector.set_stock(str(warehouse), [StockLevel(sku="KB-M", warehouse_id=str(warehouse),
                                                    quantity=12)])
    [body] = [body for method, path, body in recording.sent if path.endswith("quantities.json")]
    assert shape_differences(example("quantities_update.request.json"), body) == []


@pytest.mark.parametrize("name", ["quantities_update.request.json",
                                  "quantities_update_numeric_string.request.json"])
def test_the_emulator_takes_the_stock_update_examples(emulator, http, name):
    warehouse = emulator.add_warehouse("Gudang Jakarta")
    emulator.add_product("Kemeja Batik", [
        {"sku": "KB-M", "price": "1", "stock": {warehouse: 1}},
        {"sku": "KB-L", "price": "1", "stock": {warehouse: 1}}])
    body = example(name)
    for row in body["variants"]:
        row["warehouse_id"] = warehouse
    body["variants"].append({"sku": "NOPE-1", "quantity_hand": 1, "warehouse_id": warehouse})
    answer = answered(http.post("/api/v2/variants/quantities.json", json=json.loads(
        json.dumps(body, default=int)), headers={"X-HTTP-Method-Override": "PATCH"}))
    assert shape_differences(example("quantities_update.response.json"), answer) == []
    assert emulator.stock(warehouse, "KB-M") == 12


def test_the_stock_update_answer_example_reads_through_the_client(replayed):
    replay, connector = replayed
    replay.answers["/api/v2/variants/quantities.json"] = (200, "quantities_update.response.json")
    results = connector.set_stock("1002", [StockLevel(sku=sku, warehouse_id="1002", quantity=12)
                                           for sku in ("KB-M", "NOPE-1")])
    assert [(r.sku, r.ok, r.message) for r in results] == [
        ("KB-M", True, "success"), ("NOPE-1", False, "SKU not found")]


# ------------------------------------------------------------------------ auth, actions, errors


def test_the_auth_examples_match_the_client_and_the_emulator(emulator, recorded, http):
    recording, connector = recorded
    connector.list_warehouses()
    [(_, _, sent)] = [entry for entry in recording.sent if entry[1] == contract.AUTH_PATH]
    assert shape_differences(example("auth.request.json"), sent) == []
    documented = {**example("auth.request.json"), "id": int(emulator.seller_id),
                  "secret_key": emulator.secret_key}
    answer = answered(http.post(contract.AUTH_PATH, json=documented))
    assert shape_differences(example("auth.response.json"), answer) == []


def test_the_order_action_examples_match_the_client_and_the_emulator(emulator, recorded, http,
                                                                     documented_order):
    recording, connector = recorded
    connector.client.confirm_order(str(documented_order))
    [(_, _, sent)] = [entry for entry in recording.sent if entry[1] == contract.CONFIRM_PATH]
    assert shape_differences(example("confirm.request.json"), sent) == []
    emulator.advance_order(documented_order, "open")
    answer = answered(http.post(contract.CONFIRM_PATH, json={"order_id": documented_order}))
    assert shape_differences(example("confirm.response.json"), answer) == []
    answer = answered(http.post(contract.FULFILL_PATH, params={"order_id": documented_order}))
    assert shape_differences(example("fulfills_seller.response.json"), answer) == []


def test_the_order_action_answer_examples_read_through_the_client(replayed):
    replay, connector = replayed
    replay.answers.update({contract.CONFIRM_PATH: (200, "confirm.response.json"),
                           contract.FULFILL_PATH: (200, "fulfills_seller.response.json")})
    assert connector.client.confirm_order("9001") == {"order_id": 9001, "status": "not_shipped"}
    assert connector.client.fulfill_order("9001")["status"] == "ready_to_ship"


def test_the_error_example_keeps_forstoks_message_in_both(replayed, http):
    replay, connector = replayed
    replay.answers["/api/v2/orders/9001.json"] = (404, "error.response.json")
    with pytest.raises(PermanentError, match="Order not found"):
        connector.get_order("9001")
    answer = http.get("/api/v2/orders/424242.json")
    assert answer.status_code == 404 and answer.json() == example("error.response.json")


def test_the_webhook_example_verifies_and_the_emulator_sends_its_shape(emulator,
                                                                      documented_order):
    body = (FIXTURES / "webhook.request.json").read_bytes()
    clock = Clock(datetime(2026, 11, 20, 3, 21, tzinfo=UTC))
    with ForstokConnector(link_for(emulator), clock=clock) as connector:
        hint = connector.verify_webhook(
            {contract.WEBHOOK_SIGNATURE_HEADER: sign_hex(emulator.secret_key, body)}, body)
    assert (hint.external_id, hint.platform_status) == ("9001", "ready_to_ship")
    sent: list[bytes] = []
    emulator.outbox.deliver = lambda url, raw, headers: sent.append(raw)  # keep, do not post
    emulator.webhook_url = "http://127.0.0.1:9/unused"
    emulator.advance_order(documented_order, "ready_to_ship")
    assert shape_differences(example("webhook.request.json"), json.loads(sent[0])) == []
