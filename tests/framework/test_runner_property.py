"""A stateful hypothesis test of the queue and runner: whatever happens, no job is lost."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import select, update

from framework.jobs import JobRequest, JobStatus
from framework.runtime import queue
from framework.runtime.runner import DatabaseJobContext, RetryPolicy, Runner
from framework.storage.models import DocumentBindingRow, Job, utcnow
from framework.testing.plugins import book, create_mem_link, run_script

OUTCOMES = ["ok", "ok", "transient", "permanent", "skip", "bug"]
EXPECTED = {"ok": JobStatus.SUCCEEDED, "skip": JobStatus.SUCCEEDED, "transient": JobStatus.DEAD,
            "permanent": JobStatus.FAILED, "bug": JobStatus.FAILED}
TERMINAL = {JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.DEAD}
_links = itertools.count()


class RunnerMachine(RuleBasedStateMachine):
    """Rules: queue scripted jobs, run them, crash workers mid-job, expire leases."""

    app = None  # set by the test

    def __init__(self) -> None:
        super().__init__()
        self.link = create_mem_link(self.app, f"prop{next(_links)}")
        self.runner = Runner(self.app, worker_id="steady", retry=RetryPolicy(0, 0, 0))
        self.scripts: dict[str, list[str]] = {}
        self.sequences: dict[str, str | None] = {}

    @rule(outcomes=st.lists(st.sampled_from(OUTCOMES), min_size=1, max_size=3),
          sequence=st.sampled_from([None, "order:1", "order:2"]))
    def add_job(self, outcomes, sequence):
        key = f"job{len(self.scripts)}"
        with self.app.session() as session:
            queue.enqueue(session, self.link, JobRequest(
                kind="membooks.script", key=key, sequence=sequence,
                payload={"outcomes": outcomes}))
            session.execute(update(Job).where(Job.key == key).values(max_attempts=3))
        self.scripts[key], self.sequences[key] = outcomes, sequence

    @rule()
    def run_one(self):
        self.runner.run_one()

    @rule(after_side_effect=st.booleans())
    def crash_mid_job(self, after_side_effect):
        """A worker claims a job, maybe does its work, and dies before settling it."""
        with self.app.session() as session:
            job = queue.claim(session, "doomed", lease_seconds=300)
        if job is None:
            return
        if after_side_effect:
            try:
                run_script(DatabaseJobContext(self.app, job))
            except Exception:  # noqa: BLE001 - the worker dies whatever the handler did
                pass

    @rule()
    def leases_run_out(self):
        with self.app.session() as session:
            session.execute(update(Job).where(Job.status == JobStatus.RUNNING)
                            .values(lease_until=utcnow() - timedelta(seconds=1)))

    @invariant()
    def no_job_is_lost(self):
        with self.app.session() as session:
            keys = set(session.scalars(select(Job.key).where(Job.link_id == self.link)))
        assert keys == set(self.scripts)

    def teardown(self):
        self.leases_run_out()
        self.runner.run_burst()
        with self.app.session() as session:
            jobs = {j.key: j for j in session.scalars(select(Job).where(Job.link_id == self.link))}
            bound = set(session.scalars(select(DocumentBindingRow.ref).where(
                DocumentBindingRow.link_id == self.link)))
        documents = list(book(self.link).documents)
        for key, job in jobs.items():
            assert job.status in TERMINAL, (key, job.status)
            outcome = self.scripts[key][min(job.attempts, len(self.scripts[key])) - 1]
            if "lease expired" not in (job.last_error or ""):
                assert job.status == EXPECTED[outcome], (key, job.attempts, job.last_error)
            if job.status == JobStatus.SUCCEEDED and outcome == "ok":
                assert documents.count(key) == 1 and key in bound
        for a, b in itertools.combinations(sorted(documents, key=lambda k: jobs[k].id), 2):
            if self.sequences[a] is not None and self.sequences[a] == self.sequences[b]:
                assert documents.index(a) < documents.index(b), "a sequence ran out of order"


@pytest.mark.slow  # many generated runs of the whole runner: large volume
def test_runner_never_loses_a_job(database_url):
    from framework.app import App
    from framework.testing.fixtures import TEST_PLUGINS

    app = App.create(database_url, plugin_modules=TEST_PLUGINS)
    RunnerMachine.app = app
    try:
        run_state_machine_as_test(RunnerMachine, settings=settings(
            max_examples=30, stateful_step_count=25, deadline=None,
            suppress_health_check=[HealthCheck.too_slow]))
    finally:
        app.close()
