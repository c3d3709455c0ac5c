"""Benchmark: single orders arriving one a second; latency to the invoice in Accurate.

Run: ``.venv/bin/python benchmarks/order_latency.py [ORDERS]`` (default 30) on PostgreSQL
(``JEMBATAN_BENCH_POSTGRES_URL``). One warm worker process runs as ``jembatan worker`` does
(4 threads, LISTEN/NOTIFY wake-ups). Every second an order becomes ready to ship and is
stored the way the webhook receiver stores it (``ingest_order`` in its own transaction,
whose commit NOTIFYs the workers); the latency runs from that commit to the invoice existing
in the emulator (50 ms a call). The chain of round trips an order needs for its invoice is
measured in the same run: one sales-order save and one invoice save, each timed as a lone
bulk-save of one against the same emulator. Prints p50, p95, the chain, and
``ratio=`` p95/chain last. (A real webhook adds the store's order fetch before this.)
"""

from __future__ import annotations

import statistics
import sys
import time

import _bench
import httpx

LATENCY = 0.05
SKUS = 10


def chain_seconds(server: _bench.Accurate, rounds: int = 5) -> float:
    """Median time of the two saves an invoice needs (SO then SI), each a one-record bulk."""
    from plugins.accurate.auth import api_token_headers

    database = server.info["databases"][0]
    samples = []
    with httpx.Client(timeout=30) as client:
        for _ in range(rounds):
            started = time.perf_counter()
            for module in ("sales-order", "sales-invoice"):
                headers = api_token_headers(database["api_token"],
                                            server.info["signature_secret"])
                client.post(f"{server.base_url}/accurate/api/{module}/bulk-save.do",
                            json={"data": [{"number": ""}]}, headers=headers)
            samples.append(time.perf_counter() - started)
            time.sleep(0.3)  # within the 8/s limit
    return statistics.median(samples)


def invoice_count(server: _bench.Accurate) -> int:
    """Invoices held in the first database."""
    return next(iter(server.state()["documents"].values()))["sales_invoice"]


def main(orders: int) -> None:
    """Feed one order a second to a warm worker; print the latency figures."""
    latencies = []
    with _bench.postgres() as url, _bench.accurate(1, SKUS, LATENCY) as server:
        app = _bench.app_for(url)
        [link] = _bench.make_links(app, server, SKUS)
        with _bench.Workers(url, processes=1, concurrency=4) as workers:
            workers.go()
            time.sleep(1.0)  # the listener is up
            for n in range(orders):
                arrived = time.perf_counter()
                _bench.queue_orders(app, link, 1, SKUS, start=n)
                while invoice_count(server) < n + 1:
                    time.sleep(0.002)
                latencies.append(time.perf_counter() - arrived)
                time.sleep(max(0.0, 1.0 - (time.perf_counter() - arrived)))
        app.close()
        chain = chain_seconds(server)
    latencies.sort()
    p50 = statistics.median(latencies)
    p95 = latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))]
    print(f"orders={orders} one a second, latency={LATENCY}s a call, 1 worker x 4 threads")
    print(f"p50={p50 * 1000:.0f}ms p95={p95 * 1000:.0f}ms max={latencies[-1] * 1000:.0f}ms")
    print(f"chain={chain * 1000:.0f}ms (sales-order save + invoice save, measured alone)")
    print(f"ratio={p95 / chain:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
