"""Property: any consistent order books an invoice and a payout that settle it to the rupiah.

Orders come from the plugin-author kit's strategy (fees, subsidies, platform cuts, cashless or
not, partial refunds, releases); each is invoiced, returned where refunded, and received in
receipt mode payout against the Accurate emulator. What the emulator then holds must say: the
invoice is settled (nothing outstanding), the marketplace balance grew by the expected net,
and receivables are back where they were.
"""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings

from framework import AccountRole, Feature, LinkInfo, Order, OrderState
from framework.testing.memory import MemoryJobContext
from framework.testing.money import orders_with_money
from plugins.accurate import handlers, settlement

WAREHOUSE = "Gudang Utama"
ACCOUNTS = {"1102": "CASH_BANK", "4101": "REVENUE", "6101": "EXPENSE", "6102": "EXPENSE",
            "6103": "EXPENSE", "6104": "EXPENSE", "6105": "EXPENSE", "6199": "EXPENSE",
            "7101": "OTHER_INCOME"}
ROLES = {AccountRole.CUSTOMER: "C.SHOPEE", AccountRole.SHIPPING_FEE: "4101",
         AccountRole.MARKETPLACE_BALANCE: "1102", AccountRole.COMMISSION_FEE: "6101",
         AccountRole.SERVICE_FEE: "6102", AccountRole.PAYMENT_FEE: "6103",
         AccountRole.SHIPPING_DIFFERENCE: "6104", AccountRole.SELLER_VOUCHER: "6105",
         AccountRole.OTHER_FEE: "6199", AccountRole.PLATFORM_SUBSIDY: "7101"}
NUMBERS = itertools.count(1)

pytestmark = pytest.mark.slow


def test_any_order_settles_exactly(emulator, connector, db) -> None:
    for number, kind in ACCOUNTS.items():
        emulator.add_account(db, number, number, kind)
    for index in range(4):
        emulator.add_item(db, f"SKU-{index}", f"Item {index}", 1000, {WAREHOUSE: 100_000})
    link = LinkInfo(id="toko", commerce="ginee", accounting="accurate",
                    features=frozenset({Feature.INVOICE, Feature.SALES_RETURN}),
                    integrated_at=None, settings={"receipt_mode": "payout"})
    bindings: dict = {}
    accounts = {(role, ""): value for role, value in ROLES.items()}

    def run(kind: str, order: Order) -> None:
        ctx = MemoryJobContext(link=link, kind=kind, accounting_connector=connector,
                               payload={"order": order.model_dump(mode="json"),
                                        "reread": False},
                               warehouses={"": WAREHOUSE}, accounts=accounts,
                               bindings=bindings)
        handlers.HANDLERS[kind](ctx)

    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
    @given(orders_with_money(state=OrderState.COMPLETED))
    def books_exactly(order: Order) -> None:
        order = order.model_copy(update={"order_number": f"P{next(NUMBERS):05d}",
                                         "external_id": f"X{next(NUMBERS)}"})
        before = emulator.balances(db)
        run(handlers.SALES_INVOICE_JOB, order)
        run(settlement.PAYOUT_RECEIPT_JOB, order)
        after = emulator.balances(db)
        [invoice] = [d for d in emulator.documents(db, "sales_invoice")
                     if d["number"] == f"SI.{order.order_number}"]
        assert Decimal(str(invoice["totalAmount"])) == order.invoice_amount
        moved = after.get("1102", Decimal(0)) - before.get("1102", Decimal(0))
        assert moved == max(order.expected_payout, Decimal(0))
        if order.expected_payout > 0:
            assert Decimal(str(invoice["outstanding"])) == 0
            assert after.get("1103", Decimal(0)) == before.get("1103", Decimal(0))
        fees = after.get("6101", Decimal(0)) - before.get("6101", Decimal(0))
        commission = sum((f.amount for f in order.books.fees if f.type.value == "commission"),
                         Decimal(0))
        assert fees == (commission if order.expected_payout > 0 else 0)

    books_exactly()
