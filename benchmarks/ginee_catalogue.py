"""Benchmark: stream a 50,000-SKU Ginee catalogue and show that memory stays flat.

Runs the Ginee emulator in a child process (so its own catalogue is not counted), streams a
5,000-SKU catalogue through ``GineeConnector.iter_products`` as the baseline, grows the
catalogue to 50,000 SKUs and streams it again. Peak Python memory of each stream is measured
with ``tracemalloc``; a ratio near 1 means the connector holds one page at a time, whatever the
catalogue's size (a connector that collected the catalogue would show ~10).

Usage: ``.venv/bin/python benchmarks/ginee_catalogue.py [--baseline 5000] [--skus 50000]``.
The emulator's rate limit is off here: this measures memory, not Ginee's 10 requests/second
(at which 50,000 SKUs take about 140 s of requests).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import tracemalloc

import httpx

from framework.connectors import LinkContext
from framework.domain import Product
from plugins.ginee.connector import GineeConnector

EMULATOR = """
from framework.emulation import free_port, serve_forever
from plugins.ginee.emulator import GineeEmulator
serve_forever(GineeEmulator(seed=11, rate_limit=None), free_port())
"""


def start_emulator() -> tuple[subprocess.Popen[str], dict[str, str]]:
    process = subprocess.Popen([sys.executable, "-c", EMULATOR], stdout=subprocess.PIPE, text=True)
    creds = json.loads(process.stdout.readline())
    deadline = time.monotonic() + 15
    while True:
        try:
            httpx.get(creds["base_url"] + "/_emulator/state", timeout=5)
            return process, creds
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def seed(creds: dict[str, str], count: int, seed_value: int) -> None:
    response = httpx.post(creds["base_url"] + "/_emulator/seed_catalogue",
                          json={"count": count, "seed": seed_value}, timeout=300)
    response.raise_for_status()


def stream(creds: dict[str, str]) -> tuple[int, int, float]:
    """Stream the whole catalogue; return (products, peak bytes, seconds)."""
    link = LinkContext(link_id="bench", settings=creds["settings"],
                       credentials=creds["credentials"])
    with GineeConnector(link) as connector:
        tracemalloc.start()
        tracemalloc.reset_peak()
        started = time.perf_counter()
        count = sum(1 for item in connector.iter_products() if isinstance(item, Product))
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return count, peak, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=int, default=5_000)
    parser.add_argument("--skus", type=int, default=50_000)
    args = parser.parse_args()
    process, creds = start_emulator()
    try:
        seed(creds, args.baseline, 1)
        base_count, base_peak, base_time = stream(creds)
        seed(creds, args.skus - args.baseline, 2)
        count, peak, elapsed = stream(creds)
    finally:
        process.terminate()
        process.wait(timeout=10)
    print(f"baseline: {base_count:>7,} SKUs  peak {base_peak / 1e6:7.2f} MB  {base_time:6.1f} s")
    print(f"full:     {count:>7,} SKUs  peak {peak / 1e6:7.2f} MB  {elapsed:6.1f} s")
    print(f"peak memory ratio (full / baseline): {peak / base_peak:.2f}  "
          f"(SKU ratio {count / base_count:.0f}; flat memory means ~1)")


if __name__ == "__main__":
    main()
