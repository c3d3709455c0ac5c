"""Benchmark: push N products to the Accurate emulator; calls vs the ceil(N/100) bound.

Run: ``.venv/bin/python benchmarks/accurate_product_push.py [N]``. Prints the wall time, the
number of bulk-save calls (bound: ceil(N/100)) and the meter's peaks (limits: 8/s, 8 in flight).
"""

from __future__ import annotations

import math
import sys
import time
from decimal import Decimal

from framework import LinkContext, Product
from framework.emulation import serve_in_thread
from framework.plugins import LaneLimit, Registry
from framework.ratelimit import MemoryGate
from plugins.accurate.connector import AccurateConnector
from plugins.accurate.emulator import AccurateEmulator


def main(count: int) -> None:
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
    print(f"products={count} ok={sum(r.ok for r in results)} seconds={elapsed:.2f}")
    print(f"bulk-save bound={math.ceil(count / 100)} "
          f"peak/s={snapshot['peak_per_second'].get(token)} "
          f"peak in flight={snapshot['peak_in_flight'].get(token)} "
          f"rejected={snapshot['rejected'].get(token, 0)}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
