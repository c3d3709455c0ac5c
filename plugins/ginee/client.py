"""Ginee's OpenAPI over HTTP: signing, the envelope, and lazy paginators per list endpoint.

Most calls are a signed ``POST`` with a JSON body, a few a ``GET`` with query parameters [D];
answers are ``{code, message, data, extra, transactionId, pricingStrategy}`` and a failure is
any code but ``SUCCESS``, usually with HTTP 200 [D]. Lists come in two shapes: page-numbered
(``page`` from 0, ``data: {content, page, size, total}``) and the order list's cursor
(``data: {content, more, nextCursor}``, the cursor an opaque JSON array sent back unchanged).
Both are exposed as generators that fetch the next page only when the caller asks for it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx

from framework.connectors import RequestGate
from framework.http import PlatformClient, retry_after_seconds

from . import assumptions as A
from .errors import MALFORMED_ANSWER, PROVIDER, ginee_error
from .signing import authorization_header

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.ginee.com"

SHOPS = "/openapi/shop/v1/list"  # [D]
WAREHOUSES = "/openapi/warehouse/v1/search"  # [C]
LIST_ORDERS = "/openapi/order/v2/list-order"  # [D]
BATCH_GET_ORDERS = "/openapi/order/v1/batch-get"  # [D]
GET_ORDER = "/openapi/order/v2/get"  # [D]
MASTER_PRODUCTS = "/openapi/product/master/v1/list"  # [D]
VARIATION_PRICES = "/openapi/product/variation/v1/list-price"  # [C1]
WAREHOUSE_STOCK = "/openapi/warehouse-inventory/v1/sku/list"  # [D]
UPDATE_STOCK = "/openapi/warehouse-inventory/v1/product/stock/update"  # [D]

#: countries ``X-Advai-Country`` takes [D].
COUNTRIES = ("ID", "CN", "PH", "VN", "TH", "MY")
#: at most this many ids per batch-get call [D].
BATCH_GET_LIMIT = 100
#: list-order: ``size`` default 10, at most 100 [D].
ORDER_PAGE_SIZE = 100
#: shops: ``size`` below 200 [D].
SHOP_PAGE_SIZE = 199
#: master products: ``size`` 1-499 [D].
MASTER_PRODUCT_PAGE_SIZE = 499
#: warehouse stock: the page says both "default 50" and "less than 50"; send at most 49 [D].
WAREHOUSE_STOCK_PAGE_SIZE = 49
#: set stock: ``stockList`` of 1-20 SKUs [D]; quantity 0-999,998 [D].
STOCK_UPDATE_MAX_ITEMS = 20
STOCK_QUANTITY_MAX = 999_998


def format_time(moment: datetime, *, round_up: bool = False) -> str:
    """Format an aware datetime the way Ginee's filters expect (``2026-11-01T00:00:00Z``).

    Args:
        moment: an aware datetime.
        round_up: round a fractional second up instead of down (for the end of a window, so
            nothing updated in its last second is left out).
    """
    moment = moment.astimezone(UTC)
    if round_up and moment.microsecond:
        moment += timedelta(seconds=1)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def json_number(value: Any) -> Any:
    """Encode what ``json`` cannot: a ``Decimal`` as a JSON number, anything else as text.

    A cursor Ginee gave with a fraction in it goes back as the same number.
    """
    if isinstance(value, Decimal):
        if value == value.to_integral_value() and value.as_tuple().exponent >= 0:
            return int(value)
        return float(value)
    return str(value)


def chunked(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Yield lists of at most ``size`` items, lazily."""
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class GineeClient(PlatformClient):
    """A signed client of Ginee's OpenAPI for one seller account.

    Args:
        base_url: the API root, ``https://api.ginee.com`` or an emulator's URL.
        access_key: the seller's access key.
        secret_key: the seller's secret key (signs every request; never sent).
        country: the ``X-Advai-Country`` header, ``ID`` for Indonesia.
        lane: the gate lane, ``ginee:<account>``.
        gate: cross-worker admission.
        transport: an ``httpx`` transport for tests.
        retries: in-process attempts for transient failures.
    """

    provider = PROVIDER

    def __init__(  # noqa: PLR0913 - credentials plus the base client's knobs
        self,
        base_url: str,
        access_key: str,
        secret_key: str,
        *,
        country: str = "ID",
        lane: str | None = None,
        gate: RequestGate | None = None,
        transport: httpx.BaseTransport | None = None,
        retries: int = 3,
    ) -> None:
        super().__init__(base_url, lane=lane, gate=gate, transport=transport, retries=retries)
        self.access_key = access_key
        self._secret_key = secret_key
        self.country = country

    # ------------------------------------------------------------------ one call

    def post(self, path: str, body: dict[str, Any]) -> Any:
        """Call one endpoint (retrying transient failures) and return the envelope's ``data``."""
        return self.call(lambda: self._post_once(path, body))

    def _post_once(self, path: str, body: dict[str, Any]) -> Any:
        response = self.request("POST", path, content=json.dumps(body, default=json_number),
                                headers=self._headers("POST", path))
        return self.parse(response)

    def _headers(self, method: str, path: str) -> dict[str, str]:
        return {
            "Content-Type": "application/json",
            "X-Advai-Country": self.country,
            "Authorization": authorization_header(self.access_key, self._secret_key, method, path),
        }

    def get(self, path: str, params: dict[str, str]) -> Any:
        """Call a ``GET`` endpoint (query parameters; the path alone is signed [A])."""
        return self.call(lambda: self._get_once(path, params))

    def _get_once(self, path: str, params: dict[str, str]) -> Any:
        return self.parse(self.request("GET", path, params=params,
                                       headers=self._headers("GET", path)))

    def parse(self, response: httpx.Response) -> Any:
        """Return ``data`` of a successful envelope; raise the mapped error otherwise.

        The error keeps Ginee's ``message``, and its ``transactionId`` as the request id.
        """
        try:
            envelope = json.loads(response.text, parse_float=Decimal)
        except ValueError:
            envelope = None
        code = envelope.get("code") if isinstance(envelope, dict) else None
        if code == "SUCCESS":
            return envelope.get("data")
        request_id = response.headers.get("x-request-id")
        if code is None:
            code = MALFORMED_ANSWER if response.is_success else None
            message = f"answer is not Ginee's envelope: {response.text[:200]!r}"
        else:
            message = str(envelope.get("message") or "")
            request_id = str(envelope.get("transactionId") or "") or request_id
            log.warning("Ginee answered %s: %s (transactionId %s)", code, message, request_id)
        raise ginee_error(str(code) if code is not None else None, message,
                          status_code=response.status_code,
                          request_id=request_id, body=response.text[:2000],
                          retry_after=retry_after_seconds(response))

    # ------------------------------------------------------------ paginators

    def iter_pages(self, path: str, body: dict[str, Any] | None = None,
                   size: int = A.UNDOCUMENTED_PAGE_SIZE) -> Iterator[list[Any]]:
        """Yield the ``content`` of each page of a page-numbered list, fetching lazily.

        Stops on an empty or short page, or once ``total`` rows were seen, so a wrong total
        never loops forever.
        """
        page, seen = 0, 0
        while True:
            data = self.post(path, {**(body or {}), "page": page, "size": size}) or {}
            content = list(data.get("content") or [])
            if content:
                yield content
            seen += len(content)
            total = data.get("total")
            if len(content) < size or (isinstance(total, int) and seen >= total):
                return
            page += 1

    def iter_rows(self, path: str, body: dict[str, Any] | None = None,
                  size: int = A.UNDOCUMENTED_PAGE_SIZE) -> Iterator[Any]:
        """Yield every row of a page-numbered list, one page in memory at a time."""
        for page in self.iter_pages(path, body, size):
            yield from page

    def iter_order_summaries(self, since: datetime, until: datetime,
                             size: int = ORDER_PAGE_SIZE) -> Iterator[Any]:
        """Yield list-order rows updated in one window (<= 15 days) following the cursor.

        The caller passes whole seconds (``GineeConnector`` does): a fraction would be
        floored at the start and rounded up at the end, widening the window by a second.
        The cursor is opaque: the one Ginee gives (``data.nextCursor``, else the last row's)
        goes back exactly as received [D].
        """
        body: dict[str, Any] = {"size": size, "lastUpdateSince": format_time(since),
                                "lastUpdateTo": format_time(until, round_up=True)}
        cursors: set[str] = set()
        while True:
            data = self.post(LIST_ORDERS, body) or {}
            content = list(data.get("content") or [])
            yield from content
            cursor = next_cursor(data, content)
            if not data.get("more") or cursor is None:
                return
            key = json.dumps(cursor, default=str, sort_keys=True)
            if key in cursors:
                log.warning("Ginee repeated order cursor %s; stopping this window", key)
                return
            cursors.add(key)
            body = {**body, "nextCursor": cursor}

    # ------------------------------------------------------------- endpoints

    def iter_shops(self) -> Iterator[Any]:
        """Yield the seller's shops."""
        return self.iter_rows(SHOPS, size=SHOP_PAGE_SIZE)

    def iter_warehouses(self) -> Iterator[Any]:
        """Yield the seller's warehouses."""
        return self.iter_rows(WAREHOUSES)

    def batch_get_orders(self, order_ids: Sequence[str]) -> list[Any]:
        """Return the details of up to 100 orders (unknown ids are left out [A])."""
        if len(order_ids) > BATCH_GET_LIMIT:
            raise ValueError(f"batch-get takes at most {BATCH_GET_LIMIT} ids")
        data = self.post(BATCH_GET_ORDERS, {"orderIds": list(order_ids)})
        return list(data or [])

    def iter_master_product_pages(self) -> Iterator[list[Any]]:
        """Yield master products one page (of up to 499) at a time."""
        return self.iter_pages(MASTER_PRODUCTS, size=MASTER_PRODUCT_PAGE_SIZE)

    def variation_prices(self, variation_ids: Sequence[str]) -> Iterator[Any]:
        """Yield list-price rows for the given master variations (any number of ids)."""
        for batch in chunked(variation_ids, A.UNDOCUMENTED_PAGE_SIZE):
            yield from self.iter_rows(VARIATION_PRICES, {"masterVariationIds": batch})

    def stock_rows(self, warehouse_id: str, skus: Sequence[str] | None = None) -> Iterator[Any]:
        """Yield one warehouse's stock rows, 49 a page, optionally for some master SKUs.

        ``warehouseId`` is required by Ginee [D].
        """
        body: dict[str, Any] = {"warehouseId": warehouse_id}
        if skus is None:
            yield from self.iter_rows(WAREHOUSE_STOCK, body, WAREHOUSE_STOCK_PAGE_SIZE)
            return
        for batch in chunked(skus, WAREHOUSE_STOCK_PAGE_SIZE):
            yield from self.iter_rows(WAREHOUSE_STOCK, {**body, "masterSkuList": batch},
                                      WAREHOUSE_STOCK_PAGE_SIZE)

    def update_stock(self, warehouse_id: str, quantities: Sequence[tuple[str, int]]) -> Any:
        """Set on-hand stock of up to 20 SKUs in one warehouse [D]; return ``data``."""
        if not 1 <= len(quantities) <= STOCK_UPDATE_MAX_ITEMS:
            raise ValueError(f"stock update takes 1 to {STOCK_UPDATE_MAX_ITEMS} SKUs")
        stock_list = [{"masterSku": sku, "quantity": qty} for sku, qty in quantities]
        return self.post(UPDATE_STOCK, {"warehouseId": warehouse_id, "stockList": stock_list})


def next_cursor(data: dict[str, Any], content: list[Any]) -> Any:
    """Return the cursor to send back: ``data.nextCursor``, else the last row's [D]."""
    cursor = data.get("nextCursor")
    if cursor in (None, "", []) and content and isinstance(content[-1], dict):
        cursor = content[-1].get("nextCursor")
    return None if cursor in (None, "", []) else cursor
