"""Workers on two "machines": two network namespaces that reach PostgreSQL and Accurate only
over their own virtual network, the lane limits and exactly-once holding across them.

Each namespace has a veth pair (addresses of this test's own, 10.231.N.0/30) and a default
route to the host side; a small forwarder on the host side of each veth carries TCP to
PostgreSQL's and the emulator's loopback ports. Needs root and ``ip`` (CI runs as root; the
test skips with the reason otherwise).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from framework.emulation import serve_in_thread
from framework.jobs import ITEM_BINDING, AccountRole, JobStatus
from framework.storage.models import (
    AccountMapping,
    DocumentBindingRow,
    Job,
    WarehouseBinding,
    WorkerPresence,
)
from framework.testing.processes import running
from plugins.accurate.emulator import AccurateEmulator

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

PLUGINS = "plugins.accurate.hooks,framework.testing.plugins"
WAREHOUSE = "Gudang Utama"
SKUS = 10
#: orders per database: three bulk batches per database, for twelve worker threads
ORDERS = 300
#: jobs a ready-to-ship order makes here: one invoice job, which posts its sales order,
#: invoice and receipt (first seen ready to ship, it has no separate sales-order job)
JOBS_PER_ORDER = 1


def _can_make_namespaces() -> str | None:
    if os.geteuid() != 0:
        return "needs root to create network namespaces"
    if shutil.which("ip") is None:
        return "needs the `ip` command (iproute2)"
    probe = f"jbprobe{os.getpid()}"
    made = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True)
    if made.returncode != 0:
        return f"cannot create a network namespace: {made.stderr.strip()}"
    subprocess.run(["ip", "netns", "delete", probe], check=False)
    return None


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True)


class Forwarder:
    """Accepts TCP on ``listen`` addresses and pipes each connection to ``target``."""

    def __init__(self, addresses: list[str], port: int, target: tuple[str, int]) -> None:
        self.target = target
        self.accepted: Counter[str] = Counter()
        #: bulk document saves seen in each peer's requests (the namespace's own address)
        self.bulk_saves: Counter[str] = Counter()
        self._stop = threading.Event()
        self._sockets = []
        for address in addresses:
            server = socket.create_server((address, port))
            server.settimeout(0.2)
            self._sockets.append(server)
            threading.Thread(target=self._accept, args=(server, address), daemon=True).start()

    def _accept(self, server: socket.socket, address: str) -> None:
        while not self._stop.is_set():
            try:
                client, (peer, _port) = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted[peer] += 1  # who connected: the namespace's own address
            upstream = socket.create_connection(self.target)
            threading.Thread(target=_pump, args=(client, upstream, self._counter(peer)),
                             daemon=True).start()
            threading.Thread(target=_pump, args=(upstream, client), daemon=True).start()

    def _counter(self, peer: str):
        def count(data: bytes) -> None:
            self.bulk_saves[peer] += data.count(b"bulk-save.do")
        return count

    def close(self) -> None:
        """Stop accepting (open connections end with their peers)."""
        self._stop.set()
        for server in self._sockets:
            server.close()


def _pump(source: socket.socket, sink: socket.socket, seen=None) -> None:
    tail = b""
    try:
        while data := source.recv(65536):
            sink.sendall(data)
            if seen is not None:  # a marker split over two reads is counted once, whole
                seen(tail + data)
                tail = data[-16:] if b"bulk-save.do" not in data[-16:] else b""
    except OSError:
        pass
    finally:
        for end in (source, sink):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            end.close()


@pytest.fixture
def namespaces() -> Iterator[list[tuple[str, str]]]:
    """Two namespaces, each ``(name, host-side address)``; removed afterwards."""
    reason = _can_make_namespaces()
    if reason:
        pytest.skip(reason)
    tag = uuid.uuid4().hex[:5]
    made = []
    try:
        for n in (1, 2):
            name, host_if, ns_if = f"jb{tag}{n}", f"jbh{tag}{n}", f"jbn{tag}{n}"
            host_ip, ns_ip = f"10.231.{n}.1", f"10.231.{n}.2"
            _ip("netns", "add", name)
            made.append((name, host_if))
            _ip("link", "add", host_if, "type", "veth", "peer", "name", ns_if)
            _ip("link", "set", ns_if, "netns", name)
            _ip("addr", "add", f"{host_ip}/30", "dev", host_if)
            _ip("link", "set", host_if, "up")
            _ip("-n", name, "addr", "add", f"{ns_ip}/30", "dev", ns_if)
            _ip("-n", name, "link", "set", ns_if, "up")
            _ip("-n", name, "link", "set", "lo", "up")
            _ip("-n", name, "route", "add", "default", "via", host_ip)
        yield [(name, f"10.231.{n}.1") for n, (name, _) in enumerate(made, start=1)]
    finally:
        for name, host_if in made:
            subprocess.run(["ip", "link", "delete", host_if], check=False, capture_output=True)
            subprocess.run(["ip", "netns", "delete", name], check=False, capture_output=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _orders(app, link_id: str, count: int) -> None:
    from framework.domain import Order, OrderLine, OrderState
    from framework.setup.links import get_link, link_info
    from framework.sync.orders import ingest_order

    now = datetime.now(UTC)
    with app.session() as session:
        info = link_info(get_link(session, link_id))
        for n in range(count):
            lines = (OrderLine(sku=f"SKU{n % SKUS:03d}", name="Produk", quantity=1,
                               unit_price=Decimal(10000), discount=Decimal(0)),)
            ingest_order(session, app.plugins.hook, info, Order(
                external_id=f"{link_id}-{n}", order_number=f"{link_id[-1]}X{n:05d}",
                channel="SHOPEE", state=OrderState.READY_TO_SHIP,
                platform_status="READY_TO_SHIP", warehouse_id="WH1", lines=lines,
                shipping_fee=Decimal(0), discount=Decimal(0), total=Decimal(10000),
                created_at=now, updated_at=now, paid_at=now), source="backfill")


def _alive(app, workers: dict[int, str]) -> set[int]:
    """The pids of ``workers`` that have noted themselves alive in the database."""
    with app.session() as session:
        ids = session.scalars(select(WorkerPresence.worker_id)).all()
    return {pid for pid in workers for worker_id in ids if f":{pid}:" in worker_id}


def _done(app) -> int:
    with app.session() as session:
        return session.scalar(select(func.count()).select_from(Job).where(
            Job.status == JobStatus.SUCCEEDED)) or 0


def wait_for(condition, what: str, timeout: float = 120) -> None:
    """Wait until ``condition()`` holds (a generous deadline: this is a loaded machine)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.2)


def _link(app, link_id: str, account_url: str, database: int, emulator) -> None:
    from framework.setup.links import create_link

    with app.session() as session:
        create_link(session, app.secrets, id=link_id, name=link_id, commerce="memstore",
                    accounting="accurate", commerce_settings={},
                    commerce_credentials={"token": "x"},
                    accounting_settings={"auth": "api_token", "account_url": account_url,
                                         "database_id": str(database)},
                    accounting_credentials={"api_token": emulator.api_token_for(database),
                                            "signature_secret": emulator.auth.signature_secret},
                    integrated_at=datetime.now(UTC) - timedelta(days=1),
                    features={"invoice": True, "auto_paid": True})
        session.add(WarehouseBinding(link_id=link_id, store_warehouse_id="WH1",
                                     accounting_warehouse=WAREHOUSE))
        for role, value in ((AccountRole.CUSTOMER, "C.MARKETPLACE"), (AccountRole.BANK, "1101")):
            session.add(AccountMapping(link_id=link_id, role=role, value=value))
        for n in range(SKUS):
            session.add(DocumentBindingRow(link_id=link_id, kind=ITEM_BINDING, ref=f"SKU{n:03d}",
                                           accounting_id=None, accounting_number=f"SKU{n:03d}",
                                           created_at=datetime.now(UTC)))


def test_workers_in_two_namespaces_share_the_limits_and_post_each_document_once(
        namespaces, postgres_url, secret_box) -> None:
    from framework.app import App

    emulator = AccurateEmulator(seed=3, latency=0.05)
    pg_port, accurate_port = _free_port(), _free_port()
    host_ips = [address for _, address in namespaces]
    with serve_in_thread(emulator):
        local = make_url(emulator.base_url)
        forward_url = f"http://{host_ips[0]}:{accurate_port}"
        emulator.base_url = forward_url  # the data host it names must be reachable too
        to_pg = Forwarder(host_ips, pg_port, ("127.0.0.1", 5432))
        to_accurate = Forwarder(host_ips, accurate_port, (local.host, local.port))
        app = App.create(postgres_url, plugin_modules=PLUGINS.split(","), secrets=secret_box)
        try:
            databases = []
            for n in range(2):
                db = emulator.add_database(f"PT Dua Mesin {n}")
                emulator.add_warehouse(db, WAREHOUSE)
                emulator.add_account(db, "1101", "Bank BCA", "CASH_BANK")
                for sku in range(SKUS):
                    emulator.add_item(db, f"SKU{sku:03d}", "Produk", 10000, {WAREHOUSE: 10_000})
                databases.append(db)
                _link(app, f"host-{n}", forward_url, db, emulator)
                _orders(app, f"host-{n}", 150)
            remote_db = make_url(postgres_url).set(host=host_ips[0], port=pg_port)
            secret_box.encrypt({})  # the key exists now (in the environment or its file)
            key = (os.environ.get("JEMBATAN_SECRET_KEY")
                   or secret_box.key_path.read_text().strip())
            env = {**os.environ, "JEMBATAN_LOAD_PLUGINS": PLUGINS, "JEMBATAN_SECRET_KEY": key}
            command = [sys.executable, "-m", "framework", "--database",
                       remote_db.render_as_string(hide_password=False), "worker",
                       "--concurrency", "3"]
            with contextlib.ExitStack() as stack:
                workers = {stack.enter_context(running(
                    ["ip", "netns", "exec", name, *command], stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL, env=env)).pid: name
                    for name, _ in namespaces for _ in range(2)}
                # all four are up (each notes itself alive at start) before any work exists,
                # so the work is there for both machines to take
                wait_for(lambda: len(_alive(app, workers)) == 4, "four workers alive")
                for n in range(2):
                    _orders(app, f"host-{n}", ORDERS)
                wait_for(lambda: _done(app) == 2 * ORDERS * JOBS_PER_ORDER, "every job done",
                         timeout=300)
                with app.session() as session:
                    statuses = Counter(session.scalars(select(Job.status)))
        finally:
            app.close()
            to_pg.close()
            to_accurate.close()
    assert statuses == {JobStatus.SUCCEEDED: 2 * ORDERS * JOBS_PER_ORDER}
    # Each machine reached PostgreSQL and Accurate only over its own veth, and each posted
    # documents in bulk: the limits and exactly-once below held across both.
    machines = {"10.231.1.2", "10.231.2.2"}
    assert set(to_pg.accepted) == machines, to_pg.accepted
    assert set(to_accurate.accepted) == machines, to_accurate.accepted
    assert set(to_accurate.bulk_saves) == machines, to_accurate.bulk_saves
    snapshot = emulator.meter.snapshot()
    for db in databases:
        token = emulator.api_token_for(db)
        assert snapshot["rejected"].get(token, 0) == 0
        assert snapshot["peak_per_second"][token] <= 8
        assert snapshot["peak_in_flight"][token] <= 8
        for kind in ("sales_order", "sales_invoice", "sales_receipt"):
            numbers = Counter(doc["number"] for doc in emulator.documents(db, kind))
            assert len(numbers) == ORDERS and set(numbers.values()) == {1}, kind
