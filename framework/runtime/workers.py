"""Worker presence: each worker notes when it was last alive, so the console can warn.

A console without a running worker still queues re-pushes; they only leave when a worker
runs. ``last_seen`` lets it say so instead of showing jobs that never move.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..storage.bulk import upsert_insert
from ..storage.models import WorkerPresence, utcnow

#: a worker not heard from for this long counts as gone (it beats every few seconds)
RECENT = timedelta(minutes=2)


def note_alive(session: Session, worker_id: str) -> None:
    """Record that ``worker_id`` is alive now (an upsert, safe across processes)."""
    insert = upsert_insert(session.get_bind().dialect.name, WorkerPresence)
    now = utcnow()
    session.execute(insert.values(worker_id=worker_id, seen_at=now)
                    .on_conflict_do_update(index_elements=["worker_id"], set_={"seen_at": now}))


def last_seen(session: Session) -> datetime | None:
    """Return when any worker was last alive, or ``None`` if none ever was."""
    return session.scalar(select(WorkerPresence.seen_at)
                          .order_by(WorkerPresence.seen_at.desc()).limit(1))


def worker_recently_seen(session: Session, now: datetime | None = None) -> bool:
    """Return whether some worker was alive within ``RECENT``."""
    seen = last_seen(session)
    return seen is not None and (now or utcnow()) - seen <= RECENT
