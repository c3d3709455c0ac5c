"""Benchmark: push N products to the Accurate emulator, against N/10 in the same run.

Run: ``.venv/bin/python benchmarks/accurate_product_push.py [N]`` (default 10,000). For the
baseline (N/10, at least 1,000, so both meet the 8/s limit) and
the full run it prints the wall time, the meter's peaks (limits: 8/s, 8 in flight) and
rejections; then the ratio of time per product, full / baseline (~1: the push scales
linearly, 100 items per bulk-save call, within Accurate's limits).
"""

from __future__ import annotations

import math
import sys
import time
from decimal import Decimal

from framework import LinkContext, Product
from framework.emulation import serve_in_thread
from framework.plugins import LaneLimit, Registry
from framework.runtime.ratelimit import MemoryGate
from plugins.accurate.connector import AccurateConnector
from plugins.accurate.emulator import AccurateEmulator


def push(count: int) -> float:
    """Push ``count`` new products through the connector; return the seconds it took."""
    registry = Registry(lanes={"accurate": LaneLimit("accurate", 8, 8)})
    emulator = AccurateEmulator()
    with serve_in_thread(emulator):
        db = emulator.add_database("Bench")
        emulator.add_warehouse(db, "Utama")
        link = LinkContext("bench", {"auth": "api_token", "account_url": emulator.base_url,
                                     "database_id": str(db)},
                           {"api_token": emulator.api_token_for(db),
                            "signature_secret": emulator.auth.signature_secret},
                           gate=MemoryGate(registry))
        products = [Product(sku=f"B{n:06d}", name=f"Produk {n}", price=Decimal(1000), available=1)
                    for n in range(count)]
        started = time.perf_counter()
        with AccurateConnector(link) as connector:
            results = connector.create_items(products, "Utama")
        elapsed = time.perf_counter() - started
    snapshot = emulator.meter.snapshot()
    token = emulator.api_token_for(db)
    print(f"products={count:>6} ok={sum(r.ok for r in results):>6} seconds={elapsed:6.2f} "
          f"bulk-save calls bound={math.ceil(count / 100)} "
          f"peak/s={snapshot['peak_per_second'].get(token)} "
          f"peak in flight={snapshot['peak_in_flight'].get(token)} "
          f"rejected={snapshot['rejected'].get(token, 0)}")
    return elapsed


def main(count: int) -> None:
    """Measure the baseline (count/10) and the full run; print the per-product ratio."""
    baseline_count = max(1000, count // 10)  # both sizes must meet the 8/s limit
    baseline = push(baseline_count) / baseline_count
    full = push(count) / count
    print(f"time per product, full / baseline: {full / baseline:.2f} (linear means ~1)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
