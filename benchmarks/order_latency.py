"""Benchmark: orders arriving one a second through the store's webhooks; latency to the invoice.

Run: ``.venv/bin/python benchmarks/order_latency.py [ORDERS]`` (default 30) on PostgreSQL
(``JEMBATAN_BENCH_POSTGRES_URL``). A Ginee store (its emulator) is linked to an Accurate
database (its emulator in its own process: 50 ms a call, its real limits). One warm
``jembatan worker --listen`` process (4 threads, LISTEN/NOTIFY wake-ups) receives the store's
webhooks, as in production. Every second an order is created in the store ready to ship and
the store posts its webhook; the receiver fetches the order (a webhook is only a hint) and
stores it, and the worker posts its sales order and invoice. The latency runs from the order
existing in the store to its invoice existing in Accurate.

The chain of round trips an order needs for its invoice is measured in the same run, each
part alone: the webhook's delivery (a post the receiver refuses at once), the order's fetch
from the store, and one sales-order save and one invoice save (one-record bulk saves).
Prints p50, p95, the chain and ``ratio=`` p95/chain last.
"""

from __future__ import annotations

import contextlib
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from typing import Any

import _bench
import httpx

LATENCY = 0.05
SKUS = 10
WORKER_THREADS = 4
#: how often each part of the chain is timed (its median is taken)
CHAIN_ROUNDS = 5


def chain_seconds(server: _bench.Accurate, app: Any, link_id: str, webhook_url: str,
                  order_id: str) -> dict[str, float]:
    """Median time of each round trip an invoice needs, each measured alone."""
    from framework.setup.links import build_commerce, get_link
    from plugins.accurate.auth import api_token_headers

    database = server.info["databases"][0]
    refused = webhook_url.rsplit("/", 1)[0] + "/not-the-token"
    parts: dict[str, list[float]] = {"webhook": [], "fetch": [], "sales-order": [],
                                     "sales-invoice": []}
    with app.session() as session:
        link = get_link(session, link_id)
    with httpx.Client(timeout=30) as client, build_commerce(app, link) as store:
        for _ in range(CHAIN_ROUNDS):
            parts["webhook"].append(_timed(lambda: client.post(refused, content=b"{}")))
            parts["fetch"].append(_timed(lambda: store.get_order(order_id)))
            for module in ("sales-order", "sales-invoice"):
                headers = api_token_headers(database["api_token"],
                                            server.info["signature_secret"])
                parts[module].append(_timed(lambda m=module, h=headers: client.post(
                    f"{server.base_url}/accurate/api/{m}/bulk-save.do",
                    json={"data": [{"number": ""}]}, headers=h)))
            time.sleep(0.3)  # within the 8/s limit
    return {name: statistics.median(samples) for name, samples in parts.items()}


def _timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


@contextlib.contextmanager
def ginee_store() -> Iterator[tuple[Any, str, str]]:
    """The Ginee emulator, served in this process, with a shop, a warehouse and the SKUs
    the Accurate database holds; yields (emulator, shop id, warehouse id)."""
    from framework.emulation import serve_in_thread
    from plugins.ginee.emulator import GineeEmulator

    emulator = GineeEmulator(seed=1)
    shop = emulator.store.add_shop("SHOPEE")
    warehouse = emulator.store.add_warehouse(_bench.WAREHOUSE)
    for index in range(SKUS):
        emulator.store.add_product(f"Produk {index}", [
            {"sku": f"SKU{index:05d}", "price": 10000, "stock": {warehouse: 1_000_000}}])
    with serve_in_thread(emulator):
        yield emulator, shop, warehouse


@contextlib.contextmanager
def receiving_worker(url: str) -> Iterator[int]:
    """``jembatan worker --listen`` in its own process; yields the port it receives on."""
    from framework.emulation import free_port
    from framework.testing.processes import accepts, running

    port = free_port()
    with tempfile.TemporaryFile() as output, running(
            [sys.executable, "-m", "framework", "--database", url, "worker", "--listen",
             f"127.0.0.1:{port}", "--poll-every", "0", "--stock-every", "0",
             "--concurrency", str(WORKER_THREADS)],
            stdout=output, stderr=subprocess.STDOUT, env=_bench.process_env()) as worker:
        deadline = time.monotonic() + 60
        while not accepts(port):
            if worker.poll() is not None or time.monotonic() > deadline:
                output.seek(0)
                raise SystemExit(f"the worker did not listen:\n{output.read().decode()}")
            time.sleep(0.05)
        yield port


def main(orders: int) -> None:
    """Feed one order a second through the store's webhooks; print the latency figures."""
    from framework.sync.webhook_receipt import webhook_path

    latencies = []
    with _bench.postgres() as url, _bench.accurate(1, SKUS, LATENCY) as server, \
            ginee_store() as (ginee, shop, warehouse):
        app = _bench.app_for(url)
        keys = ginee.credentials()
        [link] = _bench.make_links(app, server, SKUS, store=_bench.StoreSide(
            "ginee", keys["settings"], keys["credentials"], warehouse))
        lines = [(f"SKU{k:05d}", 1, 10000) for k in range(2)]
        with receiving_worker(url) as port:
            webhook_url = f"http://127.0.0.1:{port}{webhook_path(app, link)}"
            ginee.set_webhook(webhook_url)
            for n in range(orders + 1):  # the first warms the worker up and is not counted
                arrived = time.perf_counter()
                order_id = ginee.create_order(shop, warehouse, lines, status="READY_TO_SHIP")
                ginee.flush_webhooks()  # the store posts the order's webhook now
                waited = _bench.wait_for_documents(server, n + 1, arrived, timeout=60,
                                                   kind="sales_invoice")
                if n:
                    latencies.append(waited)
                time.sleep(max(0.0, 1.0 - (time.perf_counter() - arrived)))
            chain = chain_seconds(server, app, link, webhook_url, order_id)
        app.close()
    latencies.sort()
    p50 = statistics.median(latencies)
    p95 = latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))]
    total = sum(chain.values())
    print(f"orders={orders} one a second through the store's webhooks, latency={LATENCY}s an "
          f"Accurate call, 1 worker x {WORKER_THREADS} threads")
    print(f"p50={p50 * 1000:.0f}ms p95={p95 * 1000:.0f}ms max={latencies[-1] * 1000:.0f}ms")
    print(f"chain={total * 1000:.0f}ms (" + " + ".join(
        f"{name} {seconds * 1000:.0f}" for name, seconds in chain.items())
        + " ms, each measured alone)")
    print(f"ratio={p95 / total:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
