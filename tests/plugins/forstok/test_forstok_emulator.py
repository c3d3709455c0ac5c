"""The emulator's contract points (the reference's checklist, items 1 and 4, for Forstok).

Token flow as the confirmed clients use it; ``fulfills_seller.json`` routed before
``orders/{id}.json``; order actions; JSON errors for unknown paths and methods; numeric strings
for ``quantity_hand``.
"""

from __future__ import annotations

import httpx
import pytest

from framework.domain import OrderState
from plugins.forstok import assumptions as contract

from .conftest import link_for


@pytest.fixture
def http(emulator):
    with httpx.Client(base_url=emulator.base_url, timeout=30) as client:
        yield client


@pytest.fixture
def seller(emulator, http):
    """Query and headers of an authorised seller call."""
    token = http.post(contract.AUTH_PATH, json={
        "id": emulator.seller_id, "secret_key": emulator.secret_key, "type": "seller"},
    ).json()["data"]["token"]
    return {"params": {"user_id": emulator.user_id, "auth_type": "jwt"},
            "headers": {"Authorization": f"Bearer {token}"}}


# ------------------------------------------------------------------------------ token flow


@pytest.mark.parametrize("how", ["json body", "query, empty body", "e-mail as id"])
def test_token_exchange_as_the_clients_send_it(emulator, http, how):
    given = {"id": emulator.seller_id, "secret_key": emulator.secret_key, "type": "seller"}
    if how == "json body":
        answer = http.post(contract.AUTH_PATH, json=given)
    elif how == "query, empty body":
        answer = http.post(contract.AUTH_PATH, params=given, content=b"")
    else:
        answer = http.post(contract.AUTH_PATH, json={**given, "id": emulator.user_id})
    assert answer.status_code == 200, answer.text
    assert set(answer.json()) == {"data"} and set(answer.json()["data"]) == {"token"}
    assert answer.json()["data"]["token"].count(".") == 2  # a JWT


@pytest.mark.parametrize("wrong", [{"secret_key": "nope"}, {"type": "channel"},
                                   {"id": "someone@else.example"}])
def test_wrong_credentials_are_refused_in_the_error_envelope(emulator, http, wrong):
    answer = http.post(contract.AUTH_PATH, json={
        "id": emulator.seller_id, "secret_key": emulator.secret_key, "type": "seller", **wrong})
    assert answer.status_code == 401
    assert answer.json() == {"error": contract.MESSAGE_INVALID_CREDENTIALS}


# -------------------------------------------------------------------------- order actions


@pytest.fixture
def open_order(emulator, shop_and_warehouse):
    shop, warehouse = shop_and_warehouse
    emulator.add_product("Kopi", [{"sku": "KOPI", "price": "45000", "stock": {warehouse: 9}}])
    return emulator.create_order(shop, warehouse, [("KOPI", 2, "45000")], status="open")


def test_fulfills_seller_is_routed_before_the_order_detail(emulator, http, seller, open_order):
    answer = http.post(contract.FULFILL_PATH, params={**seller["params"],
                                                      "order_id": open_order},
                       headers=seller["headers"])
    assert answer.status_code == 200, answer.text
    assert answer.json()["data"] == {"order_id": open_order, "status": "ready_to_ship"}
    # a GET of the same path is that route's 405, not "order fulfills_seller not found"
    wrong = http.get(contract.FULFILL_PATH, params=seller["params"], headers=seller["headers"])
    assert wrong.status_code == 405 and wrong.json() == {"error": "Method not allowed"}
    assert emulator.orders()[0]["history"] == ["open", "ready_to_ship"]
    assert emulator.stock(emulator.orders()[0]["warehouse_id"], "KOPI") == 7


def test_client_confirms_then_fulfils(emulator, connector, open_order):
    assert connector.client.confirm_order(str(open_order))["status"] == "not_shipped"
    assert connector.get_order(str(open_order)).state is OrderState.PAID
    assert connector.client.fulfill_order(str(open_order))["status"] == "ready_to_ship"
    assert connector.get_order(str(open_order)).state is OrderState.READY_TO_SHIP
    paths = [path for _, path in emulator.requests]
    assert contract.CONFIRM_PATH in paths and contract.FULFILL_PATH in paths


def test_an_order_action_out_of_turn_is_refused_with_its_message(connector, open_order):
    connector.client.fulfill_order(str(open_order))
    with pytest.raises(Exception, match="cannot be changed to not_shipped") as caught:
        connector.client.confirm_order(str(open_order))
    assert caught.value.status_code == 422


# ------------------------------------------------------------------- errors for unknown routes


@pytest.mark.parametrize(("method", "path", "status", "message"), [
    ("GET", "/api/v2/nothing-here.json", 404, "Not found"),
    ("GET", "/totally/unknown", 404, "Not found"),
    ("DELETE", "/api/v2/orders.json", 405, "Method not allowed"),
    ("GET", contract.AUTH_PATH, 405, "Method not allowed"),
])
def test_unknown_paths_and_methods_answer_json(http, method, path, status, message):
    answer = http.request(method, path)
    assert answer.status_code == status
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.json() == {"error": message}
    assert answer.headers[contract.REQUEST_ID_HEADER].startswith("fsk-")


def test_unknown_order_is_forstoks_not_found(http, seller):
    answer = http.get("/api/v2/orders/999999.json", **seller)
    assert answer.status_code == 404 and answer.json() == {"error": "Order not found"}


# ------------------------------------------------------------------------ stock update body


@pytest.mark.parametrize(("sent", "stored"), [("12", 12), (12, 12), ("12.0", 12), (" 3 ", 3),
                                              ("0", 0)])
def test_quantity_hand_as_a_numeric_string_is_accepted(emulator, http, seller, sent, stored):
    warehouse = emulator.add_warehouse("Gudang")
    emulator.add_product("Teh", [{"sku": "TEH", "price": "9000", "stock": {warehouse: 1}}])
    answer = http.post("/api/v2/variants/quantities.json", json={"variants": [
        {"sku": "TEH", "quantity_hand": sent, "warehouse_id": warehouse}]},
        headers={**seller["headers"], "X-HTTP-Method-Override": "PATCH"},
        params=seller["params"])
    assert answer.json()["data"][0]["status"] == "success", answer.text
    assert emulator.stock(warehouse, "TEH") == stored


@pytest.mark.parametrize("sent", ["12.5", "dua belas", None, True, "-1"])
def test_a_quantity_that_is_not_a_whole_number_fails_that_sku(emulator, http, seller, sent):
    warehouse = emulator.add_warehouse("Gudang")
    emulator.add_product("Teh", [{"sku": "TEH", "price": "9000", "stock": {warehouse: 1}}])
    answer = http.patch("/api/v2/variants/quantities.json", json={"variants": [
        {"sku": "TEH", "quantity_hand": sent}]}, **seller)
    [verdict] = answer.json()["data"]
    assert verdict["status"] == "failed" and "quantity_hand" in verdict["message"]
    assert emulator.stock(warehouse, "TEH") == 1


def test_the_client_posts_stock_with_the_method_override(emulator, saved, clock):
    from framework.domain import StockLevel
    from plugins.forstok.connector import ForstokConnector

    warehouse = emulator.add_warehouse("Gudang")
    emulator.add_product("Teh", [{"sku": "TEH", "price": "9000", "stock": {warehouse: 1}}])
    with ForstokConnector(link_for(emulator, saved), clock=clock) as connector:
        [result] = connector.set_stock(str(warehouse), [
            StockLevel(sku="TEH", warehouse_id=str(warehouse), quantity=5)])
    assert result.ok and emulator.stock(warehouse, "TEH") == 5
    assert ("POST", "/api/v2/variants/quantities.json") in emulator.requests
