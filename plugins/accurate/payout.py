"""The payout receipt's content: net cash into the marketplace balance, one line per fee.

Pure: the handler resolves accounts and passes them in. The receipt settles the invoice's
outstanding amount (the invoice less what a sales return already credited) with
``paymentAmount`` (the cash released) plus its ``detailDiscount`` lines: each fee as a positive
amount to its expense account, each platform subsidy as a negative amount to the income account
(accurate-api.md § 9), so payment + lines = outstanding, to the rupiah.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from framework import AccountRole, FeeType, Order

from .mapping import (
    JOURNAL_VOUCHER,
    SALES_RECEIPT,
    OrderAccounts,
    accurate_date,
    amount,
    document_number,
    order_ref,
)

#: the account role each fee type books to (``jembatan accounts map``)
FEE_ROLES: Mapping[FeeType, AccountRole] = {
    FeeType.COMMISSION: AccountRole.COMMISSION_FEE,
    FeeType.SERVICE: AccountRole.SERVICE_FEE,
    FeeType.PAYMENT: AccountRole.PAYMENT_FEE,
    FeeType.SHIPPING_DIFFERENCE: AccountRole.SHIPPING_DIFFERENCE,
    FeeType.SELLER_VOUCHER: AccountRole.SELLER_VOUCHER,
    FeeType.OTHER: AccountRole.OTHER_FEE,
}
SETTLEMENT_DIFFERENCE = "settlement difference"


@dataclass(frozen=True, slots=True)
class Deduction:
    """One ``detailDiscount`` line before its account is known."""

    role: AccountRole
    amount: Decimal  # positive: a fee (expense); negative: a subsidy (income)
    notes: str


@dataclass(frozen=True, slots=True)
class Payout:
    """What one order's payout receipt books."""

    outstanding: Decimal  # what the receipt must settle on the invoice
    expected: Decimal  # the net by the order's pieces
    released: Decimal  # the cash: paymentAmount = chequeAmount
    deductions: tuple[Deduction, ...]
    released_at: datetime


def plan_payout(order: Order, returned: Decimal) -> Payout:
    """Return the payout of an order whose invoice a return credited by ``returned``.

    The cash is the marketplace's released amount when the order says it, else the expected
    net; a gap between them and the fee lines books as a settlement difference (other fee), so
    the receipt still settles the invoice exactly.
    """
    books = order.books
    outstanding = order.invoice_amount - returned
    lines = [Deduction(FEE_ROLES[fee.type], fee.amount, fee.label or fee.type.value)
             for fee in books.fees if fee.amount]
    lines += [Deduction(AccountRole.PLATFORM_SUBSIDY, -subsidy.amount,
                        subsidy.label or subsidy.type.value)
              for subsidy in books.subsidies if subsidy.amount]
    expected = outstanding - sum((line.amount for line in lines), Decimal(0))
    settlement = books.settlement
    released = expected
    if settlement is not None and settlement.released_amount is not None:
        released = settlement.released_amount
    if released != expected:
        lines.append(Deduction(AccountRole.OTHER_FEE, expected - released, SETTLEMENT_DIFFERENCE))
    when = settlement.released_at if settlement is not None else order.updated_at
    return Payout(outstanding, expected, released, tuple(lines), when)


def receipt_body(order: Order, accounts: OrderAccounts, invoice_number: str, payout: Payout,
                 numbers: Mapping[AccountRole, str]) -> dict[str, Any]:
    """Return the sales receipt of ``payout``, with each role's account number in ``numbers``.

    The cash goes to ``numbers[MARKETPLACE_BALANCE]``; deductions to the same account are
    summed into one ``detailDiscount`` line, in the order they first appear.
    """
    summed: dict[str, tuple[Decimal, list[str]]] = {}
    for line in payout.deductions:
        account = numbers[line.role]
        total, notes = summed.get(account, (Decimal(0), []))
        summed[account] = (total + line.amount, [*notes, line.notes])
    lines = [{"accountNo": account, "amount": amount(value),
              "discountNotes": ", ".join(notes)[:100]}
             for account, (value, notes) in summed.items() if value]
    invoice: dict[str, Any] = {"invoiceNo": invoice_number,
                               "paymentAmount": amount(payout.released)}
    if lines:
        invoice["detailDiscount"] = lines
    body = {"number": document_number(SALES_RECEIPT,
                                      order_ref(order.order_number, accounts.number_tag)),
            "bankNo": numbers[AccountRole.MARKETPLACE_BALANCE],
            "customerNo": accounts.customer_no, "transDate": accurate_date(payout.released_at),
            "chequeAmount": amount(payout.released), "paymentMethod": "E_WALLET",
            "description": f"{order.channel} payout {order.order_number} (jembatan)",
            "detailInvoice": [invoice]}
    if accounts.branch:
        body["branchName"] = accounts.branch
    return body


def fees_journal_body(order: Order, payout: Payout, numbers: Mapping[AccountRole, str]
                      ) -> dict[str, Any]:
    """Return the journal voucher of fees kept after a full refund (nothing to receive).

    Each fee debits its expense account, each subsidy credits its income account, and the
    marketplace balance is credited with what the marketplace took: ``-payout.released``.
    """
    lines = [{"accountNo": numbers[line.role], "amount": amount(abs(line.amount)),
              "amountType": "DEBIT" if line.amount > 0 else "CREDIT",
              "memo": line.notes[:100]} for line in payout.deductions if line.amount]
    lines.append({"accountNo": numbers[AccountRole.MARKETPLACE_BALANCE],
                  "amount": amount(-payout.released), "amountType": "CREDIT",
                  "memo": "kept by the marketplace"})
    return {"number": document_number(JOURNAL_VOUCHER, order.order_number),
            "transDate": accurate_date(payout.released_at),
            "description": f"{order.channel} fees kept on refunded order {order.order_number} "
                           "(jembatan)", "detailJournalVoucher": lines}
