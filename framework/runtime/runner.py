"""The durable sync-job runner: claim, lease, run the plugin's handler, settle the outcome.

Each thread claims work in one transaction (leases renewed by a heartbeat thread): for a
batch handler (``framework.runtime.batch``) every runnable job of the oldest job's kind, link and
lane, up to the handler's batch size; for plain handlers a few runnable jobs, run one after
another. Jobs whose lane is full (``Lane.busy_until``) are not claimed, so a thread never
sits holding jobs while their database is at its limit: it takes another lane's work. It
builds a ``DatabaseJobContext`` per job (``DatabaseJobBatch`` for a batch), calls the handler
the job's plugin registered, and settles the outcomes of the claim together, each by the
class of error raised (see ``framework.errors``):

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
handlers must be idempotent (deterministic numbers, adopt what the platform already holds).
Idle threads wait for ``NOTIFY jembatan_jobs`` on PostgreSQL (``framework.runtime.wakeup``), polling
as the fallback and on SQLite.
"""

from __future__ import annotations

import functools
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

from sqlalchemy import bindparam, update
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from ..errors import IntegrationError, SkippableError, TransientError, for_link
from ..jobs import JobRequest, JobStatus, RecordStatus
from ..storage.models import Job, Link, PushRecord, utcnow
from ..storage.secrets import redact
from . import queue, workers
from .batch import batch_size
from .jobcontext import DatabaseJobBatch, DatabaseJobContext
from .wakeup import Waker

if TYPE_CHECKING:
    from ..app import App

log = logging.getLogger(__name__)

PeriodicTask = tuple[float, Callable[["App"], Any]]
#: how long an idle worker waits before looking for due jobs again (no wake-ups: SQLite)
IDLE_POLL_SECONDS = 0.5
#: the same when PostgreSQL wakes it on new jobs (the poll only finds retries coming due)
LISTENING_POLL_SECONDS = 1.0
#: plain jobs one thread claims at once from a deep queue (fewer claims and commits per job)
PREFETCH = 100
#: settle finished plain jobs of a claim at least this often while the rest still run
SETTLE_EVERY_SECONDS = 0.25
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
        prefetch: plain jobs one thread claims at once when the queue is deep.
        link_ids: only these links' jobs (``products sync --link A`` runs only A's).
    """

    def __init__(  # noqa: PLR0913 - each is a knob operators turn
        self, app: App, worker_id: str | None = None, concurrency: int = 1,
        lease_seconds: float = 30, periodic: Iterable[PeriodicTask] = (),
        retry: RetryPolicy | None = None, prefetch: int = PREFETCH,
        link_ids: Iterable[str] | None = None,
    ) -> None:
        self.app = app
        self.link_ids = list(link_ids) if link_ids is not None else None
        self.worker_id = worker_id or (
            f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}")
        self.concurrency = max(1, concurrency)
        self.lease_seconds = lease_seconds
        self.periodic = list(periodic)
        self.retry = retry or RetryPolicy()
        self.prefetch = max(1, prefetch)
        self.handlers = app.plugins.registry.job_handlers
        self._held: set[int] = set()
        self._held_lock = threading.Lock()
        self._expired_checked_at = float("-inf")
        self._lane_free_at: float | None = None
        #: look for dead workers' jobs before every "idle" answer (``run_burst``, ``run_one``:
        #: the caller stops when idle); ``run_forever`` polls anyway and checks once a second
        self.certain_idle = True
        self.waker = Waker(app.database_url)
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
            while True:
                statuses = self._run_safely()
                if statuses is None:
                    wait = self._lane_wait()
                    if wait is None:
                        return
                    time.sleep(wait)  # work is waiting on a full lane: not done yet
                    continue
                with lock:
                    counts.update(status.value for status in statuses)

        self._with_heartbeat(lambda: self._in_threads(drain))
        return dict(counts)

    def run_forever(self, stop: threading.Event) -> None:
        """Run jobs and periodic tasks until ``stop`` is set (the worker command's loop)."""
        self.certain_idle = False
        self.waker.start(stop)

        def work() -> None:
            while not stop.is_set():
                seen = self.waker.generation
                if self._run_safely() is None:
                    poll = (LISTENING_POLL_SECONDS if self.waker.listening
                            else IDLE_POLL_SECONDS)
                    lane_wait = self._lane_wait()
                    self.waker.wait(seen, poll if lane_wait is None else min(poll, lane_wait))

        def everything() -> None:
            threads = [threading.Thread(target=work, name=f"job-{n}", daemon=True)
                       for n in range(self.concurrency)]
            for thread in threads:
                thread.start()
            self._run_periodic(stop)
            self.waker.wake()
            for thread in threads:
                thread.join()

        try:
            self._with_heartbeat(everything)
        finally:
            self.waker.stop()

    def _lane_wait(self) -> float | None:
        free_at = self._lane_free_at
        if free_at is None:
            return None
        return max(0.0, free_at - time.monotonic())

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

    # ------------------------------------------------------------------ one claim

    def run_one(self) -> JobStatus | None:
        """Claim and run the next unit of work; return the first job's status, or ``None``."""
        statuses = self.run_claim()
        return statuses[0] if statuses else None

    def run_claim(self) -> list[JobStatus] | None:
        """Claim a batch (or a few plain jobs), run it and settle it; ``None`` if idle.

        Returns:
            The status each claimed job was left in.
        """
        jobs, links = self._claim()
        if not jobs:
            return None
        with self._held_lock:
            self._held.update(job.id for job in jobs)
        try:
            handler = self.handlers.get(jobs[0].kind)
            if batch_size(handler) >= 1:
                outcomes, batch = self._attempt_batch(handler, jobs, links[jobs[0].link_id])
                return self._settle(list(zip(jobs, outcomes, strict=True)), batch)
            return self._run_plain(jobs, links)
        finally:
            with self._held_lock:
                self._held.difference_update(job.id for job in jobs)

    def _claim(self) -> tuple[list[Job], dict[str, Link | None]]:
        def sizes(kind: str) -> int:
            return batch_size(self.handlers.get(kind))

        with self.app.session() as session:
            released = self._expired_leases_due()
            jobs = queue.claim_batch(session, self.worker_id, self.lease_seconds,
                                     batch_size=sizes, prefetch=self.prefetch,
                                     share=self.concurrency, release_expired=released,
                                     link_ids=self.link_ids)
            if not jobs and not released and self.certain_idle \
                    and queue.release_expired_leases(session):
                # before saying "idle", make sure no dead worker holds a job
                jobs = queue.claim_batch(session, self.worker_id, self.lease_seconds,
                                         batch_size=sizes, prefetch=self.prefetch,
                                         share=self.concurrency, release_expired=False,
                                         link_ids=self.link_ids)
            if not jobs:
                free_at = queue.next_lane_free(session)
                self._lane_free_at = None if free_at is None else time.monotonic() + max(
                    0.0, (free_at - utcnow()).total_seconds())
                return [], {}
            links = {job.link_id: session.get(Link, job.link_id) for job in jobs}
        if self.concurrency > 1 and getattr(jobs, "more", True):
            self.waker.wake_one()  # the rows this claim left are for an idle sibling
        return jobs, links

    def _run_one_safely(self) -> JobStatus | None:
        statuses = self._run_safely()
        return statuses[0] if statuses else None

    def _run_safely(self) -> list[JobStatus] | None:
        for _ in range(20):
            try:
                return self.run_claim()
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

    def _run_plain(self, jobs: list[Job], links: dict[str, Link | None]) -> list[JobStatus]:
        statuses: list[JobStatus] = []
        done: list[tuple[Job, Outcome]] = []
        settled_at = time.monotonic()
        for index, job in enumerate(jobs):
            done.append((job, self._attempt(job, links.get(job.link_id))))
            last = index == len(jobs) - 1
            if last or time.monotonic() - settled_at >= SETTLE_EVERY_SECONDS:
                statuses += self._settle(done)
                with self._held_lock:
                    self._held.difference_update(job.id for job, _ in done)
                done, settled_at = [], time.monotonic()
        return statuses

    def _attempt(self, job: Job, link: Link | None = None) -> Outcome:
        handler = self.handlers.get(job.kind)
        if handler is None:
            return Outcome(JobStatus.FAILED, f"no handler is registered for job kind "
                           f"{job.kind!r} (is its plugin installed?)")
        context: DatabaseJobContext | None = None
        try:
            context = DatabaseJobContext(self.app, job, link)
            handler(context)
        except Exception as error:  # noqa: BLE001 - classified; a bug fails one job
            return self._classify(job, error)
        finally:
            if context is not None:
                context.close()
        return Outcome(JobStatus.SUCCEEDED, follow_ups=context.follow_ups)

    def _attempt_batch(self, handler: Callable[[Any], Any], jobs: list[Job],
                       link: Link | None) -> tuple[list[Outcome], DatabaseJobBatch | None]:
        """Run a batch handler; return the outcomes and the batch whose writes are still held.

        The held writes (the last step's bindings and records) are committed with the
        outcomes in ``_settle``'s transaction: one commit less per batch.
        """
        batch: DatabaseJobBatch | None = None
        try:
            batch = DatabaseJobBatch(self.app, jobs, link)
            errors = handler(batch) or {}
        except Exception as error:  # noqa: BLE001 - the whole batch ends with this error
            if batch is not None:
                self._flush_quietly(batch)
            return [self._classify(job, error) for job in jobs], None
        finally:
            if batch is not None:
                batch.close()
        return [self._classify(job, errors[context.job_id]) if context.job_id in errors
                else Outcome(JobStatus.SUCCEEDED, follow_ups=context.follow_ups)
                for job, context in zip(jobs, batch.jobs, strict=True)], batch

    @staticmethod
    def _flush_quietly(batch: DatabaseJobBatch) -> None:
        # What the platform already holds must be remembered even when the batch fails.
        try:
            batch.flush()
        except SQLAlchemyError as error:
            log.warning("could not write a failed batch's records: %s", error)

    def _classify(self, job: Job, error: BaseException) -> Outcome:
        outcome = self._classify_error(job, error)
        if outcome.reason:  # a plugin's fix may not know the link: name it for the operator
            outcome.reason = for_link(outcome.reason, job.link_id)
        return outcome

    def _classify_error(self, job: Job, error: BaseException) -> Outcome:
        if isinstance(error, SkippableError):
            return Outcome(JobStatus.SUCCEEDED, error.reason)
        if isinstance(error, TransientError):
            return self._transient(job, error)
        if isinstance(error, IntegrationError):  # PermanentError, ConfigError, provider errors
            return Outcome(JobStatus.FAILED, error.reason)
        log.error("job %s (%s) crashed", job.id, job.kind, exc_info=error,
                  extra={"job_id": job.id})
        return Outcome(JobStatus.FAILED, f"unexpected error: {type(error).__name__}: {error}")

    def _transient(self, job: Job, error: TransientError) -> Outcome:
        if job.attempts >= job.max_attempts:
            return Outcome(JobStatus.DEAD,
                           f"gave up after {job.attempts} attempts: {error.reason}")
        delay = self.retry.delay(job.attempts, getattr(error, "retry_after", None))
        return Outcome(JobStatus.QUEUED, error.reason, delay=delay)

    def _settle(self, done: list[tuple[Job, Outcome]],
                batch: DatabaseJobBatch | None = None) -> list[JobStatus]:
        """Write every outcome of a claim in one transaction (plain successes in one go).

        A batch's held writes (what the platform now holds) go first in the same
        transaction, so they are committed exactly when the outcomes are.
        """
        if batch is None:
            return self._write_outcomes(done)
        try:
            statuses = self._write_outcomes(done, held_writes=batch)
        except SQLAlchemyError as error:  # write them on their own, then settle
            log.warning("could not write a batch's records with its outcomes: %s", error)
            self._flush_quietly(batch)
            return self._write_outcomes(done)
        batch.written()
        return statuses

    def _write_outcomes(self, done: list[tuple[Job, Outcome]],
                        held_writes: DatabaseJobBatch | None = None) -> list[JobStatus]:
        with self.app.session() as session:
            if held_writes is not None:
                held_writes.flush(session)
            held = _record_outcomes(session, done)
            follow_ups = _queue_follow_ups(session, done, held)
        if follow_ups:
            self.waker.wake_one()  # this process's idle threads (SQLite has no NOTIFY)
        return [self._log_outcome(job, outcome, job.id in held) for job, outcome in done]

    def _log_outcome(self, job: Job, outcome: Outcome, held: bool) -> JobStatus:
        if not held:
            log.warning("job %s: lease lost before its outcome was written; another "
                        "attempt owns it now", job.id, extra={"job_id": job.id})
            return JobStatus.RUNNING
        reason = redact(outcome.reason) if outcome.reason else None
        log.info("job %s (%s) attempt %d: %s%s", job.id, job.kind, job.attempts,
                 outcome.status.value, f" ({reason})" if reason else "",
                 extra={"job_id": job.id})
        return outcome.status


def _record_outcomes(session: Any, done: list[tuple[Job, Outcome]]) -> set[int]:
    """Write each outcome whose lease still holds; return the ids of the jobs written."""
    plain = [job for job, outcome in done
             if outcome.status is JobStatus.SUCCEEDED and not outcome.reason]
    held = queue.finish_many(session, plain, JobStatus.SUCCEEDED)
    _close_records(session, [job for job in plain if job.id in held])
    for job, outcome in done:
        if outcome.status is JobStatus.SUCCEEDED and not outcome.reason:
            continue
        reason = redact(outcome.reason) if outcome.reason else None
        if _write_outcome(session, job, outcome.status, reason, outcome.delay):
            held.add(job.id)
            _mark_records(session, job, outcome.status, reason)
    return held


def _queue_follow_ups(session: Any, done: list[tuple[Job, Outcome]], held: set[int]) -> bool:
    """Queue the follow-ups of the jobs written (a lost lease's belong to its new owner)."""
    queued = False
    for job, outcome in done:
        if job.id in held:
            for request in outcome.follow_ups:
                queued = queue.enqueue(session, job.link_id, request) is not None or queued
    return queued


def _write_outcome(session: Any, job: Job, status: JobStatus, reason: str | None,
                   delay: float) -> bool:
    if status is JobStatus.SUCCEEDED:
        return queue.complete(session, job, reason)
    if status is JobStatus.QUEUED:
        return queue.retry_later(session, job, reason or "", delay)
    if status is JobStatus.DEAD:
        return queue.kill(session, job, reason or "")
    return queue.fail(session, job, reason or "")


def _close_records(session: Any, jobs: list[Job]) -> None:
    """``_mark_records`` for many succeeded jobs: one statement per attempt number."""
    statement = _close_records_statement(session.get_bind().dialect.name)
    for attempts, ids in queue.ids_by_attempt(jobs).items():
        session.execute(statement, {
            "ids": ids, "tries": attempts,
            "note": f"done: attempt {attempts} found it already in place"})


@functools.cache
def _close_records_statement(dialect: str) -> Any:
    """The settle's record-closing statement, built once per dialect (every settle runs it).

    A statement built afresh is walked again each time; ``queue.ids_in`` keeps it one short
    statement on PostgreSQL.
    """
    return (update(PushRecord)
            .where(queue.ids_in(PushRecord.job_id, "ids", dialect),
                   PushRecord.status == RecordStatus.PENDING)
            .values(status=RecordStatus.SUCCEEDED, attempts=bindparam("tries"),
                    reason=bindparam("note"))
            .execution_options(synchronize_session=False))


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
