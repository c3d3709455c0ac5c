"""One bad order becomes that order's rejected record, on PostgreSQL and SQLite alike.

Issue 12 item 1: an order number over 128 characters, a NUL byte or a channel over 64
characters raised a ``DataError`` on PostgreSQL that escaped the poll and stopped every link
after it. The canonical model refuses such values (a plugin's mapping turns that into a
``Rejected``), and the core checks every text it stores before storing it, so even a plugin
that hands over an unchecked order cannot stop a poll.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from framework.domain import Order, OrderLine, OrderState
from framework.jobs import RecordKind, RecordStatus
from framework.runtime.schedule import poll_orders
from framework.storage.models import OrderRecord, PushRecord
from framework.testing.plugins import create_mem_link, shop

NOW = datetime.now(UTC).replace(microsecond=0)


def order_fields(ident: str, /, **changes: object) -> dict[str, object]:
    fields: dict[str, object] = dict(
        external_id=ident, order_number=f"INV/{ident}", channel="SHOPEE",
        state=OrderState.PAID, platform_status="PAID", warehouse_id="WH1",
        lines=(OrderLine(sku="SKU-1", name="Kaos", quantity=1, unit_price=Decimal(1000)),),
        total=Decimal(1000), created_at=NOW - timedelta(minutes=5),
        updated_at=NOW - timedelta(minutes=5))
    fields.update(changes)
    return fields


BAD = {
    "long-number": {"order_number": "N" * 129},
    "nul-number": {"order_number": "INV/\x00/1"},
    "long-channel": {"channel": "C" * 65},
    "nul-sku": {"lines": (OrderLine.model_construct(sku="SKU\x001", name="Kaos", quantity=1,
                                                    unit_price=Decimal(1000),
                                                    discount=Decimal(0)),)},
    "long-id": {"external_id": "X" * 300},
}


@pytest.mark.parametrize("case", sorted(set(BAD) - {"nul-sku"}))
def test_the_canonical_model_refuses_what_the_database_cannot_hold(case):
    with pytest.raises(ValidationError):
        Order(**order_fields("A1", **BAD[case]))


def test_no_canonical_text_may_carry_a_nul():
    with pytest.raises(ValidationError, match="NUL"):
        OrderLine(sku="SKU\x001", name="Kaos", quantity=1, unit_price=Decimal(1000))


def test_a_bad_order_is_its_own_rejected_record_and_no_link_stops_another(app):
    # Links are polled in id order: the bad orders sit in the first one.
    for link_id in ("a-first", "b-second"):
        create_mem_link(app, link_id)
        with app.session() as session:
            from framework.setup.links import get_link
            get_link(session, link_id).integrated_at = NOW - timedelta(days=1)
    first, second = shop("a-first"), shop("b-second")
    for index, case in enumerate(sorted(BAD)):
        # A plugin that does not validate hands the core unchecked orders.
        first.orders[case] = Order.model_construct(**order_fields(f"BAD{index}", **BAD[case]))
    first.orders["good"] = Order(**order_fields("GOOD1"))
    second.orders["good"] = Order(**order_fields("GOOD2"))

    poll_orders(app)

    with app.session() as session:
        stored = {(row.link_id, row.external_id) for row in session.scalars(select(OrderRecord))}
        rejected = list(session.scalars(select(PushRecord).where(
            PushRecord.kind == RecordKind.ORDER, PushRecord.status == RecordStatus.FAILED)))
    assert stored == {("a-first", "GOOD1"), ("b-second", "GOOD2")}
    assert len(rejected) == len(BAD)
    assert all(row.link_id == "a-first" and len(row.ref) <= 128 and "\x00" not in row.ref
               for row in rejected)
    reasons = " ".join(row.reason for row in rejected)
    assert "NUL" in reasons and "128" in reasons and "64" in reasons
