"""Job handlers for the kinds the Accurate plugin queues (see ``reactions.py``).

Each handler is idempotent: it may run again after a crash, a lost answer or a retry, and
still leaves exactly one sales order, invoice and receipt per order in Accurate.
The Auto Paid receipt is posted by the invoice handler right after the invoice (same job):
a retry of that job finds the invoice bound (or adopts it) and only posts what is missing.
The sales-order and invoice handlers are batch handlers: every due job of their kind for one
database at once, posted with ``bulk-save.do`` (``batches.OrderBatch``); one job is a batch of
one, so a single order is posted at once.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from framework import (
    Feature,
    IntegrationError,
    JobBatch,
    JobContext,
    Order,
    OrderState,
    ReceiptMode,
    RecordKind,
    RecordStatus,
    TransientError,
    batch_handler,
)

from . import settlement
from .batches import OrderBatch, receipt_mode
from .client import BULK_MAX
from .documents import (
    SALES_INVOICE,
    SALES_ORDER,
    SALES_RECEIPT,
    accurate,
    find_document,
)

log = logging.getLogger(__name__)

SALES_ORDER_JOB = "accurate.sales_order"
SALES_INVOICE_JOB = "accurate.sales_invoice"
CLOSE_SALES_ORDER_JOB = "accurate.close_sales_order"
NEEDS_OPERATOR_JOB = "accurate.order_needs_operator"
OPERATOR = "operator"
CLOSE_SALES_ORDER = "close_sales_order"


def _order(ctx: JobContext) -> Order:
    return Order.model_validate(ctx.payload["order"])


def records_failure(document: str) -> Callable[[Callable[[JobContext], None]],
                                               Callable[[JobContext], None]]:
    """Record a failure that happens before anything is posted, as ``document``'s record.

    A SKU missing, an account unmapped, a warehouse unbound: `jembatan records --failed`
    shows it with the fix and `jembatan repush` can send it again.
    """
    def decorate(handler: Callable[[JobContext], None]) -> Callable[[JobContext], None]:
        @functools.wraps(handler)
        def run(ctx: JobContext) -> None:
            try:
                handler(ctx)
            except IntegrationError as error:
                status = (RecordStatus.PENDING if isinstance(error, TransientError)
                          else RecordStatus.FAILED)
                ctx.record(RecordKind.ORDER, _order(ctx).order_number, document, status,
                           reason=str(error))
                raise
        return run
    return decorate


@batch_handler(BULK_MAX)
def handle_sales_order(batch: JobBatch) -> dict[int, IntegrationError]:
    """Job ``accurate.sales_order`` (batched): the orders entered waiting_payment."""
    run = OrderBatch(batch, SALES_ORDER)
    run.sales_orders()
    return run.failed


@batch_handler(BULK_MAX)
def handle_sales_invoice(batch: JobBatch) -> dict[int, IntegrationError]:
    """Job ``accurate.sales_invoice`` (batched): sales orders if missing, invoices, receipts.

    Receipts only in receipt mode ``auto-paid``; in ``payout`` they wait for the settlement.
    """
    mode = receipt_mode(batch)
    run = OrderBatch(batch, SALES_INVOICE)
    invoices = run.invoices(run.sales_orders())
    if mode is ReceiptMode.AUTO_PAID:
        run.receipts(invoices)
    return run.failed


@records_failure(CLOSE_SALES_ORDER)
def handle_close_sales_order(ctx: JobContext) -> None:
    """Job ``accurate.close_sales_order``: the order was cancelled before ready-to-ship."""
    order = _order(ctx)
    connector = accurate(ctx)
    document = CLOSE_SALES_ORDER
    posted = find_document(ctx, connector, order, SALES_ORDER)
    if posted is None:
        ctx.record(RecordKind.ORDER, order.order_number, document, RecordStatus.SKIPPED,
                   reason="no sales order in Accurate: nothing to close")
        return
    detail = posted.detail or connector.client.detail("sales-order", number=posted.number) or {}
    if detail.get("manualClosed") or detail.get("status") == "CLOSED":
        ctx.record(RecordKind.ORDER, order.order_number, document, RecordStatus.SUCCEEDED,
                   received={"status": detail.get("status")}, reason="already closed")
        return
    body = {"number": posted.number, "orderClosed": True}
    envelope = connector.client.close_sales_order(posted.number)
    ctx.record(RecordKind.ORDER, order.order_number, document, RecordStatus.SUCCEEDED,
               sent=body, received={"d": envelope.d, "r": envelope.r})


@records_failure(OPERATOR)
def handle_order_needs_operator(ctx: JobContext) -> None:
    """Job ``accurate.order_needs_operator``: cancelled after ready-to-ship, or returned.

    With sales returns on, the refunded lines (or the whole invoice) go back as a sales
    return; in receipt mode ``payout`` what the marketplace still pays (a partial refund, less
    the fees it keeps) is then received like any payout.
    """
    order = _order(ctx)
    connector = accurate(ctx)
    invoice = find_document(ctx, connector, order, SALES_INVOICE)
    what = "returned" if order.state is OrderState.RETURNED else "cancelled after ready-to-ship"
    reason = (f"order {order.order_number} was {what}; "
              + (f"invoice {invoice.number} stays in Accurate" if invoice
                 else "no invoice was posted"))
    if invoice is not None and ctx.link.has(Feature.SALES_RETURN):
        returned = settlement.post_return(ctx, order, invoice)
        reason += f"; sales return {returned.number} booked, check refunds and stock"
        if settlement.receipt_mode(ctx) is ReceiptMode.PAYOUT:
            receipt = settlement.post_payout_receipt(ctx, order, invoice)
            if receipt is not None:
                reason += f"; payout receipt {receipt.number} booked for what remains"
    else:
        reason += "; book the return or credit note in Accurate by hand"
    ctx.record(RecordKind.ORDER, order.order_number, OPERATOR, RecordStatus.NEEDS_OPERATOR,
               reason=reason)


HANDLERS = {
    settlement.PAYOUT_RECEIPT_JOB: records_failure(SALES_RECEIPT)(settlement.handle_payout_receipt),
    SALES_ORDER_JOB: handle_sales_order,
    SALES_INVOICE_JOB: handle_sales_invoice,
    CLOSE_SALES_ORDER_JOB: handle_close_sales_order,
    NEEDS_OPERATOR_JOB: handle_order_needs_operator,
}
