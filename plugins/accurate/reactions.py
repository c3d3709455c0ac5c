"""What Accurate owes an order when it enters a state (DESIGN.md's table). Pure: no I/O."""

from __future__ import annotations

from framework import Feature, JobRequest, LinkInfo, Order, OrderState, ReceiptMode

from .handlers import (
    CLOSE_SALES_ORDER_JOB,
    NEEDS_OPERATOR_JOB,
    SALES_INVOICE_JOB,
    SALES_ORDER_JOB,
)
from .settlement import PAYOUT_RECEIPT_JOB

ACCOUNTING = "accurate"
SETTLING = (OrderState.DELIVERED, OrderState.COMPLETED)
#: states whose path from waiting_payment passes ready_to_ship (lifecycle's table)
PAST_READY_TO_SHIP = frozenset({OrderState.READY_TO_SHIP, OrderState.SHIPPED,
                                OrderState.DELIVERED, OrderState.COMPLETED,
                                OrderState.RETURNED})


def _job(order: Order, kind: str, suffix: str, lane: str | None) -> JobRequest:
    return JobRequest(kind=kind, key=f"order:{order.external_id}:{suffix}",
                      payload={"order": order.model_dump(mode="json")},
                      lane=lane, sequence=f"order:{order.external_id}")


def plan_reactions(link: LinkInfo, order: Order, entered: OrderState,
                   reached: frozenset[OrderState], lane: str | None = None
                   ) -> list[JobRequest] | None:
    """Return the Accurate jobs for an order entering ``entered`` (``None`` if not Accurate).

    ``lane`` is ``accurate:<database id>`` when the caller knows it; ``LinkInfo`` does not
    carry the database, and the client's own gate lane is what enforces the limits.
    """
    if link.accounting != ACCOUNTING:
        return None
    if entered is OrderState.WAITING_PAYMENT:
        if link.has(Feature.INVOICE) and order.state in PAST_READY_TO_SHIP:
            # Passed through on the way (the order is first seen ready to ship or later):
            # the invoice job queued at ready_to_ship posts the sales order first, in the
            # same batch. A separate sales-order job would cost the database a second claim
            # and batch per order for the same document.
            return []
        return [_job(order, SALES_ORDER_JOB, "sales_order", lane)]
    if entered is OrderState.READY_TO_SHIP:
        if link.has(Feature.INVOICE):
            return [_job(order, SALES_INVOICE_JOB, "sales_invoice", lane)]
        return []
    if entered is OrderState.CANCELLED and OrderState.READY_TO_SHIP not in reached:
        return [_job(order, CLOSE_SALES_ORDER_JOB, "close_sales_order", lane)]
    if entered in (OrderState.CANCELLED, OrderState.RETURNED):
        return [_job(order, NEEDS_OPERATOR_JOB, "needs_operator", lane)]
    if entered in SETTLING and link.has(Feature.INVOICE) and _payout_mode(link):
        # one job per state: a delivered order without a release waits for completion
        return [_job(order, PAYOUT_RECEIPT_JOB, f"payout_receipt:{entered.value}", lane)]
    return []


def _payout_mode(link: LinkInfo) -> bool:
    try:
        return link.receipt_mode is ReceiptMode.PAYOUT
    except ValueError:  # a mistyped mode: `jembatan check` says so; nothing is booked
        return False


def plan_settlement(link: LinkInfo, order: Order, imported: dict, fingerprint: str
                    ) -> list[JobRequest] | None:
    """Return the payout job booking (or correcting) an imported settlement."""
    if link.accounting != ACCOUNTING:
        return None
    if not link.has(Feature.INVOICE) or not _payout_mode(link):
        return []
    job = _job(order, PAYOUT_RECEIPT_JOB, f"payout_receipt:import:{fingerprint}", None)
    return [JobRequest(kind=job.kind, key=job.key, lane=job.lane, sequence=job.sequence,
                       payload={**job.payload, "settlement": dict(imported)})]
