"""Waking idle worker threads when work arrives, instead of letting them sleep a poll out.

On PostgreSQL a listener thread holds one extra connection with ``LISTEN jembatan_jobs``;
``queue.enqueue`` sends ``NOTIFY`` with every due job, delivered when the enqueuing
transaction commits, so a webhook's order reaches a worker in milliseconds. A notification
wakes one idle thread; a thread whose claim left runnable work behind, or that queued
follow-up jobs, wakes one more (``wake_one``), so work fans out over the threads without
every idle thread racing for every job. Waiting always has a timeout: the poll stays the
fallback, on SQLite (no notifications) and while the listener reconnects.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy.engine import make_url

from .queue import JOBS_CHANNEL

log = logging.getLogger(__name__)

#: how long one wait for notifications lasts before the listener checks whether to stop
LISTEN_TIMEOUT = 0.5
#: pause before reconnecting a listener whose connection failed
RECONNECT_SECONDS = 1.0


class Waker:
    """A generation counter idle threads wait on; bumped by notifications and by ``wake``.

    Args:
        database_url: the installation's database; PostgreSQL URLs get a listener.
    """

    def __init__(self, database_url: str) -> None:
        url = make_url(database_url)
        self._conninfo = (url.set(drivername="postgresql").render_as_string(hide_password=False)
                          if url.get_backend_name() == "postgresql" else None)
        self._condition = threading.Condition()
        self.generation = 0
        self.listening = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, stop: threading.Event | None = None) -> None:
        """Start listening (PostgreSQL only); ``stop`` also ends the listener."""
        if self._conninfo is None or self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._listen, args=(stop,), name="listener",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the listener and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def wake(self) -> None:
        """Wake every waiting thread."""
        with self._condition:
            self.generation += 1
            self._condition.notify_all()

    def wake_one(self) -> None:
        """Wake one waiting thread (new work: it claims, then wakes another if more is left).

        Waking every idle thread for every new job made them all claim at once, and on a
        small machine their claims delayed the one thread that got the job by tens of ms.
        """
        with self._condition:
            self.generation += 1
            self._condition.notify(1)

    def wait(self, seen: int, timeout: float) -> None:
        """Wait up to ``timeout`` seconds unless the generation moved on from ``seen``.

        Reading ``generation`` before looking for work and passing it here means a
        notification that arrived while the thread looked is never slept through.
        """
        with self._condition:
            self._condition.wait_for(lambda: self.generation != seen, timeout)

    def _stopped(self, stop: threading.Event | None) -> bool:
        return self._stop.is_set() or (stop is not None and stop.is_set())

    def _listen(self, stop: threading.Event | None) -> None:
        import psycopg

        while not self._stopped(stop):
            try:
                with psycopg.connect(self._conninfo or "", autocommit=True) as connection:
                    connection.execute(f"LISTEN {JOBS_CHANNEL}")
                    self.listening = True
                    self.wake()  # whatever was queued while nobody listened
                    while not self._stopped(stop):
                        for _notification in connection.notifies(timeout=LISTEN_TIMEOUT):
                            self.wake_one()
            except psycopg.Error as error:
                log.warning("listening for new jobs failed (polling meanwhile): %s", error)
            finally:
                self.listening = False
            if not self._stopped(stop):
                self._stop.wait(RECONNECT_SECONDS)
