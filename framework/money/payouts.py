"""Payout reconciliation: what each settled order should pay, against the receipt booked.

The accounting plugin writes a ``payout`` push record for every payout receipt it books
(``booked_payout`` gives its ``received`` shape: amount, expected net, release date, document),
so the table needs no call to the accounting system. ``payout_rows`` is the one function the
CLI (``jembatan payouts``) and the web console show.

A settlement export imports through ``read_settlements`` + ``import_settlements``: each row
is handed to the accounting plugin (``plan_settlement`` hook), which books the receipt or
corrects it, once per order and figures (importing the same file twice changes nothing).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain import FeeType, Order, OrderState
from ..jobs import RecordKind
from ..storage.models import OrderRecord, OrderTransition, PushRecord, utcnow

PAYOUT_RECORD = "payout"  # the push-record document of a booked payout
DEFAULT_LATE_DAYS = 14
SETTLING = (OrderState.DELIVERED, OrderState.COMPLETED, OrderState.RETURNED,
            OrderState.CANCELLED)
#: the import layout: these columns, in any order; fee columns may be left out or empty
ORDER_COLUMN, RELEASED_COLUMN, DATE_COLUMN, SUBSIDY_COLUMN = (
    "order_number", "released_amount", "release_date", "platform_subsidy")
FEE_COLUMNS: Mapping[str, FeeType] = {
    "commission_fee": FeeType.COMMISSION, "service_fee": FeeType.SERVICE,
    "payment_fee": FeeType.PAYMENT, "shipping_difference": FeeType.SHIPPING_DIFFERENCE,
    "seller_voucher": FeeType.SELLER_VOUCHER, "other_fee": FeeType.OTHER}
IMPORT_COLUMNS = (ORDER_COLUMN, RELEASED_COLUMN, DATE_COLUMN, *FEE_COLUMNS, SUBSIDY_COLUMN)
ROW_COLUMNS = ("order", "channel", "state", "delivered", "expected net", "booked",
               "difference", "released", "age (days)", "late")


def booked_payout(amount: Decimal, expected: Decimal, released_at: datetime,
                  document: str) -> dict[str, str]:
    """Return the ``received`` of a ``payout`` record (what ``payout_rows`` reads back)."""
    return {"amount": str(amount), "expected": str(expected),
            "released_at": released_at.isoformat(), "document": document}


@dataclass(frozen=True, slots=True)
class PayoutRow:
    """One settled order of a link: its expected net against the receipt booked."""

    order_number: str
    channel: str
    state: OrderState
    delivered_at: datetime | None
    expected: Decimal
    booked: Decimal | None
    released_at: datetime | None
    document: str | None
    age_days: int | None
    late: bool

    @property
    def difference(self) -> Decimal | None:
        """Booked minus expected (``None`` while nothing is booked)."""
        return None if self.booked is None else self.booked - self.expected

    def cells(self) -> tuple[Any, ...]:
        """The row as ``ROW_COLUMNS`` show it."""
        return (self.order_number, self.channel, self.state.value, _day(self.delivered_at),
                self.expected, self.booked, self.difference, _day(self.released_at),
                self.age_days, "late" if self.late else "")


def _day(moment: datetime | None) -> str:
    return moment.date().isoformat() if moment else ""


def expected_net(order: Order) -> Decimal:
    """What the marketplace should release: cancelled or returned with no refund said, 0."""
    if order.state in (OrderState.CANCELLED, OrderState.RETURNED) and not order.books.refunds:
        return Decimal(0)
    return order.expected_payout


def payout_rows(session: Session, link_id: str, *, since: date | None = None,  # noqa: PLR0913
                until: date | None = None, late_days: int = DEFAULT_LATE_DAYS,
                now: datetime | None = None) -> list[PayoutRow]:
    """Return the link's settled orders, oldest delivery first, filtered on the delivery day.

    Settled: delivered, completed, returned or cancelled after ready-to-ship. ``late``:
    nothing booked ``late_days`` days after delivery although money is expected.
    """
    now = now or utcnow()
    booked = booked_payouts(session, link_id)
    rows = []
    for record, delivered in _settled(session, link_id):
        day = (delivered or record.updated_at).date()
        if (since and day < since) or (until and day > until):
            continue
        order = Order.model_validate(record.snapshot)
        payout = booked.get(record.order_number)
        age = (now - delivered).days if delivered else None
        rows.append(PayoutRow(
            order_number=record.order_number, channel=record.channel, state=record.state,
            delivered_at=delivered,
            expected=Decimal(payout["expected"]) if payout else expected_net(order),
            booked=Decimal(payout["amount"]) if payout else None,
            released_at=datetime.fromisoformat(payout["released_at"]) if payout else None,
            document=payout.get("document") if payout else None, age_days=age,
            late=payout is None and age is not None and age >= late_days
            and expected_net(order) > 0))
    return sorted(rows, key=lambda row: (row.delivered_at or now, row.order_number))


def booked_payouts(session: Session, link_id: str) -> dict[str, dict[str, str]]:
    """Return the ``booked_payout`` of every order of the link that has one, by order number."""
    query = select(PushRecord.ref, PushRecord.received).where(
        PushRecord.link_id == link_id, PushRecord.kind == RecordKind.ORDER,
        PushRecord.document == PAYOUT_RECORD)
    return {ref: received for ref, received in session.execute(query) if received}


def _settled(session: Session, link_id: str) -> list[tuple[OrderRecord, datetime | None]]:
    """Settling orders with the moment they were delivered (or completed) and invoiced."""
    reached = select(OrderTransition.order_id, OrderTransition.to_state,
                     OrderTransition.occurred_at).join(
        OrderRecord, OrderRecord.id == OrderTransition.order_id).where(
        OrderRecord.link_id == link_id, OrderTransition.ignored.is_(False))
    delivered: dict[int, datetime] = {}
    invoiced: set[int] = set()
    for order_id, state, at in session.execute(reached):
        if state is OrderState.READY_TO_SHIP:
            invoiced.add(order_id)
        if state in (OrderState.DELIVERED, OrderState.COMPLETED):
            delivered[order_id] = min(at, delivered.get(order_id, at))
    records = session.scalars(select(OrderRecord).where(
        OrderRecord.link_id == link_id, OrderRecord.state.in_(SETTLING)))
    return [(record, delivered.get(record.id)) for record in records
            if record.id in invoiced]


def rows_csv(rows: Iterable[PayoutRow]) -> str:
    """Return the rows as CSV (``ROW_COLUMNS`` header), for a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ROW_COLUMNS)
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in row.cells()])
    return out.getvalue()
