"""Pure functions from Ginee's JSON to the core's models (and the status table).

Nothing here does I/O. A record that cannot be read becomes a ``framework.Rejected`` with the
reason and the raw JSON, so one bad order or variant never stops a stream.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from framework.domain import Order, OrderLine, OrderState, Product, Rejected, StockLevel
from framework.errors import PermanentError

from .models import GineeMasterProduct, GineeOrder, GineeOrderItem, GineeStockRow, GineeVariation

#: Ginee order status -> canonical state; covers every status of the reference, [C] and [A].
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
    """Map a validated Ginee order to the canonical ``Order``.

    Raises:
        PermanentError: the status is unknown or an item has no price.
        pydantic.ValidationError: the canonical model refuses a value.
    """
    return Order(
        external_id=order.order_id,
        order_number=order.external_order_sn or order.external_order_id or order.order_id,
        channel=order.channel.upper(),
        shop_id=order.shop_id,
        state=canonical_state(order.order_status),
        platform_status=order.order_status,
        warehouse_id=order.warehouse_id,
        lines=tuple(_line(item) for item in order.items),
        shipping_fee=order.shipping_fee,
        discount=order.discount,
        total=order.total_amount,
        currency=order.currency,
        payment_method=order.payment_method,
        created_at=order.create_at,
        updated_at=order.update_at,
        paid_at=order.pay_at,
    )


def _line(item: GineeOrderItem) -> OrderLine:
    unit_price = item.unit_price if item.unit_price is not None else item.list_price
    if unit_price is None:
        raise PermanentError(f"item {item.master_sku} has no price")
    return OrderLine(sku=item.master_sku, name=item.product_name, quantity=item.quantity,
                     unit_price=unit_price, discount=item.discount)


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
    """Yield one ``Product`` per variant of a master product (``Rejected`` when incomplete).

    Args:
        raw: the master product row as Ginee sent it.
        prices: selling price per master variation id.
        stock: warehouse stock rows per master SKU.
        warehouse_id: count stock in this warehouse; ``None`` takes the first warehouse in
            which the SKU has a stock row (Ginee lists rows in warehouse order).
    """
    data = _as_object(raw)
    try:
        product = GineeMasterProduct.model_validate(data)
    except ValidationError as exc:
        ref = str(data.get("productId") or "?") if data else "?"
        yield Rejected(kind="product", ref=ref, raw=raw_text(raw),
                       reason=f"cannot read Ginee master product: {describe_validation(exc)}")
        return
    if not product.variations:
        yield Rejected(kind="product", ref=product.product_id, raw=raw_text(raw),
                       reason="master product has no variations")
    for variation in product.variations:
        yield _product(product, variation, prices, stock, warehouse_id)


def _product(
    product: GineeMasterProduct,
    raw: dict[str, Any],
    prices: Mapping[str, Decimal],
    stock: Mapping[str, Sequence[GineeStockRow]],
    warehouse_id: str | None,
) -> Product | Rejected:
    try:
        variation = GineeVariation.model_validate(raw)
    except ValidationError as exc:
        ref = str(raw.get("masterSku") or raw.get("masterVariationId") or product.product_id)
        return Rejected(kind="product", ref=ref, raw=raw_text(raw),
                        reason=f"incomplete variant of {product.name!r}: "
                               f"{describe_validation(exc)}")
    price = prices.get(variation.master_variation_id)
    if price is None:
        return Rejected(kind="product", ref=variation.master_sku, raw=raw_text(raw),
                        reason=f"variant {variation.master_sku} has no selling price")
    row = _stock_row(stock.get(variation.master_sku, ()), warehouse_id)
    return Product(
        sku=variation.master_sku,
        name=variant_name(product.name, variation.option_values),
        price=price,
        warehouse_id=row.warehouse_id if row else warehouse_id,
        available=row.available_stock if row else 0,
        pending_action=variation.pending_action,
        parent_name=product.name,
    )


def _stock_row(rows: Sequence[GineeStockRow], warehouse_id: str | None) -> GineeStockRow | None:
    for row in rows:
        if warehouse_id is None or row.warehouse_id == warehouse_id:
            return row
    return None


def stock_level(row: GineeStockRow) -> StockLevel:
    """Return the on-hand (warehouse) stock of one stock row."""
    return StockLevel(sku=row.sku, warehouse_id=row.warehouse_id, quantity=row.warehouse_stock)
