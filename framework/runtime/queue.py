"""The job queue: enqueue once per key, claim with a lease, finish in one of four ways.

Every function takes the caller's session and never commits: the caller decides the
transaction (an order transition and its jobs commit together; a claim commits alone).
Functions that finish a job only act while the caller still holds the job's lease, so a worker
that lost its lease (it was too slow, another worker re-ran the job) cannot overwrite the
newer outcome.

On PostgreSQL, queuing a job that is due now also ``NOTIFY``s ``jembatan_jobs`` (delivered
when the caller commits), which wakes idle workers at once; polling stays the fallback.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, Select, and_, any_, bindparam, func, or_, select, text, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session, aliased

from ..errors import ConfigError
from ..jobs import JobRequest, JobStatus
from ..storage.bulk import upsert_insert
from ..storage.models import Job, Lane, utcnow

ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)
DEFAULT_MAX_ATTEMPTS = 8
#: the PostgreSQL channel new due jobs are announced on
JOBS_CHANNEL = "jembatan_jobs"
_NOTIFIED = "jembatan.jobs_notified"


def _insert(session: Session):  # noqa: ANN202 - a dialect-specific Insert
    return upsert_insert(_dialect(session), Job)


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
    if job_id is None:
        return None
    if request.delay_seconds <= 0:
        notify(session)
    return session.get(Job, job_id)


def notify(session: Session) -> None:
    """Announce due work to idle workers once per transaction (PostgreSQL; else nothing)."""
    if _dialect(session) != "postgresql":
        return
    transaction = session.get_transaction()
    if session.info.get(_NOTIFIED) is transaction:
        return
    session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": JOBS_CHANNEL})
    session.info[_NOTIFIED] = transaction


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


def claim(session: Session, worker_id: str, lease_seconds: float,  # noqa: PLR0913
          kinds: Iterable[str] | None = None, *, release_expired: bool = True,
          link_ids: Iterable[str] | None = None) -> Job | None:
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
        link_ids: only these links' jobs (a command run for one link touches only it).

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
    if link_ids is not None:
        query = query.where(Job.link_id.in_(list(link_ids)))
    job = session.execute(query).scalar_one_or_none()
    if job is None:
        return None
    job.status = JobStatus.RUNNING
    job.attempts += 1
    job.lease_owner = worker_id
    job.lease_until = now + timedelta(seconds=lease_seconds)
    session.flush()
    return job


def claim_batch(  # noqa: PLR0913 - the knobs of one claim
    session: Session, worker_id: str, lease_seconds: float, *,
    batch_size: Callable[[str], int] = lambda _kind: 0, prefetch: int = 1, share: int = 1,
    release_expired: bool = True, link_ids: Iterable[str] | None = None,
) -> Claim:
    """Lease the next runnable jobs to ``worker_id``: a batch, or a few plain jobs.

    The oldest runnable job whose lane is not full decides: if its kind takes batches
    (``batch_size(kind) >= 1``; 0 is a plain handler), the batch is every runnable job of
    its link, kind and lane, up to that size; otherwise up to ``prefetch`` runnable jobs of
    plain kinds, run one after another by the caller, and no more than a ``share``-th of
    those runnable (so the other threads of the caller get their part of a shallow queue).
    Rows are locked ``FOR UPDATE SKIP LOCKED`` on PostgreSQL; the caller commits. Returned
    jobs are detached, status running, attempts counted. With ``link_ids``, only those
    links' jobs are considered (a command run for one link touches only its jobs).

    The claim reads only the columns that decide it, locks only the rows it takes and loads
    the payloads of those alone: reading (and decoding) a window of a deep queue's payloads
    cost tens of milliseconds a claim, and locking the window made concurrent claimers skip
    past it and split one database's batch between them.
    """
    if release_expired:
        release_expired_leases(session)
    now = utcnow()
    prefetch, share = max(1, prefetch), max(1, share)
    params: dict[str, Any] = {"now": now}
    for _ in range(_HEAD_TRIES):
        head = session.execute(_head(link_ids), params).first()
        if head is None:
            return Claim()
        size = batch_size(head.kind)
        if size >= 1:
            ids = _group(session, head, size, params)
            more = len(ids) >= size  # a full batch: the group may hold more
        else:
            ids, more = _plain(session, batch_size, prefetch, share, link_ids, params)
        if ids:
            until = now + timedelta(seconds=lease_seconds)
            claim = Claim(_lease(session, ids, worker_id, until), more=more)
            if share > 1 and not more:
                # Other links' work the group left: the jobs just leased are running in this
                # transaction, so the head query now sees only what remains. Without it a
                # commit queuing many links' jobs (one notification) woke one thread, and
                # the others slept until the poll.
                claim.more = session.execute(_head(link_ids), params).first() is not None
            return claim
        # another claimer took the head's whole group between our two reads: look again
    return Claim()


def _head(link_ids: Iterable[str] | None) -> Select:
    if link_ids is None:
        return _HEAD
    return _HEAD.where(Job.link_id.in_(list(link_ids)))


def _group(session: Session, head: Any, size: int, params: dict[str, Any]) -> list[int]:
    """Lock and return the ids of the head's batch: its link, kind and lane, oldest first.

    Claimers of one batch take turns (a transaction-level advisory lock on PostgreSQL;
    SQLite serialises whole transactions): without it two threads that found heads of the
    same group at once would each lock part of it and post two half batches.
    """
    key = f"{head.link_id}\x1f{head.kind}\x1f{head.lane or ''}"
    if _dialect(session) == "postgresql":
        session.execute(_GROUP_LOCK, {"key": key})
    statement = _GROUP_NO_LANE if head.lane is None else _GROUP_IN_LANE
    return list(session.scalars(statement, {
        **params, "link": head.link_id, "kind": head.kind, "lane": head.lane, "size": size}))


def _plain(session: Session, batch_size: Callable[[str], int], prefetch: int,  # noqa: PLR0913
           share: int, link_ids: Iterable[str] | None,
           params: dict[str, Any]) -> tuple[list[int], bool]:
    """Lock and return up to ``prefetch`` runnable plain jobs (a ``share``-th of those seen)."""
    limit = prefetch * share
    statement = (_limited(_WINDOW, limit) if link_ids is None
                 else _WINDOW.where(Job.link_id.in_(list(link_ids))).limit(limit))
    rows = session.execute(statement, params).all()
    plain = [row.id for row in rows if batch_size(row.kind) == 0]
    taken = plain[:min(prefetch, -(-len(plain) // share))]
    return taken, len(rows) > len(taken)


class Claim(list[Job]):
    """The jobs one claim leased.

    ``more`` says whether it saw runnable jobs it left behind (the caller may wake an idle
    sibling for them).
    """

    def __init__(self, jobs: Iterable[Job] = (), *, more: bool = False) -> None:
        super().__init__(jobs)
        self.more = more


def _runnable_now():  # noqa: ANN202 - a SQL condition
    # ``now`` is a parameter: the statements are built once (every claim runs them, and a
    # statement built afresh is walked again to find its compiled form).
    return and_(Job.status == JobStatus.QUEUED, Job.run_at <= bindparam("now"),
                _first_of_sequence())


def _window(*, locked: bool):  # noqa: ANN202 - a Select
    # Ordered by run_at alone, the claim index (status, run_at) is already in order, so
    # PostgreSQL stops at the first free rows instead of sorting the whole queue.
    busy = select(Lane.name).where(Lane.busy_until > bindparam("now"))
    statement = (select(Job.id, Job.link_id, Job.kind, Job.lane)
                 .where(_runnable_now(), or_(Job.lane.is_(None), Job.lane.not_in(busy)))
                 .order_by(Job.run_at))
    return statement.with_for_update(skip_locked=True, of=Job) if locked else statement


def _group_statement(*, lane: bool):  # noqa: ANN202 - a Select
    return (select(Job.id)
            .where(_runnable_now(), Job.link_id == bindparam("link"),
                   Job.kind == bindparam("kind"),
                   Job.lane == bindparam("lane") if lane else Job.lane.is_(None))
            .order_by(Job.run_at).limit(bindparam("size"))
            .with_for_update(skip_locked=True, of=Job))


_LIMITED: dict[int, Select] = {}


def _limited(statement: Select, limit: int) -> Select:
    """``statement.limit(limit)`` for the unfiltered claim, built once per limit."""
    found = _LIMITED.get(limit)
    if found is None:
        found = _LIMITED.setdefault(limit, statement.limit(limit))
    return found


def _lease(session: Session, ids: Sequence[int], worker_id: str,
           until: datetime) -> list[Job]:
    """Lease the locked jobs ``ids`` and return them whole (detached), in claim order."""
    statement = _lease_statement(_dialect(session))
    jobs = {job.id: job for job in session.scalars(
        statement, {"ids": list(ids), "owner": worker_id, "until": until})}
    for job in jobs.values():
        session.expunge(job)  # detached: the caller's later flushes must not touch them
    return [jobs[job_id] for job_id in ids if job_id in jobs]


def next_lane_free(session: Session) -> datetime | None:
    """Return when the first full lane frees (an idle worker waits no longer than that)."""
    return session.scalar(select(func.min(Lane.busy_until)).where(Lane.busy_until > utcnow()))


def _first_of_sequence():  # noqa: ANN202 - a SQL condition
    # A correlated scalar subquery rather than NOT EXISTS: PostgreSQL plans it per row
    # through the partial index of active jobs (ix_job_active_sequence), whereas an
    # anti-join plan chosen from stale statistics (a queue table that was empty at the last
    # ANALYZE) made each claim scan the whole queue. Its condition is the index's own, so the
    # planner takes that index even then (with a plain (sequence, id) index it combined it
    # with the status index: 60 ms a claim with 4,000 queued jobs, 1.5 ms now).
    active = aliased(Job)
    first_active = (select(active.id)
                    .where(active.sequence == Job.sequence, active.status.in_(ACTIVE))
                    .order_by(active.id).limit(1)
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


def finish_many(session: Session, jobs: Sequence[Job], status: JobStatus,
                error: str | None = None) -> set[int]:
    """Finish ``jobs`` (all leased to one worker) with one status and error in one statement.

    Returns:
        The ids of the jobs that were still held (only those were changed).
    """
    if not jobs:
        return set()
    statement = _finish_statement(_dialect(session))
    done: set[int] = set()
    for attempts, ids in ids_by_attempt(jobs).items():
        done.update(session.execute(statement, {
            "ids": ids, "attempt": attempts, "owner": jobs[0].lease_owner,
            "new_status": status, "error": error, "finished": utcnow()}).scalars())
    return done


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


#: looks for a head again when a concurrent claimer took its whole group meanwhile (each
#: look sees that claimer's jobs taken, so the next head is another group's)
_HEAD_TRIES = 8
_WINDOW = _window(locked=True)
# Read, not locked: claimers that find the same head queue on its group's lock instead of
# each locking one row of the group and then taking the rest apart.
_HEAD = _window(locked=False).limit(1)
_GROUP_IN_LANE = _group_statement(lane=True)
_GROUP_NO_LANE = _group_statement(lane=False)
# Advisory locks are shared by the whole database: the schema in the key keeps installations
# (and test runs) in other schemas of one database from waiting on each other's groups.
_GROUP_LOCK = text("SELECT pg_advisory_xact_lock("
                   "hashtextextended(current_schema() || ':' || :key, 0))")


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def ids_by_attempt(jobs: Iterable[Job]) -> dict[int, list[int]]:
    """The jobs' ids grouped by attempt number (a claim's jobs mostly share one).

    One statement each where both must match.
    """
    grouped: dict[int, list[int]] = {}
    for job in jobs:
        grouped.setdefault(job.attempts, []).append(job.id)
    return grouped


def ids_in(column: Any, name: str, dialect: str) -> Any:
    """``column IN (:name)`` for a list of ids: one array parameter on PostgreSQL.

    An expanding ``IN`` renders one placeholder per id, so every batch size is a new, long
    statement that psycopg parses again (15 % of the runner's CPU on no-op jobs); ``= ANY``
    of an array is one short statement, parsed and prepared once.
    """
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=postgresql.ARRAY(Integer)))
    return column.in_(bindparam(name, expanding=True))


# Statements every claim and settle runs, built once per dialect (see ``_runnable``).
@functools.cache
def _lease_statement(dialect: str) -> Any:
    return (update(Job).where(ids_in(Job.id, "ids", dialect), Job.status == JobStatus.QUEUED)
            .values(status=JobStatus.RUNNING, attempts=Job.attempts + 1,
                    lease_owner=bindparam("owner"), lease_until=bindparam("until"))
            .returning(Job)
            .execution_options(synchronize_session=False))


@functools.cache
def _finish_statement(dialect: str) -> Any:
    return (update(Job)
            .where(ids_in(Job.id, "ids", dialect), Job.attempts == bindparam("attempt"),
                   Job.status == JobStatus.RUNNING, Job.lease_owner == bindparam("owner"))
            .values(status=bindparam("new_status"), lease_owner=None, lease_until=None,
                    last_error=bindparam("error"), finished_at=bindparam("finished"))
            .returning(Job.id).execution_options(synchronize_session=False))
