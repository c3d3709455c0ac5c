"""``jembatan check``: the seeds' pre-flight, as problems with their fixes.

The generic checks need nothing platform-specific: unbound warehouses, unmapped accounts,
SKUs with a pending action in the store (item sync would send them), the same SKU named
differently in the store and in the accounting system (invoices and stock sync fail on it), and
SKUs missing on either side. Plugins add their own through the ``check_link`` hook (missing API
scopes, for instance).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

from .checks import CheckContext, Problem, Severity
from .domain import Product, Warehouse
from .errors import IntegrationError
from .jobs import AccountRole, Feature, LinkInfo, ReceiptMode

BATCH_SIZE = 100


def generic_problems(context: CheckContext) -> list[Problem]:
    """Run every generic check for one link."""
    try:
        store_warehouses = list(context.commerce.list_warehouses())
    except IntegrationError as error:
        # Nothing else can be checked through a store that refuses the link's credentials.
        return [Problem("store-access", context.link.id,
                        f"the store refused the link's credentials: {error.message}",
                        error.fix or f"check the store credentials: jembatan link show "
                                      f"{context.link.id}")]
    problems = _warehouse_problems(context, store_warehouses)
    problems += _mapping_problems(context)
    if context.bindings:
        problems += _catalogue_problems(context)
    return problems


def _warehouse_problems(context: CheckContext,
                        store_warehouses: list[Warehouse]) -> list[Problem]:
    link_id = context.link.id
    problems = []
    if not context.bindings:
        problems.append(Problem(
            "no-warehouse-bound", link_id, "no store warehouse is bound; nothing can sync",
            f"jembatan warehouses bind --link {link_id} <STORE-WAREHOUSE> <ACCURATE-WAREHOUSE>"))
    for warehouse in store_warehouses:
        if warehouse.id not in context.bindings:
            problems.append(Problem(
                "unbound-warehouse", f"{warehouse.id} ({warehouse.name})",
                "store warehouse is not bound: its products, orders and stock are not synced",
                f"jembatan warehouses bind --link {link_id} {warehouse.id} <ACCURATE-WAREHOUSE>",
                Severity.WARNING))
    return problems


def _mapping_problems(context: CheckContext) -> list[Problem]:
    link = context.link
    needed = [(AccountRole.CUSTOMER, "customer for orders of every channel")]
    if _auto_paid(link):
        needed.append((AccountRole.BANK, "bank/cash account for Auto Paid receipts"))
    if link.has(Feature.INVOICE):
        # seller discounts are Accurate discounts on the invoice: no account needed for them
        needed.append((AccountRole.SHIPPING_FEE, "income account for buyer-paid shipping"))
    roles = {role for role, _qualifier in context.mappings}
    return [Problem("unmapped-account", role.value, f"no {what} is mapped",
                    f"jembatan accounts map --link {link.id} {role.value} <NUMBER>")
            for role, what in needed if role.value not in roles]


def _auto_paid(link: LinkInfo) -> bool:
    try:
        return link.receipt_mode is ReceiptMode.AUTO_PAID
    except ValueError:  # a mistyped mode is the accounting plugin's check to report
        return False


def _catalogue_problems(context: CheckContext) -> list[Problem]:
    problems: list[Problem] = []
    store_skus: set[str] = set()
    missing: list[str] = []
    for batch in _batches(_store_products(context, problems)):
        books = context.accounting.find_items([product.sku for product in batch])
        for product in batch:
            store_skus.add(product.sku)
            book = books.get(product.sku)
            if book is None:
                missing.append(product.sku)
            problems += _compare(product, book)
    if missing:
        problems.append(Problem(
            "sku-missing-in-accounting", _count(missing, "SKU"),
            f"not in the accounting system yet: {_examples(missing)}",
            f"jembatan products sync --link {context.link.id}", Severity.WARNING))
    return problems + _missing_in_store(context, store_skus)


def _missing_in_store(context: CheckContext, store_skus: set[str]) -> list[Problem]:
    try:
        extra = [item.sku for item in context.accounting.iter_items()
                 if item.sku not in store_skus]
    except NotImplementedError:
        return [Problem("sku-missing-in-store", context.link.accounting,
                        "the accounting plugin cannot list its items, so SKUs missing in the "
                        "store were not looked for", "none needed", Severity.WARNING)]
    if not extra:
        return []
    return [Problem(
        "sku-missing-in-store", _count(extra, "SKU"),
        f"in the accounting system but not in the store: {_examples(extra)}; the stock pull "
        "leaves them alone and no order can contain them",
        "add them in the store with the same SKU and name if they are sold there",
        Severity.WARNING)]


def _store_products(context: CheckContext, problems: list[Problem]) -> Iterator[Product]:
    for product in context.commerce.iter_products():
        if isinstance(product, Product):
            yield product
        else:
            problems.append(Problem(
                "incomplete-product", product.ref, product.reason,
                "complete the product in the store; it is not sent until then"))


def _compare(product: Product, book: Product | None) -> list[Problem]:
    problems = []
    if product.pending_action:
        problems.append(Problem(
            "sku-pending-action", product.sku,
            "the SKU has a pending action in the store; item sync would send it as it is",
            "resolve the pending action in the store first (or sync with --include-pending)"))
    if book is not None and book.name.strip() != product.name.strip():
        problems.append(Problem(
            "sku-name-mismatch", product.sku,
            f"named {product.name!r} in the store but {book.name!r} in the accounting system; "
            "invoices and stock sync fail on it",
            "give the SKU the same name on both sides"))
    return problems


def _count(skus: list[str], noun: str) -> str:
    return f"{len(skus)} {noun}{'' if len(skus) == 1 else 's'}"


def _examples(skus: list[str], shown: int = 5) -> str:
    more = f" and {len(skus) - shown} more" if len(skus) > shown else ""
    return ", ".join(skus[:shown]) + more


def _batches(products: Iterator[Product]) -> Iterator[list[Product]]:
    while batch := list(islice(products, BATCH_SIZE)):
        yield batch
