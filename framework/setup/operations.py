"""Operator actions that read both platforms, shared by the CLI and the web console.

Each function opens its own short sessions and holds none while a platform answers (SQLite
has one writer at a time). The CLI prints what they return; the console renders it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from ..domain import Account, Product, Warehouse
from ..errors import ConfigError
from ..jobs import AccountRole, JobRequest
from ..runtime.queue import enqueue
from ..storage.models import DocumentBindingRow
from ..sync.catalogue import ITEM, ProductSyncPlan, plan_product_sync, pushed_skus
from .checks import CheckContext, Problem
from .configuration import (
    account_mappings,
    bind_warehouse,
    bindings_to_operate,
    map_account,
    warehouse_bindings,
)
from .links import build_accounting, build_commerce, get_link, link_info
from .preflight import accounts_for, usual_and_other

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..app import App


@dataclass
class WarehouseOverview:
    """Both sides' warehouses and how they are bound."""

    store: list[Warehouse]
    accounting: list[Warehouse]
    bound: dict[str, str]  # store warehouse id -> accounting warehouse name

    @property
    def free(self) -> list[Warehouse]:
        """Accounting warehouses not bound to any store warehouse."""
        taken = set(self.bound.values())
        return [w for w in self.accounting if w.name not in taken]


def warehouse_overview(app: App, link_id: str) -> WarehouseOverview:
    """Return the store's and the accounting system's warehouses with the bindings."""
    with app.session() as session:
        link = get_link(session, link_id)
        bound = {b.store_warehouse_id: b.accounting_warehouse
                 for b in warehouse_bindings(session, link_id)}
    with build_commerce(app, link) as commerce:
        store = list(commerce.list_warehouses())
    with build_accounting(app, link) as accounting:
        books = list(accounting.list_warehouses())
    return WarehouseOverview(store, books, bound)


def bind_known_warehouse(app: App, link_id: str, store_warehouse: str,
                         accounting_warehouse: str) -> None:
    """Bind two warehouses after checking both exist on their platforms (one-to-one).

    Raises:
        ConfigError: either warehouse is unknown, or either side is bound already.
    """
    overview = warehouse_overview(app, link_id)
    store_names = {w.id: w.name for w in overview.store}
    if store_warehouse not in store_names:
        raise ConfigError(f"unknown store warehouse {store_warehouse!r} on link {link_id} "
                          f"(known: {', '.join(sorted(store_names)) or 'none'})",
                          fix=f"jembatan warehouses list --link {link_id}")
    books = {w.name for w in overview.accounting}
    if accounting_warehouse not in books:
        raise ConfigError(f"unknown accounting warehouse {accounting_warehouse!r} "
                          f"(known: {', '.join(sorted(books)) or 'none'})",
                          fix=f"jembatan warehouses list --link {link_id}")
    with app.session() as session:
        bind_warehouse(session, get_link(session, link_id), store_warehouse,
                       accounting_warehouse, store_names[store_warehouse])


@dataclass
class AccountChoices:
    """The accounting side's accounts and customers, and the link's current map."""

    accounts: list[Account]
    mapped: dict[tuple[str, str], str]  # (role, channel) -> number

    def for_role(self, role: AccountRole) -> list[Account]:
        """The accounts ``role`` may use, the likeliest first.

        Exactly those the check of ``jembatan accounts map`` accepts (customers for the
        customer role), so the console never offers what the check would refuse.
        """
        return accounts_for(role, self.accounts)

    def usual_and_other(self, role: AccountRole) -> tuple[list[Account], list[Account]]:
        """``for_role`` in two parts: the accounts of the types usual for ``role``, the rest."""
        return usual_and_other(role, self.accounts)


def account_choices(app: App, link_id: str) -> AccountChoices:
    """Return the chart of accounts and customers read from the accounting system now."""
    with app.session() as session:
        link = get_link(session, link_id)
        mapped = {(m.role.value, m.qualifier): m.value for m in account_mappings(session, link_id)}
    with build_accounting(app, link) as accounting:
        accounts = list(accounting.list_accounts())
    return AccountChoices(accounts, mapped)


def check_account(link_id: str, role: AccountRole, number: str,
                  accounts: list[Account]) -> str:
    """Return a note on ``number`` for ``role``, or raise if it cannot be used.

    ``accounts``: the accounting system's accounts and customers, as read now. The one check
    behind ``jembatan accounts map`` and the console's account mapping.

    Raises:
        ConfigError: the account does not exist, or is of a type the role cannot use.
    """
    found = next((account for account in accounts if account.number == number), None)
    fitting = accounts_for(role, accounts)
    if found in fitting:
        return found.name
    if found is None and role is AccountRole.CUSTOMER:
        return "not in the accounting system yet: created with the first order that needs it"
    listed = ", ".join(f"{a.number} ({a.name})" for a in fitting[:6]) or "none"
    what = (f"is a {found.kind} account ({found.name})" if found is not None
            else "does not exist in the accounting system")
    needs = ROLE_NEEDS.get(role, "an account of the chart")
    raise ConfigError(f"{number} {what}; {role.value} needs {needs}",
                      fix=f"jembatan accounts map --link {link_id} {role.value} NUMBER with one "
                          f"of: {listed} (all: jembatan accounts list --link {link_id})")


#: what each role needs, in the words of the refusal
ROLE_NEEDS = {
    AccountRole.CUSTOMER: "a customer",
    AccountRole.BANK: "a cash/bank account",
    AccountRole.SHIPPING_FEE: "an account of the chart (not a customer or a bank account)",
    AccountRole.DISCOUNT: "an account of the chart (not a customer or a bank account)",
}


def map_checked_accounts(app: App, link_id: str,
                         wanted: list[tuple[AccountRole, str, str]]) -> list[str]:
    """Map each ``(role, number, channel)`` after checking the account exists with that type.

    The chart is read from the accounting system once; every entry is checked before any is
    saved, so a refused one leaves the map as it was. Returns a note per entry (the account's
    name, or why a new customer number is accepted).

    Raises:
        ConfigError: an account does not exist, or is of a type its role cannot use; the
            message names it and the fitting ones (``check_account``).
    """
    with app.session() as session:
        link = get_link(session, link_id)
    with build_accounting(app, link) as accounting:
        accounts = list(accounting.list_accounts())
    notes = [check_account(link_id, role, number, accounts) for role, number, _ in wanted]
    with app.session() as session:
        link = get_link(session, link_id)
        for role, number, channel in wanted:
            map_account(session, link, role, number, channel)
    return notes


def prepare_product_sync(app: App, link_id: str, store_warehouse: str | None = None, *,  # noqa: PLR0913
                         include_pending: bool = False,
                         on_product: Callable[[], None] | None = None,
                         stream: bool = False) -> ProductSyncPlan:
    """Work out what a product sync would push, without queuing anything (the preview).

    With ``stream`` each job is queued (its own short transaction) as soon as it is planned
    instead of being kept in the plan: the sync's memory stays flat at any catalogue size.
    """
    with app.session() as session:
        link = get_link(session, link_id)
        bindings = bindings_to_operate(session, link, store_warehouse)
        for binding in bindings:
            session.expunge(binding)
        pushed = pushed_skus(session, link_id)
    with build_commerce(app, link) as commerce, build_accounting(app, link) as books:
        return plan_product_sync(commerce, books, bindings, pushed,
                                 include_pending=include_pending, on_product=on_product,
                                 on_job=_queue_now(app, link_id) if stream else None)


def _queue_now(app: App, link_id: str) -> Callable[[JobRequest], None]:
    def queue(job: JobRequest) -> None:
        with app.session() as session:
            enqueue(session, link_id, job)
    return queue


def queue_product_sync(app: App, link_id: str, plan: ProductSyncPlan) -> int:
    """Queue the plan's jobs (a job already queued is not queued twice); return how many."""
    with app.session() as session:
        for job in plan.jobs:
            enqueue(session, link_id, job)
    return len(plan.jobs)


def planned_products(plan: ProductSyncPlan) -> list[Product]:
    """The products a plan pushes, for the preview table."""
    return [Product.model_validate(raw) for job in plan.jobs for raw in job.payload["products"]]


@dataclass
class PushedProduct:
    """One row of Product Information."""

    sku: str
    accounting_id: str | None
    pushed_at: datetime
    on_hand: dict[str, int] = field(default_factory=dict)  # accounting warehouse -> quantity


def product_information(app: App, link_id: str, limit: int = 50, offset: int = 0,
                        search: str = "") -> tuple[list[str], list[PushedProduct]]:
    """Return the bound accounting warehouses and the pushed products with their stock."""
    with app.session() as session:
        link = get_link(session, link_id)
        warehouses = [b.accounting_warehouse for b in warehouse_bindings(session, link_id)]
        query = (select(DocumentBindingRow)
                 .where(DocumentBindingRow.link_id == link_id, DocumentBindingRow.kind == ITEM))
        if search:
            query = query.where(DocumentBindingRow.ref.contains(search))
        rows = [PushedProduct(r.ref, r.accounting_id, r.created_at) for r in session.scalars(
            query.order_by(DocumentBindingRow.ref).offset(offset).limit(limit))]
    if rows:
        skus = [row.sku for row in rows]
        with build_accounting(app, link) as accounting:
            for warehouse in warehouses:
                levels = {level.sku: level.quantity
                          for level in accounting.read_stock(warehouse, skus)}
                for row in rows:
                    if row.sku in levels:
                        row.on_hand[warehouse] = levels[row.sku]
    return warehouses, rows


def run_checks(app: App, link_id: str) -> list[Problem]:
    """Run every plugin's ``check_link`` for one link and return the problems found."""
    with app.session() as session:
        link = get_link(session, link_id)
        bindings = {b.store_warehouse_id: b.accounting_warehouse
                    for b in warehouse_bindings(session, link_id)}
        mappings = {(m.role.value, m.qualifier): m.value
                    for m in account_mappings(session, link_id)}
        info = link_info(link)
    with build_commerce(app, link) as commerce, build_accounting(app, link) as accounting:
        context = CheckContext(info, commerce, accounting, bindings, mappings)
        found = app.plugins.hook.check_link(context=context)
    return [problem for problems in found for problem in problems or ()]
