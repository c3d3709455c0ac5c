"""Many worker processes, and a worker killed mid-job: every side effect exactly once."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from framework.emulation import serve_in_thread
from framework.jobs import JobRequest, JobStatus
from framework.runtime.queue import enqueue
from framework.setup.links import create_link
from framework.storage.models import Job
from framework.testing.processes import running

CRASH_DIR = Path(__file__).parent / "crash"
sys.path.insert(0, str(CRASH_DIR))

from counter_plugin import IN_FLIGHT, PER_SECOND, CounterEmulator  # noqa: E402

pytestmark = pytest.mark.slow


def seed(app, base_url, count, **payload):
    with app.session() as session:
        create_link(session, app.secrets, id="bench", name="bench", commerce="memstore",
                    accounting="counterbooks", commerce_settings={},
                    accounting_settings={"base_url": base_url},
                    commerce_credentials={}, accounting_credentials={})
        for n in range(count):
            enqueue(session, "bench", JobRequest(kind="counter.post", key=f"doc-{n:05d}",
                                                 sequence=f"order:{n // 3}", payload=payload))


@pytest.fixture
def start_worker():
    """Start crash/worker.py processes; every one is stopped after the test, pass or fail."""
    with contextlib.ExitStack() as stack:
        def start(url, concurrency=2, lease_seconds=30.0):
            return stack.enter_context(running(
                [sys.executable, str(CRASH_DIR / "worker.py"), url, str(concurrency),
                 str(lease_seconds)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                env=os.environ.copy()))
        yield start


def statuses(app):
    with app.session() as session:
        return dict(session.execute(select(Job.status, func.count()).group_by(Job.status)).all())


@pytest.fixture
def pg_app(postgres_url, secret_box):
    from framework.app import App
    from framework.testing.fixtures import TEST_PLUGINS

    application = App.create(postgres_url, plugin_modules=TEST_PLUGINS, secrets=secret_box)
    yield application
    application.close()


def test_four_workers_drain_2000_jobs_exactly_once_within_the_lane_limit(pg_app, start_worker):
    app = pg_app
    jobs = 2000
    with serve_in_thread(CounterEmulator()) as receiver:
        seed(app, receiver.base_url, jobs)
        workers = [start_worker(app.database_url) for _ in range(4)]
        outputs = [worker.communicate(timeout=600) for worker in workers]
    for worker, (_out, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err
    per_worker = [json.loads(out.splitlines()[-1]).get("succeeded", 0) for out, _ in outputs]
    assert sum(per_worker) == jobs and all(n > 0 for n in per_worker), per_worker
    assert statuses(app) == {JobStatus.SUCCEEDED: jobs}
    assert len(receiver.created) == jobs
    assert set(receiver.created.values()) == {1}  # counted where it lands: no duplicates
    assert receiver.meter.rejected == {}
    assert receiver.meter.peak_in_flight["counter"] <= IN_FLIGHT
    assert receiver.meter.peak_per_second["counter"] <= PER_SECOND


def test_a_killed_worker_loses_nothing_and_repeats_no_side_effect(app, database_url,
                                                                  start_worker):
    jobs, lease = 150, 2.0
    with serve_in_thread(CounterEmulator()) as receiver:
        seed(app, receiver.base_url, jobs, lookup=True, linger=0.03)
        victim = start_worker(app.database_url, concurrency=3, lease_seconds=lease)
        deadline = time.monotonic() + 60
        while len(receiver.created) < 20 and time.monotonic() < deadline:
            time.sleep(0.01)
        victim.send_signal(signal.SIGKILL)
        victim.communicate()  # reaps it and closes its pipes
        interrupted = statuses(app)
        assert interrupted.get(JobStatus.RUNNING, 0) > 0, interrupted  # killed mid-flight
        assert interrupted.get(JobStatus.QUEUED, 0) > 0
        time.sleep(lease + 0.5)  # the dead worker's leases run out
        survivor = start_worker(app.database_url, concurrency=3, lease_seconds=lease)
        out, err = survivor.communicate(timeout=120)
    assert survivor.returncode == 0, err
    assert statuses(app) == {JobStatus.SUCCEEDED: jobs}
    assert len(receiver.created) == jobs
    assert set(receiver.created.values()) == {1}
    with app.session() as session:
        retried = session.scalar(select(func.count()).where(Job.attempts > 1))
    assert retried >= 1  # the jobs in flight at the kill ran again, without a second document
