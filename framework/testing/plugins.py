"""Two tiny in-process platforms for the core's tests and for plugin authors to copy.

``memstore`` is a commerce connector and ``membooks`` an accounting connector; both keep their
data in memory, per link, behind a lock, so a test can look at exactly what "reached" them.
This module is itself a plugin: load it with ``make_plugin_manager(["framework.testing.plugins"])``.
It registers the connectors, a lane ``membooks`` (small limits) and two job handlers:

- ``membooks.post``: creates a document keyed by the job key, idempotently (looks up first);
- ``membooks.script``: follows ``payload["outcomes"]``, one word per attempt (``ok``,
  ``transient``, ``permanent``, ``config`` (post once a bank account is mapped), ``skip``,
  ``bug``), to drive runner tests;
- ``membooks.batch``: a batch handler (``framework.runtime.batch``, up to ``MEMBOOKS_BATCH`` jobs):
  one gated request creates every job's document; ``payload["outcome"]`` (``ok``,
  ``transient``, ``permanent``) decides each job; ``MemBook.batches`` keeps the batch sizes.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pluggy

from ..connectors import AccountingConnector, CommerceConnector, WebhookHint
from ..domain import Account, ItemResult, Order, Product, Rejected, StockLevel, Warehouse
from ..errors import PermanentError, SkippableError, TransientError
from ..jobs import AccountRole, JobContext, RecordKind, RecordStatus
from ..runtime.batch import JobBatch, batch_handler

if TYPE_CHECKING:
    from ..app import App

hookimpl = pluggy.HookimplMarker("jembatan")

#: the lane limits the ``membooks`` lanes get (small, so tests see the gate work)
MEMBOOKS_PER_SECOND = 50
MEMBOOKS_IN_FLIGHT = 4
#: the most jobs ``membooks.batch`` takes at once
MEMBOOKS_BATCH = 20


@dataclass
class MemShop:
    """What one memstore shop holds."""

    orders: dict[str, Order] = field(default_factory=dict)
    products: list[Product | Rejected] = field(default_factory=list)
    warehouses: list[Warehouse] = field(default_factory=lambda: [Warehouse(id="WH1", name="Main")])
    stock: dict[tuple[str, str], int] = field(default_factory=dict)


@dataclass
class MemBook:
    """What one membooks database holds; ``create_calls`` counts every create request."""

    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    items: dict[str, Product] = field(default_factory=dict)
    stock: dict[tuple[str, str], int] = field(default_factory=dict)
    warehouses: list[Warehouse] = field(
        default_factory=lambda: [Warehouse(id="Utama", name="Utama")])
    accounts: list[Account] = field(default_factory=list)
    create_calls: int = 0
    batches: list[int] = field(default_factory=list)


_lock = threading.RLock()
SHOPS: dict[str, MemShop] = {}
BOOKS: dict[str, MemBook] = {}


def shop(link_id: str) -> MemShop:
    """Return (creating) the memstore shop of ``link_id``."""
    with _lock:
        return SHOPS.setdefault(link_id, MemShop())


def book(link_id: str) -> MemBook:
    """Return (creating) the membooks database of ``link_id``."""
    with _lock:
        return BOOKS.setdefault(link_id, MemBook())


def reset_memory() -> None:
    """Forget every shop and book (tests call it between cases)."""
    with _lock:
        SHOPS.clear()
        BOOKS.clear()


class MemStore(CommerceConnector):
    """An in-memory commerce platform."""

    name = "memstore"
    title = "Memory store"
    credential_fields = ("token",)

    @property
    def shop(self) -> MemShop:
        """This link's shop."""
        return shop(self.link.link_id)

    def iter_orders(self, updated_since: datetime,
                    updated_until: datetime) -> Iterator[Order | Rejected]:
        """Yield orders updated in the window."""
        with _lock:
            orders = [o for o in self.shop.orders.values()
                      if updated_since <= o.updated_at <= updated_until]
        yield from orders

    def get_order(self, external_id: str) -> Order:
        """Return one order or raise ``PermanentError``."""
        with _lock:
            order = self.shop.orders.get(external_id)
        if order is None:
            raise PermanentError(f"memstore has no order {external_id!r}")
        return order

    def iter_products(self) -> Iterator[Product | Rejected]:
        """Yield the shop's products."""
        with _lock:
            products = list(self.shop.products)
        yield from products

    def list_warehouses(self) -> list[Warehouse]:
        """Return the shop's warehouses."""
        return list(self.shop.warehouses)

    def read_stock(self, warehouse_id: str) -> Iterator[StockLevel]:
        """Yield stock per SKU in one warehouse."""
        with _lock:
            levels = [StockLevel(sku=sku, warehouse_id=wh, quantity=qty)
                      for (wh, sku), qty in self.shop.stock.items() if wh == warehouse_id]
        yield from levels

    def set_stock(self, warehouse_id: str, levels: list[StockLevel]) -> list[ItemResult]:
        """Overwrite stock for the given SKUs."""
        with _lock:
            for level in levels:
                self.shop.stock[(warehouse_id, level.sku)] = level.quantity
        return [ItemResult(sku=level.sku, ok=True) for level in levels]

    def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookHint:
        """Accept a body ``{"external_id", "status", "id"}`` carrying the link's token."""
        if headers.get("x-memstore-token") != self.link.credentials.get("token"):
            raise PermanentError("memstore webhook has a wrong token")
        data = json.loads(body)
        return WebhookHint(data["external_id"], data.get("status"), str(data["id"]))


class MemBooks(AccountingConnector):
    """An in-memory accounting system; every request passes the link's gate."""

    name = "membooks"
    title = "Memory books"
    credential_fields = ("token",)

    @property
    def lane(self) -> str:
        """The rate-limit lane of this link's database."""
        return f"membooks:{self.link.link_id}"

    @property
    def book(self) -> MemBook:
        """This link's book."""
        return book(self.link.link_id)

    def list_warehouses(self) -> list[Warehouse]:
        """Return the book's warehouses."""
        with self.link.gate.permit(self.lane):
            return list(self.book.warehouses)

    def list_accounts(self) -> list[Account]:
        """Return the book's accounts."""
        with self.link.gate.permit(self.lane):
            return list(self.book.accounts)

    def iter_items(self) -> Iterator[Product]:
        """Yield every item of the book."""
        with self.link.gate.permit(self.lane), _lock:
            items = list(self.book.items.values())
        yield from items

    def find_items(self, skus: list[str]) -> dict[str, Product]:
        """Return the existing items among ``skus``."""
        with self.link.gate.permit(self.lane), _lock:
            return {sku: self.book.items[sku] for sku in skus if sku in self.book.items}

    def create_items(self, products: list[Product], warehouse: str) -> list[ItemResult]:
        """Create the items not yet present, with their opening stock in each warehouse."""
        with self.link.gate.permit(self.lane), _lock:
            for product in products:
                if product.sku not in self.book.items:
                    self.book.items[product.sku] = product
                    for level in product.opening or (StockLevel(
                            sku=product.sku, warehouse_id=warehouse,
                            quantity=product.available),):
                        self.book.stock[(level.warehouse_id, product.sku)] = level.quantity
            return [ItemResult(sku=p.sku, ok=True, accounting_id=p.sku) for p in products]

    def read_stock(self, warehouse: str, skus: list[str] | None = None) -> Iterator[StockLevel]:
        """Yield on-hand stock in one warehouse."""
        with self.link.gate.permit(self.lane), _lock:
            levels = [StockLevel(sku=sku, warehouse_id=wh, quantity=qty)
                      for (wh, sku), qty in self.book.stock.items()
                      if wh == warehouse and (skus is None or sku in skus)]
        yield from levels

    def create_document(self, number: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """Create a document numbered ``number`` unless one exists (then return it)."""
        with self.link.gate.permit(self.lane), _lock:
            self.book.create_calls += 1
            existing = self.book.documents.get(number)
            if existing is not None:
                return existing
            document = {"id": str(len(self.book.documents) + 1), "number": number,
                        "body": dict(body)}
            self.book.documents[number] = document
            return document


    def create_documents(self, documents: list[tuple[str, Mapping[str, Any]]]
                         ) -> list[dict[str, Any]]:
        """Create many documents in one request (one gate permit), each at most once."""
        with self.link.gate.permit(self.lane), _lock:
            self.book.create_calls += 1
            self.book.batches.append(len(documents))
            created = []
            for number, body in documents:
                if number not in self.book.documents:
                    self.book.documents[number] = {"id": str(len(self.book.documents) + 1),
                                                   "number": number, "body": dict(body)}
                created.append(self.book.documents[number])
            return created


@batch_handler(MEMBOOKS_BATCH)
def post_batch(batch: JobBatch) -> dict[int, Exception]:
    """Job ``membooks.batch``: create every job's document in one request."""
    books = batch.accounting()
    assert isinstance(books, MemBooks)
    batch.prefetch_bindings("membooks", [ctx.key for ctx in batch.jobs])
    errors: dict[int, Exception] = {}
    todo = []
    for ctx in batch.jobs:
        outcome = ctx.payload.get("outcome", "ok")
        if outcome == "transient":
            errors[ctx.job_id] = TransientError("membooks is busy (HTTP 503)")
        elif outcome == "permanent":
            errors[ctx.job_id] = PermanentError("membooks refused: Pelanggan tidak ditemukan")
        elif ctx.binding("membooks", ctx.key) is None:
            todo.append(ctx)
    if todo:
        for ctx, document in zip(todo, books.create_documents(
                [(ctx.key, ctx.payload) for ctx in todo]), strict=True):
            ctx.bind("membooks", ctx.key, document["id"], document["number"])
            ctx.record(RecordKind.ORDER, ctx.key, "document", RecordStatus.SUCCEEDED,
                       received=document)
    return errors


def post_document(ctx: JobContext) -> None:
    """Job ``membooks.post``: create the document numbered by the job key, once."""
    if ctx.binding("membooks", ctx.key) is not None:
        return  # created by an earlier attempt whose job did not get to finish
    books = ctx.accounting()
    assert isinstance(books, MemBooks)
    document = books.create_document(ctx.key, ctx.payload)
    ctx.bind("membooks", ctx.key, document["id"], document["number"])
    ctx.record(RecordKind(ctx.payload.get("record_kind", "order")),
               str(ctx.payload.get("ref", ctx.key)), "document", RecordStatus.SUCCEEDED,
               sent=dict(ctx.payload), received=document)


def _outcome(ctx: JobContext) -> str:
    outcomes = list(ctx.payload.get("outcomes", ["ok"]))
    return outcomes[min(ctx.attempt, len(outcomes)) - 1]


def run_script(ctx: JobContext) -> None:
    """Job ``membooks.script``: behave as ``payload["outcomes"][attempt - 1]`` says."""
    ref = str(ctx.payload.get("ref", ctx.key))
    ctx.record(RecordKind.ORDER, ref, "document", RecordStatus.PENDING, sent=dict(ctx.payload))
    actions: dict[str, Callable[[], None]] = {
        "ok": lambda: post_document(ctx),
        "transient": _raise(TransientError("membooks is busy (HTTP 503)",
                                           retry_after=ctx.payload.get("retry_after"))),
        "permanent": _raise(PermanentError("membooks refused: Pelanggan tidak ditemukan")),
        "config": lambda: ctx.account(AccountRole.BANK) and post_document(ctx),
        "skip": _raise(SkippableError("created before the integration")),
        "bug": _raise(RuntimeError("boom")),
    }
    actions[_outcome(ctx)]()


def _raise(error: Exception) -> Callable[[], None]:
    def raise_it() -> None:
        raise error

    return raise_it


@hookimpl
def register_connectors(register: Callable[[type], None]) -> None:
    """Register memstore and membooks."""
    register(MemStore)
    register(MemBooks)


@hookimpl
def register_lanes(register: Callable[[str, float, int], None]) -> None:
    """Limit every membooks database to a few requests."""
    register("membooks", MEMBOOKS_PER_SECOND, MEMBOOKS_IN_FLIGHT)


@hookimpl
def register_job_handlers(register: Callable[[str, Callable[[JobContext], None]], None]) -> None:
    """Register the test handlers."""
    register("membooks.post", post_document)
    register("membooks.script", run_script)
    register("membooks.batch", post_batch)


def create_mem_link(app: App, link_id: str = "shop", features: Mapping[str, bool] | None = None,
                    token: str | None = None) -> str:
    """Create a memstore ↔ membooks link (credentials ``{"token": ...}``); return its id."""
    from ..setup.links import create_link

    secret = token or f"mem-token-{link_id}-s3cr3t"
    with app.session() as session:
        create_link(session, app.secrets, id=link_id, name=link_id, commerce="memstore",
                    accounting="membooks", commerce_settings={}, accounting_settings={},
                    commerce_credentials={"token": secret},
                    accounting_credentials={"token": secret}, features=features)
    return link_id
