"""Pure functions between jembatan's canonical models and Accurate's JSON.

Document numbers are derived from the order, so the same order always names the same
documents: ``SO.<order number>`` (sales order), ``SI.`` (invoice), ``SR.`` (sales receipt) and
``RT.`` (sales return). Accurate refuses a second document with a number it already holds,
which is what makes posting exactly-once. Numbers are kept within 30 characters: a longer one
keeps the order number's tail and adds 8 hex digits of its SHA-1, still deterministic.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from framework import Account, Order, Product, Warehouse

WIB = timezone(timedelta(hours=7))  # Accurate dates are Jakarta dates
NUMBER_MAX = 30
ITEM_NO_MAX = 30
SALES_ORDER, SALES_INVOICE, SALES_RECEIPT, SALES_RETURN = "SO", "SI", "SR", "RT"


def document_number(prefix: str, order_number: str) -> str:
    """Return the deterministic Accurate number of one of an order's documents."""
    number = f"{prefix}.{order_number}"
    if len(number) <= NUMBER_MAX:
        return number
    digest = hashlib.sha1(order_number.encode()).hexdigest()[:8]  # noqa: S324 - a name
    keep = NUMBER_MAX - len(prefix) - 2 - len(digest)
    return f"{prefix}.{order_number[-keep:]}~{digest}"


def accurate_date(moment: datetime) -> str:
    """Return ``dd/MM/yyyy`` for an aware datetime, as a Jakarta date."""
    return moment.astimezone(WIB).strftime("%d/%m/%Y")


def amount(value: Decimal) -> str:
    """Return money as a plain decimal string (no float rounding on the wire)."""
    return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)


def money(value: Any) -> Decimal:
    """Read an amount Accurate answered as a number or string."""
    return Decimal(str(value if value not in (None, "") else 0))


@dataclass(frozen=True, slots=True)
class OrderAccounts:
    """The account numbers an order's documents use (``None`` when the amount is zero)."""

    customer_no: str
    warehouse: str
    shipping_fee_account: str | None = None
    discount_account: str | None = None


def item_body(product: Product, warehouse: str, as_of: datetime) -> dict[str, Any]:
    """Return the item save body: code, name, default price and opening quantity.

    The opening quantity is booked with ``detailOpenBalance`` in the bound warehouse, only
    when positive (Accurate refuses a zero opening balance); the unit cost is unknown to the
    store, so it is 0 and the accountant revalues it in Accurate.
    """
    body: dict[str, Any] = {"no": product.sku, "name": product.name[:100], "itemType": "INVENTORY",
                            "unit1Name": "PCS", "unitPrice": amount(product.price)}
    if product.available > 0:
        body["detailOpenBalance"] = [{"quantity": product.available, "unitCost": "0",
                                      "warehouseName": warehouse, "asOf": accurate_date(as_of)}]
    return body


def product_from_item(row: Mapping[str, Any]) -> Product:
    """Return the canonical product of an Accurate item row (``no``, ``name``, ``unitPrice``)."""
    return Product(sku=str(row["no"]), name=str(row.get("name") or row["no"]),
                   price=money(row.get("unitPrice")))


def warehouse_from_row(row: Mapping[str, Any]) -> Warehouse:
    """Return a canonical warehouse; Accurate documents name warehouses, so id = name."""
    return Warehouse(id=str(row["name"]), name=str(row["name"]))


def account_from_glaccount(row: Mapping[str, Any]) -> Account:
    """Return a chart-of-accounts entry."""
    return Account(number=str(row["no"]), name=str(row.get("name") or ""),
                   kind=str(row.get("accountType") or "GL"))


def account_from_customer(row: Mapping[str, Any]) -> Account:
    """Return a customer as an account entry (kind ``CUSTOMER``)."""
    return Account(number=str(row["customerNo"]), name=str(row.get("name") or ""), kind="CUSTOMER")


def customer_body(customer_no: str, channel: str, when: datetime) -> dict[str, Any]:
    """Return the body that creates the customer standing for a sales channel."""
    return {"customerNo": customer_no, "name": f"{channel.title()} (marketplace)",
            "transDate": accurate_date(when)}


def _lines(order: Order, warehouse: str, sales_order: str | None) -> list[dict[str, Any]]:
    lines = []
    for line in order.lines:
        body = {"itemNo": line.sku, "quantity": line.quantity, "unitPrice": amount(line.unit_price),
                "warehouseName": warehouse, "detailName": line.name[:100]}
        if line.discount:
            body["itemCashDiscount"] = amount(line.discount)
        if sales_order:
            body["salesOrderNumber"] = sales_order
        lines.append(body)
    return lines


def _expenses(order: Order, accounts: OrderAccounts) -> list[dict[str, Any]]:
    expenses = []
    if order.shipping_fee > 0 and accounts.shipping_fee_account:
        expenses.append({"accountNo": accounts.shipping_fee_account, "expenseName": "Ongkos kirim",
                         "expenseAmount": amount(order.shipping_fee)})
    if order.discount > 0 and accounts.discount_account:
        expenses.append({"accountNo": accounts.discount_account, "expenseName": "Diskon pesanan",
                         "expenseAmount": amount(-order.discount)})
    return expenses


def _header(order: Order, prefix: str, accounts: OrderAccounts, when: datetime) -> dict[str, Any]:
    return {"number": document_number(prefix, order.order_number),
            "customerNo": accounts.customer_no, "transDate": accurate_date(when),
            "poNumber": order.order_number[:30],
            "description": f"{order.channel} order {order.order_number} (jembatan)"}


def sales_order_body(order: Order, accounts: OrderAccounts) -> dict[str, Any]:
    """Return the sales order for an order (dated when the order was created)."""
    return {**_header(order, SALES_ORDER, accounts, order.created_at),
            "detailItem": _lines(order, accounts.warehouse, None),
            "detailExpense": _expenses(order, accounts)}


def sales_invoice_body(order: Order, accounts: OrderAccounts, sales_order: str) -> dict[str, Any]:
    """Return the invoice processing the order's sales order (dated at its last update)."""
    return {**_header(order, SALES_INVOICE, accounts, order.updated_at),
            "detailItem": _lines(order, accounts.warehouse, sales_order),
            "detailExpense": _expenses(order, accounts)}


def document_total(body: Mapping[str, Any]) -> Decimal:
    """Return what Accurate will total a document at: lines - line discounts + expenses."""
    lines = sum((money(line["unitPrice"]) * money(line["quantity"])
                 - money(line.get("itemCashDiscount")) for line in body.get("detailItem", [])),
                Decimal(0))
    expenses = sum((money(e["expenseAmount"]) for e in body.get("detailExpense", [])), Decimal(0))
    return lines + expenses - money(body.get("cashDiscount"))


def sales_receipt_body(order: Order, customer_no: str, bank_no: str,
                       invoice_number: str) -> dict[str, Any]:
    """Return the receipt that pays the whole invoice into the bank account (Auto Paid)."""
    when = order.paid_at or order.updated_at
    return {"number": document_number(SALES_RECEIPT, order.order_number), "bankNo": bank_no,
            "customerNo": customer_no, "transDate": accurate_date(max(when, order.updated_at)),
            "chequeAmount": amount(order.total), "paymentMethod": "OTHERS",
            "description": f"{order.channel} payment {order.order_number} (jembatan)",
            "detailInvoice": [{"invoiceNo": invoice_number, "paymentAmount": amount(order.total)}]}


def sales_return_body(order: Order, accounts: OrderAccounts, invoice_number: str,
                      when: datetime) -> dict[str, Any]:
    """Return the sales return of the whole invoice (``returnType`` INVOICE)."""
    return {**_header(order, SALES_RETURN, accounts, when), "returnType": "INVOICE",
            "invoiceNumber": invoice_number, "detailItem": _lines(order, accounts.warehouse, None),
            "detailExpense": []}
