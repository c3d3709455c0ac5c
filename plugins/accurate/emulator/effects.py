"""Applying and reverting what a saved document does to stock, invoices and the journal.

Savers validate first and describe their consequences as a list of ``Effect``; only
``commit`` changes the database. ``revert`` undoes a document's effects exactly, which is what
``save.do`` with an ``id`` (update) and ``delete.do`` build on. Nothing here refuses.
"""

from __future__ import annotations

from decimal import Decimal

from .state import Database, Document, Effect

LEDGER, STOCK, OWING, PROCESS = "ledger", "stock", "owing", "process"


def stock(item_no: str, warehouse: str, level: str, qty: Decimal) -> Effect:
    """Return an effect moving ``qty`` of an item on ``level`` (on_hand or reserved)."""
    return Effect(STOCK, item_no, qty, where=warehouse, level=level)


def ledger(account_no: str, debit: Decimal) -> Effect:
    """Return a journal line: ``debit`` positive, a credit negative."""
    return Effect(LEDGER, account_no, debit)


def owing(invoice_number: str, delta: Decimal) -> Effect:
    """Return an effect adding ``delta`` (negative when paid) to an invoice's outstanding."""
    return Effect(OWING, invoice_number, delta)


def process(order_number: str) -> Effect:
    """Return an effect marking a sales order processed by the saving document."""
    return Effect(PROCESS, order_number)


def _apply(db: Database, doc: Document, effect: Effect, sign: int) -> None:
    key = (doc.kind, doc.number)
    if effect.kind == STOCK:
        levels = getattr(db.items[effect.target], effect.level)
        levels[effect.where] = levels.get(effect.where, Decimal(0)) + sign * effect.amount
    elif effect.kind == LEDGER:
        db.balances[effect.target] = (db.balances.get(effect.target, Decimal(0))
                                      + sign * effect.amount)
    elif effect.kind == OWING:
        invoice = db.documents["sales_invoice"][effect.target]
        invoice.outstanding += sign * effect.amount
        _depend(invoice, key, sign)
    elif effect.kind == PROCESS:
        order = db.documents["sales_order"][effect.target]
        order.processed_by = doc.number if sign > 0 else None
        order.status = "CLOSED" if sign > 0 or order.closed else "QUEUE"
        _depend(order, key, sign)


def _depend(target: Document, key: tuple[str, str], sign: int) -> None:
    count = target.dependents.get(key, 0) + sign
    if count > 0:
        target.dependents[key] = count
    else:
        target.dependents.pop(key, None)


def commit(db: Database, doc: Document) -> Document:
    """Apply a validated document's effects and store it under its number."""
    for effect in doc.effects:
        _apply(db, doc, effect, +1)
    db.documents[doc.kind][doc.number] = doc
    return doc


def revert(db: Database, doc: Document) -> None:
    """Undo a stored document's effects and remove it (the caller may commit a new version)."""
    for effect in reversed(doc.effects):
        _apply(db, doc, effect, -1)
    db.documents[doc.kind].pop(doc.number, None)


def balanced(effects: list[Effect]) -> bool:
    """Return whether a document's journal lines sum to zero (debits = credits)."""
    return sum((e.amount for e in effects if e.kind == LEDGER), Decimal(0)) == 0
