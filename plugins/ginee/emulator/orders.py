"""Ginee orders as the emulator serves them: detail object, list row, webhook delivery.

The shapes follow the reference's "Order detail", "List orders" and "Webhooks".

Money is held as ``Decimal`` and served as JSON numbers. ``totalAmount`` is built the way
``assumptions`` reads it: lines (``actualTotalPrice``) - ``voucherSeller`` - ``sellerRebate``
+ ``totalShippingFee`` - the platform-funded vouchers, discounts and coins.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .. import assumptions as A

#: top-level fields of the detail object that the list row carries too [D].
ROW_FIELDS = (
    "orderId", "channel", "shopId", "orderType", "orderStatus", "country", "currency",
    "totalAmount", "paymentMethod", "payAt", "promisedToShipBefore", "createAt", "closeAt",
    "lastUpdateAt", "externalShopId", "externalOrderId", "externalOrderSn",
    "externalOrderStatus", "externalCreateAt", "externalUpdateAt",
    # seen stored from the row by clients [C1]
    "isCod", "problemOrderTypes", "purchasedOn",
)
#: the paymentInfo money fields [C1], all served (0 when nothing applies).
PAYMENT_FIELDS = (
    "totalAmount", "totalShippingFee", "finalShippingFee", "insuranceFee", "taxationFee",
    "totalDiscounts", "voucherSeller", "voucherPlatform", "discountPlatform", "sellerRebate",
    "coin", "coinCashBack", "commissionFee", "serviceFee", "creditCardServiceFee",
    "sellerReturnRefundAmount",
)
#: the platform-funded cuts the buyer's total is net of [A].
PLATFORM_CUTS = ("voucherPlatform", "discountPlatform", "coin")
#: what the marketplace itself calls each status (``externalOrderStatus``, raw) [A].
EXTERNAL_STATUS = {
    "PENDING_PAYMENT": "UNPAID", "PARTIALLY_PAID": "UNPAID", "PAID": "READY_TO_PROCESS",
    "READY_TO_SHIP": "PROCESSED", "SHIPPING": "SHIPPED", "DELIVERED": "TO_CONFIRM_RECEIVE",
    "COMPLETED": "COMPLETED", "CANCELLED": "CANCELLED", "RETURNED": "TO_RETURN",
}
#: statuses in which the goods left the warehouse (a tracking number exists).
SHIPPED_OUT = frozenset({"READY_TO_SHIP", "SHIPPING", "DELIVERED", "COMPLETED", "RETURNED"})
RUPIAH = Decimal(1)
CENT = Decimal("0.01")


def iso(moment: datetime) -> str:
    """Format a time as Ginee does (ISO-8601 UTC, seconds)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def channel_code(channel: str) -> str:
    """Return a Dictionary channel code: ``SHOPEE`` -> ``SHOPEE_ID``; codes stay as they are."""
    code = channel.strip().upper()
    if code.endswith("_ID") or code == "GENIE_MASTER":
        return code
    return f"{code}_ID"


def _item(number: int, line: Sequence[Any], name: str, status: str) -> dict[str, Any]:
    sku, qty, price = line[0], int(line[1]), Decimal(str(line[2]))
    line_discount = Decimal(str(line[3])) if len(line) > 3 else Decimal(0)
    gift = bool(line[4]) if len(line) > 4 else False
    total = Decimal(0) if gift else price * qty - line_discount
    return {
        "itemId": f"IT{number:06d}", "productName": name, "productImageUrl": None,
        "variationName": None, "spu": sku.rsplit("-", 1)[0], "sku": sku, "masterSku": sku,
        "masterSkuType": "NORMAL", "quantity": qty,
        "actualPrice": (total / qty).quantize(CENT), "actualTotalPrice": total,
        "originalPrice": price, "originalTotalPrice": price * qty,
        "discountedPrice": line_discount, "externalItemId": f"EI{number:06d}",
        "externalVariationId": f"EV{number:06d}", "externalProductId": f"EP{number:06d}",
        "externalOrderItemStatus": EXTERNAL_STATUS.get(status, status), "isGift": gift,
        "isFulfilByPlatform": False, "bundleSkus": [],
    }


def payment_info(items: list[dict[str, Any]], shipping_fee: Decimal, discount: Decimal,
                 overrides: dict[str, Any]) -> dict[str, Any]:
    """Return ``paymentInfo``: every money field, default fees, the buyer's total."""
    merchandise = sum((item["actualTotalPrice"] for item in items), Decimal(0))
    info = dict.fromkeys(PAYMENT_FIELDS, Decimal(0))
    info.update({
        "totalShippingFee": shipping_fee, "finalShippingFee": shipping_fee,
        "voucherSeller": discount,
        "commissionFee": (merchandise * Decimal(A.EMULATOR_COMMISSION_RATE)).quantize(
            RUPIAH, ROUND_HALF_UP),
        "serviceFee": (merchandise * Decimal(A.EMULATOR_SERVICE_RATE)).quantize(
            RUPIAH, ROUND_HALF_UP),
    })
    info.update({key: Decimal(str(value)) for key, value in overrides.items()
                 if key in PAYMENT_FIELDS})
    cuts = sum((info[key] for key in PLATFORM_CUTS), Decimal(0))
    item_discounts = sum((item["discountedPrice"] for item in items), Decimal(0))
    if "totalDiscounts" not in overrides:
        info["totalDiscounts"] = info["voucherSeller"] + cuts + item_discounts
    if "totalAmount" not in overrides:
        info["totalAmount"] = (merchandise - info["voucherSeller"] - info["sellerRebate"]
                               + info["totalShippingFee"] - cuts)
    return {"currency": "IDR", **info}


def build_order(*, order_id: str, shop: dict[str, Any], warehouse_id: str,  # noqa: PLR0913
                lines: list[tuple[Any, ...]], names: dict[str, str], status: str,
                stamp: datetime, shipping_fee: Decimal, discount: Decimal,
                payment: dict[str, Any], cod: bool) -> dict[str, Any]:
    """Return a new order in the documented detail shape."""
    number = order_id[2:]
    items = [_item(index + 1, line, names[line[0]], status) for index, line in enumerate(lines)]
    pay = payment_info(items, shipping_fee, discount, payment)
    prefix = shop["channel"][:3]
    return {
        "orderId": order_id, "channel": shop["channel"], "purchasedOn": None,
        "shopId": shop["shopId"], "orderType": "NORMAL", "orderStatus": status,
        "country": "ID", "currency": "IDR", "fakerOrder": False,
        "totalAmount": pay["totalAmount"], "paymentMethod": "COD" if cod else "PREPAY",
        "problemOrderTypes": [], "isCod": cod, "payAt": None,
        "promisedToShipBefore": iso(stamp + timedelta(days=2)), "createAt": iso(stamp),
        "closeAt": None, "lastUpdateAt": iso(stamp), "externalShopId": shop["externalShopId"],
        "externalOrderId": f"{prefix}{number}", "externalOrderSn": f"{prefix}-{number}",
        "externalOrderStatus": EXTERNAL_STATUS.get(status, status),
        "externalCreateAt": iso(stamp), "externalUpdateAt": iso(stamp),
        A.ORDER_WAREHOUSE: warehouse_id,
        "customerInfo": {"customerId": f"CU{number}", "externalCustomerId": f"EC{number}",
                         "name": f"Pembeli {number}", "mobile": "62812****678",
                         "email": None},
        "paymentInfo": pay,
        "shippingAddressInfo": {"name": f"Pembeli {number}", "phoneNumber": "62812****678",
                                "country": "ID", "province": "DKI Jakarta",
                                "city": "Jakarta Selatan", "district": "Kebayoran Baru",
                                "zipCode": "12110", "fullAddress": "Jl. Senopati No. 1"},
        "senderAddressInfo": None, "billingAddressInfo": None,
        "items": items, "logisticsInfos": [], "cancelInfo": None, "extraInfo": {},
        "printInfo": {"labelPrintStatus": "NOT_PRINTED", "labelPrintTime": None},
    }


def apply_status_fields(payload: dict[str, Any], status: str, stamp: datetime) -> None:
    """Set what a status change changes in the order's JSON (times, logistics, cancel)."""
    moment = iso(stamp)
    payload.update({"orderStatus": status, "lastUpdateAt": moment, "externalUpdateAt": moment,
                    "externalOrderStatus": EXTERNAL_STATUS.get(status, status)})
    for item in payload["items"]:
        item["externalOrderItemStatus"] = payload["externalOrderStatus"]
    if status not in ("PENDING_PAYMENT", "PARTIALLY_PAID", "CANCELLED") and not payload["payAt"]:
        payload["payAt"] = moment
    if status in SHIPPED_OUT and not payload["logisticsInfos"]:
        payload["logisticsInfos"] = [{"logisticsTrackingNumber": f"JNE{payload['orderId'][2:]}",
                                      "logisticsProviderName": "JNE Reguler",
                                      "logisticsDeliveryType": "PICK_UP"}]
        payload["printInfo"] = {"labelPrintStatus": "PRINTED", "labelPrintTime": moment}
    if status in ("DELIVERED", "COMPLETED") and not payload["closeAt"]:
        payload["closeAt"] = moment
    if status == "CANCELLED" and not payload["cancelInfo"]:
        payload["cancelInfo"] = {A.CANCEL_REASON: "CUSTOMER_PROBLEM", A.CANCEL_ID: None,
                                 A.CANCEL_NOTE: "Dibatalkan pembeli"}


def list_row(payload: dict[str, Any], cursor: list[Any]) -> dict[str, Any]:
    """Return the list-order row of an order: its top-level fields and its own cursor [D]."""
    return {**{key: payload.get(key) for key in ROW_FIELDS}, "nextCursor": cursor}


def webhook_body(notification_id: str, action: str, payload: dict[str, Any],
                 now: datetime) -> dict[str, Any]:
    """Return a delivery ``{id, entity, action, createAt, payload}`` [D] for an order change."""
    keys = ("orderId", "channel", "shopId", "externalShopId", "orderStatus", "createAt",
            "payAt", "lastUpdateAt", "externalOrderSn")
    return {"id": notification_id, "entity": A.WEBHOOK_ORDER_ENTITY, "action": action,
            "createAt": iso(now), "payload": {key: payload.get(key) for key in keys}}
