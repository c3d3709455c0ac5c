"""Batch claims: every due job of one kind, link and lane at once; full lanes skipped; wake-ups."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from framework.jobs import JobRequest, JobStatus
from framework.plugins import LaneLimit, Registry
from framework.runtime import queue
from framework.runtime.ratelimit import ARRIVAL_GUARD, DatabaseGate
from framework.runtime.runner import Runner
from framework.runtime.wakeup import Waker
from framework.storage.models import Job, Lane, LanePermit, utcnow
from framework.testing.plugins import MEMBOOKS_BATCH, book, create_mem_link


def queue_jobs(app, link, count, *, lane="membooks:a", prefix="doc", kind="membooks.batch",
               **payload):
    with app.session() as session:
        for n in range(count):
            queue.enqueue(session, link, JobRequest(kind=kind, key=f"{prefix}-{n:03d}",
                                                    lane=lane, payload=payload))


def statuses(app):
    with app.session() as session:
        return {key: status for key, status in session.execute(select(Job.key, Job.status))}


def test_due_jobs_of_one_kind_and_lane_run_as_batches(app):
    create_mem_link(app, "shop")
    queue_jobs(app, "shop", MEMBOOKS_BATCH + 5)
    queue_jobs(app, "shop", 3, lane="membooks:b", prefix="other")
    assert Runner(app).run_burst() == {"succeeded": MEMBOOKS_BATCH + 8}
    assert sorted(book("shop").batches) == [3, 5, MEMBOOKS_BATCH]
    assert len(book("shop").documents) == MEMBOOKS_BATCH + 8
    assert set(statuses(app).values()) == {JobStatus.SUCCEEDED}


def test_a_single_due_job_is_a_batch_of_one(app):
    create_mem_link(app, "shop")
    queue_jobs(app, "shop", 1)
    assert Runner(app).run_one() is JobStatus.SUCCEEDED
    assert book("shop").batches == [1]


def test_each_job_of_a_batch_is_settled_by_its_own_error(app):
    create_mem_link(app, "shop")
    queue_jobs(app, "shop", 2, prefix="fine")
    queue_jobs(app, "shop", 1, prefix="busy", outcome="transient")
    queue_jobs(app, "shop", 1, prefix="bad", outcome="permanent")
    runner = Runner(app)
    assert sorted(runner.run_claim()) == sorted([JobStatus.SUCCEEDED, JobStatus.SUCCEEDED,
                                                 JobStatus.QUEUED, JobStatus.FAILED])
    with app.session() as session:
        jobs = {job.key: job for job in session.scalars(select(Job))}
    assert jobs["busy-000"].status is JobStatus.QUEUED and jobs["busy-000"].attempts == 1
    assert "membooks is busy" in jobs["busy-000"].last_error
    assert jobs["bad-000"].status is JobStatus.FAILED
    assert jobs["bad-000"].last_error == "membooks refused: Pelanggan tidak ditemukan"
    assert sorted(book("shop").documents) == ["fine-000", "fine-001"]


def test_jobs_of_one_order_never_share_a_batch(app):
    create_mem_link(app, "shop")
    with app.session() as session:
        for n in range(4):
            queue.enqueue(session, "shop", JobRequest(kind="membooks.batch", key=f"k{n}",
                                                      lane="membooks:a", sequence="order:1"))
    assert Runner(app).run_burst() == {"succeeded": 4}
    assert book("shop").batches == [1, 1, 1, 1]
    with app.session() as session:
        finished = list(session.scalars(select(Job.key).order_by(Job.finished_at, Job.id)))
    assert finished == ["k0", "k1", "k2", "k3"]


def test_threads_claiming_at_once_never_split_one_databases_batch(app):
    # Six claimers released together on three databases' batches: each batch goes whole
    # to one of them (split batches cost Accurate calls; the first claim used to lock rows
    # of a group that another claimer then took the rest of).
    create_mem_link(app, "shop")
    for lane in ("membooks:a", "membooks:b", "membooks:c"):
        queue_jobs(app, "shop", 100, lane=lane, prefix=lane)
    start = threading.Barrier(6)
    claims: list[list[str]] = []

    def claim(worker: str) -> None:
        start.wait()
        with app.session() as session:
            jobs = queue.claim_batch(session, worker, 30, batch_size=lambda _kind: 100)
            claims.append(sorted(job.key for job in jobs))

    threads = [threading.Thread(target=claim, args=(f"w{n}",)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    taken = sorted((claim for claim in claims if claim), key=lambda keys: keys[0])
    assert [len(keys) for keys in taken] == [100, 100, 100]
    assert [{key.split("-")[0] for key in keys} for keys in taken] == [
        {"membooks:a"}, {"membooks:b"}, {"membooks:c"}]


def test_a_full_lane_is_left_for_later_and_other_lanes_run_meanwhile(app):
    create_mem_link(app, "shop")
    queue_jobs(app, "shop", 2, lane="membooks:full", prefix="full")
    queue_jobs(app, "shop", 2, lane="membooks:free", prefix="free")
    with app.session() as session:
        session.add(Lane(name="membooks:full", per_second=1, in_flight=1,
                         busy_until=utcnow() + timedelta(seconds=300)))
    runner = Runner(app)
    assert runner.run_claim() == [JobStatus.SUCCEEDED, JobStatus.SUCCEEDED]
    assert runner.run_claim() is None  # only the full lane's jobs are left: not claimed
    assert {k: s for k, s in statuses(app).items() if k.startswith("full")} == {
        "full-000": JobStatus.QUEUED, "full-001": JobStatus.QUEUED}
    with app.session() as session:
        session.execute(update(Lane).values(busy_until=utcnow() - timedelta(seconds=1)))
    assert runner.run_burst() == {"succeeded": 2}


def test_a_batch_claim_says_when_other_links_work_is_left_for_an_idle_sibling(app):
    # One commit may queue many links' jobs (one notification wakes one thread): the thread
    # that takes one link's batch must say more is left, so the runner wakes a sibling.
    for link in ("a", "b"):
        create_mem_link(app, link)
        queue_jobs(app, link, 3, lane=f"membooks:{link}", prefix=link)
    claims = []
    for _ in range(3):
        with app.session() as session:
            claims.append(queue.claim_batch(session, "w1", 30, batch_size=lambda _kind: 100,
                                            share=4))
    assert [(len(claim), claim.more) for claim in claims] == [(3, True), (3, False), (0, False)]


def test_a_refused_admission_marks_its_lane_busy_until_a_slot_frees(app):
    registry = Registry()
    registry.lanes["books"] = LaneLimit("books", 2, 2)
    gate = DatabaseGate(app.engine, registry, "p1")
    for _ in range(2):
        with gate.permit("books:x"):
            pass
    permit_id, wait = gate._try_acquire("books:x", registry.lane_limit("books:x"))
    assert permit_id is None and 0 < wait <= 1.0
    with app.session() as session:
        lane = session.get(Lane, "books:x")
        assert lane.busy_until > utcnow()


def test_a_permit_counts_from_when_the_request_left_not_from_its_answer(app):
    registry = Registry()
    registry.lanes["books"] = LaneLimit("books", 8, 8)
    gate = DatabaseGate(app.engine, registry, "p1")
    with gate.permit("books:y") as permit:
        permit.sent()
        sent_at = permit.sent_at
        time.sleep(ARRIVAL_GUARD.total_seconds() + 0.2)  # the platform takes its time to answer
        answered_before = utcnow()
    with app.session() as session:
        [row] = session.scalars(select(LanePermit).where(LanePermit.lane == "books:y"))
    assert row.released_at == sent_at + ARRIVAL_GUARD
    assert row.released_at < answered_before  # the window did not wait for the answer


@pytest.mark.postgres
def test_postgres_wakes_idle_workers_when_a_job_is_queued(postgres_url, secret_box):
    from framework.app import App
    from framework.testing.fixtures import TEST_PLUGINS

    app = App.create(postgres_url, plugin_modules=TEST_PLUGINS, secrets=secret_box)
    waker = Waker(app.database_url)
    stop = threading.Event()
    try:
        create_mem_link(app, "shop")
        waker.start(stop)
        deadline = time.monotonic() + 30
        while not waker.listening and time.monotonic() < deadline:
            time.sleep(0.01)
        assert waker.listening
        seen = waker.generation
        queue_jobs(app, "shop", 1)
        waker.wait(seen, timeout=30)
        assert waker.generation != seen
    finally:
        stop.set()
        waker.stop()
        app.close()


@pytest.mark.postgres
def test_a_group_claim_never_waits_on_another_schemas_claim(postgres_url, secret_box):
    # Advisory locks are shared by the whole database. Another installation (another
    # schema) claiming a group of the same link, kind and lane must not hold this one up.
    import uuid

    import psycopg
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from framework.app import App
    from framework.testing.fixtures import TEST_PLUGINS

    app = App.create(postgres_url, plugin_modules=TEST_PLUGINS, secrets=secret_box)
    base = make_url(postgres_url).set(drivername="postgresql")
    other = f"t_{uuid.uuid4().hex[:12]}"
    admin = base.difference_update_query(["options"]).render_as_string(hide_password=False)
    try:
        create_mem_link(app, "shop")
        queue_jobs(app, "shop", 2)
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'CREATE SCHEMA "{other}"')
        holder_url = base.update_query_dict({"options": f"-csearch_path={other}"})
        with psycopg.connect(holder_url.render_as_string(hide_password=False)) as holder:
            holder.execute(str(queue._GROUP_LOCK.text).replace(":key", "%(key)s"),  # noqa: SLF001
                           {"key": "shop\x1fmembooks.batch\x1fmembooks:a"})
            with app.session() as session:  # holder keeps its transaction (and lock) open
                session.execute(text("SET LOCAL lock_timeout = '10s'"))
                jobs = queue.claim_batch(session, "w1", 30, batch_size=lambda _kind: 100)
            assert len(jobs) == 2
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA IF EXISTS "{other}" CASCADE')
        app.close()


def test_sqlite_has_no_listener_and_polls(app):
    waker = Waker(app.database_url)
    if app.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    waker.start()
    assert not waker.listening and waker._thread is None
