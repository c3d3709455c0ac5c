"""Benchmark: 20 links (20 Accurate databases) x 15 ready-to-ship orders, 1 and 2 workers.

Run: ``.venv/bin/python benchmarks/many_links.py [LINKS] [ORDERS] [THREADS] [--split]``
(default 20 links, 15 orders each, 4 threads per worker process) on PostgreSQL
(``JEMBATAN_BENCH_POSTGRES_URL``). ``--split`` also prints, for each worker process, the
thread CPU of each step of its batches in the timed part (``_split``: claim, set-up, each
document's step, the bulk saves, their requests and rate-gate calls, flushes, settle).
For one and then two worker processes (same threads each) it sets the links up afresh
(checked as an operator does before go-live), lets the running workers post one order per
link (the links have posted before: their customer exists; the workers have run: their
connections and statements are warm), then queues every link's orders in one commit and
times, from that commit, until every database holds its sales orders, invoices and
receipts. The bound is the databases' combined bulk bound: they run in
parallel, so the slowest database's ceil(documents/100) calls at 8/s. Prints both times,
the bound, the speed-up of two processes, and ``ratio=`` one process / bound last.

Under each run it prints what else bounded it, measured in that run: the CPU seconds the
workers, the emulator and PostgreSQL used (on a small machine they share the cores: their
sum over the cores is a floor), and the latency floor of the threads (a thread posts one
database's three steps one after another, so 20 databases on T threads need
ceil(20 / T) rounds of three round trips). Its second-last line says what the two targets
(one process within 2x the bound, two processes 1.8x faster than one) ask of the two-process
run together, beside that run's CPU floor: the pair needs two processes within
2 x bound / 1.8 whatever the threads, and no run can end before its CPU floor.
"""

from __future__ import annotations

import math
import sys

import _bench
import _split

LATENCY = 0.05
SKUS = 20
#: issue 16's targets: one process within this many times the bound ...
TARGET_RATIO = 2.0
#: ... and two processes at least this many times faster than one
TARGET_SPEED_UP = 1.8


def run(links: int, orders: int, processes: int, threads: int,  # noqa: PLR0913
        split: bool = False) -> tuple[float, dict]:
    """Queue the orders of every link, release the workers, return seconds and figures."""
    with _bench.postgres() as url, _bench.accurate(links, SKUS, LATENCY) as server:
        app = _bench.app_for(url)
        link_ids = _bench.make_links(app, server, SKUS)
        with _bench.Workers(url, processes=processes, concurrency=threads,
                            split=split) as workers:
            posted = _bench.warm_up(app, workers, server, link_ids, SKUS)
            before = _bench.summary(server)["requests"]  # the checks' and first orders'
            cpu = _bench.CpuMeter(workers, server)

            def clock_starts() -> None:
                workers.mark()
                cpu.start()

            started = _bench.queue_all_orders(app, link_ids, orders, SKUS, clock_starts)
            seconds = _bench.wait_for_documents(server, posted + 3 * orders * links, started)
            cpu.stop()
        app.close()
        figures = _bench.summary(server)
        return seconds, {**figures, "requests": figures["requests"] - before, "cpu": cpu,
                         "latency_floor": math.ceil(links / (processes * threads)) * 3 * LATENCY,
                         "split": workers.reports}


def _floors(figures: dict, threads: int) -> None:
    """Print what bounded the run besides Accurate: the cores, and the threads' round trips."""
    print(f"  {figures['cpu'].describe()}")
    print(f"  latency floor={figures['latency_floor']:.2f}s (a thread posts one database's "
          f"three steps one after another: ceil(links / all threads) rounds of "
          f"3 x {LATENCY * 1000:.0f} ms, {threads} threads a process)")


def _split_by_step(figures: dict) -> None:
    """Print each worker's thread CPU by step (only with ``--split``)."""
    for number, report in enumerate(figures["split"], 1):
        if not report:
            continue
        heading, *steps = _split.describe(report)
        print(f"  worker {number}: {heading}")
        for line in steps:
            print(f"  {line}")


def main(links: int, orders: int, threads: int, split: bool = False) -> None:
    """Measure one and two worker processes against the combined bound."""
    bound = _bench.bulk_bound([orders] * links)
    one, figures = run(links, orders, 1, threads, split)
    print(f"links={links} orders/link={orders} documents={3 * orders * links} "
          f"latency={LATENCY}s threads/process={threads}")
    print(f"1 process: seconds={one:.2f} requests={figures['requests']} "
          f"peak/s per database={figures['peak_per_second']} rejected={figures['rejected']}")
    _floors(figures, threads)
    _split_by_step(figures)
    two, figures = run(links, orders, 2, threads, split)
    print(f"2 processes: seconds={two:.2f} requests={figures['requests']} "
          f"rejected={figures['rejected']} speed-up={one / two:.2f}x")
    _floors(figures, threads)
    _split_by_step(figures)
    print(f"combined bound={bound:.3f}s (per database 3 x ceil({orders}/100) bulk calls at "
          "8/s, all databases in parallel)")
    print(f"both targets need 2 processes <= {TARGET_RATIO * bound / TARGET_SPEED_UP:.3f}s "
          f"({TARGET_RATIO:g} x bound / {TARGET_SPEED_UP:g}, at any threads); this run's CPU "
          f"floor for 2 processes={figures['cpu'].floor():.3f}s")
    print(f"ratio={one / bound:.2f}")


if __name__ == "__main__":
    arguments = [int(a) for a in sys.argv[1:] if a != "--split"]
    main(*(arguments + [20, 15, 4][len(arguments):]), split="--split" in sys.argv[1:])
