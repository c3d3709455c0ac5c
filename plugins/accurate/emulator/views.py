"""Documents as ``detail.do`` shows them: the fields an integrator reads (reference §3.5-3.8).

Header: ``id``, ``number``, ``transDate``, ``dueDate``, ``customer{id, customerNo, name}``,
``customerId``, ``status``/``statusName``, ``approvalStatus``, ``subTotal``, ``totalAmount``,
``branch``, ``lastUpdate``; invoices add ``outstanding``, ``primeOwing`` and
``receiptHistory``. Lines carry ``id`` (the first equals the header id), ``seq`` and a nested
``item{id, no, name}`` and ``warehouse{name}``. List rows are the same records projected by
``fields``, except that owing amounts appear only in detail.do [C-CODE ref-live].
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from plugins.accurate.assumptions import STATUS_NAMES

from .state import Database, Document

DETAIL_ONLY = ("outstanding", "primeOwing", "receiptHistory")


def due_date(trans_date: str, term: Any) -> str:
    """Return the due date: the transaction date plus the days of a ``net N`` term."""
    days = re.search(r"\d+", str(term or ""))
    moment = datetime.strptime(trans_date, "%d/%m/%Y")  # noqa: DTZ007 - a calendar date
    return (moment + timedelta(days=int(days.group()) if days else 0)).strftime("%d/%m/%Y")


def _line(db: Database, line: dict[str, Any]) -> dict[str, Any]:
    item = db.items.get(str(line.get("itemNo")))
    view = dict(line)
    view["item"] = {"id": item.id if item else None, "no": line.get("itemNo"),
                    "name": item.name if item else None}
    view["warehouse"] = {"name": line.get("warehouseName")}
    return view


def _expense(db: Database, line: dict[str, Any]) -> dict[str, Any]:
    account = db.accounts.get(str(line.get("accountNo")))
    return dict(line, account={"no": line.get("accountNo"),
                               "name": account["name"] if account else None})


def _receipt_history(db: Database, invoice: Document) -> list[dict[str, Any]]:
    history = []
    for kind, number in invoice.dependents:
        doc = db.documents[kind][number]
        if kind == "sales_receipt":
            paid = [line for line in doc.body["detailInvoice"]
                    if line["invoiceNo"] == invoice.number]
            amount = sum((line["paymentAmount"] for line in paid), Decimal(0))
            history.append({"id": doc.id, "historyNumber": doc.number,
                            "historyDate": doc.body.get("transDate"), "historyAmount": amount,
                            "paymentAmount": amount, "historyType": "SALES_RECEIPT"})
        elif kind == "sales_return":
            history.append({"id": doc.id, "historyNumber": doc.number,
                            "historyDate": doc.body.get("transDate"),
                            "historyAmount": doc.total, "historyType": "SALES_RETURN"})
    return history


def document_view(db: Database, doc: Document) -> dict[str, Any]:
    """Return one document as detail.do answers it."""
    view = dict(doc.body)
    view.update(doc.figures)
    status = "CLOSED" if doc.kind == "sales_order" and doc.closed else doc.status
    if doc.kind == "sales_invoice":
        status = "PAID" if doc.outstanding == 0 else "OUTSTANDING"
        view.update({"outstanding": doc.outstanding, "primeOwing": doc.outstanding,
                     "receiptHistory": _receipt_history(db, doc),
                     "dueDate": due_date(view["transDate"], view.get("paymentTermName"))})
    view.update({"id": doc.id, "number": doc.number, "totalAmount": doc.total,
                 "status": status, "statusName": STATUS_NAMES.get(status, status),
                 "lastUpdate": doc.last_update})
    view.setdefault("dueDate", view.get("transDate"))
    customer = db.customers.get(str(view.get("customerNo") or ""))
    if customer:
        view["customer"] = {"id": customer["id"], "customerNo": customer["customerNo"],
                            "name": customer["name"]}
        view["customerId"] = customer["id"]
    if view.get("branchName"):
        view["branch"] = {"name": view["branchName"]}
    if "detailItem" in view:
        view["detailItem"] = [_line(db, line) for line in view["detailItem"]]
    view["detailExpense"] = [_expense(db, line) for line in view.get("detailExpense") or []]
    if "detailInvoice" in view:
        view["detailInvoice"] = [dict(line, invoice={"number": line.get("invoiceNo")})
                                 for line in view["detailInvoice"]]
    return view


def list_view(db: Database, doc: Document) -> dict[str, Any]:
    """Return a document as list.do selects from it (no owing amounts)."""
    view = document_view(db, doc)
    for name in DETAIL_ONLY:
        view.pop(name, None)
    return view
