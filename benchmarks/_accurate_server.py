"""An Accurate emulator in its own process for the benchmarks (so it never competes with the
workers for one interpreter), with databases seeded and a light ``/_emulator/state``.

Run by ``_bench.py``: ``python benchmarks/_accurate_server.py DATABASES SKUS LATENCY``. The
first line printed is JSON: ``{"base_url", "signature_secret", "databases": [{"id",
"api_token"}]}``. ``GET /_emulator/state`` answers only counts: documents per database and
kind, data requests per path, and the meter's peaks and rejections (limits: 8/s, 8 in flight
per database, as the reference states). ``GET /_emulator/documents?at_least=N`` answers
when that many documents exist (``&kind=sales_invoice``: of that kind only), a wait without
polling: each data answer wakes the waiters whose count it reached.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from collections import Counter
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from framework.emulation import free_port, serve_forever
from plugins.accurate.emulator import AccurateEmulator

WAREHOUSE = "Gudang Utama"
ACCOUNTS = (("1101", "Bank BCA", "CASH_BANK"), ("4101", "Pendapatan Ongkir", "REVENUE"),
            ("6101", "Diskon Penjualan", "EXPENSE"))
KINDS = ("sales_order", "sales_invoice", "sales_receipt")


class CountingEmulator(AccurateEmulator):
    """The Accurate emulator, counting data requests per path; state is counts only."""

    def __init__(self, latency: float) -> None:
        super().__init__(seed=1, latency=latency)
        self.requests: Counter[str] = Counter()
        #: waiting ``/_emulator/documents`` requests: (count wanted, of which kinds, their
        #: loop, their event)
        self.waiters: list[tuple[int, tuple[str, ...], asyncio.AbstractEventLoop,
                                 asyncio.Event]] = []

    def _serve_data(self, request: Any, params: dict[str, Any]) -> Any:
        with self.lock:
            self.requests[f"{request.path_params['module']}/{request.path_params['action']}"] += 1
        answer = super()._serve_data(request, params)
        self._wake_waiters()
        return answer

    def _wake_waiters(self) -> None:
        # Runs in the serving thread: the waiters' events belong to the event loop.
        with self.lock:
            if not self.waiters:
                return
            reached = [w for w in self.waiters if w[0] <= self._count(w[1])]
            self.waiters = [w for w in self.waiters if w not in reached]
        for _, _, loop, event in reached:
            loop.call_soon_threadsafe(event.set)

    def routes(self) -> list[Route]:
        """Accurate's routes, and ``GET /_emulator/documents?at_least=N`` for the benchmarks."""
        return [*super().routes(), Route("/_emulator/documents", self._documents_reached)]

    def documents(self, kinds: tuple[str, ...] = KINDS) -> int:
        """How many documents of ``kinds`` (sales orders, invoices and receipts) exist, over
        every database."""
        with self.lock:
            return self._count(kinds)

    def _count(self, kinds: tuple[str, ...] = KINDS) -> int:
        return sum(len(self.databases[db].documents[kind])
                   for db in self.database_ids for kind in kinds)

    async def _documents_reached(self, request: Request) -> Response:
        # Answers once the count reaches at_least (or the timeout passes), so a benchmark
        # waits without polling: a poll over HTTP every 20 ms cost a fifth of the emulator's
        # CPU in a short run, and one in here every 2 ms still a twelfth, on the cores the
        # workers use.
        wanted = int(request.query_params["at_least"])
        kinds = (request.query_params["kind"],) if "kind" in request.query_params else KINDS
        reached = asyncio.Event()
        with self.lock:
            if self._count(kinds) < wanted:
                self.waiters.append((wanted, kinds, asyncio.get_running_loop(), reached))
            else:
                reached.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(reached.wait(), float(request.query_params.get("timeout", 600)))
        held = self.documents(kinds)
        return JSONResponse({"documents": held, "reached": held >= wanted})

    def state(self) -> dict[str, Any]:
        with self.lock:
            held = {str(db): {kind: len(self.databases[db].documents[kind]) for kind in KINDS}
                    for db in self.database_ids}
            return {"documents": held, "requests": dict(self.requests),
                    **self.meter.snapshot()}


def main(databases: int, skus: int, latency: float) -> None:
    """Seed the databases, print how to reach them, and serve until killed."""
    emulator = CountingEmulator(latency)
    emulator.database_ids = []
    seeded = []
    for n in range(databases):
        db = emulator.add_database(f"PT Bench {n}")
        emulator.database_ids.append(db)
        emulator.add_warehouse(db, WAREHOUSE)
        for number, name, kind in ACCOUNTS:
            emulator.add_account(db, number, name, kind)
        for index in range(skus):
            emulator.add_item(db, f"SKU{index:05d}", f"Produk {index}", 10000,
                              {WAREHOUSE: 1_000_000})
        seeded.append({"id": db, "api_token": emulator.api_token_for(db)})
    port = free_port()
    print(json.dumps({"base_url": f"http://127.0.0.1:{port}",
                      "signature_secret": emulator.auth.signature_secret,
                      "databases": seeded}), flush=True)
    serve_forever(emulator, port)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]))
