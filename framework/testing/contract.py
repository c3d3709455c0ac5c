"""Contract test kits: one suite every store plugin passes, one every accounting plugin passes.

The accounting kit (``AccountingConnectorContract``) lives in ``books_contract`` and is
re-exported here.

A plugin gets the whole suite by subclassing ``CommerceConnectorContract`` under a ``Test*``
name and giving it a ``store`` fixture that returns a ``StoreUnderTest``: its connector, built
against the plugin's emulator running in a thread, plus the few emulator handles the contract
needs (place and move orders, read the emulator's own stock, catch a signed webhook)::

    class TestAcmeContract(CommerceConnectorContract):
        @pytest.fixture
        def store(self, emulator, connector, clock):
            with emulated_store(emulator, connector, clock=clock, statuses=ACME_STATUSES,
                                forge_signature=forge) as store:
                yield store

Every test asserts on what the connector returns and on what the emulator then holds; nothing
is mocked. ``emulated_store`` seeds and wraps any emulator with the bundled emulators' Python API
(``add_shop``, ``add_warehouse``, ``add_product``, ``create_order``, ``advance_order``,
``stock``, ``set_webhook``, ``flush_webhooks``); a plugin whose emulator differs fills
``StoreUnderTest`` itself.

A known failure of one plugin is marked in that plugin's subclass by overriding the test::

    @pytest.mark.xfail(strict=True, reason="set_stock drops the batch on an unknown SKU")
    def test_set_stock_reports_an_unknown_sku_without_sinking_the_others(self, store):
        super().test_set_stock_reports_an_unknown_sku_without_sinking_the_others(store)

(Decorating the inherited function itself would mark it for every plugin.)
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..connectors import CommerceConnector
from ..domain import Order, OrderState, Product, Rejected, StockLevel, Warehouse
from ..emulation import RunningServer, start_in_thread
from ..errors import PermanentError
from .books_contract import AccountingConnectorContract, BooksUnderTest

__all__ = ["AccountingConnectorContract", "BooksUnderTest", "CommerceConnectorContract",
           "SettableClock", "StoreUnderTest", "emulated_store"]

#: an order line as emulators take it: ``(sku, quantity, unit_price)``.
Line = tuple[str, int, Decimal]
#: a webhook delivery: ``(headers, raw body)``.
Delivery = tuple[Mapping[str, str], bytes]
#: the canonical states the contract moves orders through; a store's status table covers them.
CONTRACT_STATES = (OrderState.PAID, OrderState.READY_TO_SHIP, OrderState.CANCELLED)
#: how far a mapped time may be from the shared clock (platforms round to the second).
TIME_SLACK = timedelta(minutes=1)


class ManualClock(Protocol):
    """The time the emulator and the connector share, moved by hand (see the plugin tests)."""

    def __call__(self) -> datetime:
        """Return the current, timezone-aware time."""
        ...

    def advance(self, **delta: float) -> datetime:
        """Move forward by ``timedelta(**delta)``; return the new time."""
        ...


class SettableClock:
    """A ``ManualClock``: fixed until advanced (share it between emulator and connector)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.moment = start or datetime(2026, 11, 20, 3, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        """Return the current time."""
        return self.moment

    def advance(self, **delta: float) -> datetime:
        """Move forward by ``timedelta(**delta)``; return the new time."""
        self.moment += timedelta(**delta)
        return self.moment


@dataclass(frozen=True)
class StoreUnderTest:
    """What the contract needs from a plugin's test side, all against one running emulator.

    Attributes:
        connector: the plugin's connector, built against the running emulator.
        clock: the clock the emulator and the connector share; the contract advances it
            between changes so that update times differ.
        warehouse_id: the store warehouse the link is bound to, as the connector names it.
        other_warehouse_id: a second store warehouse, which stock writes must leave alone.
        channel: the canonical channel of the orders ``create_order`` places (``SHOPEE``).
        products: every SKU the emulator holds, in order, with its selling price. The first
            three are used for orders and stock writes, so they must be stocked in both
            warehouses.
        create_order: place an order of ``(sku, quantity, unit_price)`` lines in
            ``warehouse_id``, now, in a canonical state; return the platform's order id.
        move_order: move an order to a canonical state now, as the platform would.
        stock: the emulator's own on-hand quantity of ``(warehouse_id, sku)``.
        signed_webhook: the correctly signed delivery the platform sent for an order's latest
            change, as ``(headers, body)``.
        forge_signature: headers carrying a signature of ``body`` made with a wrong secret.
        unknown_sku: a SKU the store does not hold.
    """

    connector: CommerceConnector
    clock: ManualClock
    warehouse_id: str
    other_warehouse_id: str
    channel: str
    products: Mapping[str, Decimal]
    create_order: Callable[[Sequence[Line], OrderState], str]
    move_order: Callable[[str, OrderState], None]
    stock: Callable[[str, str], int]
    signed_webhook: Callable[[str], Delivery]
    forge_signature: Callable[[bytes], Mapping[str, str]]
    unknown_sku: str = "CONTRACT-NO-SUCH-SKU"


class CommerceConnectorContract:
    """The behaviour every ``CommerceConnector`` owes the core, checked against an emulator.

    Not collected by itself (no ``Test`` prefix): subclass it in a test module as
    ``class TestAcmeContract(CommerceConnectorContract)`` and provide a ``store`` fixture.
    """

    def test_lists_warehouses_with_id_and_name(self, store: StoreUnderTest) -> None:
        """Both warehouses are listed, each with an id and a name, no id twice."""
        warehouses = store.connector.list_warehouses()
        assert all(isinstance(w, Warehouse) and w.id and w.name for w in warehouses), warehouses
        ids = [w.id for w in warehouses]
        assert len(ids) == len(set(ids)), f"warehouse ids listed twice: {ids}"
        wanted = {store.warehouse_id, store.other_warehouse_id}
        assert wanted <= set(ids), f"warehouses {sorted(wanted - set(ids))} not in {ids}"

    def test_new_order_is_listed_by_update_time_and_mapped(self, store: StoreUnderTest) -> None:
        """A new order is listed in the window of its update, not outside, fully mapped."""
        lines = order_lines(store)
        placed = store.clock()
        order_id = store.create_order(lines, OrderState.PAID)
        store.clock.advance(minutes=10)
        order = listed_once(store, order_id, placed)
        assert order.state is OrderState.PAID, order
        assert_mapped(store, order, lines, placed)
        later = [o for o in store.connector.iter_orders(placed + 2 * TIME_SLACK,
                                                        placed + 9 * TIME_SLACK)
                 if isinstance(o, Order) and o.external_id == order_id]
        assert not later, f"order {order_id} listed in a window after its last update"
        assert store.connector.get_order(order_id) == order

    def test_state_changes_are_reflected_when_reread(self, store: StoreUnderTest) -> None:
        """Ready to ship, then cancelled: ``get_order`` and the listing follow each change."""
        order_id = store.create_order(order_lines(store), OrderState.PAID)
        for state in (OrderState.READY_TO_SHIP, OrderState.CANCELLED):
            store.clock.advance(minutes=5)
            moved = store.clock()
            store.move_order(order_id, state)
            store.clock.advance(minutes=1)
            fetched = store.connector.get_order(order_id)
            assert fetched.state is state, f"after moving to {state}: {fetched}"
            listed = listed_once(store, order_id, moved)
            assert listed.state is state, f"after moving to {state}, listed as {listed}"
            assert abs(listed.updated_at - moved) <= TIME_SLACK, listed.updated_at

    def test_products_stream_each_variant_sku_once(self, store: StoreUnderTest) -> None:
        """Every variant SKU is yielded exactly once, every seeded SKU with its price."""
        streamed = list(store.connector.iter_products())
        products = [item for item in streamed if isinstance(item, Product)]
        refs = [p.sku for p in products] + [r.ref for r in streamed if isinstance(r, Rejected)]
        repeated = sorted(sku for sku, times in Counter(refs).items() if times > 1)
        assert not repeated, f"SKUs streamed more than once: {repeated}"
        prices = {p.sku: p.price for p in products}
        missing = [sku for sku in store.products if sku not in prices]
        assert not missing, f"seeded SKUs not streamed as products: {missing}"
        wrong = {sku: (str(prices[sku]), str(price)) for sku, price in store.products.items()
                 if not isinstance(prices[sku], Decimal) or prices[sku] != price}
        assert not wrong, f"SKU: (streamed, seeded) prices differ: {wrong}"

    def test_set_stock_overwrites_only_the_given_skus_in_the_given_warehouse(
        self, store: StoreUnderTest
    ) -> None:
        """Two SKUs overwritten in one warehouse; the other warehouse and SKU keep their stock."""
        first, second, untouched = list(store.products)[:3]
        before = stock_table(store, (first, second, untouched))
        wanted = {first: before[(store.warehouse_id, first)] + 17,
                  second: 0 if before[(store.warehouse_id, second)] else 3}
        results = store.connector.set_stock(store.warehouse_id, levels(store, wanted))
        assert sorted((r.sku, r.ok) for r in results) == sorted((s, True) for s in wanted), results
        expected = {**before, **{(store.warehouse_id, sku): qty for sku, qty in wanted.items()}}
        assert stock_table(store, (first, second, untouched)) == expected
        read = read_stock(store, store.warehouse_id)
        assert {sku: read.get(sku) for sku in wanted} == wanted
        assert read.get(untouched, 0) == before[(store.warehouse_id, untouched)]
        other = read_stock(store, store.other_warehouse_id)
        assert {sku: other.get(sku, 0) for sku in (first, second)} == {
            sku: before[(store.other_warehouse_id, sku)] for sku in (first, second)}

    def test_set_stock_reports_an_unknown_sku_without_sinking_the_others(
        self, store: StoreUnderTest
    ) -> None:
        """One result per SKU: the unknown one fails with a message, the others are written."""
        first, second = list(store.products)[:2]
        wanted = {first: store.stock(store.warehouse_id, first) + 4, store.unknown_sku: 5,
                  second: store.stock(store.warehouse_id, second) + 6}
        results = store.connector.set_stock(store.warehouse_id, levels(store, wanted))
        by_sku = {result.sku: result for result in results}
        assert len(results) == len(wanted) and set(by_sku) == set(wanted), results
        assert by_sku[first].ok and by_sku[second].ok, results
        refused = by_sku[store.unknown_sku]
        assert not refused.ok and refused.message, refused
        written = {sku: store.stock(store.warehouse_id, sku) for sku in (first, second)}
        assert written == {first: wanted[first], second: wanted[second]}

    def test_signed_webhook_verifies_and_names_the_order(self, store: StoreUnderTest) -> None:
        """The platform's own delivery verifies; its hint names the order, which can be fetched."""
        order_id, (headers, body) = ready_to_ship_delivery(store)
        hint = store.connector.verify_webhook(headers, body)
        assert hint.external_id == order_id, hint
        assert hint.dedupe_key, hint
        assert store.connector.get_order(hint.external_id).state is OrderState.READY_TO_SHIP

    @pytest.mark.parametrize("forgery", ["wrong_secret", "altered_body", "unsigned"])
    def test_forged_webhook_is_refused(self, store: StoreUnderTest, forgery: str) -> None:
        """A delivery signed with another secret, altered after signing or unsigned is refused."""
        _, (headers, body) = ready_to_ship_delivery(store)
        forged: dict[str, Delivery] = {
            "wrong_secret": (store.forge_signature(body), body),
            "altered_body": (headers, body + b" "),
            "unsigned": ({"content-type": "application/json"}, body),
        }
        with pytest.raises(PermanentError):
            store.connector.verify_webhook(*forged[forgery])


# ------------------------------------------------------------------ helpers of the contract


def order_lines(store: StoreUnderTest) -> list[Line]:
    """Two lines (2 and 1 units) of the store's first two SKUs at their prices."""
    first, second = list(store.products)[:2]
    return [(first, 2, store.products[first]), (second, 1, store.products[second])]


def listed_once(store: StoreUnderTest, order_id: str, around: datetime) -> Order:
    """Return the order as listed in the window ``around ± TIME_SLACK``, checking it is once."""
    listed = [item for item in store.connector.iter_orders(around - TIME_SLACK,
                                                           around + TIME_SLACK)
              if (isinstance(item, Order) and item.external_id == order_id)
              or (isinstance(item, Rejected) and item.ref == order_id)]
    assert len(listed) == 1, f"order {order_id} listed {len(listed)} times near {around}: {listed}"
    assert isinstance(listed[0], Order), f"order {order_id} rejected: {listed[0]}"
    return listed[0]


def assert_mapped(store: StoreUnderTest, order: Order, lines: Sequence[Line],
                  placed: datetime) -> None:
    """Check an order's lines, channel, warehouse, times and total against what was placed."""
    got = sorted((line.sku, line.quantity, line.unit_price) for line in order.lines)
    assert got == sorted(lines), f"lines {got} != placed {sorted(lines)}"
    assert all(isinstance(line.unit_price, Decimal) for line in order.lines), order.lines
    assert order.channel == store.channel, order.channel
    assert order.warehouse_id in (None, store.warehouse_id), order.warehouse_id
    for moment in (order.created_at, order.updated_at):
        assert moment.tzinfo is not None and moment.utcoffset() is not None, moment
    assert abs(order.created_at - placed) <= TIME_SLACK, (order.created_at, placed)
    assert order.updated_at >= order.created_at, (order.created_at, order.updated_at)
    assert isinstance(order.total, Decimal), type(order.total)
    assert order.total == sum((price * qty for _, qty, price in lines), Decimal(0)), order.total


def levels(store: StoreUnderTest, quantities: Mapping[str, int]) -> list[StockLevel]:
    """Stock levels of ``quantities`` in the store's bound warehouse."""
    return [StockLevel(sku=sku, warehouse_id=store.warehouse_id, quantity=qty)
            for sku, qty in quantities.items()]


def stock_table(store: StoreUnderTest, skus: Iterable[str]) -> dict[tuple[str, str], int]:
    """The emulator's on-hand stock of ``skus`` in both warehouses, keyed ``(warehouse, sku)``."""
    return {(warehouse, sku): store.stock(warehouse, sku) for sku in skus
            for warehouse in (store.warehouse_id, store.other_warehouse_id)}


def read_stock(store: StoreUnderTest, warehouse_id: str) -> dict[str, int]:
    """What the connector reads of one warehouse, by SKU, checking each row's warehouse."""
    rows = list(store.connector.read_stock(warehouse_id))
    assert all(row.warehouse_id == warehouse_id for row in rows), rows
    return {row.sku: row.quantity for row in rows}


def ready_to_ship_delivery(store: StoreUnderTest) -> tuple[str, Delivery]:
    """Place an order, move it to ready-to-ship a minute later; return it and its webhook."""
    order_id = store.create_order(order_lines(store), OrderState.PAID)
    store.clock.advance(minutes=1)
    store.move_order(order_id, OrderState.READY_TO_SHIP)
    return order_id, store.signed_webhook(order_id)


# --------------------------------------------------------- a store over a bundled-style emulator


class WebhookCatcher:
    """A local HTTP endpoint keeping every webhook delivered to it: ``(headers, raw body)``."""

    def __init__(self) -> None:
        self.deliveries: list[Delivery] = []
        self._lock = threading.Lock()
        self._server: RunningServer | None = None
        self.url = ""

    def __enter__(self) -> WebhookCatcher:
        app = Starlette(routes=[Route("/webhook", self._receive, methods=["POST"])])
        self._server = start_in_thread(app)
        self.url = f"{self._server.base_url}/webhook"
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.stop()

    async def _receive(self, request: Request) -> Response:
        body = await request.body()
        with self._lock:
            self.deliveries.append((dict(request.headers), body))
        return JSONResponse({"ok": True})

    def latest_for(self, order_id: str) -> Delivery:
        """Return the last delivery whose JSON body names ``order_id``."""
        with self._lock:
            deliveries = list(self.deliveries)
        for headers, body in reversed(deliveries):
            if order_id in _scalars(body):
                return headers, body
        raise AssertionError(f"no webhook naming order {order_id} among {len(deliveries)}")


def _scalars(body: bytes) -> set[str]:
    """Every scalar value in a JSON body, as text (where an order id may appear)."""
    try:
        pending: list[Any] = [json.loads(body)]
    except ValueError:
        return set()
    found: set[str] = set()
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        else:
            found.add(str(value))
    return found


@dataclass
class _EmulatedStore:
    """The emulator-side handles of a ``StoreUnderTest`` over a bundled-style emulator."""

    emulator: Any
    shop: Any
    warehouse: Any
    statuses: Mapping[OrderState, str]
    catcher: WebhookCatcher

    def create_order(self, lines: Sequence[Line], state: OrderState) -> str:
        order_id = self.emulator.create_order(self.shop, self.warehouse, list(lines),
                                              status=self.statuses[state])
        return str(order_id)

    def move_order(self, order_id: str, state: OrderState) -> None:
        self.emulator.advance_order(order_id, self.statuses[state])

    def stock(self, warehouse_id: str, sku: str) -> int:
        return int(self.emulator.stock(warehouse_id, sku))

    def signed_webhook(self, order_id: str) -> Delivery:
        self.emulator.flush_webhooks()
        return self.catcher.latest_for(order_id)


def seed_products(emulator: Any, warehouses: Sequence[Any], fillers: int) -> dict[str, Decimal]:
    """Add a two-variant product, a one-variant one and ``fillers`` more; return SKU -> price.

    Every SKU is stocked in every warehouse given (distinct quantities); one price has cents.
    """
    def variant(sku: str, price: Decimal, base: int) -> dict[str, Any]:
        stock = {warehouse: base + 7 * index for index, warehouse in enumerate(warehouses)}
        return {"sku": sku, "price": str(price), "stock": stock}

    prices = {"CT-KAOS-M": Decimal("50000"), "CT-KAOS-L": Decimal("52000"),
              "CT-KOPI-250": Decimal("85000.50")}
    emulator.add_product("Kaos Kontrak", [variant("CT-KAOS-M", prices["CT-KAOS-M"], 10),
                                          variant("CT-KAOS-L", prices["CT-KAOS-L"], 20)])
    emulator.add_product("Kopi Kontrak 250g", [variant("CT-KOPI-250", prices["CT-KOPI-250"], 30)])
    for number in range(fillers):
        sku, price = f"CT-F{number:04d}", Decimal(1000 + 250 * number)
        emulator.add_product(f"Barang Kontrak {number}", [variant(sku, price, number % 50)])
        prices[sku] = price
    return prices


@contextlib.contextmanager
def emulated_store(  # noqa: PLR0913 - the few platform facts the contract cannot guess
    emulator: Any,
    connector: CommerceConnector,
    *,
    clock: ManualClock,
    statuses: Mapping[OrderState, str],
    forge_signature: Callable[[bytes], Mapping[str, str]],
    channel: str = "SHOPEE",
    shop_channel: str | None = None,
    fillers: int = 110,
) -> Iterator[StoreUnderTest]:
    """Seed a running bundled-style emulator and yield it as a ``StoreUnderTest``.

    Adds a shop, two warehouses and ``3 + fillers`` SKUs stocked in both (more than 100
    products, so product listings page), and points the emulator's webhooks at a local
    ``WebhookCatcher`` for the duration of the block.

    Args:
        emulator: the plugin's emulator, already served (``serve_in_thread``).
        connector: the plugin's connector, built against that emulator.
        clock: the clock shared by the emulator and the connector.
        statuses: the platform's status word for each of ``CONTRACT_STATES``.
        forge_signature: headers signing a body with a wrong secret (the platform's header).
        channel: the canonical channel the connector reports for the shop's orders.
        shop_channel: the channel as the emulator's ``add_shop`` takes it (default ``channel``).
        fillers: how many one-variant products to add besides the three named SKUs.
    """
    missing = [state.value for state in CONTRACT_STATES if state not in statuses]
    if missing:
        raise ValueError(f"statuses lacks the platform's word for {', '.join(missing)}")
    shop = emulator.add_shop(shop_channel or channel)
    warehouse = emulator.add_warehouse("Gudang Kontrak")
    other = emulator.add_warehouse("Gudang Kontrak Cadangan")
    prices = seed_products(emulator, (warehouse, other), fillers)
    with WebhookCatcher() as catcher:
        emulator.set_webhook(catcher.url)
        handles = _EmulatedStore(emulator, shop, warehouse, statuses, catcher)
        yield StoreUnderTest(
            connector=connector, clock=clock, warehouse_id=str(warehouse),
            other_warehouse_id=str(other), channel=channel, products=prices,
            create_order=handles.create_order, move_order=handles.move_order,
            stock=handles.stock, signed_webhook=handles.signed_webhook,
            forge_signature=forge_signature)
