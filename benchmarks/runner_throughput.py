"""Benchmark: no-op jobs per second on PostgreSQL, jembatan's runner beside pgqueuer and
procrastinate on the same database in the same run.

Run: ``.venv/bin/pip install -e ".[bench]"`` once, then
``.venv/bin/python benchmarks/runner_throughput.py [JOBS]`` (default 5,000 per measurement).
Each queue gets a fresh schema; JOBS no-op jobs are queued first (not timed), then drained at
concurrency 1 and 4 (jembatan: ``Runner`` threads; pgqueuer: that many ``QueueManager``
consumers, each on its own connection, batch size 10; procrastinate: worker
``concurrency``). Prints jobs/s for each and, last, ``ratio=`` jembatan / pgqueuer at the
lower of the two concurrencies' ratios.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import _bench
from sqlalchemy.engine import make_url


def jembatan(url: str, jobs: int, concurrency: int) -> float:
    """Jobs per second of ``Runner.run_burst`` draining ``jobs`` no-op jobs."""
    from framework.app import App
    from framework.jobs import JobStatus
    from framework.runtime.runner import Runner
    from framework.storage.models import Job
    from framework.testing.fixtures import TEST_PLUGINS
    from framework.testing.plugins import create_mem_link

    app = App.create(url, plugin_modules=TEST_PLUGINS)
    app.plugins.registry.job_handlers["bench.noop"] = lambda ctx: None
    create_mem_link(app, "bench")
    now = datetime.now(UTC)
    with app.session() as session:
        session.execute(Job.__table__.insert(), [
            {"link_id": "bench", "kind": "bench.noop", "key": f"noop-{n}", "payload": {},
             "status": JobStatus.QUEUED, "attempts": 0, "max_attempts": 8, "run_at": now,
             "created_at": now} for n in range(jobs)])
    runner = Runner(app, concurrency=concurrency)
    started = time.perf_counter()
    counts = runner.run_burst()
    elapsed = time.perf_counter() - started
    app.close()
    assert counts == {"succeeded": jobs}, counts
    return jobs / elapsed


def _libpq(url: str) -> tuple[str, str]:
    parsed = make_url(url)
    schema = parsed.query["options"].split("=", 1)[1]
    base = parsed.set(drivername="postgresql").difference_update_query(["options"])
    return base.render_as_string(hide_password=False), schema


def pgqueuer(url: str, jobs: int, concurrency: int) -> float:
    """Jobs per second of one pgqueuer ``QueueManager`` draining ``jobs`` no-op jobs."""
    import psycopg
    from pgqueuer import PsycopgDriver, Queries, QueueManager
    from pgqueuer.types import QueueExecutionMode

    conninfo, schema = _libpq(url)

    async def consumer(done: list[int]) -> None:
        connection = await psycopg.AsyncConnection.connect(
            conninfo, autocommit=True, options=f"-csearch_path={schema}")
        async with connection:
            manager = QueueManager(Queries(PsycopgDriver(connection)))

            @manager.entrypoint("noop")
            async def noop(job: object) -> None:
                done.append(time.perf_counter())

            await manager.run(mode=QueueExecutionMode.drain, batch_size=10,
                              max_concurrent_tasks=20, dequeue_timeout=timedelta(seconds=1))

    async def run() -> float:
        connection = await psycopg.AsyncConnection.connect(
            conninfo, autocommit=True, options=f"-csearch_path={schema}")
        async with connection:
            queries = Queries(PsycopgDriver(connection))
            await queries.install()
            for start in range(0, jobs, 1000):
                size = min(1000, jobs - start)
                await queries.enqueue(["noop"] * size, [None] * size, [0] * size)
        done: list[int] = []
        started = time.perf_counter()
        await asyncio.gather(*(consumer(done) for _ in range(concurrency)))
        assert len(done) == jobs, len(done)
        return jobs / (max(done) - started)  # to the last job, not the drain's idle timeout

    return asyncio.run(run())


def procrastinate(url: str, jobs: int, concurrency: int) -> float:
    """Jobs per second of a procrastinate worker draining ``jobs`` no-op jobs."""
    import procrastinate as pc

    conninfo, schema = _libpq(url)
    app = pc.App(connector=pc.PsycopgConnector(conninfo=conninfo,
                                               kwargs={"options": f"-csearch_path={schema}"}))
    done = 0

    @app.task(name="noop")
    async def noop() -> None:
        nonlocal done
        done += 1

    async def run() -> float:
        async with app.open_async():
            await app.schema_manager.apply_schema_async()
            for start in range(0, jobs, 1000):
                await noop.batch_defer_async(*[{} for _ in range(min(1000, jobs - start))])
            started = time.perf_counter()
            await app.run_worker_async(concurrency=concurrency, wait=False,
                                       install_signal_handlers=False)
            elapsed = time.perf_counter() - started
        assert done == jobs, done
        return jobs / elapsed

    return asyncio.run(run())


@contextlib.contextmanager
def fresh() -> Iterator[str]:
    """A fresh schema for one measurement."""
    with _bench.postgres() as url:
        yield url


def main(jobs: int) -> None:
    """Measure the three queues at concurrency 1 and 4; print jobs/s and the ratio."""
    ratios = []
    for concurrency in (1, 4):
        figures = {}
        for name, measure in (("jembatan", jembatan), ("pgqueuer", pgqueuer),
                              ("procrastinate", procrastinate)):
            with fresh() as url:
                figures[name] = measure(url, jobs, concurrency)
        print(f"concurrency={concurrency} jobs={jobs} " + " ".join(
            f"{name}={rate:.0f}/s" for name, rate in figures.items()))
        ratios.append(figures["jembatan"] / figures["pgqueuer"])
    print(f"jembatan/pgqueuer at concurrency 1: {ratios[0]:.2f}, at 4: {ratios[1]:.2f}")
    print(f"ratio={min(ratios):.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
