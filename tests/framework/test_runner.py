from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from framework.jobs import AccountRole, JobRequest, JobStatus, RecordStatus
from framework.runtime import queue
from framework.runtime.runner import RetryPolicy, Runner
from framework.storage.models import AccountMapping, DocumentBindingRow, Job, PushRecord, utcnow
from framework.sync.records import repush
from framework.testing.plugins import book, create_mem_link

FAST = RetryPolicy(base_seconds=0, jitter=0)


@pytest.fixture
def link(app):
    return create_mem_link(app, "shop")


def script(app, key, *outcomes, **payload):
    with app.session() as session:
        queue.enqueue(session, "shop", JobRequest(
            kind="membooks.script", key=key, payload={"outcomes": list(outcomes), **payload}))


def job(app, key) -> Job:
    with app.session() as session:
        return session.scalars(select(Job).where(Job.key == key)).one()


def test_success_creates_the_document_once_and_records_it(app, link):
    script(app, "SO-1", "ok", ref="SO-1")
    assert Runner(app).run_burst() == {"succeeded": 1}
    assert list(book("shop").documents) == ["SO-1"]
    with app.session() as session:
        record = session.scalars(select(PushRecord)).one()
        binding = session.scalars(select(DocumentBindingRow)).one()
    assert (record.ref, record.status, record.job_id) == ("SO-1", RecordStatus.SUCCEEDED,
                                                        job(app, "SO-1").id)
    assert binding.accounting_number == "SO-1"


def test_transient_error_is_retried_with_backoff_honouring_retry_after(app, link):
    script(app, "t", "transient", "ok", retry_after=120)
    before = utcnow()
    assert Runner(app, retry=RetryPolicy(base_seconds=1, jitter=0)).run_burst() == {"queued": 1}
    waiting = job(app, "t")
    assert waiting.status == JobStatus.QUEUED and waiting.attempts == 1
    assert waiting.run_at >= before + timedelta(seconds=119)  # the platform asked for 120 s
    assert "HTTP 503" in waiting.last_error
    assert book("shop").documents == {}


def test_backoff_doubles_with_jitter_and_is_capped():
    policy = RetryPolicy(base_seconds=2, cap_seconds=60, jitter=0.25)
    for attempt, expected in [(1, 2), (2, 4), (3, 8), (10, 60)]:
        for _ in range(20):
            assert expected * 0.75 <= policy.delay(attempt) <= expected * 1.25
    assert policy.delay(1, retry_after=30) >= 30


def test_transient_errors_until_max_attempts_end_dead(app, link):
    script(app, "t", "transient")
    counts = Runner(app, retry=FAST).run_burst()
    dead = job(app, "t")
    assert counts == {"queued": 7, "dead": 1}
    assert dead.status == JobStatus.DEAD and dead.attempts == dead.max_attempts == 8
    assert dead.last_error.startswith("gave up after 8 attempts: membooks is busy")


def test_permanent_error_fails_with_the_platforms_message_and_marks_records(app, link):
    script(app, "p", "permanent", ref="SO-9")
    assert Runner(app, retry=FAST).run_burst() == {"failed": 1}
    failed = job(app, "p")
    assert failed.status == JobStatus.FAILED and failed.attempts == 1
    assert failed.last_error == "membooks refused: Pelanggan tidak ditemukan"
    with app.session() as session:
        record = session.scalars(select(PushRecord)).one()
    assert record.status == RecordStatus.FAILED and "Pelanggan tidak ditemukan" in record.reason


def test_config_error_fails_naming_the_fix_command(app, link):
    script(app, "c", "config")
    Runner(app).run_burst()
    assert job(app, "c").last_error == (
        "no bank is mapped on link shop. Fix: `jembatan accounts map --link shop bank VALUE`")


def test_skippable_error_succeeds_with_the_reason(app, link):
    script(app, "s", "skip")
    assert Runner(app).run_burst() == {"succeeded": 1}
    skipped = job(app, "s")
    assert skipped.last_error == "created before the integration"
    assert book("shop").documents == {}


def test_an_unexpected_exception_fails_the_job_and_not_the_worker(app, link):
    script(app, "bug", "bug")
    script(app, "fine", "ok")
    assert Runner(app).run_burst() == {"failed": 1, "succeeded": 1}
    assert job(app, "bug").last_error == "unexpected error: RuntimeError: boom"


def test_unknown_job_kind_fails_with_a_readable_reason(app, link):
    with app.session() as session:
        queue.enqueue(session, "shop", JobRequest(kind="nobody.handles", key="x"))
    Runner(app).run_burst()
    assert "no handler is registered for job kind 'nobody.handles'" in job(app, "x").last_error


def test_repush_after_fixing_the_cause_succeeds(app, link):
    script(app, "c", "config")
    Runner(app).run_burst()
    with app.session() as session:
        record = session.scalars(select(PushRecord)).one()
        assert record.status == RecordStatus.FAILED
        session.add(AccountMapping(link_id="shop", role=AccountRole.BANK, value="1-1100"))
    with app.session() as session:
        repush(session, record.id)
    assert job(app, "c").status == JobStatus.QUEUED
    assert Runner(app).run_burst() == {"succeeded": 1}
    assert list(book("shop").documents) == ["c"]


def test_follow_up_jobs_commit_only_with_success(app, link):
    def chain(ctx):
        ctx.enqueue(JobRequest(kind="membooks.post", key=f"{ctx.key}:next"))
        ctx.bind("chain", ctx.key, "1", "N1")  # committed at once, whatever happens next
        if ctx.payload.get("fail"):
            raise ValueError("after binding")

    app.plugins.registry.job_handlers["test.chain"] = chain
    with app.session() as session:
        queue.enqueue(session, "shop", JobRequest(kind="test.chain", key="good"))
        queue.enqueue(session, "shop", JobRequest(kind="test.chain", key="bad",
                                                  payload={"fail": True}))
    Runner(app).run_burst()
    with app.session() as session:
        keys = {j.key: j.status for j in session.scalars(select(Job))}
        bound = set(session.scalars(select(DocumentBindingRow.ref).where(
            DocumentBindingRow.kind == "chain")))
    assert keys == {"good": JobStatus.SUCCEEDED, "bad": JobStatus.FAILED,
                    "good:next": JobStatus.SUCCEEDED}
    assert bound == {"good", "bad"}


def test_unbound_warehouse_and_customer_fallback(app, link):
    from framework.errors import ConfigError
    from framework.runtime.runner import DatabaseJobContext
    from framework.storage.models import Job as JobRow
    from framework.storage.models import WarehouseBinding

    with app.session() as session:
        row = queue.enqueue(session, "shop", JobRequest(kind="membooks.post", key="k"))
        session.add(AccountMapping(link_id="shop", role=AccountRole.CUSTOMER, value="C-ALL"))
        session.add(AccountMapping(link_id="shop", role=AccountRole.CUSTOMER,
                                   qualifier="SHOPEE", value="C-SHOPEE"))
    ctx = DatabaseJobContext(app, row)
    assert ctx.account(AccountRole.CUSTOMER, "SHOPEE") == "C-SHOPEE"
    assert ctx.account(AccountRole.CUSTOMER, "LAZADA") == "C-ALL"
    with pytest.raises(ConfigError) as caught:
        ctx.account(AccountRole.SHIPPING_FEE, "LAZADA")
    assert "`jembatan accounts map --link shop shipping_fee --channel LAZADA VALUE`" in str(
        caught.value)
    with pytest.raises(ConfigError) as caught:
        ctx.accounting_warehouse("WH9")
    assert str(caught.value).endswith(
        "jembatan warehouses bind --link shop WH9 <ACCURATE-WAREHOUSE>")
    with app.session() as session:
        session.add(WarehouseBinding(link_id="shop", store_warehouse_id="WH9",
                                     accounting_warehouse="Utama"))
    assert ctx.accounting_warehouse("WH9") == "Utama"
    assert ctx.accounting_warehouse(None) == "Utama"
    assert isinstance(row, JobRow)


def test_concurrent_threads_drain_all_jobs_exactly_once(app, link):
    with app.session() as session:
        for n in range(60):
            queue.enqueue(session, "shop", JobRequest(kind="membooks.post", key=f"k{n}",
                                                      sequence=f"order:{n % 7}"))
    assert Runner(app, concurrency=4).run_burst() == {"succeeded": 60}
    assert len(book("shop").documents) == 60
    assert book("shop").create_calls == 60
