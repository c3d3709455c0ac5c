"""Push records are closed by the attempt that finds the document; re-push uses current state.

Issue 12 item 8: a record stayed "pending" after its job succeeded on a later attempt (that
attempt found the document the lost answer had created and had nothing to write), and a
re-pushed record replayed its frozen payload, so "fix the binding / the order, then re-push"
failed again.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from framework.domain import Order, OrderLine, OrderState, Product
from framework.errors import PermanentError, TransientError
from framework.jobs import JobRequest, JobStatus, RecordKind, RecordStatus
from framework.runtime.queue import enqueue
from framework.runtime.runner import Runner
from framework.setup.links import build_accounting, build_commerce, get_link, link_info
from framework.storage.models import Job, PushRecord, WarehouseBinding
from framework.sync.catalogue import plan_product_sync, pushed_skus
from framework.sync.orders import ingest_order
from framework.sync.records import repush
from framework.testing.plugins import book, create_mem_link, shop

NOW = datetime.now(UTC).replace(microsecond=0)


def lost_answer(ctx) -> None:
    """Attempt 1 creates the document but its answer is lost; attempt 2 finds it."""
    books = ctx.accounting()
    if ctx.key in book(ctx.link.id).documents:
        return  # found: nothing left to send
    ctx.record(RecordKind.ORDER, "INV/1", "document", RecordStatus.PENDING, sent={"n": 1})
    books.create_document(ctx.key, {})
    raise TransientError("connection reset while reading the answer")


def run_until_settled(app, deadline: float = 120.0) -> None:
    """Run bursts until no job is queued (the production backoff decides when retries run)."""
    give_up = time.monotonic() + deadline
    while time.monotonic() < give_up:
        Runner(app).run_burst()
        with app.session() as session:
            if not session.scalars(select(Job).where(Job.status == JobStatus.QUEUED)).first():
                return
        time.sleep(0.5)
    raise AssertionError("jobs still queued after the deadline")


def test_the_attempt_that_finds_the_document_closes_the_record(app):
    create_mem_link(app, "shop")
    app.plugins.registry.job_handlers["test.lost_answer"] = lost_answer
    with app.session() as session:
        enqueue(session, "shop", JobRequest(kind="test.lost_answer", key="SO.1"))
    run_until_settled(app)
    with app.session() as session:
        job = session.scalars(select(Job)).one()
        record = session.scalars(select(PushRecord)).one()
    assert job.status is JobStatus.SUCCEEDED and job.attempts == 2
    assert record.status is RecordStatus.SUCCEEDED
    assert len(book("shop").documents) == 1


def strict_post(ctx) -> None:
    """Post the payload's order; refuse it while a line's SKU is unknown to the books."""
    order = Order.model_validate(ctx.payload["order"])
    unknown = [line.sku for line in order.lines if line.sku not in book(ctx.link.id).items]
    if unknown:
        ctx.record(RecordKind.ORDER, order.order_number, "document", RecordStatus.FAILED,
                   reason=f"unknown SKU {unknown[0]}")
        raise PermanentError(f"unknown SKU {unknown[0]}")
    ctx.accounting().create_document(ctx.key, {"sku": order.lines[0].sku})
    ctx.record(RecordKind.ORDER, order.order_number, "document", RecordStatus.SUCCEEDED)


def an_order(sku: str, updated: datetime) -> Order:
    return Order(external_id="O1", order_number="INV/O1", channel="SHOPEE",
                 state=OrderState.PAID, platform_status="PAID",
                 lines=(OrderLine(sku=sku, name="Kaos", quantity=1, unit_price=Decimal(1)),),
                 total=Decimal(1), created_at=NOW - timedelta(hours=1), updated_at=updated)


def test_a_re_pushed_order_is_sent_as_the_store_has_it_now(app):
    create_mem_link(app, "shop")
    book("shop").items["KAOS-M"] = Product(sku="KAOS-M", name="Kaos M", price=Decimal(1))
    app.plugins.registry.job_handlers["test.strict_post"] = strict_post

    class Reactions:
        from framework import hookimpl

        @hookimpl
        def plan_order_reactions(self, link, order, entered, reached):
            if entered is OrderState.PAID:
                return [JobRequest(kind="test.strict_post", key="order:O1",
                                   payload={"order": order.model_dump(mode="json")})]
            return []

    app.plugins.register(Reactions())

    def ingest(order: Order) -> None:
        with app.session() as session:
            info = link_info(get_link(session, "shop"))
            ingest_order(session, app.plugins.hook, info, order, source="poll")

    ingest(an_order("KAOS-TYPO", NOW - timedelta(minutes=30)))
    Runner(app).run_burst()
    # The seller corrects the SKU in the store; the next poll reads the order again.
    ingest(an_order("KAOS-M", NOW - timedelta(minutes=10)))
    with app.session() as session:
        record = session.scalars(select(PushRecord)).one()
        assert record.status is RecordStatus.FAILED
        repush(session, record.id)
    Runner(app).run_burst()
    assert [d["body"] for d in book("shop").documents.values()] == [{"sku": "KAOS-M"}]


def queue_product_sync(app, accounting_warehouse: str) -> None:
    """Bind WH1 to ``accounting_warehouse``, plan the product sync and queue its jobs."""
    with app.session() as session:
        session.add(WarehouseBinding(link_id="shop", store_warehouse_id="WH1",
                                     accounting_warehouse=accounting_warehouse))
    with app.session() as session:
        link = get_link(session, "shop")
        bindings = list(session.scalars(select(WarehouseBinding)))
        pushed = pushed_skus(session, "shop")
        session.expunge_all()
    with build_commerce(app, link) as store, build_accounting(app, link) as books:
        plan = plan_product_sync(store, books, bindings, pushed)
    with app.session() as session:
        for job in plan.jobs:
            enqueue(session, "shop", job)


def test_a_product_push_uses_the_binding_of_when_it_runs(app):
    create_mem_link(app, "shop")
    shop("shop").products.append(Product(sku="TOPI", name="Topi", price=Decimal(5)))
    shop("shop").stock[("WH1", "TOPI")] = 7
    queue_product_sync(app, "Gudang Salah")
    with app.session() as session:
        # The operator sees the wrong warehouse and binds the right one before it runs.
        session.query(WarehouseBinding).update({"accounting_warehouse": "Utama"})
    Runner(app).run_burst()
    assert book("shop").stock == {("Utama", "TOPI"): 7}


def test_a_re_pushed_product_is_rebuilt_from_the_store_and_never_sent_twice(app):
    create_mem_link(app, "shop")
    shop("shop").products.extend([Product(sku="TOPI", name="Topi", price=Decimal(5)),
                                  Product(sku="SYAL", name="Syal", price=Decimal(8)),
                                  Product(sku="SABUK", name="Sabuk", price=Decimal(9))])
    for sku in ("TOPI", "SYAL", "SABUK"):
        shop("shop").stock[("WH1", sku)] = 7
    queue_product_sync(app, "Utama")
    with app.session() as session:
        session.query(WarehouseBinding).delete()  # unbound before it runs: the push fails
    Runner(app).run_burst()
    assert book("shop").items == {}
    # The seller edits TOPI, sells SYAL out of the store's catalogue, and SABUK's item is made
    # in Accurate by hand; then the operator binds the warehouse again and re-pushes.
    products = shop("shop").products
    products[:] = [p for p in products if p.sku not in ("TOPI", "SYAL")]
    products.append(Product(sku="TOPI", name="Topi Rajut", price=Decimal("12.5")))
    shop("shop").stock[("WH1", "TOPI")] = 4
    book("shop").items["SABUK"] = Product(sku="SABUK", name="Sabuk (manual)", price=Decimal(9))
    with app.session() as session:
        session.add(WarehouseBinding(link_id="shop", store_warehouse_id="WH1",
                                     accounting_warehouse="Utama"))
        record = session.scalars(select(PushRecord).where(PushRecord.ref == "TOPI")).one()
        repush(session, record.id)
    Runner(app).run_burst()
    items = book("shop").items
    assert (items["TOPI"].name, items["TOPI"].price) == ("Topi Rajut", Decimal("12.5"))
    assert book("shop").stock[("Utama", "TOPI")] == 4
    assert items["SABUK"].name == "Sabuk (manual)"  # adopted, not sent again
    assert "SYAL" not in items
    with app.session() as session:
        status = {r.ref: (r.status, r.reason) for r in session.scalars(select(PushRecord))}
        assert pushed_skus(session, "shop") == {"TOPI", "SABUK"}
    assert status["TOPI"][0] is RecordStatus.SUCCEEDED
    assert status["SABUK"][0] is RecordStatus.SUCCEEDED
    assert status["SYAL"] == (RecordStatus.FAILED,
                              "SYAL: no longer in the store; nothing was sent")


@pytest.mark.postgres
def test_a_settle_finds_its_records_by_job_through_an_index(postgres_url, secret_box):
    # Every settle closes its jobs' pending records by job id. Without an index that was a
    # scan of every record ever written (24 ms a settle at 300,000 records, growing).
    from sqlalchemy import text

    from framework.app import App
    from framework.runtime.runner import _close_records_statement
    from framework.testing.fixtures import TEST_PLUGINS

    app = App.create(postgres_url, plugin_modules=TEST_PLUGINS, secrets=secret_box)
    try:
        create_mem_link(app, "shop")
        with app.session() as session:
            session.execute(text(
                "INSERT INTO push_record (link_id, kind, ref, document, status, reason, "
                "attempts, created_at, updated_at) SELECT 'shop', 'order', 'R' || g, "
                "'sales_order', 'succeeded', '', 1, now(), now() "
                "FROM generate_series(1, 20000) g"))
            session.execute(text("ANALYZE push_record"))
        close = _close_records_statement("postgresql").compile(dialect=app.engine.dialect)
        params = {name: getattr(value, "value", value) for name, value in close.construct_params(
            {"ids": [1, 2, 3], "tries": 1, "note": "done"}).items()}
        with app.session() as session:
            plan = "\n".join(session.connection().exec_driver_sql(
                f"EXPLAIN {close}", params).scalars())
        assert "ix_push_record_job" in plan, plan
    finally:
        app.close()
