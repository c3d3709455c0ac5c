"""Status table, order mapping and bad platform data; money is never lost."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from framework.domain import OrderState, Product, Rejected
from framework.errors import PermanentError
from framework.plugins import make_plugin_manager
from plugins.forstok.emulator.state import ForstokState
from plugins.forstok.mapping import item_results, map_status, order_from_payload, products_from_item

from .conftest import START

EXPECTED = {
    "pending": OrderState.WAITING_PAYMENT, "open": OrderState.PAID, "printed": OrderState.PAID,
    "not_shipped": OrderState.PAID,
    "ready_to_ship": OrderState.READY_TO_SHIP, "shipped": OrderState.SHIPPED,
    "delivered": OrderState.DELIVERED, "completed": OrderState.COMPLETED,
    "cancelled": OrderState.CANCELLED, "returned": OrderState.RETURNED,
}


@pytest.fixture(scope="module")
def hook():
    return make_plugin_manager(["plugins.forstok.hooks:plugin"]).hook


@pytest.mark.parametrize(("status", "state"), EXPECTED.items())
def test_every_reference_status_maps(hook, status, state):
    assert hook.map_order_status(platform="forstok", platform_status=status) == state


@pytest.mark.parametrize(("spelling", "state"), [
    ("Pending payment", OrderState.WAITING_PAYMENT), ("Open", OrderState.PAID),
    ("Not Shipped", OrderState.PAID), ("not-shipped", OrderState.PAID),
    ("Ready to ship", OrderState.READY_TO_SHIP), ("SHIPPED", OrderState.SHIPPED),
    ("Delivered", OrderState.DELIVERED), ("Completed", OrderState.COMPLETED),
    ("Cancelled", OrderState.CANCELLED), ("canceled", OrderState.CANCELLED),
])
def test_documented_status_names_map_however_spelt(hook, spelling, state):
    assert hook.map_order_status(platform="forstok", platform_status=spelling) == state


def test_unknown_status_raises_naming_it(hook):
    with pytest.raises(PermanentError, match="'on_hold'"):
        hook.map_order_status(platform="forstok", platform_status="on_hold")


def test_other_platforms_get_none(hook):
    assert hook.map_order_status(platform="ginee", platform_status="pending") is None


# ------------------------------------------------------------------------ bad platform data


@pytest.fixture
def shop_order(emulator, shop_and_warehouse):
    shop, warehouse = shop_and_warehouse
    emulator.add_product("Kaos", [{"sku": "KAOS-1", "price": "50000", "stock": {warehouse: 9}}])
    return lambda: emulator.create_order(shop, warehouse, [("KAOS-1", 1, "50000")])


@pytest.mark.parametrize(("fields", "reason"), [
    ({"status": "on_hold"}, "unknown Forstok order status 'on_hold'"),
    ({"item_lines": [{"sku": "KAOS-1", "name": "Kaos", "sale_price": "-1"}]},
     "item_lines.0.sale_price"),
    ({"item_lines": [{"sku": "KAOS-1", "name": "Kaos"}]}, "has no sale_price, price"),
    ({"item_lines": [{"name": "Kaos", "price": 5}]}, "item_lines.0.sku: Field required"),
    ({"item_lines": []}, "item_lines: List should have at least 1 item"),
    ({"item_lines": None}, "item_lines"),
    ({"total_price": "lima puluh ribu"}, "total_price"),
    ({"shipping_price": True}, "shipping_price"),
    ({"cashless": "barangkali"}, "cashless"),
    ({"ordered_at": "2026-11-20T10:00:00"}, "ordered_at"),
    ({"ordered_at": None}, "ordered_at"),
    ({"updated_at": "kemarin"}, "updated_at"),
])
def test_bad_order_is_rejected_and_the_stream_goes_on(emulator, connector, shop_order, fields,
                                                      reason):
    bad, good = shop_order(), shop_order()
    emulator.corrupt_order(bad, **fields)
    results = {r.external_id if not isinstance(r, Rejected) else r.ref: r
               for r in connector.iter_orders(START, START + timedelta(days=1))}
    assert isinstance(results[str(bad)], Rejected) and reason in results[str(bad)].reason
    assert results[str(bad)].kind == "order" and results[str(bad)].raw
    assert not isinstance(results[str(good)], Rejected)
    with pytest.raises(PermanentError, match="cannot be read"):
        connector.get_order(str(bad))


def test_malformed_json_record_is_rejected(emulator, connector, shop_order):
    good = shop_order()
    emulator.add_raw_order('{"id": 77, "status": "open", ', updated_at=START)
    emulator.add_raw_order(42, updated_at=START)
    results = list(connector.iter_orders(START, START + timedelta(days=1)))
    reasons = [r.reason for r in results if isinstance(r, Rejected)]
    assert any("malformed JSON" in reason for reason in reasons)
    assert any("expected an order object" in reason for reason in reasons)
    assert [r.external_id for r in results if not isinstance(r, Rejected)] == [str(good)]


def test_float_money_is_refused():
    payload = {"id": 1, "local_id": "A1", "channel": "shopee", "status": "open",
               "ordered_at": "2026-11-20T10:00:00+07:00",
               "updated_at": "2026-11-20T10:00:00+07:00", "total_price": 10.1,
               "item_lines": [{"sku": "A", "price": "10.10"}]}
    rejected = order_from_payload(payload)
    assert isinstance(rejected, Rejected) and "float" in rejected.reason
    mapped = order_from_payload(json.loads(json.dumps(payload), parse_float=Decimal))
    assert mapped.total == Decimal("10.1") and mapped.channel == "SHOPEE"


def test_incomplete_variants_are_rejected_alone():
    item = {"id": 5, "name": "Sepatu", "variants": [
        {"sku": "S-40", "name": "Sepatu 40", "price": "200000"},
        {"name": "Sepatu 41", "price": "200000"},
        {"sku": "S-42", "name": "Sepatu 42"},
        "rusak"]}
    results = list(products_from_item(item))
    assert isinstance(results[0], Product) and results[0].available == 0
    assert [r.ref for r in results[1:]] == ["item 5", "S-42", "item 5"]
    assert all(isinstance(r, Rejected) and r.kind == "product" for r in results[1:])
    assert "sku: Field required" in results[1].reason and "price" in results[2].reason


def test_unanswered_sku_is_a_failure():
    from framework.domain import StockLevel
    levels = [StockLevel(sku=s, warehouse_id="1", quantity=1) for s in ("A", "B")]
    results = item_results(levels, [{"sku": "A", "status": "success"}])
    assert [(r.sku, r.ok) for r in results] == [("A", True), ("B", False)]


# ------------------------------------------------------------------------------ property

amounts = st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False,
                      allow_infinity=False)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(st.tuples(st.integers(1, 50), amounts), min_size=1, max_size=6),
       shipping=amounts, discount_share=st.floats(0, 1),
       channel=st.sampled_from(["Shopee", "Tokopedia", "Lazada", "TikTok Shop", "Zalora"]),
       status=st.sampled_from(sorted(EXPECTED)))
def test_mapping_never_loses_money(lines, shipping, discount_share, channel, status):
    state = ForstokState(lambda: datetime(2026, 11, 20, tzinfo=UTC))
    warehouse, shop = state.add_warehouse("G"), state.add_shop(channel)
    state.add_product("P", [{"sku": f"S{i}", "price": "1"} for i in range(len(lines))])
    gross = sum(qty * price for qty, price in lines)
    discount = (gross * Decimal(str(round(discount_share, 2)))).quantize(Decimal("0.01"))
    order = state.create_order(shop, warehouse, [(f"S{i}", q, p) for i, (q, p) in enumerate(lines)],
                               status=status, shipping_fee=shipping, discount=discount)
    wire = json.loads(json.dumps(state.order_json(order)), parse_float=Decimal)
    mapped = order_from_payload(wire)
    assert not isinstance(mapped, Rejected), mapped
    assert mapped.computed_total == mapped.total == gross + shipping - discount
    assert mapped.state == map_status(status) and mapped.channel.isupper()
