"""Every value a platform can send ends as a clean error; a dead process frees its lane.

Issue 12 item 9: out-of-range dates (year 1 or 9999), huge decimals (``1E+1000000``) and a
non-UTF-8 webhook body (see test_webhook_receipt) raised raw exceptions; a killed worker's
lane permits blocked the lane for 60 s.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from framework.domain import Order, OrderLine, OrderState, Product
from framework.jobs import RecordStatus
from framework.runtime.ratelimit import PERMIT_LEASE
from framework.runtime.schedule import poll_orders
from framework.setup.links import get_link
from framework.storage.models import LanePermit, OrderRecord, PushRecord, utcnow
from framework.testing.plugins import MEMBOOKS_IN_FLIGHT, create_mem_link, shop
from framework.testing.processes import stop

NOW = datetime.now(UTC).replace(microsecond=0)
JAKARTA = timezone(timedelta(hours=7))
NEW_YORK = timezone(-timedelta(hours=5))
HOLDER = Path(__file__).parent / "crash" / "permit_holder.py"

HOSTILE = {
    "year-1": {"created_at": datetime(1, 1, 1, tzinfo=JAKARTA)},
    "year-9999": {"updated_at": datetime(9999, 12, 31, 23, 0, tzinfo=NEW_YORK)},
    "huge-total": {"total": Decimal("1E+1000000")},
    "nan-fee": {"shipping_fee": Decimal("NaN")},
    "huge-quantity": {"lines": (OrderLine.model_construct(
        sku="S", name="x", quantity=10 ** 30, unit_price=Decimal(1), discount=Decimal(0)),)},
}


def fields(ident: str, /, **changes: object) -> dict[str, object]:
    base: dict[str, object] = dict(
        external_id=ident, order_number=f"INV/{ident}", channel="SHOPEE", state=OrderState.PAID,
        platform_status="PAID",
        lines=(OrderLine(sku="S", name="x", quantity=1, unit_price=Decimal(1)),),
        total=Decimal(1), created_at=NOW - timedelta(hours=1), updated_at=NOW - timedelta(hours=1))
    base.update(changes)
    return base


@pytest.mark.parametrize("case", sorted(set(HOSTILE) - {"huge-quantity"}))
def test_the_canonical_model_refuses_hostile_values(case):
    with pytest.raises(ValidationError):
        Order(**fields("A", **HOSTILE[case]))


def test_hostile_numbers_in_products_and_lines_are_refused():
    with pytest.raises(ValidationError, match="too large"):
        OrderLine(sku="S", name="x", quantity=10 ** 30, unit_price=Decimal(1))
    with pytest.raises(ValidationError, match="finite"):
        Product(sku="S", name="x", price=Decimal("Infinity"))


def test_hostile_orders_are_rejected_records_and_the_poll_goes_on(app):
    create_mem_link(app, "shop")
    with app.session() as session:
        get_link(session, "shop").integrated_at = NOW - timedelta(days=1)
    for index, case in enumerate(sorted(HOSTILE)):
        shop("shop").orders[case] = Order.model_construct(**fields(f"H{index}", **HOSTILE[case]))
    shop("shop").orders["good"] = Order(**fields("GOOD"))
    poll_orders(app)  # the memstore window filter compares the dates as they are
    with app.session() as session:
        stored = set(session.scalars(select(OrderRecord.external_id)))
        failed = list(session.scalars(select(PushRecord).where(
            PushRecord.status == RecordStatus.FAILED)))
    assert "GOOD" in stored and not stored & {f"H{n}" for n in range(len(HOSTILE))}
    assert len(failed) >= 3  # the ones whose update time falls in the poll's window


@pytest.mark.slow  # starts and kills a process
def test_a_killed_process_frees_its_lane_permits_within_a_lease(app):
    create_mem_link(app, "shop")
    _ = app.engine  # migrate before the child process uses the database
    holder = subprocess.Popen([sys.executable, str(HOLDER), app.database_url],
                              stdout=subprocess.PIPE, text=True, env=os.environ.copy())
    try:
        assert holder.stdout.readline().strip() == "held"
    finally:
        stop(holder, signal.SIGKILL)  # killed, reaped, its pipe closed
    killed_at = utcnow()
    with app.session() as session:
        permits = list(session.scalars(select(LanePermit).where(
            LanePermit.released_at.is_(None))))
    assert len(permits) == MEMBOOKS_IN_FLIGHT
    # Each stops counting one lease after its last renewal, not a minute after admission.
    assert all(p.expires_at <= killed_at + PERMIT_LEASE for p in permits)
    admitted = threading.Event()

    def ask() -> None:
        with app.gate.permit("membooks:shop"):
            admitted.set()

    asker = threading.Thread(target=ask, daemon=True)
    asker.start()
    assert admitted.wait(timeout=120)
    asker.join(timeout=120)  # its release must finish before the app's engine is disposed
    assert not asker.is_alive()


@pytest.mark.slow
def test_a_live_holder_keeps_its_permit_past_one_lease(app):
    create_mem_link(app, "shop")
    with app.gate.permit("membooks:shop"):
        time.sleep(PERMIT_LEASE.total_seconds() * 1.5)  # a slow request
        with app.session() as session:
            permit = session.scalars(select(LanePermit)).one()
        assert permit.expires_at > utcnow()  # renewed while held: it still counts
