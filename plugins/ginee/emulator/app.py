"""``GineeEmulator``: Ginee's OpenAPI served locally, faithful to the reference notes.

Every platform path checks the ``Authorization`` signature (``IAM_FAILED``) and
``X-Advai-Country``, meters 10 requests per second per access key (``SERVICE_BUSY``), and
answers in Ginee's envelope ``{code, message, data, extra, transactionId, pricingStrategy}``,
unknown paths included. Webhooks go out unsigned as ``{id, entity, action, createAt,
payload}``. The Python API (``add_shop``, ``create_order``,
``advance_order``...) is mirrored as ``POST /_emulator/<action>`` JSON routes so another process
(``jembatan demo``) can drive an emulator started with ``jembatan emulator ginee``.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from framework.emulation import Emulator, RequestMeter, WebhookOutbox

from .. import assumptions as A
from ..client import json_number
from ..signing import authorization_valid
from .orders import webhook_body
from .queries import QUERIES, Query
from .state import EmulatorError, GineeStore, iso, parse_time

#: Python API methods also reachable as ``POST /_emulator/<name>`` (body = keyword arguments).
CONTROL_ACTIONS = (
    "add_shop", "add_warehouse", "add_product", "create_order", "advance_order",
    "progress_orders", "tamper_order", "set_webhook", "flush_webhooks", "stock",
    "seed_catalogue", "orders", "products", "credentials", "advance_clock", "update_product",
)
#: the envelope's ``pricingStrategy``: every call is free at present [D].
PRICING_STRATEGY = "FREE"


def _system_clock() -> datetime:
    return datetime.now(UTC)


def envelope(code: str, message: str, data: Any = None, *, status: int = 200,
             headers: dict[str, str] | None = None) -> Response:
    """Return Ginee's envelope as a response (amounts as JSON numbers) [D]."""
    body = json.dumps({"code": code, "message": message, "data": data, "extra": None,
                       "transactionId": uuid.uuid4().hex[:16],
                       "pricingStrategy": PRICING_STRATEGY},
                      default=json_number, ensure_ascii=False)
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def error_response(code: str, message: str, status: int | None = None) -> Response:
    """Return a failure envelope with the HTTP status Ginee uses for ``code``."""
    headers = ({"Retry-After": str(A.RETRY_AFTER_SECONDS)}
               if code == "SERVICE_BUSY" else None)
    return envelope(code, message, headers=headers,
                    status=status or A.HTTP_STATUS_OF_CODE.get(code, 200))


class GineeEmulator(Emulator):
    """A local Ginee for tests, demos and benchmarks.

    Args:
        seed: seeds the fault plan, webhook shuffling and the generated keys.
        now: the clock (returns aware datetimes); tests pass their own to control time.
        rate_limit: requests per second per access key; ``None`` turns the limit off.
        country: the ``X-Advai-Country`` value the seller's account is in.
    """

    name = "ginee"

    def __init__(self, seed: int | None = None, *, now: Callable[[], datetime] | None = None,
                 rate_limit: int | None = A.RATE_LIMIT_PER_SECOND, country: str = "ID") -> None:
        super().__init__(seed)
        self.store = GineeStore(now or _system_clock)
        digest = hashlib.sha256(f"ginee-emulator-{seed}".encode()).hexdigest()
        self.access_key = f"ak{digest[:14]}"
        self.secret_key = f"sk{digest[14:46]}"
        self.country = country
        self.meter = RequestMeter(per_second=rate_limit, in_flight=None)
        self.outbox: WebhookOutbox | None = None
        self.webhook_url: str | None = None
        self._seed = seed
        self._notifications = 0
        #: ``(path, body)`` of every API request answered, for tests to count calls and sizes.
        self.requests_seen: list[tuple[str, dict[str, Any]]] = []

    # ------------------------------------------------------------------- Emulator

    def routes(self) -> list[Route]:
        """Return Ginee's paths and the ``/_emulator/<action>`` control routes."""
        api = [Route(path, self._endpoint(query), methods=["POST"])
               for path, query in QUERIES.items()]
        control = [Route(f"/_emulator/{action}", self._control(action), methods=["POST"])
                   for action in CONTROL_ACTIONS]
        return [*api, *control]

    def error_response(self, status: int, message: str) -> Response:
        """Answer an unknown path (404) or method (405) in Ginee's envelope [A]."""
        return error_response(A.NOT_FOUND_CODE, A.MESSAGES["not_found"].format(detail=message),
                              status=status)

    def credentials(self) -> dict[str, Any]:
        """Return what a client needs: base URL, keys, country (also as link settings)."""
        settings = {"base_url": self.base_url, "country": self.country}
        keys = {"access_key": self.access_key, "secret_key": self.secret_key}
        return {"platform": "ginee", **settings, **keys,
                "settings": settings, "credentials": keys}

    def rate_limit_response(self) -> Response:
        """Return Ginee's overload answer, ``SERVICE_BUSY`` [C1]."""
        return error_response("SERVICE_BUSY", A.MESSAGES["busy"])

    def server_error_response(self) -> Response:
        """Return an internal failure: HTTP 500 with code ``ERROR`` [A]."""
        return error_response(A.SERVER_ERROR_CODE, A.MESSAGES["system"], status=500)

    def state(self) -> dict[str, Any]:
        """Return everything the emulator holds, JSON-able."""
        store = self.store
        return {
            "now": iso(store.now()), "shops": list(store.shops.values()),
            "warehouses": list(store.warehouses.values()), "products": store.products(),
            "orders": store.orders(), "meter": self.meter.snapshot(),
            "faults_injected": [list(item) for item in self.faults.injected],
            "webhooks_delivered": list(self.outbox.delivered) if self.outbox else [],
        }

    # --------------------------------------------------------------------- routes

    def _endpoint(self, query: Query) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            raw = await request.body()
            header = request.headers.get("authorization")
            if not authorization_valid(header, {self.access_key: self.secret_key},
                                       request.method, request.url.path):
                return error_response("IAM_FAILED", A.MESSAGES["signature"])
            key = str(header).partition(":")[0]
            if not self.meter.enter(key):
                return self.rate_limit_response()
            try:
                return self._answer(query, request, raw)
            finally:
                self.meter.leave(key)
        return endpoint

    def _answer(self, query: Query, request: Request, raw: bytes) -> Response:
        if request.headers.get("x-advai-country") != self.country:
            return error_response("PARAMETER_ERROR", A.MESSAGES["country"])
        try:
            body = json.loads(raw or b"{}", parse_float=Decimal)
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return error_response("PARAMETER_ERROR", A.MESSAGES["body"])
        try:
            with self.lock:
                self.requests_seen.append((request.url.path, body))
                data = query(self.store, body)
        except EmulatorError as exc:
            return error_response(exc.code, exc.message)
        return envelope("SUCCESS", "OK", data)

    def _control(self, action: str) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            raw = await request.body()
            kwargs = json.loads(raw) if raw else {}
            try:
                result = getattr(self, action)(**kwargs)
            except (KeyError, ValueError, TypeError) as exc:
                return JSONResponse({"error": f"{type(exc).__name__}: {exc}"}, status_code=400)
            return JSONResponse({"result": json.loads(json.dumps(result, default=str))})
        return endpoint

    # ----------------------------------------------------------------- Python API

    def add_shop(self, channel: str, name: str | None = None) -> str:
        """Add a shop on a sales channel; return its ``shopId``."""
        with self.lock:
            return self.store.add_shop(channel, name)

    def add_warehouse(self, name: str) -> str:
        """Add a warehouse; return its id."""
        with self.lock:
            return self.store.add_warehouse(name)

    def add_product(self, name: str, variants: Sequence[dict[str, Any]]) -> str:
        """Add a master product (see ``GineeStore.add_product``); return its id."""
        with self.lock:
            return self.store.add_product(name, variants)

    def update_product(self, sku: str, name: str | None = None, price: Any = None) -> None:
        """Rename a SKU's master product or change its selling price (a seller's edit)."""
        with self.lock:
            self.store.update_product(sku, name, None if price is None else Decimal(str(price)))

    def seed_example(self) -> None:
        """Two shops, two warehouses and 30 SKUs of products with variants."""
        for channel in ("SHOPEE_ID", "TOKOPEDIA_ID"):
            self.add_shop(channel)
        for name in ("Gudang Jakarta", "Gudang Surabaya"):
            self.add_warehouse(name)
        self.seed_catalogue(30)

    def seed_catalogue(self, count: int, seed: int = 0) -> list[str]:
        """Add ``count`` SKUs of realistic, deterministic products; return the product ids."""
        with self.lock:
            return self.store.seed_catalogue(count, seed)

    def create_order(  # noqa: PLR0913 - mirrors GineeStore.create_order
        self, shop_id: str, warehouse_id: str, lines: Iterable[Sequence[Any]],
        status: str = "PAID", shipping_fee: Any = 0, discount: Any = 0,
        created_at: datetime | str | None = None, payment: dict[str, Any] | None = None,
        cod: bool = False,
    ) -> str:
        """Create an order, queue its CREATE webhook; return its ``orderId``.

        Lines are ``(sku, qty, unit_price[, line_discount[, is_gift]])``; see
        ``GineeStore.create_order`` for the rest.
        """
        when = parse_time(created_at) if isinstance(created_at, str) else created_at
        with self.lock:
            order_id = self.store.create_order(shop_id, warehouse_id, lines, status,
                                               Decimal(str(shipping_fee)),
                                               Decimal(str(discount)), when, payment, cod)
            payload = self.store.records[order_id].payload
        self._queue_webhook("CREATE", payload)
        return order_id

    def advance_order(self, order_id: str, status: str) -> None:
        """Move an order to ``status`` now, and queue its UPDATE webhook if a URL is set."""
        with self.lock:
            payload = self.store.advance_order(order_id, status)
        self._queue_webhook("UPDATE", payload)

    def progress_orders(self) -> list[str]:
        """Move every open order one status along the happy path (webhooks queued)."""
        with self.lock:
            moved = self.store.progress_orders()
            payloads = [self.store.records[order_id].payload for order_id in moved]
        for payload in payloads:
            self._queue_webhook("UPDATE", payload)
        return moved

    def tamper_order(self, order_id: str, **changes: Any) -> None:
        """Serve bad data for an order (see ``GineeStore.tamper_order``)."""
        with self.lock:
            self.store.tamper_order(order_id, **changes)

    def advance_clock(self, seconds: float) -> str:
        """Move the emulator's clock forward by ``seconds``; return the new time."""
        with self.lock:
            return self.store.advance_clock(seconds)

    def stock(self, warehouse_id: str, sku: str) -> int:
        """Return the on-hand stock of ``sku`` in ``warehouse_id``."""
        with self.lock:
            return self.store.stock(warehouse_id, sku)

    def orders(self) -> list[dict[str, Any]]:
        """Return every order's JSON."""
        with self.lock:
            return self.store.orders()

    def products(self) -> list[dict[str, Any]]:
        """Return master products with prices and stock per warehouse."""
        with self.lock:
            return self.store.products()

    # ------------------------------------------------------------------- webhooks

    def set_webhook(self, url: str, duplicate_rate: float = 0.0, shuffle: bool = False) -> None:
        """Send order status webhooks to ``url`` (queued until ``flush_webhooks``)."""
        self.webhook_url = url
        self.outbox = WebhookOutbox(duplicate_rate=duplicate_rate, shuffle=shuffle,
                                    seed=self._seed)

    def flush_webhooks(self) -> int:
        """Deliver every queued webhook now; return how many the receiver accepted."""
        return self.outbox.flush() if self.outbox else 0

    def webhook_body(self, payload: dict[str, Any], action: str = "UPDATE") -> bytes:
        """Return a new notification ``{id, entity, action, createAt, payload}`` [D].

        It describes the order's current state; each call is a new notification with its own
        ``id`` (a re-delivery repeats the bytes, and so the ``id``).
        """
        with self.lock:
            self._notifications += 1
            number = self._notifications
            now = self.store.now()
        notification_id = f"GENIE{self._seed or 0:04d}{number:012d}"
        return json.dumps(webhook_body(notification_id, action, payload, now),
                          default=json_number).encode()

    def _queue_webhook(self, action: str, payload: dict[str, Any]) -> None:
        if self.outbox is None or self.webhook_url is None:
            return
        # Unsigned [D]: the body proves nothing; the receiver fetches the order to act.
        self.outbox.deliver(self.webhook_url, self.webhook_body(payload, action),
                            {"Content-Type": "application/json"})
