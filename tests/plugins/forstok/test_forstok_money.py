"""Forstok's money reaches the core's typed pieces and adds up (``framework.testing.money``).

The reference's "Money fields" (Forstok) and booking recipe: seller discounts and vouchers,
buyer-paid shipping (income only when not ``cashless``), tax on top, ``channel_rebate`` as a
platform rebate, the payout breakdown's fees.
"""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from framework.domain import Rejected
from framework.testing.money import MoneyContract, money_problems
from plugins.forstok.emulator.state import ForstokState
from plugins.forstok.mapping import order_from_payload

from .conftest import START


class TestForstokMoney(MoneyContract):
    """Every money contract test, on orders the emulator placed and the connector read."""

    @pytest.fixture
    def priced_orders(self, emulator, connector, shop_and_warehouse):
        shop, warehouse = shop_and_warehouse
        emulator.add_product("Sepatu", [
            {"sku": "SP-40", "price": "250000", "stock": {warehouse: 40}},
            {"sku": "SP-41", "price": "260000", "stock": {warehouse: 40}}])
        emulator.create_order(shop, warehouse, [("SP-40", 2, "240000", "5000")],
                              shipping_fee="12000", discount="7500", voucher="2500",
                              fees={"service_fee": "9600", "shipping_difference": "1500"})
        emulator.create_order(shop, warehouse, [("SP-41", 1, "260000"), ("SP-40", 1, "250000")],
                              shipping_fee="18000", cashless=True, channel_rebate="5000",
                              fees={"service_fee": "12750"}, status="open")
        emulator.create_order(shop, warehouse, [("SP-41", 3, "255000")], status="completed")
        orders = list(connector.iter_orders(START - timedelta(days=1), START + timedelta(days=1)))
        assert not [order for order in orders if isinstance(order, Rejected)]
        return orders


amounts = st.integers(min_value=0, max_value=5_000_000).map(Decimal)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(units=st.lists(st.tuples(st.integers(1, 5), amounts, st.integers(0, 100)), min_size=1,
                      max_size=4),
       shipping=amounts, header_share=st.integers(0, 100), rebate=amounts,
       cashless=st.booleans(), as_strings=st.booleans())
def test_any_emulated_order_adds_up(units, shipping, header_share, rebate, cashless,
                                    as_strings):
    state = ForstokState(lambda: START)
    warehouse, shop = state.add_warehouse("G"), state.add_shop("Tokopedia")
    state.add_product("P", [{"sku": f"S{i}", "price": "1"} for i in range(len(units))])
    state.amounts_as_strings = as_strings
    lines = [(f"S{i}", qty, price, (price * share / 100).quantize(Decimal(1)))
             for i, (qty, price, share) in enumerate(units)]
    after_lines = sum((qty * (price - cut) for _, qty, price, cut in lines), Decimal(0))
    header = (after_lines * header_share / 100).quantize(Decimal(1))
    order = state.create_order(shop, warehouse, lines, shipping_fee=shipping, discount=header,
                               channel_rebate=rebate, cashless=cashless)
    mapped = order_from_payload(json.loads(json.dumps(state.order_json(order)),
                                           parse_float=Decimal))
    assert not isinstance(mapped, Rejected), mapped
    assert money_problems(mapped) == []
    assert mapped.total == order.total
    assert mapped.invoice_amount == after_lines - header + (0 if cashless else shipping)
    assert mapped.expected_payout == mapped.invoice_amount + rebate
    assert sum(line.quantity for line in mapped.lines) == sum(qty for qty, _, _ in units)
