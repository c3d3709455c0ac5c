"""What the order benchmarks share: PostgreSQL, the Accurate emulator, links, orders, workers.

- ``postgres()``: a fresh schema on ``JEMBATAN_BENCH_POSTGRES_URL`` (default the test server,
  ``postgresql://postgres@127.0.0.1:5432/test``), dropped afterwards.
- ``accurate(databases, skus, latency)``: ``_accurate_server.py`` in its own process (the
  emulator's real limits: 8/s, 8 in flight per database), with ``state()`` counts.
- ``make_links`` / ``queue_orders``: links to those databases (invoice and Auto Paid on, items
  bound as a product sync would leave them, checked with ``jembatan check``'s ``run_checks``
  as an operator does before go-live, which finds and stores each database's data host) and
  ready-to-ship orders queued as the lifecycle queues them (one invoice job each, which posts
  the sales order, the invoice and the receipt).
- ``Workers``: worker processes, warmed up (imports, engine, plugins) before the clock starts,
  then released together; ``wait_for_documents`` waits until all exist (one request, which
  the emulator answers then).
- ``warm_up`` / ``queue_all_orders``: running workers post each link's first order (so they
  are warm as a worker that has run), then every link's orders arrive in one commit.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import math
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).parent
PLUGINS = "plugins.accurate.hooks,plugins.ginee.hooks:plugin,framework.testing.plugins"
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
WAREHOUSE = "Gudang Utama"
BULK = 100
PER_SECOND = 8


@contextlib.contextmanager
def postgres() -> Iterator[str]:
    """Yield a database URL whose search_path is a fresh schema."""
    from framework.testing.schemas import fresh_schema

    with fresh_schema(os.environ.get("JEMBATAN_BENCH_POSTGRES_URL", DEFAULT_PG), "bench_") as url:
        yield url


class Accurate:
    """The emulator process and a client for its counts."""

    def __init__(self, databases: int, skus: int, latency: float) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / "_accurate_server.py"), str(databases), str(skus),
             str(latency)], stdout=subprocess.PIPE, text=True, env=process_env())
        assert self.process.stdout is not None
        self.info = json.loads(self.process.stdout.readline())
        self.base_url = self.info["base_url"]
        self.http = httpx.Client(timeout=30)
        deadline = time.monotonic() + 30
        while True:
            try:
                self.state()
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def state(self) -> dict[str, Any]:
        """Documents per database and kind, requests per path, the meter's peaks."""
        return self.http.get(f"{self.base_url}/_emulator/state").json()

    def close(self) -> None:
        """Stop the emulator process."""
        self.http.close()
        self.process.terminate()
        self.process.wait(timeout=30)
        if self.process.stdout is not None:
            self.process.stdout.close()


@contextlib.contextmanager
def accurate(databases: int, skus: int, latency: float) -> Iterator[Accurate]:
    """Run the emulator process for the block."""
    server = Accurate(databases, skus, latency)
    try:
        yield server
    finally:
        server.close()


def process_env() -> dict[str, str]:
    """A benchmark child process's environment: the plugins, the repository importable."""
    return {**os.environ, "JEMBATAN_LOAD_PLUGINS": PLUGINS,
            "PYTHONPATH": os.pathsep.join([str(HERE.parent), os.environ.get("PYTHONPATH", "")])}


def app_for(url: str) -> Any:
    """An ``App`` with the Accurate plugin on ``url``."""
    from framework.app import App

    return App.create(url, plugin_modules=PLUGINS.split(","))


@dataclasses.dataclass(frozen=True)
class StoreSide:
    """A link's store: its plugin, settings, credentials and the warehouse orders ship from."""

    plugin: str = "memstore"
    settings: dict[str, Any] = dataclasses.field(default_factory=dict)
    credentials: dict[str, Any] = dataclasses.field(default_factory=lambda: {"token": "x"})
    warehouse: str = "WH1"


def make_links(app: Any, server: Accurate, skus: int, *, features: tuple[str, ...] = (
        "invoice", "auto_paid"), store: StoreSide = StoreSide()) -> list[str]:
    """One link per emulator database, configured to post orders; return the link ids.

    ``store`` is the store side: the in-process ``memstore`` unless a benchmark names a real
    store and its emulator.
    """
    from framework.jobs import ITEM_BINDING, AccountRole
    from framework.setup.links import create_link
    from framework.setup.operations import run_checks
    from framework.storage.models import AccountMapping, DocumentBindingRow, WarehouseBinding

    ids = []
    with app.session() as session:
        for n, database in enumerate(server.info["databases"]):
            link_id = f"bench-{n:02d}"
            create_link(session, app.secrets, id=link_id, name=link_id, commerce=store.plugin,
                        accounting="accurate", commerce_settings=store.settings,
                        commerce_credentials=store.credentials,
                        accounting_settings={"auth": "api_token",
                                             "account_url": server.base_url,
                                             "database_id": str(database["id"])},
                        accounting_credentials={"api_token": database["api_token"],
                                                "signature_secret":
                                                    server.info["signature_secret"]},
                        integrated_at=datetime.now(UTC) - timedelta(days=1),
                        features={feature: True for feature in features})
            session.add(WarehouseBinding(link_id=link_id, store_warehouse_id=store.warehouse,
                                         accounting_warehouse=WAREHOUSE))
            for role, value in ((AccountRole.CUSTOMER, "C.MARKETPLACE"),
                                (AccountRole.BANK, "1101"), (AccountRole.SHIPPING_FEE, "4101"),
                                (AccountRole.DISCOUNT, "6101")):
                session.add(AccountMapping(link_id=link_id, role=role, value=value))
            for index in range(skus):  # as the product sync leaves them
                session.add(DocumentBindingRow(link_id=link_id, kind=ITEM_BINDING,
                                               ref=f"SKU{index:05d}", accounting_id=None,
                                               accounting_number=f"SKU{index:05d}",
                                               created_at=datetime.now(UTC)))
            ids.append(link_id)
    for link_id in ids:  # an operator runs `jembatan check` before go-live: it finds the host
        run_checks(app, link_id)
    return ids


def order(link_id: str, number: int, skus: int, state: Any = None) -> Any:
    """A ready-to-ship order of two lines."""
    from framework.domain import Order, OrderLine, OrderState

    now = datetime.now(UTC)
    lines = tuple(OrderLine(sku=f"SKU{(number + k) % skus:05d}", name="Produk", quantity=1,
                            unit_price=Decimal(10000), discount=Decimal(0)) for k in range(2))
    number_text = f"{link_id[-2:]}B{number:07d}"
    return Order(external_id=f"ext-{number_text}", order_number=number_text,
                 channel="SHOPEE", state=state or OrderState.READY_TO_SHIP,
                 platform_status="READY_TO_SHIP", warehouse_id="WH1", lines=lines,
                 shipping_fee=Decimal(0), discount=Decimal(0), total=Decimal(20000),
                 created_at=now, updated_at=now, paid_at=now)


def queue_orders(app: Any, link_id: str, count: int, skus: int, start: int = 0) -> int:
    """Ingest ``count`` ready-to-ship orders as a poll would; return the jobs queued."""
    with app.session() as session:
        return _ingest(app, session, link_id, range(start, start + count), skus)


def _ingest(app: Any, session: Any, link_id: str, numbers: range, skus: int) -> int:
    from framework.setup.links import get_link, link_info
    from framework.sync.orders import ingest_order

    info = link_info(get_link(session, link_id))
    return sum(ingest_order(session, app.plugins.hook, info, order(link_id, number, skus),
                            source="backfill").jobs_queued for number in numbers)


#: order numbers of the orders each link posts before the clock (``warm_up``)
FIRST_ORDERS = 9_000_000


def warm_up(app: Any, workers: Workers, server: Accurate, link_ids: list[str],
            skus: int) -> int:
    """Release ``workers`` and let them post one order per link; return the documents made.

    The links are then as links that have posted before (their customer exists), and the
    workers as workers that have run: connections open, statements prepared, modules loaded.
    A worker runs for days; what its first batch pays once is not what an order costs.
    """
    started = workers.go()
    for link_id in link_ids:
        queue_orders(app, link_id, 1, skus, start=FIRST_ORDERS)
    wait_for_documents(server, 3 * len(link_ids), started)
    return 3 * len(link_ids)


def queue_all_orders(app: Any, link_ids: list[str], count: int, skus: int,
                     before_commit: Any = None) -> float:
    """Ingest ``count`` ready-to-ship orders for every link in one transaction; return the
    moment (``perf_counter``) just before it commits, which is when running workers hear of
    them (one notification). ``before_commit`` is called just before that moment."""
    with app.session() as session:
        for link_id in link_ids:
            _ingest(app, session, link_id, range(count), skus)
        session.flush()
        if before_commit is not None:
            before_commit()
        started = time.perf_counter()
    return started


class Workers:
    """Worker processes (``_worker.py``) started warm and released together.

    With ``split``, each worker times its steps (``_split``) from ``mark()`` on, and
    ``reports`` holds what each one counted once they have stopped.
    """

    def __init__(self, url: str, processes: int, concurrency: int, *,
                 split: bool = False) -> None:
        env = {**process_env(), **({"JEMBATAN_BENCH_SPLIT": "1"} if split else {})}
        self.processes = [subprocess.Popen(
            [sys.executable, str(HERE / "_worker.py"), url, str(concurrency)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
            for _ in range(processes)]
        self.reports: list[dict[str, Any]] = []
        for process in self.processes:
            assert process.stdout is not None
            assert process.stdout.readline().strip() == "ready"

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _tell(self, line: str) -> None:
        for process in self.processes:
            assert process.stdin is not None
            process.stdin.write(line + "\n")
            process.stdin.flush()

    def go(self) -> float:
        """Release every worker; return the moment (``perf_counter``) they were released."""
        started = time.perf_counter()
        self._tell("go")
        return started

    def mark(self) -> None:
        """Have every worker start its step count again (the clock starts)."""
        self._tell("mark")

    def stop(self) -> None:
        """Stop every worker and wait for it; keep what each reported."""
        for process in self.processes:
            if process.poll() is None:
                out, _ = process.communicate("stop\n", timeout=120)
                lines = out.strip().splitlines()  # none if the worker died: no report
                self.reports.append(json.loads(lines[-1]) if lines else {})


def wait_for_documents(server: Accurate, expected: int, started: float,
                       timeout: float = 600, kind: str | None = None) -> float:
    """Wait until the emulator holds ``expected`` documents (of ``kind``, if given); return
    seconds since ``started``.

    The emulator answers when the answer that reaches the count is sent, so waiting costs
    the cores nothing the workers need.
    """
    left = max(1.0, timeout - (time.perf_counter() - started))
    params: dict[str, Any] = {"at_least": expected, "timeout": left}
    if kind is not None:
        params["kind"] = kind
    answer = server.http.get(f"{server.base_url}/_emulator/documents", params=params,
                             timeout=left + 30).json()
    if not answer["reached"]:
        raise SystemExit(f"timed out: {answer['documents']} of {expected} documents")
    return time.perf_counter() - started


def cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds process ``pid`` has used (Linux ``/proc``; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds() -> float:
    """CPU seconds used so far by this machine's PostgreSQL processes (0 if none is local)."""
    total = 0.0
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
        try:
            if entry.name.isdigit() and (entry / "comm").read_text().startswith("postgres"):
                total += cpu_seconds(int(entry.name))
        except OSError:  # the process ended meanwhile
            continue
    return total


class CpuMeter:
    """CPU seconds the workers, the emulator and PostgreSQL use between ``start`` and ``stop``.

    What the machine's cores had to do in the timed part: on a small machine the three share
    the cores, so ``floor`` (their sum over the cores) bounds how fast any run can be.
    """

    def __init__(self, workers: Workers, server: Accurate) -> None:
        self.pids = {"workers": [p.pid for p in workers.processes], "emulator": [
            server.process.pid]}
        self.used: dict[str, float] = {}

    def _read(self) -> dict[str, float]:
        return {"workers": sum(map(cpu_seconds, self.pids["workers"])),
                "emulator": sum(map(cpu_seconds, self.pids["emulator"])),
                "postgres": postgres_cpu_seconds()}

    def start(self) -> None:
        """Note the CPU used so far."""
        self._started = self._read()

    def stop(self) -> None:
        """Note the CPU used since ``start``."""
        now = self._read()
        self.used = {name: now[name] - self._started[name] for name in now}

    def floor(self) -> float:
        """Seconds the CPU used needs at least, every core busy all along."""
        return sum(self.used.values()) / (os.cpu_count() or 1)

    def describe(self) -> str:
        """One line: each party's CPU seconds and the floor they set."""
        parts = " ".join(f"{name}={seconds:.2f}s" for name, seconds in self.used.items())
        return f"cpu: {parts} -> floor on {os.cpu_count()} cores={self.floor():.2f}s"


def bulk_bound(orders_per_database: list[int], kinds: int = 3) -> float:
    """Seconds Accurate's limits allow at best: per database, ceil(orders/100) bulk calls for
    each kind of document (sales order, invoice, receipt) at 8/s, databases in parallel."""
    return max(kinds * math.ceil(n / BULK) / PER_SECOND for n in orders_per_database)


def summary(server: Accurate) -> dict[str, Any]:
    """Requests used and the meter's peaks, over every database."""
    state = server.state()
    return {"requests": sum(state["requests"].values()),
            "document_calls": sum(n for path, n in state["requests"].items()
                                  if path.startswith("sales-")),
            "peak_per_second": max(state["peak_per_second"].values(), default=0),
            "peak_in_flight": max(state["peak_in_flight"].values(), default=0),
            "rejected": sum(state["rejected"].values())}
