from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from framework.errors import ConfigError
from framework.jobs import JobRequest, JobStatus
from framework.runtime import queue
from framework.storage.models import Job, utcnow
from framework.testing.plugins import create_mem_link


@pytest.fixture
def link(app):
    return create_mem_link(app, "shop")


def add(app, key, **options):
    with app.session() as session:
        job = queue.enqueue(session, "shop", JobRequest(kind="membooks.post", key=key, **options))
        return job.id if job else None


def claim(app, worker="w1", lease=30.0):
    with app.session() as session:
        job = queue.claim(session, worker, lease)
        return job


def statuses(app):
    with app.session() as session:
        return {job.key: job.status for job in session.scalars(select(Job))}


def test_enqueue_is_once_per_key_inside_the_callers_transaction(app, link):
    with app.session() as session:
        first = queue.enqueue(session, "shop", JobRequest(kind="membooks.post", key="a"))
        again = queue.enqueue(session, "shop", JobRequest(kind="membooks.post", key="a"))
        assert first is not None and again is None
        session.rollback()  # the caller decides: nothing was committed
    assert statuses(app) == {}
    assert add(app, "a") is not None
    assert add(app, "a") is None
    assert len(statuses(app)) == 1


def test_claim_takes_due_jobs_in_creation_order(app, link):
    add(app, "later", delay_seconds=60)
    add(app, "first")
    add(app, "second")
    assert claim(app).key == "first"
    assert claim(app).key == "second"
    assert claim(app) is None  # "later" is not due, the others are running
    assert statuses(app) == {"later": JobStatus.QUEUED, "first": JobStatus.RUNNING,
                             "second": JobStatus.RUNNING}


def test_jobs_of_one_sequence_run_one_after_another(app, link):
    add(app, "so", sequence="order:1")
    add(app, "invoice", sequence="order:1")
    add(app, "other", sequence="order:2")
    so = claim(app)
    assert so.key == "so"
    assert claim(app).key == "other"  # the invoice waits for the sales order
    assert claim(app) is None
    with app.session() as session:
        assert queue.retry_later(session, so, "busy", 0)
    assert claim(app).key == "so"  # a retried job still goes before its sequence's next one
    assert claim(app) is None
    with app.session() as session:
        assert queue.complete(session, so) is False  # that lease was replaced by the new claim
        job = session.scalars(select(Job).where(Job.key == "so")).one()
        assert queue.complete(session, job)
    assert claim(app).key == "invoice"


def test_an_expired_lease_returns_the_job_to_the_queue(app, link):
    add(app, "a")
    dead_worker_job = claim(app, worker="killed", lease=30)
    assert claim(app, worker="w2") is None
    with app.session() as session:
        session.execute(update(Job).values(lease_until=utcnow() - timedelta(seconds=1)))
    again = claim(app, worker="w2")
    assert again.key == "a" and again.attempts == 2 and again.lease_owner == "w2"
    with app.session() as session:  # the killed worker's late answer changes nothing
        assert not queue.complete(session, dead_worker_job)
        assert not queue.fail(session, dead_worker_job, "late")
        assert queue.complete(session, again)
    assert statuses(app) == {"a": JobStatus.SUCCEEDED}


def test_a_job_that_kills_every_worker_ends_dead(app, link):
    add(app, "poison")
    with app.session() as session:
        session.execute(update(Job).values(max_attempts=2))
    for worker in ("w1", "w2"):
        assert claim(app, worker=worker) is not None
        with app.session() as session:
            session.execute(update(Job).values(lease_until=utcnow() - timedelta(seconds=1)))
    assert claim(app, worker="w3") is None
    with app.session() as session:
        job = session.scalars(select(Job)).one()
        assert job.status == JobStatus.DEAD and "lease expired" in job.last_error


def test_heartbeat_extends_only_the_leases_the_worker_holds(app, link):
    add(app, "a")
    add(app, "b")
    a = claim(app, worker="w1", lease=5)
    b = claim(app, worker="w2", lease=5)
    with app.session() as session:
        assert queue.heartbeat(session, "w1", [a.id, b.id], 600) == 1
        leases = {j.key: j.lease_until for j in session.scalars(select(Job))}
    assert leases["a"] > utcnow() + timedelta(seconds=500)
    assert leases["b"] < utcnow() + timedelta(seconds=10)


def test_requeue_starts_a_finished_job_over(app, link):
    add(app, "a")
    job = claim(app)
    with app.session() as session:
        queue.kill(session, job, "gave up")
    with app.session() as session:
        again = queue.requeue(session, job.id)
        assert (again.status, again.attempts, again.finished_at) == (JobStatus.QUEUED, 0, None)
    assert claim(app).key == "a"
    with app.session() as session, pytest.raises(ConfigError, match="no job 999"):
        queue.requeue(session, 999)


@pytest.mark.postgres
@pytest.mark.parametrize("analyzed", [False, True], ids=["never-analyzed", "analyzed-empty"])
def test_the_claim_reads_the_active_sequence_index_on_an_empty_queues_statistics(
        postgres_url, secret_box, analyzed):
    # A fresh install, then a backlog: the statistics still describe an empty queue. The
    # planner once combined the sequence and status indexes there, reading every active
    # job's entry for each job the claim looked at (60 ms a claim at 4,000 jobs). The head
    # query must check "first of its sequence" through the partial index of active jobs.
    from sqlalchemy import insert, text

    from framework.app import App
    from framework.testing.fixtures import TEST_PLUGINS

    app = App.create(postgres_url, plugin_modules=TEST_PLUGINS, secrets=secret_box)
    try:
        create_mem_link(app, "shop")
        now = utcnow()
        with app.session() as session:
            if analyzed:
                session.execute(text("ANALYZE job"))
            session.execute(insert(Job), [
                {"link_id": "shop", "kind": "membooks.post", "key": f"k{n}", "payload": {},
                 "sequence": f"order:{n // 2}", "status": JobStatus.QUEUED, "attempts": 0,
                 "max_attempts": 8, "run_at": now, "created_at": now} for n in range(4000)])
        head = queue._HEAD.params(now=utcnow()).compile(
            dialect=app.engine.dialect, compile_kwargs={"literal_binds": True})
        with app.session() as session:
            plan = "\n".join(session.execute(text(f"EXPLAIN {head}")).scalars())
        assert "ix_job_active_sequence" in plan, plan
        assert "BitmapAnd" not in plan, plan
    finally:
        app.close()
