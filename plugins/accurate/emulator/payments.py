"""Sales receipts, journal vouchers and item adjustments (stok opname) with their journal.

A receipt (reference §3.7, §9) takes cash into ``bankNo`` (``chequeAmount`` = Σ
``paymentAmount``) and settles each named invoice by its ``paymentAmount`` plus the
``detailDiscount[]`` inside that ``detailInvoice`` element (marketplace fees, each to its own
account) plus the root ``detailTax[]`` withheld for it. A journal voucher books balanced
``detailJournalVoucher[]`` lines. An item adjustment moves on-hand stock in or out;
``save-target-quantity.do`` works the adjustment out from the wanted final quantity.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from plugins.accurate.assumptions import NEGATIVE_RECEIPT_DISCOUNT

from . import effects as fx
from .pricing import detail_rows
from .sales import header
from .state import AccurateRefusal, Database, Document, Effect, money

ADJUST_IN, ADJUST_OUT = "ADJUSTMENT_IN", "ADJUSTMENT_OUT"


def _withheld(db: Database, body: dict[str, Any]) -> dict[str, Decimal]:
    """Return the tax withheld per invoice number from the root ``detailTax[]``."""
    withheld: dict[str, Decimal] = {}
    for raw in detail_rows(body.get("detailTax"), "detailTax"):
        try:
            tax_id = int(raw.get("taxId"))
        except (TypeError, ValueError):
            raise AccurateRefusal(f"Pajak {raw.get('taxId') or ''} tidak tepat") from None
        if tax_id not in db.taxes:
            raise AccurateRefusal(f"Pajak {tax_id} tidak tepat")
        amount = money(raw.get("taxAmount"))
        if amount <= 0:
            raise AccurateRefusal("Nilai Pajak harus diisi")
        invoice = str(raw.get("detailInvoiceNo") or "")
        withheld[invoice] = withheld.get(invoice, Decimal(0)) + amount
    return withheld


def _discounts(db: Database, raw: dict[str, Any]) -> list[dict[str, Any]]:
    discounts = []
    for line in detail_rows(raw.get("detailDiscount"), "detailDiscount"):
        amount = money(line.get("amount"))
        if amount < 0 and not NEGATIVE_RECEIPT_DISCOUNT:
            raise AccurateRefusal("Nilai Diskon tidak boleh negatif")
        discounts.append(dict(line, accountNo=db.account(line.get("accountNo"))["no"],
                              amount=amount))
    return discounts


def _applied(db: Database, body: dict[str, Any]) -> tuple[list[dict[str, Any]], list[Effect]]:
    """Check every ``detailInvoice`` element; return them normalised and their effects."""
    withheld = _withheld(db, body)
    lines, effects, settled = [], [], {}
    for raw in detail_rows(body.get("detailInvoice"), "detailInvoice"):
        number = str(raw.get("invoiceNo") or "")
        invoice = db.documents["sales_invoice"].get(number)
        if invoice is None:
            raise AccurateRefusal(f"Faktur Penjualan {number} tidak tepat".replace("  ", " "))
        payment = money(raw.get("paymentAmount"))
        if payment < 0:
            raise AccurateRefusal(f"Nilai Pembayaran {number} tidak valid")
        discounts = _discounts(db, raw)
        tax = withheld.pop(number, Decimal(0))
        settle = payment + sum((d["amount"] for d in discounts), Decimal(0)) + tax
        settled[number] = settled.get(number, Decimal(0)) + settle
        if settled[number] > invoice.outstanding:
            raise AccurateRefusal(f"Nilai Pembayaran {number} melebihi sisa piutang")
        lines.append(dict(raw, invoiceNo=number, paymentAmount=payment, detailDiscount=discounts))
        effects += [fx.ledger(d["accountNo"], d["amount"]) for d in discounts]
        if tax:
            effects.append(fx.ledger(db.system_account("pph_prepaid"), tax))
        effects += [fx.ledger(db.system_account("receivable"), -settle),
                    fx.owing(number, -settle)]
    if withheld:
        raise AccurateRefusal(f"Faktur Penjualan {next(iter(withheld))} tidak ada di Rincian "
                              "Faktur")
    if not lines:
        raise AccurateRefusal("Rincian Faktur harus diisi")
    return lines, effects


def save_sales_receipt(db: Database, body: dict[str, Any], doc_id: int | None = None) -> Document:
    """Build a customer payment against invoices; it lowers their outstanding amounts."""
    db.customer(body.get("customerNo"))
    bank = str(db.account(body.get("bankNo"))["no"])
    lines, effects = _applied(db, body)
    paid = sum((line["paymentAmount"] for line in lines), Decimal(0))
    cheque = money(body.get("chequeAmount"))
    if cheque < paid:
        raise AccurateRefusal("Nilai Pembayaran tidak mencukupi")
    if cheque > paid:
        raise AccurateRefusal("Nilai Pembayaran melebihi total Rincian Faktur")
    doc_id = doc_id if doc_id is not None else db.next_id()
    head = header(db, "sales_receipt", body, doc_id)
    saved = dict(body, **head, chequeAmount=cheque, detailInvoice=lines)
    return Document("sales_receipt", doc_id, head["number"], saved, total=paid,
                    figures={"totalAmount": paid}, status="APPROVED",
                    effects=[fx.ledger(bank, cheque), *effects])


def save_journal_voucher(db: Database, body: dict[str, Any],
                         doc_id: int | None = None) -> Document:
    """Build a journal voucher; its DEBIT and CREDIT lines must balance."""
    lines, effects = [], []
    for raw in detail_rows(body.get("detailJournalVoucher"), "detailJournalVoucher"):
        account = str(db.account(raw.get("accountNo"))["no"])
        amount, side = money(raw.get("amount")), str(raw.get("amountType") or "").upper()
        if side not in ("DEBIT", "CREDIT") or amount <= 0:
            raise AccurateRefusal(f"Rincian Jurnal {account} tidak valid")
        lines.append(dict(raw, accountNo=account, amount=amount, amountType=side))
        effects.append(fx.ledger(account, amount if side == "DEBIT" else -amount))
    if not lines:
        raise AccurateRefusal("Rincian Jurnal harus diisi")
    if not fx.balanced(effects):
        raise AccurateRefusal("Total Debit dan Kredit harus sama")
    doc_id = doc_id if doc_id is not None else db.next_id()
    head = header(db, "journal_voucher", body, doc_id)
    total = sum((e.amount for e in effects if e.amount > 0), Decimal(0))
    return Document("journal_voucher", doc_id, head["number"],
                    dict(body, **head, detailJournalVoucher=lines), total=total,
                    figures={"totalAmount": total}, status="APPROVED", effects=effects)


def save_item_adjustment(db: Database, body: dict[str, Any],
                         doc_id: int | None = None) -> Document:
    """Build an item adjustment: ADJUSTMENT_IN adds on-hand, ADJUSTMENT_OUT takes it."""
    account = str(db.account(body.get("adjustmentAccountNo")
                             or db.system_account("adjustment"))["no"])
    lines, effects = [], []
    for raw in detail_rows(body.get("detailItem"), "detailItem"):
        item, qty = db.item(raw.get("itemNo")), money(raw.get("quantity"))
        kind = str(raw.get("itemAdjustmentType") or ADJUST_IN).upper()
        if kind not in (ADJUST_IN, ADJUST_OUT) or qty <= 0:
            raise AccurateRefusal(f"Rincian Penyesuaian {item.no} tidak valid")
        warehouse, sign = db.warehouse(raw.get("warehouseName")), 1 if kind == ADJUST_IN else -1
        value = qty * money(raw.get("unitCost"))
        lines.append(dict(raw, itemNo=item.no, quantity=qty, itemAdjustmentType=kind,
                          warehouseName=warehouse))
        effects.append(fx.stock(item.no, warehouse, "on_hand", sign * qty))
        if value:
            effects += [fx.ledger(db.system_account("inventory"), sign * value),
                        fx.ledger(account, -sign * value)]
    if not lines:
        raise AccurateRefusal("Rincian Barang harus diisi")
    doc_id = doc_id if doc_id is not None else db.next_id(len(lines))
    head = header(db, "item_adjustment", body, doc_id)
    for index, line in enumerate(lines):
        line["id"], line["seq"] = doc_id + index, index + 1
    return Document("item_adjustment", doc_id, head["number"],
                    dict(body, **head, adjustmentAccountNo=account, detailItem=lines),
                    status="APPROVED", effects=effects)


def target_adjustment(db: Database, body: dict[str, Any]) -> dict[str, Any] | None:
    """Turn ``save-target-quantity.do``'s wanted quantities into an adjustment body.

    Returns ``None`` when every item already has its target (nothing to adjust).
    """
    lines = []
    for raw in detail_rows(body.get("detail"), "detail"):
        item, target = db.item(raw.get("itemNo")), money(raw.get("targetQuantity"))
        warehouse = db.warehouse(raw.get("warehouseName"))
        if target < 0:
            raise AccurateRefusal(f"Kuantitas {item.no} tidak valid")
        change = target - item.on_hand.get(warehouse, Decimal(0))
        if change:
            lines.append({"itemNo": item.no, "quantity": abs(change),
                          "itemAdjustmentType": ADJUST_IN if change > 0 else ADJUST_OUT,
                          "unitCost": raw.get("unitCost") or 0, "warehouseName": warehouse})
    if not lines:
        return None
    keep = ("transDate", "branchName", "adjustmentAccountNo", "number", "description")
    return {**{k: body[k] for k in keep if body.get(k) not in (None, "")}, "detailItem": lines}
