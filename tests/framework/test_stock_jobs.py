"""Stock jobs carry what to sync and compute the quantity when they run (issue 12 item 3).

A stock job used to carry the absolute quantity read when it was queued: run (or re-pushed)
hours later it put back a stale figure (store 45 -> 50 after a sale of 5: phantom stock).
"""

from __future__ import annotations

from sqlalchemy import select

from framework.jobs import RecordKind, RecordStatus
from framework.runtime.runner import Runner
from framework.storage.models import Job, PushRecord, WarehouseBinding
from framework.sync.records import repush
from framework.sync.stock import prepare_stock_pull, queue_stock_pull
from framework.testing.plugins import book, create_mem_link, shop


def linked(app, link_id="shop"):
    create_mem_link(app, link_id, features={"stock_sync": True})
    with app.session() as session:
        session.add(WarehouseBinding(link_id=link_id, store_warehouse_id="WH1",
                                     accounting_warehouse="Utama"))
    shop(link_id).stock[("WH1", "KAOS")] = 40
    book(link_id).stock[("Utama", "KAOS")] = 50
    return link_id


def test_a_stock_job_run_later_sends_the_quantity_of_that_moment(app):
    link = linked(app)
    changes = prepare_stock_pull(app, link)
    assert [(c.sku, c.new_quantity) for c in changes] == [("KAOS", 50)]
    assert queue_stock_pull(app, link, changes) == 1
    with app.session() as session:
        payload = session.scalars(select(Job.payload)).one()
    assert "quantity" not in str(payload)  # what to sync, not a figure frozen at queue time
    book(link).stock[("Utama", "KAOS")] = 45  # a sale of 5 invoiced meanwhile
    Runner(app).run_burst()
    assert shop(link).stock[("WH1", "KAOS")] == 45


def test_a_re_pushed_stock_record_recomputes_its_quantity(app):
    link = linked(app)
    queue_stock_pull(app, link, prepare_stock_pull(app, link))
    with app.session() as session:  # the binding is gone when the job runs: it fails
        session.query(WarehouseBinding).delete()
    Runner(app).run_burst()
    with app.session() as session:
        record = session.scalars(select(PushRecord).where(
            PushRecord.kind == RecordKind.STOCK)).one()
        assert record.status is RecordStatus.FAILED and "WH1" in record.reason
        session.add(WarehouseBinding(link_id=link, store_warehouse_id="WH1",
                                     accounting_warehouse="Utama"))
    book(link).stock[("Utama", "KAOS")] = 45
    with app.session() as session:
        repush(session, record.id)
    Runner(app).run_burst()
    assert shop(link).stock[("WH1", "KAOS")] == 45
    with app.session() as session:
        record = session.get(PushRecord, record.id)
        assert record.status is RecordStatus.SUCCEEDED and record.sent == {"quantity": 45}


def test_a_sku_the_accounting_side_no_longer_reports_is_left_alone(app):
    link = linked(app)
    queue_stock_pull(app, link, prepare_stock_pull(app, link))
    del book(link).stock[("Utama", "KAOS")]  # not read: never written as 0
    Runner(app).run_burst()
    assert shop(link).stock[("WH1", "KAOS")] == 40
