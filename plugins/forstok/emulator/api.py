"""The seller API routes of the Forstok emulator: auth, envelopes, paging, limits, errors.

Every answer is ``{"data": ..., "meta": {...}}`` or ``{"error": "message"}`` with a 4xx status,
as ``assumptions`` describes, and carries an ``X-Request-Id``.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .. import assumptions as contract
from . import tokens
from .state import ForstokState, wire_amount

if TYPE_CHECKING:
    from .app import ForstokEmulator

Handler = Callable[[Request], Awaitable[Response]]
_request_ids = itertools.count(1)
#: the order actions take every method and refuse all but POST themselves, so that no other
#: route (``orders/{id}.json`` reading "fulfills_seller" as an id) ever answers for them.
_EVERY_METHOD = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]


class Refusal(Exception):
    """An answer in Forstok's error envelope, raised from deep inside a handler."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def answer(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """Return a JSON answer stamped with a request id."""
    stamped = {contract.REQUEST_ID_HEADER: f"fsk-{next(_request_ids):08d}", **(headers or {})}
    return JSONResponse(json.loads(json.dumps(body, default=str)), status_code=status,
                        headers=stamped)


def refusal(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """Return Forstok's failure envelope."""
    return answer({contract.ERROR_KEY: message}, status, headers)


def page_of(rows: list[Any], request: Request) -> Response:
    """Answer one page of ``rows`` as the query's ``page``/``per_page`` ask."""
    page = _int_param(request, "page", 1)
    per_page = _int_param(request, "per_page", contract.DEFAULT_PER_PAGE)
    if page < 1 or per_page < 1:
        raise Refusal(422, "page and per_page must be positive")
    if per_page > contract.MAX_PER_PAGE:
        raise Refusal(422, f"per_page must be at most {contract.MAX_PER_PAGE}")
    start = (page - 1) * per_page
    return answer({contract.DATA_KEY: rows[start:start + per_page],
                   contract.META_KEY: {"page": page, "per_page": per_page, "total": len(rows)}})


def _int_param(request: Request, name: str, default: int) -> int:
    value = request.query_params.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise Refusal(422, f"{name} must be a number") from None


def _whole(value: Any) -> int | None:
    """Read ``quantity_hand`` as Rails would cast it: 12, "12" or "12.0" (not "12.5", "x")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        number = Decimal(str(value).strip()) if isinstance(value, str | float) else None
    except InvalidOperation:
        return None
    if number is None or not number.is_finite() or number != number.to_integral_value():
        return None
    return int(number)


def _require_post(request: Request) -> None:
    if request.method != "POST":
        raise Refusal(405, contract.MESSAGE_METHOD_NOT_ALLOWED)


async def _json_body(request: Request) -> Any:
    raw = await request.body()
    try:
        return json.loads(raw) if raw else {}
    except ValueError:
        raise Refusal(400, contract.MESSAGE_MALFORMED_BODY) from None


def _time_param(request: Request, name: str) -> datetime | None:
    value = request.query_params.get(name)
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise Refusal(422, f"Invalid {name}: {value}") from None
    if moment.tzinfo is None:
        raise Refusal(422, f"Invalid {name}: a time zone is required")
    return moment


class SellerApi:
    """The seller API of one emulated Forstok account, bound to its emulator."""

    def __init__(self, emulator: ForstokEmulator) -> None:
        self.emulator = emulator

    @property
    def store(self) -> ForstokState:
        """The emulator's state."""
        return self.emulator.store

    def routes(self) -> list[Route]:
        """Return the platform's routes."""
        prefix = contract.API_PREFIX
        return [
            Route(contract.AUTH_PATH, self.exchange_token, methods=["POST"]),
            Route(f"{prefix}/orders.json", self.seller(self.list_orders), methods=["GET"]),
            # before orders/{id}.json, which would otherwise read "fulfills_seller" as an id
            Route(contract.FULFILL_PATH, self.seller(self.fulfill_order), methods=_EVERY_METHOD),
            Route(contract.CONFIRM_PATH, self.seller(self.confirm_order), methods=_EVERY_METHOD),
            Route(prefix + "/orders/{order_id}.json", self.seller(self.get_order),
                  methods=["GET"]),
            Route(f"{prefix}/items.json", self.seller(self.list_items), methods=["GET"]),
            Route(f"{prefix}/warehouses.json", self.seller(self.list_warehouses),
                  methods=["GET"]),
            Route(f"{prefix}/variants/quantities.json", self.seller(self.quantities),
                  methods=["GET", "PATCH", "POST"]),
        ]

    # ------------------------------------------------------------------------------ auth

    async def exchange_token(self, request: Request) -> Response:
        """``POST /api/v2/auth``: trade the seller id and secret key for a JWT."""
        try:
            body = await request.json()
        except ValueError:
            body = {}
        given = {key: (body.get(key) if isinstance(body, dict) else None)
                 or request.query_params.get(key) for key in ("id", "secret_key", "type")}
        emulator = self.emulator
        # The seller's id, or (as one production script sends it [C1]) the seller's e-mail.
        if (str(given["id"]) not in (emulator.seller_id, emulator.user_id)
                or given["secret_key"] != emulator.secret_key
                or given["type"] != contract.AUTH_TYPE_SELLER):
            return refusal(401, contract.MESSAGE_INVALID_CREDENTIALS)
        with emulator.lock:
            token = tokens.issue(emulator.signing_key, emulator.seller_id, emulator.now())
            emulator.tokens_issued += 1
        return answer({contract.DATA_KEY: {"token": token}})

    def seller(self, handler: Handler) -> Handler:
        """Wrap a handler with the seller checks: JWT, user_id, auth_type, rate limit."""
        async def guarded(request: Request) -> Response:
            try:
                token = self._authorise(request)
            except Refusal as refused:
                return refusal(refused.status, refused.message)
            if not self.emulator.meter.enter(token):
                return self.emulator.rate_limit_response()
            try:
                self.emulator.requests.append((request.method, request.url.path))
                return await handler(request)
            except Refusal as refused:
                return refusal(refused.status, refused.message)
            finally:
                self.emulator.meter.leave(token)
        return guarded

    def _authorise(self, request: Request) -> str:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Refusal(401, contract.MESSAGE_UNAUTHORIZED)
        try:
            claims = tokens.check(self.emulator.signing_key, token, self.emulator.now())
        except tokens.TokenRefused as refused:
            raise Refusal(401, str(refused)) from None
        if claims.get("sub") != self.emulator.seller_id:
            raise Refusal(401, contract.MESSAGE_INVALID_TOKEN)
        if request.query_params.get("auth_type") != contract.AUTH_TYPE_QUERY:
            raise Refusal(401, "auth_type must be jwt")
        if request.query_params.get("user_id") != self.emulator.user_id:
            raise Refusal(403, "user_id does not match the token's seller")
        return token

    # ---------------------------------------------------------------------------- orders

    async def list_orders(self, request: Request) -> Response:
        """``GET orders.json``: orders updated in a window, oldest change first."""
        after = _time_param(request, "updated_after")
        before = _time_param(request, "updated_before")
        status = request.query_params.get("status")
        with self.emulator.lock:
            rows = sorted(self.store.listed_orders(), key=lambda row: (row[0], row[1]))
        chosen = [raw for moment, _, raw in rows
                  if (after is None or moment >= after) and (before is None or moment < before)
                  and (status is None or (isinstance(raw, dict) and raw.get("status") == status))]
        return page_of(chosen, request)

    async def get_order(self, request: Request) -> Response:
        """``GET orders/{id}.json``: one order."""
        with self.emulator.lock:
            order = self._order(request.path_params["order_id"])
            return answer({contract.DATA_KEY: self.store.order_json(order)})

    async def confirm_order(self, request: Request) -> Response:
        """``POST /api/v1/orders/confirm.json`` ``{order_id}``: accept an open order."""
        _require_post(request)
        body = await _json_body(request)
        order_id = body.get("order_id") if isinstance(body, dict) else None
        return self._move(order_id, {"open"}, contract.STATUS_CONFIRMED)

    async def fulfill_order(self, request: Request) -> Response:
        """``POST /api/v2/orders/fulfills_seller.json?order_id=``: ready to ship."""
        _require_post(request)
        return self._move(request.query_params.get("order_id"), {"open", "not_shipped"},
                          contract.STATUS_FULFILLED)

    def _move(self, order_id: Any, allowed: set[str], status: str) -> Response:
        if order_id in (None, ""):
            raise Refusal(422, "order_id is required")
        with self.emulator.lock:
            order = self._order(str(order_id))
            if order.status not in allowed:
                raise Refusal(422, f"Order status is {order.status}, cannot be changed to "
                                   f"{status}")
            self.emulator.move_order(order, status)
            return answer({contract.DATA_KEY: {"order_id": order.id, "status": order.status}})

    def _order(self, order_id: str) -> Any:
        order = self.store.orders.get(int(order_id)) if order_id.isdigit() else None
        if order is None:
            raise Refusal(404, contract.MESSAGE_ORDER_NOT_FOUND)
        return order

    # ------------------------------------------------------------------------- catalogue

    async def list_items(self, request: Request) -> Response:
        """``GET items.json``: items with their variants and per-warehouse stock."""
        with self.emulator.lock:
            rows = self.items_json()
        return page_of(rows, request)

    def items_json(self) -> list[dict[str, Any]]:
        """Return every item as ``items.json`` serves it (caller holds the lock)."""
        return [self._item_json(product) for product in self.store.products.values()]

    def _item_json(self, product: dict[str, Any]) -> dict[str, Any]:
        variants = []
        for sku in product["skus"]:
            variant = self.store.variants[sku]
            variants.append({
                "id": variant.id, "sku": sku, "name": variant.name,
                "price": wire_amount(variant.price, self.store.amounts_as_strings),
                "pending_action": variant.pending_action,
                contract.VARIANT_STOCK_KEY: [self._stock_json(wh, sku)
                                             for wh in self.store.warehouses
                                             if (wh, sku) in self.store.on_hand]})
        return {"id": product["id"], "name": product["name"], "variants": variants}

    def _stock_json(self, warehouse_id: int, sku: str) -> dict[str, Any]:
        on_hand = self.store.stock(warehouse_id, sku)
        return {"warehouse_id": warehouse_id, "quantity_hand": on_hand,
                "quantity_available": on_hand - self.store.reserved(warehouse_id, sku)}

    async def list_warehouses(self, request: Request) -> Response:
        """``GET warehouses.json``."""
        with self.emulator.lock:
            rows = [{"id": key, "name": name} for key, name in self.store.warehouses.items()]
        return page_of(rows, request)

    async def quantities(self, request: Request) -> Response:
        """``variants/quantities.json``: GET reads a warehouse, PATCH overwrites on-hand."""
        if request.method == "GET":
            return self._read_quantities(request)
        override = request.headers.get("x-http-method-override", "").upper()
        if request.method == "POST" and override != "PATCH":
            raise Refusal(405, contract.MESSAGE_METHOD_NOT_ALLOWED)
        body = await _json_body(request)
        variants = body.get("variants") if isinstance(body, dict) else None
        if not isinstance(variants, list):
            raise Refusal(422, "variants must be a list")
        if len(variants) > contract.MAX_STOCK_BATCH:
            raise Refusal(422, f"Too many variants (max {contract.MAX_STOCK_BATCH})")
        with self.emulator.lock:
            results = [self._update_one(row) for row in variants]
        return answer({contract.DATA_KEY: results})

    def _read_quantities(self, request: Request) -> Response:
        warehouse_id = _int_param(request, "warehouse_id", 0)
        with self.emulator.lock:
            if warehouse_id not in self.store.warehouses:
                raise Refusal(404, contract.MESSAGE_WAREHOUSE_NOT_FOUND)
            rows = [{"sku": sku, **self._stock_json(warehouse_id, sku)}
                    for (wh, sku) in sorted(self.store.on_hand) if wh == warehouse_id]
        return page_of(rows, request)

    def _update_one(self, row: Any) -> dict[str, Any]:
        sku = row.get("sku") if isinstance(row, dict) else None
        result: dict[str, Any] = {"sku": sku, "status": "failed"}
        warehouse_id = row.get("warehouse_id") if isinstance(row, dict) else None
        warehouse_id = int(warehouse_id) if str(warehouse_id).isdigit() else warehouse_id
        if warehouse_id is None and self.store.warehouses:
            warehouse_id = next(iter(self.store.warehouses))
        quantity = _whole(row.get("quantity_hand") if isinstance(row, dict) else None)
        if sku not in self.store.variants:
            return result | {"message": contract.MESSAGE_SKU_NOT_FOUND}
        if warehouse_id not in self.store.warehouses:
            return result | {"message": contract.MESSAGE_WAREHOUSE_NOT_FOUND}
        if quantity is None:
            return result | {"message": contract.MESSAGE_QUANTITY_NOT_A_NUMBER}
        if quantity < 0:
            return result | {"message": contract.MESSAGE_NEGATIVE_QUANTITY}
        self.store.set_on_hand(warehouse_id, sku, quantity)
        return {"sku": sku, "warehouse_id": warehouse_id, "quantity_hand": quantity,
                "status": "success", "message": ""}
