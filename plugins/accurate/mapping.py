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
JOURNAL_VOUCHER = "JV"  # fees a marketplace keeps after a full refund


def order_ref(order_number: str, number_tag: str | None) -> str:
    """Return what an order's document numbers are made from (tagged on a shared database)."""
    return f"{number_tag}.{order_number}" if number_tag else order_number


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
class TaxSettings:
    """A link's PPN settings: whether invoices carry tax, prices include it, and which tax.

    ``line_field`` is the detail-line switch of the tax used (``useTax1`` PPN, ``useTax2``
    PPnBM, ``useTax3`` PPh 23); the rate comes from Accurate's own tax master.
    """

    taxable: bool = False
    inclusive: bool = True
    line_field: str = "useTax1"


TAX_FIELDS = {"ppn": "useTax1", "ppnbm": "useTax2", "pph23": "useTax3"}


def _flag(value: Any, default: bool) -> bool:
    if value is None or value == "":
        return default
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def tax_settings(settings: Mapping[str, Any]) -> TaxSettings:
    """Read a link's PPN settings: ``taxable``, ``inclusive_tax``, ``tax`` (ppn, ppnbm, pph23).

    Raises:
        ValueError: ``tax`` names no tax Accurate has a line switch for.
    """
    tax = str(settings.get("tax") or "ppn").strip().lower()
    if tax not in TAX_FIELDS:
        raise ValueError(f"unknown tax {tax!r}: choose one of {', '.join(TAX_FIELDS)}")
    return TaxSettings(taxable=_flag(settings.get("taxable"), False),
                       inclusive=_flag(settings.get("inclusive_tax"), True),
                       line_field=TAX_FIELDS[tax])


@dataclass(frozen=True, slots=True)
class OrderAccounts:
    """The account numbers and link settings an order's documents use.

    ``shipping_fee_account`` is ``None`` when the order has no shipping income (cashless or
    free shipping); ``branch`` is the Accurate branch (``branchName``), when the database has
    branches.
    """

    customer_no: str
    warehouse: str
    shipping_fee_account: str | None = None
    discount_account: str | None = None
    branch: str | None = None
    taxes: TaxSettings = TaxSettings()
    number_tag: str | None = None  # the link's tag when it shares its database with another


def item_body(product: Product, warehouse: str, as_of: datetime) -> dict[str, Any]:
    """Return the item save body: code, name, default price and opening quantity.

    The opening quantity is booked with ``detailOpenBalance``, one line per bound warehouse
    (``product.opening``, else ``available`` in ``warehouse``), only when positive (Accurate
    refuses a zero opening balance); the unit cost is unknown to the store, so it is 0 and the
    accountant revalues it in Accurate.
    """
    body: dict[str, Any] = {"no": product.sku, "name": product.name[:100], "itemType": "INVENTORY",
                            "unit1Name": "PCS", "unitPrice": amount(product.price)}
    opening = [(level.warehouse_id, level.quantity) for level in product.opening] or [
        (warehouse, product.available)]  # one line per bound warehouse holding the SKU
    lines = [{"quantity": quantity, "unitCost": "0", "warehouseName": name,
              "asOf": accurate_date(as_of)} for name, quantity in opening if quantity > 0]
    if lines:
        body["detailOpenBalance"] = lines
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


def _lines(order: Order, accounts: OrderAccounts, sales_order: str | None
           ) -> list[dict[str, Any]]:
    """Lines at the seller's price; seller-funded line discounts as ``itemCashDiscount``."""
    lines = []
    for line in order.lines:
        body: dict[str, Any] = {"itemNo": line.sku, "quantity": line.quantity,
                                "unitPrice": amount(line.unit_price),
                                "warehouseName": accounts.warehouse,
                                "detailName": line.name[:100]}
        if line.discount:
            body["itemCashDiscount"] = amount(line.discount)
        if accounts.taxes.taxable:
            body[accounts.taxes.line_field] = True
        if sales_order:
            body["salesOrderNumber"] = sales_order
        lines.append(body)
    return lines


def _expenses(order: Order, accounts: OrderAccounts) -> list[dict[str, Any]]:
    """Buyer-paid shipping that is the seller's income (not cashless), to its income account.

    Platform-funded vouchers never appear: the marketplace pays them, revenue stays whole.
    """
    shipping = order.books.shipping_income
    if shipping <= 0 or not accounts.shipping_fee_account:
        return []
    return [{"accountNo": accounts.shipping_fee_account, "expenseName": "Ongkos kirim",
             "expenseAmount": amount(shipping)}]


def _header(order: Order, prefix: str, accounts: OrderAccounts, when: datetime) -> dict[str, Any]:
    header = {"number": document_number(prefix, order_ref(order.order_number,
                                                          accounts.number_tag)),
              "customerNo": accounts.customer_no, "transDate": accurate_date(when),
              "poNumber": order.order_number[:30],
              "description": f"{order.channel} order {order.order_number} (jembatan)"}
    if accounts.branch:
        header["branchName"] = accounts.branch
    return header


def _priced(order: Order, accounts: OrderAccounts, sales_order: str | None) -> dict[str, Any]:
    """Lines, shipping income, the seller's order discount and the tax switches."""
    body: dict[str, Any] = {"detailItem": _lines(order, accounts, sales_order),
                            "detailExpense": _expenses(order, accounts)}
    discount = order.books.seller_discount
    if discount > 0:
        body["cashDiscount"] = amount(discount)
    if accounts.taxes.taxable:
        body.update(taxable=True, inclusiveTax=accounts.taxes.inclusive)
    return body


def sales_order_body(order: Order, accounts: OrderAccounts) -> dict[str, Any]:
    """Return the sales order for an order (dated when the order was created)."""
    return {**_header(order, SALES_ORDER, accounts, order.created_at),
            **_priced(order, accounts, None)}


def sales_invoice_body(order: Order, accounts: OrderAccounts, sales_order: str) -> dict[str, Any]:
    """Return the invoice at the seller's price, processing the order's sales order.

    Dated at the order's last update (when it became ready to ship).
    """
    return {**_header(order, SALES_INVOICE, accounts, order.updated_at),
            **_priced(order, accounts, sales_order)}


def document_total(body: Mapping[str, Any]) -> Decimal:
    """Return what Accurate will total a document at before any exclusive tax.

    Lines - line discounts + expenses - the header cash discount.
    """
    lines = sum((money(line["unitPrice"]) * money(line["quantity"])
                 - money(line.get("itemCashDiscount")) for line in body.get("detailItem", [])),
                Decimal(0))
    expenses = sum((money(e["expenseAmount"]) for e in body.get("detailExpense", [])), Decimal(0))
    return lines + expenses - money(body.get("cashDiscount"))


def pre_tax_invoice_amount(order: Order) -> Decimal:
    """The invoice amount before a tax Accurate adds itself (exclusive prices)."""
    books = order.books
    return order.invoice_amount - (Decimal(0) if books.tax_inclusive else books.tax)


def sales_receipt_body(order: Order, accounts: OrderAccounts, bank_no: str,
                       invoice_number: str, total: Decimal | None = None) -> dict[str, Any]:
    """Return the receipt that pays the whole invoice into the bank account (Auto Paid).

    ``total`` is what Accurate totalled the invoice at (it adds an exclusive tax itself).
    """
    when = order.paid_at or order.updated_at
    paid = amount(order.invoice_amount if total is None else total)
    body = {"number": document_number(SALES_RECEIPT,
                                      order_ref(order.order_number, accounts.number_tag)),
            "bankNo": bank_no,
            "customerNo": accounts.customer_no,
            "transDate": accurate_date(max(when, order.updated_at)), "chequeAmount": paid,
            "paymentMethod": "OTHERS",
            "description": f"{order.channel} payment {order.order_number} (jembatan)",
            "detailInvoice": [{"invoiceNo": invoice_number, "paymentAmount": paid}]}
    if accounts.branch:
        body["branchName"] = accounts.branch
    return body


def sales_return_body(order: Order, accounts: OrderAccounts, invoice_number: str,
                      when: datetime) -> dict[str, Any]:
    """Return the sales return (``returnType`` INVOICE) of what the order refunded.

    With refunds that name lines, only those units go back at their price, and the return
    totals the refunded amount: a smaller refund as line discounts, a larger one (shipping
    given back) as a line to the shipping income account. Without refund lines the whole
    invoice is returned.

    Raises:
        ValueError: the refund exceeds the lines and no shipping account is known.
    """
    body = {**_header(order, SALES_RETURN, accounts, when), "returnType": "INVOICE",
            "invoiceNumber": invoice_number}
    refunded = _refunded_quantities(order)
    if not refunded and order.books.refund_total in (0, order.invoice_amount):
        return {**body, **_priced(order, accounts, None)}
    if not refunded:
        refunded = _units_worth(order, order.books.refund_total)
    lines, gross = [], Decimal(0)
    for line, source in zip(_lines(order, accounts, None), order.lines, strict=True):
        quantity = min(refunded.get(source.sku, 0), source.quantity)
        if quantity <= 0:
            continue
        refunded[source.sku] -= quantity  # one SKU on several lines: each unit returned once
        line["quantity"], gross = quantity, gross + source.unit_price * quantity
        line.pop("itemCashDiscount", None)
        lines.append(line)
    return {**body, "detailItem": _discounted(lines, gross - order.books.refund_total),
            "detailExpense": _refund_beyond_lines(accounts, order.books.refund_total - gross)}


def _discounted(lines: list[dict[str, Any]], discount: Decimal) -> list[dict[str, Any]]:
    """Spread ``discount`` over the lines, first lines first, never beyond a line's value."""
    for line in lines:
        if discount <= 0:
            break
        share = min(discount, money(line["unitPrice"]) * line["quantity"])
        line["itemCashDiscount"] = amount(share)
        discount -= share
    return lines


def _refund_beyond_lines(accounts: OrderAccounts, extra: Decimal) -> list[dict[str, Any]]:
    """A refund above the returned lines' value (shipping given back) as a shipping line.

    Raises:
        ValueError: there is such an amount but no shipping income account to book it to.
    """
    if extra <= 0:
        return []
    if not accounts.shipping_fee_account:
        raise ValueError(f"the refund exceeds the returned lines by {extra} and no "
                         "shipping_fee account is mapped to book it")
    return [{"accountNo": accounts.shipping_fee_account, "expenseName": "Refund ongkos kirim",
             "expenseAmount": amount(extra)}]


def _units_worth(order: Order, value: Decimal) -> dict[str, int]:
    """Whole units, in line order, worth at least ``value``.

    A refund given as an amount only (Ginee's ``sellerReturnRefundAmount``) returns that
    much, the first units first; the return's discount brings it to the exact amount.
    """
    units: dict[str, int] = {}
    for line in order.lines:
        unit = line.total / line.quantity
        for _ in range(line.quantity):
            if value <= 0:
                return units
            units[line.sku] = units.get(line.sku, 0) + 1
            value -= unit
    return units


def _refunded_quantities(order: Order) -> dict[str, int]:
    quantities: dict[str, int] = {}
    for refund in order.books.refunds:
        for line in refund.lines:
            quantities[line.sku] = quantities.get(line.sku, 0) + line.quantity
    return quantities
