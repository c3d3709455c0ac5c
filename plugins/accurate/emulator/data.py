"""The data API (``/accurate/api/<module>/<action>.do``) over one ``Database``.

``dispatch`` takes the module, the action and the merged parameters and returns the JSON
answer; refusals are raised as ``AccurateRefusal``. No HTTP here, so it is easy to reason about.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from . import sales
from .listing import select_rows
from .state import AccurateRefusal, Database

BULK_MAX = 100
DOCUMENT_MODULES = {"sales-order": "sales_order", "sales-invoice": "sales_invoice",
                    "sales-receipt": "sales_receipt", "sales-return": "sales_return"}
NOT_FOUND = {"item": "Barang & Jasa", "customer": "Pelanggan", "glaccount": "Akun Perkiraan",
             "warehouse": "Gudang", "sales-order": "Pesanan Penjualan",
             "sales-invoice": "Faktur Penjualan", "sales-receipt": "Penerimaan Penjualan",
             "sales-return": "Retur Penjualan"}


class UnknownEndpoint(Exception):
    """The path names no endpoint the emulator knows (Accurate: 404 URL API tidak tepat)."""


def scope_for(module: str, action: str) -> str:
    """Return the OAuth scope an endpoint needs, as the official spec assigns them."""
    resource = module.replace("-", "_")
    if action in ("save", "bulk-save", "manual-close-order", "save-target-quantity"):
        return f"{resource}_save"
    if action == "delete":
        return f"{resource}_save" if module == "sales-invoice" else f"{resource}_delete"
    return f"{resource}_view"


def rows(db: Database, module: str) -> list[dict[str, Any]]:
    """Return every record of ``module`` in detail form (list.do selects from these)."""
    if module == "item":
        return [item.view() for item in db.items.values()]
    if module == "customer":
        return list(db.customers.values())
    if module == "glaccount":
        return list(db.accounts.values())
    if module == "warehouse":
        return list(db.warehouses.values())
    if module in DOCUMENT_MODULES:
        return [doc.view() for doc in db.documents[DOCUMENT_MODULES[module]].values()]
    raise UnknownEndpoint(module)


def detail(db: Database, module: str, params: dict[str, Any]) -> dict[str, Any]:
    """Return one record by ``id`` or its module's natural key."""
    if module in DOCUMENT_MODULES:
        doc = db.find_document(DOCUMENT_MODULES[module], params)
        found = doc.view() if doc else None
    else:
        key = {"item": "no", "customer": "customerNo", "glaccount": "no",
               "warehouse": "name"}.get(module)
        if key is None:
            raise UnknownEndpoint(module)
        wanted = params.get(key) or params.get("id")
        field = key if params.get(key) else "id"
        found = next((r for r in rows(db, module) if str(r.get(field)) == str(wanted)), None)
    if found is None:
        raise AccurateRefusal(f"{NOT_FOUND[module]} tidak tepat")
    return {"s": True, "d": found}


def save(db: Database, module: str, body: dict[str, Any]) -> dict[str, Any]:
    """Save one record; ``d`` holds the message and ``r`` the saved record."""
    saver = sales.SAVERS.get(module)
    if saver is None:
        raise UnknownEndpoint(module)
    saved = saver(db, body)
    label = NOT_FOUND[module]
    name = saved.get("number") or saved.get("no") or saved.get("customerNo")
    return {"s": True, "d": [f'{label} "{name}" berhasil disimpan'], "r": saved}


def bulk_save(db: Database, module: str, body: dict[str, Any]) -> dict[str, Any]:
    """Save up to 100 records; one result per record, a failure never sinks the others."""
    records = body.get("data") or []
    if not isinstance(records, list) or not records:
        raise AccurateRefusal("Data harus diisi")
    if len(records) > BULK_MAX:
        raise AccurateRefusal(f"Jumlah data melebihi batas maksimum {BULK_MAX}")
    results = []
    for record in records:
        try:
            results.append(save(db, module, record or {}))
        except AccurateRefusal as refusal:
            results.append({"s": False, "d": [refusal.message]})
    return {"s": all(r["s"] for r in results), "d": results}


def item_stock(db: Database, action: str, params: dict[str, Any]) -> dict[str, Any]:
    """Answer ``item/get-stock.do`` and ``item/list-stock.do``."""
    warehouse = params.get("warehouseName")
    if warehouse:
        db.warehouse(warehouse)

    def on_hand(item: Any) -> Decimal:
        if warehouse:
            return item.on_hand.get(str(warehouse), Decimal(0))
        return sum(item.on_hand.values(), Decimal(0))

    if action == "get-stock":
        item = db.item(params.get("no"))
        reserved = (item.reserved.get(str(warehouse), Decimal(0)) if warehouse
                    else sum(item.reserved.values(), Decimal(0)))
        return {"s": True, "d": {"no": item.no, "availableStock": on_hand(item) - reserved,
                                 "balance": on_hand(item)}}
    stock_rows = [{"id": i.id, "no": i.no, "name": i.name, "quantity": on_hand(i),
                   "quantityInAllUnit": f"{on_hand(i)} PCS", "upcNo": None}
                  for i in db.items.values()]
    answer = select_rows(stock_rows, {**params, "fields": "id,no,name,quantity,quantityInAllUnit"})
    return answer


def dispatch(db: Database, module: str, action: str, params: dict[str, Any]) -> dict[str, Any]:
    """Run one data-API call against ``db``."""
    if action == "list":
        return select_rows(rows(db, module), params)
    if action == "detail":
        return detail(db, module, params)
    if action == "save":
        return save(db, module, params)
    if action == "bulk-save" and module != "warehouse":
        return bulk_save(db, module, params)
    if module == "item" and action in ("get-stock", "list-stock"):
        return item_stock(db, action, params)
    if module == "sales-order" and action == "manual-close-order":
        closed = sales.close_sales_order(db, params)
        return {"s": True, "d": [f'Pesanan Penjualan "{closed["number"]}" berhasil ditutup'],
                "r": closed}
    raise UnknownEndpoint(f"{module}/{action}")
