"""Pure functions between Forstok's JSON and the core's canonical models.

Nothing here does I/O. Every function that reads a platform record either returns the
canonical model or a ``framework.Rejected`` carrying the reason, so one bad record never stops
a stream; ``order_from_payload`` is the single place that decides what an order means.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from framework.domain import (
    Fee,
    ItemResult,
    Order,
    OrderLine,
    OrderMoney,
    OrderState,
    Product,
    Rejected,
    StockLevel,
    Subsidy,
    SubsidyType,
    Warehouse,
)
from framework.errors import PermanentError

from . import assumptions as contract
from .models import (
    ForstokItem,
    ForstokItemLine,
    ForstokOrder,
    ForstokQuantity,
    ForstokStockResult,
    ForstokVariant,
    ForstokWarehouse,
)


def status_key(status: str) -> str:
    """Return the status table's key for a Forstok status however it is spelt.

    "Not Shipped", "not-shipped" and "not_shipped" are one status; so are the documented
    names and their aliases ("Pending payment" -> ``pending``).
    """
    key = re.sub(r"[\s\-]+", "_", status.strip().lower())
    return contract.STATUS_ALIASES.get(key, key)


def map_status(status: str) -> OrderState:
    """Translate a Forstok status word into the canonical state.

    Raises:
        PermanentError: the word is not in Forstok's status table.
    """
    state = contract.STATUS_TABLE.get(status_key(status))
    if state is None:
        known = ", ".join(contract.STATUS_TABLE)
        raise PermanentError(f"unknown Forstok order status {status!r} (known: {known})",
                             fix="add the status to plugins/forstok/assumptions.py")
    return state


def channel_code(name: str | None, channel_id: int | None = None) -> str:
    """Return the upper-case channel code of a Forstok channel (``shopee`` -> ``SHOPEE``).

    The name wins; an order with only a ``channel_id`` is named from Forstok's id table.
    """
    if name and name.strip():
        known = contract.CHANNEL_CODES.get(name.strip().lower())
        return known or re.sub(r"[^A-Z0-9]+", "_", name.strip().upper()).strip("_")
    if channel_id is not None and channel_id in contract.CHANNEL_IDS:
        return contract.CHANNEL_IDS[channel_id]
    return contract.UNKNOWN_CHANNEL


def describe_invalid(error: ValidationError) -> str:
    """Turn a validation error into one readable sentence naming the fields."""
    return "; ".join(f"{'.'.join(map(str, detail['loc'])) or 'record'}: {detail['msg']}"
                     for detail in error.errors())


def _raw_text(raw: Any) -> str:
    if isinstance(raw, str):
        return raw[:4000]
    return json.dumps(raw, default=str)[:4000]


def _ref(raw: Any, key: str) -> str:
    if isinstance(raw, dict) and raw.get(key) not in (None, ""):
        return str(raw[key])
    return "?"


def _decode(raw: Any) -> Any:
    """Accept a record that arrived as embedded JSON text; ``ValueError`` if it is malformed."""
    if isinstance(raw, str | bytes):
        try:
            return json.loads(raw, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            raise ValueError(f"malformed JSON: {exc.msg} at position {exc.pos}") from exc
    return raw


def order_from_payload(raw: Any) -> Order | Rejected:
    """Map one Forstok order to an ``Order``, or a ``Rejected`` saying why it cannot be."""
    try:
        record = _decode(raw)
        if not isinstance(record, dict):
            raise ValueError(f"expected an order object, got {type(record).__name__}")
        payload = ForstokOrder.model_validate(record)
        return _order(payload)
    except ValidationError as exc:
        return Rejected(kind="order", ref=_ref(raw, "id"), reason=describe_invalid(exc),
                        raw=_raw_text(raw))
    except (ValueError, PermanentError) as exc:
        return Rejected(kind="order", ref=_ref(raw, "id"), reason=str(exc), raw=_raw_text(raw))


def order_or_raise(raw: Any) -> Order:
    """Map one Forstok order, raising ``PermanentError`` with the reason when it cannot be."""
    result = order_from_payload(raw)
    if isinstance(result, Rejected):
        raise PermanentError(f"Forstok order {result.ref} cannot be read: {result.reason}")
    return result


def _order(payload: ForstokOrder) -> Order:
    lines = order_lines(payload.item_lines)
    money = order_money(payload, lines)
    return Order(
        external_id=payload.id,
        order_number=payload.local_id or payload.id,
        channel=channel_code(payload.channel, payload.channel_id),
        shop_id=payload.store_id,
        state=map_status(payload.status),
        platform_status=payload.status,
        warehouse_id=payload.warehouse_id,
        lines=lines,
        shipping_fee=money.shipping_charged,
        discount=money.seller_discount,
        total=payload.total_price if payload.total_price is not None else buyer_total(payload),
        currency=payload.currency or contract.DEFAULT_CURRENCY,
        payment_method=payload.payment_method,
        created_at=payload.ordered_at,
        updated_at=payload.updated_at,
        paid_at=payload.paid_at,
        money=money,
    )


def order_money(payload: ForstokOrder, lines: Iterable[OrderLine]) -> OrderMoney:
    """The order's money in the core's pieces, following the reference's booking recipe.

    Line prices and line discounts stay on the lines; the header discount is the seller's;
    buyer-paid shipping is the seller's income unless ``cashless``; ``tax_price`` comes on top
    of the prices; ``channel_rebate`` is a platform rebate (other income at payout); the
    payout breakdown's fees are read where the order carries them.
    """
    rebate = _amount(payload.channel_rebate)
    fees = tuple(Fee(type=kind, amount=amount, label=name)
                 for name, kind in contract.FEE_FIELDS.items()
                 if (amount := _amount(getattr(payload, name))) > 0)
    return OrderMoney(
        seller_discount=order_discount(payload, lines),
        shipping_charged=_amount(payload.shipping_price),
        cashless=bool(payload.cashless),
        tax=_amount(payload.tax_price),
        tax_inclusive=contract.TAX_INCLUSIVE,
        fees=fees,
        subsidies=(Subsidy(type=SubsidyType.REBATE, amount=rebate, label="channel_rebate"),)
        if rebate > 0 else (),
    )


def order_lines(units: Iterable[ForstokItemLine]) -> tuple[OrderLine, ...]:
    """Group Forstok's one-unit item lines back into order lines with quantities.

    Units of one SKU at one price become one line (in first-seen order); their discounts and
    vouchers add up to the line's discount. A unit without any price cannot be booked.

    Raises:
        ValueError: a unit has no price at all.
    """
    grouped: dict[tuple[str, Decimal], list[ForstokItemLine]] = {}
    for index, unit in enumerate(units):
        price = unit.unit_price
        if price is None:
            raise ValueError(f"item_lines.{index}: sku {unit.sku} has no sale_price, price or "
                             "total_price")
        grouped.setdefault((unit.sku, price), []).append(unit)
    return tuple(
        OrderLine(sku=sku, name=_line_name(same[0]), quantity=len(same) * contract.ITEM_LINE_UNITS,
                  unit_price=price,
                  discount=sum((unit.seller_discount for unit in same), Decimal(0)))
        for (sku, price), same in grouped.items())


def _line_name(unit: ForstokItemLine) -> str:
    name, variant = (unit.name or "").strip(), (unit.variant_name or "").strip()
    if name and variant and name not in variant and variant not in name:
        return f"{name} {variant}"
    return max(name, variant, key=len) or unit.sku


def _amount(value: Decimal | None) -> Decimal:
    return value if value is not None else Decimal(0)


def order_discount(payload: ForstokOrder, lines: Iterable[OrderLine]) -> Decimal:
    """The order-level (header) seller discount: discount and voucher not carried by a line."""
    stated = _amount(payload.discount_amount) + _amount(payload.voucher_amount)
    if not contract.ORDER_DISCOUNTS_INCLUDE_LINES:
        return stated
    on_lines = sum((line.discount for line in lines), Decimal(0))
    # Lines that claim more than the order does leave no header discount (not a negative one).
    return max(stated - on_lines, Decimal(0))


def buyer_total(payload: ForstokOrder) -> Decimal:
    """What the buyer pays by the pieces, for an order that states no ``total_price``."""
    subtotal = payload.subtotal
    if subtotal is None:
        subtotal = sum((_amount(unit.unit_price) for unit in payload.item_lines), Decimal(0))
    total = subtotal - _amount(payload.discount_amount) - _amount(payload.voucher_amount)
    if not contract.TAX_INCLUSIVE:
        total += _amount(payload.tax_price)
    if contract.TOTAL_INCLUDES_SHIPPING:
        total += _amount(payload.shipping_price)
    return max(total, Decimal(0))


def products_from_item(raw: Any) -> Iterator[Product | Rejected]:
    """Yield one ``Product`` per variant SKU of an item, or a ``Rejected`` per bad variant."""
    try:
        item = ForstokItem.model_validate(raw)
    except ValidationError as exc:
        yield Rejected(kind="product", ref=_ref(raw, "id"), reason=describe_invalid(exc),
                       raw=_raw_text(raw))
        return
    for variant_raw in item.variants or []:
        yield _product(item, variant_raw)


def _product(item: ForstokItem, raw: Any) -> Product | Rejected:
    try:
        return _variant_product(item, ForstokVariant.model_validate(raw))
    except ValidationError as exc:  # Forstok's variant, or the canonical product, refused it
        ref = _ref(raw, "sku") if _ref(raw, "sku") != "?" else f"item {item.id}"
        return Rejected(kind="product", ref=ref, reason=describe_invalid(exc),
                        raw=_raw_text(raw))


def _variant_product(item: ForstokItem, variant: ForstokVariant) -> Product:
    primary = variant.quantities[0] if variant.quantities else None
    available = 0
    if primary is not None:
        available = (primary.quantity_available if primary.quantity_available is not None
                     else primary.quantity_hand)
    return Product(
        sku=variant.sku, name=variant.name, price=variant.price,
        warehouse_id=primary.warehouse_id if primary else None, available=available,
        pending_action=variant.pending_action, parent_name=item.name or None)


def warehouse_from_payload(raw: Any) -> Warehouse:
    """Map a Forstok warehouse (``PermanentError`` if it lacks an id or a name)."""
    try:
        warehouse = ForstokWarehouse.model_validate(raw)
        return Warehouse(id=warehouse.id, name=warehouse.name)
    except ValidationError as exc:
        raise PermanentError(f"Forstok warehouse cannot be read: {describe_invalid(exc)}") from exc


def stock_level_from_payload(raw: Any) -> StockLevel | Rejected:
    """Map a ``variants/quantities.json`` row to the on-hand ``StockLevel`` it reports."""
    try:
        row = ForstokQuantity.model_validate(raw)
        return StockLevel(sku=row.sku, warehouse_id=row.warehouse_id, quantity=row.quantity_hand)
    except ValidationError as exc:
        return Rejected(kind="stock", ref=_ref(raw, "sku"), reason=describe_invalid(exc),
                        raw=_raw_text(raw))


def stock_update_body(warehouse_id: str, levels: Iterable[StockLevel]) -> dict[str, Any]:
    """Build the body of ``PATCH variants/quantities.json`` for one warehouse."""
    return {"variants": [
        {"sku": level.sku, "quantity_hand": level.quantity,
         "warehouse_id": int(warehouse_id) if warehouse_id.isdigit() else warehouse_id}
        for level in levels]}


def item_results(levels: Iterable[StockLevel], answer: Any) -> list[ItemResult]:
    """Pair each sent SKU with Forstok's per-SKU verdict; a SKU left unanswered failed."""
    verdicts: dict[str, ForstokStockResult] = {}
    for row in answer if isinstance(answer, list) else []:
        try:
            verdict = ForstokStockResult.model_validate(row)
        except ValidationError:
            continue  # an unreadable verdict leaves its SKU unanswered, reported below
        verdicts[verdict.sku] = verdict
    results = []
    for level in levels:
        verdict = verdicts.get(level.sku)
        if verdict is None:
            results.append(ItemResult(sku=level.sku, ok=False,
                                      message="Forstok returned no result for this SKU"))
        else:
            results.append(ItemResult(sku=level.sku, ok=verdict.ok,
                                      message=verdict.message or verdict.status))
    return results
