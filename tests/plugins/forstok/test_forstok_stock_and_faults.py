"""Stock updates write exactly what was asked; faults and the rate limit are survived."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

import pytest

from framework.connectors import LinkContext
from framework.domain import StockLevel
from framework.emulation import serve_in_thread
from plugins.forstok.connector import ForstokConnector
from plugins.forstok.emulator import ForstokEmulator

from .conftest import link_for
from .test_forstok_client import add_variants


def all_stock(emulator):
    return {(row["warehouse_id"], row["sku"]): row["quantity_hand"]
            for row in emulator.state()["stock"]}


def test_set_stock_writes_exactly_the_listed_skus(emulator, connector):
    main, other = emulator.add_warehouse("Utama"), emulator.add_warehouse("Cabang")
    emulator.add_product("Kaos", [{"sku": f"K{i}", "price": "1000",
                                   "stock": {main: 10 + i, other: 50 + i}} for i in range(5)])
    before = all_stock(emulator)
    levels = [StockLevel(sku="K1", warehouse_id=str(main), quantity=0),
              StockLevel(sku="K3", warehouse_id=str(main), quantity=99)]
    results = connector.set_stock(str(main), levels)
    assert [(r.sku, r.ok) for r in results] == [("K1", True), ("K3", True)]
    expected = before | {(main, "K1"): 0, (main, "K3"): 99}
    assert all_stock(emulator) == expected


def test_set_stock_batches_by_100_with_per_sku_results(emulator, connector):
    warehouse = emulator.add_warehouse("Utama")
    skus = add_variants(emulator, warehouse, 230, per_product=4)
    levels = [StockLevel(sku=sku, warehouse_id=str(warehouse), quantity=7) for sku in skus]
    levels.insert(150, StockLevel(sku="NOPE", warehouse_id=str(warehouse), quantity=1))
    levels.insert(10, StockLevel(sku=skus[-1], warehouse_id=str(warehouse), quantity=-2))
    results = connector.set_stock(str(warehouse), levels)
    patches = [p for m, p in emulator.requests if m == "POST" and p.endswith("quantities.json")]
    assert len(patches) == 3
    assert len(results) == len(levels)
    failed = {r.sku: r.message for r in results if not r.ok}
    assert failed == {"NOPE": "SKU not found", skus[-1]: "quantity_hand must be zero or more"}
    # the batch holding the negative line came before the one fixing it to 7
    assert {emulator.stock(warehouse, sku) for sku in skus} == {7}


def test_set_stock_refuses_levels_of_another_warehouse(emulator, connector):
    main, other = emulator.add_warehouse("Utama"), emulator.add_warehouse("Cabang")
    emulator.add_product("Kaos", [{"sku": "K", "price": "1", "stock": {main: 1, other: 2}}])
    [result] = connector.set_stock(str(main), [StockLevel(sku="K", warehouse_id=str(other),
                                                          quantity=9)])
    assert not result.ok and "not sent" in result.message
    assert (emulator.stock(main, "K"), emulator.stock(other, "K")) == (1, 2)


def test_set_stock_survives_a_lost_answer(emulator, connector):
    warehouse = emulator.add_warehouse("Utama")
    emulator.add_product("Kaos", [{"sku": "K", "price": "1", "stock": {warehouse: 1}}])
    emulator.faults.add("/api/v2/variants/quantities.json", "drop_answer")
    [result] = connector.set_stock(str(warehouse), [StockLevel(sku="K",
                                                               warehouse_id=str(warehouse),
                                                               quantity=5)])
    assert result.ok and emulator.stock(warehouse, "K") == 5


@pytest.mark.parametrize("fault", ["server_error", "rate_limit", "reset"])
def test_read_faults_are_retried_and_the_result_complete(emulator, connector, fault):
    warehouse = emulator.add_warehouse("Utama")
    skus = add_variants(emulator, warehouse, 9)
    connector.client.per_page = 3
    emulator.faults.add("/api/v2/items.json", fault, times=2)
    assert [p.sku for p in connector.iter_products()] == skus
    assert len([f for _, f in emulator.faults.injected if f == fault]) == 2


class PacingGate:
    """A single-process stand-in for the core's lane limiter: N requests per second."""

    def __init__(self, per_second: int) -> None:
        self.interval = 1.0 / per_second
        self.next_slot = 0.0
        self.lock = threading.Lock()
        self.lanes: set[str] = set()

    @contextmanager
    def permit(self, lane: str):
        self.lanes.add(lane)
        with self.lock:
            now = time.monotonic()
            wait = max(0.0, self.next_slot - now)
            self.next_slot = max(now, self.next_slot) + self.interval
        time.sleep(wait)
        yield


def test_rate_limit_is_enforced_and_survived(clock):
    emulator = ForstokEmulator(seed=1, now=clock)  # 5 requests per second per token
    warehouse = emulator.add_warehouse("Utama")
    skus = add_variants(emulator, warehouse, 8)
    with serve_in_thread(emulator), ForstokConnector(link_for(emulator), clock=clock) as c:
        c.client.per_page = 1
        assert [p.sku for p in c.iter_products()] == skus
    assert sum(emulator.meter.rejected.values()) > 0


def test_gated_client_stays_within_the_limit(clock):
    emulator = ForstokEmulator(seed=1, now=clock)
    warehouse = emulator.add_warehouse("Utama")
    skus = add_variants(emulator, warehouse, 7)
    gate = PacingGate(4)
    with serve_in_thread(emulator):
        plain = link_for(emulator)
        link = LinkContext(plain.link_id, plain.settings, plain.credentials, gate=gate)
        with ForstokConnector(link, clock=clock) as connector:
            connector.client.per_page = 1
            assert [p.sku for p in connector.iter_products()] == skus
    assert not emulator.meter.rejected
    assert max(emulator.meter.peak_per_second.values()) <= 5
    assert gate.lanes == {f"forstok:{emulator.seller_id}"}
