"""``ForstokEmulator``: a local Forstok seller account with its API, clock and webhooks.

Tests and ``jembatan demo`` drive it through the Python methods below; other processes drive
the same methods through ``POST /_emulator/<action>`` with a JSON body of the same arguments.
The seller API itself lives in ``api``; what the account holds lives in ``state``.
"""

from __future__ import annotations

import json
import random
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from framework.emulation import Emulator, RequestMeter, WebhookOutbox
from framework.webhooks import sign_hex

from .. import assumptions as contract
from . import catalogue
from .api import SellerApi, refusal
from .state import EmulatedOrder, ForstokState, money


class EmulatorClock:
    """The wall clock plus an offset that ``advance`` moves forward (token expiry, ageing)."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        """Return the emulated now."""
        return datetime.now(UTC) + self.offset

    def advance(self, seconds: float) -> None:
        """Move the clock forward."""
        self.offset += timedelta(seconds=seconds)


class ForstokEmulator(Emulator):
    """A faithful local Forstok: token exchange, seller API, stock, orders, signed webhooks.

    Args:
        seed: seeds fault injection, webhook shuffling and the generated keys.
        now: the clock (aware datetimes); defaults to an ``EmulatorClock``.
        rate_limit: requests per second per token (``None`` disables the limit).
        seller_id: the seller's Forstok id.
        user_id: the seller's email.
    """

    name = "forstok"

    def __init__(  # noqa: PLR0913 - an account's identity plus the test knobs
        self, seed: int | None = None, now: Callable[[], datetime] | None = None,
        rate_limit: int | None = contract.RATE_LIMIT_PER_SECOND, seller_id: str = "7001",
        user_id: str = "owner@tokobatik.example",
    ) -> None:
        super().__init__(seed)
        self.clock = EmulatorClock()
        self.now: Callable[[], datetime] = now or self.clock
        self.seller_id = seller_id
        self.user_id = user_id
        self.secret_key = f"fsk_{secrets.token_hex(16)}" if seed is None else f"fsk_seed_{seed}"
        self.signing_key = secrets.token_hex(32)
        self.meter = RequestMeter(per_second=rate_limit, in_flight=None)
        self.store = ForstokState(self.now, profile_id=int(seller_id) if seller_id.isdigit()
                                  else None)
        self.requests: list[tuple[str, str]] = []
        self.tokens_issued = 0
        self.webhook_url: str | None = None
        self.outbox = WebhookOutbox(seed=seed)
        self._seed = seed

    # ------------------------------------------------------------------ base-class duties

    def routes(self) -> list[Route]:
        """Return the seller API routes and the ``/_emulator/<action>`` control routes."""
        controls = [Route(f"/_emulator/{action}", self._control(action), methods=["POST"])
                    for action in _ACTIONS]
        return [*SellerApi(self).routes(), *controls]

    def credentials(self) -> dict[str, Any]:
        """Return what a link needs: settings and credentials, in one JSON object."""
        return {"platform": self.name, "auth_url": self.base_url, "base_url": self.base_url,
                "seller_id": self.seller_id, "user_id": self.user_id,
                "secret_key": self.secret_key}

    def rate_limit_response(self) -> Response:
        """Forstok's 429."""
        return refusal(429, contract.MESSAGE_RATE_LIMITED,
                       {"Retry-After": str(contract.RATE_LIMIT_RETRY_AFTER)})

    def server_error_response(self) -> Response:
        """Forstok's 500."""
        return refusal(500, contract.MESSAGE_SERVER_ERROR)

    def error_response(self, status: int, message: str) -> Response:
        """Forstok's envelope for an unknown path (404) or method (405)."""
        messages = {404: contract.MESSAGE_NOT_FOUND, 405: contract.MESSAGE_METHOD_NOT_ALLOWED}
        return refusal(status, messages.get(status, message))

    def state(self) -> dict[str, Any]:
        """Return everything held, plus request and webhook counters."""
        return {**self.store.snapshot(), "tokens_issued": self.tokens_issued,
                "requests": len(self.requests), "meter": self.meter.snapshot(),
                "webhooks_delivered": self.outbox.delivered}

    # ----------------------------------------------------------------------- Python API

    def add_shop(self, channel: str) -> int:
        """Add a marketplace shop (``Shopee``, ``Tokopedia``...); return its id."""
        with self.lock:
            return self.store.add_shop(channel)

    def add_warehouse(self, name: str) -> int:
        """Add a warehouse; return its id."""
        with self.lock:
            return self.store.add_warehouse(name)

    def add_product(self, name: str, variants: list[dict[str, Any]]) -> int:
        """Add an item; return its id.

        Each variant is ``{"sku", "price", "stock": {warehouse_id: qty}}`` with optional
        ``name`` and ``pending_action``.
        """
        with self.lock:
            return self.store.add_product(name, variants)

    def update_product(self, sku: str, name: str | None = None, price: Any = None) -> None:
        """Rename a variant or change its price, as the seller would edit it in Forstok."""
        with self.lock:
            variant = self.store.variants[str(sku)]
            if name is not None:
                variant.name = str(name)
            if price is not None:
                variant.price = money(price)

    def create_order(self, shop_id: int, warehouse_id: int,  # noqa: PLR0913 - an order's parts
                     lines: list[tuple[Any, ...]], status: str = "pending",
                     shipping_fee: Any = 0, discount: Any = 0,
                     created_at: datetime | None = None, **money_parts: Any) -> int:
        """Create an order from ``(sku, qty, unit_price[, unit_discount])`` lines; return its id.

        ``money_parts`` may give ``voucher``, ``channel_rebate`` and ``cashless``; the order
        is served with one ``item_lines[]`` entry per unit.
        """
        with self.lock:
            order = self.store.create_order(int(shop_id), int(warehouse_id), lines, status,
                                            shipping_fee, discount, created_at, **money_parts)
            self._queue_webhook(order)
            return order.id

    def advance_order(self, order_id: int, status: str) -> None:
        """Move an order to ``status`` now (repeats and skips allowed); queue its webhook."""
        with self.lock:
            self._queue_webhook(self.store.advance_order(int(order_id), status))

    def move_order(self, order: EmulatedOrder, status: str) -> None:
        """Move an order the seller API acted on (caller holds the lock); queue its webhook."""
        self._queue_webhook(self.store.advance_order(order.id, status))

    def amounts_as_strings(self, enabled: bool = True) -> None:
        """Serve amounts as numeric strings (``"50000.0"``) instead of JSON numbers."""
        with self.lock:
            self.store.amounts_as_strings = bool(enabled)

    def set_webhook(self, url: str | None, duplicate_rate: float = 0.0,
                    shuffle: bool = False) -> None:
        """Send ``order.updated`` webhooks to ``url``, some twice, perhaps out of order."""
        with self.lock:
            self.webhook_url = url
            self.outbox = WebhookOutbox(duplicate_rate=duplicate_rate, shuffle=shuffle,
                                        seed=self._seed)

    def flush_webhooks(self) -> int:
        """Deliver the queued webhooks now; return how many were accepted."""
        return self.outbox.flush()

    def stock(self, warehouse_id: int, sku: str) -> int:
        """Return the on-hand quantity of ``sku`` in a warehouse."""
        with self.lock:
            return self.store.stock(int(warehouse_id), sku)

    def seed_example(self) -> None:
        """Two shops, two warehouses and 12 products with variants (one pending action)."""
        for channel in ("Shopee", "Tokopedia"):
            self.add_shop(channel)
        for name in ("Gudang Jakarta", "Gudang Surabaya"):
            self.add_warehouse(name)
        self.seed_catalogue(12)

    def seed_catalogue(self, count: int, seed: int = 0, pending_actions: int = 1) -> list[int]:
        """Add ``count`` products (1-4 variants, stock in every warehouse); return their ids.

        The first ``pending_actions`` variants get a pending action, as the seed warns about.
        """
        with self.lock:
            if not self.store.warehouses:
                self.store.add_warehouse("Gudang Utama")
            warehouses = list(self.store.warehouses)
            stock_rng = random.Random(seed)
            product_ids = []
            flagged = 0
            for name, variants in catalogue.generate(count, seed):
                for variant in variants:
                    variant["pending_action"] = flagged < pending_actions
                    variant["stock"] = {wh: stock_rng.randint(0, 120) for wh in warehouses}
                    flagged += 1
                product_ids.append(self.store.add_product(name, variants))
            return product_ids

    def orders(self) -> list[dict[str, Any]]:
        """Return every order as the API serves it, with its status history."""
        with self.lock:
            return [self.store.order_json(order) | {"history": list(order.history)}
                    for order in self.store.orders.values()]

    def products(self) -> list[dict[str, Any]]:
        """Return every item with its variants and per-warehouse stock."""
        with self.lock:
            return SellerApi(self).items_json()

    def corrupt_order(self, order_id: int, **fields: Any) -> None:
        """Serve an order with fields replaced (``None`` removes one): bad platform data."""
        with self.lock:
            self.store.overrides.setdefault(int(order_id), {}).update(fields)

    def add_raw_order(self, raw: Any, updated_at: datetime | None = None) -> None:
        """Serve ``raw`` as-is in ``orders.json`` (e.g. a broken JSON string), sorted by time."""
        with self.lock:
            self.store.raw_orders.append((updated_at or self.now(), raw))

    def advance_clock(self, seconds: float) -> None:
        """Move the built-in clock forward (no effect when tests gave their own ``now``)."""
        self.clock.advance(seconds)

    # ------------------------------------------------------------------------- internals

    def _queue_webhook(self, order: EmulatedOrder) -> None:
        if not self.webhook_url:
            return
        body = json.dumps({"event": contract.WEBHOOK_EVENT_ORDER_UPDATED, "order_id": order.id,
                           "status": order.status,
                           "updated_at": order.updated_at.isoformat()}).encode()
        self.outbox.deliver(self.webhook_url, body, {
            "Content-Type": "application/json",
            contract.WEBHOOK_SIGNATURE_HEADER: sign_hex(self.secret_key, body)})

    def _control(self, action: str) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            raw = await request.body()
            arguments = _coerce(json.loads(raw) if raw else {})
            try:
                result = await run_in_threadpool(getattr(self, action), **arguments)
            except (KeyError, ValueError, TypeError) as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
            return JSONResponse(json.loads(json.dumps({"result": result}, default=str)))
        return endpoint


_ACTIONS = ("add_shop", "add_warehouse", "add_product", "create_order", "advance_order",
            "set_webhook", "flush_webhooks", "stock", "seed_catalogue", "orders", "products",
            "corrupt_order", "advance_clock", "amounts_as_strings", "update_product")


def _coerce(arguments: dict[str, Any]) -> dict[str, Any]:
    """Turn JSON arguments into the Python API's types (ISO times, line tuples)."""
    for key in ("created_at", "updated_at"):
        if isinstance(arguments.get(key), str):
            arguments[key] = datetime.fromisoformat(arguments[key])
    if isinstance(arguments.get("lines"), list):
        arguments["lines"] = [tuple(line) for line in arguments["lines"]]
    return arguments
