"""Job handlers driven by MemoryJobContext against the emulator: DESIGN.md's lifecycle table."""

from __future__ import annotations

from decimal import Decimal

import pytest

from framework import (
    AccountRole,
    ConfigError,
    Feature,
    OrderState,
    PermanentError,
    RecordKind,
    RecordStatus,
)
from plugins.accurate import handlers

WH = "Gudang Utama"
SO, SI, SR = (handlers.SALES_ORDER_JOB, handlers.SALES_INVOICE_JOB, handlers.CLOSE_SALES_ORDER_JOB)


def run(ctxs, kind, order) -> None:
    handlers.HANDLERS[kind](ctxs.order(kind, order))


def docs(emulator, db, kind):
    return emulator.documents(db, kind)


def test_waiting_payment_posts_sales_order_reserving_stock(emulator, db, contexts,
                                                          new_order) -> None:
    ctxs, order = contexts(), new_order()
    run(ctxs, SO, order)
    run(ctxs, SO, order)  # a second run finds it (binding) and posts nothing
    [so] = docs(emulator, db, "sales_order")
    assert so["number"] == "SO.2611AAA001" and so["customerNo"] == "C.SHOPEE"
    assert Decimal(str(so["totalAmount"])) == order.total == Decimal(129000)
    assert emulator.stock(db, "A1", WH) == (10, 2) and emulator.stock(db, "B2", WH) == (5, 1)
    assert [c["customerNo"] for c in docs(emulator, db, "customer")] == ["C.SHOPEE"]
    record = ctxs.records[(RecordKind.ORDER, "2611AAA001", "sales_order")]
    assert record.status is RecordStatus.SUCCEEDED and record.sent["number"] == "SO.2611AAA001"
    assert ctxs.bindings[("sales_order", order.external_id)].accounting_number == "SO.2611AAA001"


def test_ready_to_ship_invoices_and_auto_pays(emulator, db, contexts, new_order) -> None:
    ctxs = contexts(Feature.INVOICE, Feature.AUTO_PAID)
    order = new_order(state=OrderState.READY_TO_SHIP)
    run(ctxs, SO, order)
    run(ctxs, SI, order)
    run(ctxs, SI, order)  # idempotent
    [so], [si], [sr] = (docs(emulator, db, k) for k in
                        ("sales_order", "sales_invoice", "sales_receipt"))
    assert si["number"] == "SI.2611AAA001" and sr["number"] == "SR.2611AAA001"
    assert {line["salesOrderNumber"] for line in si["detailItem"]} == {so["number"]}
    assert si["outstanding"] == 0 and sr["bankNo"] == "1101"
    assert emulator.stock(db, "A1", WH) == (8, 0) and emulator.stock(db, "B2", WH) == (4, 0)
    expenses = {e["accountNo"]: e["expenseAmount"] for e in si["detailExpense"]}
    assert expenses == {"4101": 12000}  # shipping income; the seller discount is a discount
    assert Decimal(str(si["cashDiscount"])) == 3000


def test_first_seen_ready_to_ship_creates_missing_sales_order(emulator, db, contexts,
                                                            new_order) -> None:
    ctxs = contexts(Feature.INVOICE)
    run(ctxs, SI, new_order(state=OrderState.SHIPPED))
    assert len(docs(emulator, db, "sales_order")) == 1
    assert len(docs(emulator, db, "sales_invoice")) == 1
    assert docs(emulator, db, "sales_receipt") == []  # Auto Paid off
    assert docs(emulator, db, "sales_invoice")[0]["outstanding"] == 129000


def test_cancel_before_ready_to_ship_closes_sales_order(emulator, db, contexts, new_order) -> None:
    ctxs = contexts(Feature.INVOICE)
    order = new_order()
    run(ctxs, SO, order)
    cancelled = order.model_copy(update={"state": OrderState.CANCELLED})
    run(ctxs, SR, cancelled)
    run(ctxs, SR, cancelled)
    [so] = docs(emulator, db, "sales_order")
    assert so["status"] == "CLOSED" and so["manualClosed"] is True
    assert emulator.stock(db, "A1", WH) == (10, 0)
    record = ctxs.records[(RecordKind.ORDER, "2611AAA001", "close_sales_order")]
    assert record.status is RecordStatus.SUCCEEDED


def test_cancel_without_sales_order_is_skipped(emulator, db, contexts, new_order) -> None:
    ctxs = contexts()
    run(ctxs, SR, new_order(state=OrderState.CANCELLED))
    assert docs(emulator, db, "sales_order") == []
    assert ctxs.records[(RecordKind.ORDER, "2611AAA001", "close_sales_order")].status \
        is RecordStatus.SKIPPED


@pytest.mark.parametrize("sales_return", [False, True])
def test_returned_needs_operator_and_books_return_once(emulator, db, contexts, new_order,
                                                      sales_return) -> None:
    features = [Feature.INVOICE] + ([Feature.SALES_RETURN] if sales_return else [])
    ctxs = contexts(*features)
    run(ctxs, SI, new_order(state=OrderState.READY_TO_SHIP))
    returned = new_order(state=OrderState.RETURNED)
    run(ctxs, handlers.NEEDS_OPERATOR_JOB, returned)
    run(ctxs, handlers.NEEDS_OPERATOR_JOB, returned)
    record = ctxs.records[(RecordKind.ORDER, "2611AAA001", "operator")]
    assert record.status is RecordStatus.NEEDS_OPERATOR and "returned" in record.reason
    assert "SI.2611AAA001" in record.reason
    returns = docs(emulator, db, "sales_return")
    assert len(returns) == (1 if sales_return else 0)
    assert emulator.stock(db, "A1", WH)[0] == (10 if sales_return else 8)
    if sales_return:
        assert returns[0]["returnType"] == "INVOICE" and returns[0]["number"] == "RT.2611AAA001"


def test_unknown_sku_names_the_sku_and_the_fix(emulator, db, contexts, new_order) -> None:
    ctxs = contexts()
    with pytest.raises(PermanentError) as caught:
        run(ctxs, SO, new_order(lines=(("A1", 1, 50000, 0), ("GHOST-9", 1, 1000, 0))))
    assert "GHOST-9" in str(caught.value) and "product sync" in str(caught.value)
    assert docs(emulator, db, "sales_order") == []


def test_unmapped_accounts_are_config_errors(emulator, db, contexts, new_order) -> None:
    ctxs = contexts(Feature.INVOICE)
    del ctxs.accounts[(AccountRole.SHIPPING_FEE, "")]
    with pytest.raises(ConfigError, match="shipping_fee") as caught:
        run(ctxs, SO, new_order())
    assert "jembatan accounts map" in str(caught.value)
    with pytest.raises(ConfigError, match="customer"):
        run(ctxs, SO, new_order(channel="LAZADA", shipping=0))
    assert docs(emulator, db, "sales_order") == []


def test_total_mismatch_is_permanent_with_both_numbers(emulator, db, contexts, new_order) -> None:
    ctxs = contexts(Feature.INVOICE)
    with pytest.raises(PermanentError) as caught:
        run(ctxs, SI, new_order(total=129001, state=OrderState.READY_TO_SHIP))
    assert "129000" in str(caught.value) and "129001" in str(caught.value)
    assert docs(emulator, db, "sales_invoice") == []


def test_closed_order_cannot_be_invoiced(emulator, db, contexts, new_order) -> None:
    ctxs = contexts(Feature.INVOICE)
    order = new_order()
    run(ctxs, SO, order)
    run(ctxs, SR, order.model_copy(update={"state": OrderState.CANCELLED}))
    with pytest.raises(PermanentError, match="sudah ditutup"):
        run(ctxs, SI, order)
    record = ctxs.records[(RecordKind.ORDER, "2611AAA001", "sales_invoice")]
    assert record.status is RecordStatus.FAILED and "sudah ditutup" in record.reason


def test_core_product_push_through_accurate_records_each_sku(emulator, db, contexts) -> None:
    # Product push is the core's job (``core.push_products``); Accurate supplies create_items.
    from framework.sync.catalogue import PUSH_PRODUCTS, push_products

    ctxs = contexts()
    products = [{"sku": "N1", "name": "Baru", "price": "1000", "available": 3},
                {"sku": "A1", "name": "Kaos", "price": "50000"},
                {"sku": "L" * 40, "name": "Panjang", "price": "1"}]
    with pytest.raises(PermanentError, match="1 of 3 products were refused"):
        push_products(ctxs(PUSH_PRODUCTS, {"warehouse": WH, "products": products}))
    status = {ref: rec.status for (_, ref, _), rec in ctxs.records.items()}
    assert status == {"N1": RecordStatus.SUCCEEDED, "A1": RecordStatus.SUCCEEDED,
                      "L" * 40: RecordStatus.FAILED}
    assert ctxs.bindings[("item", "N1")].accounting_id
    assert emulator.stock(db, "N1", WH) == (3, 0)
