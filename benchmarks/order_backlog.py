"""Benchmark: a backlog of ready-to-ship orders (Auto Paid) posted to one Accurate database.

Run: ``.venv/bin/python benchmarks/order_backlog.py [ORDERS] [THREADS]`` (default 2,000
orders, i.e. 6,000 documents, and 4 threads in one worker process) on PostgreSQL
(``JEMBATAN_BENCH_POSTGRES_URL``, default the local test server). The orders are queued first
(one invoice job each, as the lifecycle queues an order first seen ready to ship: it
posts the sales order, the invoice and the receipt); the clock runs from
releasing the warm worker until the emulator (50 ms a call, Accurate's 8/s and 8 in flight)
holds every sales order, invoice and receipt. Prints the time, the Accurate requests used,
the bulk bound ceil(documents/100)/8 s, and ``ratio=`` measured/bound as the last line.
"""

from __future__ import annotations

import sys

import _bench

LATENCY = 0.05
SKUS = 50


def main(orders: int, threads: int) -> None:
    """Queue the backlog, release the worker, time it, print the figures."""
    documents = 3 * orders
    with _bench.postgres() as url, _bench.accurate(1, SKUS, LATENCY) as server:
        app = _bench.app_for(url)
        [link] = _bench.make_links(app, server, SKUS)
        jobs = _bench.queue_orders(app, link, orders, SKUS)
        app.close()
        before = _bench.summary(server)["requests"]
        with _bench.Workers(url, processes=1, concurrency=threads) as workers:
            seconds = _bench.wait_for_documents(server, documents, workers.go())
        figures = _bench.summary(server)
    bound = _bench.bulk_bound([orders])
    print(f"orders={orders} documents={documents} jobs={jobs} threads={threads} "
          f"latency={LATENCY}s")
    print(f"seconds={seconds:.2f} accurate_requests={figures['requests'] - before} "
          f"(document calls {figures['document_calls']}) peak/s={figures['peak_per_second']} "
          f"peak_in_flight={figures['peak_in_flight']} rejected={figures['rejected']}")
    print(f"bulk bound={bound:.2f}s (3 x ceil({orders}/100) bulk calls at 8/s)")
    print(f"ratio={seconds / bound:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000,
         int(sys.argv[2]) if len(sys.argv) > 2 else 4)
