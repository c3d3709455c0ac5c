"""``jembatan payouts import``: a marketplace settlement export, booked once per order.

The layout (docs/money.md): a CSV with a header row naming, in any order,
``order_number``, ``released_amount``, ``release_date`` (``YYYY-MM-DD`` or ``DD/MM/YYYY``) and
optionally one column per fee type (``commission_fee``, ``service_fee``, ``payment_fee``,
``shipping_difference``, ``seller_voucher``, ``other_fee``) and ``platform_subsidy``. Amounts
are plain numbers in the order's currency (``12500`` or ``12500.50``; no thousands separator).
When fee columns are present they replace the store's fee estimates for that order.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain import Order
from ..runtime.queue import enqueue
from ..setup.links import get_link, link_info
from ..storage.models import OrderRecord
from .payouts import (
    DATE_COLUMN,
    FEE_COLUMNS,
    ORDER_COLUMN,
    RELEASED_COLUMN,
    SUBSIDY_COLUMN,
    booked_payouts,
)

WIB = timezone(timedelta(hours=7))  # marketplace release dates are Jakarta dates


@dataclass(frozen=True, slots=True)
class SettlementRow:
    """One order's line of a settlement export."""

    line: int
    order_number: str
    released: Decimal
    released_at: datetime
    fees: tuple[tuple[str, Decimal], ...] | None  # (FeeType value, amount); None: keep the store's
    subsidy: Decimal | None

    def imported(self) -> dict[str, Any]:
        """The ``OrderMoney`` fields this row replaces, as JSON."""
        money: dict[str, Any] = {"settlement": {"released_at": self.released_at.isoformat(),
                                                "released_amount": str(self.released)}}
        if self.fees is not None:
            money["fees"] = [{"type": kind, "amount": str(value), "label": kind}
                             for kind, value in self.fees if value]
        if self.subsidy is not None:
            money["subsidies"] = ([{"type": "other", "amount": str(self.subsidy),
                                    "label": "platform subsidy"}] if self.subsidy else [])
        return money

    def digest(self) -> str:
        """A short fingerprint of the figures: the same row imported again is the same job."""
        text = json.dumps(self.imported(), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What importing one row did."""

    order_number: str
    action: str  # queued, already booked, already imported, unknown order, not booked here
    detail: str = ""


def _amount(text: str, column: str) -> Decimal:
    try:
        value = Decimal(text.strip() or "0")
    except InvalidOperation:
        raise ValueError(f"{column} {text!r} is not a number") from None
    if not value.is_finite():
        raise ValueError(f"{column} {text!r} is not a number")
    return value


def _date(text: str) -> datetime:
    for layout in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = datetime.strptime(text.strip(), layout).date()  # noqa: DTZ007 - a date only
        except ValueError:
            continue
        return datetime.combine(day, time(12), tzinfo=WIB)
    raise ValueError(f"{DATE_COLUMN} {text!r} is not YYYY-MM-DD or DD/MM/YYYY")


def _row(line: int, cells: dict[str, str], fee_columns: list[str],
         with_subsidy: bool) -> SettlementRow:
    number = (cells.get(ORDER_COLUMN) or "").strip()
    if not number:
        raise ValueError(f"{ORDER_COLUMN} is empty")
    fees = tuple((FEE_COLUMNS[c].value, _amount(cells.get(c) or "", c)) for c in fee_columns)
    return SettlementRow(
        line=line, order_number=number,
        released=_amount(cells.get(RELEASED_COLUMN) or "", RELEASED_COLUMN),
        released_at=_date(cells.get(DATE_COLUMN) or ""), fees=fees if fee_columns else None,
        subsidy=_amount(cells.get(SUBSIDY_COLUMN) or "", SUBSIDY_COLUMN) if with_subsidy
        else None)


def read_settlements(text: str) -> tuple[list[SettlementRow], list[str]]:
    """Parse a settlement export; return its rows and one message per unreadable line.

    Raises:
        ValueError: the header lacks a required column.
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip() for name in reader.fieldnames or []]
    reader.fieldnames = header
    missing = [c for c in (ORDER_COLUMN, RELEASED_COLUMN, DATE_COLUMN) if c not in header]
    if missing:
        raise ValueError(f"the settlement file has no {', '.join(missing)} column")
    fee_columns = [c for c in header if c in FEE_COLUMNS]
    rows, errors = [], []
    for line, cells in enumerate(reader, start=2):
        try:
            rows.append(_row(line, cells, fee_columns, SUBSIDY_COLUMN in header))
        except ValueError as error:
            errors.append(f"line {line}: {error}")
    return rows, errors


def import_settlements(session: Session, hook: Any, link_id: str,
                       rows: list[SettlementRow]) -> list[ImportOutcome]:
    """Hand each row to the accounting plugin (``plan_settlement``) and queue what it plans.

    A row whose release the link already booked (same amount, same day) is left alone; the
    same figures imported twice are queued once (the job key carries their fingerprint).
    """
    link = get_link(session, link_id)
    info = link_info(link)
    booked = booked_payouts(session, link_id)
    outcomes = []
    for row in rows:
        record = session.scalar(select(OrderRecord).where(
            OrderRecord.link_id == link_id, OrderRecord.order_number == row.order_number))
        if record is None:
            outcomes.append(ImportOutcome(row.order_number, "unknown order",
                                          f"line {row.line}: no such order on link {link_id}"))
            continue
        done = booked.get(row.order_number)
        if done and Decimal(done["amount"]) == row.released and (
                datetime.fromisoformat(done["released_at"]).astimezone(WIB).date()
                == row.released_at.date()):
            outcomes.append(ImportOutcome(row.order_number, "already booked",
                                          str(done.get("document") or "")))
            continue
        order = Order.model_validate(record.snapshot)
        planned = [request for requests in hook.plan_settlement(
            link=info, order=order, imported=row.imported(), fingerprint=row.digest())
            if requests for request in requests]
        if not planned:
            outcomes.append(ImportOutcome(
                row.order_number, "not booked here",
                f"{link.accounting} planned no receipt: is the link's receipt_mode payout, "
                "with invoices on?"))
            continue
        queued = [enqueue(session, link_id, request) for request in planned]
        action = "queued" if any(job is not None for job in queued) else "already imported"
        outcomes.append(ImportOutcome(row.order_number, action, f"{row.released}"))
    return outcomes
