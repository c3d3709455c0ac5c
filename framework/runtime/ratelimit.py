"""Rate-limit lanes: requests per second and in flight, across every worker process.

A lane (``"accurate:<database>"``) admits a request only if, counting every process that
shares the database, fewer than ``in_flight`` requests are unreleased and fewer than
``per_second`` requests are *still inside the one-second window of their arrival*: a permit
counts against the rate from its acquisition until one second after the latest moment the
platform can have seen the request arrive (``LanePermit.released_at`` stores that moment).

That moment is the earlier of the answer (the platform cannot answer before the request
arrived) and the instant the request left us plus ``ARRIVAL_GUARD`` (the wire and the
platform's own accept; the HTTP client reports when the request was sent through
``Permit.sent``). Counting from the answer alone made every slot last one second *plus the
platform's processing time*, so a lane reached only ``per_second / (1 + latency)``; counting
from the send keeps the guarantee on the platform's clock while admitting the full rate: if
N+1 requests arrived within one second, then when the last was admitted the other N were
unreleased or had arrived less than a second earlier, so it would not have been admitted.

A refused admission sleeps until the first slot frees (not a blind poll) and marks the lane
busy until then (``Lane.busy_until``), so the runner claims work for other lanes meanwhile
instead of holding jobs while it waits.

A killed process never releases its permits; they stop counting at ``expires_at``. A permit
is a lease of ``PERMIT_LEASE`` that the holding process renews while the request runs, so a
slow request keeps its slot and a dead process's slots free within one lease (not a minute).
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.exc import SQLAlchemyError

from ..plugins import LaneLimit, Registry
from ..storage.bulk import upsert_insert
from ..storage.models import Lane, LanePermit, utcnow

log = logging.getLogger(__name__)

WINDOW = timedelta(seconds=1)
#: how long after leaving us a request has surely reached the platform's rate counter: the
#: wire, then the platform's accept, body read and parse. 50 ms was exceeded on a loaded
#: machine (the emulator, counting after it parsed a 100-document bulk save, refused one
#: request over 8 a second) and is tighter than a WAN round trip. A request answered sooner
#: counts from its answer, so at Accurate's usual latencies the lane still admits ~8/s.
ARRIVAL_GUARD = timedelta(seconds=0.25)
#: the longest a permit counts at all, renewed or not (a request longer than this is hung)
PERMIT_TTL = timedelta(seconds=60)
#: a held permit's lease: renewed every third of it while held; a killed process's permits
#: stop counting when it runs out
PERMIT_LEASE = timedelta(seconds=6)
#: permits older than this are deleted (they no longer count for anything)
PRUNE_AFTER = timedelta(seconds=120)
POLL_MIN, POLL_MAX = 0.005, 0.05
#: the longest sleep before asking a full lane again
MAX_WAIT = 0.2


class Permit:
    """One admitted request; the HTTP client calls ``sent()`` when the request has left."""

    __slots__ = ("sent_at", "token")

    def __init__(self, token: Any = None) -> None:
        self.token = token
        self.sent_at: datetime | None = None

    def sent(self) -> None:
        """Note that the request has been written to the network (first call wins)."""
        if self.sent_at is None:
            self.sent_at = utcnow()

    def seen_by(self, now: datetime) -> datetime:
        """Return the latest moment the platform can have seen this request arrive."""
        if self.sent_at is None:
            return now
        return min(now, self.sent_at + ARRIVAL_GUARD)


class _LaneGate:
    """What both gates share: look up the lane's limit, hold a slot while the request runs.

    Subclasses say how a slot is taken (``_acquire`` returns a token) and given back.
    """

    registry: Registry

    @contextlib.contextmanager
    def permit(self, lane: str) -> Iterator[Permit]:
        """Wait for and hold one request slot on ``lane`` (unlimited lanes pass at once)."""
        limit = self.registry.lane_limit(lane)
        if limit is None:
            yield Permit()
            return
        permit = Permit(self._acquire(lane, limit))
        try:
            yield permit
        finally:
            self._release(lane, permit)

    def _acquire(self, lane: str, limit: LaneLimit) -> Any:
        raise NotImplementedError

    def _release(self, lane: str, permit: Permit) -> None:
        raise NotImplementedError


class DatabaseGate(_LaneGate):
    """A ``RequestGate`` whose admissions are shared by every process on one database.

    Args:
        engine: the installation's database engine.
        registry: where lane limits come from (``registry.lane_limit(lane)``).
        holder: who holds the permits (host and process id), for operators reading the table.
    """

    def __init__(self, engine: Engine, registry: Registry, holder: str) -> None:
        self.engine = engine
        self.registry = registry
        self.holder = holder
        self._known_lanes: set[str] = set()
        self._admissions = 0
        self._held: set[int] = set()
        self._held_lock = threading.Lock()
        self._renewer: threading.Thread | None = None

    def _acquire(self, lane: str, limit: LaneLimit) -> int:
        while True:
            permit_id, wait = self._try_acquire(lane, limit)
            if permit_id is not None:
                self._hold(permit_id)
                return permit_id
            time.sleep(wait)

    def _try_acquire(self, lane: str, limit: LaneLimit) -> tuple[int | None, float]:
        """Admit one request now, or return how long to wait before asking again."""
        self._ensure_lane(lane, limit)
        with self.engine.begin() as connection:
            # The lane row is the mutex: on PostgreSQL admissions to one lane queue up on it;
            # SQLite's BEGIN IMMEDIATE has serialised the whole transaction already.
            if connection.execute(_LOCK, {"lane": lane}).first() is None:
                self._known_lanes.discard(lane)  # deleted meanwhile: create it again first
                return None, 0.0
            now = utcnow()
            counted = {"lane": lane, "now": now, "window_start": now - WINDOW,
                       "ttl_start": now - PERMIT_TTL}
            # One statement admits if the lane has room (counted after the lock, on a fresh
            # snapshot); only a refusal reads the counts again, to know how long to wait.
            permit_id = connection.execute(_ADMIT_IF_ROOM, {
                **counted, "holder": self.holder, "expires_at": now + PERMIT_LEASE,
                "in_flight_limit": limit.in_flight, "per_second_limit": limit.per_second,
            }).scalar()
            if permit_id is None:
                in_flight, _in_window, first_free = connection.execute(_COUNT, counted).one()
                wait = _wait_seconds(now, first_free if in_flight < limit.in_flight else None)
                connection.execute(_BUSY, {"lane": lane,
                                           "until": now + timedelta(seconds=wait)})
                return None, wait
            self._admissions += 1
            if self._admissions % 200 == 1:
                _prune(connection, lane, now)
            return permit_id, 0.0

    def _ensure_lane(self, lane: str, limit: LaneLimit) -> None:
        """Create the lane's row, committed, before any admission locks it.

        Created inside the admission's own transaction, the row was invisible to this
        process's other threads until that commit: their ``FOR UPDATE`` found no row, locked
        nothing, and a new lane's first admissions from several threads all went through at
        once (beyond ``in_flight``).
        """
        if lane in self._known_lanes:
            return
        with self.engine.begin() as connection:
            insert = upsert_insert(connection.dialect.name, Lane)
            connection.execute(insert.values(name=lane, per_second=limit.per_second,
                                             in_flight=limit.in_flight).on_conflict_do_nothing())
        self._known_lanes.add(lane)

    def _hold(self, permit_id: int) -> None:
        with self._held_lock:
            self._held.add(permit_id)
            if self._renewer is None or not self._renewer.is_alive():
                self._renewer = threading.Thread(target=self._renew, name="permit-renewer",
                                                 daemon=True)
                self._renewer.start()

    def _renew(self) -> None:
        """Extend the leases of the permits this process holds, until it holds none."""
        while True:
            time.sleep(PERMIT_LEASE.total_seconds() / 3)
            with self._held_lock:
                held = list(self._held)
                if not held:
                    self._renewer = None
                    return
            try:
                with self.engine.begin() as connection:
                    connection.execute(update(LanePermit).where(
                        LanePermit.id.in_(held), LanePermit.released_at.is_(None))
                        .values(expires_at=utcnow() + PERMIT_LEASE))
            except SQLAlchemyError as error:  # the next renewal may succeed; leases are long
                log.warning("renewing lane permits failed: %s", error)

    def _release(self, lane: str, permit: Permit) -> None:
        with self._held_lock:
            self._held.discard(permit.token)
        with _single_statement(self.engine) as connection:
            connection.execute(_RELEASE, {"permit": permit.token,
                                          "seen": permit.seen_by(utcnow())})


def _single_statement(engine: Engine) -> contextlib.AbstractContextManager[Connection]:
    """A connection for one statement that needs no transaction of its own.

    On PostgreSQL it runs in autocommit: no BEGIN and COMMIT round trips around the one
    UPDATE (every request's release). SQLite's writes go through ``BEGIN IMMEDIATE`` as ever.
    """
    if engine.dialect.name == "postgresql":
        return engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    return engine.begin()


def _wait_seconds(now: datetime, first_free: datetime | None) -> float:
    """Sleep until the oldest counted arrival leaves the window, or poll (all in flight)."""
    if first_free is None:
        return random.uniform(POLL_MIN, POLL_MAX)  # jitter: pollers do not march
    due = (first_free + WINDOW - now).total_seconds()
    # capped: a request answered meanwhile may free its slot sooner than the oldest one
    return min(max(0.0, due), MAX_WAIT) + random.uniform(0.0005, POLL_MIN)


def _prune(connection: Connection, lane: str, now: datetime) -> None:
    connection.execute(delete(LanePermit).where(LanePermit.lane == lane,
                                                LanePermit.acquired_at < now - PRUNE_AFTER))


# The gate's statements, built once: every admission runs them, and a statement object
# built afresh each time is walked again to find its compiled form (a few ms a request on
# a busy two-core machine; the gate's round trips sit on every request's path).
_UNRELEASED = LanePermit.released_at.is_(None) & (LanePermit.expires_at > bindparam("now"))
_COUNT = (
    select(func.count().filter(_UNRELEASED).label("in_flight"),
           func.count().filter(or_(_UNRELEASED,
                                   LanePermit.released_at > bindparam("window_start")))
           .label("in_window"),
           func.min(LanePermit.released_at).filter(
               LanePermit.released_at > bindparam("window_start")).label("first_free"))
    .where(LanePermit.lane == bindparam("lane"),
           LanePermit.acquired_at > bindparam("ttl_start")))
_LOCK = select(Lane.name).where(Lane.name == bindparam("lane")).with_for_update()
_BUSY = update(Lane).where(Lane.name == bindparam("lane")).values(
    busy_until=bindparam("until"))
_COUNTS = _COUNT.subquery()
_ADMIT_IF_ROOM = insert(LanePermit).from_select(
    ["lane", "holder", "acquired_at", "expires_at"],
    select(bindparam("lane", type_=LanePermit.lane.type),
           bindparam("holder", type_=LanePermit.holder.type),
           bindparam("now", type_=LanePermit.acquired_at.type),
           bindparam("expires_at", type_=LanePermit.expires_at.type))
    .select_from(_COUNTS)
    .where(_COUNTS.c.in_flight < bindparam("in_flight_limit"),
           _COUNTS.c.in_window < bindparam("per_second_limit")),
).returning(LanePermit.id)
_RELEASE = update(LanePermit).where(LanePermit.id == bindparam("permit")).values(
    released_at=bindparam("seen"))


class MemoryGate(_LaneGate):
    """The same admission rule for one process, with no database (threads only).

    Args:
        registry: where lane limits come from.
    """

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self._condition = threading.Condition()
        self._active: dict[str, int] = {}
        self._released: dict[str, list[float]] = {}

    def _acquire(self, lane: str, limit: LaneLimit) -> None:
        with self._condition:
            while not self._admissible(lane, limit):
                self._condition.wait(timeout=POLL_MIN)
            self._active[lane] = self._active.get(lane, 0) + 1

    def _release(self, lane: str, permit: Permit) -> None:
        now = utcnow()
        seen = time.monotonic() - (now - permit.seen_by(now)).total_seconds()
        with self._condition:
            self._active[lane] -= 1
            self._released.setdefault(lane, []).append(seen)
            self._condition.notify_all()

    def _admissible(self, lane: str, limit: LaneLimit) -> bool:
        horizon = time.monotonic() - WINDOW.total_seconds()
        recent = [t for t in self._released.get(lane, []) if t > horizon]
        self._released[lane] = recent
        active = self._active.get(lane, 0)
        return active < limit.in_flight and active + len(recent) < limit.per_second
