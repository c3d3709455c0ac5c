"""Ginee's order money against the core's money contract (``framework.testing.money``).

Orders come from the emulator (its paymentInfo carries every money field of the reference)
through the connector, so the pieces are checked as jembatan would book them.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from framework.domain import Order
from framework.testing.money import MoneyContract
from plugins.ginee import assumptions as A

PAYMENTS = [
    {},  # the emulator's default fees only
    {"voucherPlatform": 7000, "coin": 1500, "creditCardServiceFee": 1200},
    {"discountPlatform": 4000, "finalShippingFee": 15000, "coinCashBack": 800},
    {"sellerRebate": 2500, "taxationFee": 9000, "insuranceFee": 1000},
    {"sellerReturnRefundAmount": 50000, "commissionFee": 9999},
]


class TestGineeMoney(MoneyContract):
    """Every money contract test on orders the Ginee emulator served."""

    @pytest.fixture
    def priced_orders(self, emulator, connector, world, clock) -> list[Order]:
        start = clock()
        for number, payment in enumerate(PAYMENTS):
            clock.advance(minutes=1)
            lines = [("KAOS-M", 2, "50000", "4000"), ("KOPI-250", 1, "85000.50")]
            if number % 2:
                lines.append(("SMBL-1", 1, "30000", "0", True))  # a gift
            emulator.create_order(world.shopee, world.main, lines, shipping_fee="12000",
                                  discount=str(1000 * number), payment=payment,
                                  cod=number == 3)
        orders = list(connector.iter_orders(start, clock() + timedelta(seconds=1)))
        assert all(isinstance(order, Order) for order in orders) and len(orders) == 5
        return orders

    def test_fees_and_both_shipping_kinds_are_covered(self, priced_orders):
        """Ginee has no cashless flag [A], so every order is non-cashless; fees are covered."""
        assert A.CASHLESS is False
        books = [order.books for order in priced_orders]
        assert all(b.fees for b in books)
        assert {b.cashless for b in books} == {False}
        assert any(b.platform_discounts for b in books) and any(b.refunds for b in books)
