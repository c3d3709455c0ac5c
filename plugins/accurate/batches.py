"""An order batch's documents in dependency order: sales orders, then invoices, then receipts.

The runner hands the order handlers every due job of one kind for one Accurate database
(``framework.runtime.batch``); ``OrderBatch`` posts each step for all of them with ``posting``
(``bulk-save.do``, up to 100 a call), so a batch of 100 ready-to-ship orders with Auto Paid
costs three calls. An order whose step fails drops out of the later steps with its error and
record; the other orders carry on. What the documents contain is ``mapping``'s business.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from framework import (
    ITEM_BINDING,
    AccountRole,
    ConfigError,
    IntegrationError,
    JobBatch,
    JobContext,
    Order,
    PermanentError,
    ReceiptMode,
    RecordKind,
    RecordStatus,
    TransientError,
)

from . import mapping
from .documents import (
    CUSTOMER,
    accurate,
    check_skus,
    check_tax,
    check_total,
    order_accounts,
)
from .posting import SALES_INVOICE, SALES_ORDER, SALES_RECEIPT, Due, Posted, post_many


class OrderBatch:
    """The orders of one batch of jobs whose own document is ``document``.

    Args:
        batch: the runner's batch (one link, one job kind).
        document: the document the jobs are named after; a job failing at an earlier step
            also gets this document's failed record (what ``jembatan records`` shows for it).
    """

    def __init__(self, batch: JobBatch, document: str) -> None:
        self.batch = batch
        self.document = document
        self.connector = accurate(batch)
        self.failed: dict[int, IntegrationError] = {}
        self.orders: dict[int, tuple[JobContext, Order]] = {}
        self._accounts: dict[int, mapping.OrderAccounts] = {}
        for ctx in batch.jobs:
            try:
                self.orders[ctx.job_id] = (ctx, Order.model_validate(ctx.payload["order"]))
            except (KeyError, ValueError) as error:
                self.failed[ctx.job_id] = PermanentError(
                    f"job {ctx.key}: its order cannot be read ({error})",
                    fix="re-fetch the order from the store (`jembatan orders sync`)")
        # the orders' documents, and the items and customers their sales orders name, in
        # one round trip after the link's account mappings (which name the customers), all
        # in one transaction
        batch.prefetch_many(self._wanted)

    def _wanted(self) -> dict[str, list[str]]:
        refs = [order.external_id for _, order in self.orders.values()]
        wanted = {kind: refs for kind in (SALES_ORDER, SALES_INVOICE, SALES_RECEIPT)}
        wanted[ITEM_BINDING] = sorted({line.sku for _, order in self.orders.values()
                                       for line in order.lines})
        wanted[CUSTOMER] = sorted(self._customers())
        return wanted

    def _customers(self) -> set[str]:
        """The customer numbers the batch's orders are mapped to (unmapped ones fail later)."""
        numbers: set[str] = set()
        for ctx, order in self.orders.values():
            try:
                numbers.add(ctx.account(AccountRole.CUSTOMER, order.channel))
            except ConfigError:
                continue
        return numbers

    def live(self) -> list[tuple[JobContext, Order]]:
        """The jobs that have not failed so far."""
        return [pair for job_id, pair in self.orders.items() if job_id not in self.failed]

    def fail(self, ctx: JobContext, order: Order, error: IntegrationError,
             document: str | None = None) -> None:
        """Drop a job from the later steps; record the failure under the job's document."""
        self.failed[ctx.job_id] = error
        if document != self.document:
            status = (RecordStatus.PENDING if isinstance(error, TransientError)
                      else RecordStatus.FAILED)
            ctx.record(RecordKind.ORDER, order.order_number, self.document, status,
                       reason=str(error))

    def accounts(self, ctx: JobContext, order: Order) -> mapping.OrderAccounts:
        """The order's customer, warehouse and accounts (resolved once per job)."""
        if ctx.job_id not in self._accounts:
            self._accounts[ctx.job_id] = order_accounts(ctx, self.connector, order)
        return self._accounts[ctx.job_id]

    def post(self, document: str,
             builders: list[tuple[JobContext, Order, Callable[[], dict[str, Any]]]]
             ) -> dict[int, Posted]:
        """Post one step for the given orders; return what Accurate holds, per job."""
        dues = [Due(ctx, order, build) for ctx, order, build in builders]
        # What Accurate holds after the previous step is committed before this step's
        # requests; the last step's writes the runner commits with the jobs' outcomes.
        self.batch.flush()
        results = post_many(self.connector, document, dues)
        posted: dict[int, Posted] = {}
        for due, result in zip(dues, results, strict=True):
            if isinstance(result, Posted):
                posted[due.ctx.job_id] = result
            else:
                self.fail(due.ctx, due.order, result, document)
        return posted

    # ------------------------------------------------------------------ the steps

    def sales_orders(self) -> dict[int, Posted]:
        """Post the sales orders the batch's orders lack (checking SKUs and accounts first)."""
        live = self.live()
        unbound = [(ctx, order) for ctx, order in live
                   if ctx.binding(SALES_ORDER, order.external_id) is None]
        found = self._item_rows(unbound)
        to_build = {ctx.job_id for ctx, _ in unbound}
        builders = []
        for ctx, order in self.live():  # without those whose SKUs could not be looked up
            if ctx.job_id in to_build:
                try:
                    check_skus(ctx, self.connector, order, found=found)
                    accounts = self.accounts(ctx, order)
                except IntegrationError as error:
                    self.fail(ctx, order, error)
                    continue
                build = functools.partial(mapping.sales_order_body, order, accounts)
            else:
                build = _never
            builders.append((ctx, order, build))
        return self.post(SALES_ORDER, builders)

    def _item_rows(self, pairs: list[tuple[JobContext, Order]]) -> dict[str, Any]:
        """Look up, in one go for the batch, the SKUs no product push bound."""
        if not pairs:
            return {}
        skus = {line.sku for _, order in pairs for line in order.lines}
        self.batch.prefetch_bindings(ITEM_BINDING, sorted(skus))
        ctx = pairs[0][0]
        unknown = sorted(sku for sku in skus if ctx.binding(ITEM_BINDING, sku) is None)
        try:
            return self.connector.find_item_rows(unknown) if unknown else {}
        except IntegrationError as error:
            for each, order in pairs:
                self.fail(each, order, error)
            return {}

    def invoices(self, sales_orders: dict[int, Posted]) -> dict[int, Posted]:
        """Post the invoices processing the sales orders, each checked against its order."""
        builders = []
        for ctx, order in self.live():
            sales_order = sales_orders.get(ctx.job_id)
            if sales_order is None:
                continue
            try:
                accounts = (self.accounts(ctx, order) if ctx.binding(
                    SALES_INVOICE, order.external_id) is None else None)
                if accounts is not None:
                    check_tax(ctx, order, accounts)
            except IntegrationError as error:
                self.fail(ctx, order, error)
                continue
            builders.append((ctx, order, functools.partial(
                _invoice_body, order, accounts, sales_order.number)))
        posted = self.post(SALES_INVOICE, builders)
        for ctx, order in self.live():
            invoice = posted.get(ctx.job_id)
            if invoice is not None and invoice.created:
                self._check_accurate_total(ctx, order, invoice)
        return {job_id: invoice for job_id, invoice in posted.items()
                if job_id not in self.failed}

    def _check_accurate_total(self, ctx: JobContext, order: Order, invoice: Posted) -> None:
        total = (invoice.detail or {}).get("totalAmount")
        expected = order.invoice_amount
        accounts = self._accounts.get(ctx.job_id)
        if (total is not None and accounts is not None and accounts.taxes.inclusive
                and mapping.money(total) != expected):
            self.fail(ctx, order, PermanentError(
                f"order {order.order_number}: Accurate totals invoice {invoice.number} at "
                f"{total} but the order's pieces say {expected}",
                fix="compare the invoice with the order in Accurate and correct it there"))

    def receipts(self, invoices: dict[int, Posted]) -> None:
        """Post the Auto Paid receipts paying each invoice into the mapped bank account."""
        builders = []
        for ctx, order in self.live():
            invoice = invoices.get(ctx.job_id)
            if invoice is None:
                continue
            if order.invoice_amount <= 0:
                ctx.record(RecordKind.ORDER, order.order_number, SALES_RECEIPT,
                           RecordStatus.SKIPPED, reason="the invoice total is 0: nothing to "
                                                        "receive")
                continue
            try:
                unbound = ctx.binding(SALES_RECEIPT, order.external_id) is None
                bank = ctx.account(AccountRole.BANK) if unbound else ""
                accounts = self.accounts(ctx, order) if unbound else None
            except IntegrationError as error:
                self.fail(ctx, order, error)
                continue
            total = (invoice.detail or {}).get("totalAmount")
            builders.append((ctx, order, functools.partial(
                mapping.sales_receipt_body, order, accounts, bank, invoice.number,
                mapping.money(total) if total is not None else None)))
        self.post(SALES_RECEIPT, builders)


def receipt_mode(batch: JobBatch | JobContext) -> ReceiptMode:
    """The link's receipt mode; a mistyped one is a configuration error for every job."""
    try:
        return batch.link.receipt_mode
    except ValueError as error:
        raise ConfigError(f"link {batch.link.id}: {error}",
                          fix=f"jembatan link set {batch.link.id} --accounting-setting "
                              "receipt_mode=auto-paid (or payout, off)") from error


def _invoice_body(order: Order, accounts: mapping.OrderAccounts | None,
                  sales_order_number: str) -> dict[str, Any]:
    assert accounts is not None  # built only for invoices not bound yet
    body = mapping.sales_invoice_body(order, accounts, sales_order_number)
    check_total(order, body, "sales invoice")
    return body


def _never() -> dict[str, Any]:  # a bound document is never built
    raise AssertionError("a bound document was rebuilt")


__all__ = ["CUSTOMER", "OrderBatch", "receipt_mode"]
