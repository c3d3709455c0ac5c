"""The durable sync-job runner: claim, lease, run the plugin's handler, settle the outcome.

A worker claims one job at a time per thread (a lease, renewed by a heartbeat thread), builds
a ``DatabaseJobContext`` for the attempt, calls the handler the job's plugin registered, and
settles the outcome by the class of error raised (see ``framework.errors``):

======================  ===========================================================
handler ...             the job becomes
======================  ===========================================================
returns                 succeeded; follow-up jobs are queued in the same transaction
SkippableError          succeeded, with the reason kept as ``last_error``
TransientError          queued again after exponential backoff with jitter (at least
                        ``retry_after``), until ``max_attempts``; then dead
PermanentError /        failed, with the reason (the platform's own message inside);
ConfigError             an operator fixes the cause and re-pushes
anything else           failed, "unexpected error: <type>: <message>"
======================  ===========================================================

A worker killed mid-job loses its lease; ``queue.claim`` returns the job to the queue, so
handlers must be idempotent (look up before creating).
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import update
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from . import queue, workers
from .errors import IntegrationError, SkippableError, TransientError
from .jobcontext import DatabaseJobContext
from .jobs import JobRequest, JobStatus, RecordStatus
from .models import Job, Link, PushRecord
from .secrets import redact

if TYPE_CHECKING:
    from .app import App

log = logging.getLogger(__name__)

PeriodicTask = tuple[float, Callable[["App"], Any]]
#: how long an idle worker waits before looking for due jobs again
IDLE_POLL_SECONDS = 0.5
#: how often a worker returns jobs of dead workers (expired leases) to the queue
EXPIRED_LEASE_CHECK_SECONDS = 1.0

__all__ = ["DatabaseJobContext", "RetryPolicy", "Runner"]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with jitter for transient errors.

    Attributes:
        base_seconds: delay after the first failed attempt; doubled after each one.
        cap_seconds: the longest delay.
        jitter: the delay is multiplied by a random factor in ``1 ± jitter`` so that jobs
            failing together do not all come back together.
    """

    base_seconds: float = 2.0
    cap_seconds: float = 900.0
    jitter: float = 0.25

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Return the seconds to wait after failed attempt number ``attempt`` (from 1)."""
        delay = min(self.cap_seconds, self.base_seconds * 2 ** max(0, attempt - 1))
        delay *= random.uniform(1 - self.jitter, 1 + self.jitter)
        return max(delay, retry_after or 0.0)


@dataclass
class Outcome:
    """What one attempt came to, before it is written down."""

    status: JobStatus
    reason: str | None = None
    delay: float = 0.0
    follow_ups: list[JobRequest] = field(default_factory=list)


class Runner:
    """Drains the job table with one or more threads in this process.

    Args:
        app: the application (database, plugins with their job handlers, gate).
        worker_id: a name unique among all workers; default host, pid and a random suffix.
        concurrency: threads running jobs at once.
        lease_seconds: how long a claim lasts without a heartbeat; a killed worker's jobs
            return to the queue after this.
        periodic: ``(interval_seconds, callable(app))`` tasks ``run_forever`` also runs.
        retry: the backoff for transient errors.
    """

    def __init__(  # noqa: PLR0913 - each is a knob operators turn
        self, app: App, worker_id: str | None = None, concurrency: int = 1,
        lease_seconds: float = 30, periodic: Iterable[PeriodicTask] = (),
        retry: RetryPolicy | None = None,
    ) -> None:
        self.app = app
        self.worker_id = worker_id or (
            f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}")
        self.concurrency = max(1, concurrency)
        self.lease_seconds = lease_seconds
        self.periodic = list(periodic)
        self.retry = retry or RetryPolicy()
        self.handlers = app.plugins.registry.job_handlers
        self._held: set[int] = set()
        self._held_lock = threading.Lock()
        self._expired_checked_at = float("-inf")
        _ = app.gate  # build shared pieces once, before threads race for them

    # ------------------------------------------------------------------ driving loops

    def run_burst(self) -> dict[str, int]:
        """Run every job that is runnable now (and those that become so), then return.

        Returns:
            How many attempts ended in each status (``queued`` counts retries scheduled).
        """
        counts: Counter[str] = Counter()
        lock = threading.Lock()

        def drain() -> None:
            while (status := self._run_one_safely()) is not None:
                with lock:
                    counts[status.value] += 1

        self._with_heartbeat(lambda: self._in_threads(drain))
        return dict(counts)

    def run_forever(self, stop: threading.Event) -> None:
        """Run jobs and periodic tasks until ``stop`` is set (the worker command's loop)."""

        def work() -> None:
            while not stop.is_set():
                if self._run_one_safely() is None:
                    stop.wait(IDLE_POLL_SECONDS)

        def everything() -> None:
            threads = [threading.Thread(target=work, name=f"job-{n}", daemon=True)
                       for n in range(self.concurrency)]
            for thread in threads:
                thread.start()
            self._run_periodic(stop)
            for thread in threads:
                thread.join()

        self._with_heartbeat(everything)

    def _in_threads(self, target: Callable[[], None]) -> None:
        if self.concurrency == 1:
            target()
            return
        threads = [threading.Thread(target=target, name=f"job-{n}", daemon=True)
                   for n in range(self.concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def _run_periodic(self, stop: threading.Event) -> None:
        due = [time.monotonic()] * len(self.periodic)
        while not stop.is_set():
            for index, (interval, task) in enumerate(self.periodic):
                if time.monotonic() >= due[index]:
                    due[index] = time.monotonic() + interval
                    self._run_task(task)
            stop.wait(min([IDLE_POLL_SECONDS, *[max(0.0, d - time.monotonic()) for d in due]]))

    def _run_task(self, task: Callable[[App], Any]) -> None:
        try:
            task(self.app)
        except Exception:  # noqa: BLE001 - runner boundary: one failing task must not stop jobs
            log.exception("periodic task %s failed", getattr(task, "__name__", task))

    def _with_heartbeat(self, body: Callable[[], None]) -> None:
        done = threading.Event()
        beat = threading.Thread(target=self._heartbeat, args=(done,), name="heartbeat",
                                daemon=True)
        beat.start()
        try:
            body()
        finally:
            done.set()
            beat.join()

    def _heartbeat(self, done: threading.Event) -> None:
        self._note_alive()
        while not done.wait(self.lease_seconds / 3):
            self._note_alive()
            with self._held_lock:
                held = list(self._held)
            if not held:
                continue
            try:
                with self.app.session() as session:
                    kept = queue.heartbeat(session, self.worker_id, held, self.lease_seconds)
                if kept < len(held):
                    log.warning("worker %s lost %d lease(s)", self.worker_id, len(held) - kept)
            except SQLAlchemyError as error:  # the next beat may succeed; leases are long
                log.warning("heartbeat failed: %s", error)

    def _note_alive(self) -> None:
        # the console warns when no worker has been seen lately (re-pushes would just wait)
        try:
            with self.app.session() as session:
                workers.note_alive(session, self.worker_id)
        except SQLAlchemyError as error:
            log.warning("could not note the worker alive: %s", error)

    # ------------------------------------------------------------------ one job

    def run_one(self) -> JobStatus | None:
        """Claim and run one job; return the status it was left in, or ``None`` if idle."""
        with self.app.session() as session:
            job = queue.claim(session, self.worker_id, self.lease_seconds,
                              release_expired=self._expired_leases_due())
            if job is None:  # before saying "idle", make sure no dead worker holds a job
                job = queue.claim(session, self.worker_id, self.lease_seconds)
            link = session.get(Link, job.link_id) if job is not None else None
        if job is None:
            return None
        with self._held_lock:
            self._held.add(job.id)
        try:
            outcome = self._attempt(job, link)
            return self._settle(job, outcome)
        finally:
            with self._held_lock:
                self._held.discard(job.id)

    def _run_one_safely(self) -> JobStatus | None:
        for _ in range(20):
            try:
                return self.run_one()
            except OperationalError as error:  # a busy or restarting database: try again
                log.warning("database unavailable while running jobs: %s", error)
                time.sleep(0.2)
        return None

    def _expired_leases_due(self) -> bool:
        # Looking for dead workers' jobs on every claim costs a query per job; once a second
        # is plenty when leases last tens of seconds.
        now = time.monotonic()
        with self._held_lock:
            if now - self._expired_checked_at < EXPIRED_LEASE_CHECK_SECONDS:
                return False
            self._expired_checked_at = now
            return True

    def _attempt(self, job: Job, link: Link | None = None) -> Outcome:
        handler = self.handlers.get(job.kind)
        if handler is None:
            return Outcome(JobStatus.FAILED, f"no handler is registered for job kind "
                           f"{job.kind!r} (is its plugin installed?)")
        context: DatabaseJobContext | None = None
        try:
            context = DatabaseJobContext(self.app, job, link)
            handler(context)
        except SkippableError as error:
            return Outcome(JobStatus.SUCCEEDED, error.reason)
        except TransientError as error:
            return self._transient(job, error)
        except IntegrationError as error:  # PermanentError, ConfigError, provider errors
            return Outcome(JobStatus.FAILED, error.reason)
        except Exception as error:  # noqa: BLE001 - the runner boundary: a bug fails one job
            log.exception("job %s (%s) crashed", job.id, job.kind, extra={"job_id": job.id})
            return Outcome(JobStatus.FAILED,
                           f"unexpected error: {type(error).__name__}: {error}")
        finally:
            if context is not None:
                context.close()
        return Outcome(JobStatus.SUCCEEDED, follow_ups=context.follow_ups)

    def _transient(self, job: Job, error: TransientError) -> Outcome:
        if job.attempts >= job.max_attempts:
            return Outcome(JobStatus.DEAD,
                           f"gave up after {job.attempts} attempts: {error.reason}")
        delay = self.retry.delay(job.attempts, getattr(error, "retry_after", None))
        return Outcome(JobStatus.QUEUED, error.reason, delay=delay)

    def _settle(self, job: Job, outcome: Outcome) -> JobStatus:
        reason = redact(outcome.reason) if outcome.reason else None
        with self.app.session() as session:
            if not _write_outcome(session, job, outcome.status, reason, outcome.delay):
                log.warning("job %s: lease lost before its outcome was written; another "
                            "attempt owns it now", job.id, extra={"job_id": job.id})
                session.rollback()
                return JobStatus.RUNNING
            for request in outcome.follow_ups:
                queue.enqueue(session, job.link_id, request)
            _mark_records(session, job, outcome.status, reason)
        log.info("job %s (%s) attempt %d: %s%s", job.id, job.kind, job.attempts,
                 outcome.status.value, f" ({reason})" if reason else "",
                 extra={"job_id": job.id})
        return outcome.status


def _write_outcome(session: Any, job: Job, status: JobStatus, reason: str | None,
                   delay: float) -> bool:
    if status is JobStatus.SUCCEEDED:
        return queue.complete(session, job, reason)
    if status is JobStatus.QUEUED:
        return queue.retry_later(session, job, reason or "", delay)
    if status is JobStatus.DEAD:
        return queue.kill(session, job, reason or "")
    return queue.fail(session, job, reason or "")


def _mark_records(session: Any, job: Job, status: JobStatus, reason: str | None) -> None:
    # Records the handler left pending tell the operator what happened to them.
    if status is JobStatus.SUCCEEDED:
        # An attempt that found its work already done (an earlier attempt's answer was lost)
        # has nothing to write; it still closes what that earlier attempt left pending.
        session.execute(
            update(PushRecord)
            .where(PushRecord.job_id == job.id, PushRecord.status == RecordStatus.PENDING)
            .values(status=RecordStatus.SUCCEEDED, attempts=job.attempts,
                    reason=f"done: attempt {job.attempts} found it already in place"))
        return
    if not reason:
        return
    if status is JobStatus.QUEUED:
        new_status = RecordStatus.PENDING
        text = f"attempt {job.attempts} failed, retrying: {reason}"
    else:
        new_status, text = RecordStatus.FAILED, reason
    session.execute(
        update(PushRecord)
        .where(PushRecord.job_id == job.id, PushRecord.status == RecordStatus.PENDING)
        .values(status=new_status, reason=text, attempts=job.attempts))
