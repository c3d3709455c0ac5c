"""Every assumed ([A]) part of Forstok's API contract, in one place.

Forstok's full reference is not public (only the overviews of its Postman collections could be
read). The reference notes (``ginee-forstok-api.md`` v2) confirm the token exchange, the seller
API's query parameters and the stock update body [C], name the order fields and the order
actions [C1] and the statuses and channel ids [D]; every constant below carries its mark, and
what is marked [A] is a plausible contract modelled on those parts. The client, the mapping
and the emulator all read these constants, so correcting one assumption is a one-line change
here (and the tests show what it affects).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from framework.domain import FeeType, OrderState

# ----------------------------------------------------------------------------- Transport

#: path of the token exchange under ``auth_url`` [C].
AUTH_PATH: Final = "/api/v2/auth"
#: prefix of every seller API path under ``base_url`` [C].
API_PREFIX: Final = "/api/v2"
#: ``type`` sent with the token exchange for a seller account [C].
AUTH_TYPE_SELLER: Final = "seller"
#: value of the ``auth_type`` query parameter sent with every seller call [C].
AUTH_TYPE_QUERY: Final = "jwt"
#: how long a JWT lives [A].
TOKEN_LIFETIME: Final = timedelta(hours=24)
#: requests per second per token before HTTP 429 [A].
RATE_LIMIT_PER_SECOND: Final = 5
#: concurrent requests we allow ourselves per seller (Forstok states none; we stay polite).
IN_FLIGHT_PER_SELLER: Final = 5
#: seconds the emulator asks a rate-limited client to wait (``Retry-After``) [A].
RATE_LIMIT_RETRY_AFTER: Final = 1

# ---------------------------------------------------------------------------- Envelopes [A]

#: success answers are ``{"data": ..., "meta": {page, per_page, total}}``.
DATA_KEY: Final = "data"
META_KEY: Final = "meta"
#: failures are ``{"error": "message"}`` with a 4xx (or 5xx) status.
ERROR_KEY: Final = "error"
#: header carrying the platform's request id, quoted in our error reports.
REQUEST_ID_HEADER: Final = "X-Request-Id"

#: the platform's own error messages, verbatim, as the emulator answers them.
MESSAGE_TOKEN_EXPIRED: Final = "Token expired"
MESSAGE_RATE_LIMITED: Final = "Rate limit exceeded"
MESSAGE_INVALID_TOKEN: Final = "Invalid token"
MESSAGE_UNAUTHORIZED: Final = "Unauthorized"
MESSAGE_INVALID_CREDENTIALS: Final = "Invalid credentials"
MESSAGE_SERVER_ERROR: Final = "Internal Server Error"
MESSAGE_NOT_FOUND: Final = "Not found"
MESSAGE_SKU_NOT_FOUND: Final = "SKU not found"
MESSAGE_WAREHOUSE_NOT_FOUND: Final = "Warehouse not found"
MESSAGE_NEGATIVE_QUANTITY: Final = "quantity_hand must be zero or more"
MESSAGE_QUANTITY_NOT_A_NUMBER: Final = "quantity_hand must be a whole number"
MESSAGE_ORDER_NOT_FOUND: Final = "Order not found"
MESSAGE_METHOD_NOT_ALLOWED: Final = "Method not allowed"
MESSAGE_MALFORMED_BODY: Final = "Malformed JSON body"

# --------------------------------------------------------------------------- Pagination [A]

#: the largest ``per_page`` the list endpoints accept; larger values are refused with 422.
MAX_PER_PAGE: Final = 100
#: what a list endpoint uses when ``per_page`` is not given.
DEFAULT_PER_PAGE: Final = 50
#: variants per stock update call; a longer list is refused with 422.
MAX_STOCK_BATCH: Final = 100
#: orders.json sorts by ``updated_at`` then ``id``, oldest first; the client relies on it to
#: page by time (keyset) so that an order updated while pages are read is not skipped.
ORDER_LIST_SORT: Final = ("updated_at", "id")

# ------------------------------------------------------------------------------ Orders

#: the order actions; ``fulfills_seller.json`` must be routed before ``orders/{id}.json``.
CONFIRM_PATH: Final = "/api/v1/orders/confirm.json"  # body {order_id} [C1]
FULFILL_PATH: Final = "/api/v2/orders/fulfills_seller.json"  # query order_id [C1]

#: Forstok's documented statuses [D apiseller overview] as the API is assumed to spell them
#: (snake case [A]; only ``open`` is seen in clients [C]) -> canonical states. ``map_status``
#: reads a status case- and separator-insensitively, so "Not Shipped" and "not_shipped" agree.
STATUS_TABLE: Final[dict[str, OrderState]] = {
    "pending": OrderState.WAITING_PAYMENT,  # Pending payment
    "open": OrderState.PAID,  # Open: paid, to process [C]
    "not_shipped": OrderState.PAID,  # Not Shipped: accepted or packed
    "ready_to_ship": OrderState.READY_TO_SHIP,  # Forstok seed: RTS reduces on-hand
    "shipped": OrderState.SHIPPED,
    "delivered": OrderState.DELIVERED,
    "completed": OrderState.COMPLETED,  # finished and the marketplace payout is paid
    "cancelled": OrderState.CANCELLED,
    # not in the docs; kept only as tolerated inputs (the reference says so)
    "printed": OrderState.PAID,
    "returned": OrderState.RETURNED,
}
#: other spellings of the same statuses (the documented names, US English) [A].
STATUS_ALIASES: Final[dict[str, str]] = {
    "pending_payment": "pending", "canceled": "cancelled", "ready": "ready_to_ship",
}
#: what the emulator's ``confirm.json`` and ``fulfills_seller.json`` move an order to [A].
STATUS_CONFIRMED: Final = "not_shipped"
STATUS_FULFILLED: Final = "ready_to_ship"

#: one ``item_lines[]`` entry is one unit; repeated SKUs are counted as the quantity [C1].
ITEM_LINE_UNITS: Final = 1
#: an order's ``discount_amount``/``voucher_amount`` are totals that include its lines'
#: (so the order-level discount is the order figure less the lines') [A]. ``False`` reads
#: them as order-level only.
ORDER_DISCOUNTS_INCLUDE_LINES: Final = True
#: ``tax_price`` is added on top of the prices (the one client adds it to the total) [C1].
TAX_INCLUSIVE: Final = False
#: ``total_price`` is what the buyer pays, shipping included even when ``cashless`` [A]:
#: subtotal - discount_amount - voucher_amount + tax_price + shipping_price.
TOTAL_INCLUDES_SHIPPING: Final = True

#: the payout's fees, named after Forstok's "Payment Received" breakdown (Service Fee:
#: service, platform, commission, admin and programme fees; Shipping Difference) [D help
#: centre]. The API field names are unknown [A]; an order without them carries no fee.
FEE_FIELDS: Final[dict[str, FeeType]] = {
    "service_fee": FeeType.SERVICE, "shipping_difference": FeeType.SHIPPING_DIFFERENCE,
}

#: Forstok's channel names (``channel``, lower case [C1]) -> the channel codes the core keys
#: customers by. Names not listed are upper-cased with non-alphanumerics turned into ``_``.
CHANNEL_CODES: Final[dict[str, str]] = {
    "shopee": "SHOPEE", "tokopedia": "TOKOPEDIA", "lazada": "LAZADA", "tiktok": "TIKTOK",
    "tiktok shop": "TIKTOK", "blibli": "BLIBLI", "bukalapak": "BUKALAPAK", "zalora": "ZALORA",
    "zalora indonesia": "ZALORA", "offline": "MANUAL", "sales order": "MANUAL",
    "manual so": "MANUAL",
}
#: Forstok's channel ids [D apiseller overview] -> channel codes, for an order that carries a
#: ``channel_id`` but no ``channel`` name.
CHANNEL_IDS: Final[dict[int, str]] = {
    2: "SHOPIFY", 3: "LAZADA", 5: "BLANJA", 6: "MATAHARI_MALL", 7: "MAGENTO", 8: "ELEVENIA",
    9: "BLIBLI", 10: "MAGENTO", 11: "BUKALAPAK", 12: "SHOPEE", 13: "ZALORA", 15: "TOKOPEDIA",
    16: "JD_ID", 18: "ZILINGO", 19: "WOOCOMMERCE", 21: "MANUAL", 10017: "GRABMART",
    10030: "TIKTOK", 3532: "ALADIN_MALL",
}
#: the channel of an order that names none.
UNKNOWN_CHANNEL: Final = "FORSTOK"

#: the currency of an order that does not name one (Forstok is Indonesian) [A].
DEFAULT_CURRENCY: Final = "IDR"

# ---------------------------------------------------------------------------- Products [A]

#: per-warehouse stock of a variant is a list of ``{warehouse_id, quantity_hand,
#: quantity_available}``; a ``Product`` reports the first-listed warehouse (Forstok lists the
#: seller's primary warehouse first) and its available quantity.
VARIANT_STOCK_KEY: Final = "quantities"

# ---------------------------------------------------------------------------- Webhooks [A]

WEBHOOK_SIGNATURE_HEADER: Final = "X-Forstok-Signature"
WEBHOOK_EVENT_ORDER_UPDATED: Final = "order.updated"
#: a webhook whose ``updated_at`` is older than this is refused as stale (a replay); the
#: platform retries for minutes, not days, and the poll catches anything older anyway.
WEBHOOK_MAX_AGE: Final = timedelta(hours=24)
#: clock skew tolerated for a webhook dated in the future.
WEBHOOK_MAX_SKEW: Final = timedelta(minutes=5)
