"""What the Ginee emulator holds (shops, warehouses, catalogue, stock, orders) and its Python API.

The store knows nothing of HTTP: ``app.py`` checks signatures, limits and envelopes, then calls
the queries of ``queries.py``, which raise ``EmulatorError`` with Ginee's code and message.
Orders are held in the documented detail shape (``orders.py`` builds them); tests and
``jembatan demo`` drive the store through the ``GineeEmulator`` methods that wrap this class.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from .. import assumptions as A
from .catalogue import seed_products
from .orders import apply_status_fields, build_order, channel_code, iso

#: statuses in which Ginee has taken the goods out of the warehouse.
DEDUCTED = frozenset({"READY_TO_SHIP", "SHIPPING", "DELIVERED", "COMPLETED", "RETURNED"})
#: the path an order takes when nothing goes wrong (``progress_orders`` follows it).
HAPPY_PATH = ("PENDING_PAYMENT", "PAID", "READY_TO_SHIP", "SHIPPING", "DELIVERED", "COMPLETED")
_UNSET: Any = object()


class EmulatorError(Exception):
    """A Ginee failure answer: envelope ``code`` and ``message``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def parse_time(value: Any) -> datetime:
    """Parse a filter time; naive or malformed values are PARAMETER_ERROR."""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise EmulatorError("PARAMETER_ERROR", A.MESSAGES["time_format"])
    return moment


@dataclass
class StockCell:
    """One SKU in one warehouse: on hand, locked by open orders, set aside as spare."""

    warehouse_stock: int = 0
    locked: int = 0
    spare: int = 0

    @property
    def available(self) -> int:
        """What the channels may sell: on hand less locked and spare stock."""
        return self.warehouse_stock - self.locked - self.spare


@dataclass
class OrderRecord:
    """One order: its JSON, its update time, and what it did to stock."""

    payload: dict[str, Any]
    update_at: datetime
    locked: bool = False
    deducted: bool = False
    fields: dict[str, Any] = field(default_factory=dict)
    drop: tuple[str, ...] = ()
    replace: Any = _UNSET

    def served(self) -> Any:
        """Return the order as batch-get serves it (with any tampering applied)."""
        if self.replace is not _UNSET:
            return self.replace
        payload = {**copy.deepcopy(self.payload), **self.fields}
        for key in self.drop:
            payload.pop(key, None)
        return payload

    def served_row(self) -> dict[str, Any]:
        """Return the order whose top-level fields list-order serves, tampering applied.

        A replaced body leaves the row readable: only batch-get serves the broken one.
        """
        if self.replace is not _UNSET:
            return copy.deepcopy(self.payload)
        return self.served()


class GineeStore:
    """The emulator's data and the queries its routes answer.

    Args:
        now: the clock (aware datetimes); tests inject one to control time.
    """

    def __init__(self, now: Callable[[], datetime]) -> None:
        self._clock = now
        self.offset = timedelta(0)
        self.shops: dict[str, dict[str, Any]] = {}
        self.warehouses: dict[str, dict[str, Any]] = {}
        self.masters: dict[str, dict[str, Any]] = {}
        self.variation_of_sku: dict[str, dict[str, Any]] = {}
        self.product_of_sku: dict[str, str] = {}
        self.sku_of_variation: dict[str, str] = {}
        self.prices: dict[str, Decimal] = {}
        self.stock_cells: dict[str, dict[str, StockCell]] = {}
        self.records: dict[str, OrderRecord] = {}
        self._counter = 0

    def _next(self, prefix: str) -> str:
        self._counter += 1
        return f"{prefix}{self._counter:08d}"

    def now(self) -> datetime:
        """Return the emulator's current time, to the second (Ginee's resolution)."""
        return (self._clock() + self.offset).astimezone(UTC).replace(microsecond=0)

    def advance_clock(self, seconds: float) -> str:
        """Move the emulator's clock forward; return the new time."""
        self.offset += timedelta(seconds=seconds)
        return iso(self.now())

    # ------------------------------------------------------------ setup API

    def add_shop(self, channel: str, name: str | None = None) -> str:
        """Add a shop on a sales channel; return its id.

        Args:
            channel: a Dictionary code (``SHOPEE_ID``) or its word (``SHOPEE``, which becomes
                ``SHOPEE_ID``).
            name: the shop's name.
        """
        code = channel_code(channel)
        shop_id = self._next("SH")
        word = code.removesuffix("_ID").replace("_", " ").title()
        self.shops[shop_id] = {"shopId": shop_id, "name": name or f"Toko {word}",
                               "channel": code, "externalShopId": f"{100000 + self._counter}",
                               "status": "ACTIVE"}
        return shop_id

    def add_warehouse(self, name: str) -> str:
        """Add a warehouse; return its id."""
        warehouse_id = self._next("WH")
        self.warehouses[warehouse_id] = {A.WAREHOUSE_ID: warehouse_id, A.WAREHOUSE_NAME: name,
                                         "isDefault": not self.warehouses, "status": "ENABLE"}
        self.stock_cells[warehouse_id] = {}
        return warehouse_id

    def add_product(self, name: str, variants: Sequence[dict[str, Any]]) -> str:
        """Add a master product; return its id.

        Args:
            name: the product name.
            variants: dicts with ``sku``, ``price`` (omit for a variant without price),
                ``stock`` ({warehouse_id: qty}), ``options`` (list) or ``option`` (str).
        """
        for variant in variants:
            if variant["sku"] in self.variation_of_sku:
                raise ValueError(f"SKU {variant['sku']} already exists")
            unknown = set(variant.get("stock") or {}) - set(self.warehouses)
            if unknown:
                raise ValueError(f"unknown warehouses {sorted(unknown)}")
        product_id = self._next("MP")
        briefs = [self._add_variation(variant) for variant in variants]
        self.product_of_sku.update((variant["sku"], product_id) for variant in variants)
        first = variants[0]["sku"] if variants else product_id
        stamp = iso(self.now())
        self.masters[product_id] = {
            "productId": product_id, "name": name,
            "spu": first.rsplit("-", 1)[0] if "-" in first else first,
            "fullCategoryId": [], "fullCategoryName": [], "masterVariationType": "NORMAL",
            "masterProductStatus": "ACTIVE", "images": [], "variationBriefs": briefs,
            "createDatetime": stamp, "updateDatetime": stamp}
        return product_id

    def update_product(self, sku: str, name: str | None, price: Decimal | None) -> None:
        """Rename the master product of ``sku`` and/or set the variant's selling price."""
        brief = self.variation_of_sku[sku]
        product = self.masters[self.product_of_sku[sku]]
        if name is not None:
            product["name"] = name
        if price is not None:
            self.prices[brief["id"]] = price
        product["updateDatetime"] = iso(self.now())

    def _add_variation(self, variant: dict[str, Any]) -> dict[str, Any]:
        options = variant.get("options") or ([variant["option"]] if variant.get("option") else [])
        brief = {"id": self._next("MV"), "sku": variant["sku"], "optionValues": list(options),
                 "boundChannelVariationCount": 1, "boundShopCount": 1, "autoBindingRules": [],
                 "barcode": None, "stockTagStatus": None}
        if variant.get("price") is not None:
            self.prices[brief["id"]] = Decimal(str(variant["price"]))
        for warehouse_id, qty in (variant.get("stock") or {}).items():
            self.stock_cells[warehouse_id][variant["sku"]] = StockCell(int(qty))
        self.variation_of_sku[variant["sku"]] = brief
        self.sku_of_variation[brief["id"]] = variant["sku"]
        return brief

    def master_row(self, product_id: str) -> dict[str, Any]:
        """Return a master product list row [D], its briefs' stock summed over warehouses."""
        product = self.masters[product_id]
        briefs = []
        for brief in product["variationBriefs"]:
            cells = [cells[brief["sku"]] for cells in self.stock_cells.values()
                     if brief["sku"] in cells]
            briefs.append({**brief, "stock": {
                "warehouseStock": sum(cell.warehouse_stock for cell in cells),
                "spareStock": sum(cell.spare for cell in cells),
                "lockedStock": sum(cell.locked for cell in cells), "promotionStock": 0,
                "availableStock": sum(cell.available for cell in cells)}})
        return {**product, "variationBriefs": briefs}

    def seed_catalogue(self, count: int, seed: int = 0) -> list[str]:
        """Add a deterministic catalogue of ``count`` SKUs (products of 1-4 variants).

        Stock goes to the first warehouse (one called "Gudang Utama" is added if there is
        none) and, for every third product, to the second warehouse too.
        """
        if not self.warehouses:
            self.add_warehouse("Gudang Utama")
        warehouse_ids = list(self.warehouses)
        added = []
        for number, product in enumerate(seed_products(count, seed, start=len(self.masters))):
            homes = warehouse_ids[:2] if number % 3 == 0 else warehouse_ids[:1]
            variants = [{"sku": v.sku, "price": v.price, "option": v.option,
                         "stock": {home: 5 + (number * 7 + i) % 90 for i, home in enumerate(homes)}}
                        for v in product.variants]
            added.append(self.add_product(product.name, variants))
        return added

    def stock(self, warehouse_id: str, sku: str) -> int:
        """Return the on-hand (warehouse) stock of a SKU; 0 when it has none there."""
        cell = self.stock_cells.get(warehouse_id, {}).get(sku)
        return cell.warehouse_stock if cell else 0

    def locked(self, warehouse_id: str, sku: str) -> int:
        """Return the stock locked by open orders."""
        cell = self.stock_cells.get(warehouse_id, {}).get(sku)
        return cell.locked if cell else 0

    # ------------------------------------------------------------- orders API

    def create_order(  # noqa: PLR0913 - the parts of an order
        self,
        shop_id: str,
        warehouse_id: str,
        lines: Iterable[Sequence[Any]],
        status: str = "PAID",
        shipping_fee: Any = 0,
        discount: Any = 0,
        created_at: datetime | None = None,
        payment: dict[str, Any] | None = None,
        cod: bool = False,
    ) -> str:
        """Create an order (stock locked, or taken out if already ready to ship); return its id.

        Args:
            shop_id: an existing shop; its channel becomes the order's.
            warehouse_id: an existing warehouse.
            lines: ``(sku, qty, unit_price[, line_discount[, is_gift]])`` per line; SKUs must
                exist.
            status: the Ginee status the order starts in.
            shipping_fee: charged to the buyer (``paymentInfo.totalShippingFee``).
            discount: the seller's voucher (``paymentInfo.voucherSeller``).
            created_at: defaults to now.
            payment: ``paymentInfo`` fields to set (fees, platform vouchers, ...); the total
                follows unless ``totalAmount`` is given.
            cod: cash on delivery.
        """
        shop = self.shops[shop_id]
        if warehouse_id not in self.warehouses:
            raise ValueError(f"unknown warehouse {warehouse_id}")
        lines = [tuple(line) for line in lines]
        for line in lines:
            if line[0] not in self.variation_of_sku:
                raise ValueError(f"unknown SKU {line[0]}")
        stamp = created_at.astimezone(UTC).replace(microsecond=0) if created_at else self.now()
        order_id = self._next("SO")
        names = {sku: self.masters[self.product_of_sku[sku]]["name"] for sku, *_ in lines}
        payload = build_order(order_id=order_id, shop=shop, warehouse_id=warehouse_id,
                              lines=lines, names=names, status=status, stamp=stamp,
                              shipping_fee=Decimal(str(shipping_fee)),
                              discount=Decimal(str(discount)), payment=payment or {}, cod=cod)
        record = OrderRecord(payload, stamp)
        self.records[order_id] = record
        self._apply_status(record, status, stamp)
        return order_id

    def advance_order(self, order_id: str, status: str) -> dict[str, Any]:
        """Move an order to ``status`` (may repeat or skip statuses); return the new JSON."""
        record = self.records[order_id]
        stamp = max(self.now(), record.update_at)
        record.payload["orderStatus"] = status
        record.update_at = stamp
        self._apply_status(record, status, stamp)
        return copy.deepcopy(record.payload)

    def _apply_status(self, record: OrderRecord, status: str, stamp: datetime) -> None:
        apply_status_fields(record.payload, status, stamp)
        if status == "CANCELLED":
            self._move_stock(record, lock=-1 if record.locked else 0, on_hand=0)
            record.locked = False
        elif status in DEDUCTED and not record.deducted:
            self._move_stock(record, lock=-1 if record.locked else 0, on_hand=-1)
            record.locked, record.deducted = False, True
        elif not record.locked and not record.deducted:
            self._move_stock(record, lock=1, on_hand=0)
            record.locked = True

    def _move_stock(self, record: OrderRecord, lock: int, on_hand: int) -> None:
        cells = self.stock_cells[record.payload[A.ORDER_WAREHOUSE]]
        for item in record.payload["items"]:
            cell = cells.setdefault(item["masterSku"], StockCell())
            cell.locked += lock * item["quantity"]
            cell.warehouse_stock += on_hand * item["quantity"]

    def progress_orders(self) -> list[str]:
        """Move every order on the happy path one status further; return the ids moved."""
        moved = []
        for order_id, record in self.records.items():
            status = record.payload["orderStatus"]
            if status in HAPPY_PATH[:-1]:
                self.advance_order(order_id, HAPPY_PATH[HAPPY_PATH.index(status) + 1])
                moved.append(order_id)
        return moved

    def tamper_order(self, order_id: str, fields: dict[str, Any] | None = None,
                     drop: Sequence[str] = (), replace: Any = _UNSET) -> None:
        """Make batch-get serve bad data for an order (tests of the connector's defences).

        Args:
            order_id: the order.
            fields: values to put over the order's JSON (e.g. a negative quantity's items).
            drop: top-level fields to leave out.
            replace: serve this value instead of the order object (e.g. a broken string).
        """
        record = self.records[order_id]
        record.fields.update(fields or {})
        record.drop = tuple(drop)
        record.replace = replace

    def orders(self) -> list[dict[str, Any]]:
        """Return every order's JSON (untampered), oldest first."""
        return [copy.deepcopy(record.payload) for record in self.records.values()]

    def products(self) -> list[dict[str, Any]]:
        """Return master product rows, each brief with its price and on-hand per warehouse."""
        view = []
        for product_id in self.masters:
            row = self.master_row(product_id)
            briefs = [{**brief, A.PRICE_FIELD: self.prices.get(brief["id"]),
                       "stockByWarehouse": {wh: cells[brief["sku"]].warehouse_stock
                                            for wh, cells in self.stock_cells.items()
                                            if brief["sku"] in cells}}
                      for brief in row["variationBriefs"]]
            view.append({**row, "variationBriefs": briefs})
        return view
