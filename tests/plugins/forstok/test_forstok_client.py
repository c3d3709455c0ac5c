"""The Forstok client and connector against the emulator: every endpoint, auth and paging."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import httpx
import pytest

from framework.errors import ConfigError, PermanentError, ProviderConfigError
from plugins.forstok.connector import ForstokConnector
from plugins.forstok.emulator import ForstokEmulator

from .conftest import START, Clock, Saved, link_for


def add_variants(emulator: ForstokEmulator, warehouse: int, count: int, per_product: int = 1,
                 quantity: int = 10) -> list[str]:
    skus = []
    for number in range(0, count, per_product):
        variants = [{"sku": f"SKU-{index:04d}", "price": "15000",
                     "stock": {warehouse: quantity + index}}
                    for index in range(number, min(count, number + per_product))]
        emulator.add_product(f"Kaos {number}", variants)
        skus.extend(variant["sku"] for variant in variants)
    return skus


# ------------------------------------------------------------------------------------ auth


def test_token_is_exchanged_once_saved_and_reused(emulator, connector, saved, clock):
    emulator.add_warehouse("Gudang")
    connector.list_warehouses()
    connector.list_warehouses()
    assert emulator.tokens_issued == 1
    assert saved.calls == 1 and saved["token"] and saved["secret_key"] == emulator.secret_key
    # A second worker starting from the saved credentials needs no exchange.
    link = link_for(emulator, token=saved["token"])
    with ForstokConnector(link, clock=clock) as other:
        assert [w.name for w in other.list_warehouses()] == ["Gudang"]
    assert emulator.tokens_issued == 1


def test_expired_token_is_renewed_once_and_the_call_repeated(emulator, connector, saved, clock):
    emulator.add_warehouse("Gudang")
    connector.list_warehouses()
    first = saved["token"]
    clock.advance(hours=24, seconds=1)
    assert [w.name for w in connector.list_warehouses()] == ["Gudang"]
    assert emulator.tokens_issued == 2
    assert saved["token"] != first and saved.calls == 2


def test_token_from_another_signing_key_is_replaced(emulator, clock):
    emulator.add_warehouse("Gudang")
    saved = Saved()
    link = link_for(emulator, saved, token="aaa.bbb.ccc")
    with ForstokConnector(link, clock=clock) as connector:
        assert len(connector.list_warehouses()) == 1
    assert saved["token"] != "aaa.bbb.ccc"


def test_wrong_secret_is_a_config_error_naming_the_settings(emulator, clock):
    with ForstokConnector(link_for(emulator, secret_key="nope"), clock=clock) as connector:
        with pytest.raises(ProviderConfigError) as caught:
            connector.list_warehouses()
    assert "Invalid credentials" in str(caught.value) and "secret_key" in str(caught.value)


def test_wrong_user_id_is_refused_as_config(emulator, clock):
    with ForstokConnector(link_for(emulator, user_id="other@x.example"), clock=clock) as c:
        with pytest.raises(ProviderConfigError, match="user_id"):
            c.list_warehouses()


def test_missing_settings_are_reported_before_any_call(emulator):
    link = link_for(emulator)
    broken = type(link)(link_id="x", settings={"base_url": "http://x"},
                        credentials={"secret_key": "s"})
    with pytest.raises(ConfigError, match="auth_url, seller_id, user_id"):
        ForstokConnector(broken)


# ------------------------------------------------------------------------------ catalogue


def test_products_one_per_variant_with_stock_of_primary_warehouse(emulator, connector):
    main = emulator.add_warehouse("Gudang Utama")
    other = emulator.add_warehouse("Gudang Surabaya")
    shop = emulator.add_shop("Tokopedia")
    emulator.add_product("Kemeja Batik", [
        {"sku": "KB-M", "price": "150000.50", "stock": {main: 10, other: 3}},
        {"sku": "KB-L", "price": "155000", "stock": {other: 4}, "pending_action": True}])
    emulator.create_order(shop, main, [("KB-M", 2, "150000")], status="open")
    products = {p.sku: p for p in connector.iter_products()}
    assert set(products) == {"KB-M", "KB-L"}
    assert products["KB-M"].available == 8 and products["KB-M"].warehouse_id == str(main)
    assert products["KB-M"].price == Decimal("150000.50")
    assert products["KB-L"].pending_action and products["KB-L"].warehouse_id == str(other)
    assert products["KB-M"].parent_name == "Kemeja Batik"


@pytest.mark.parametrize("count", [0, 1, 6, 7, 12])
def test_product_paging_edges(emulator, clock, count):
    warehouse = emulator.add_warehouse("Gudang")
    skus = add_variants(emulator, warehouse, count)
    with ForstokConnector(link_for(emulator), clock=clock) as connector:
        connector.client.per_page = 6
        assert [p.sku for p in connector.iter_products()] == skus
    pages = [path for _, path in emulator.requests if path.endswith("items.json")]
    assert len(pages) == max(1, -(-count // 6))  # no empty trailing page when total is known


def test_products_stream_lazily(emulator, connector):
    warehouse = emulator.add_warehouse("Gudang")
    add_variants(emulator, warehouse, 30)
    connector.client.per_page = 10
    stream = connector.iter_products()
    next(stream)
    assert sum(path.endswith("items.json") for _, path in emulator.requests) == 1


def test_per_page_above_the_limit_is_refused(emulator, connector):
    emulator.add_warehouse("Gudang")
    connector.client.per_page = 101
    with pytest.raises(PermanentError, match="per_page must be at most 100"):
        connector.list_warehouses()


def test_read_stock_reports_on_hand_of_one_warehouse(emulator, connector):
    main = emulator.add_warehouse("Gudang Utama")
    other = emulator.add_warehouse("Gudang Bandung")
    shop = emulator.add_shop("Shopee")
    emulator.add_product("Kopi", [{"sku": "KOPI-250", "price": "45000",
                                   "stock": {main: 20, other: 5}}])
    emulator.create_order(shop, main, [("KOPI-250", 3, "45000")], status="pending")
    assert {(s.sku, s.quantity) for s in connector.read_stock(str(main))} == {("KOPI-250", 20)}
    assert [s.quantity for s in connector.read_stock(str(other))] == [5]


def test_read_stock_of_unknown_warehouse_is_permanent(emulator, connector):
    with pytest.raises(PermanentError, match="Warehouse not found"):
        list(connector.read_stock("999"))


# --------------------------------------------------------------------------------- orders


def make_orders(emulator, clock, count, step_seconds=60):
    shop, warehouse = emulator.add_shop("Shopee"), emulator.add_warehouse("Gudang")
    emulator.add_product("Kaos", [{"sku": "KAOS-1", "price": "50000", "stock": {warehouse: 999}}])
    ids = []
    for _ in range(count):
        ids.append(emulator.create_order(shop, warehouse, [("KAOS-1", 1, "50000")]))
        clock.advance(seconds=step_seconds)
    return ids


def test_orders_window_is_inclusive_at_start_exclusive_at_end(emulator, connector, clock):
    ids = make_orders(emulator, clock, 4)
    orders = list(connector.iter_orders(START + timedelta(minutes=1), START + timedelta(minutes=3)))
    assert [o.external_id for o in orders] == [str(i) for i in ids[1:3]]


def test_order_updated_while_paging_is_not_lost_and_none_skipped(emulator, connector, clock):
    ids = make_orders(emulator, clock, 7)
    connector.client.per_page = 2
    stream = connector.iter_orders(START, START + timedelta(days=1))
    first = next(stream)
    emulator.advance_order(int(first.external_id), "open")  # jumps to the end of the list
    rest = list(stream)
    seen = [first.external_id] + [o.external_id for o in rest]
    assert set(seen) == {str(i) for i in ids}
    assert [o.platform_status for o in rest if o.external_id == first.external_id] == ["open"]


def test_orders_sharing_one_instant_beyond_a_page_all_arrive(emulator, connector):
    ids = make_orders(emulator, Clock(), 5, step_seconds=0)  # the emulator's clock stands still
    connector.client.per_page = 2
    orders = list(connector.iter_orders(START - timedelta(hours=1), START + timedelta(hours=1)))
    assert sorted(o.external_id for o in orders) == sorted(str(i) for i in ids)


def test_get_order_and_unknown_order(emulator, connector, clock):
    [order_id] = make_orders(emulator, clock, 1)
    emulator.advance_order(order_id, "ready_to_ship")
    order = connector.get_order(str(order_id))
    assert order.state == "ready_to_ship" and order.platform_status == "ready_to_ship"
    with pytest.raises(PermanentError, match="Order not found"):
        connector.get_order("424242")


# ------------------------------------------------------------------------------ transport


def test_request_id_and_message_travel_in_errors(emulator, connector):
    with pytest.raises(PermanentError) as caught:
        connector.get_order("1")
    assert "[request fsk-" in str(caught.value) and caught.value.status_code == 404


def test_emulator_accepts_post_with_method_override_only(emulator, connector):
    warehouse = emulator.add_warehouse("Gudang")
    emulator.add_product("Kaos", [{"sku": "K1", "price": "1000", "stock": {warehouse: 1}}])
    connector.list_warehouses()
    token = connector.client.token.current
    url = f"{emulator.base_url}/api/v2/variants/quantities.json"
    params = {"user_id": emulator.user_id, "auth_type": "jwt"}
    body = {"variants": [{"sku": "K1", "quantity_hand": 9, "warehouse_id": warehouse}]}
    auth = {"Authorization": f"Bearer {token}"}
    plain = httpx.post(url, params=params, json=body, headers=auth)
    assert plain.status_code == 405 and emulator.stock(warehouse, "K1") == 1
    overridden = httpx.post(url, params=params, json=body,
                            headers=auth | {"X-HTTP-Method-Override": "PATCH"})
    assert overridden.json()["data"][0]["status"] == "success"
    assert emulator.stock(warehouse, "K1") == 9


def test_seller_calls_without_a_bearer_token_are_refused(emulator):
    answer = httpx.get(f"{emulator.base_url}/api/v2/warehouses.json")
    assert answer.status_code == 401 and answer.json() == {"error": "Unauthorized"}
