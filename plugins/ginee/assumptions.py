"""Every [A] choice of the Ginee plugin, in one place so it is cheap to correct.

The reference notes (``shared/reference/ginee-forstok-api.md``) mark some facts as confirmed
[C] and others as assumptions [A]. The client, the mapping and the emulator all read the [A]
parts from here, so when Ginee's real contract turns out different only this module changes
(and the emulator follows automatically). Confirmed facts live next to the code that uses them.
"""

from __future__ import annotations

from datetime import timedelta

# ------------------------------------------------------------------ limits and error answers

#: requests per second per access key before Ginee answers 429 TOO_MANY_REQUESTS.
RATE_LIMIT_PER_SECOND = 10
#: concurrent requests jembatan allows itself per access key (Ginee states no limit).
IN_FLIGHT_LIMIT = 10
#: seconds sent in ``Retry-After`` with a 429 (clients in the wild sleep 0.5-1 s).
RETRY_AFTER_SECONDS = 1
#: largest ``size`` accepted by every paged list (the reference confirms 100 for orders and
#: warehouse stock; we assume the same for shops, warehouses, products and prices).
MAX_PAGE_SIZE = 100
#: the order-list horizon: "only the last 3 months" [C]; 90 days is our reading of it.
ORDER_HORIZON = timedelta(days=90)
#: the connector clips windows to a little inside the horizon, so clock skew between us and
#: Ginee never turns a valid request into INVALID_PARAMETER.
ORDER_HORIZON_MARGIN = timedelta(hours=1)

#: Ginee's error codes with the HTTP status the emulator answers them with. Failures are
#: "often HTTP 200" [C]; which ones are is assumed.
HTTP_STATUS_OF_CODE: dict[str, int] = {
    "INVALID_PARAMETER": 200,
    "SIGNATURE_ERROR": 200,
    "TOO_MANY_REQUESTS": 429,
    "SYSTEM_ERROR": 500,
}

#: error messages the emulator answers with (the reference quotes none).
MESSAGES: dict[str, str] = {
    "signature": "Signature verification failed, please check accessKey and secretKey",
    "country": "Header X-Advai-Country is missing or not supported",
    "rate_limit": "Too many requests, please try again later",
    "system": "System error, please try again later",
    "size": "size must be between 1 and {limit}",
    "window": "The time range between lastUpdateSince and lastUpdateTo cannot exceed 15 days",
    "window_order": "lastUpdateSince must be before lastUpdateTo",
    "horizon": "Only orders updated in the last 3 months can be queried",
    "time_format": "Invalid time format, expected ISO-8601 UTC such as 2026-11-01T00:00:00Z",
    "cursor": "Invalid nextCursor",
    "batch": "orderIds must contain between 1 and {limit} ids",
    "warehouse": "Warehouse {warehouse_id} does not exist",
    "stock_batch": "stockList must contain between 1 and {limit} items",
    "unknown_sku": "Master SKU {sku} does not exist in warehouse {warehouse_id}",
    "negative_stock": "Quantity of {sku} must not be negative",
    "body": "Request body must be a JSON object",
}

#: countries Ginee serves; ``X-Advai-Country`` must be one of them.
COUNTRIES = ("ID", "MY", "PH", "TH", "VN", "SG")

# ----------------------------------------------------------------------------- order fields

#: statuses the reference expects but no public client shows.
ASSUMED_STATUSES = ("RETURNED", "PARTIALLY_PAID")
#: order fields marked [A]: payment time, shipping fee, warehouse, payment method, and the
#: order-level discount (the reference names only the item-level one; we assume the same word).
ORDER_PAID_AT = "payAt"
ORDER_SHIPPING_FEE = "shippingFee"
ORDER_WAREHOUSE = "warehouseId"
ORDER_PAYMENT_METHOD = "paymentMethod"
ORDER_DISCOUNT = "discount"
#: item fields marked [A]: the unit price paid (before the line discount), the list price, and
#: the discount on the whole line.
ITEM_UNIT_PRICE = "actualPrice"
ITEM_LIST_PRICE = "originalPrice"
ITEM_DISCOUNT = "discount"
#: list-order returns summaries (id, status, update time); details come from batch-get.
#: batch-get leaves unknown ids out of ``data`` rather than failing the call.
BATCH_GET_OMITS_UNKNOWN = True

# --------------------------------------------------------------------------- product fields

#: master product list rows: ``productId``, ``name`` and ``variations`` of
#: ``{masterVariationId, masterSku, optionValues, pendingAction}``.
PRODUCT_VARIATIONS = "variations"
VARIATION_OPTIONS = "optionValues"
#: true while a listing change waits for the seller's confirmation (Forstok has it [A]; we
#: assume Ginee flags it the same way on the master variation).
VARIATION_PENDING_ACTION = "pendingAction"
#: list-price rows: ``{masterVariationId, masterSku, sellingPrice}``.
PRICE_FIELD = "sellingPrice"
#: warehouse stock rows carry the warehouse they count (the reference lists only the figures).
STOCK_WAREHOUSE = "warehouseId"

# ------------------------------------------------------------------- shops and warehouses

#: rows of ``/openapi/shop/v1/list``: ``{shopId, name, channel}``; rows of
#: ``/openapi/warehouse/v1/search``: ``{id, name}`` (the reference gives only the paths).
SHOP_FIELDS = ("shopId", "name", "channel")
WAREHOUSE_ID = "id"
WAREHOUSE_NAME = "name"

# ------------------------------------------------------------------------------- set stock

#: body ``{warehouseId, stockList: [{masterSku, quantity}]}``; answer ``data.successList`` of
#: ``{masterSku}`` and ``data.failedList`` of ``{masterSku, message}``; ``quantity`` is the new
#: on-hand (warehouse) stock, not a delta.
STOCK_UPDATE_MAX_ITEMS = 100

# -------------------------------------------------------------------------------- webhooks

WEBHOOK_SIGNATURE_HEADER = "X-Ginee-Signature"
WEBHOOK_TYPE = "ORDER_STATUS_UPDATE"
#: a delivery whose ``updateAt`` is older than this (by our clock) is refused as stale/replayed.
WEBHOOK_MAX_AGE = timedelta(hours=24)
#: a delivery dated further in the future than this is refused too (clock skew allowance).
WEBHOOK_MAX_SKEW = timedelta(minutes=5)
