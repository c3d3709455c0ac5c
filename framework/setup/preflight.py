"""``jembatan check``: the seeds' pre-flight, as problems with their fixes.

The generic checks need nothing platform-specific: unbound warehouses, unmapped accounts,
SKUs with a pending action in the store (item sync would send them), the same SKU named
differently in the store and in the accounting system (invoices and stock sync fail on it), and
SKUs missing on either side. Plugins add their own through the ``check_link`` hook (missing API
scopes, for instance).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from ..connectors import AccountingConnector, CommerceConnector
from ..domain import Account, Product, Warehouse
from ..errors import IntegrationError
from ..jobs import AccountRole, Feature, LinkInfo, ReceiptMode
from .checks import CheckContext, Problem, Severity

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
    books = _accounting_warehouses(context)
    target = _quote(books[0]) if len(books) == 1 else f"<one of: {', '.join(map(_quote, books))}>"
    problems = []
    if not context.bindings:
        first = store_warehouses[0].id if len(store_warehouses) == 1 else (
            f"<one of: {', '.join(w.id for w in store_warehouses)}>")
        problems.append(Problem(
            "no-warehouse-bound", link_id, "no store warehouse is bound; nothing can sync",
            f"jembatan warehouses bind --link {link_id} {first} {target}"))
    bound = set(context.bindings.values())
    free = [name for name in books if name not in bound]
    spare = (_quote(free[0]) if len(free) == 1 else
             f"<one of: {', '.join(map(_quote, free))}>" if free else "<ACCURATE-WAREHOUSE>")
    for warehouse in store_warehouses:
        if warehouse.id not in context.bindings:
            problems.append(Problem(
                "unbound-warehouse", f"{warehouse.id} ({warehouse.name})",
                "store warehouse is not bound: its products, orders and stock are not synced",
                f"if it should sync: jembatan warehouses bind --link {link_id} {warehouse.id} "
                f"{spare}", Severity.WARNING))
    return problems


def _accounting_warehouses(context: CheckContext) -> list[str]:
    try:
        return [warehouse.name for warehouse in context.accounting.list_warehouses()]
    except (IntegrationError, NotImplementedError):
        return []


def _quote(name: str) -> str:
    return f'"{name}"' if " " in name else name


#: the account kinds (``Account.kind``) a role accepts; a role not listed takes any account of
#: the chart that is neither a customer nor a cash/bank account (fee and discount accounts)
ROLE_KINDS: dict[AccountRole, tuple[str, ...]] = {
    AccountRole.CUSTOMER: ("CUSTOMER",),
    AccountRole.BANK: ("CASH_BANK",),
    AccountRole.MARKETPLACE_BALANCE: ("CASH_BANK",),
}

_FEES = ("EXPENSE", "OTHER_EXPENSE", "COGS")
#: the kinds a role's account is most likely of: listed first, never the only ones offered.
#: Accurate's account-type values are not in the reference (GlAccountType [U]), so a chart
#: whose types are named otherwise must still offer every account the role accepts.
ROLE_LIKELY_KINDS: dict[AccountRole, tuple[str, ...]] = {
    AccountRole.SHIPPING_FEE: ("REVENUE", "OTHER_INCOME"),
    AccountRole.DISCOUNT: ("REVENUE", "EXPENSE", "OTHER_EXPENSE"),
    AccountRole.COMMISSION_FEE: _FEES,
    AccountRole.SERVICE_FEE: _FEES,
    AccountRole.PAYMENT_FEE: _FEES,
    AccountRole.SHIPPING_DIFFERENCE: _FEES,
    AccountRole.SELLER_VOUCHER: ("EXPENSE", "OTHER_EXPENSE", "REVENUE"),
    AccountRole.PLATFORM_SUBSIDY: ("OTHER_INCOME", "REVENUE"),
    AccountRole.OTHER_FEE: _FEES,
}


def accounts_for(role: AccountRole, accounts: list[Account]) -> list[Account]:
    """The accounts (or customers) that ``role`` can be mapped to, the likeliest first.

    The one answer behind the check of ``jembatan accounts map``, the console's choices and
    the fixes preflight suggests, so none of them offers what another refuses.
    """
    usual, other = usual_and_other(role, accounts)
    return usual + other


def usual_and_other(role: AccountRole,
                    accounts: list[Account]) -> tuple[list[Account], list[Account]]:
    """``accounts_for`` in two parts: the accounts of the types usual for ``role``, the rest.

    A role of fixed types (customer, bank) or with no usual ones has all in the first part.
    """
    kinds = ROLE_KINDS.get(role)
    if kinds:
        return [account for account in accounts if account.kind.upper() in kinds], []
    fitting = [account for account in accounts
               if account.kind.upper() not in ("CUSTOMER", "CASH_BANK")]
    likely = ROLE_LIKELY_KINDS.get(role)
    if not likely:
        return fitting, []
    return ([account for account in fitting if account.kind.upper() in likely],
            [account for account in fitting if account.kind.upper() not in likely])


def _mapping_problems(context: CheckContext) -> list[Problem]:
    link = context.link
    needed = [(AccountRole.CUSTOMER, "customer for orders of every channel")]
    if _auto_paid(link):
        needed.append((AccountRole.BANK, "bank/cash account for Auto Paid receipts"))
    if link.has(Feature.INVOICE):
        # seller discounts are Accurate discounts on the invoice: no account needed for them
        needed.append((AccountRole.SHIPPING_FEE, "income account for buyer-paid shipping"))
    # Only a mapping without a channel covers every channel: one for SHOPEE leaves the others.
    mapped = {role for role, qualifier in context.mappings if not qualifier}
    missing = [(role, what) for role, what in needed if role.value not in mapped]
    accounts = _accounts(context) if missing else []
    return [Problem("unmapped-account", role.value, _unmapped_message(context, role, what),
                    f"jembatan accounts map --link {link.id} {role.value} "
                    f"{_candidates(role, accounts)}")
            for role, what in missing]


def _unmapped_message(context: CheckContext, role: AccountRole, what: str) -> str:
    channels = sorted(q for r, q in context.mappings if r == role.value and q)
    if channels:
        return (f"no {what} is mapped (only for {', '.join(channels)}): orders of other "
                "channels would fail")
    return f"no {what} is mapped"


def _accounts(context: CheckContext) -> list[Account]:
    try:
        return list(context.accounting.list_accounts())
    except (IntegrationError, NotImplementedError):
        return []


def _candidates(role: AccountRole, accounts: list[Account]) -> str:
    fitting = accounts_for(role, accounts)
    if len(fitting) == 1:
        return fitting[0].number
    if fitting:
        shown = ", ".join(f"{a.number} ({a.name})" for a in fitting[:4])
        more = f" and {len(fitting) - 4} more" if len(fitting) > 4 else ""
        return f"<one of: {shown}{more}>"
    return "<NUMBER>" if role is not AccountRole.CUSTOMER else "<CUSTOMER-NO, created if new>"


def _auto_paid(link: LinkInfo) -> bool:
    try:
        return link.receipt_mode is ReceiptMode.AUTO_PAID
    except ValueError:  # a mistyped mode is the accounting plugin's check to report
        return False


def _catalogue_problems(context: CheckContext) -> list[Problem]:
    problems: list[Problem] = []
    store_skus: set[str] = set()
    missing: list[str] = []
    held: list[str] = []
    for batch in _batches(_store_products(context, problems)):
        books = context.accounting.find_items([product.sku for product in batch])
        for product in batch:
            store_skus.add(product.sku)
            book = books.get(product.sku)
            if book is None:
                (held if product.pending_action else missing).append(product.sku)
            problems += _compare(product, book)
    if missing:
        problems.append(Problem(
            "sku-missing-in-accounting", _count(missing, "SKU"),
            f"not in the accounting system yet: {_examples(missing)}",
            f"jembatan products sync --link {context.link.id}", Severity.WARNING))
    if held:  # the product sync holds these back: advising it would change nothing
        problems.append(Problem(
            "sku-missing-in-accounting", _count(held, "SKU"),
            f"not in the accounting system yet: {_examples(held)} (a pending action in the "
            "store holds them back from the product sync)",
            "resolve the pending action in the store, then jembatan products sync --link "
            f"{context.link.id} (or add --include-pending to send them as they are)",
            Severity.WARNING))
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
    if book is not None and names_differ(product, book):
        problems.append(Problem(
            "sku-name-mismatch", product.sku,
            f"named {product.name!r} in the store but {book.name!r} in the accounting system; "
            "invoices and stock sync fail on it",
            "give the SKU the same name on both sides"))
    return problems


def names_differ(product: Product, book: Product) -> bool:
    """Whether a SKU is named differently in the store and in the accounting system."""
    return book.name.strip() != product.name.strip()


def name_mismatches(commerce: CommerceConnector, accounting: AccountingConnector,
                    skus: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Return ``{sku: (store name, accounting name)}`` for the ``skus`` named differently.

    The same comparison as ``jembatan check``'s sku-name-mismatch, for the stock pull to
    leave those SKUs alone until the names agree.
    """
    wanted = set(skus)
    products = (product for product in commerce.iter_products()
                if isinstance(product, Product) and product.sku in wanted)
    found = {}
    for batch in _batches(products):
        books = accounting.find_items([product.sku for product in batch])
        for product in batch:
            book = books.get(product.sku)
            if book is not None and names_differ(product, book):
                found[product.sku] = (product.name, book.name)
    return found


def _count(skus: list[str], noun: str) -> str:
    return f"{len(skus)} {noun}{'' if len(skus) == 1 else 's'}"


def _examples(skus: list[str], shown: int = 5) -> str:
    more = f" and {len(skus) - shown} more" if len(skus) > shown else ""
    return ", ".join(skus[:shown]) + more


def _batches(products: Iterator[Product]) -> Iterator[list[Product]]:
    while batch := list(islice(products, BATCH_SIZE)):
        yield batch
