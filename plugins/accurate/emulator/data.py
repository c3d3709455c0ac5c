"""The data API (``/accurate/api/<module>/<action>.do``) over one ``Database``.

``dispatch`` takes the module, the action and the merged parameters and returns the JSON
answer; refusals are raised as ``AccurateRefusal``. No HTTP here, so it is easy to reason about.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from plugins.accurate.assumptions import BULK_MAX, BULK_TOP_LEVEL_S, DELETED_TEXT

from . import masters, records, sales
from .listing import select_rows
from .payments import target_adjustment
from .state import AccurateRefusal, Database
from .views import document_view, list_view

DOCUMENT_MODULES = {"sales-order": "sales_order", "sales-invoice": "sales_invoice",
                    "sales-receipt": "sales_receipt", "sales-return": "sales_return",
                    "journal-voucher": "journal_voucher", "item-adjustment": "item_adjustment"}
NOT_FOUND = {"item": "Barang & Jasa", "customer": "Pelanggan", "glaccount": "Akun Perkiraan",
             "warehouse": "Gudang", "branch": "Cabang", "tax": "Pajak",
             **{module: sales.LABELS[kind][0] for module, kind in DOCUMENT_MODULES.items()}}
MASTER_KEYS = {"item": "no", "customer": "customerNo", "glaccount": "no", "warehouse": "name",
               "branch": "name", "tax": "id"}
MASTER_SAVERS = {"item": masters.save_item, "customer": masters.save_customer}


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
    """Return every record of ``module`` as list.do selects from them."""
    if module in DOCUMENT_MODULES:
        return [list_view(db, doc) for doc in db.documents[DOCUMENT_MODULES[module]].values()]
    return _master_rows(db, module)


def _master_rows(db: Database, module: str) -> list[dict[str, Any]]:
    if module == "item":
        return [item.view() for item in db.items.values()]
    tables: dict[str, Any] = {"customer": db.customers, "glaccount": db.accounts,
                              "warehouse": db.warehouses, "branch": db.branches, "tax": db.taxes}
    if module not in tables:
        raise UnknownEndpoint(module)
    return [dict(row) for row in tables[module].values()]


def detail(db: Database, module: str, params: dict[str, Any]) -> dict[str, Any]:
    """Return one record by ``id`` or its module's natural key."""
    if module in DOCUMENT_MODULES:
        doc = db.find_document(DOCUMENT_MODULES[module], params)
        found = document_view(db, doc) if doc else None
    else:
        key = MASTER_KEYS.get(module)
        if key is None:
            raise UnknownEndpoint(module)
        field = "id" if params.get("id") not in (None, "") else key
        wanted = params.get(field)
        found = next((r for r in _master_rows(db, module) if str(r.get(field)) == str(wanted)),
                     None) if wanted not in (None, "") else None
    if found is None:
        raise AccurateRefusal(f"{NOT_FOUND[module]} tidak tepat")
    return {"s": True, "d": found}


def save(db: Database, module: str, body: dict[str, Any]) -> dict[str, Any]:
    """Save one record; ``d`` holds the message and ``r`` the saved record."""
    if not isinstance(body, dict):
        raise AccurateRefusal("Data tidak valid")
    if module in DOCUMENT_MODULES:
        saved = document_view(db, records.save(db, DOCUMENT_MODULES[module], body))
    elif module in MASTER_SAVERS:
        saved = MASTER_SAVERS[module](db, body)
    else:
        raise UnknownEndpoint(module)
    name = saved.get("number") or saved.get("no") or saved.get("customerNo")
    return {"s": True, "d": [f'{NOT_FOUND[module]} "{name}" berhasil disimpan'], "r": saved}


def bulk_save(db: Database, module: str, body: dict[str, Any],
              top_level_s: str = BULK_TOP_LEVEL_S) -> dict[str, Any]:
    """Save up to 100 records; one result per record, a failure never sinks the others."""
    if module not in DOCUMENT_MODULES and module not in MASTER_SAVERS:
        raise UnknownEndpoint(module)
    data = body.get("data")
    records_sent = list(data.values()) if isinstance(data, dict) else data
    if not isinstance(records_sent, list) or not records_sent:
        raise AccurateRefusal("Data harus diisi")
    if len(records_sent) > BULK_MAX:
        raise AccurateRefusal(f"Jumlah data melebihi batas maksimum {BULK_MAX}")
    results = []
    for record in records_sent:
        try:
            results.append(save(db, module, record if isinstance(record, dict) else None))
        except AccurateRefusal as refusal:
            results.append({"s": False, "d": [refusal.message]})
    every = all(result["s"] for result in results)
    return {"s": every if top_level_s == "all" else True, "d": results}


def delete(db: Database, module: str, params: dict[str, Any]) -> dict[str, Any]:
    """Delete a record by ``id`` or its key; what it did to stock and balances is undone."""
    if module in DOCUMENT_MODULES:
        records.delete(db, DOCUMENT_MODULES[module], params)
    elif module in MASTER_SAVERS:
        masters.delete_master(db, module, params)
    else:
        raise UnknownEndpoint(module)
    return {"s": True, "d": [DELETED_TEXT]}


def record_id(db: Database, module: str, params: dict[str, Any]) -> Any:
    """Return the id of the record a delete.do names (``None`` when unknown)."""
    if module in DOCUMENT_MODULES:
        doc = db.find_document(DOCUMENT_MODULES[module], params)
        return doc.id if doc else None
    if module == "item":
        item = masters.find_item(db, params)
        return item.id if item else None
    if module == "customer":
        customer = masters.find_customer(db, params)
        return customer["id"] if customer else None
    return None


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
                   "quantityInAllUnit": f"{on_hand(i)} PCS", "upcNo": i.extra.get("upcNo")}
                  for i in db.items.values()]
    return select_rows(stock_rows, {**params, "fields": "id,no,name,quantity,quantityInAllUnit"})


def _special(db: Database, module: str, action: str, params: dict[str, Any]) -> dict[str, Any]:
    if module == "item" and action in ("get-stock", "list-stock"):
        return item_stock(db, action, params)
    if module == "sales-order" and action == "manual-close-order":
        closed = sales.close_sales_order(db, params)
        return {"s": True, "d": [f'Pesanan Penjualan "{closed["number"]}" berhasil ditutup'],
                "r": closed}
    if module == "item-adjustment" and action == "save-target-quantity":
        body = target_adjustment(db, params)
        if body is None:
            return {"s": True, "d": ["Tidak ada perubahan kuantitas"], "r": None}
        return save(db, module, body)
    if module == "glaccount" and action == "get-balance":
        account = db.account(params.get("no"))
        return {"s": True, "d": db.balances.get(str(account["no"]), Decimal(0))}
    raise UnknownEndpoint(f"{module}/{action}")


def dispatch(db: Database, module: str, action: str, params: dict[str, Any], *,
             bulk_s: str = BULK_TOP_LEVEL_S) -> dict[str, Any]:
    """Run one data-API call against ``db``."""
    if action == "list":
        return select_rows(rows(db, module), params)
    if action == "detail":
        return detail(db, module, params)
    if action == "save":
        return save(db, module, params)
    if action == "bulk-save":
        return bulk_save(db, module, params, bulk_s)
    if action == "delete":
        return delete(db, module, params)
    return _special(db, module, action, params)
