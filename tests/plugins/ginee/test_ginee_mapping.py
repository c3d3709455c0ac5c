import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from ginee_support import START
from hypothesis import given, settings
from hypothesis import strategies as st

from framework.domain import FeeType, Order, OrderState, PlatformDiscountType, Product, Rejected
from framework.errors import PermanentError
from framework.plugins import make_plugin_manager
from framework.testing.money import money_problems
from plugins.ginee.client import json_number
from plugins.ginee.emulator.state import GineeStore
from plugins.ginee.mapping import (
    STATUS_MAP,
    canonical_channel,
    canonical_state,
    order_from_json,
    products_from_master,
)
from plugins.ginee.models import GineeOrder, GineePaymentInfo, GineeStockRow

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


FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "ginee"


def raw_order(**changes):
    """The documented batch-get order (tests/fixtures/ginee), with ``changes`` over it."""
    data = json.loads((FIXTURES / "batch_get.response.json").read_text())["data"][0]
    return {**data, **changes}


def test_a_complete_order_maps_every_field():
    order = order_from_json(raw_order())
    assert isinstance(order, Order)
    assert (order.external_id, order.order_number) == ("SO2611200001", "261120ABCDEFGH")
    assert order.channel == "SHOPEE"  # SHOPEE_ID in Ginee's Dictionary
    assert order.state is OrderState.PAID and order.platform_status == "PAID"
    assert order.warehouse_id is None and order.shop_id == "SH5F8B1C2D3E"
    line = order.lines[0]
    assert (line.sku, line.quantity, line.unit_price, line.discount) == (
        "KAOS-M", 2, Decimal("60000"), Decimal("10000"))  # list price, seller's cut
    assert line.total == Decimal("110000")  # actualTotalPrice
    assert order.total == order.computed_total == Decimal("117000")
    assert (order.shipping_fee, order.discount) == (Decimal("12000"), Decimal("5000"))
    assert order.created_at.utcoffset().total_seconds() == 0
    assert order.updated_at.isoformat() == "2026-11-20T02:00:00+00:00"  # lastUpdateAt
    assert order.paid_at is not None and order.payment_method == "PREPAY"


def test_every_payment_info_field_is_a_typed_decimal():
    model = GineeOrder.model_validate(raw_order())
    pay = model.payment
    for name in GineePaymentInfo.model_fields:
        assert isinstance(getattr(pay, name), Decimal), name
    assert len(GineePaymentInfo.model_fields) == 16  # every field of "Money fields"
    assert pay.commission_fee == Decimal("4400") and pay.final_shipping_fee == 14000
    assert model.customer_info.name == "Budi Santoso" and model.print_info.label_print_status


def test_the_money_reaches_the_canonical_pieces():
    order = order_from_json(raw_order())
    books = order.money
    assert {(f.type, f.amount) for f in books.fees} == {
        (FeeType.COMMISSION, Decimal("4400")), (FeeType.SERVICE, Decimal("2200")),
        (FeeType.SHIPPING_DIFFERENCE, Decimal("2000"))}  # final 14000 - buyer's 12000
    assert (books.shipping_charged, books.shipping_final) == (Decimal(12000), Decimal(14000))
    assert order.expected_payout == Decimal("117000") - 4400 - 2200 - 2000
    assert money_problems(order) == []


def test_platform_funded_cuts_do_not_reduce_revenue():
    raw = raw_order(totalAmount=97000, paymentInfo={
        **raw_order()["paymentInfo"], "voucherPlatform": 15000, "coin": 5000,
        "totalAmount": 97000})
    order = order_from_json(raw)
    assert order.invoice_amount == Decimal("117000") and order.total == Decimal("97000")
    assert {(c.type, c.amount) for c in order.money.platform_discounts} == {
        (PlatformDiscountType.VOUCHER, Decimal(15000)), (PlatformDiscountType.COINS, 5000)}
    assert money_problems(order) == []


def test_optional_fields_absent_or_null_and_unknown_fields_are_tolerated():
    minimal = {key: raw_order()[key] for key in (
        "orderId", "channel", "orderStatus", "createAt", "lastUpdateAt", "totalAmount")}
    minimal["items"] = [{"masterSku": "KAOS-M", "quantity": 1, "actualTotalPrice": 117000}]
    order = order_from_json({**minimal, "brandNewField": {"x": [1]}})
    assert isinstance(order, Order) and order.total == 117000 and order.money.fees == ()
    nulls = raw_order(customerInfo=None, paymentInfo=None, logisticsInfos=None,
                      cancelInfo=None, printInfo=None, problemOrderTypes=None, payAt=None,
                      closeAt=None, shopId=None, currency=None, items=[{
                          **raw_order()["items"][0], "sku": None, "productName": None,
                          "originalPrice": None, "discountedPrice": None, "isGift": None}])
    order = order_from_json(nulls)
    assert isinstance(order, Order), order
    assert order.lines[0].total == Decimal("110000") and order.currency == "IDR"


def test_a_gift_line_is_booked_at_zero():
    gift = {**raw_order()["items"][0], "isGift": True, "masterSku": "GIFT-1", "quantity": 1}
    order = order_from_json(raw_order(items=[raw_order()["items"][0], gift]))
    assert [(line.sku, line.total) for line in order.lines] == [
        ("KAOS-M", Decimal("110000")), ("GIFT-1", Decimal(0))]


def test_epoch_millisecond_times_are_read_too():
    order = order_from_json(raw_order(lastUpdateAt=1795658400000))
    assert order.updated_at == datetime.fromtimestamp(1795658400, UTC)


def test_the_dictionarys_channels_map_to_canonical_channels():
    assert {code: canonical_channel(code) for code in ("SHOPEE_ID", "TOKOPEDIA_ID",
            "TIKTOK_ID", "MANUAL_ID", "GENIE_MASTER", "NEWMARKET_ID")} == {
        "SHOPEE_ID": "SHOPEE", "TOKOPEDIA_ID": "TOKOPEDIA", "TIKTOK_ID": "TIKTOK",
        "MANUAL_ID": "MANUAL", "GENIE_MASTER": "GINEE", "NEWMARKET_ID": "NEWMARKET"}


def test_order_number_falls_back_to_external_id_then_ginee_id():
    assert order_from_json(raw_order(externalOrderSn=None)).order_number == "261120ABCDEF"
    manual = order_from_json(raw_order(externalOrderSn=None, externalOrderId=None))
    assert manual.order_number == "SO2611200001"


@pytest.mark.parametrize(("raw", "reason"), [
    (raw_order(orderStatus="TELEPORTED"), "unknown Ginee order status 'TELEPORTED'"),
    (raw_order(items=[{**raw_order()["items"][0], "quantity": -1}]), "quantity"),
    ({k: v for k, v in raw_order().items() if k != "totalAmount"}, "totalAmount"),
    ({k: v for k, v in raw_order().items() if k != "items"}, "items"),
    (raw_order(items=[]), "items"),
    (raw_order(createAt="yesterday"), "createAt"),
    (raw_order(lastUpdateAt="2026-11-20T02:00:00"), "lastUpdateAt"),  # naive: no zone
    ({k: v for k, v in raw_order().items() if k != "lastUpdateAt"}, "lastUpdateAt"),
    (raw_order(items=[{"masterSku": "X", "productName": "X", "quantity": 1}]), "no price"),
    (raw_order(items=[{"sku": "CH-1", "quantity": 1, "actualPrice": 1}]), "no masterSku"),
    (raw_order(totalAmount="-5"), "totalAmount"),
    (raw_order(totalAmount="abc"), "totalAmount"),
    (raw_order(totalAmount="1E+1000000"), "totalAmount"),
    (raw_order(totalAmount=True), "totalAmount"),
    (raw_order(paymentInfo={"commissionFee": "NaN"}), "commissionFee"),
    (raw_order(paymentInfo={"serviceFee": [1]}), "serviceFee"),
    (raw_order(lastUpdateAt=10**20), "lastUpdateAt"),
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
    assert result.ref == "SO2611200001"
    assert json.loads(result.raw)["orderStatus"] == "TELEPORTED"


money = st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(lines=st.lists(st.tuples(st.integers(1, 50), money), min_size=1, max_size=6),
       shipping=money, discount_share=st.fractions(0, 1), status=st.sampled_from(sorted(EXPECTED)))
def test_emulator_orders_map_without_losing_money(lines, shipping, discount_share, status):
    store = GineeStore(lambda: START)
    shop = store.add_shop("TOKOPEDIA_ID")
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
    served = json.dumps(store.records[order_id].served(), default=json_number)
    order = order_from_json(json.loads(served, parse_float=Decimal))
    assert isinstance(order, Order)
    assert order.total == gross + shipping - discount
    assert order.computed_total == order.total
    assert money_problems(order) == []
    assert order.state is EXPECTED[status] and order.channel == "TOKOPEDIA"


def stock_row(sku, warehouse, available):
    return GineeStockRow.model_validate({
        "masterVariation": {"id": "MV", "masterSku": sku},
        "warehouseInventory": {"warehouseId": warehouse, "warehouseStock": available + 1,
                               "availableStock": available, "lockedStock": 1}})


def master(**changes):
    product = {"productId": "MP1", "name": "Kaos Polos", "spu": "KAOS", "variationBriefs": [
        {"id": "MV1", "sku": "KAOS-M", "optionValues": ["Hitam", "M"],
         "stock": {"warehouseStock": 14, "availableStock": 13}},
        {"id": "MV2", "sku": "KAOS-L", "optionValues": None, "unknownThing": 1},
    ]}
    product.update(changes)
    return product


def test_one_product_per_variation_brief_with_price_and_stock():
    prices = {"MV1": Decimal("50000"), "MV2": Decimal("52000.5")}
    stock = {"KAOS-M": [stock_row("KAOS-M", "WH1", 4), stock_row("KAOS-M", "WH2", 9)],
             "KAOS-L": [stock_row("KAOS-L", "WH2", 2)]}
    first, second = products_from_master(master(), prices, stock)
    assert first == Product(sku="KAOS-M", name="Kaos Polos - Hitam / M", price=Decimal("50000"),
                            warehouse_id="WH1", available=4, parent_name="Kaos Polos")
    assert (second.name, second.pending_action, second.warehouse_id, second.available) == (
        "Kaos Polos", False, "WH2", 2)  # Ginee has no pendingAction
    in_wh2 = list(products_from_master(master(), prices, stock, warehouse_id="WH2"))
    assert [p.available for p in in_wh2] == [9, 2]


def test_incomplete_variants_are_rejected_alone():
    broken = master(variationBriefs=[
        {"id": "MV1", "sku": "KAOS-M"},
        {"id": "MV3"},  # no SKU
        {"id": "MV4", "sku": "KAOS-XL"},  # no price
    ])
    results = list(products_from_master(broken, {"MV1": Decimal(1), "MV3": Decimal(1)}, {}))
    assert isinstance(results[0], Product) and results[0].available == 0
    assert isinstance(results[1], Rejected) and "sku" in results[1].reason
    assert isinstance(results[2], Rejected) and results[2].ref == "KAOS-XL"
    assert "no selling price" in results[2].reason


def test_unreadable_master_products_are_rejected():
    assert isinstance(next(products_from_master({"productId": "MP9"}, {}, {})), Rejected)
    assert isinstance(next(products_from_master("{oops", {}, {})), Rejected)
    empty = next(products_from_master(master(variationBriefs=[]), {}, {}))
    assert isinstance(empty, Rejected) and "no variations" in empty.reason


def test_canonical_state_error_says_how_to_fix():
    with pytest.raises(PermanentError) as info:
        canonical_state("ON_HOLD")
    assert "STATUS_MAP" in str(info.value)


def test_the_worked_example_of_docs_money_md_books_to_the_rupiah():
    """docs/money.md "Worked example: Ginee (Shopee)": invoice 137 000, net 124 600."""
    kaos = {"masterSku": "KAOS", "productName": "Kaos", "quantity": 2, "originalPrice": 50000,
            "actualPrice": 50000, "actualTotalPrice": 100000}
    topi = {"masterSku": "TOPI", "productName": "Topi", "quantity": 1, "originalPrice": 30000,
            "actualPrice": 30000, "actualTotalPrice": 30000}
    payment = {"totalAmount": 127000, "voucherSeller": 5000, "voucherPlatform": 10000,
               "totalShippingFee": 12000, "finalShippingFee": 14000, "commissionFee": 6500,
               "serviceFee": 2600, "creditCardServiceFee": 1300}
    order = order_from_json(raw_order(items=[kaos, topi], totalAmount=127000,
                                      paymentInfo=payment))
    assert order.invoice_amount == Decimal(137000) and order.total == Decimal(127000)
    assert order.expected_payout == Decimal(124600) and money_problems(order) == []
    returned = order_from_json(raw_order(items=[kaos, topi], totalAmount=127000, paymentInfo={
        **payment, "sellerReturnRefundAmount": 30000}))
    assert returned.money.refund_total == Decimal(30000)
    assert returned.expected_payout == Decimal(94600)


def test_a_seller_rebate_is_the_sellers_discount():
    pay = {**raw_order()["paymentInfo"], "sellerRebate": 3000, "totalAmount": 114000}
    order = order_from_json(raw_order(totalAmount=114000, paymentInfo=pay))
    assert order.discount == Decimal(8000) and money_problems(order) == []
