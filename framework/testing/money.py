"""Plugin-author kit for an order's money: the pieces must add up to the platform's totals.

A commerce plugin that fills ``Order.money`` runs ``MoneyContract`` against orders its mapping
produced from its own emulator or fixtures::

    class TestAcmeMoney(MoneyContract):
        @pytest.fixture
        def priced_orders(self, emulator, connector):
            return list(connector.iter_orders(...))

``money_problems`` is also usable on its own, and ``orders_with_money`` is a hypothesis
strategy of consistent orders for property tests of whatever books them.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from framework.domain import (
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
    Settlement,
    Subsidy,
    SubsidyType,
)


def money_problems(order: Order) -> list[str]:
    """Return why an order's money pieces do not add up (empty when they do)."""
    books = order.books
    problems = []
    if order.buyer_total != order.total:
        problems.append(f"buyer total by the pieces {order.buyer_total} != the platform's total "
                        f"{order.total}")
    if books.stated_net is not None and books.stated_net != order.expected_payout:
        problems.append(f"net payout by the pieces {order.expected_payout} != the platform's "
                        f"seller total {books.stated_net}")
    if order.money is not None:
        if order.shipping_fee != books.shipping_charged:
            problems.append(f"shipping_fee {order.shipping_fee} != money.shipping_charged "
                            f"{books.shipping_charged}")
        if order.discount != books.seller_discount:
            problems.append(f"discount {order.discount} != money.seller_discount "
                            f"{books.seller_discount}")
    if books.refund_total > order.invoice_amount:
        problems.append(f"refunds {books.refund_total} exceed the invoice {order.invoice_amount}")
    problems += _refund_line_problems(order)
    return problems


def _refund_line_problems(order: Order) -> list[str]:
    ordered = Counter[str]()
    for line in order.lines:
        ordered[line.sku] += line.quantity
    refunded = Counter[str]()
    for refund in order.books.refunds:
        for line in refund.lines:
            refunded[line.sku] += line.quantity
    return [f"refund of {qty} x {sku} but the order has {ordered[sku]}"
            for sku, qty in refunded.items() if qty > ordered[sku]]


def assert_money_adds_up(order: Order) -> None:
    """Fail the test, naming the order, when its money pieces do not add up."""
    problems = money_problems(order)
    assert not problems, f"order {order.order_number}: " + "; ".join(problems)


class MoneyContract:
    """Contract for commerce plugins filling ``Order.money`` (subclass it as ``Test...``).

    The subclass provides a ``priced_orders`` fixture: orders the plugin mapped from its own
    platform data, covering fees and both cashless and non-cashless shipping.
    """

    def test_every_order_adds_up_to_the_platform_totals(self, priced_orders: list[Order]
                                                       ) -> None:
        """Buyer total = the platform's total; net = the platform's seller total."""
        assert priced_orders, "priced_orders gave no order"
        for order in priced_orders:
            assert_money_adds_up(order)

    def test_orders_carry_typed_money(self, priced_orders: list[Order]) -> None:
        """Each order fills ``money`` (not only the legacy fields), with Decimal amounts."""
        for order in priced_orders:
            assert order.money is not None, f"order {order.order_number} has no money"
            amounts = [order.money.seller_discount, order.money.shipping_charged,
                       *(fee.amount for fee in order.money.fees)]
            assert all(isinstance(value, Decimal) for value in amounts)

    def test_fees_and_both_shipping_kinds_are_covered(self, priced_orders: list[Order]) -> None:
        """The sample exercises fees, cashless and non-cashless shipping (not a vacuous pass)."""
        books = [order.books for order in priced_orders]
        assert any(b.fees for b in books), "no order carries a fee"
        assert {b.cashless for b in books} == {True, False}, "need cashless and non-cashless"


# -- hypothesis strategies -------------------------------------------------------------------

_EPOCH = datetime(2026, 11, 1, tzinfo=UTC)
amounts = st.integers(min_value=0, max_value=2_000_000).map(Decimal)
small_amounts = st.integers(min_value=0, max_value=50_000).map(Decimal)


@st.composite
def order_lines(draw: Any, max_lines: int = 4) -> tuple[OrderLine, ...]:
    """Lines with distinct SKUs, IDR whole-rupiah prices and a discount within the line."""
    count = draw(st.integers(min_value=1, max_value=max_lines))
    lines = []
    for index in range(count):
        quantity = draw(st.integers(min_value=1, max_value=5))
        price = draw(st.integers(min_value=1_000, max_value=500_000).map(Decimal))
        discount = draw(st.integers(min_value=0, max_value=int(price * quantity) // 4))
        lines.append(OrderLine(sku=f"SKU-{index}", name=f"Item {index}", quantity=quantity,
                               unit_price=price, discount=Decimal(discount)))
    return tuple(lines)


@st.composite
def order_money(draw: Any, lines: tuple[OrderLine, ...], refunds: bool = True) -> OrderMoney:
    """Money pieces consistent with ``lines`` (discounts and refunds within the invoice)."""
    merchandise = sum((line.total for line in lines), Decimal(0))
    seller_discount = draw(st.integers(min_value=0, max_value=int(merchandise) // 5).map(Decimal))
    cashless = draw(st.booleans())
    shipping = draw(small_amounts)
    fees = tuple(Fee(type=kind, amount=draw(small_amounts), label=kind.value)
                 for kind in draw(st.sets(st.sampled_from(list(FeeType)), max_size=4)))
    subsidies = tuple(Subsidy(type=kind, amount=draw(small_amounts))
                      for kind in draw(st.sets(st.sampled_from(list(SubsidyType)), max_size=2)))
    invoice = merchandise - seller_discount + (Decimal(0) if cashless else shipping)
    cut = draw(st.integers(min_value=0, max_value=int(invoice) // 5).map(Decimal))
    cuts = (PlatformDiscount(type=draw(st.sampled_from(list(PlatformDiscountType))),
                             amount=cut),) if cut else ()
    returned = ()
    if refunds and draw(st.booleans()):
        line = draw(st.sampled_from(lines))
        quantity = draw(st.integers(min_value=1, max_value=line.quantity))
        returned = (Refund(amount=line.unit_price * quantity,
                           lines=(RefundLine(sku=line.sku, quantity=quantity),)),)
        if returned[0].amount > invoice:
            returned = ()
    released = draw(st.booleans())
    money = OrderMoney(seller_discount=seller_discount, platform_discounts=cuts,
                       shipping_charged=shipping, cashless=cashless, fees=fees,
                       subsidies=subsidies, refunds=returned)
    if released:
        net = invoice - money.fee_total + money.subsidy_total - money.refund_total
        money = money.model_copy(update={"settlement": Settlement(
            released_at=_EPOCH + timedelta(days=draw(st.integers(0, 30))),
            released_amount=net)})
    return money


@st.composite
def orders_with_money(draw: Any, state: OrderState = OrderState.DELIVERED) -> Order:
    """An order whose total and legacy fields agree with its money pieces."""
    lines = draw(order_lines())
    money = draw(order_money(lines))
    number = draw(st.from_regex(r"[0-9]{6}[A-Z]{4}", fullmatch=True))
    created = _EPOCH + timedelta(minutes=draw(st.integers(0, 10_000)))
    order = Order(external_id=f"X{number}", order_number=number, channel="SHOPEE",
                  state=state, platform_status=state.value, lines=lines,
                  shipping_fee=money.shipping_charged, discount=money.seller_discount,
                  total=Decimal(0), created_at=created, updated_at=created, money=money)
    return Order.model_validate({**order.model_dump(), "total": order.buyer_total})

