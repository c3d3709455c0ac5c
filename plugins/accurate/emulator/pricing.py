"""Pricing a sales document as Accurate does: lines, discounts, expenses, PPN and the total.

Documented fields (reference §3.6, §9): per line ``quantity``, ``unitPrice``,
``itemCashDiscount`` (an amount for the whole line) or ``itemDiscPercent`` (a string that may
cascade, ``"5+2"``), ``useTax1``; per document ``cashDiscount`` / ``cashDiscPercent``,
``detailExpense[]`` and the ``taxable`` / ``inclusiveTax`` flags. The tax rate comes from the
database's tax master, never from the request. Rounding of computed tax is an assumption.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from plugins.accurate.assumptions import NEGATIVE_EXPENSE, PPN_RATE, TAX_DECIMALS

from .state import AccurateRefusal, Database, flag, money

HUNDRED = Decimal(100)


@dataclass
class Priced:
    """A document's lines and totals, computed but not yet saved."""

    lines: list[dict[str, Any]]
    expenses: list[dict[str, Any]]
    sub_total: Decimal = Decimal(0)
    cash_discount: Decimal = Decimal(0)
    expense_total: Decimal = Decimal(0)
    tax: Decimal = Decimal(0)
    taxable: bool = False
    inclusive: bool = False
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        """Return what the customer owes for the document."""
        tax_on_top = Decimal(0) if self.inclusive else self.tax
        return self.sub_total - self.cash_discount + self.expense_total + tax_on_top

    @property
    def revenue(self) -> Decimal:
        """Return the item revenue before the document discount, tax excluded."""
        return self.sub_total - (self.tax if self.inclusive else Decimal(0))


def percent_factor(text: Any) -> Decimal:
    """Return what remains of 1 after a (cascading) percent discount such as ``"5+2"``."""
    remaining = Decimal(1)
    for part in str(text or "").replace(" ", "").split("+"):
        if not part:
            continue
        share = money(part)
        if not Decimal(0) <= share <= HUNDRED:
            raise AccurateRefusal(f"Persentase diskon {text} tidak valid")
        remaining *= (HUNDRED - share) / HUNDRED
    return remaining


def _line(db: Database, raw: dict[str, Any], default_tax: bool,
          prices: dict[str, Decimal]) -> dict[str, Any]:
    item = db.item(raw.get("itemNo"))
    qty = money(raw.get("quantity"))
    if qty <= 0:
        raise AccurateRefusal(f"Kuantitas {item.no} harus lebih besar dari 0")
    price = money(raw.get("unitPrice"), str(prices.get(item.no, item.unit_price)))
    gross = qty * price
    if raw.get("itemCashDiscount") not in (None, ""):
        discount = money(raw.get("itemCashDiscount"))
    else:
        discount = gross - gross * percent_factor(raw.get("itemDiscPercent"))
    if discount < 0 or discount > gross:
        raise AccurateRefusal(f"Diskon {item.no} tidak valid")
    return dict(raw, itemNo=item.no, quantity=qty, unitPrice=price, itemCashDiscount=discount,
                warehouseName=db.warehouse(raw.get("warehouseName")),
                useTax1=flag(raw.get("useTax1"), default_tax), totalPrice=gross - discount)


def _expenses(db: Database, body: dict[str, Any]) -> list[dict[str, Any]]:
    expenses = []
    for raw in detail_rows(body.get("detailExpense"), "detailExpense"):
        account = db.account_by(raw.get("accountNo"), raw.get("accountId"))
        amount = money(raw.get("expenseAmount"))
        if amount < 0 and not NEGATIVE_EXPENSE:
            raise AccurateRefusal("Nilai Biaya tidak boleh negatif")
        expenses.append(dict(raw, accountNo=account, expenseAmount=amount,
                             id=raw.get("id") or db.next_id()))
    return expenses


def detail_rows(value: Any, label: str) -> list[dict[str, Any]]:
    """Return a detail array, refusing anything but a list of objects (or nothing)."""
    if value in (None, ""):
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise AccurateRefusal(f"{label} tidak valid")
    return value


def price(db: Database, body: dict[str, Any], *, require_lines: bool = True,
          prices: dict[str, Decimal] | None = None) -> Priced:
    """Price a sales document body; refuse like Accurate on an unknown item or bad value."""
    taxable = flag(body.get("taxable"))
    raw_lines = detail_rows(body.get("detailItem"), "detailItem")
    if require_lines and not raw_lines:
        raise AccurateRefusal("Rincian Barang harus diisi")
    lines = [_line(db, raw, taxable, prices or {}) for raw in raw_lines]
    priced = Priced(lines, _expenses(db, body), taxable=taxable,
                    inclusive=taxable and flag(body.get("inclusiveTax")))
    priced.sub_total = sum((line["totalPrice"] for line in lines), Decimal(0))
    if body.get("cashDiscount") not in (None, ""):
        priced.cash_discount = money(body.get("cashDiscount"))
    else:
        priced.cash_discount = priced.sub_total * (1 - percent_factor(body.get("cashDiscPercent")))
    if priced.cash_discount < 0 or priced.cash_discount > priced.sub_total:
        raise AccurateRefusal("Diskon Faktur tidak valid")
    priced.expense_total = sum((e["expenseAmount"] for e in priced.expenses), Decimal(0))
    priced.tax = _tax(priced)
    priced.figures = {"subTotal": priced.sub_total, "cashDiscount": priced.cash_discount,
                      "taxable": priced.taxable, "inclusiveTax": priced.inclusive,
                      "tax1Amount": priced.tax, "totalExpense": priced.expense_total,
                      "totalAmount": priced.total}
    return priced


def _tax(priced: Priced) -> Decimal:
    if not priced.taxable or priced.sub_total == 0:
        return Decimal(0)
    taxed = sum((line["totalPrice"] for line in priced.lines if line["useTax1"]), Decimal(0))
    base = taxed - priced.cash_discount * taxed / priced.sub_total
    rate = PPN_RATE
    tax = base * rate / (HUNDRED + rate) if priced.inclusive else base * rate / HUNDRED
    return tax.quantize(TAX_DECIMALS, rounding=ROUND_HALF_UP)
