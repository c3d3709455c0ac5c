"""The job queue: enqueue once per key, claim with a lease, finish in one of four ways.

Every function takes the caller's session and never commits: the caller decides the
transaction (an order transition and its jobs commit together; a claim commits alone).
Functions that finish a job only act while the caller still holds the job's lease, so a worker
that lost its lease (it was too slow, another worker re-ran the job) cannot overwrite the
newer outcome.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from .errors import ConfigError
from .jobs import JobRequest, JobStatus
from .models import Job, utcnow

ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)
DEFAULT_MAX_ATTEMPTS = 8


def _insert(session: Session):  # noqa: ANN202 - a dialect-specific Insert
    return (postgresql.insert if session.get_bind().dialect.name == "postgresql"
            else sqlite.insert)(Job)


def enqueue(session: Session, link_id: str, request: JobRequest) -> Job | None:
    """Queue ``request`` for ``link_id`` unless a job with its key already exists.

    Callable inside the caller's open transaction; the caller commits.

    Returns:
        The new job, or ``None`` when the key was already queued (at any time, any status).
    """
    now = utcnow()
    statement = (
        _insert(session)
        .values(link_id=link_id, kind=request.kind, key=request.key, lane=request.lane,
                sequence=request.sequence, payload=dict(request.payload),
                status=JobStatus.QUEUED, attempts=0, max_attempts=DEFAULT_MAX_ATTEMPTS,
                run_at=now + timedelta(seconds=request.delay_seconds), created_at=now)
        .on_conflict_do_nothing(index_elements=["link_id", "key"])
        .returning(Job.id)
    )
    job_id = session.execute(statement).scalar_one_or_none()
    return None if job_id is None else session.get(Job, job_id)


def release_expired_leases(session: Session) -> int:
    """Return running jobs whose lease ran out (their worker died) to the queue.

    A job that already used all its attempts this way is dead instead: it keeps killing
    workers, and running it again would only kill another.
    """
    now = utcnow()
    expired = and_(Job.status == JobStatus.RUNNING, Job.lease_until < now)
    dead = session.execute(
        update(Job).where(expired, Job.attempts >= Job.max_attempts)
        .values(status=JobStatus.DEAD, lease_owner=None, lease_until=None, finished_at=now,
                last_error="the worker running it stopped (lease expired) on every attempt")
    ).rowcount
    requeued = session.execute(
        update(Job).where(expired)
        .values(status=JobStatus.QUEUED, lease_owner=None, lease_until=None, run_at=now)
    ).rowcount
    return dead + requeued


def claim(session: Session, worker_id: str, lease_seconds: float,
          kinds: Iterable[str] | None = None, *, release_expired: bool = True) -> Job | None:
    """Take the next runnable job and lease it to ``worker_id``.

    A job is runnable when it is queued, due, and no earlier job (smaller id) of its sequence
    is still queued or running. On PostgreSQL the row is locked ``FOR UPDATE SKIP LOCKED`` so
    workers never wait on each other; on SQLite the transaction already holds the write lock.

    Args:
        session: the caller's session (the caller commits).
        worker_id: who takes the lease.
        lease_seconds: how long the lease lasts without a heartbeat.
        kinds: only these job kinds (default: any).
        release_expired: first return jobs with expired leases to the queue (a busy worker
            may do that once a second instead of on every claim).

    Returns:
        The claimed job (status running, attempts counted), or ``None`` if nothing is runnable.
    """
    if release_expired:
        release_expired_leases(session)
    now = utcnow()
    query = (select(Job)
             .where(Job.status == JobStatus.QUEUED, Job.run_at <= now, _first_of_sequence())
             # Ordered by run_at alone, the claim index (status, run_at) is already in order,
             # so PostgreSQL stops at the first free row instead of sorting the whole queue.
             .order_by(Job.run_at).limit(1)
             .with_for_update(skip_locked=True, of=Job))
    if kinds is not None:
        query = query.where(Job.kind.in_(list(kinds)))
    job = session.execute(query).scalar_one_or_none()
    if job is None:
        return None
    job.status = JobStatus.RUNNING
    job.attempts += 1
    job.lease_owner = worker_id
    job.lease_until = now + timedelta(seconds=lease_seconds)
    session.flush()
    return job


def _first_of_sequence():  # noqa: ANN202 - a SQL condition
    # A correlated scalar subquery rather than NOT EXISTS: PostgreSQL plans it per row
    # through ix_job_sequence, whereas an anti-join plan chosen from stale statistics (a
    # queue table that was empty at the last ANALYZE) made each claim scan the whole queue.
    active = aliased(Job)
    first_active = (select(func.min(active.id))
                    .where(active.sequence == Job.sequence, active.status.in_(ACTIVE))
                    .correlate(Job).scalar_subquery())
    return or_(Job.sequence.is_(None), Job.id == first_active)


def _held(job: Job):  # noqa: ANN202 - a SQL condition
    # Owner and attempt together name one lease: the same worker re-claiming the job after a
    # retry holds a new lease, and a stale handle of the old one must not settle it.
    return and_(Job.id == job.id, Job.status == JobStatus.RUNNING,
                Job.lease_owner == job.lease_owner, Job.attempts == job.attempts)


def heartbeat(session: Session, worker_id: str, job_ids: Iterable[int],
              lease_seconds: float) -> int:
    """Extend the leases ``worker_id`` holds on ``job_ids``; return how many it still holds."""
    ids = list(job_ids)
    if not ids:
        return 0
    return session.execute(
        update(Job).where(Job.id.in_(ids), Job.status == JobStatus.RUNNING,
                          Job.lease_owner == worker_id)
        .values(lease_until=utcnow() + timedelta(seconds=lease_seconds))
    ).rowcount


def _finish(session: Session, job: Job, status: JobStatus, error: str | None) -> bool:
    done = session.execute(
        update(Job).where(_held(job))
        .values(status=status, lease_owner=None, lease_until=None, last_error=error,
                finished_at=utcnow())
    ).rowcount
    return done == 1


def complete(session: Session, job: Job, note: str | None = None) -> bool:
    """Mark ``job`` succeeded (``note``: why it was skipped, if it was).

    Returns:
        ``False`` when the caller no longer holds the lease (nothing was changed).
    """
    return _finish(session, job, JobStatus.SUCCEEDED, note)


def fail(session: Session, job: Job, reason: str) -> bool:
    """Mark ``job`` failed: it needs an operator, who fixes the cause and re-pushes."""
    return _finish(session, job, JobStatus.FAILED, reason)


def kill(session: Session, job: Job, reason: str) -> bool:
    """Mark ``job`` dead: it was retried until its attempts ran out."""
    return _finish(session, job, JobStatus.DEAD, reason)


def retry_later(session: Session, job: Job, error: str, delay: float) -> bool:
    """Put ``job`` back in the queue, due in ``delay`` seconds, keeping the error."""
    return session.execute(
        update(Job).where(_held(job))
        .values(status=JobStatus.QUEUED, lease_owner=None, lease_until=None, last_error=error,
                run_at=utcnow() + timedelta(seconds=delay))
    ).rowcount == 1


def requeue(session: Session, job_id: int) -> Job:
    """Queue a finished job again from scratch (re-push): attempts 0, due now.

    Raises:
        ConfigError: no job has that id.
    """
    job = session.get(Job, job_id, with_for_update=True)
    if job is None:
        raise ConfigError(f"no job {job_id}",
                          fix="`jembatan records` shows the jobs behind records")
    if job.status in ACTIVE:
        return job  # already on its way; re-pushing twice must not reset a running attempt
    job.status = JobStatus.QUEUED
    job.attempts = 0
    job.run_at = utcnow()
    job.lease_owner = job.lease_until = job.finished_at = None
    session.flush()
    return job
