"""A day of marketplace orders booked in receipt mode payout, asserted from Accurate's ledger.

Orders with fees, a seller discount, cashless and non-cashless shipping, a platform rebate,
one delivered order settled only by a settlement import, one returned and one cancelled after
its invoice. Accurate drops the answer of some saves (the client's own retry path finds the
document by number). At the end the per-account balances the Accurate emulator keeps must
say: the marketplace balance holds exactly the net payouts, each fee sits in its mapped
account, the platform rebate in other income, receivables are settled, every document exists
once, and ``jembatan payouts`` shows no difference.

The expected figures are worked out here from the store's own order JSON (the platform's
payout formula), not from jembatan's pieces.
"""

from __future__ import annotations

import inspect
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from jembatan_demo.world import FEE_ACCOUNT_MAP

from .conftest import S, Scene

pytestmark = pytest.mark.slow

BALANCE, SUBSIDY, OTHER_FEE, RECEIVABLE = "1102", "7101", "6199", "1103"
FEE_ACCOUNT = {role: number for role, number, _ in FEE_ACCOUNT_MAP}


def _d(value: Any) -> Decimal:
    return Decimal(str(value if value not in (None, "") else 0))


def _lines(scene: Scene, offset: int) -> list[tuple[str, int, Any]]:
    skus = scene.store.skus[offset:offset + 2]
    return [(skus[0], 2, scene.store.prices[skus[0]]), (skus[1], 1, scene.store.prices[skus[1]])]


class Forstok:
    """Orders in the Forstok emulator's money parts; the payout by Forstok's own formula."""

    fee_columns = ("service_fee", "shipping_difference")
    stories = {  # name -> (money parts, states after ready-to-ship)
        "fees, seller discount, shipping income": (
            {"discount": 5000, "fees": {"service_fee": 9600, "shipping_difference": 1500}},
            [S.SHIPPED, S.DELIVERED, S.COMPLETED]),
        "cashless with a platform rebate": (
            {"cashless": True, "channel_rebate": 5000, "fees": {"service_fee": 12750}},
            [S.SHIPPED, S.DELIVERED, S.COMPLETED]),
        "delivered, settled by the import": ({"fees": {"service_fee": 7000}},
                                             [S.SHIPPED, S.DELIVERED]),
        "returned": ({"fees": {"service_fee": 4000}}, [S.SHIPPED, S.RETURNED]),
        "cancelled after invoice": ({"cashless": True}, [S.CANCELLED]),
    }
    paid = ("fees, seller discount, shipping income", "cashless with a platform rebate",
            "delivered, settled by the import")

    @staticmethod
    def place(scene: Scene, offset: int, parts: dict[str, Any]) -> Any:
        store = scene.store
        parts = {"shipping_fee": 12000, **parts}
        parts["fees"] = {name: str(value) for name, value in parts.get("fees", {}).items()}
        return store.emulator.create_order(store.shops[0], store.warehouse_id,
                                           _lines(scene, offset),
                                           status=store.statuses[S.PAID], **parts)

    @classmethod
    def fees(cls, raw: dict[str, Any]) -> dict[str, Decimal]:
        return {f: _d(raw.get(f)) for f in cls.fee_columns if _d(raw.get(f))}

    @classmethod
    def net(cls, raw: dict[str, Any]) -> Decimal:
        """Sub Total - discounts - Service Fee + Platform Rebate + Shipping (non-cashless)."""
        shipping = Decimal(0) if raw["cashless"] else _d(raw["shipping_price"])
        seller = _d(raw["total_price"]) - _d(raw["shipping_price"]) + shipping
        return seller - sum(cls.fees(raw).values()) + cls.subsidy(raw)

    @staticmethod
    def subsidy(raw: dict[str, Any]) -> Decimal:
        return _d(raw["channel_rebate"])


class Ginee:
    """Orders with Ginee ``paymentInfo``; the payout by the reference's net estimate."""

    fee_columns = ("commission_fee", "service_fee", "payment_fee", "shipping_difference",
                   "seller_voucher")
    stories = {
        "fees, seller discount, shipping income": (
            {"discount": 5000, "payment": {"creditCardServiceFee": 1300,
                                           "finalShippingFee": 14000}},
            [S.SHIPPED, S.DELIVERED, S.COMPLETED]),
        "platform voucher and coin cashback": (
            {"payment": {"voucherPlatform": 10000, "coinCashBack": 2000}},
            [S.SHIPPED, S.DELIVERED, S.COMPLETED]),
        "delivered, settled by the import": ({}, [S.SHIPPED, S.DELIVERED]),
        "returned": ({"refund_second_line": True}, [S.SHIPPED, S.RETURNED]),
        "cancelled after invoice": ({}, [S.CANCELLED]),
    }
    paid = ("fees, seller discount, shipping income", "platform voucher and coin cashback",
            "delivered, settled by the import", "returned")

    @staticmethod
    def place(scene: Scene, offset: int, parts: dict[str, Any]) -> Any:
        store = scene.store
        lines = _lines(scene, offset)
        payment = dict(parts.get("payment", {}))
        if parts.get("refund_second_line"):  # the buyer sent the second line back
            payment["sellerReturnRefundAmount"] = str(lines[1][2])
        return store.emulator.create_order(store.shops[0], store.warehouse_id, lines,
                                           status=store.statuses[S.PAID], shipping_fee=12000,
                                           discount=parts.get("discount", 0), payment=payment)

    @staticmethod
    def fees(raw: dict[str, Any]) -> dict[str, Decimal]:
        pay = raw["paymentInfo"]
        difference = _d(pay["finalShippingFee"]) - _d(pay["totalShippingFee"])
        found = {"commission_fee": _d(pay["commissionFee"]), "service_fee": _d(pay["serviceFee"]),
                 "payment_fee": _d(pay["creditCardServiceFee"]),
                 "shipping_difference": max(difference, Decimal(0)),
                 "seller_voucher": _d(pay["coinCashBack"])}
        return {name: value for name, value in found.items() if value}

    @classmethod
    def net(cls, raw: dict[str, Any]) -> Decimal:
        """totalAmount + platform cuts - fees - the return refund (reference, Ginee)."""
        pay = raw["paymentInfo"]
        cuts = sum(_d(pay[key]) for key in ("voucherPlatform", "discountPlatform", "coin"))
        return (_d(pay["totalAmount"]) + cuts - sum(cls.fees(raw).values())
                - _d(pay["sellerReturnRefundAmount"]))

    @staticmethod
    def subsidy(raw: dict[str, Any]) -> Decimal:
        return Decimal(0)


PLATFORMS = {"forstok": Forstok, "ginee": Ginee}


@pytest.fixture
def money_scene(scene: Scene) -> Scene:
    create = inspect.signature(scene.store.emulator.create_order).parameters
    if scene.store.platform == "ginee" and "payment" not in create:
        pytest.skip("this Ginee emulator carries no paymentInfo parts yet")
    return scene


def raw_order(scene: Scene, order_id: Any) -> dict[str, Any]:
    return next(raw for raw in scene.store.emulator.orders()
                if str(raw.get("orderId") or raw.get("id")) == str(order_id))


def play_day(scene: Scene, platform: Any) -> dict[str, Any]:
    """Place the day's orders and move them through their stories, Accurate losing answers."""
    scene.go_live("invoice", "sales-return")
    for role, number, channel in FEE_ACCOUNT_MAP:
        scene.jembatan("accounts", "map", "--link", scene.link, "--channel", channel, role,
                       number)
    orders = {name: platform.place(scene, 2 * index, parts)
              for index, (name, (parts, _)) in enumerate(platform.stories.items())}
    for route in ("*/sales-invoice/*save.do", "*/sales-receipt/*save.do",  # bulk or single
                  "*/sales-return/*save.do"):
        scene.accurate.faults.add(route, "drop_answer", times=2)
    scene.sync()
    for order_id in orders.values():
        scene.move(order_id, S.READY_TO_SHIP)
    scene.sync()
    for name, (_, states) in platform.stories.items():
        for state in states:
            scene.move(orders[name], state)
    scene.sync()
    assert len(scene.accurate.faults.injected) == 6  # each save answer lost twice, retried
    return orders


def import_settlement(scene: Scene, platform: Any, orders: dict[str, Any],
                      export: Path) -> str:
    """Import the release of the delivered order and a later date for a completed one."""
    release = (scene.accurate.now() + timedelta(days=3)).date()
    lines = ["order_number,released_amount,release_date," + ",".join(platform.fee_columns)]
    for name in ("delivered, settled by the import", "fees, seller discount, shipping income"):
        raw = raw_order(scene, orders[name])
        fees = platform.fees(raw)
        lines.append(f"{scene.order_number(orders[name])},{platform.net(raw)},{release},"
                     + ",".join(str(fees.get(f, "")) for f in platform.fee_columns))
    export.write_text("\n".join(lines) + "\n")
    imported = scene.jembatan("payouts", "import", str(export), "--link", scene.link).output
    assert "2 queued" in imported
    scene.jembatan("worker", "--burst")
    again = scene.jembatan("payouts", "import", str(export), "--link", scene.link).output
    assert "0 queued" in again and "already booked" in again
    scene.jembatan("worker", "--burst")
    return release.strftime("%d/%m/%Y")


def assert_each_document_once(scene: Scene, platform: Any, orders: dict[str, Any],
                              released: str) -> None:
    numbers = {name: scene.order_number(order_id) for name, order_id in orders.items()}
    invoices = Counter(d["number"] for d in scene.documents("sales_invoice"))
    assert sorted(invoices) == sorted(f"SI.{n}" for n in numbers.values())
    receipts = Counter(d["number"] for d in scene.documents("sales_receipt"))
    assert sorted(receipts) == sorted(f"SR.{numbers[name]}" for name in platform.paid)
    returns = Counter(d["number"] for d in scene.documents("sales_return"))
    assert sorted(returns) == sorted(f"RT.{numbers[name]}" for name in
                                     ("returned", "cancelled after invoice"))
    assert set(invoices.values()) == set(receipts.values()) == set(returns.values()) == {1}
    [receipt] = [d for d in scene.documents("sales_receipt")
                 if d["number"] == f"SR.{numbers['fees, seller discount, shipping income']}"]
    assert receipt["transDate"] == released  # corrected from the import, still one receipt


def assert_ledger(scene: Scene, platform: Any, orders: dict[str, Any]) -> None:
    paid = [raw_order(scene, orders[name]) for name in platform.paid]
    balances = scene.accurate.balances(scene.store.database_id)
    assert balances.get(BALANCE) == sum(platform.net(raw) for raw in paid)
    fee_totals: Counter[str] = Counter()
    for raw in paid:
        for name, value in platform.fees(raw).items():
            fee_totals[FEE_ACCOUNT[name]] += value
    assert fee_totals
    for account, total in fee_totals.items():
        assert balances.get(account) == total, account
    assert balances.get(OTHER_FEE, Decimal(0)) == 0  # every fee type is mapped
    assert balances.get(SUBSIDY, Decimal(0)) == -sum(platform.subsidy(raw) for raw in paid)
    assert balances.get(RECEIVABLE, Decimal(0)) == 0  # every invoice settled or returned


def test_a_day_of_orders_reconciles_to_the_payouts(money_scene: Scene, tmp_path: Path) -> None:
    scene, platform = money_scene, PLATFORMS[money_scene.store.platform]
    orders = play_day(scene, platform)
    # the delivered order waits for its release; `payouts` flags nothing late yet
    listed = scene.jembatan("payouts", "--link", scene.link, "--csv").output.splitlines()
    number = scene.order_number(orders["delivered, settled by the import"])
    [row] = [line for line in listed if line.startswith(number + ",")]
    assert row.split(",")[5] == "" and not row.endswith("late")
    released = import_settlement(scene, platform, orders, tmp_path / "settlement.csv")
    assert_each_document_once(scene, platform, orders, released)
    assert_ledger(scene, platform, orders)
    table = scene.jembatan("payouts", "--link", scene.link).output
    assert f"{len(platform.paid)} booked, 0 with a difference, 0 late" in table
