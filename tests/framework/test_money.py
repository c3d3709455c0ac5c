"""Canonical order money: the pieces relate as documented, and the kit catches what doesn't."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import given, settings

from framework import (
    Fee,
    FeeType,
    Order,
    OrderLine,
    OrderMoney,
    OrderState,
    PlatformDiscount,
    PlatformDiscountType,
    Refund,
    RefundLine,
    Subsidy,
    SubsidyType,
)
from framework.testing.money import assert_money_adds_up, money_problems, orders_with_money

NOW = datetime(2026, 11, 26, 9, tzinfo=UTC)


def _order(money: OrderMoney | None, total: str, **extra) -> Order:
    lines = (OrderLine(sku="A1", name="Kaos", quantity=2, unit_price=Decimal(50000),
                       discount=Decimal(5000)),
             OrderLine(sku="B2", name="Topi", quantity=1, unit_price=Decimal(30000)))
    fields = {"shipping_fee": money.shipping_charged if money else Decimal(12000),
              "discount": money.seller_discount if money else Decimal(3000), **extra}
    return Order(external_id="G1", order_number="2611AAA001", channel="SHOPEE",
                 state=OrderState.DELIVERED, platform_status="DELIVERED", lines=lines,
                 total=Decimal(total), created_at=NOW, updated_at=NOW, money=money, **fields)


def test_legacy_order_reads_as_non_cashless_without_fees() -> None:
    order = _order(None, "134000")
    assert order.books.shipping_income == 12000 and order.books.fees == ()
    assert order.invoice_amount == order.buyer_total == order.expected_payout == 134000
    assert money_problems(order) == []


def test_worked_example_platform_voucher_fees_and_cashless_shipping() -> None:
    money = OrderMoney(
        seller_discount=Decimal(3000), shipping_charged=Decimal(12000), cashless=True,
        platform_discounts=(PlatformDiscount(type=PlatformDiscountType.VOUCHER,
                                             amount=Decimal(10000)),),
        fees=(Fee(type=FeeType.COMMISSION, amount=Decimal(6000)),
              Fee(type=FeeType.PAYMENT, amount=Decimal(1500))),
        subsidies=(Subsidy(type=SubsidyType.REBATE, amount=Decimal(2000)),),
        stated_net=Decimal(116500))
    order = _order(money, "114000")
    # invoice: 95000 + 30000 - 3000 (cashless: no shipping income)
    assert order.invoice_amount == Decimal(122000)
    # buyer: invoice - platform voucher + shipping paid to the marketplace
    assert order.buyer_total == Decimal(124000) != order.total
    assert money_problems(order) == [
        "buyer total by the pieces 124000 != the platform's total 114000"]
    fixed = _order(money, "124000")
    assert_money_adds_up(fixed)
    assert fixed.expected_payout == Decimal(122000 - 7500 + 2000)


def test_stated_net_refunds_and_legacy_fields_are_checked() -> None:
    money = OrderMoney(shipping_charged=Decimal(12000), stated_net=Decimal(1),
                       refunds=(Refund(amount=Decimal(30000),
                                       lines=(RefundLine(sku="B2", quantity=2),)),))
    order = _order(money, "137000", discount=Decimal(7))
    problems = money_problems(order)
    assert "net payout by the pieces 107000 != the platform's seller total 1" in problems
    assert "discount 7 != money.seller_discount 0" in problems
    assert "refund of 2 x B2 but the order has 1" in problems


def test_exclusive_tax_adds_to_the_invoice() -> None:
    money = OrderMoney(shipping_charged=Decimal(0), tax=Decimal(11000), tax_inclusive=False)
    order = _order(money, "136000")
    assert order.invoice_amount == Decimal(125000 + 11000)
    assert_money_adds_up(order)


@settings(max_examples=150, deadline=None)
@given(orders_with_money())
def test_generated_orders_add_up_and_the_payout_identity_holds(order: Order) -> None:
    assert_money_adds_up(order)
    books = order.books
    assert order.expected_payout + books.fee_total - books.subsidy_total + books.refund_total \
        == order.invoice_amount
    if books.settlement is not None:
        assert books.settlement.released_amount == order.expected_payout
    roundtrip = Order.model_validate(order.model_dump(mode="json"))
    assert roundtrip == order and roundtrip.money is not None
