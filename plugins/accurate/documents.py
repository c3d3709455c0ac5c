"""Posting an order's documents to Accurate exactly once.

Every document has a deterministic number (``mapping.document_number``). Posting one is:
known binding -> done; else look it up by number (``detail.do?number=``) -> bind, done; else
save it; if Accurate answers "Sudah ada data lain dengan No ..." (our earlier save succeeded
but its answer was lost) fetch it and bind it. So a retried job never creates a second one.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from framework import (
    ITEM_BINDING,
    AccountRole,
    ConfigError,
    JobContext,
    Order,
    PermanentError,
    ProviderAPIError,
    RecordKind,
    RecordStatus,
    TransientError,
)

from . import mapping
from .connector import AccurateConnector

log = logging.getLogger(__name__)

SALES_ORDER, SALES_INVOICE = "sales_order", "sales_invoice"
SALES_RECEIPT, SALES_RETURN = "sales_receipt", "sales_return"
MODULES = {SALES_ORDER: "sales-order", SALES_INVOICE: "sales-invoice",
           SALES_RECEIPT: "sales-receipt", SALES_RETURN: "sales-return"}
PREFIXES = {SALES_ORDER: mapping.SALES_ORDER, SALES_INVOICE: mapping.SALES_INVOICE,
            SALES_RECEIPT: mapping.SALES_RECEIPT, SALES_RETURN: mapping.SALES_RETURN}
CUSTOMER = "customer"


@dataclass(frozen=True, slots=True)
class Posted:
    """A document Accurate holds for an order."""

    document: str
    number: str
    accounting_id: str | None
    created: bool
    detail: Mapping[str, Any] | None = None


def accurate(ctx: JobContext) -> AccurateConnector:
    """Return the link's Accurate connector or raise ``ConfigError``."""
    connector = ctx.accounting()
    if not isinstance(connector, AccurateConnector):
        raise ConfigError(f"link {ctx.link.id} does not use Accurate",
                          fix="check the link's accounting platform")
    return connector


def find_document(ctx: JobContext, connector: AccurateConnector, order: Order,
                  document: str) -> Posted | None:
    """Return the order's document if Accurate holds it (binding first, then by number)."""
    bound = ctx.binding(document, order.external_id)
    if bound is not None and bound.accounting_number:
        return Posted(document, bound.accounting_number, bound.accounting_id, created=False)
    tag = ctx.link.settings.get("document_tag") or None  # a link sharing its database
    number = mapping.document_number(PREFIXES[document], mapping.order_ref(order.order_number,
                                                                           tag))
    found = connector.client.detail(MODULES[document], number=number)
    if found is None:
        return None
    ctx.bind(document, order.external_id, str(found.get("id")), number)
    return Posted(document, number, str(found.get("id")), created=False, detail=found)


def _record_failure(ctx: JobContext, order: Order, document: str, body: Any,
                    error: Exception) -> None:
    status = RecordStatus.PENDING if isinstance(error, TransientError) else RecordStatus.FAILED
    ctx.record(RecordKind.ORDER, order.order_number, document, status, sent=body, reason=str(error))


def post_document(ctx: JobContext, connector: AccurateConnector, order: Order, document: str,
                  build: Callable[[], dict[str, Any]]) -> Posted:
    """Post one of the order's documents unless Accurate already holds it."""
    existing = find_document(ctx, connector, order, document)
    if existing is not None:
        if existing.detail is not None:
            ctx.record(RecordKind.ORDER, order.order_number, document, RecordStatus.SUCCEEDED,
                       received={"id": existing.accounting_id, "number": existing.number},
                       reason="already in Accurate")
        return existing
    return save_document(ctx, connector, order, document, build())


def save_document(ctx: JobContext, connector: AccurateConnector, order: Order, document: str,
                  body: dict[str, Any]) -> Posted:
    """Save a document the caller has just looked for and not found.

    A save whose answer was lost comes back refused on the retry (the duplicate number, or
    another check Accurate runs first); the document is then fetched instead of saved twice.
    """
    module = MODULES[document]
    try:
        envelope = connector.client.save(module, body)
    except ProviderAPIError as error:
        # A refusal of a retried save may be the duplicate number, or another check Accurate
        # runs first (a return's quantities already returned by our lost first save): a
        # document under our deterministic number is ours either way.
        log.info("%s %s refused (%s); looking it up by number", module, body["number"],
                 error.message)
        found = find_document(ctx, connector, order, document)
        if found is not None:
            ctx.record(RecordKind.ORDER, order.order_number, document, RecordStatus.SUCCEEDED,
                       sent=body, received=found.detail, reason="already in Accurate")
            return found
        _record_failure(ctx, order, document, body, error)
        raise
    except (TransientError, PermanentError, ConfigError) as error:
        _record_failure(ctx, order, document, body, error)
        raise
    saved = dict(envelope.r or {})
    number = str(saved.get("number") or body["number"])
    ctx.bind(document, order.external_id, str(saved.get("id")), number)
    ctx.record(RecordKind.ORDER, order.order_number, document, RecordStatus.SUCCEEDED,
               sent=body, received={"d": envelope.d, "r": saved})
    return Posted(document, number, str(saved.get("id")), created=True, detail=saved)


def ensure_customer(ctx: JobContext, connector: AccurateConnector, order: Order) -> str:
    """Return the channel's customer number, creating that customer in Accurate once."""
    number = ctx.account(AccountRole.CUSTOMER, order.channel)
    if ctx.binding(CUSTOMER, number) is not None:
        return number
    found = connector.client.detail("customer", customerNo=number)
    if found is None:
        try:
            connector.client.save("customer", mapping.customer_body(number, order.channel,
                                                                   order.created_at))
        except ProviderAPIError as error:
            if error.code != "duplicate":
                raise
    ctx.bind(CUSTOMER, number, str(found.get("id")) if found else None, number)
    return number


def order_accounts(ctx: JobContext, connector: AccurateConnector, order: Order
                   ) -> mapping.OrderAccounts:
    """Resolve the customer, warehouse, shipping income account, branch and PPN settings.

    Seller discounts go on the documents as Accurate discounts (no account needed).
    """
    warehouse = ctx.accounting_warehouse(order.warehouse_id)
    shipping = None
    if order.books.shipping_income > 0:
        shipping = ctx.account(AccountRole.SHIPPING_FEE, order.channel)
    elif order.books.refunds:  # a refund may give shipping back: book it there if mapped
        with contextlib.suppress(ConfigError):
            shipping = ctx.account(AccountRole.SHIPPING_FEE, order.channel)
    settings = connector.link.settings
    try:
        taxes = mapping.tax_settings(settings)
    except ValueError as error:
        fix = f"jembatan link set {ctx.link.id} --accounting-setting tax=ppn"
        raise ConfigError(f"link {ctx.link.id}: {error}", fix=fix) from error
    return mapping.OrderAccounts(ensure_customer(ctx, connector, order), warehouse, shipping,
                                 branch=str(settings.get("branch_name") or "") or None,
                                 taxes=taxes,
                                 number_tag=str(settings.get("document_tag") or "") or None)


def check_skus(ctx: JobContext, connector: AccurateConnector, order: Order) -> None:
    """Raise ``PermanentError`` naming the order's SKUs that are not items in Accurate.

    SKUs the product push created are known without asking Accurate (one request less per
    order; Accurate's own refusal still names an item deleted there since).
    """
    unknown = sorted({line.sku for line in order.lines
                      if ctx.binding(ITEM_BINDING, line.sku) is None})
    link_id = ctx.link.id
    missing = sorted(set(unknown) - set(connector.find_item_rows(unknown))) if unknown else []
    if missing:
        raise PermanentError(
            f"order {order.order_number}: SKU {', '.join(missing)} is not an item in Accurate",
            fix=f"run the product sync (`jembatan products sync --link {link_id}`), then re-push")


def check_total(order: Order, body: Mapping[str, Any], what: str) -> None:
    """Raise ``PermanentError`` when a document would not total the seller's invoice amount."""
    if order.buyer_total != order.total:
        raise PermanentError(
            f"order {order.order_number}: its lines, shipping, discounts and vouchers add up to "
            f"{order.buyer_total} but the marketplace says the buyer paid {order.total}; "
            "nothing was rounded",
            fix="check the order's lines, fees and discounts in the store, then re-push")
    total = mapping.document_total(body)
    expected = mapping.pre_tax_invoice_amount(order)
    if total != expected:
        raise PermanentError(
            f"order {order.order_number}: the {what} would total {total} but the order's "
            f"pieces say {expected}; nothing was rounded",
            fix="check the order's lines, fees and discounts in the store, then re-push")
