"""Exactly-once under injected faults, and the 8/s, 8-in-flight limit under a shared gate."""

from __future__ import annotations

import threading

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from framework import Feature, OrderState, TransientError
from framework.emulation import Fault, RequestMeter
from framework.plugins import LaneLimit, Registry
from framework.runtime.ratelimit import MemoryGate
from plugins.accurate import handlers, hooks
from plugins.accurate.connector import AccurateConnector

SAVE_ROUTES = ["/accurate/api/sales-order/save.do", "/accurate/api/sales-invoice/save.do",
               "/accurate/api/sales-receipt/save.do", "/accurate/api/customer/save.do",
               "/accurate/api/sales-*/detail.do", "/accurate/api/item/list.do"]
FAULTS = [Fault.SERVER_ERROR, Fault.RATE_LIMIT, Fault.SLOW, Fault.RESET, Fault.DROP_ANSWER]
fault_plans = st.lists(st.tuples(st.sampled_from(SAVE_ROUTES), st.sampled_from(FAULTS),
                                 st.integers(1, 2)), min_size=1, max_size=5)


def run_like_the_runner(ctx_factory, kind, order, attempts=12) -> None:
    """Re-run a handler after transient failures, as the runner's retries would."""
    for _ in range(attempts):
        try:
            handlers.HANDLERS[kind](ctx_factory.order(kind, order))
            return
        except TransientError:
            continue
    raise AssertionError(f"{kind} still failing after {attempts} attempts")


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=fault_plans)
def test_one_document_each_whatever_the_faults(emulator, seed_database, link_for, contexts,
                                               new_order, plan) -> None:
    emulator.meter = RequestMeter(per_second=None, in_flight=None)  # limits are tested below
    emulator.faults.clear()
    db = seed_database(emulator)
    with AccurateConnector(link_for(emulator, db)) as connector:
        connector.client.retries = 1  # leave every retry to the runner loop: no sleeping
        ctxs = contexts(Feature.INVOICE, Feature.AUTO_PAID)
        ctxs.connector = connector
        for route, fault, times in plan:
            emulator.faults.add(route, fault, times=times, delay=0.05)
        order = new_order(state=OrderState.READY_TO_SHIP)
        run_like_the_runner(ctxs, handlers.SALES_ORDER_JOB, order)
        ctxs.bindings.clear()  # as if the binding's commit was lost with a crash
        run_like_the_runner(ctxs, handlers.SALES_INVOICE_JOB, order)
        run_like_the_runner(ctxs, handlers.SALES_INVOICE_JOB, order)
    counts = [len(emulator.documents(db, kind))
              for kind in ("sales_order", "sales_invoice", "sales_receipt", "customer")]
    assert counts == [1, 1, 1, 1], (counts, plan)
    assert emulator.stock(db, "A1", "Gudang Utama") == (8, 0)
    assert emulator.documents(db, "sales_invoice")[0]["outstanding"] == 0


def test_shared_gate_keeps_within_accurate_limits(emulator, db, link_for) -> None:
    registry = Registry()
    hooks.register_lanes(lambda prefix, per_second, in_flight: registry.lanes.__setitem__(
        prefix, LaneLimit(prefix, per_second, in_flight)))
    gate = MemoryGate(registry)
    emulator.latency = 0.3  # long enough for requests to pile up in flight
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with AccurateConnector(link_for(emulator, db, gate=gate)) as connector:
                connector.client.retries = 1  # a 429 would surface as an error
                for _ in range(2):
                    connector.find_items(["A1"])
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    token = emulator.api_token_for(db)
    snapshot = emulator.meter.snapshot()
    assert errors == []
    assert snapshot["rejected"].get(token, 0) == 0
    assert 2 <= snapshot["peak_in_flight"][token] <= 8
    assert snapshot["peak_per_second"][token] <= 8
