"""Product sync, store → accounting: only new SKUs, one item per variant, never twice.

Planning streams the store's master products once per bound warehouse, leaves out what the
accounting system already has (asked in batches of 100) and what was already pushed (the
``item`` document bindings), reports variants with a pending action or incomplete data, and
queues the rest as ``core.push_products`` jobs of at most 100 products. The job handler creates
the items through the accounting connector and binds each SKU, so a re-run or a retry skips
what is done.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..connectors import AccountingConnector, CommerceConnector
from ..domain import Product, Rejected, StockLevel
from ..errors import IntegrationError, PermanentError
from ..jobs import ITEM_BINDING, JobContext, JobRequest, RecordKind, RecordStatus
from ..runtime.batch import JobBatch, batch_handler
from ..storage.models import DocumentBindingRow, Job, WarehouseBinding

PUSH_PRODUCTS = "core.push_products"
REREAD = "reread"  # payload flag: rebuild the products from the store (set by a re-push)
BATCH_SIZE = 100
ITEM = ITEM_BINDING


@dataclass
class ProductSyncPlan:
    """What a product sync will do, before it does it."""

    jobs: list[JobRequest] = field(default_factory=list)  # empty when streamed (``on_job``)
    to_push: int = 0
    skus_to_push: list[str] = field(default_factory=list)  # codes only, even when streamed
    already_there: list[str] = field(default_factory=list)
    pending_action: list[str] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


def plan_product_sync(  # noqa: PLR0913 - the two sides, what is done, and the options
    commerce: CommerceConnector, accounting: AccountingConnector,
    bindings: Iterable[WarehouseBinding], pushed: set[str], *,
    include_pending: bool = False, on_product: Callable[[], None] | None = None,
    on_job: Callable[[JobRequest], None] | None = None,
) -> ProductSyncPlan:
    """Work out the ``core.push_products`` jobs for every bound warehouse.

    Holds no database session: it talks to both platforms for a while (see ``pushed_skus``
    for the SKUs already pushed, read beforehand). With ``on_job`` each job is handed over
    as soon as its 100 products are known and not kept in ``plan.jobs``, so a sync's memory
    stays flat however many SKUs the store has (the counts are still kept).
    """
    plan = ProductSyncPlan()
    pushed = set(pushed)
    bindings = list(bindings)
    if not bindings:
        return plan
    stocks = {binding.store_warehouse_id: {level.sku: level.quantity for level in
                                           commerce.read_stock(binding.store_warehouse_id)}
              for binding in bindings}
    candidates = _candidates(commerce.iter_products(), stocks, pushed, plan,
                             include_pending, on_product)
    for batch in _batches(candidates, BATCH_SIZE):
        existing = accounting.find_items([product.sku for product in batch])
        plan.already_there.extend(sorted(existing))
        fresh = [product for product in batch if product.sku not in existing]
        pushed.update(product.sku for product in batch)
        if fresh:
            job = _push_job(bindings[0], fresh)
            if on_job is None:
                plan.jobs.append(job)
            else:
                on_job(job)  # queued now: the plan keeps counts, not payloads
            plan.to_push += len(fresh)
            plan.skus_to_push.extend(product.sku for product in fresh)
    return plan


def _candidates(  # noqa: PLR0913 - a filter over the stream with its bookkeeping
    products: Iterator[Product | Rejected], stocks: dict[str, dict[str, int]],
    pushed: set[str], plan: ProductSyncPlan, include_pending: bool,
    on_product: Callable[[], None] | None,
) -> Iterator[Product]:
    for product in products:
        if on_product:
            on_product()
        if isinstance(product, Rejected):
            plan.rejected.append(product)
            continue
        held = _held(product.sku, stocks)
        if not held or product.sku in pushed:
            continue
        if product.pending_action and not include_pending:
            plan.pending_action.append(product.sku)
        else:
            yield _with_opening(product, held)


def _held(sku: str, stocks: dict[str, dict[str, int]]) -> list[StockLevel]:
    # Opening stock in every bound warehouse that holds the SKU, not the first only.
    return [StockLevel(sku=sku, warehouse_id=warehouse, quantity=max(0, stock[sku]))
            for warehouse, stock in stocks.items() if sku in stock]


def _with_opening(product: Product, held: list[StockLevel]) -> Product:
    return product.model_copy(update={"available": held[0].quantity if held else 0,
                                      "opening": tuple(held)})


def _batches(products: Iterable[Product], size: int) -> Iterator[list[Product]]:
    iterator = iter(products)
    while batch := list(islice(iterator, size)):
        yield batch


def _push_job(binding: WarehouseBinding, products: list[Product]) -> JobRequest:
    skus = ",".join(sorted(product.sku for product in products))
    digest = hashlib.sha256(skus.encode()).hexdigest()[:16]
    return JobRequest(
        kind=PUSH_PRODUCTS,
        key=f"products:{digest}",
        payload={"store_warehouse_id": binding.store_warehouse_id,
                 "warehouse": binding.accounting_warehouse,
                 "products": [product.model_dump(mode="json") for product in products]},
    )


@dataclass(frozen=True, slots=True)
class HeldBack:
    """Why the product sync does not send a SKU to the accounting system, and the fix."""

    sku: str
    reason: str
    fix: str


def held_back_skus(ctx: JobContext, skus: Iterable[str]) -> dict[str, HeldBack]:
    """Return, of ``skus`` (not items in the accounting system), those the product sync holds back.

    The same rules as ``plan_product_sync``: a variant with a pending action in the store (sent
    only with ``--include-pending``), one whose data is incomplete, and a SKU the store does not
    have at all. A SKU absent from the answer is one the product sync would send: advising it is
    right. For a handler that refuses an order whose SKU is not an item, so its fix names the
    real cause (``jembatan check`` reports the same SKUs).

    Raises:
        IntegrationError: the store could not be read.
    """
    wanted = sorted(set(skus))
    if not wanted:
        return {}
    store = ctx.commerce()
    where = getattr(store, "title", "") or ctx.link.commerce
    sync = f"`jembatan products sync --link {ctx.link.id}`"
    found = store.get_products(wanted)
    held: dict[str, HeldBack] = {}
    for sku in wanted:
        product = found.get(sku)
        if product is None:
            held[sku] = HeldBack(
                sku, f"SKU {sku} is not a product in {where}, so the product sync cannot send it",
                f"add it in {where} with this SKU, then {sync} and re-push (or create the item "
                f"{sku} in the accounting system by hand, then re-push)")
        elif isinstance(product, Rejected):
            held[sku] = HeldBack(
                sku, f"SKU {sku} is incomplete in {where} ({product.reason}), so the product "
                "sync does not send it", f"complete it in {where}, then {sync} and re-push")
        elif product.pending_action:
            held[sku] = HeldBack(
                sku, f"SKU {sku} has a pending action in {where}, so the product sync holds it "
                "back", f"finish the pending action in {where}, then {sync} and re-push (or "
                f"{sync[:-1]} --include-pending` to send it as it is)")
    return held


def pushed_skus(session: Session, link_id: str) -> set[str]:
    """Return the SKUs this link already pushed (their ``item`` bindings)."""
    query = select(DocumentBindingRow.ref).where(
        DocumentBindingRow.link_id == link_id, DocumentBindingRow.kind == ITEM)
    return set(session.scalars(query))


def _warehouse(ctx: JobContext) -> str:
    # The binding of when the job runs: "fix the binding, then re-push" must work. Jobs
    # queued before the payload named the store warehouse keep their accounting warehouse.
    store_warehouse = ctx.payload.get("store_warehouse_id")
    if store_warehouse is None:
        return str(ctx.payload["warehouse"])
    return ctx.accounting_warehouse(str(store_warehouse))


def _with_accounting_warehouses(ctx: JobContext, product: Product) -> Product:
    # The payload names store warehouses; the bindings of when the job runs name Accurate's.
    if not product.opening:
        return product
    opening = tuple(level.model_copy(update={
        "warehouse_id": ctx.accounting_warehouse(level.warehouse_id)})
        for level in product.opening)
    return product.model_copy(update={"opening": opening})


def mark_for_reread(job: Job) -> None:
    """Make a queued ``core.push_products`` job rebuild its products from the store.

    ``repush`` calls it: the operator fixed the cause (in the store or in a binding), so the
    item is sent with the store's current name, price and stock, not the queued copy.
    """
    if job.kind == PUSH_PRODUCTS:
        job.payload = {**(job.payload or {}), REREAD: True}


def _reread(ctx: JobContext, queued: list[Product]) -> tuple[list[Product], list[str]]:
    """Return the queued products as the store has them now, and why the others are not sent.

    The opening stock is read again in the store warehouses the job was planned for.
    """
    store = ctx.commerce()
    current = store.get_products([product.sku for product in queued])
    warehouses = {level.warehouse_id for product in queued for level in product.opening}
    if not warehouses and ctx.payload.get("store_warehouse_id") is not None:
        warehouses = {str(ctx.payload["store_warehouse_id"])}
    wanted = {product.sku for product in queued}
    stocks = {warehouse: {level.sku: level.quantity for level in store.read_stock(warehouse)
                          if level.sku in wanted} for warehouse in sorted(warehouses)}
    fresh: list[Product] = []
    failures: list[str] = []
    for product in queued:
        now = current.get(product.sku)
        if now is None:
            reason = f"{product.sku}: no longer in the store; nothing was sent"
        elif isinstance(now, Rejected):
            reason = f"{product.sku}: {now.reason}"
        else:
            fresh.append(_with_opening(now, _held(product.sku, stocks)))
            continue
        failures.append(reason)
        ctx.record(RecordKind.PRODUCT, product.sku, ITEM, RecordStatus.FAILED, reason=reason)
    return fresh, failures


def push_products(ctx: JobContext) -> None:
    """Job handler: create the payload's items in the accounting system, once each.

    A re-pushed job (``mark_for_reread``) sends each product as the store has it now.
    """
    products = [Product.model_validate(raw) for raw in ctx.payload["products"]]
    todo = [product for product in products if ctx.binding(ITEM, product.sku) is None]
    if not todo:
        return
    failures: list[str] = []
    if ctx.payload.get(REREAD):
        todo, failures = _reread(ctx, todo)
    try:
        warehouse = _warehouse(ctx)
    except IntegrationError as error:  # unbound since it was queued: re-push once bound
        for product in todo:
            ctx.record(RecordKind.PRODUCT, product.sku, ITEM, RecordStatus.FAILED,
                       reason=str(error))
        raise
    try:
        todo = [_with_accounting_warehouses(ctx, product) for product in todo]
    except IntegrationError as error:  # a warehouse unbound since it was queued
        for product in todo:
            ctx.record(RecordKind.PRODUCT, product.sku, ITEM, RecordStatus.FAILED,
                       reason=str(error))
        raise
    results = ctx.accounting().create_items(todo, warehouse) if todo else []
    sent = {product.sku: product.model_dump(mode="json") for product in todo}
    for result in results:
        if result.ok:
            ctx.bind(ITEM, result.sku, result.accounting_id, result.sku)
            ctx.record(RecordKind.PRODUCT, result.sku, ITEM, RecordStatus.SUCCEEDED,
                       sent=sent.get(result.sku), received={"id": result.accounting_id,
                                                            "message": result.message})
        else:
            failures.append(f"{result.sku}: {result.message}")
            ctx.record(RecordKind.PRODUCT, result.sku, ITEM, RecordStatus.FAILED,
                       sent=sent.get(result.sku), reason=result.message)
    if failures:
        raise PermanentError(f"{len(failures)} of {len(products)} products were refused: "
                             + "; ".join(failures[:3]),
                             fix="correct them in the store, then `jembatan repush`")


@batch_handler(1)
def push_product_batch(batch: JobBatch) -> dict[int, IntegrationError]:
    """Job ``core.push_products`` as the runner calls it: ``push_products``, batched writes.

    The SKUs' bindings are read in one query and the job's bindings and records written in
    one transaction (not two commits per SKU).
    """
    errors: dict[int, IntegrationError] = {}
    for ctx in batch.jobs:
        batch.prefetch_bindings(ITEM, [str(raw.get("sku")) for raw in ctx.payload["products"]])
        try:
            push_products(ctx)
        except IntegrationError as error:
            errors[ctx.job_id] = error
    return errors
