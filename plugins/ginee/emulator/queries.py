"""The Ginee emulator's answers to each API path, computed from a ``GineeStore``.

Each function takes the store and the request body and returns the envelope's ``data`` or
raises ``EmulatorError`` with Ginee's code and message, checking sizes, windows and the
horizon as the reference says (page sizes: orders <= 100, shops < 200, master products < 500,
warehouse stock < 50 with ``warehouseId`` required; set-stock <= 20 SKUs).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from .. import assumptions as A
from .. import client as paths
from .orders import list_row
from .spare import AVAILABLE_STOCK, SPARE_STOCK, available_stock, spare_stock
from .state import EmulatorError, GineeStore, OrderRecord, StockCell, iso, parse_time

Query = Callable[[GineeStore, dict[str, Any]], Any]

#: one list-order window may span at most 15 days [D].
MAX_WINDOW = timedelta(days=15)
#: ``shopIdList`` and ``orderNumbers`` limits of list-order [D].
MAX_SHOP_IDS = 50
MAX_ORDER_NUMBERS = 100


def invalid(message: str) -> EmulatorError:
    """Return Ginee's PARAMETER_ERROR."""
    return EmulatorError("PARAMETER_ERROR", message)


def _size(body: dict[str, Any], limit: int, default: int | None = 10) -> int:
    size = body.get("size", default)
    if size is None:
        raise invalid(A.MESSAGES["empty"].format(name="size"))
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= limit:
        raise invalid(A.MESSAGES["size"].format(limit=limit))
    return size


def page_of(rows: list[Any], body: dict[str, Any], limit: int, *,
            required: bool = False, default: int = 10) -> dict[str, Any]:
    """Return one page (``page`` from 0) of ``rows`` in Ginee's page envelope."""
    if required:
        for name in ("page", "size"):
            if body.get(name) is None:
                raise invalid(A.MESSAGES["empty"].format(name=name))
    size = _size(body, limit, default)
    page = body.get("page", 0)
    if not isinstance(page, int) or isinstance(page, bool) or page < 0:
        raise invalid(A.MESSAGES["page"])
    return {"content": rows[page * size:(page + 1) * size], "page": page, "size": size,
            "total": len(rows)}


def shops(store: GineeStore, body: dict[str, Any]) -> Any:
    """``/openapi/shop/v1/list``: ``size`` default 100, below 200 [D]."""
    return page_of(list(store.shops.values()), body, paths.SHOP_PAGE_SIZE, default=100)


def warehouses(store: GineeStore, body: dict[str, Any]) -> Any:
    """``/openapi/warehouse/v1/search`` [C]."""
    return page_of(list(store.warehouses.values()), body, A.UNDOCUMENTED_PAGE_SIZE)


# ------------------------------------------------------------------------------ orders


def _window(store: GineeStore, body: dict[str, Any], since_key: str,
            to_key: str) -> tuple[datetime, datetime] | None:
    if body.get(since_key) is None:
        if body.get(to_key) is not None:
            raise invalid(A.MESSAGES["empty"].format(name=since_key))
        return None
    since = parse_time(body[since_key])
    until = parse_time(body[to_key]) if body.get(to_key) is not None else store.now()
    if since > until:
        raise invalid(A.MESSAGES["window_order"].format(since=since_key, to=to_key))
    if until - since > MAX_WINDOW:
        raise invalid(A.MESSAGES["window"].format(name=f"{since_key}/{to_key}"))
    if since < store.now() - A.ORDER_HORIZON and not body.get("historicalData"):
        raise invalid(A.MESSAGES["horizon"])
    return since, until


def _list_limit(body: dict[str, Any], name: str, limit: int) -> list[Any] | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or len(value) > limit:
        raise invalid(A.MESSAGES["list_limit"].format(name=name, limit=limit))
    return value


def _cursor_of(record: OrderRecord, by_update: bool) -> list[Any]:
    moment = record.update_at if by_update else parse_time(record.payload["createAt"])
    return [int(moment.timestamp() * 1000), record.payload["orderId"]]


def _after(cursor: Any) -> tuple[int, str] | None:
    if cursor is None:
        return None
    if (not isinstance(cursor, list) or len(cursor) != 2 or not isinstance(cursor[0], int)
            or isinstance(cursor[0], bool) or not isinstance(cursor[1], str)):
        raise invalid(A.MESSAGES["cursor"])
    return cursor[0], cursor[1]


def _filters(body: dict[str, Any]) -> Callable[[OrderRecord], bool]:
    shop_ids = _list_limit(body, "shopIdList", MAX_SHOP_IDS)
    numbers = _list_limit(body, "orderNumbers", MAX_ORDER_NUMBERS)

    def keep(record: OrderRecord) -> bool:
        order = record.payload
        return ((not body.get("orderStatus") or order["orderStatus"] == body["orderStatus"])
                and (not body.get("channel") or order["channel"] == body["channel"])
                and (not body.get("orderType") or order["orderType"] == body["orderType"])
                and (not shop_ids or order["shopId"] in shop_ids)
                and (not numbers or order["externalOrderSn"] in numbers))
    return keep


def list_orders(store: GineeStore, body: dict[str, Any]) -> Any:
    """``/openapi/order/v2/list-order``: rows by (time, orderId), each with its cursor [D]."""
    size = _size(body, paths.ORDER_PAGE_SIZE)
    updated = _window(store, body, "lastUpdateSince", "lastUpdateTo")
    created = _window(store, body, "createSince", "createTo")
    if updated is None and created is None:
        raise invalid(A.MESSAGES["empty"].format(name="createSince or lastUpdateSince"))
    keep = _filters(body)
    rows = []
    for record in store.records.values():
        if updated and not updated[0] <= record.update_at <= updated[1]:
            continue
        if created and not created[0] <= parse_time(record.payload["createAt"]) <= created[1]:
            continue
        if keep(record):
            rows.append((_cursor_of(record, updated is not None), record))
    rows.sort(key=lambda pair: (pair[0][0], pair[0][1]))
    after = _after(body.get("nextCursor"))
    if after is not None:
        rows = [pair for pair in rows if (pair[0][0], pair[0][1]) > after]
    page, more = rows[:size], len(rows) > size
    content = [list_row(record.served_row(), cursor) for cursor, record in page]
    return {"content": content, "more": more,
            "nextCursor": content[-1]["nextCursor"] if content else None}


def batch_get(store: GineeStore, body: dict[str, Any]) -> Any:
    """``/openapi/order/v1/batch-get``: details of up to 100 orders.

    Asked by ``orderIds`` or by ``shopId`` + ``channelOrderIds`` [D]; unknown ids are left
    out [A].
    """
    ids = body.get("orderIds")
    if ids is None and body.get("channelOrderIds") is not None:
        wanted = body["channelOrderIds"]
        if not isinstance(wanted, list) or not 1 <= len(wanted) <= paths.BATCH_GET_LIMIT:
            raise invalid(A.MESSAGES["batch"].format(limit=paths.BATCH_GET_LIMIT))
        if not body.get("shopId"):
            raise invalid(A.MESSAGES["empty"].format(name="shopId"))
        ids = [r.payload["orderId"] for r in store.records.values()
               if r.payload["shopId"] == body["shopId"]
               and r.payload["externalOrderId"] in wanted]
        return [store.records[i].served() for i in ids]
    if not isinstance(ids, list) or not 1 <= len(ids) <= paths.BATCH_GET_LIMIT:
        raise invalid(A.MESSAGES["batch"].format(limit=paths.BATCH_GET_LIMIT))
    return [store.records[i].served() for i in ids if i in store.records]


def get_order(store: GineeStore, body: dict[str, Any]) -> Any:
    """``/openapi/order/v2/get``: one order by ``orderId`` [D]."""
    order_id = body.get("orderId")
    if not order_id:
        raise invalid(A.MESSAGES["empty"].format(name="orderId"))
    if order_id not in store.records:
        raise EmulatorError("BUSINESS_ERROR", f"Order {order_id} does not exist")
    return store.records[order_id].served()


# ---------------------------------------------------------------------------- products


def master_products(store: GineeStore, body: dict[str, Any]) -> Any:
    """``/openapi/product/master/v1/list``: ``page`` and ``size`` (1-499) required [D]."""
    # Page over the ids only: a 50,000-SKU catalogue's rows are not built for every page.
    data = page_of(list(store.masters), body, paths.MASTER_PRODUCT_PAGE_SIZE, required=True)
    data["content"] = [store.master_row(product_id) for product_id in data["content"]]
    return data


def variation_prices(store: GineeStore, body: dict[str, Any]) -> Any:
    """``/openapi/product/variation/v1/list-price`` [C1]: the Price object per variation."""
    wanted = body.get("masterVariationIds")
    ids = wanted if isinstance(wanted, list) else list(store.prices)
    rows = [{"masterVariationId": variation_id,
             "masterSku": store.sku_of_variation[variation_id],
             A.PRICE_FIELD: {"amount": store.prices[variation_id], "currencyCode": "IDR"}}
            for variation_id in ids if variation_id in store.prices]
    return page_of(rows, body, A.UNDOCUMENTED_PAGE_SIZE)


def _stock_row(store: GineeStore, warehouse_id: str, sku: str, cell: StockCell) -> dict[str, Any]:
    brief = store.variation_of_sku[sku]
    product = store.masters[store.product_of_sku[sku]]
    now = iso(store.now())
    inventory = {
        "id": f"WI{warehouse_id}{brief['id']}", "userId": "U00000001",
        "masterVariationId": brief["id"], "warehouseId": warehouse_id, "transportStock": 0,
        "warehouseStock": cell.warehouse_stock, "spareStock": cell.spare, "promotionStock": 0,
        "lockedStock": cell.locked, "availableStock": cell.available,
        "safetyStock": 0, "safetyAlert": False, "pricingMethod": "AVERAGE",
        "averagePurchasePrice": None, "currencyCode": "IDR", "type": "NORMAL",
        "pushStatus": "SUCCESS", "failReason": None, "enableStatus": "ENABLE",
        "createDatetime": now, "updateDatetime": now}
    return {"warehouseInventory": inventory, "pushStatus": "SUCCESS",
            "channelVariationCount": 1,
            "masterVariation": {"id": brief["id"], "masterProductId": product["productId"],
                                "masterSku": sku, "name": product["name"],
                                "variationName": " / ".join(brief["optionValues"]) or None,
                                "image": None, "tagList": []},
            "shelfInventoryList": [], "warehouse": store.warehouses[warehouse_id]}


def _warehouse(store: GineeStore, body: dict[str, Any]) -> str:
    warehouse_id = body.get("warehouseId")
    if not warehouse_id:
        raise invalid(A.MESSAGES["empty"].format(name="warehouseId"))
    if warehouse_id not in store.warehouses:
        raise invalid(A.MESSAGES["warehouse"].format(warehouse_id=warehouse_id))
    return str(warehouse_id)


def warehouse_stock(store: GineeStore, body: dict[str, Any]) -> Any:
    """``/openapi/warehouse-inventory/v1/sku/list``: one warehouse (required), < 50 a page."""
    warehouse_id = _warehouse(store, body)
    size_limit = paths.WAREHOUSE_STOCK_PAGE_SIZE
    skus = _list_limit(body, "masterSkuList", A.UNDOCUMENTED_PAGE_SIZE)
    cells = store.stock_cells[warehouse_id]
    rows = [_stock_row(store, warehouse_id, sku, cells[sku])
            for sku in (skus if skus is not None else list(cells)) if sku in cells]
    return page_of(rows, body, size_limit, default=size_limit)


def update_stock(store: GineeStore, body: dict[str, Any]) -> Any:
    """``/openapi/warehouse-inventory/v1/product/stock/update``: set on-hand of 1-20 SKUs [D].

    The whole batch is checked before anything changes; an unknown SKU refuses it with
    BUSINESS_ERROR [A].
    """
    warehouse_id = _warehouse(store, body)
    items = body.get("stockList")
    limit = paths.STOCK_UPDATE_MAX_ITEMS
    if not isinstance(items, list) or not 1 <= len(items) <= limit:
        raise invalid(A.MESSAGES["stock_batch"].format(limit=limit))
    for item in items:
        _check_stock_item(store, warehouse_id, item)
    answered = []
    for item in items:
        sku = item["masterSku"]
        cell = store.stock_cells[warehouse_id].setdefault(sku, StockCell())
        cell.warehouse_stock = item["quantity"]
        answered.append(_stock_answer(store, sku, cell))
    return {"warehouseId": warehouse_id, "stockList": answered}


def _check_stock_item(store: GineeStore, warehouse_id: str, item: Any) -> None:
    sku = item.get("masterSku") if isinstance(item, dict) else None
    if not isinstance(sku, str) or not sku:
        raise invalid(A.MESSAGES["empty"].format(name="masterSku"))
    quantity = item.get("quantity")
    if (not isinstance(quantity, int) or isinstance(quantity, bool)
            or not 0 <= quantity <= paths.STOCK_QUANTITY_MAX):
        raise invalid(A.MESSAGES["quantity"].format(sku=sku))
    if sku not in store.variation_of_sku:
        raise EmulatorError("BUSINESS_ERROR", A.MESSAGES["unknown_sku"].format(
            sku=sku, warehouse_id=warehouse_id))


def _stock_answer(store: GineeStore, sku: str, cell: StockCell) -> dict[str, Any]:
    brief = store.variation_of_sku[sku]
    return {"masterSku": sku, "masterProductName": store.masters[store.product_of_sku[sku]][
        "name"], "masterVariationId": brief["id"], "transportStock": 0,
        "warehouseStock": cell.warehouse_stock, "spareStock": cell.spare, "promotionStock": 0,
        "lockedStock": cell.locked, "availableStock": cell.available,
        "safetyStock": 0, "outStock": 0, "updateDatetime": iso(store.now())}


#: API path -> query.
QUERIES: dict[str, Query] = {
    paths.SHOPS: shops,
    paths.WAREHOUSES: warehouses,
    paths.LIST_ORDERS: list_orders,
    paths.BATCH_GET_ORDERS: batch_get,
    paths.GET_ORDER: get_order,
    paths.MASTER_PRODUCTS: master_products,
    paths.VARIATION_PRICES: variation_prices,
    paths.WAREHOUSE_STOCK: warehouse_stock,
    paths.UPDATE_STOCK: update_stock,
    SPARE_STOCK: spare_stock,
    AVAILABLE_STOCK: available_stock,
}
