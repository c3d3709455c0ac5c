"""Benchmark: peak memory of planning and queuing a product sync, 10k SKUs against 100k.

Run: ``.venv/bin/python benchmarks/product_sync_memory.py [SMALL] [LARGE]`` (default 10,000
and 100,000). Each size runs in a fresh process: a store that yields its products and stock
lazily (so the store's own data is not counted), an accounting side that holds none of them,
and ``plan_product_sync`` queuing every job of 100 products into a SQLite file as it goes
(what ``jembatan products sync`` does). Prints each process's peak RSS and ``ratio=``
large/small last (target: <= 1.3).
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path


class LazyStore:
    """A store of ``count`` products, produced on demand."""

    def __init__(self, count: int) -> None:
        self.count = count

    def read_stock(self, warehouse: str):  # noqa: ANN201 - an iterator of StockLevel
        from framework.domain import StockLevel

        for n in range(self.count):
            yield StockLevel(sku=f"SKU{n:07d}", warehouse_id=warehouse, quantity=5)

    def iter_products(self):  # noqa: ANN201 - an iterator of Product
        from framework.domain import Product

        for n in range(self.count):
            yield Product(sku=f"SKU{n:07d}", name=f"Produk nomor {n}", price=Decimal(15000),
                          available=5)


class EmptyBooks:
    """An accounting side that holds none of the SKUs yet."""

    def find_items(self, skus: list[str]) -> dict:
        return {}


def one(count: int, stream: bool = True) -> None:
    """Plan and queue a sync of ``count`` SKUs; print the peak RSS in MB.

    ``stream=False`` plans everything first and queues afterwards (the console's preview
    path, and the CLI's before issue 16): the peer measured in the same run.
    """
    from framework.app import App
    from framework.runtime.queue import enqueue
    from framework.storage.models import WarehouseBinding
    from framework.sync.catalogue import plan_product_sync
    from framework.testing.fixtures import TEST_PLUGINS
    from framework.testing.plugins import create_mem_link

    with tempfile.TemporaryDirectory() as folder:
        app = App.create(f"sqlite:///{Path(folder) / 'sync.db'}", plugin_modules=TEST_PLUGINS)
        create_mem_link(app, "shop")
        binding = WarehouseBinding(link_id="shop", store_warehouse_id="WH1",
                                   accounting_warehouse="Utama")

        def queue(job) -> None:  # noqa: ANN001 - a JobRequest
            with app.session() as session:
                enqueue(session, "shop", job)

        plan = plan_product_sync(LazyStore(count), EmptyBooks(), [binding], set(),
                                 on_job=queue if stream else None)
        for job in plan.jobs:
            queue(job)
        app.close()
    assert plan.to_push == count, plan.to_push
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def main(small: int, large: int) -> None:
    """Measure both sizes in fresh processes; print the ratio."""
    def peak(count: int, mode: str) -> float:
        out = subprocess.run([sys.executable, __file__, "--one", str(count), mode], check=True,
                             capture_output=True, text=True).stdout
        return float(out.strip().splitlines()[-1])

    peaks = {count: peak(count, "stream") for count in (small, large)}
    for count, rss in peaks.items():
        print(f"skus={count} streamed peak_rss={rss:.1f}MB")
    kept = {count: peak(count, "keep") for count in (small, large)}
    print(f"peer (plan kept in memory, then queued): {small}={kept[small]:.1f}MB "
          f"{large}={kept[large]:.1f}MB ratio {kept[large] / kept[small]:.2f}")
    print(f"ratio={peaks[large] / peaks[small]:.2f}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        one(int(sys.argv[2]), stream=sys.argv[3] == "stream")
    else:
        main(*(int(a) for a in sys.argv[1:3]) if len(sys.argv) > 2 else (10_000, 100_000))
