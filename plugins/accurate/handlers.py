"""Job handlers for the kinds the Accurate plugin queues (see ``reactions.py``).

Each handler is idempotent: it may run again after a crash, a lost answer or a retry, and
still leaves exactly one sales order, invoice and receipt per order in Accurate.
The Auto Paid receipt is posted by the invoice handler right after the invoice (same job):
a retry of that job finds the invoice by number and only posts what is missing.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from framework import (
    AccountRole,
    Feature,
    IntegrationError,
    JobContext,
    Order,
    OrderState,
    PermanentError,
    ReceiptMode,
    RecordKind,
    RecordStatus,
    TransientError,
)

from . import mapping, settlement
from .documents import (
    SALES_INVOICE,
    SALES_ORDER,
    SALES_RECEIPT,
    Posted,
    accurate,
    check_skus,
    check_total,
    find_document,
    order_accounts,
    post_document,
    save_document,
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


def post_sales_order(ctx: JobContext, order: Order) -> Posted:
    """Post the order's sales order unless Accurate holds it."""
    connector = accurate(ctx)
    existing = find_document(ctx, connector, order, SALES_ORDER)
    if existing is not None:
        return existing
    check_skus(ctx, connector, order)
    accounts = order_accounts(ctx, connector, order)
    return save_document(ctx, connector, order, SALES_ORDER,
                         mapping.sales_order_body(order, accounts))


@records_failure(SALES_ORDER)
def handle_sales_order(ctx: JobContext) -> None:
    """Job ``accurate.sales_order``: the order entered waiting_payment."""
    post_sales_order(ctx, _order(ctx))


def post_sales_invoice(ctx: JobContext, order: Order, sales_order: Posted) -> Posted:
    """Post the invoice processing the sales order, after checking its total."""
    connector = accurate(ctx)
    existing = find_document(ctx, connector, order, SALES_INVOICE)
    if existing is not None:
        return existing
    accounts = order_accounts(ctx, connector, order)
    books = order.books
    if books.tax and not books.tax_inclusive and (
            not accounts.taxes.taxable or accounts.taxes.inclusive):
        raise PermanentError(
            f"order {order.order_number} carries tax {books.tax} on top of its prices but the "
            "link's invoices do not add tax",
            fix=f"jembatan link set {ctx.link.id} --accounting-setting taxable=true "
                "--accounting-setting inclusive_tax=false, then re-push")
    body = mapping.sales_invoice_body(order, accounts, sales_order.number)
    check_total(order, body, "sales invoice")
    posted = save_document(ctx, connector, order, SALES_INVOICE, body)
    total = (posted.detail or {}).get("totalAmount") if posted.created else None
    expected = order.invoice_amount
    if total is not None and accounts.taxes.inclusive and mapping.money(total) != expected:
        raise PermanentError(
            f"order {order.order_number}: Accurate totals invoice {posted.number} at {total} "
            f"but the order's pieces say {expected}",
            fix="compare the invoice with the order in Accurate and correct it there")
    return posted


def post_sales_receipt(ctx: JobContext, order: Order, invoice: Posted) -> None:
    """Post the Auto Paid receipt paying the whole invoice into the mapped bank account."""
    connector = accurate(ctx)
    if order.invoice_amount <= 0:
        ctx.record(RecordKind.ORDER, order.order_number, SALES_RECEIPT, RecordStatus.SKIPPED,
                   reason="the invoice total is 0: nothing to receive")
        return
    bank = ctx.account(AccountRole.BANK)
    accounts = order_accounts(ctx, connector, order)
    total = (invoice.detail or {}).get("totalAmount")
    post_document(ctx, connector, order, SALES_RECEIPT, lambda: mapping.sales_receipt_body(
        order, accounts, bank, invoice.number,
        mapping.money(total) if total is not None else None))


@records_failure(SALES_INVOICE)
def handle_sales_invoice(ctx: JobContext) -> None:
    """Job ``accurate.sales_invoice``: sales order if missing, invoice, Auto Paid receipt."""
    order = _order(ctx)
    sales_order = post_sales_order(ctx, order)
    invoice = post_sales_invoice(ctx, order, sales_order)
    if ctx.link.receipt_mode is ReceiptMode.AUTO_PAID:
        post_sales_receipt(ctx, order, invoice)


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
        if ctx.link.receipt_mode is ReceiptMode.PAYOUT:
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
