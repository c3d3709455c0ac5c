"""Saving items, customers and sales documents with Accurate's accounting effects.

Stock rules the emulator keeps (DESIGN.md's table): a sales order reserves its quantities, an
invoice lowers on-hand (and releases the reservation of the order it processes), closing an
order releases what it still reserves, a receipt lowers the invoice's outstanding amount and a
sales return of an invoice puts the quantity back on hand.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .state import (
    ITEM_NO_MAX,
    AccurateRefusal,
    Database,
    Document,
    check_date,
    flag,
    money,
)

LABELS = {"sales_order": ("Pesanan Penjualan", "No Pesanan", "SO"),
          "sales_invoice": ("Faktur Penjualan", "No Faktur", "SI"),
          "sales_receipt": ("Penerimaan Penjualan", "No Bukti", "SR"),
          "sales_return": ("Retur Penjualan", "No Retur", "RT")}


def save_item(db: Database, body: dict[str, Any]) -> dict[str, Any]:
    """Create an item; ``detailOpenBalance[]`` books opening quantity per warehouse."""
    no, name = str(body.get("no") or "").strip(), str(body.get("name") or "").strip()
    if not name:
        raise AccurateRefusal("Nama Barang harus diisi")
    if not no:
        no = f"ITEM{db.next_id()}"
    if len(no) > ITEM_NO_MAX:
        raise AccurateRefusal(f"Kode Barang {no} terlalu besar. Maksimal {ITEM_NO_MAX} karakter")
    if no in db.items:
        raise AccurateRefusal(f"Sudah ada data lain dengan Kode Barang {no}")
    opening: dict[str, Decimal] = {}
    for line in body.get("detailOpenBalance") or []:
        qty = money(line.get("quantity"))
        if qty <= 0:
            raise AccurateRefusal("Kuantitas saldo awal harus lebih besar dari 0")
        warehouse = db.warehouse(line.get("warehouseName"))
        opening[warehouse] = opening.get(warehouse, Decimal(0)) + qty
    item = db.add_item(no, name, money(body.get("unitPrice")), opening)
    item.item_type = str(body.get("itemType") or "INVENTORY")
    return {"id": item.id, "no": item.no, "name": item.name}


def save_customer(db: Database, body: dict[str, Any]) -> dict[str, Any]:
    """Create a customer (``customerNo`` auto-numbered when missing)."""
    name = str(body.get("name") or "").strip()
    if not name:
        raise AccurateRefusal("Nama Pelanggan harus diisi")
    no = str(body.get("customerNo") or f"C.{db.next_id()}")
    return db.add_customer(no, name)


def _number(db: Database, kind: str, body: dict[str, Any]) -> str:
    number = str(body.get("number") or "").strip()
    _, label, prefix = LABELS[kind]
    if not number:
        return f"{prefix}.{db.next_id():05d}"
    if number in db.documents[kind]:
        raise AccurateRefusal(f"Sudah ada data lain dengan {label} {number}")
    return number


def _lines(db: Database, body: dict[str, Any]) -> tuple[list[dict[str, Any]], Decimal]:
    lines, subtotal = [], Decimal(0)
    items = body.get("detailItem") or []
    if not items:
        raise AccurateRefusal("Rincian Barang harus diisi")
    for raw in items:
        item = db.item(raw.get("itemNo"))
        qty = money(raw.get("quantity"))
        if qty <= 0:
            raise AccurateRefusal(f"Kuantitas {item.no} harus lebih besar dari 0")
        price = money(raw.get("unitPrice"), str(item.unit_price))
        discount = money(raw.get("itemCashDiscount"))
        line = dict(raw, itemNo=item.no, quantity=qty, unitPrice=price, itemCashDiscount=discount,
                    warehouseName=db.warehouse(raw.get("warehouseName")))
        line["totalPrice"] = qty * price - discount
        subtotal += line["totalPrice"]
        lines.append(line)
    return lines, subtotal


def _expenses(db: Database, body: dict[str, Any]) -> tuple[list[dict[str, Any]], Decimal]:
    expenses, total = [], Decimal(0)
    for raw in body.get("detailExpense") or []:
        db.account(raw.get("accountNo"))
        amount = money(raw.get("expenseAmount"))
        expenses.append(dict(raw, expenseAmount=amount))
        total += amount
    return expenses, total


def _priced(db: Database, kind: str, body: dict[str, Any]) -> Document:
    db.customer(body.get("customerNo"))
    number = _number(db, kind, body)
    lines, subtotal = _lines(db, body)
    expenses, expense_total = _expenses(db, body)
    total = subtotal + expense_total - money(body.get("cashDiscount"))
    saved = dict(body, number=number, detailItem=lines, detailExpense=expenses,
                 transDate=check_date(body.get("transDate"), "Tanggal Transaksi"))
    return Document(kind, db.next_id(), number, saved, total=total)


def _answer(doc: Document) -> dict[str, Any]:
    return {"id": doc.id, "number": doc.number, "totalAmount": doc.total,
            "detailItem": [{"id": doc.id + i, "itemNo": line.get("itemNo")}
                           for i, line in enumerate(doc.body.get("detailItem") or [])]}


def save_sales_order(db: Database, body: dict[str, Any]) -> dict[str, Any]:
    """Create a sales order; it reserves its quantities in the line warehouses."""
    doc = _priced(db, "sales_order", body)
    _move_stock(db, doc, "reserved", +1)
    db.documents["sales_order"][doc.number] = doc
    return _answer(doc)


def _processed_orders(db: Database, lines: list[dict[str, Any]]) -> list[Document]:
    orders: dict[str, Document] = {}
    for line in lines:
        number = line.get("salesOrderNumber")
        if not number:
            continue
        order = db.documents["sales_order"].get(str(number))
        if order is None:
            raise AccurateRefusal(f"Pesanan Penjualan {number} tidak tepat")
        if order.closed:
            raise AccurateRefusal(f"Pesanan Penjualan {number} sudah ditutup, tidak dapat "
                                  "diproses lagi")
        if order.invoiced:
            raise AccurateRefusal(f"Pesanan Penjualan {number} terdeteksi terproses dua kali. "
                                  "Mohon cek transaksi yang memproses pesanan tersebut")
        orders[order.number] = order
    return list(orders.values())


def save_sales_invoice(db: Database, body: dict[str, Any]) -> dict[str, Any]:
    """Create an invoice: lowers on-hand; lines naming a sales order process (close) it."""
    doc = _priced(db, "sales_invoice", body)
    orders = _processed_orders(db, doc.body["detailItem"])
    _move_stock(db, doc, "on_hand", -1)
    for order in orders:
        _release(db, order)
        order.invoiced, order.status = True, "CLOSED"
    doc.outstanding = doc.total
    db.documents["sales_invoice"][doc.number] = doc
    return _answer(doc)


def _release(db: Database, order: Document) -> None:
    """Give back what an order still reserves."""
    _move_stock(db, order, "reserved", -1)


def _move_stock(db: Database, doc: Document, level: str, sign: int) -> None:
    """Add (``sign`` +1) or take (-1) each line's quantity to ``on_hand`` or ``reserved``."""
    for line in doc.body["detailItem"]:
        levels = getattr(db.items[line["itemNo"]], level)
        warehouse = line["warehouseName"]
        levels[warehouse] = levels.get(warehouse, Decimal(0)) + sign * line["quantity"]


def close_sales_order(db: Database, body: dict[str, Any]) -> dict[str, Any]:
    """Close (or with ``orderClosed=false`` reopen) a sales order by number."""
    order = db.documents["sales_order"].get(str(body.get("number") or ""))
    if order is None:
        raise AccurateRefusal(f"Pesanan Penjualan {body.get('number') or ''} tidak tepat")
    close = flag(body.get("orderClosed", True))
    if order.invoiced:
        raise AccurateRefusal(f"Pesanan Penjualan {order.number} sudah ditutup, tidak dapat "
                              "diproses lagi")
    if close and not order.closed:
        _release(db, order)
    elif not close and order.closed:
        _move_stock(db, order, "reserved", +1)
    order.closed, order.status = close, ("CLOSED" if close else "QUEUE")
    return {"id": order.id, "number": order.number, "status": order.status}


def save_sales_receipt(db: Database, body: dict[str, Any]) -> dict[str, Any]:
    """Record a customer payment against invoices; lowers their outstanding amounts."""
    db.customer(body.get("customerNo"))
    db.account(body.get("bankNo"))
    number = _number(db, "sales_receipt", body)
    applied, paid = [], Decimal(0)
    for raw in body.get("detailInvoice") or []:
        invoice = db.documents["sales_invoice"].get(str(raw.get("invoiceNo") or ""))
        if invoice is None:
            raise AccurateRefusal(f"Faktur Penjualan {raw.get('invoiceNo') or ''} tidak tepat")
        amount = money(raw.get("paymentAmount"))
        if amount > invoice.outstanding:
            raise AccurateRefusal(f"Nilai Pembayaran {invoice.number} melebihi sisa piutang")
        applied.append((invoice, amount))
        paid += amount
    if not applied:
        raise AccurateRefusal("Rincian Faktur harus diisi")
    if money(body.get("chequeAmount")) < paid:
        raise AccurateRefusal("Nilai Pembayaran tidak mencukupi")
    for invoice, amount in applied:
        invoice.outstanding -= amount
    saved = dict(body, number=number, transDate=check_date(body.get("transDate")))
    doc = Document("sales_receipt", db.next_id(), number, saved, total=paid)
    db.documents["sales_receipt"][number] = doc
    return {"id": doc.id, "number": number, "totalAmount": paid}


def save_sales_return(db: Database, body: dict[str, Any]) -> dict[str, Any]:
    """Record a return; with ``returnType=INVOICE`` the quantity goes back on hand."""
    return_type = str(body.get("returnType") or "")
    if return_type not in ("DELIVERY", "INVOICE", "INVOICE_DP", "NO_INVOICE"):
        raise AccurateRefusal("Tipe Retur harus diisi")
    if return_type in ("INVOICE", "INVOICE_DP"):
        invoice = db.documents["sales_invoice"].get(str(body.get("invoiceNumber") or ""))
        if invoice is None:
            raise AccurateRefusal(f"Faktur Penjualan {body.get('invoiceNumber') or ''} tidak tepat")
    doc = _priced(db, "sales_return", body)
    _move_stock(db, doc, "on_hand", +1)
    db.documents["sales_return"][doc.number] = doc
    return _answer(doc)


SAVERS = {
    "item": save_item,
    "customer": save_customer,
    "sales-order": save_sales_order,
    "sales-invoice": save_sales_invoice,
    "sales-receipt": save_sales_receipt,
    "sales-return": save_sales_return,
}
