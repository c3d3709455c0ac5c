"""What an order's Accurate documents need around the saving itself (``posting``).

The customer, warehouse, accounts and settings a document carries (``order_accounts``), the
checks before posting (``check_skus``, ``check_total``), and the single-document helpers of
the handlers that act on one order: ``find_document`` (a look-up, for those that must know
whether a document exists: closing, returns) and ``post_document`` (a batch of one: save,
adopting the document when Accurate already holds its number).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Mapping
from typing import Any

from framework import (
    ITEM_BINDING,
    AccountRole,
    ConfigError,
    IntegrationError,
    JobContext,
    Order,
    PermanentError,
    ProviderAPIError,
    held_back_skus,
)

from . import mapping
from .client import database_lock
from .connector import AccurateConnector
from .posting import (
    MODULES,
    PREFIXES,
    SALES_INVOICE,
    SALES_ORDER,
    SALES_RECEIPT,
    SALES_RETURN,
    Posted,
    post_one,
)

log = logging.getLogger(__name__)

__all__ = ["MODULES", "PREFIXES", "SALES_INVOICE", "SALES_ORDER", "SALES_RECEIPT",
           "SALES_RETURN", "Posted", "accurate", "check_skus", "check_tax", "check_total",
           "ensure_customer", "save_document",
           "find_document", "order_accounts", "post_document"]
CUSTOMER = "customer"


def accurate(ctx: Any) -> AccurateConnector:
    """Return the link's (or the batch's) Accurate connector or raise ``ConfigError``."""
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


def post_document(ctx: JobContext, connector: AccurateConnector, order: Order, document: str,
                  build: Callable[[], dict[str, Any]]) -> Posted:
    """Post one of the order's documents unless Accurate already holds it (no look-up first)."""
    return post_one(ctx, connector, order, document, build)


def save_document(ctx: JobContext, connector: AccurateConnector, order: Order, document: str,
                  body: dict[str, Any]) -> Posted:
    """Save a document even though a binding names it (the caller deleted it on purpose).

    A save whose answer was lost is adopted on the retry, as for ``post_document``.
    """
    return post_one(ctx, connector, order, document, lambda: body, trust_bindings=False)


#: customers this process saw in (or saved to) an Accurate database, by (account host,
#: database id, customer number): batches of one link running at once ask Accurate once,
#: not each (keyed by the database, so a link moved to another database asks again)
_KNOWN_CUSTOMERS: dict[tuple[str, str, str], str | None] = {}


def ensure_customer(ctx: JobContext, connector: AccurateConnector, order: Order) -> str:
    """Return the channel's customer number, creating that customer in Accurate once."""
    number = ctx.account(AccountRole.CUSTOMER, order.channel)
    if ctx.binding(CUSTOMER, number) is not None:
        return number
    config = connector.client.config
    key = (config.account_url, str(config.database_id or ""), number)
    with database_lock("customer", *key):
        if key in _KNOWN_CUSTOMERS:
            ctx.bind(CUSTOMER, number, _KNOWN_CUSTOMERS[key], number)
            return number
        found = connector.client.detail("customer", customerNo=number)
        if found is None:
            try:
                connector.client.save("customer", mapping.customer_body(number, order.channel,
                                                                       order.created_at))
            except ProviderAPIError as error:
                if error.code != "duplicate":
                    raise
        accounting_id = str(found.get("id")) if found else None
        ctx.bind(CUSTOMER, number, accounting_id, number)
        _KNOWN_CUSTOMERS[key] = accounting_id
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


def check_skus(ctx: JobContext, connector: AccurateConnector, order: Order,
               found: Mapping[str, Any] | None = None) -> None:
    """Raise ``PermanentError`` naming the order's SKUs that are not items in Accurate.

    SKUs the product push created are known without asking Accurate (one request less per
    order; Accurate's own refusal still names an item deleted there since). ``found``: the
    item rows a batch already looked up for all its orders (no request then).

    The fix names the real cause: an unbound warehouse (its ``ConfigError``), or a SKU the
    product sync holds back (``framework.held_back_skus``: a pending action in the store,
    incomplete data, not in the store); only otherwise "run the product sync".

    Raises:
        ConfigError: the order's store warehouse is unbound (and some SKU is not an item).
    """
    unknown = sorted({line.sku for line in order.lines
                      if ctx.binding(ITEM_BINDING, line.sku) is None})
    link_id = ctx.link.id
    if found is None:
        found = connector.find_item_rows(unknown) if unknown else {}
    missing = sorted(set(unknown) - set(found))
    if not missing:
        return
    # The product sync would not send them from an unbound warehouse: that error names the bind.
    ctx.accounting_warehouse(order.warehouse_id)
    try:
        held = held_back_skus(ctx, missing)
    except IntegrationError as error:  # the store is down: the generic advice is the best
        log.warning("order %s: could not ask the store why %s are not items: %s",
                    order.order_number, ", ".join(missing), error)
        held = {}
    what = f"order {order.order_number}: SKU {', '.join(missing)} is not an item in Accurate"
    if held:
        reasons = [held[sku] for sku in missing if sku in held]
        others = [sku for sku in missing if sku not in held]
        fix = "; ".join(h.fix for h in reasons)
        if others:
            fix += (f"; for {', '.join(others)}: `jembatan products sync --link {link_id}`, then "
                    "re-push")
        raise PermanentError(f"{what}: " + "; ".join(h.reason for h in reasons), fix=fix)
    raise PermanentError(
        what, fix=f"run the product sync (`jembatan products sync --link {link_id}`), then re-push")


def check_tax(ctx: JobContext, order: Order, accounts: mapping.OrderAccounts) -> None:
    """Raise ``PermanentError`` when the order adds tax its link's invoices would not add."""
    books = order.books
    if books.tax and not books.tax_inclusive and (
            not accounts.taxes.taxable or accounts.taxes.inclusive):
        raise PermanentError(
            f"order {order.order_number} carries tax {books.tax} on top of its prices but the "
            "link's invoices do not add tax",
            fix=f"jembatan link set {ctx.link.id} --accounting-setting taxable=true "
                "--accounting-setting inclusive_tax=false, then re-push")


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
