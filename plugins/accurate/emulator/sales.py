"""Sales orders, invoices and returns with Accurate's stock and journal effects.

Stock rules (DESIGN.md's table): a sales order reserves its quantities, an invoice lowers
on-hand (and releases the reservation of the order it processes), closing an order releases
what it still reserves, and a sales return of an invoice puts the quantity back on hand and
lowers the invoice's outstanding. Each saver validates, then returns an uncommitted
``Document`` whose ``effects`` say all of that; ``effects.commit`` applies them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from plugins.accurate.assumptions import DEFAULT_APPROVAL

from . import effects as fx
from .pricing import Priced, price
from .state import AccurateRefusal, Database, Document, Effect, check_date, flag

LABELS = {"sales_order": ("Pesanan Penjualan", "No Pesanan", "SO"),
          "sales_invoice": ("Faktur Penjualan", "No Faktur", "SI"),
          "sales_receipt": ("Penerimaan Penjualan", "No Bukti", "SR"),
          "sales_return": ("Retur Penjualan", "No Retur", "RT"),
          "journal_voucher": ("Bukti Jurnal Umum", "No Bukti", "JV"),
          "item_adjustment": ("Penyesuaian Persediaan", "No Penyesuaian", "IA")}
APPROVALS = ("DRAFT", "UNAPPROVED")


def number_of(db: Database, kind: str, body: dict[str, Any], doc_id: int) -> str:
    """Return the document's number (auto-numbered when absent) or refuse a duplicate."""
    number = str(body.get("number") or "").strip()
    _, label, prefix = LABELS[kind]
    if not number:
        return f"{prefix}.{doc_id:05d}"
    if number in db.documents[kind]:
        raise AccurateRefusal(f"Sudah ada data lain dengan {label} {number}")
    return number


def header(db: Database, kind: str, body: dict[str, Any], doc_id: int) -> dict[str, Any]:
    """Return the checked header fields every transaction shares."""
    approval = str(body.get("saveAsStatusType") or DEFAULT_APPROVAL).upper()
    return {"number": number_of(db, kind, body, doc_id),
            "transDate": check_date(body.get("transDate"), "Tanggal Transaksi"),
            "branchName": db.branch(body.get("branchName")),
            "approvalStatus": approval if approval in APPROVALS else DEFAULT_APPROVAL}


def _document(db: Database, kind: str, body: dict[str, Any], doc_id: int | None,
              priced: Priced) -> Document:
    db.customer(body.get("customerNo"))
    span = max(1, len(priced.lines))
    doc_id = doc_id if doc_id is not None else db.next_id(span)
    head = header(db, kind, body, doc_id)
    for index, line in enumerate(priced.lines):
        line["id"] = line.get("id") or (doc_id + index if index < span else db.next_id())
        line["seq"] = index + 1
    saved = dict(body, **head, detailItem=priced.lines, detailExpense=priced.expenses)
    return Document(kind, doc_id, head["number"], saved, total=priced.total,
                    figures=priced.figures)


def _journal(db: Database, priced: Priced, revenue_role: str, sign: int) -> list[Effect]:
    """Journal lines of an invoice (``sign`` +1) or of a return (-1)."""
    lines = [fx.ledger(db.system_account("receivable"), sign * priced.total),
             fx.ledger(db.system_account(revenue_role), -sign * priced.revenue)]
    if priced.cash_discount:
        lines.append(fx.ledger(db.system_account("sales_discount"), sign * priced.cash_discount))
    if priced.tax:
        lines.append(fx.ledger(db.system_account("tax_out"), -sign * priced.tax))
    lines += [fx.ledger(e["accountNo"], -sign * e["expenseAmount"]) for e in priced.expenses]
    return lines


def _moves(doc: Document, level: str, sign: int) -> list[Effect]:
    return [fx.stock(line["itemNo"], line["warehouseName"], level, sign * line["quantity"])
            for line in doc.body["detailItem"]]


def save_sales_order(db: Database, body: dict[str, Any], doc_id: int | None = None) -> Document:
    """Build a sales order; it reserves its quantities in the line warehouses."""
    doc = _document(db, "sales_order", body, doc_id, price(db, body))
    doc.effects = _moves(doc, "reserved", +1)
    return doc


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
        if order.processed_by is not None:
            raise AccurateRefusal(f"Pesanan Penjualan {number} terdeteksi terproses dua kali. "
                                  "Mohon cek transaksi yang memproses pesanan tersebut")
        orders[order.number] = order
    return list(orders.values())


def save_sales_invoice(db: Database, body: dict[str, Any], doc_id: int | None = None) -> Document:
    """Build an invoice: lowers on-hand; lines naming a sales order process (close) it."""
    priced = price(db, body)
    orders = _processed_orders(db, priced.lines)
    doc = _document(db, "sales_invoice", body, doc_id, priced)
    doc.effects = _moves(doc, "on_hand", -1)
    for order in orders:  # the invoice takes over what the order reserved
        doc.effects += [*_moves(order, "reserved", -1), fx.process(order.number)]
    doc.effects += _journal(db, priced, "sales", +1)
    doc.outstanding, doc.status = doc.total, "OUTSTANDING"
    return doc


def _returnable(db: Database, invoice: Document) -> dict[str, Decimal]:
    """Return the quantity of each item of an invoice not yet returned."""
    left: dict[str, Decimal] = {}
    for line in invoice.body["detailItem"]:
        left[line["itemNo"]] = left.get(line["itemNo"], Decimal(0)) + line["quantity"]
    for kind, number in invoice.dependents:
        if kind == "sales_return":
            for line in db.documents[kind][number].body["detailItem"]:
                left[line["itemNo"]] = left.get(line["itemNo"], Decimal(0)) - line["quantity"]
    return left


def _return_of(db: Database, body: dict[str, Any]) -> tuple[Document | None, dict[str, Any]]:
    return_type = str(body.get("returnType") or "")
    if return_type not in ("DELIVERY", "INVOICE", "INVOICE_DP", "NO_INVOICE"):
        raise AccurateRefusal("Tipe Retur harus diisi")
    if return_type == "DELIVERY":  # the emulator holds no delivery orders
        raise AccurateRefusal(f"Pengiriman Pesanan {body.get('deliveryOrderNumber') or ''} "
                              "tidak tepat")
    if return_type == "NO_INVOICE":
        return None, body
    invoice = db.documents["sales_invoice"].get(str(body.get("invoiceNumber") or ""))
    if invoice is None:
        raise AccurateRefusal(f"Faktur Penjualan {body.get('invoiceNumber') or ''} tidak tepat")
    flags = {k: invoice.body.get(k) for k in ("taxable", "inclusiveTax")}
    return invoice, {**flags, **{k: v for k, v in body.items() if v is not None}}


def save_sales_return(db: Database, body: dict[str, Any], doc_id: int | None = None) -> Document:
    """Build a return; of an invoice it restores stock and lowers the invoice's outstanding."""
    invoice, body = _return_of(db, body)
    prices = ({line["itemNo"]: line["unitPrice"] for line in invoice.body["detailItem"]}
              if invoice else {})
    priced = price(db, body, prices=prices)
    if invoice is not None:
        left = _returnable(db, invoice)
        for line in priced.lines:
            if line["quantity"] > left.get(line["itemNo"], Decimal(0)):
                raise AccurateRefusal(f"Kuantitas retur {line['itemNo']} melebihi kuantitas "
                                      f"Faktur Penjualan {invoice.number}")
            left[line["itemNo"]] -= line["quantity"]
    doc = _document(db, "sales_return", body, doc_id, priced)
    doc.effects = _moves(doc, "on_hand", +1) + _journal(db, priced, "sales_return", -1)
    if invoice is not None:
        doc.effects.append(fx.owing(invoice.number, -min(doc.total, invoice.outstanding)))
    doc.status = "APPROVED"
    return doc


def close_sales_order(db: Database, body: dict[str, Any]) -> dict[str, Any]:
    """Close (or with ``orderClosed=false`` reopen) a sales order by number."""
    order = db.documents["sales_order"].get(str(body.get("number") or ""))
    if order is None:
        raise AccurateRefusal(f"Pesanan Penjualan {body.get('number') or ''} tidak tepat")
    close = flag(body.get("orderClosed"), True)
    if order.processed_by is not None:
        raise AccurateRefusal(f"Pesanan Penjualan {order.number} sudah ditutup, tidak dapat "
                              "diproses lagi")
    if close != order.closed:
        # the reservation is the order's effect: closing drops it, reopening takes it again
        moves = _moves(order, "reserved", -1 if close else +1)
        for effect in moves:
            levels = db.items[effect.target].reserved
            levels[effect.where] = levels.get(effect.where, Decimal(0)) + effect.amount
        order.effects = [] if close else _moves(order, "reserved", +1)
    order.closed, order.status = close, ("CLOSED" if close else "QUEUE")
    return {"id": order.id, "number": order.number, "status": order.status}
