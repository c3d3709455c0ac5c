"""A day of trading, played in phases, with jembatan catching up between them.

Each scenario is a list of phases; a phase is the statuses an order passes through before
jembatan next looks (so some states are skipped, as they are when polling), and a status may
be repeated (a duplicate event). Between phases the story delivers the stores' webhooks (with
duplicates, out of order), polls the orders and drains the worker.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from framework.domain import OrderState

from .world import Store

S = OrderState

#: name -> phases; every order of a scenario goes through the same story
SCENARIOS: dict[str, list[list[OrderState]]] = {
    "unpaid": [[S.WAITING_PAYMENT], [S.WAITING_PAYMENT], []],
    "paid, not yet shipped": [[S.WAITING_PAYMENT], [S.PAID], []],
    "shipped and completed": [[S.WAITING_PAYMENT], [S.PAID, S.READY_TO_SHIP],
                              [S.SHIPPED, S.DELIVERED, S.COMPLETED]],
    "first seen already shipped": [[], [S.SHIPPED], [S.DELIVERED]],
    "cancelled before shipping": [[S.WAITING_PAYMENT], [S.CANCELLED], [S.CANCELLED]],
    "cancelled after invoice": [[S.PAID], [S.READY_TO_SHIP], [S.CANCELLED]],
    "returned": [[S.PAID], [S.READY_TO_SHIP, S.SHIPPED], [S.RETURNED]],
}
PHASES = 3


@dataclass
class PlannedOrder:
    """An order the story will create and move."""

    scenario: str
    lines: list[tuple[str, int, str]]
    shop: object
    shipping_fee: int
    order_id: object = None


def plan_orders(store: Store, per_scenario: int, seed: int) -> list[PlannedOrder]:
    """Pick lines, shops and fees for ``per_scenario`` orders of every scenario."""
    rng = random.Random(seed)
    planned = []
    for scenario in SCENARIOS:
        for _ in range(per_scenario):
            skus = rng.sample(store.skus, rng.randint(1, 3))
            lines = [(sku, rng.randint(1, 2), store.prices[sku]) for sku in skus]
            planned.append(PlannedOrder(scenario, lines, rng.choice(store.shops),
                                        rng.choice([0, 9000, 12000, 15000])))
    return planned


def play_phase(store: Store, planned: list[PlannedOrder], phase: int) -> int:
    """Move every planned order through its statuses of ``phase``; return events made."""
    events = 0
    for order in planned:
        statuses = SCENARIOS[order.scenario][phase]
        for state in statuses:
            word = store.statuses[state]
            if order.order_id is None:
                order.order_id = store.emulator.create_order(
                    order.shop, store.warehouse_id, order.lines, status=word,
                    shipping_fee=order.shipping_fee)
                store.order_ids[order.order_id] = order.scenario
            else:
                store.emulator.advance_order(order.order_id, word)
            events += 1
    return events


def expected_documents(planned: list[PlannedOrder], auto_paid: bool) -> dict[str, int]:
    """What DESIGN.md's table says Accurate should hold after the whole story.

    Without Auto Paid the link is in receipt mode payout: completed orders are received.
    """
    reached = {name: {s for phase in phases for s in phase} for name, phases in SCENARIOS.items()}
    invoiced = [o for o in planned if reached[o.scenario] & {S.READY_TO_SHIP, S.SHIPPED}]
    completed = [o for o in invoiced if S.COMPLETED in reached[o.scenario]]
    return {
        "sales_order": len(planned),
        "sales_invoice": len(invoiced),
        "sales_receipt": len(invoiced) if auto_paid else len(completed),
        "closed_sales_order": sum(o.scenario == "cancelled before shipping" for o in planned),
    }


def each_phase(callback: Callable[[int], None]) -> None:
    """Run ``callback`` for every phase, in order."""
    for phase in range(PHASES):
        callback(phase)
