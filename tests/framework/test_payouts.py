"""``payout_rows`` and the settlement import, on the database with the Accurate plugin's hooks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from framework import PAYOUT_RECORD, booked_payout
from framework.app import App
from framework.domain import Fee, FeeType, Order, OrderLine, OrderMoney, OrderState
from framework.jobs import RecordKind, RecordStatus
from framework.money.payouts import payout_rows, rows_csv
from framework.money.settlements import import_settlements, read_settlements
from framework.setup.links import create_link, link_info
from framework.storage.models import Job, Link
from framework.sync.orders import ingest_order
from framework.sync.records import write_record

S = OrderState
NOW = datetime.now(UTC)


@pytest.fixture
def books(sqlite_url, secret_box):
    app = App.create(sqlite_url, plugin_modules=["plugins.accurate.hooks"], secrets=secret_box)
    with app.session() as session:
        create_link(session, app.secrets, id="toko", name="toko", commerce="ginee",
                    accounting="accurate", commerce_settings={}, commerce_credentials={},
                    accounting_settings={"receipt_mode": "payout"}, accounting_credentials={},
                    integrated_at=NOW - timedelta(days=30), features={"invoice": True})
    try:
        yield app
    finally:
        app.close()


def order(number: str, state: OrderState, commission: int = 6500) -> Order:
    money = OrderMoney(shipping_charged=Decimal(12000),
                       fees=(Fee(type=FeeType.COMMISSION, amount=Decimal(commission)),))
    line = OrderLine(sku="A1", name="Kaos", quantity=2, unit_price=Decimal(50000))
    return Order(external_id=f"G{number}", order_number=number, channel="SHOPEE", state=state,
                 platform_status=state.value, lines=(line,), shipping_fee=Decimal(12000),
                 total=Decimal(112000), created_at=NOW - timedelta(days=20),
                 updated_at=NOW - timedelta(days=20), money=money)


def ingest(app: App, *orders: Order) -> None:
    with app.session() as session:
        info = link_info(session.get(Link, "toko"))
        for item in orders:
            ingest_order(session, app.plugins.hook, info, item, source="poll")


def test_rows_show_expected_booked_difference_and_late(books) -> None:
    ingest(books, order("A1", S.COMPLETED), order("B2", S.DELIVERED), order("C3", S.PAID),
           order("D4", S.CANCELLED))
    with books.session() as session:
        write_record(session, link_id="toko", kind=RecordKind.ORDER, ref="A1",
                     document=PAYOUT_RECORD, status=RecordStatus.SUCCEEDED,
                     received=booked_payout(Decimal(105000), Decimal(105500), NOW, "SR.A1"))
        rows = {row.order_number: row for row in payout_rows(session, "toko")}
        later = {row.order_number: row for row in payout_rows(
            session, "toko", now=NOW + timedelta(days=15))}
        none = payout_rows(session, "toko", since=(NOW + timedelta(days=1)).date())
    assert set(rows) == {"A1", "B2"}  # not paid-only, not cancelled before its invoice
    assert rows["A1"].booked == 105000 and rows["A1"].difference == -500
    assert rows["B2"].expected == 112000 - 6500 and rows["B2"].booked is None
    assert not rows["B2"].late and later["B2"].late and not later["A1"].late
    assert none == []
    csv_lines = rows_csv(rows.values()).splitlines()
    assert csv_lines[0].startswith("order,channel,state,delivered,expected net,booked")
    assert any(line.startswith("A1,SHOPEE,completed,") and ",105000,-500," in line
               for line in csv_lines)


def test_settlement_file_is_read_with_its_fee_columns_and_bad_lines_named() -> None:
    rows, errors = read_settlements(
        "\ufefforder_number, released_amount ,release_date,commission_fee,platform_subsidy\n"
        "A1,105500,2026-11-30,6500,\n"
        "B2,abc,2026-11-30,,\n"
        "C3,1000,31/11/2026,,\n"
        ",5,2026-11-30,,\n")
    [row] = rows
    assert row.released == 105500 and row.fees == (("commission", Decimal(6500)),)
    assert row.subsidy == 0 and row.released_at.date().isoformat() == "2026-11-30"
    assert row.imported()["settlement"]["released_amount"] == "105500"
    assert [e.split(":")[0] for e in errors] == ["line 3", "line 4", "line 5"]
    with pytest.raises(ValueError, match="release_date"):
        read_settlements("order_number,released_amount\nA1,5\n")


def test_import_queues_once_per_order_and_figures(books) -> None:
    ingest(books, order("A1", S.COMPLETED), order("B2", S.DELIVERED))
    rows, _ = read_settlements("order_number,released_amount,release_date\n"
                               "A1,105500,2026-11-30\nB2,105500,2026-11-30\nZZ,1,2026-11-30\n")
    with books.session() as session:
        first = import_settlements(session, books.plugins.hook, "toko", rows)
        again = import_settlements(session, books.plugins.hook, "toko", rows)
        write_record(session, link_id="toko", kind=RecordKind.ORDER, ref="A1",
                     document=PAYOUT_RECORD, status=RecordStatus.SUCCEEDED,
                     received=booked_payout(Decimal(105500), Decimal(105500),
                                            rows[0].released_at, "SR.A1"))
        booked = import_settlements(session, books.plugins.hook, "toko", rows[:1])
        jobs = session.scalars(select(Job).where(Job.key.like("%payout_receipt:import%"))).all()
    assert [o.action for o in first] == ["queued", "queued", "unknown order"]
    assert [o.action for o in again] == ["already imported", "already imported",
                                         "unknown order"]
    assert [o.action for o in booked] == ["already booked"]
    assert len(jobs) == 2 and all(job.payload["settlement"]["settlement"]["released_amount"]
                                  == "105500" for job in jobs)
