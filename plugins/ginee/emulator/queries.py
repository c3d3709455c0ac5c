"""The Ginee emulator's answers to each API path, computed from a ``GineeStore``.

Each function takes the store and the request body and returns the envelope's ``data`` or
raises ``EmulatorError`` with Ginee's code and message, checking sizes, windows and the
horizon as the reference says.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from .. import assumptions as A
from .. import client as paths
from ..client import BATCH_GET_LIMIT
from .state import EmulatorError, GineeStore, OrderRecord, StockCell, iso, parse_time

Query = Callable[[GineeStore, dict[str, Any]], Any]

#: one list-order request may span at most 15 days [C].
MAX_WINDOW = timedelta(days=15)


def invalid(message: str) -> EmulatorError:
    """Return Ginee's INVALID_PARAMETER error."""
    return EmulatorError("INVALID_PARAMETER", message)


def _size(body: dict[str, Any]) -> int:
    size = body.get("size", 10)
    if not isinstance(size, int) or not 1 <= size <= A.MAX_PAGE_SIZE:
        raise invalid(A.MESSAGES["size"].format(limit=A.MAX_PAGE_SIZE))
    return size


def page_of(rows: list[Any], body: dict[str, Any]) -> dict[str, Any]:
    """Return one page (``page`` from 0) of ``rows`` in Ginee's page envelope."""
    size = _size(body)
    page = body.get("page", 0)
    if not isinstance(page, int) or page < 0:
        raise invalid("page must be a non-negative integer")
    return {"content": rows[page * size:(page + 1) * size], "page": page, "size": size,
            "total": len(rows)}


def shops(store: GineeStore, body: dict[str, Any]) -> Any:
    """``/openapi/shop/v1/list``."""
    return page_of(list(store.shops.values()), body)


def warehouses(store: GineeStore, body: dict[str, Any]) -> Any:
    """``/openapi/warehouse/v1/search``."""
    return page_of(list(store.warehouses.values()), body)


# ------------------------------------------------------------------------------ orders


def _window(store: GineeStore, body: dict[str, Any]) -> tuple[str, datetime, datetime]:
    for field, since_key, to_key in (("update", "lastUpdateSince", "lastUpdateTo"),
                                     ("create", "createSince", "createTo")):
        if body.get(since_key) is not None or body.get(to_key) is not None:
            if body.get(since_key) is None or body.get(to_key) is None:
                raise invalid(f"{since_key} and {to_key} must be given together")
            since, until = parse_time(body[since_key]), parse_time(body[to_key])
            if since > until:
                raise invalid(A.MESSAGES["window_order"])
            if until - since > MAX_WINDOW:
                raise invalid(A.MESSAGES["window"])
            if since < store.now() - A.ORDER_HORIZON:
                raise invalid(A.MESSAGES["horizon"])
            return field, since, until
    raise invalid("lastUpdateSince/lastUpdateTo or createSince/createTo is required")


def _cursor_key(record: OrderRecord) -> tuple[str, str]:
    return iso(record.update_at), record.payload["orderId"]


def _decode_cursor(cursor: Any) -> tuple[str, str] | None:
    if cursor in (None, ""):
        return None
    try:
        stamp, order_id = json.loads(base64.urlsafe_b64decode(str(cursor).encode()))
    except (ValueError, TypeError, binascii.Error):
        raise invalid(A.MESSAGES["cursor"]) from None
    return str(stamp), str(order_id)


def _matches(record: OrderRecord, body: dict[str, Any], window: tuple[str, datetime,
             datetime]) -> bool:
    field, since, until = window
    moment = record.update_at if field == "update" else parse_time(record.payload["createAt"])
    if not since <= moment <= until:
        return False
    if body.get("orderStatus") and record.payload["orderStatus"] != body["orderStatus"]:
        return False
    shop_ids = body.get("shopIdList")
    return not shop_ids or record.payload["shopId"] in shop_ids


def list_orders(store: GineeStore, body: dict[str, Any]) -> Any:
    """``/openapi/order/v2/list-order``: summaries in (updateAt, orderId) order, by cursor."""
    size = _size(body)
    window = _window(store, body)
    after = _decode_cursor(body.get("nextCursor"))
    rows = sorted((r for r in store.records.values() if _matches(r, body, window)),
                  key=_cursor_key)
    if after is not None:
        rows = [r for r in rows if _cursor_key(r) > after]
    page, more = rows[:size], len(rows) > size
    cursor = None
    if more:
        cursor = base64.urlsafe_b64encode(json.dumps(_cursor_key(page[-1])).encode()).decode()
    content = [{"orderId": r.payload["orderId"], "orderStatus": r.payload["orderStatus"],
                "updateAt": r.payload["updateAt"], "shopId": r.payload["shopId"],
                "channel": r.payload["channel"]} for r in page]
    return {"content": content, "nextCursor": cursor, "more": more}


def batch_get(store: GineeStore, body: dict[str, Any]) -> Any:
    """``/openapi/order/v1/batch-get``: details of up to 100 orders; unknown ids left out."""
    ids = body.get("orderIds")
    if not isinstance(ids, list) or not 1 <= len(ids) <= BATCH_GET_LIMIT:
        raise invalid(A.MESSAGES["batch"].format(limit=BATCH_GET_LIMIT))
    return [store.records[i].served() for i in ids if i in store.records]


# ---------------------------------------------------------------------------- products


def master_products(store: GineeStore, body: dict[str, Any]) -> Any:
    """``/openapi/product/master/v1/list``."""
    # Page over the ids only: a 50,000-SKU catalogue's rows are not copied for every page.
    data = page_of(list(store.masters), body)
    data["content"] = [store.masters[product_id] for product_id in data["content"]]
    return data


def variation_prices(store: GineeStore, body: dict[str, Any]) -> Any:
    """``/openapi/product/variation/v1/list-price``: selling price per master variation."""
    wanted = body.get("masterVariationIds")
    ids = wanted if isinstance(wanted, list) else list(store.prices)
    rows = []
    for variation_id in ids:
        if variation_id in store.prices:
            rows.append({"masterVariationId": variation_id,
                         "masterSku": store.sku_of_variation[variation_id],
                         A.PRICE_FIELD: str(store.prices[variation_id])})
    return page_of(rows, body)


def _stock_row(store: GineeStore, warehouse_id: str, sku: str, cell: StockCell) -> dict[str, Any]:
    available = cell.warehouse_stock - cell.locked
    return {"masterVariation": {"masterSku": sku,
                                "masterVariationId": store.variation_of_sku[sku][
                                    "masterVariationId"]},
            A.STOCK_WAREHOUSE: warehouse_id, "warehouseStock": cell.warehouse_stock,
            "availableStock": available, "lockedStock": cell.locked, "spareStock": 0,
            "promotionStock": 0, "transportStock": 0}


def warehouse_stock(store: GineeStore, body: dict[str, Any]) -> Any:
    """``/openapi/warehouse-inventory/v1/sku/list``: rows in warehouse order, then SKU order."""
    warehouse_id = body.get("warehouseId")
    if warehouse_id is not None and warehouse_id not in store.warehouses:
        raise invalid(A.MESSAGES["warehouse"].format(warehouse_id=warehouse_id))
    skus = body.get("masterSkuList")
    if skus is not None and (not isinstance(skus, list) or len(skus) > A.MAX_PAGE_SIZE):
        raise invalid(f"masterSkuList must be a list of at most {A.MAX_PAGE_SIZE} SKUs")
    rows = []
    for wh in [warehouse_id] if warehouse_id else list(store.warehouses):
        cells = store.stock_cells[wh]
        for sku in skus if skus is not None else list(cells):
            if sku in cells:
                rows.append(_stock_row(store, wh, sku, cells[sku]))
    return page_of(rows, body)


def update_stock(store: GineeStore, body: dict[str, Any]) -> Any:
    """``/openapi/warehouse-inventory/v1/product/stock/update``: overwrite on-hand per SKU."""
    warehouse_id = body.get("warehouseId")
    if warehouse_id not in store.warehouses:
        raise invalid(A.MESSAGES["warehouse"].format(warehouse_id=warehouse_id))
    items = body.get("stockList")
    if not isinstance(items, list) or not 1 <= len(items) <= A.STOCK_UPDATE_MAX_ITEMS:
        raise invalid(A.MESSAGES["stock_batch"].format(limit=A.STOCK_UPDATE_MAX_ITEMS))
    succeeded, failed = [], []
    for item in items:
        sku = item.get("masterSku") if isinstance(item, dict) else None
        quantity = item.get("quantity") if isinstance(item, dict) else None
        problem = _stock_problem(store, warehouse_id, sku, quantity)
        if problem:
            failed.append({"masterSku": sku, "message": problem})
            continue
        store.stock_cells[warehouse_id].setdefault(sku, StockCell()).warehouse_stock = quantity
        succeeded.append({"masterSku": sku})
    return {"successList": succeeded, "failedList": failed}


def _stock_problem(store: GineeStore, warehouse_id: str, sku: Any, quantity: Any) -> str | None:
    if not isinstance(sku, str) or sku not in store.variation_of_sku:
        return A.MESSAGES["unknown_sku"].format(sku=sku, warehouse_id=warehouse_id)
    if not isinstance(quantity, int) or isinstance(quantity, bool):
        return f"Quantity of {sku} must be an integer"
    if quantity < 0:
        return A.MESSAGES["negative_stock"].format(sku=sku)
    return None


#: API path -> query.
QUERIES: dict[str, Query] = {
    paths.SHOPS: shops,
    paths.WAREHOUSES: warehouses,
    paths.LIST_ORDERS: list_orders,
    paths.BATCH_GET_ORDERS: batch_get,
    paths.MASTER_PRODUCTS: master_products,
    paths.VARIATION_PRICES: variation_prices,
    paths.WAREHOUSE_STOCK: warehouse_stock,
    paths.UPDATE_STOCK: update_stock,
}
