"""Every assumed ([A]) part of Forstok's API contract, in one place.

Forstok's full reference is not public. The reference notes (``ginee-forstok-api.md``) confirm
the token exchange, the seller API's base path and query parameters, and the stock update body;
everything else below is a plausible contract modelled on those parts. The client, the mapping
and the emulator all read these constants, so correcting one assumption is a one-line change
here (and the tests show what it affects).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from framework.domain import OrderState

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

# ----------------------------------------------------------------------------- Orders [A]

#: Forstok's status words -> canonical states (the reference's table; RTS deducts on-hand).
STATUS_TABLE: Final[dict[str, OrderState]] = {
    "pending": OrderState.WAITING_PAYMENT,
    "open": OrderState.PAID,
    "printed": OrderState.PAID,
    "ready_to_ship": OrderState.READY_TO_SHIP,
    "shipped": OrderState.SHIPPED,
    "delivered": OrderState.DELIVERED,
    "completed": OrderState.COMPLETED,
    "cancelled": OrderState.CANCELLED,
    "returned": OrderState.RETURNED,
}

#: Forstok's channel names -> the upper-case channel codes the core keys customers by.
#: Names not listed are upper-cased with non-alphanumerics turned into ``_``.
CHANNEL_CODES: Final[dict[str, str]] = {
    "Shopee": "SHOPEE",
    "Tokopedia": "TOKOPEDIA",
    "Lazada": "LAZADA",
    "TikTok Shop": "TIKTOK",
    "Blibli": "BLIBLI",
    "Bukalapak": "BUKALAPAK",
    "Offline": "MANUAL",
}

#: the currency of an order that does not name one (Forstok is Indonesian).
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
