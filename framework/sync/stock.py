"""Stock pull, accounting → store, for bound warehouses only.

The quantity sent for a SKU in a bound warehouse is

    new store on-hand = accounting on-hand in the bound accounting warehouse
                        − quantity of the link's orders that are ready to ship (or later) in
                          that store warehouse and whose accounting jobs are still unfinished

Accounting's *on-hand* is used, not its available-to-sell: the store subtracts its own
reservations. The subtraction covers orders the store has already deducted (ready to ship
deducts on-hand in the store) whose invoice has not reached the accounting system yet, so
their quantity would otherwise be counted twice. SKUs present in only one side are left alone,
and so are SKUs named differently in the store and in the accounting system (``jembatan check``
flags them as sku-name-mismatch): every path that pulls (``jembatan stock pull``, the worker's
scheduled stock sync, the console's Pull Stock) plans through ``plan_stock_pull``, which marks
them, and ``queue_stock_pull`` records each as skipped with the fix instead of queueing it.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..connectors import AccountingConnector, CommerceConnector
from ..domain import Order, OrderState, StockLevel
from ..errors import IntegrationError, PermanentError
from ..jobs import JobContext, JobRequest, JobStatus, RecordKind, RecordStatus
from ..runtime.queue import enqueue
from ..setup.configuration import bindings_to_operate
from ..setup.links import build_accounting, build_commerce, get_link
from ..setup.preflight import name_mismatches
from ..storage.models import Job, OrderRecord, WarehouseBinding
from .records import write_record

log = logging.getLogger(__name__)

SET_STORE_STOCK = "core.set_store_stock"
BATCH_SIZE = 100
_DEDUCTED_BY_STORE = (OrderState.READY_TO_SHIP, OrderState.SHIPPED, OrderState.DELIVERED,
                      OrderState.COMPLETED)
_UNFINISHED = (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.FAILED, JobStatus.DEAD)


@dataclass(frozen=True, slots=True)
class StockChange:
    """One line of the stock pull preview."""

    sku: str
    store_warehouse_id: str
    accounting_warehouse: str
    store_quantity: int
    accounting_on_hand: int
    awaiting_invoice: int
    #: ``(store name, accounting name)`` when the SKU is named differently on the two sides:
    #: the pull leaves it alone until the names agree
    name_mismatch: tuple[str, str] | None = None

    @property
    def new_quantity(self) -> int:
        """What the store's on-hand would become."""
        return max(0, self.accounting_on_hand - self.awaiting_invoice)

    @property
    def skipped(self) -> bool:
        """Return whether the pull leaves this SKU alone although its quantity differs."""
        return self.name_mismatch is not None

    @property
    def changes(self) -> bool:
        """Return whether the pull changes the store (a skipped SKU never does)."""
        return self.new_quantity != self.store_quantity and not self.skipped

    def skip_reason(self, link_id: str) -> str:
        """The skipped SKU's reason, naming both names and the fix."""
        store_name, books_name = self.name_mismatch or ("", "")
        return (f"{self.sku} is named {store_name!r} in the store but {books_name!r} in the "
                "accounting system, so its stock was left alone: give it the same name on "
                f"both sides, then pull again (jembatan check --link {link_id} lists them)")


def plan_stock_pull(commerce: CommerceConnector, accounting: AccountingConnector,
                    bindings: Iterable[WarehouseBinding],
                    awaiting_by_warehouse: dict[str, Counter[str]]) -> list[StockChange]:
    """Return, per bound warehouse and SKU present on both sides, the store's new on-hand.

    ``awaiting_by_warehouse`` is ``awaiting_invoice`` per store warehouse, read beforehand so
    that no database session is held while the platforms answer. A SKU whose quantity would
    change but which is named differently on the two sides comes back with ``name_mismatch``
    set (and so ``changes`` false): the same comparison as ``jembatan check``.
    """
    changes = []
    for binding in bindings:
        store = {level.sku: level.quantity
                 for level in commerce.read_stock(binding.store_warehouse_id)}
        books = {level.sku: level.quantity
                 for level in accounting.read_stock(binding.accounting_warehouse, sorted(store))}
        awaiting = awaiting_by_warehouse.get(binding.store_warehouse_id, Counter())
        for sku in sorted(store.keys() & books.keys()):
            changes.append(StockChange(sku, binding.store_warehouse_id,
                                       binding.accounting_warehouse, store[sku], books[sku],
                                       awaiting.get(sku, 0)))
    differing = {change.sku for change in changes if change.changes}
    mismatched = name_mismatches(commerce, accounting, differing) if differing else {}
    return [replace(change, name_mismatch=mismatched[change.sku])
            if change.changes and change.sku in mismatched else change for change in changes]


def prepare_stock_pull(app: Any, link_id: str,
                       store_warehouse: str | None = None) -> list[StockChange]:
    """Read both sides and return the pull's lines for one link (every bound warehouse).

    The database is read first and released before the platforms are asked, so a slow
    platform never holds a database lock.

    Raises:
        ConfigError: ``store_warehouse`` (or, without it, every warehouse) is unbound.
    """
    with app.session() as session:
        link = get_link(session, link_id)
        bindings = bindings_to_operate(session, link, store_warehouse)
        awaiting = {b.store_warehouse_id: awaiting_invoice(session, link_id, b.store_warehouse_id)
                    for b in bindings}
    with build_commerce(app, link) as commerce, build_accounting(app, link) as books:
        return plan_stock_pull(commerce, books, bindings, awaiting)


def queue_stock_pull(app: Any, link_id: str, changes: Iterable[StockChange]) -> int:
    """Queue the store stock updates for the changing lines; return the jobs queued.

    Each skipped line (a SKU named differently on the two sides) is recorded as a skipped
    stock record whose reason names the SKU and the fix, and logged, instead of being queued.
    """
    changes = list(changes)
    with app.session() as session:
        for change in changes:
            if change.skipped:
                reason = change.skip_reason(link_id)
                log.warning("stock pull of %s: %s", link_id, reason)
                write_record(session, link_id=link_id, kind=RecordKind.STOCK,
                             ref=f"{change.sku}@{change.store_warehouse_id}", document="stock",
                             status=RecordStatus.SKIPPED, reason=reason)
        return sum(enqueue(session, link_id, job) is not None for job in stock_jobs(changes))


def awaiting_invoice(session: Session, link_id: str, store_warehouse_id: str) -> Counter[str]:
    """Quantities per SKU the store deducted but the accounting system has not yet."""
    unfinished = select(Job.sequence).where(
        Job.link_id == link_id, Job.status.in_(_UNFINISHED), Job.sequence.is_not(None))
    pending_sequences = set(session.scalars(unfinished))
    rows = session.scalars(select(OrderRecord).where(
        OrderRecord.link_id == link_id, OrderRecord.state.in_(_DEDUCTED_BY_STORE)))
    quantities: Counter[str] = Counter()
    for row in rows:
        if f"order:{row.external_id}" not in pending_sequences:
            continue
        order = Order.model_validate(row.snapshot)
        if order.warehouse_id not in (None, store_warehouse_id):
            continue
        for line in order.lines:
            quantities[line.sku] += line.quantity
    return quantities


def stock_jobs(changes: Iterable[StockChange]) -> list[JobRequest]:
    """Turn the changing lines into ``core.set_store_stock`` jobs of at most 100 SKUs.

    A job carries what to sync (the store warehouse and its SKUs), never a quantity: the
    handler reads both sides when it runs, so a job run or re-pushed hours later writes the
    quantity of that moment, not a stale one.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%f")
    by_warehouse: dict[str, list[StockChange]] = {}
    for change in changes:
        if change.changes:
            by_warehouse.setdefault(change.store_warehouse_id, []).append(change)
    jobs = []
    for warehouse_id, lines in by_warehouse.items():
        for start in range(0, len(lines), BATCH_SIZE):
            batch = lines[start:start + BATCH_SIZE]
            jobs.append(JobRequest(
                kind=SET_STORE_STOCK,
                key=f"stock:{warehouse_id}:{stamp}:{start // BATCH_SIZE}",
                payload={"warehouse_id": warehouse_id, "skus": [c.sku for c in batch]},
            ))
    return jobs


def _payload_skus(payload: Any) -> list[str]:
    # Jobs queued before jobs carried SKUs only had "levels": their quantities are ignored.
    if "skus" in payload:
        return [str(sku) for sku in payload["skus"]]
    return [str(level["sku"]) for level in payload.get("levels", [])]


def set_store_stock(ctx: JobContext) -> None:
    """Job handler: set the store's on-hand of the payload's SKUs to what the formula gives now.

    Both sides are read when the job runs (the module docstring has the formula). A SKU the
    accounting side does not report is left alone, never set to 0.
    """
    warehouse_id = str(ctx.payload["warehouse_id"])
    skus = _payload_skus(ctx.payload)
    try:
        books_warehouse = ctx.accounting_warehouse(warehouse_id)
    except IntegrationError as error:
        for sku in skus:
            ctx.record(RecordKind.STOCK, f"{sku}@{warehouse_id}", "stock", RecordStatus.FAILED,
                       reason=str(error))
        raise
    books = {level.sku: level.quantity
             for level in ctx.accounting().read_stock(books_warehouse, skus)}
    awaiting = ctx.awaiting_invoice(warehouse_id)
    for sku in skus:
        if sku not in books:
            ctx.record(RecordKind.STOCK, f"{sku}@{warehouse_id}", "stock", RecordStatus.SKIPPED,
                       reason=f"{books_warehouse} reported no stock for {sku}; the store's "
                              "quantity is left alone")
    levels = [StockLevel(sku=sku, warehouse_id=warehouse_id,
                         quantity=max(0, books[sku] - awaiting.get(sku, 0)))
              for sku in skus if sku in books]
    if levels:
        _write_levels(ctx, warehouse_id, levels)


def _write_levels(ctx: JobContext, warehouse_id: str, levels: list[StockLevel]) -> None:
    results = ctx.commerce().set_stock(warehouse_id, levels)
    sent = {level.sku: level.quantity for level in levels}
    failures = []
    for result in results:
        ref = f"{result.sku}@{warehouse_id}"
        status = RecordStatus.SUCCEEDED if result.ok else RecordStatus.FAILED
        ctx.record(RecordKind.STOCK, ref, "stock", status,
                   sent={"quantity": sent.get(result.sku)}, received=result.message or None,
                   reason="" if result.ok else result.message)
        if not result.ok:
            failures.append(f"{result.sku}: {result.message}")
    if failures:
        raise PermanentError(f"{len(failures)} of {len(levels)} stock updates were refused: "
                             + "; ".join(failures[:3]))
