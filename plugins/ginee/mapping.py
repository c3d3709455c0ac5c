"""Pure functions from Ginee's JSON to the core's models (and the status table).

Nothing here does I/O. A record that cannot be read becomes a ``framework.Rejected`` with the
reason and the raw JSON, so one bad order or variant never stops a stream.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from decimal import ROUND_CEILING, Decimal
from typing import Any

from pydantic import ValidationError

from framework.domain import (
    Fee,
    FeeType,
    Order,
    OrderLine,
    OrderMoney,
    OrderState,
    PlatformDiscount,
    PlatformDiscountType,
    Product,
    Refund,
    Rejected,
    StockLevel,
)
from framework.errors import PermanentError

from . import assumptions as A
from .models import (
    GineeMasterProduct,
    GineeOrder,
    GineeOrderItem,
    GineeStockRow,
    GineeVariationBrief,
)

#: Ginee order status -> canonical state: the Dictionary's statuses [D] plus ``COMPLETED``,
#: which only one client uses [C1]. An unknown status is refused (kept raw, never acted on).
STATUS_MAP: dict[str, OrderState] = {
    "PENDING_PAYMENT": OrderState.WAITING_PAYMENT,
    "PARTIALLY_PAID": OrderState.WAITING_PAYMENT,
    "PAID": OrderState.PAID,
    "READY_TO_SHIP": OrderState.READY_TO_SHIP,
    "SHIPPING": OrderState.SHIPPED,
    "DELIVERED": OrderState.DELIVERED,
    "COMPLETED": OrderState.COMPLETED,
    "CANCELLED": OrderState.CANCELLED,
    "RETURNED": OrderState.RETURNED,
}

#: Ginee channel code [D Dictionary] -> the canonical channel jembatan maps accounts by (the
#: same words Forstok's channel names give). An unlisted ``X_ID`` code reads as ``X``.
CHANNELS: dict[str, str] = {
    "SHOPEE_ID": "SHOPEE", "LAZADA_ID": "LAZADA", "TOKOPEDIA_ID": "TOKOPEDIA",
    "BUKALAPAK_ID": "BUKALAPAK", "BLIBLI_ID": "BLIBLI", "TIKI_ID": "TIKI",
    "TIKTOK_ID": "TIKTOK", "SHOPIFY_ID": "SHOPIFY", "WOO_COMMERCE_ID": "WOOCOMMERCE",
    "ZALORA_ID": "ZALORA", "AKULAKU_ID": "AKULAKU", "GENIE_MASTER": "GINEE",
    "MANUAL_ID": "MANUAL",
}


def canonical_channel(code: str) -> str:
    """Return the canonical channel of a Ginee channel code (``SHOPEE_ID`` -> ``SHOPEE``)."""
    code = code.strip().upper()
    if code in CHANNELS:
        return CHANNELS[code]
    return code.removesuffix("_ID") or code


CENT = Decimal("0.01")
#: states in which ``closeAt`` is the delivery (completion) time.
DELIVERED_STATES = frozenset({OrderState.DELIVERED, OrderState.COMPLETED})


def canonical_state(platform_status: str) -> OrderState:
    """Return the canonical state of a Ginee order status.

    Raises:
        PermanentError: the status is not one Ginee is known to use.
    """
    try:
        return STATUS_MAP[platform_status]
    except KeyError:
        known = ", ".join(STATUS_MAP)
        raise PermanentError(f"unknown Ginee order status {platform_status!r} (known: {known})",
                             fix="add it to plugins/ginee/mapping.py STATUS_MAP") from None


def raw_text(raw: Any) -> str:
    """Return the platform's JSON as text for a record (``Decimal`` kept exact)."""
    if isinstance(raw, str):
        return raw
    return json.dumps(raw, default=str, ensure_ascii=False)


def describe_validation(error: ValidationError) -> str:
    """Summarise a pydantic error as one readable line (field path and problem)."""
    parts = []
    for detail in error.errors():
        where = ".".join(str(part) for part in detail["loc"]) or "record"
        parts.append(f"{where}: {detail['msg']}")
    return "; ".join(parts)


def _as_object(raw: Any) -> dict[str, Any] | None:
    if isinstance(raw, str | bytes):
        try:
            raw = json.loads(raw)
        except ValueError:
            return None
    return raw if isinstance(raw, dict) else None


def order_from_json(raw: Any) -> Order | Rejected:
    """Map one batch-get order to an ``Order``, or a ``Rejected`` saying why it cannot be.

    Args:
        raw: the order object (or its JSON text) exactly as Ginee sent it.
    """
    data = _as_object(raw)
    if data is None:
        return Rejected(kind="order", ref="?", reason="malformed order JSON: not an object",
                        raw=raw_text(raw))
    ref = str(data.get("orderId") or "?")
    try:
        return order_from_model(GineeOrder.model_validate(data))
    except ValidationError as exc:
        reason = f"cannot read Ginee order: {describe_validation(exc)}"
    except PermanentError as exc:
        reason = exc.message
    return Rejected(kind="order", ref=ref, reason=reason, raw=raw_text(data))


def order_from_model(order: GineeOrder) -> Order:
    """Map a validated Ginee order to the canonical ``Order`` (money in ``Order.money``).

    Raises:
        PermanentError: the status is unknown or an item has no master SKU or price.
        pydantic.ValidationError: the canonical model refuses a value.
    """
    state = canonical_state(order.order_status)
    money = order_money(order)
    return Order(
        external_id=order.order_id,
        order_number=order.external_order_sn or order.external_order_id or order.order_id,
        channel=canonical_channel(order.channel),
        shop_id=order.shop_id,
        state=state,
        platform_status=order.order_status,
        warehouse_id=order.warehouse_id,
        lines=tuple(_line(item) for item in order.items),
        shipping_fee=money.shipping_charged,
        discount=money.seller_discount,
        total=order.total_amount,
        currency=order.currency or "IDR",
        payment_method=order.payment_method,
        created_at=order.create_at,
        updated_at=order.last_update_at,
        paid_at=order.pay_at,
        delivered_at=order.close_at if state in DELIVERED_STATES else None,
        money=money,
    )


def _line(item: GineeOrderItem) -> OrderLine:
    """One line at the seller's price; what the line lost to seller discounts is its discount.

    ``actualTotalPrice`` is what the line sells for [C1]; ``originalPrice`` the list price. A
    gift line is booked at zero [C1 isGift].
    """
    sku = item.master_sku
    if not sku:
        raise PermanentError(f"item {item.sku or item.item_id or '?'} has no masterSku: "
                             "the channel SKU is not bound to a master product in Ginee",
                             fix="bind the channel SKU to a master SKU in Ginee, then re-push")
    name = item.product_name or sku
    if item.variation_name:
        name = f"{name} - {item.variation_name}"
    if item.is_gift:
        return OrderLine(sku=sku, name=name, quantity=item.quantity, unit_price=Decimal(0))
    total = item.actual_total_price
    if total is None and item.actual_price is not None:
        total = item.actual_price * item.quantity
    unit = item.original_price if item.original_price is not None else item.actual_price
    if total is None:
        if unit is None:
            raise PermanentError(f"item {sku} has no price")
        total = unit * item.quantity
    if unit is None or unit * item.quantity < total:
        # no list price, or one below what the line sold for: the sold price per unit, rounded
        # up to the cent so that the line's discount (never negative) absorbs the rounding
        unit = (total / item.quantity).quantize(CENT, rounding=ROUND_CEILING)
    return OrderLine(sku=sku, name=name, quantity=item.quantity, unit_price=unit,
                     discount=unit * item.quantity - total)


def order_money(order: GineeOrder) -> OrderMoney:
    """Return the canonical money pieces of an order from its ``paymentInfo``.

    Following the reference's booking recipe and net-payout estimate [A] (and
    docs/money.md): the seller voucher and the seller rebate are the seller's order discount;
    platform vouchers, discounts and coins are platform-funded cuts (``totalAmount`` is
    assumed net of them); commission, service and card fees, a final
    shipping cost above what the buyer paid, and seller-funded coin cashback are fees; the
    return refund is a refund. ``insuranceFee`` and ``totalDiscounts`` stay on the Ginee model
    only (who bears the insurance is not known; ``totalDiscounts`` repeats the pieces).
    """
    pay = order.payment
    shipping_final = pay.final_shipping_fee if "final_shipping_fee" in pay.model_fields_set \
        else None
    cuts = [PlatformDiscount(type=kind, amount=amount, label=label)
            for kind, amount, label in (
                (PlatformDiscountType.VOUCHER, pay.voucher_platform, "voucherPlatform"),
                (PlatformDiscountType.DISCOUNT, pay.discount_platform, "discountPlatform"),
                (PlatformDiscountType.COINS, pay.coin, "coin")) if amount > 0]
    difference = (shipping_final or Decimal(0)) - pay.total_shipping_fee
    fees = [Fee(type=kind, amount=amount, label=label) for kind, amount, label in (
        (FeeType.COMMISSION, pay.commission_fee, "commissionFee"),
        (FeeType.SERVICE, pay.service_fee, "serviceFee"),
        (FeeType.PAYMENT, pay.credit_card_service_fee, "creditCardServiceFee"),
        (FeeType.SHIPPING_DIFFERENCE, max(difference, Decimal(0)), "finalShippingFee"),
        (FeeType.SELLER_VOUCHER, pay.coin_cash_back, "coinCashBack")) if amount > 0]
    refunds = [Refund(amount=pay.seller_return_refund_amount,
                      reason="sellerReturnRefundAmount")] \
        if pay.seller_return_refund_amount > 0 else []
    return OrderMoney(
        seller_discount=pay.voucher_seller + pay.seller_rebate, platform_discounts=tuple(cuts),
        shipping_charged=pay.total_shipping_fee, shipping_final=shipping_final,
        cashless=A.CASHLESS, tax=pay.taxation_fee, tax_inclusive=A.TAX_INCLUSIVE,
        fees=tuple(fees), refunds=tuple(refunds), stated_net=order.seller_total_amount)


def variant_name(product_name: str, options: Sequence[str]) -> str:
    """Return the item name of one variant: the product's name plus its option values."""
    options = [option.strip() for option in options if option.strip()]
    return f"{product_name} - {' / '.join(options)}" if options else product_name


def products_from_master(
    raw: Any,
    prices: Mapping[str, Decimal],
    stock: Mapping[str, Sequence[GineeStockRow]],
    warehouse_id: str | None = None,
) -> Iterator[Product | Rejected]:
    """Yield one ``Product`` per ``variationBriefs[]`` entry (``Rejected`` when incomplete).

    Args:
        raw: the master product row as Ginee sent it.
        prices: selling price per master variation id.
        stock: warehouse stock rows per master SKU.
        warehouse_id: count stock in this warehouse; ``None`` takes the first warehouse in
            which the SKU has a stock row.
    """
    data = _as_object(raw)
    try:
        product = GineeMasterProduct.model_validate(data)
    except ValidationError as exc:
        ref = str(data.get("productId") or "?") if data else "?"
        yield Rejected(kind="product", ref=ref, raw=raw_text(raw),
                       reason=f"cannot read Ginee master product: {describe_validation(exc)}")
        return
    if not product.variation_briefs:
        yield Rejected(kind="product", ref=product.product_id, raw=raw_text(raw),
                       reason="master product has no variations")
    for variation in product.variation_briefs:
        yield _product(product, variation, prices, stock, warehouse_id)


def _product(
    product: GineeMasterProduct,
    raw: Any,
    prices: Mapping[str, Decimal],
    stock: Mapping[str, Sequence[GineeStockRow]],
    warehouse_id: str | None,
) -> Product | Rejected:
    try:
        variation = GineeVariationBrief.model_validate(raw)
    except ValidationError as exc:
        ref = str(raw.get("sku") or raw.get("id") or product.product_id) \
            if isinstance(raw, dict) else product.product_id
        return Rejected(kind="product", ref=ref, raw=raw_text(raw),
                        reason=f"incomplete variant of {product.name!r}: "
                               f"{describe_validation(exc)}")
    price = prices.get(variation.id)
    if price is None:
        return Rejected(kind="product", ref=variation.sku, raw=raw_text(raw),
                        reason=f"variant {variation.sku} has no selling price")
    row = _stock_row(stock.get(variation.sku, ()), warehouse_id)
    return Product(
        sku=variation.sku,
        name=variant_name(product.name, variation.option_values),
        price=price,
        warehouse_id=row.warehouse_id if row else warehouse_id,
        available=row.inventory.available_stock if row else 0,
        parent_name=product.name,
    )


def _stock_row(rows: Sequence[GineeStockRow], warehouse_id: str | None) -> GineeStockRow | None:
    for row in rows:
        if warehouse_id is None or row.warehouse_id == warehouse_id:
            return row
    return None


def stock_level(row: GineeStockRow) -> StockLevel:
    """Return the on-hand (warehouse) stock of one stock row."""
    return StockLevel(sku=row.sku, warehouse_id=row.warehouse_id,
                      quantity=row.inventory.warehouse_stock)
