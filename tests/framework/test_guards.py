"""Guards the suite once let through: each test here fails on a deliberately broken copy.

See docs/testing.md ("Broken copies the suite must catch") and tests/mutants/run.py.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from sqlalchemy import select, text
from test_ingest import S, ingest, make_order  # this folder, on sys.path under pytest

from framework.jobs import JobRequest, JobStatus, RecordKind, RecordStatus
from framework.runtime.queue import enqueue
from framework.runtime.runner import Runner
from framework.storage.models import Job, OrderRecord, PushRecord
from framework.testing.plugins import create_mem_link

LEASE = 1.0
TOKEN = "tok-5a4b3c2d1e0f-echoed"


def test_a_running_job_keeps_its_lease_while_it_outlasts_it(app):
    """The heartbeat extends the lease: a second worker never takes a job still running."""
    create_mem_link(app, "shop")
    started, release, runs = threading.Event(), threading.Event(), []

    def long_job(ctx):
        runs.append(ctx.job_id)
        started.set()
        release.wait(120)

    app.plugins.registry.job_handlers["test.long"] = long_job
    with app.session() as session:
        enqueue(session, "shop", JobRequest(kind="test.long", key="long"))
    first = threading.Thread(target=Runner(app, worker_id="w1", lease_seconds=LEASE).run_burst)
    first.start()
    try:
        assert started.wait(120), "the job never started"
        time.sleep(4 * LEASE)  # several leases long: only heartbeats keep it
        assert Runner(app, worker_id="w2", lease_seconds=LEASE).run_one() is None
    finally:
        release.set()
        first.join(120)
    with app.session() as session:
        job = session.scalars(select(Job)).one()
    assert runs == [job.id] and job.status == JobStatus.SUCCEEDED


def test_an_older_event_never_overwrites_a_newer_snapshot(tmp_path):
    from framework.app import App
    from framework.setup.links import create_link


    app = App.create(f"sqlite:///{tmp_path / 'snap.db'}", plugin_modules=[])
    try:
        with app.session() as session:
            create_link(session, app.secrets, id="toko", name="toko", commerce="memstore",
                        accounting="membooks", commerce_settings={}, commerce_credentials={},
                        accounting_settings={}, accounting_credentials={},
                        integrated_at=make_order("X", S.PAID).created_at - timedelta(days=1))
        newer = make_order("A9", S.READY_TO_SHIP)
        newer = newer.model_copy(update={"updated_at": newer.created_at + timedelta(hours=2),
                                         "platform_status": "NEWER"})
        older = newer.model_copy(update={"updated_at": newer.created_at + timedelta(hours=1),
                                         "platform_status": "OLDER"})
        ingest(app, newer)
        ingest(app, older, source="webhook")  # delivered late, after the newer poll
        with app.session() as session:
            row = session.scalars(select(OrderRecord)).one()
        assert row.platform_status == "NEWER"
        assert row.snapshot["platform_status"] == "NEWER"
    finally:
        app.close()


def test_a_reason_a_handler_records_is_stored_redacted(app):
    """A platform echoing a token in a refusal: the push record keeps it masked."""
    create_mem_link(app, "shop", token=TOKEN)

    def echoing(ctx):
        token = ctx.accounting().link.credentials["token"]
        ctx.record(RecordKind.ORDER, "SO-9", "sales_order", RecordStatus.FAILED,
                   reason=f"refused: invalid token {token}")

    app.plugins.registry.job_handlers["test.echoing"] = echoing
    with app.session() as session:
        enqueue(session, "shop", JobRequest(kind="test.echoing", key="e"))
    Runner(app).run_burst()
    with app.engine.connect() as connection:
        reasons = [row[0] for row in connection.execute(text("SELECT reason FROM push_record"))]
    assert reasons == ["refused: invalid token ***"]
    with app.session() as session:
        assert session.scalars(select(PushRecord)).one().reason.endswith("***")
