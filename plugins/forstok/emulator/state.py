"""What the Forstok emulator holds: shops, warehouses, items, stock and orders over time.

Plain Python state with no HTTP in it, so tests and ``app`` share one model. Stock follows the
Forstok seed: an order reserves its quantities while ``pending``/``open``/``not_shipped`` and
deducts them from on-hand when it reaches ``ready_to_ship`` (or any later status first); a
cancellation after that puts them back, a return leaves stock to the operator. Orders are
served in the reference's shape: ``item_lines[]`` one per unit, the order's money fields.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from .. import assumptions as contract
from ..mapping import channel_code

RESERVING = frozenset({"pending", "open", "not_shipped", "printed"})
DEDUCTED = frozenset({"ready_to_ship", "shipped", "delivered", "completed", "returned"})
_UNPAID = frozenset({"pending", "cancelled"})
_CENT = Decimal("0.01")


def money(value: Any) -> Decimal:
    """Read an amount given as int, str or Decimal (floats lose cents: refused)."""
    if isinstance(value, float):
        raise TypeError(f"amount {value!r} is a float; give a string or Decimal")
    return Decimal(str(value)).quantize(_CENT)


def wire_amount(value: Decimal, as_string: bool = False) -> Any:
    """An amount as the API writes it: a JSON number (a numeric string with ``as_string``)."""
    if as_string:
        return str(value)
    return int(value) if value == value.to_integral_value() else float(value)


@dataclass
class Variant:
    """A sellable variant (master SKU) of an item."""

    id: int
    sku: str
    name: str
    price: Decimal
    product_id: int
    pending_action: bool = False


@dataclass
class Line:
    """Units of one SKU in an emulated order (served as one ``item_lines[]`` entry a unit)."""

    sku: str
    name: str
    variant_name: str
    quantity: int
    price: Decimal
    sale_price: Decimal
    discount: Decimal = Decimal(0)  # per unit, seller-funded
    voucher: Decimal = Decimal(0)  # per unit, seller-funded
    tax: Decimal = Decimal(0)  # per unit

    @property
    def unit_total(self) -> Decimal:
        """One unit's ``total_price``."""
        return self.sale_price - self.discount - self.voucher + self.tax


@dataclass
class EmulatedOrder:
    """An order as Forstok keeps it."""

    id: int
    local_id: str
    shop_id: int
    warehouse_id: int
    status: str
    lines: list[Line]
    created_at: datetime
    updated_at: datetime
    shipping_fee: Decimal = Decimal(0)
    discount: Decimal = Decimal(0)  # order-level, on top of the lines'
    voucher: Decimal = Decimal(0)  # order-level, on top of the lines'
    channel_rebate: Decimal = Decimal(0)
    cashless: bool = False
    #: the payout breakdown's fees, served only when given (their names are [A])
    fees: dict[str, Decimal] = field(default_factory=dict)
    shipping_provider: str = "J&T Express"
    awb: str | None = None
    paid_at: datetime | None = None
    deducted: bool = False
    history: list[str] = field(default_factory=list)

    @property
    def subtotal(self) -> Decimal:
        """The sum of the units' selling prices."""
        return sum((line.sale_price * line.quantity for line in self.lines), Decimal(0))

    @property
    def discount_amount(self) -> Decimal:
        """The order's discounts, its lines' included (``ORDER_DISCOUNTS_INCLUDE_LINES``)."""
        return self.discount + sum((line.discount * line.quantity for line in self.lines),
                                   Decimal(0))

    @property
    def voucher_amount(self) -> Decimal:
        """The order's vouchers, its lines' included."""
        return self.voucher + sum((line.voucher * line.quantity for line in self.lines),
                                  Decimal(0))

    @property
    def tax_price(self) -> Decimal:
        """The order's tax, on top of the prices."""
        return sum((line.tax * line.quantity for line in self.lines), Decimal(0))

    @property
    def total(self) -> Decimal:
        """What the buyer pays: subtotal - discounts - vouchers + tax + shipping."""
        return (self.subtotal - self.discount_amount - self.voucher_amount + self.tax_price
                + self.shipping_fee)


class ForstokState:
    """Everything one emulated Forstok seller account holds.

    Args:
        now: the clock; every ``updated_at`` and token expiry reads it.
    """

    def __init__(self, now: Callable[[], datetime], profile_id: int | None = None) -> None:
        self.now = now
        self.profile_id = profile_id
        #: write amounts as numeric strings instead of JSON numbers (both are read).
        self.amounts_as_strings = False
        self.shops: dict[int, dict[str, Any]] = {}
        self.warehouses: dict[int, str] = {}
        self.products: dict[int, dict[str, Any]] = {}
        self.variants: dict[str, Variant] = {}
        self.on_hand: dict[tuple[int, str], int] = {}
        self.orders: dict[int, EmulatedOrder] = {}
        #: raw order JSON served as-is (tests of bad platform data), with its sort time.
        self.raw_orders: list[tuple[datetime, Any]] = []
        #: per-order field overrides applied when serving (``None`` deletes the field).
        self.overrides: dict[int, dict[str, Any]] = {}
        self._ids = itertools.count(1001)

    # ------------------------------------------------------------------------- catalogue

    def add_shop(self, channel: str, name: str | None = None) -> int:
        """Add a marketplace shop on ``channel`` (``Shopee``, ``Tokopedia``...)."""
        shop_id = next(self._ids)
        self.shops[shop_id] = {"id": shop_id, "channel": channel,
                               "name": name or f"Toko {channel} {shop_id}"}
        return shop_id

    def add_warehouse(self, name: str) -> int:
        """Add a warehouse; the first one added is the seller's primary warehouse."""
        warehouse_id = next(self._ids)
        self.warehouses[warehouse_id] = name
        return warehouse_id

    def add_product(self, name: str, variants: Iterable[dict[str, Any]]) -> int:
        """Add an item with its variants (``sku``, ``price``, ``stock``, optional ``name``)."""
        product_id = next(self._ids)
        skus = []
        for spec in variants:
            sku = str(spec["sku"])
            if sku in self.variants:
                raise ValueError(f"SKU {sku} already exists")
            self.variants[sku] = Variant(
                id=next(self._ids), sku=sku, name=str(spec.get("name") or f"{name} {sku}"),
                price=money(spec["price"]), product_id=product_id,
                pending_action=bool(spec.get("pending_action", False)))
            for warehouse_id, quantity in dict(spec.get("stock") or {}).items():
                self._require_warehouse(int(warehouse_id))
                self.on_hand[(int(warehouse_id), sku)] = int(quantity)
            skus.append(sku)
        self.products[product_id] = {"id": product_id, "name": name, "skus": skus}
        return product_id

    def stock(self, warehouse_id: int, sku: str) -> int:
        """Return the on-hand quantity of ``sku`` in a warehouse."""
        return self.on_hand.get((int(warehouse_id), sku), 0)

    def reserved(self, warehouse_id: int, sku: str) -> int:
        """Return what open orders reserve of ``sku`` in a warehouse."""
        return sum(line.quantity for order in self.orders.values()
                   if order.status in RESERVING and order.warehouse_id == warehouse_id
                   for line in order.lines if line.sku == sku)

    def set_on_hand(self, warehouse_id: int, sku: str, quantity: int) -> None:
        """Overwrite on-hand stock (the stock update endpoint)."""
        self.on_hand[(warehouse_id, sku)] = quantity

    def _require_warehouse(self, warehouse_id: int) -> None:
        if warehouse_id not in self.warehouses:
            raise KeyError(f"warehouse {warehouse_id} does not exist")

    # ---------------------------------------------------------------------------- orders

    def create_order(self, shop_id: int, warehouse_id: int,  # noqa: PLR0913 - an order's parts
                     lines: Iterable[Sequence[Any]], status: str = "pending",
                     shipping_fee: Any = 0, discount: Any = 0,
                     created_at: datetime | None = None, **money_parts: Any) -> EmulatedOrder:
        """Create an order; its stock effect follows ``status`` at once.

        ``lines`` are ``(sku, quantity, unit_price[, unit_discount])``. ``money_parts`` may
        give ``voucher``, ``channel_rebate`` (amounts), ``cashless`` (bool) and ``fees``
        (``{"service_fee": amount, ...}``, the names of ``assumptions.FEE_FIELDS``).
        """
        _require_status(status)
        if shop_id not in self.shops:
            raise KeyError(f"shop {shop_id} does not exist")
        self._require_warehouse(warehouse_id)
        order_lines = [self._line(*line) for line in lines]
        now = self.now()
        order_id = next(self._ids)
        order = EmulatedOrder(
            id=order_id, local_id=_marketplace_number(self.shops[shop_id]["channel"], order_id),
            shop_id=shop_id, warehouse_id=warehouse_id, status=status, lines=order_lines,
            created_at=created_at or now, updated_at=now, shipping_fee=money(shipping_fee),
            discount=money(discount), voucher=money(money_parts.get("voucher", 0)),
            channel_rebate=money(money_parts.get("channel_rebate", 0)),
            cashless=bool(money_parts.get("cashless", False)), history=[status],
            fees={_fee_field(name): money(value)
                  for name, value in dict(money_parts.get("fees") or {}).items()})
        if order.total < 0 or any(line.unit_total < 0 for line in order_lines):
            raise ValueError("a discount exceeds the value it applies to")
        self.orders[order_id] = order
        self._apply_stock(order, status)
        return order

    def _line(self, sku: str, quantity: int, price: Any, discount: Any = 0) -> Line:
        variant = self.variants.get(sku)
        if variant is None:
            raise KeyError(f"SKU {sku} does not exist")
        if int(quantity) < 1:
            raise ValueError(f"quantity of {sku} must be at least 1")
        product = self.products[variant.product_id]["name"]
        return Line(sku=sku, name=product, variant_name=variant.name, quantity=int(quantity),
                    price=variant.price, sale_price=money(price), discount=money(discount))

    def advance_order(self, order_id: int, status: str) -> EmulatedOrder:
        """Move an order to ``status`` (repeats and skips allowed); stamps ``updated_at``."""
        _require_status(status)
        order = self.orders[int(order_id)]
        order.status = status
        order.updated_at = self.now()
        order.history.append(status)
        self._apply_stock(order, status)
        return order

    def _apply_stock(self, order: EmulatedOrder, status: str) -> None:
        if status not in _UNPAID and order.paid_at is None:
            order.paid_at = order.updated_at
        if status in DEDUCTED and not order.deducted:
            self._move_stock(order, -1)
            order.deducted = True
        elif status == "cancelled" and order.deducted:
            self._move_stock(order, +1)
            order.deducted = False

    def _move_stock(self, order: EmulatedOrder, sign: int) -> None:
        for line in order.lines:
            key = (order.warehouse_id, line.sku)
            self.on_hand[key] = self.on_hand.get(key, 0) + sign * line.quantity

    def order_json(self, order: EmulatedOrder) -> dict[str, Any]:
        """Return an order as ``orders.json`` serves it (overrides applied)."""
        shop = self.shops[order.shop_id]
        amount = self._amount
        code = channel_code(shop["channel"])
        body: dict[str, Any] = {
            "id": order.id, "profile_id": self.profile_id, "store_id": order.shop_id,
            "store_name": shop["name"], "channel": shop["channel"].lower(),
            "local_id": order.local_id,
            "local_name": f"INV/{order.created_at:%Y%m%d}/{order.id}" if code == "TOKOPEDIA"
            else None,
            "warehouse_id": order.warehouse_id, "status": order.status,
            "ordered_at": order.created_at.isoformat(), "updated_at": order.updated_at.isoformat(),
            "address": {"name": "Budi Santoso", "address_1": "Jl. Merdeka No. 17",
                        "address_2": None, "city": "Jakarta Pusat", "province": "DKI Jakarta",
                        "postal_code": "10110", "country": "Indonesia", "phone": "0812000000"},
            "cashless": order.cashless, "shipping_price": amount(order.shipping_fee),
            "shipping_provider": order.shipping_provider,
            "shipping_courier": {"providers": [order.shipping_provider], "awb": order.awb,
                                 "booking_code": None},
            "subtotal": amount(order.subtotal), "discount_amount": amount(order.discount_amount),
            "voucher_amount": amount(order.voucher_amount), "tax_price": amount(order.tax_price),
            "total_price": amount(order.total), "channel_rebate": amount(order.channel_rebate),
            "item_lines": [self._unit_json(order, line, number) for number, line in enumerate(
                (line for line in order.lines for _ in range(line.quantity)), start=1)],
        }
        body.update({name: amount(value) for name, value in order.fees.items()})
        for key, value in self.overrides.get(order.id, {}).items():
            if value is None:
                body.pop(key, None)
            else:
                body[key] = value
        return body

    def _unit_json(self, order: EmulatedOrder, line: Line, number: int) -> dict[str, Any]:
        amount = self._amount
        return {
            "id": order.id * 1000 + number,
            "sku": line.sku, "name": line.name, "variant_name": line.variant_name, "note": None,
            "price": amount(line.price), "sale_price": amount(line.sale_price),
            "total_price": amount(line.unit_total), "discount_amount": amount(line.discount),
            "voucher_amount": amount(line.voucher), "tax_price": amount(line.tax),
            "shipping_provider": order.shipping_provider, "bundle_info": [],
        }

    def _amount(self, value: Decimal) -> Any:
        return wire_amount(value, self.amounts_as_strings)

    def listed_orders(self) -> list[tuple[datetime, str, Any]]:
        """Return ``(updated_at, id, json)`` of every order served, raw ones included."""
        rows = [(order.updated_at, str(order.id), self.order_json(order))
                for order in self.orders.values()]
        rows.extend((moment, f"raw-{index}", raw)
                    for index, (moment, raw) in enumerate(self.raw_orders))
        return rows

    # ------------------------------------------------------------------------ inspection

    def snapshot(self) -> dict[str, Any]:
        """Return a JSON-able view of everything held."""
        return {
            "shops": list(self.shops.values()),
            "warehouses": [{"id": key, "name": name} for key, name in self.warehouses.items()],
            "products": list(self.products.values()),
            "variants": [vars(variant) | {"price": str(variant.price)}
                         for variant in self.variants.values()],
            "stock": [{"warehouse_id": wh, "sku": sku, "quantity_hand": qty}
                      for (wh, sku), qty in sorted(self.on_hand.items())],
            "orders": [self.order_json(order) | {"history": order.history}
                       for order in self.orders.values()],
        }


def _fee_field(name: str) -> str:
    if name not in contract.FEE_FIELDS:
        raise ValueError(f"unknown fee {name!r} (known: {', '.join(contract.FEE_FIELDS)})")
    return name


def _require_status(status: str) -> None:
    if status not in contract.STATUS_TABLE:
        raise ValueError(f"unknown Forstok status {status!r}")


def _marketplace_number(channel: str, order_id: int) -> str:
    # Marketplaces number orders their own way; a channel prefix keeps the demo readable.
    return f"{channel_code(channel)[:3]}{order_id:010d}"
