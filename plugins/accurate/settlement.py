"""Receipt mode ``payout``: the marketplace's net payout as one sales receipt per order.

The job runs when the order is delivered or completed (and after a settlement import). It
re-reads the order from the store (fees are estimates until the marketplace settles), waits
while the order is delivered without a release, books the sales return of any refund first,
then one receipt into the marketplace balance account for the released cash with a
``detailDiscount`` line per fee and subsidy (``payout.py``). Exactly once: the receipt has the
order's deterministic number, like every other document.
"""

from __future__ import annotations

import logging
from decimal import Decimal

from framework import (
    PAYOUT_RECORD,
    AccountRole,
    ConfigError,
    Feature,
    JobContext,
    Order,
    OrderState,
    PermanentError,
    ProviderAPIError,
    ReceiptMode,
    RecordKind,
    RecordStatus,
    booked_payout,
)

from . import mapping, payout
from .batches import receipt_mode
from .documents import (
    SALES_INVOICE,
    SALES_RECEIPT,
    SALES_RETURN,
    Posted,
    accurate,
    find_document,
    order_accounts,
    post_document,
    save_document,
)
from .posting import FEES_JOURNAL

log = logging.getLogger(__name__)

PAYOUT_RECEIPT_JOB = "accurate.payout_receipt"
FEE_ACCOUNT = "fee_account"  # the record of a fee booked to the fallback account
SETTLED_STATES = frozenset({OrderState.COMPLETED, OrderState.RETURNED, OrderState.CANCELLED})


def current_order(ctx: JobContext) -> Order:
    """The order of the job, re-read from the store unless the payload says not to."""
    order = Order.model_validate(ctx.payload["order"])
    if not ctx.payload.get("reread", True):
        return order
    fresh = ctx.commerce().get_order(order.external_id)
    override = ctx.payload.get("settlement")
    if override:  # a settlement import: its figures win over the store's estimates
        fresh = with_settlement(fresh, override)
    return fresh


def with_settlement(order: Order, override: dict) -> Order:
    """Return ``order`` with an imported settlement's fees and release (payload form)."""
    books = order.books.model_validate({**order.books.model_dump(mode="json"), **override})
    return order.model_copy(update={"money": books})


def post_return(ctx: JobContext, order: Order, invoice: Posted) -> Posted:
    """Post the order's sales return (refunded lines, or the whole invoice) once."""
    connector = accurate(ctx)
    accounts = order_accounts(ctx, connector, order)

    def body() -> dict:
        try:
            return mapping.sales_return_body(order, accounts, invoice.number, order.updated_at)
        except ValueError as error:
            raise PermanentError(f"order {order.order_number}: {error}",
                                 fix=f"jembatan accounts map --link {ctx.link.id} shipping_fee "
                                     "NUMBER, then re-push") from error

    return post_document(ctx, connector, order, SALES_RETURN, body)


def returned_amount(ctx: JobContext, order: Order) -> Decimal:
    """What the payout no longer settles on the invoice: the refunds.

    Without refund figures, a booked sales return returned the whole invoice. A refund whose
    return is not booked (sales returns off) stays outstanding for the operator.
    """
    if order.books.refunds:
        return order.books.refund_total
    if find_document(ctx, accurate(ctx), order, SALES_RETURN) is None:
        return Decimal(0)
    return order.invoice_amount


def _numbers(ctx: JobContext, order: Order, plan: payout.Payout) -> dict[AccountRole, str]:
    """Resolve every role the receipt uses; an unmapped fee goes to the fallback, warned."""
    numbers = {AccountRole.MARKETPLACE_BALANCE:
               ctx.account(AccountRole.MARKETPLACE_BALANCE, order.channel)}
    for line in plan.deductions:
        if line.role in numbers:
            continue
        try:
            numbers[line.role] = ctx.account(line.role, order.channel)
        except ConfigError:
            if line.role in (AccountRole.OTHER_FEE, AccountRole.PLATFORM_SUBSIDY):
                raise
            fallback = ctx.account(AccountRole.OTHER_FEE, order.channel)
            numbers[line.role] = fallback
            ctx.record(RecordKind.ORDER, order.order_number, FEE_ACCOUNT,
                       RecordStatus.NEEDS_OPERATOR,
                       reason=f"no {line.role.value} account is mapped: {line.notes} "
                              f"{line.amount} was booked to the fallback fee account "
                              f"{fallback}; map it with `jembatan accounts map --link "
                              f"{ctx.link.id} {line.role.value} NUMBER`")
    return numbers


def post_payout_receipt(ctx: JobContext, order: Order, invoice: Posted,
                        correct: bool = False) -> Posted | None:
    """Post the payout receipt of a settled order (``None`` when there is nothing to pay).

    With ``correct`` (a settlement import) a receipt already booked with other figures is
    saved again by its id: Accurate edits it in place, so there is still one receipt.
    """
    connector = accurate(ctx)
    existing = find_document(ctx, connector, order, SALES_RECEIPT)
    if existing is not None and not correct:
        return existing
    if order.state is OrderState.CANCELLED and not order.books.refunds:
        ctx.record(RecordKind.ORDER, order.order_number, SALES_RECEIPT, RecordStatus.SKIPPED,
                   reason="cancelled: the marketplace pays nothing for it")
        return None
    plan = payout.plan_payout(order, returned_amount(ctx, order))
    if plan.released < 0 and plan.outstanding == 0 and order.books.refunds:
        # the platform states the refund and still charges fees: they stay expenses
        return _post_fees_journal(ctx, order, plan)
    if plan.released <= 0:
        ctx.record(RecordKind.ORDER, order.order_number, SALES_RECEIPT,
                   RecordStatus.NEEDS_OPERATOR if plan.released < 0 else RecordStatus.SKIPPED,
                   reason=f"the marketplace releases {plan.released} for this order (fees "
                          "kept after a refund): nothing to receive"
                          + ("; book the charge in Accurate by hand" if plan.released else ""))
        return None
    numbers = _numbers(ctx, order, plan)
    accounts = order_accounts(ctx, connector, order)
    body = payout.receipt_body(order, accounts, invoice.number, plan, numbers)
    if existing is None:
        posted = post_document(ctx, connector, order, SALES_RECEIPT, lambda: body)
    else:
        posted = _correct(ctx, order, existing, body)
    ctx.record(RecordKind.ORDER, order.order_number, PAYOUT_RECORD, RecordStatus.SUCCEEDED,
               received=booked_payout(plan.released, plan.expected, plan.released_at,
                                      posted.number),
               reason=f"payout {plan.released} into {numbers[AccountRole.MARKETPLACE_BALANCE]}")
    return posted


def _post_fees_journal(ctx: JobContext, order: Order, plan: payout.Payout) -> Posted:
    """Book fees the marketplace kept on a fully refunded order: expenses, out of the balance."""
    numbers = _numbers(ctx, order, plan)
    posted = post_document(ctx, accurate(ctx), order, FEES_JOURNAL,
                           lambda: payout.fees_journal_body(order, plan, numbers))
    ctx.record(RecordKind.ORDER, order.order_number, PAYOUT_RECORD, RecordStatus.SUCCEEDED,
               received=booked_payout(plan.released, plan.expected, plan.released_at,
                                      posted.number),
               reason=f"fees {-plan.released} kept after the refund, taken from "
                      f"{numbers[AccountRole.MARKETPLACE_BALANCE]}")
    return posted


def _correct(ctx: JobContext, order: Order, existing: Posted, body: dict) -> Posted:
    """Replace the receipt when its figures changed: delete it, then save it anew.

    An update by id cannot replace ``detailInvoice`` lines (they carry no line ids), so the
    receipt is deleted (which reverts its journal) and saved again under the same number. A
    crash in between leaves no receipt, and the retried job saves it: never two.
    """
    connector = accurate(ctx)
    held = connector.client.detail("sales-receipt", number=existing.number)
    if held is not None:
        if _same_receipt(held, body):
            return existing
        try:
            connector.client.delete("sales-receipt", number=existing.number)
        except ProviderAPIError as error:
            if error.code != "not_found":  # deleted by our earlier attempt whose answer was lost
                raise
    posted = save_document(ctx, connector, order, SALES_RECEIPT, body)
    ctx.record(RecordKind.ORDER, order.order_number, SALES_RECEIPT, RecordStatus.SUCCEEDED,
               sent=body, received={"id": posted.accounting_id, "number": posted.number},
               reason="corrected from the settlement import")
    return posted


def _same_receipt(held: dict, body: dict) -> bool:
    def lines(receipt: dict) -> set[tuple[str, Decimal]]:
        return {(str(line.get("accountNo") or (line.get("account") or {}).get("no")),
                 mapping.money(line.get("amount")))
                for paid in receipt.get("detailInvoice") or []
                for line in paid.get("detailDiscount") or []}
    return (mapping.money(held.get("chequeAmount")) == mapping.money(body["chequeAmount"])
            and held.get("transDate") == body["transDate"] and lines(held) == lines(body))


def settle(ctx: JobContext, order: Order) -> None:
    """Book what a settled (or refunded) order owes: its sales return, then its receipt."""
    invoice = find_document(ctx, accurate(ctx), order, SALES_INVOICE)
    if invoice is None:
        raise PermanentError(f"order {order.order_number} has no invoice in Accurate yet",
                             fix=f"re-push the order's invoice (`jembatan records --link "
                                 f"{ctx.link.id} --failed`), then this receipt")
    if order.books.refunds and ctx.link.has(Feature.SALES_RETURN):
        post_return(ctx, order, invoice)
    post_payout_receipt(ctx, order, invoice, correct=bool(ctx.payload.get("settlement")))


def handle_payout_receipt(ctx: JobContext) -> None:
    """Job ``accurate.payout_receipt``: the order was delivered, completed or settled."""
    order = current_order(ctx)
    mode = receipt_mode(ctx)
    if mode is not ReceiptMode.PAYOUT:
        ctx.record(RecordKind.ORDER, order.order_number, SALES_RECEIPT, RecordStatus.SKIPPED,
                   reason=f"receipt mode is {mode.value}")
        return
    if order.books.settlement is None and order.state not in SETTLED_STATES:
        # fees are estimates until the marketplace releases the money
        ctx.record(RecordKind.ORDER, order.order_number, SALES_RECEIPT, RecordStatus.PENDING,
                   reason=f"{order.state.value}: waiting for the marketplace to release the "
                          "payout (at completion, or `jembatan payouts import`)")
        return
    settle(ctx, order)
