"""What one emulated Accurate database holds: master data, documents and stock.

Everything here is plain Python under the emulator's lock; the HTTP layer (``app.py``) only
parses requests and wraps answers in Accurate's envelope. Business refusals are raised as
``AccurateRefusal`` with Accurate's own Indonesian text and end as ``{"s": false, "d": [...]}``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

WIB = timezone(timedelta(hours=7))
ITEM_NO_MAX = 30


class AccurateRefusal(Exception):
    """A request Accurate refuses with a message (HTTP 200 and ``s: false`` by default)."""

    def __init__(self, message: str, status: int = 200) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def money(value: Any, default: str = "0") -> Decimal:
    """Read an amount sent as a number or a string."""
    if value in (None, ""):
        return Decimal(default)
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise AccurateRefusal(f"Nilai {value!r} tidak valid") from None


def flag(value: Any) -> bool:
    """Read a boolean sent as JSON or as form text."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


def today() -> str:
    """Return today's date in Accurate's ``dd/MM/yyyy`` (Jakarta time)."""
    return datetime.now(WIB).strftime("%d/%m/%Y")


def stamp() -> str:
    """Return now as Accurate's ``dd/MM/yyyy HH:mm:ss`` timestamp (Jakarta time)."""
    return datetime.now(WIB).strftime("%d/%m/%Y %H:%M:%S")


def check_date(value: Any, label: str = "Tanggal") -> str:
    """Return ``value`` if it is a ``dd/MM/yyyy`` date, else refuse like Accurate."""
    if value in (None, ""):
        return today()
    try:
        datetime.strptime(str(value), "%d/%m/%Y").replace(tzinfo=WIB)
    except ValueError:
        raise AccurateRefusal(f"{label} {value} tidak valid, gunakan format dd/MM/yyyy") from None
    return str(value)


@dataclass
class Item:
    """An item (Barang & Jasa) with stock per warehouse."""

    id: int
    no: str
    name: str
    item_type: str
    unit_price: Decimal
    on_hand: dict[str, Decimal] = field(default_factory=dict)
    reserved: dict[str, Decimal] = field(default_factory=dict)
    last_update: str = field(default_factory=stamp)

    def view(self) -> dict[str, Any]:
        """Return the item as detail.do shows it."""
        balance = sum(self.on_hand.values(), Decimal(0))
        reserved = sum(self.reserved.values(), Decimal(0))
        return {
            "id": self.id, "no": self.no, "name": self.name, "itemType": self.item_type,
            "unitPrice": self.unit_price, "unit1Name": "PCS", "balance": balance,
            "availableToSell": balance - reserved, "lastUpdate": self.last_update,
            "detailWarehouseData": [
                {"name": wh, "warehouseName": wh, "balance": qty, "balanceUnit": f"{qty} PCS",
                 "unit1Quantity": qty}
                for wh, qty in sorted(self.on_hand.items())
            ],
        }


@dataclass
class Document:
    """A sales document (order, invoice, receipt, return) as saved."""

    kind: str
    id: int
    number: str
    body: dict[str, Any]
    total: Decimal = Decimal(0)
    status: str = "QUEUE"
    outstanding: Decimal = Decimal(0)
    invoiced: bool = False
    closed: bool = False
    last_update: str = field(default_factory=stamp)

    def view(self) -> dict[str, Any]:
        """Return the document as detail.do shows it."""
        view = dict(self.body)
        view.update({"id": self.id, "number": self.number, "totalAmount": self.total,
                     "status": self.status, "lastUpdate": self.last_update})
        if self.kind == "sales_invoice":
            view.update({"outstanding": self.outstanding, "primeOwing": self.outstanding})
        if self.kind == "sales_order":
            view["manualClosed"] = self.closed
        customer = view.get("customerNo")
        if customer:
            view["customer"] = {"customerNo": customer}
        for line in view.get("detailItem") or []:
            line["item"] = {"no": line.get("itemNo")}
        return view


@dataclass
class Database:
    """One Accurate company database: its own numbering, master data and documents."""

    id: int
    alias: str
    host_id: int = 0  # which emulated data host serves it; ``move_database`` bumps it
    warehouses: dict[str, dict[str, Any]] = field(default_factory=dict)
    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)
    customers: dict[str, dict[str, Any]] = field(default_factory=dict)
    items: dict[str, Item] = field(default_factory=dict)
    documents: dict[str, dict[str, Document]] = field(default_factory=lambda: {
        "sales_order": {}, "sales_invoice": {}, "sales_receipt": {}, "sales_return": {}})
    _ids: itertools.count = field(default_factory=lambda: itertools.count(100))

    def next_id(self) -> int:
        """Return a fresh internal id (unique within the database)."""
        return next(self._ids)

    def warehouse(self, name: Any) -> str:
        """Return a warehouse name, the default one when none is given."""
        if name in (None, ""):
            if not self.warehouses:
                raise AccurateRefusal("Gudang harus diisi")
            return next(iter(self.warehouses))
        if str(name) not in self.warehouses:
            raise AccurateRefusal(f"Gudang {name} tidak tepat")
        return str(name)

    def item(self, no: Any) -> Item:
        """Return the item with code ``no`` or refuse."""
        item = self.items.get(str(no or ""))
        if item is None:
            raise AccurateRefusal(f"Barang & Jasa {no or ''} tidak tepat".replace("  ", " "))
        return item

    def customer(self, no: Any) -> dict[str, Any]:
        """Return the customer numbered ``no`` or refuse."""
        customer = self.customers.get(str(no or ""))
        if customer is None:
            raise AccurateRefusal(f"Pelanggan {no or ''} tidak tepat")
        return customer

    def account(self, no: Any) -> dict[str, Any]:
        """Return the GL account numbered ``no`` or refuse."""
        account = self.accounts.get(str(no or ""))
        if account is None:
            raise AccurateRefusal(f"Akun Perkiraan {no or ''} tidak tepat")
        return account

    def find_document(self, kind: str, params: dict[str, Any]) -> Document | None:
        """Return the document named by ``id`` or ``number`` in ``params``."""
        docs = self.documents[kind]
        if params.get("number"):
            return docs.get(str(params["number"]))
        if params.get("id"):
            return next((d for d in docs.values() if str(d.id) == str(params["id"])), None)
        return None

    def add_item(self, no: str, name: str, price: Decimal,
                 quantities: dict[str, Decimal] | None = None) -> Item:
        """Create an item directly (seeding), with opening stock per warehouse."""
        if len(no) > ITEM_NO_MAX:
            raise AccurateRefusal(
                f"Kode Barang {no} terlalu besar. Maksimal {ITEM_NO_MAX} karakter")
        if no in self.items:
            raise AccurateRefusal(f"Sudah ada data lain dengan Kode Barang {no}")
        item = Item(self.next_id(), no, name, "INVENTORY", price)
        for warehouse, qty in (quantities or {}).items():
            item.on_hand[self.warehouse(warehouse)] = Decimal(qty)
        self.items[no] = item
        return item

    def add_customer(self, no: str, name: str) -> dict[str, Any]:
        """Create a customer directly (seeding or customer/save.do)."""
        if no in self.customers:
            raise AccurateRefusal(f"Sudah ada data lain dengan No Pelanggan {no}")
        customer = {"id": self.next_id(), "customerNo": no, "name": name, "lastUpdate": stamp()}
        self.customers[no] = customer
        return customer
