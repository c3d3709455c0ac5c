"""Saving, updating and deleting transactions through their ``Effect`` lists.

``save.do`` without ``id`` creates; with ``id`` it updates that record and never creates a
second one [C-DOC]: the old version's effects are reverted, the merged body is saved under the
same id, and if the new version is refused the old one is put back unchanged. A detail line
sent with its ``id`` changes that line; with ``"_status": "delete"`` it is removed [C-DOC].
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from plugins.accurate.assumptions import IN_USE_TEXT

from . import effects as fx
from .payments import save_item_adjustment, save_journal_voucher, save_sales_receipt
from .sales import LABELS, save_sales_invoice, save_sales_order, save_sales_return
from .state import AccurateRefusal, Database, Document

Saver = Callable[..., Document]
SAVERS: dict[str, Saver] = {
    "sales_order": save_sales_order, "sales_invoice": save_sales_invoice,
    "sales_receipt": save_sales_receipt, "sales_return": save_sales_return,
    "journal_voucher": save_journal_voucher, "item_adjustment": save_item_adjustment,
}
DETAILS = ("detailItem", "detailExpense", "detailInvoice", "detailJournalVoucher", "detailTax")


def _merge_lines(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    merged = {str(line.get("id")): dict(line) for line in old}
    added = []
    for line in new:
        key = str(line.get("id") or "")
        if not key:
            added.append(line)
        elif key not in merged:
            raise AccurateRefusal(f"Rincian dengan id {key} tidak tepat")
        elif str(line.get("_status") or "").lower() == "delete":
            del merged[key]
        else:
            merged[key].update({k: v for k, v in line.items() if k != "_status"})
    return [*merged.values(), *added]


def merge_update(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Return the body of an update: the old one, changed by what ``new`` sends."""
    merged = dict(old)
    for key, value in new.items():
        if key in DETAILS and isinstance(value, list):
            merged[key] = _merge_lines(old.get(key) or [], value)
        elif key != "id":
            merged[key] = value
    return merged


def _keep_ids(raw: dict[str, Any], doc: Document) -> dict[str, Any]:
    """Copy the line ids the saver assigned into the raw body (the next update names them)."""
    raw = dict(raw)
    for key in ("detailItem", "detailExpense"):
        saved = doc.body.get(key) or []
        sent = raw.get(key) or []
        if len(saved) == len(sent):
            raw[key] = [dict(line, id=kept["id"]) for line, kept in zip(sent, saved, strict=True)]
    return raw


def refuse_if_used(doc: Document, *, closing_counts: bool = True) -> None:
    """Refuse to change a document another document depends on (or a closed order)."""
    if doc.dependents:
        kind, other = next(iter(doc.dependents))
        raise AccurateRefusal(IN_USE_TEXT.format(label=LABELS[doc.kind][0], number=doc.number,
                                                 other_label=LABELS[kind][0], other=other))
    if doc.closed and closing_counts:
        raise AccurateRefusal(f"{LABELS[doc.kind][0]} {doc.number} sudah ditutup, tidak dapat "
                              "diproses lagi")


def save(db: Database, kind: str, body: dict[str, Any]) -> Document:
    """Create a transaction, or update the one whose ``id`` the body names."""
    if body.get("id") in (None, ""):
        doc = SAVERS[kind](db, body)
        doc.raw = _keep_ids(body, doc)
        return fx.commit(db, doc)
    existing = db.find_document(kind, {"id": body["id"]})
    if existing is None:
        raise AccurateRefusal(f"{LABELS[kind][0]} tidak tepat")
    refuse_if_used(existing)
    merged = merge_update(existing.raw or existing.body, body)
    fx.revert(db, existing)
    try:
        doc = SAVERS[kind](db, merged, doc_id=existing.id)
    except AccurateRefusal:
        fx.commit(db, existing)  # the refused update leaves the old version as it was
        raise
    doc.raw = _keep_ids(merged, doc)
    return fx.commit(db, doc)


def delete(db: Database, kind: str, params: dict[str, Any]) -> Document:
    """Delete a transaction by ``id`` or ``number``, reverting everything it did."""
    doc = db.find_document(kind, params)
    if doc is None:
        raise AccurateRefusal(f"{LABELS[kind][0]} tidak tepat")
    refuse_if_used(doc, closing_counts=False)
    fx.revert(db, doc)
    return doc
