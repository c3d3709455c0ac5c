"""Every [A] choice of the Ginee plugin, in one place so it is cheap to correct.

The reference notes (``shared/reference/ginee-forstok-api.md``, revision 2) mark facts from
Ginee's own docs [D], from several clients [C], from one client [C1], and assumptions [A].
The client, the mapping and the emulator read the [A] parts from here, so when Ginee's real
contract turns out different only this module changes (and the emulator follows). [D] and [C]
facts live next to the code that uses them (``client.py``: paths, page sizes, codes).
"""

from __future__ import annotations

from datetime import timedelta

# ------------------------------------------------------------------ limits and error answers

#: requests per second per access key before the emulator answers SERVICE_BUSY. "The number
#: (10 requests/s per key) stays [A]" (the rate limit is not documented).
RATE_LIMIT_PER_SECOND = 10
#: concurrent requests jembatan allows itself per access key (Ginee states no limit) [A].
IN_FLIGHT_LIMIT = 10
#: seconds sent in ``Retry-After`` with SERVICE_BUSY (clients sleep 0.2-1 s) [A].
RETRY_AFTER_SECONDS = 1
#: page size of lists whose limit the docs do not give: warehouse search [C, page not read]
#: and variation list-price [C1].
UNDOCUMENTED_PAGE_SIZE = 100
#: "only the last 3 months can be listed" [D]; 90 days is our reading of three months [A].
ORDER_HORIZON = timedelta(days=90)
#: the connector stays this far inside the horizon, so clock skew between us and Ginee never
#: turns a valid request into PARAMETER_ERROR [A].
ORDER_HORIZON_MARGIN = timedelta(hours=1)

#: HTTP status the emulator answers each failure code with. "Failures usually come with HTTP
#: 200" [D, C]; which ones do not is unknown, so all do here [A].
HTTP_STATUS_OF_CODE: dict[str, int] = {
    "PARAMETER_ERROR": 200,
    "BUSINESS_ERROR": 200,
    "ERROR": 200,
    "IAM_FAILED": 200,
    "SERVICE_BUSY": 200,
}
#: an internal failure (the emulator's injected 5xx) is HTTP 500 with code ``ERROR`` [A]; the
#: client retries any 5xx whatever its code, as clients do [C].
SERVER_ERROR_CODE = "ERROR"
#: unknown paths and methods: "expect a JSON envelope, not plain text" [A]; the code is
#: assumed, the HTTP status stays 404 / 405.
NOT_FOUND_CODE = "ERROR"

#: messages the emulator answers with. Two shapes are quoted by the docs [D]: "Parameter is
#: invalid: Parameter should not be empty: …" and the 15-day/3-month range texts; the rest
#: are assumed [A].
MESSAGES: dict[str, str] = {
    "signature": "IAM authentication failed: invalid accessKey or signature",
    "country": "Parameter is invalid: X-Advai-Country is missing or not supported",
    "busy": "Service is busy, please try again later",
    "system": "System error, please try again later",
    "not_found": "Request path or method not supported: {detail}",
    "empty": "Parameter is invalid: Parameter should not be empty: {name}",
    "size": "Parameter is invalid: size must be between 1 and {limit}",
    "page": "Parameter is invalid: page must be a non-negative integer",
    "window": "Parameter is invalid: the time range of {name} cannot exceed 15 days",
    "window_order": "Parameter is invalid: {since} must be before {to}",
    "horizon": "Parameter is invalid: only orders of the last 3 months can be queried, "
               "use historicalData for older orders",
    "time_format": "Parameter is invalid: time must be ISO-8601 UTC such as "
                   "2026-11-01T00:00:00Z",
    "cursor": "Parameter is invalid: nextCursor",
    "batch": "Parameter is invalid: orderIds must contain between 1 and {limit} ids",
    "list_limit": "Parameter is invalid: {name} must contain at most {limit} items",
    "warehouse": "Warehouse {warehouse_id} does not exist",
    "stock_batch": "Parameter is invalid: stockList must contain between 1 and {limit} items",
    "unknown_sku": "Master SKU {sku} does not exist in warehouse {warehouse_id}",
    "quantity": "Parameter is invalid: quantity of {sku} must be an integer from 0 to 999998",
    "body": "Parameter is invalid: request body must be a JSON object",
}

# ----------------------------------------------------------------------------- order fields

#: the order's warehouse: no documented top-level field names it [A]; optional everywhere.
ORDER_WAREHOUSE = "warehouseId"
#: ``cancelInfo`` sub-fields "not read": assume ``{cancelReason, cancelId?, cancelNote?}`` [A].
CANCEL_REASON = "cancelReason"
CANCEL_ID = "cancelId"
CANCEL_NOTE = "cancelNote"
#: batch-get leaves unknown ids out of ``data`` rather than failing the call [A].
BATCH_GET_OMITS_UNKNOWN = True

# ------------------------------------------------------------------------------ order money

#: Ginee has no cashless flag: the net-payout estimate puts the buyer's shipping through the
#: seller's ``totalAmount`` and charges only the difference to the final cost [A].
CASHLESS = False
#: line prices include PPN; ``taxationFee`` is the tax inside them [A].
TAX_INCLUSIVE = True
#: ``totalAmount`` is what the buyer paid: lines (``actualTotalPrice``) - ``voucherSeller`` -
#: ``sellerRebate`` + ``totalShippingFee`` - ``voucherPlatform`` - ``discountPlatform`` -
#: ``coin`` [A: "added back if totalAmount is net of them"]; the seller voucher and rebate are
#: the seller's order discount (docs/money.md). The emulator builds its totals this way.
#: the emulator's default fees, as a share of the merchandise (real figures vary) [A].
EMULATOR_COMMISSION_RATE = "0.04"
EMULATOR_SERVICE_RATE = "0.02"

# --------------------------------------------------------------------------- product fields

#: list-price rows: ``{masterVariationId, masterSku, sellingPrice}`` with ``sellingPrice`` the
#: Price object ``{amount, currencyCode}`` [C1 Price object; A row].
PRICE_FIELD = "sellingPrice"
#: warehouse search rows: ``id`` [C1], ``name`` [A].
WAREHOUSE_ID = "id"
WAREHOUSE_NAME = "name"
#: set stock: ``quantity`` is the new on-hand figure, not a delta (the sample sets 30 and
#: answers 30; "verify once whether it is absolute") [A].
STOCK_UPDATE_IS_ABSOLUTE = True

# -------------------------------------------------------------------------------- webhooks

#: deliveries are deduplicated on their ``id`` ("unique per notification"); retries are
#: assumed to repeat it [A].
WEBHOOK_DEDUPE_FIELD = "id"
#: the entity whose deliveries are order hints; other modules' deliveries are stored and
#: answered 200 as ignored [A].
WEBHOOK_ORDER_ENTITY = "order"
