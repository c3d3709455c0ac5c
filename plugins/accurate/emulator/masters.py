"""Items and customers: ``save.do`` creates, or with ``id`` updates; ``delete.do`` removes.

Master data uses its own key next to ``id``: ``no`` for items, ``customerNo`` for customers
(reference §3). An item's opening balance (``detailOpenBalance[]``) is booked only when it is
created; an update changes the fields sent and keeps the rest.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .pricing import detail_rows
from .state import ITEM_NO_MAX, AccurateRefusal, Database, Item, money, stamp

ITEM_FIELDS = ("unit1Name", "itemCategoryName", "upcNo", "notes", "tax1Name")


def _check_no(db: Database, no: str, current: Item | None) -> None:
    if len(no) > ITEM_NO_MAX:
        raise AccurateRefusal(f"Kode Barang {no} terlalu besar. Maksimal {ITEM_NO_MAX} karakter")
    if no in db.items and db.items[no] is not current:
        raise AccurateRefusal(f"Sudah ada data lain dengan Kode Barang {no}")


def find_item(db: Database, params: dict[str, Any]) -> Item | None:
    """Return the item named by ``id`` or ``no``."""
    if params.get("id") not in (None, ""):
        return next((i for i in db.items.values() if str(i.id) == str(params["id"])), None)
    return db.items.get(str(params.get("no") or ""))


def save_item(db: Database, body: dict[str, Any]) -> dict[str, Any]:
    """Create an item, or update the one named by ``id``."""
    if body.get("id") not in (None, ""):
        return _update_item(db, body)
    no, name = str(body.get("no") or "").strip(), str(body.get("name") or "").strip()
    if not name:
        raise AccurateRefusal("Nama Barang harus diisi")
    no = no or f"ITEM{db.next_id()}"
    _check_no(db, no, None)
    opening: dict[str, Decimal] = {}
    for line in detail_rows(body.get("detailOpenBalance"), "detailOpenBalance"):
        qty = money(line.get("quantity"))
        if qty <= 0:
            raise AccurateRefusal("Kuantitas saldo awal harus lebih besar dari 0")
        warehouse = db.warehouse(line.get("warehouseName"))
        opening[warehouse] = opening.get(warehouse, Decimal(0)) + qty
    price = money(body.get("unitPrice"))
    item = db.add_item(no, name, price, opening)
    item.item_type = str(body.get("itemType") or "INVENTORY")
    item.extra = {k: body[k] for k in ITEM_FIELDS if body.get(k) not in (None, "")}
    return {"id": item.id, "no": item.no, "name": item.name}


def _update_item(db: Database, body: dict[str, Any]) -> dict[str, Any]:
    item = find_item(db, {"id": body["id"]})
    if item is None:
        raise AccurateRefusal("Barang & Jasa tidak tepat")
    no = str(body.get("no") or item.no).strip()
    _check_no(db, no, item)
    price = money(body.get("unitPrice"), str(item.unit_price))
    name = str(body.get("name") or item.name).strip()
    del db.items[item.no]
    item.no, item.name, item.unit_price = no, name, price
    item.item_type = str(body.get("itemType") or item.item_type)
    item.extra.update({k: body[k] for k in ITEM_FIELDS if body.get(k) not in (None, "")})
    item.last_update = stamp()
    db.items[no] = item
    return {"id": item.id, "no": item.no, "name": item.name}


def find_customer(db: Database, params: dict[str, Any]) -> dict[str, Any] | None:
    """Return the customer named by ``id`` or ``customerNo``."""
    if params.get("id") not in (None, ""):
        return next((c for c in db.customers.values() if str(c["id"]) == str(params["id"])),
                    None)
    return db.customers.get(str(params.get("customerNo") or ""))


def save_customer(db: Database, body: dict[str, Any]) -> dict[str, Any]:
    """Create a customer (``customerNo`` auto-numbered when missing) or update one by ``id``."""
    if body.get("id") not in (None, ""):
        customer = find_customer(db, {"id": body["id"]})
        if customer is None:
            raise AccurateRefusal("Pelanggan tidak tepat")
        no = str(body.get("customerNo") or customer["customerNo"])
        if no in db.customers and db.customers[no] is not customer:
            raise AccurateRefusal(f"Sudah ada data lain dengan No Pelanggan {no}")
        del db.customers[customer["customerNo"]]
        customer.update({k: v for k, v in body.items() if k != "id" and v is not None},
                        customerNo=no, lastUpdate=stamp())
        db.customers[no] = customer
        return customer
    name = str(body.get("name") or "").strip()
    if not name:
        raise AccurateRefusal("Nama Pelanggan harus diisi")
    no = str(body.get("customerNo") or f"C.{db.next_id()}")
    customer = db.add_customer(no, name)
    customer.update({k: v for k, v in body.items()
                     if k not in ("id", "customerNo", "name") and isinstance(v, (str, int))})
    return customer


def in_documents(db: Database, field: str, value: str) -> str | None:
    """Return the number of a document that uses an item or a customer, if any."""
    for docs in db.documents.values():
        for doc in docs.values():
            if doc.body.get(field) == value:
                return doc.number
            if any(line.get(field) == value for line in doc.body.get("detailItem") or []):
                return doc.number
    return None


def delete_master(db: Database, module: str, params: dict[str, Any]) -> str:
    """Delete an item or customer not used by any document; return its key."""
    if module == "item":
        item = find_item(db, params)
        if item is None:
            raise AccurateRefusal("Barang & Jasa tidak tepat")
        used = in_documents(db, "itemNo", item.no)
        if used:
            raise AccurateRefusal(f"Barang & Jasa {item.no} sudah digunakan di transaksi {used}")
        del db.items[item.no]
        return item.no
    customer = find_customer(db, params)
    if customer is None:
        raise AccurateRefusal("Pelanggan tidak tepat")
    used = in_documents(db, "customerNo", customer["customerNo"])
    if used:
        raise AccurateRefusal(f"Pelanggan {customer['customerNo']} sudah digunakan di "
                              f"transaksi {used}")
    del db.customers[customer["customerNo"]]
    return str(customer["customerNo"])
