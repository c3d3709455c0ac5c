"""What one emulated Accurate database holds: master data, documents, stock and a journal.

Everything here is plain Python under the emulator's lock; the HTTP layer (``app.py``) only
parses requests and wraps answers in Accurate's envelope. Business refusals are raised as
``AccurateRefusal`` with Accurate's own Indonesian text and end as ``{"s": false, "d": [...]}``.

A saved document keeps the list of ``Effect``s it had (stock moved, an invoice's owing
lowered, a sales order processed, journal lines). Updating or deleting it reverts exactly
those, so ``save.do`` with an ``id`` and ``delete.do`` can never leave stock or balances behind.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from plugins.accurate.assumptions import SYSTEM_ACCOUNTS, TAXES

WIB = timezone(timedelta(hours=7))
ITEM_NO_MAX = 30
MONEY_MAX = Decimal("999999999999.999999")  # up to 999 billion, 6 decimals [C-DOC]
DEFAULT_BRANCH = "Kantor Pusat"
KINDS_OF_DOCUMENTS = ("sales_order", "sales_invoice", "sales_receipt", "sales_return",
                      "journal_voucher", "item_adjustment")


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
    if isinstance(value, bool):
        raise AccurateRefusal(f"Nilai {value!r} tidak valid")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise AccurateRefusal(f"Nilai {value!r} tidak valid") from None
    if not number.is_finite() or abs(number) > MONEY_MAX:
        raise AccurateRefusal(f"Nilai {value!r} tidak valid")
    return number


def flag(value: Any, default: bool = False) -> bool:
    """Read a boolean sent as JSON or as form text."""
    if value is None or value == "":
        return default
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
    extra: dict[str, Any] = field(default_factory=dict)
    last_update: str = field(default_factory=stamp)

    def view(self) -> dict[str, Any]:
        """Return the item as detail.do shows it."""
        balance = sum(self.on_hand.values(), Decimal(0))
        reserved = sum(self.reserved.values(), Decimal(0))
        return {
            **self.extra, "id": self.id, "no": self.no, "name": self.name,
            "itemType": self.item_type, "unitPrice": self.unit_price,
            "unit1Name": self.extra.get("unit1Name") or "PCS", "balance": balance,
            "availableToSell": balance - reserved, "lastUpdate": self.last_update,
            "detailWarehouseData": [
                {"name": wh, "warehouseName": wh, "balance": qty, "balanceUnit": f"{qty} PCS",
                 "unit1Quantity": qty}
                for wh, qty in sorted(self.on_hand.items())
            ],
        }


@dataclass(frozen=True, slots=True)
class Effect:
    """One change a saved document made, so that it can be reverted exactly.

    ``kind`` is ``stock`` (``target`` item, ``where`` warehouse, ``level`` on_hand/reserved),
    ``owing`` (``target`` invoice number, ``amount`` added to its outstanding), ``process``
    (``target`` sales order number processed by the document) or ``ledger`` (``target``
    account number, ``amount`` debit positive, credit negative).
    """

    kind: str
    target: str
    amount: Decimal = Decimal(0)
    where: str = ""
    level: str = ""


@dataclass
class Document:
    """A transaction (sales order, invoice, receipt, return, journal, adjustment) as saved."""

    kind: str
    id: int
    number: str
    body: dict[str, Any]
    total: Decimal = Decimal(0)
    raw: dict[str, Any] = field(default_factory=dict)  # as sent (merged), for updates
    figures: dict[str, Any] = field(default_factory=dict)
    effects: list[Effect] = field(default_factory=list)
    status: str = "QUEUE"
    outstanding: Decimal = Decimal(0)
    processed_by: str | None = None
    closed: bool = False
    dependents: dict[tuple[str, str], int] = field(default_factory=dict)
    last_update: str = field(default_factory=stamp)


@dataclass
class Database:
    """One Accurate company database: its own numbering, master data, documents and journal."""

    id: int
    alias: str
    host_id: int = 0  # which emulated data host serves it; ``move_database`` bumps it
    warehouses: dict[str, dict[str, Any]] = field(default_factory=dict)
    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)
    customers: dict[str, dict[str, Any]] = field(default_factory=dict)
    items: dict[str, Item] = field(default_factory=dict)
    branches: dict[str, dict[str, Any]] = field(default_factory=dict)
    documents: dict[str, dict[str, Document]] = field(
        default_factory=lambda: {kind: {} for kind in KINDS_OF_DOCUMENTS})
    balances: dict[str, Decimal] = field(default_factory=dict)
    taxes: dict[int, dict[str, Any]] = field(
        default_factory=lambda: {int(t["id"]): dict(t) for t in TAXES})
    _ids: itertools.count = field(default_factory=lambda: itertools.count(100))

    def __post_init__(self) -> None:
        self.branches.setdefault(DEFAULT_BRANCH, {"id": 50, "name": DEFAULT_BRANCH})
        for no, name, kind in SYSTEM_ACCOUNTS.values():
            self.accounts.setdefault(no, {"id": self.next_id(), "no": no, "name": name,
                                          "accountType": kind})

    def next_id(self, span: int = 1) -> int:
        """Return a fresh internal id, reserving ``span`` consecutive ids (document lines)."""
        first = next(self._ids)
        for _ in range(span - 1):
            next(self._ids)
        return first

    def system_account(self, role: str) -> str:
        """Return the number of one of the database's preference accounts."""
        return SYSTEM_ACCOUNTS[role][0]

    def warehouse(self, name: Any) -> str:
        """Return a warehouse name, the default one when none is given."""
        if name in (None, ""):
            if not self.warehouses:
                raise AccurateRefusal("Gudang harus diisi")
            return next(iter(self.warehouses))
        if str(name) not in self.warehouses:
            raise AccurateRefusal(f"Gudang {name} tidak tepat")
        return str(name)

    def branch(self, name: Any) -> str:
        """Return the branch of a transaction; with several branches one must be named."""
        if name in (None, ""):
            if len(self.branches) > 1:
                raise AccurateRefusal("Profil pengguna anda memiliki akses ke lebih dari satu "
                                      "cabang, silakan isi Cabang")
            return next(iter(self.branches))
        if str(name) not in self.branches:
            raise AccurateRefusal(f"Cabang {name} tidak tepat")
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

    def account_by(self, no: Any, account_id: Any) -> str:
        """Return the account number named by ``accountNo`` or ``accountId``."""
        if no in (None, "") and account_id not in (None, ""):
            found = next((a for a in self.accounts.values()
                          if str(a["id"]) == str(account_id)), None)
            if found is None:
                raise AccurateRefusal(f"Akun Perkiraan {account_id} tidak tepat")
            return str(found["no"])
        return str(self.account(no)["no"])

    def find_document(self, kind: str, params: dict[str, Any]) -> Document | None:
        """Return the document named by ``id`` or ``number`` in ``params``."""
        docs = self.documents[kind]
        if params.get("id") not in (None, ""):
            return next((d for d in docs.values() if str(d.id) == str(params["id"])), None)
        if params.get("number"):
            return docs.get(str(params["number"]))
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
