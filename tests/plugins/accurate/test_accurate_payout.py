"""Receipt mode ``payout``: invoice at the seller's price, receipt for the net, returns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from framework import (
    AccountRole,
    Feature,
    Fee,
    FeeType,
    LinkInfo,
    Order,
    OrderMoney,
    OrderState,
    PlatformDiscount,
    PlatformDiscountType,
    RecordKind,
    RecordStatus,
    Refund,
    RefundLine,
    Settlement,
    Subsidy,
    SubsidyType,
)
from framework.testing.money import assert_money_adds_up
from plugins.accurate import handlers, reactions, settlement

SO, SI = handlers.SALES_ORDER_JOB, handlers.SALES_INVOICE_JOB
PAYOUT, RETURN = settlement.PAYOUT_RECEIPT_JOB, handlers.NEEDS_OPERATOR_JOB
T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)  # the conftest's order time
BALANCE, COMMISSION, SERVICE, SUBSIDY, OTHER = "1102", "6201", "6202", "7101", "6299"


@pytest.fixture
def payout_ctxs(emulator, db, contexts):
    for number, name, kind in ((BALANCE, "Saldo Shopee", "CASH_BANK"),
                               (COMMISSION, "Biaya Komisi", "EXPENSE"),
                               (SERVICE, "Biaya Layanan", "EXPENSE"),
                               (SUBSIDY, "Subsidi Marketplace", "OTHER_INCOME"),
                               (OTHER, "Biaya Marketplace Lain", "EXPENSE")):
        emulator.add_account(db, number, name, kind)
    ctxs = contexts(Feature.INVOICE, Feature.SALES_RETURN)
    ctxs.link = LinkInfo(id="toko", commerce="ginee", accounting="accurate",
                         features=ctxs.link.features, integrated_at=ctxs.link.integrated_at,
                         settings={"receipt_mode": "payout"})
    ctxs.accounts.update({(AccountRole.MARKETPLACE_BALANCE, "SHOPEE"): BALANCE,
                          (AccountRole.COMMISSION_FEE, ""): COMMISSION,
                          (AccountRole.PLATFORM_SUBSIDY, ""): SUBSIDY,
                          (AccountRole.OTHER_FEE, ""): OTHER})
    return ctxs


def priced(new_order, state=OrderState.READY_TO_SHIP, **money) -> Order:
    """The conftest order (A1 2x50000, B2 25000-5000, shipping 12000, discount 3000)."""
    base = new_order(state=state)
    books = OrderMoney(seller_discount=Decimal(3000), shipping_charged=Decimal(12000), **money)
    order = base.model_copy(update={"money": books})
    return Order.model_validate({**order.model_dump(), "total": order.buyer_total})


def run(ctxs, kind, order) -> None:
    ctx = ctxs(kind, {"order": order.model_dump(mode="json"), "reread": False})
    handlers.HANDLERS[kind](ctx)


FEES = (Fee(type=FeeType.COMMISSION, amount=Decimal(6000), label="commissionFee"),
        Fee(type=FeeType.SERVICE, amount=Decimal(2500), label="serviceFee"))
RELEASED = Settlement(released_at=T0 + timedelta(days=9), released_amount=Decimal(122500))


def test_invoice_is_at_the_sellers_price_and_the_payout_books_net_and_fees(
        emulator, db, payout_ctxs, new_order) -> None:
    cut = PlatformDiscount(type=PlatformDiscountType.VOUCHER, amount=Decimal(10000))
    order = priced(new_order, platform_discounts=(cut,), fees=FEES,
                   subsidies=(Subsidy(type=SubsidyType.REBATE, amount=Decimal(2000)),))
    assert_money_adds_up(order)
    assert order.total == 119000 and order.invoice_amount == 129000
    run(payout_ctxs, SI, order)
    [si] = emulator.documents(db, "sales_invoice")
    assert Decimal(str(si["totalAmount"])) == 129000  # the platform voucher reduces nothing
    assert emulator.documents(db, "sales_receipt") == []  # not at invoice time
    run(payout_ctxs, PAYOUT, order.model_copy(update={"state": OrderState.DELIVERED}))
    assert emulator.documents(db, "sales_receipt") == []  # delivered, nothing released yet
    record = payout_ctxs.records[(RecordKind.ORDER, order.order_number, "sales_receipt")]
    assert record.status is RecordStatus.PENDING
    settled = order.model_copy(update={"state": OrderState.COMPLETED, "money": order.money
                                       .model_copy(update={"settlement": RELEASED})})
    run(payout_ctxs, PAYOUT, settled)
    run(payout_ctxs, PAYOUT, settled)  # exactly once
    [sr] = emulator.documents(db, "sales_receipt")
    assert sr["number"] == "SR.2611AAA001" and sr["bankNo"] == BALANCE
    assert Decimal(str(sr["chequeAmount"])) == 122500 == order.expected_payout
    assert sr["transDate"] == "10/11/2026"
    [paid] = sr["detailInvoice"]
    lines = {d["accountNo"]: Decimal(str(d["amount"])) for d in paid["detailDiscount"]}
    # service fee has no account: the fallback takes it, and a record says so
    assert lines == {COMMISSION: 6000, OTHER: 2500, SUBSIDY: -2000}
    assert Decimal(str(paid["paymentAmount"])) + sum(lines.values()) == 129000
    warned = payout_ctxs.records[(RecordKind.ORDER, order.order_number, "fee_account")]
    assert warned.status is RecordStatus.NEEDS_OPERATOR and "service_fee" in warned.reason


def test_auto_paid_mode_receives_the_whole_invoice_and_skips_the_payout(
        emulator, db, payout_ctxs, new_order) -> None:
    payout_ctxs.link = LinkInfo(id="toko", commerce="ginee", accounting="accurate",
                                features=frozenset({Feature.INVOICE, Feature.AUTO_PAID}),
                                integrated_at=T0)
    order = priced(new_order, fees=FEES, cashless=True)
    run(payout_ctxs, SI, order)
    [si], [sr] = emulator.documents(db, "sales_invoice"), emulator.documents(db, "sales_receipt")
    assert si["detailExpense"] == []  # cashless: shipping is not the seller's income
    assert Decimal(str(sr["chequeAmount"])) == order.invoice_amount == 117000
    run(payout_ctxs, PAYOUT, order.model_copy(update={"state": OrderState.COMPLETED}))
    assert len(emulator.documents(db, "sales_receipt")) == 1


def test_partial_refund_returns_only_its_line_and_receives_the_rest(
        emulator, db, payout_ctxs, new_order) -> None:
    refund = Refund(amount=Decimal(20000), lines=(RefundLine(sku="B2", quantity=1),))
    order = priced(new_order, fees=FEES[:1])
    run(payout_ctxs, SI, order)
    returned = order.model_copy(update={"state": OrderState.RETURNED, "money": order.money
                                        .model_copy(update={"refunds": (refund,)})})
    run(payout_ctxs, RETURN, returned)
    run(payout_ctxs, RETURN, returned)
    [rt] = emulator.documents(db, "sales_return")
    assert [(line["itemNo"], line["quantity"]) for line in rt["detailItem"]] == [("B2", 1)]
    assert Decimal(str(rt["totalAmount"])) == 20000
    [sr] = emulator.documents(db, "sales_receipt")
    assert Decimal(str(sr["chequeAmount"])) == 129000 - 20000 - 6000 == returned.expected_payout


def test_reactions_queue_the_payout_at_delivered_and_completed_only_in_payout_mode(
        payout_ctxs, new_order) -> None:
    order = new_order()
    for state in (OrderState.DELIVERED, OrderState.COMPLETED):
        [job] = reactions.plan_reactions(payout_ctxs.link, order, state, frozenset())
        assert job.kind == PAYOUT and job.key.endswith(f"payout_receipt:{state.value}")
    auto = LinkInfo(id="t", commerce="ginee", accounting="accurate",
                    features=frozenset({Feature.INVOICE, Feature.AUTO_PAID}), integrated_at=T0)
    assert reactions.plan_reactions(auto, order, OrderState.COMPLETED, frozenset()) == []


def test_check_reports_the_roles_payout_mode_needs(connector) -> None:
    from framework import CheckContext
    from plugins.accurate import hooks

    def problems(settings, mappings):
        info = LinkInfo("toko", "ginee", "accurate", frozenset({Feature.INVOICE}), None, settings)
        found = hooks.check_link(context=CheckContext(info, None, connector, {}, mappings))
        return {(p.check, p.subject, p.severity.value) for p in found}

    assert problems({}, {}) >= {("unmapped-account", "marketplace_balance", "blocker"),
                                ("unmapped-account", "other_fee", "blocker"),
                                ("unmapped-account", "commission_fee", "warning")}
    assert not {p for p in problems({"receipt_mode": "auto-paid"}, {}) if "fee" in p[1]}
    assert ("receipt-mode", "payot", "blocker") in problems({"receipt_mode": "payot"}, {})
    mapped = {("marketplace_balance", "SHOPEE"): BALANCE, ("other_fee", ""): OTHER,
              ("platform_subsidy", ""): SUBSIDY}
    assert {p[1] for p in problems({}, mapped)} == {
        "commission_fee", "service_fee", "payment_fee", "shipping_difference",
        "seller_voucher", "1102", "6299", "7101"}  # the numbers: not in this chart yet


def test_ppn_and_branch_per_link(emulator, db, link_for, new_order) -> None:
    from plugins.accurate.connector import AccurateConnector

    for branch in ("Jakarta", "Bandung"):
        emulator.add_branch(db, branch)
    for number, name, kind in ((BALANCE, "Saldo Shopee", "CASH_BANK"),
                               (OTHER, "Biaya Marketplace Lain", "EXPENSE"),
                               (SUBSIDY, "Subsidi", "OTHER_INCOME")):
        emulator.add_account(db, number, name, kind)
    settings = {"taxable": "true", "inclusive_tax": "true", "branch_name": "Bandung",
                "receipt_mode": "payout"}
    with AccurateConnector(link_for(emulator, db, settings=settings)) as taxed:
        from framework.testing.memory import MemoryJobContext
        link = LinkInfo(id="toko", commerce="ginee", accounting="accurate",
                        features=frozenset({Feature.INVOICE}), integrated_at=T0,
                        settings=settings)
        accounts = {(AccountRole.CUSTOMER, "SHOPEE"): "C.SHOPEE",
                    (AccountRole.SHIPPING_FEE, ""): "4101",
                    (AccountRole.MARKETPLACE_BALANCE, ""): BALANCE,
                    (AccountRole.OTHER_FEE, ""): OTHER,
                    (AccountRole.PLATFORM_SUBSIDY, ""): SUBSIDY}
        bindings: dict = {}
        order = priced(new_order, fees=FEES[:1])

        def ctx(kind, item):
            return MemoryJobContext(link=link, kind=kind, accounting_connector=taxed,
                                    payload={"order": item.model_dump(mode="json"),
                                             "reread": False},
                                    warehouses={"WH1": "Gudang Utama"}, accounts=accounts,
                                    bindings=bindings)

        handlers.HANDLERS[SI](ctx(SI, order))
        handlers.HANDLERS[PAYOUT](ctx(PAYOUT, order.model_copy(
            update={"state": OrderState.COMPLETED})))
    [si], [sr] = emulator.documents(db, "sales_invoice"), emulator.documents(db, "sales_receipt")
    assert si["taxable"] is True and si["inclusiveTax"] is True
    assert all(line["useTax1"] for line in si["detailItem"])
    assert Decimal(str(si["totalAmount"])) == order.invoice_amount  # PPN inside the prices
    assert Decimal(str(si["tax1Amount"])) > 0
    assert si["branchName"] == sr["branchName"] == "Bandung"
    assert Decimal(str(sr["chequeAmount"])) == order.invoice_amount - 6000


def test_a_mistyped_receipt_mode_is_a_config_error_with_its_fix(emulator, db, payout_ctxs,
                                                                new_order) -> None:
    from framework import ConfigError

    payout_ctxs.link = LinkInfo(id="toko", commerce="ginee", accounting="accurate",
                                features=frozenset({Feature.INVOICE}), integrated_at=T0,
                                settings={"receipt_mode": "autopaid"})
    with pytest.raises(ConfigError, match="receipt_mode="):
        run(payout_ctxs, SI, priced(new_order))
    assert emulator.documents(db, "sales_order") == []  # refused before anything is posted


def test_fees_kept_after_a_full_refund_are_expenses_out_of_the_balance(
        emulator, db, payout_ctxs, new_order) -> None:
    order = priced(new_order, fees=FEES[:1])  # commission 6000 kept by the marketplace
    run(payout_ctxs, SI, order)
    refunded = order.model_copy(update={"state": OrderState.RETURNED, "money": order.money
                                        .model_copy(update={"refunds": (
                                            Refund(amount=order.invoice_amount),)})})
    before = emulator.balances(db)
    run(payout_ctxs, RETURN, refunded)
    run(payout_ctxs, RETURN, refunded)  # exactly once
    [rt] = emulator.documents(db, "sales_return")
    assert Decimal(str(rt["totalAmount"])) == order.invoice_amount
    assert emulator.documents(db, "sales_receipt") == []
    [jv] = emulator.documents(db, "journal_voucher")
    assert jv["number"] == "JV.2611AAA001"
    after = emulator.balances(db)
    moved = {no: after.get(no, Decimal(0)) - before.get(no, Decimal(0))
             for no in (BALANCE, COMMISSION, "1103")}
    assert moved == {BALANCE: -6000, COMMISSION: 6000, "1103": -order.invoice_amount}
    record = payout_ctxs.records[(RecordKind.ORDER, order.order_number, "payout")]
    assert record.received["amount"] == "-6000"
