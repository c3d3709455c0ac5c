import json
from decimal import Decimal

import pytest
from ginee_support import START
from hypothesis import given, settings
from hypothesis import strategies as st

from framework.domain import Order, OrderState, Product, Rejected
from framework.errors import PermanentError
from framework.plugins import make_plugin_manager
from plugins.ginee.emulator.state import GineeStore
from plugins.ginee.mapping import (
    STATUS_MAP,
    canonical_state,
    order_from_json,
    products_from_master,
)
from plugins.ginee.models import GineeStockRow

EXPECTED = {
    "PENDING_PAYMENT": OrderState.WAITING_PAYMENT,
    "PARTIALLY_PAID": OrderState.WAITING_PAYMENT,
    "PAID": OrderState.PAID,
    "READY_TO_SHIP": OrderState.READY_TO_SHIP,
    "SHIPPING": OrderState.SHIPPED,
    "DELIVERED": OrderState.DELIVERED,
    "COMPLETED": OrderState.COMPLETED,
    "CANCELLED": OrderState.CANCELLED,
    "RETURNED": OrderState.RETURNED,
}


@pytest.fixture(scope="module")
def hook():
    return make_plugin_manager(["plugins.ginee.hooks:plugin"]).hook


@pytest.mark.parametrize(("status", "state"), sorted(EXPECTED.items()))
def test_every_reference_status_maps_through_the_hook(hook, status, state):
    assert hook.map_order_status(platform="ginee", platform_status=status) is state


def test_the_table_covers_exactly_the_reference_statuses():
    assert STATUS_MAP == EXPECTED


def test_unknown_status_raises_permanent_error_naming_it(hook):
    with pytest.raises(PermanentError, match="PRINTED"):
        hook.map_order_status(platform="ginee", platform_status="PRINTED")


def test_other_platforms_get_none(hook):
    assert hook.map_order_status(platform="forstok", platform_status="PAID") is None


def raw_order(**changes):
    order = {
        "orderId": "SO100", "externalOrderId": "2611AB", "externalOrderSn": "SHP-2611AB",
        "channel": "shopee", "shopId": "SH1", "orderStatus": "PAID",
        "createAt": "2026-11-20T01:00:00Z", "updateAt": "2026-11-20T02:00:00Z",
        "payAt": "2026-11-20T01:30:00Z", "currency": "IDR", "totalAmount": "117000",
        "shippingFee": "12000", "discount": "5000", "warehouseId": "WH1",
        "paymentMethod": "BANK_TRANSFER",
        "items": [{"masterSku": "KAOS-M", "productName": "Kaos M", "quantity": 2,
                   "actualPrice": "55000", "originalPrice": "60000", "discount": "0"}],
    }
    order.update(changes)
    return order


def test_a_complete_order_maps_every_field():
    order = order_from_json(raw_order())
    assert isinstance(order, Order)
    assert (order.external_id, order.order_number) == ("SO100", "SHP-2611AB")
    assert order.channel == "SHOPEE"
    assert order.state is OrderState.PAID and order.platform_status == "PAID"
    assert order.warehouse_id == "WH1" and order.shop_id == "SH1"
    line = order.lines[0]
    assert (line.sku, line.quantity, line.unit_price) == ("KAOS-M", 2, Decimal("55000"))
    assert order.total == order.computed_total == Decimal("117000")
    assert order.created_at.utcoffset().total_seconds() == 0
    assert order.paid_at is not None and order.payment_method == "BANK_TRANSFER"


def test_order_number_falls_back_to_external_id_then_ginee_id():
    assert order_from_json(raw_order(externalOrderSn=None)).order_number == "2611AB"
    manual = order_from_json(raw_order(externalOrderSn=None, externalOrderId=None))
    assert manual.order_number == "SO100"


@pytest.mark.parametrize(("raw", "reason"), [
    (raw_order(orderStatus="TELEPORTED"), "unknown Ginee order status 'TELEPORTED'"),
    (raw_order(items=[{**raw_order()["items"][0], "quantity": -1}]), "quantity"),
    ({k: v for k, v in raw_order().items() if k != "totalAmount"}, "totalAmount"),
    ({k: v for k, v in raw_order().items() if k != "items"}, "items"),
    (raw_order(items=[]), "items"),
    (raw_order(createAt="yesterday"), "createAt"),
    (raw_order(updateAt="2026-11-20T02:00:00"), "updateAt"),  # naive: no zone
    (raw_order(items=[{"masterSku": "X", "productName": "X", "quantity": 1}]), "no price"),
    (raw_order(totalAmount="-5"), "totalAmount"),
    ('{"orderId": "SO9", "items": [', "malformed order JSON"),
    ([1, 2, 3], "malformed order JSON"),
])
def test_unreadable_orders_become_rejected_with_a_reason(raw, reason):
    result = order_from_json(raw)
    assert isinstance(result, Rejected)
    assert result.kind == "order"
    assert reason in result.reason
    assert result.raw


def test_rejected_keeps_the_order_id_when_it_can_read_it():
    result = order_from_json(raw_order(orderStatus="TELEPORTED"))
    assert result.ref == "SO100"
    assert json.loads(result.raw)["orderStatus"] == "TELEPORTED"


money = st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(lines=st.lists(st.tuples(st.integers(1, 50), money), min_size=1, max_size=6),
       shipping=money, discount_share=st.fractions(0, 1), status=st.sampled_from(sorted(EXPECTED)))
def test_emulator_orders_map_without_losing_money(lines, shipping, discount_share, status):
    store = GineeStore(lambda: START)
    shop = store.add_shop("TOKOPEDIA")
    warehouse = store.add_warehouse("Gudang")
    variants = [{"sku": f"SKU-{i}", "price": price, "stock": {warehouse: 1000}}
                for i, (_, price) in enumerate(lines)]
    store.add_product("Barang", variants)
    gross = sum((qty * price for qty, price in lines), Decimal(0))
    discount = (gross * discount_share.numerator / discount_share.denominator).quantize(
        Decimal("0.01"), rounding="ROUND_DOWN")
    order_lines = [(f"SKU-{i}", qty, price) for i, (qty, price) in enumerate(lines)]
    order_id = store.create_order(shop, warehouse, order_lines,
                                  status=status, shipping_fee=shipping, discount=discount)
    order = order_from_json(json.loads(json.dumps(store.records[order_id].served())))
    assert isinstance(order, Order)
    assert order.total == gross + shipping - discount
    assert order.computed_total == order.total
    assert order.state is EXPECTED[status]


def stock_row(sku, warehouse, available):
    return GineeStockRow.model_validate({
        "masterVariation": {"masterSku": sku}, "warehouseId": warehouse,
        "warehouseStock": available + 1, "availableStock": available})


def master(**changes):
    product = {"productId": "MP1", "name": "Kaos Polos", "variations": [
        {"masterVariationId": "MV1", "masterSku": "KAOS-M", "optionValues": ["Hitam", "M"]},
        {"masterVariationId": "MV2", "masterSku": "KAOS-L", "optionValues": [],
         "pendingAction": True},
    ]}
    product.update(changes)
    return product


def test_one_product_per_variant_with_price_stock_and_pending_action():
    prices = {"MV1": Decimal("50000"), "MV2": Decimal("52000.5")}
    stock = {"KAOS-M": [stock_row("KAOS-M", "WH1", 4), stock_row("KAOS-M", "WH2", 9)],
             "KAOS-L": [stock_row("KAOS-L", "WH2", 2)]}
    first, second = products_from_master(master(), prices, stock)
    assert first == Product(sku="KAOS-M", name="Kaos Polos - Hitam / M", price=Decimal("50000"),
                            warehouse_id="WH1", available=4, parent_name="Kaos Polos")
    assert (second.name, second.pending_action, second.warehouse_id, second.available) == (
        "Kaos Polos", True, "WH2", 2)
    in_wh2 = list(products_from_master(master(), prices, stock, warehouse_id="WH2"))
    assert [p.available for p in in_wh2] == [9, 2]


def test_incomplete_variants_are_rejected_alone():
    broken = master(variations=[
        {"masterVariationId": "MV1", "masterSku": "KAOS-M"},
        {"masterVariationId": "MV3"},  # no SKU
        {"masterVariationId": "MV4", "masterSku": "KAOS-XL"},  # no price
    ])
    results = list(products_from_master(broken, {"MV1": Decimal(1), "MV3": Decimal(1)}, {}))
    assert isinstance(results[0], Product) and results[0].available == 0
    assert isinstance(results[1], Rejected) and "masterSku" in results[1].reason
    assert isinstance(results[2], Rejected) and results[2].ref == "KAOS-XL"
    assert "no selling price" in results[2].reason


def test_unreadable_master_products_are_rejected():
    assert isinstance(next(products_from_master({"productId": "MP9"}, {}, {})), Rejected)
    assert isinstance(next(products_from_master("{oops", {}, {})), Rejected)
    empty = next(products_from_master(master(variations=[]), {}, {}))
    assert isinstance(empty, Rejected) and "no variations" in empty.reason


def test_canonical_state_error_says_how_to_fix():
    with pytest.raises(PermanentError) as info:
        canonical_state("ON_HOLD")
    assert "STATUS_MAP" in str(info.value)
