"""Bulk posting: many orders' documents in a few bulk-save.do calls, each exactly once.

Handlers get a batch of memory contexts (``ContextBatch``); what counts is what the emulator
holds and which requests reached it (counted with an httpx event hook on the real client).
Faults run through the client's own retries: a bulk save whose answer was lost is sent
again by the client itself and its records come back as duplicates, which are adopted.
"""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from framework import ContextBatch, Feature, OrderState, PermanentError, RecordKind, RecordStatus
from framework.emulation import Fault, RequestMeter
from plugins.accurate import handlers
from plugins.accurate.connector import AccurateConnector

SO, SI = handlers.SALES_ORDER_JOB, handlers.SALES_INVOICE_JOB
KINDS = ("sales_order", "sales_invoice", "sales_receipt")


def count_requests(connector) -> Counter:
    """Count the paths the connector's client sends from now on."""
    seen: Counter = Counter()
    connector.client.http.event_hooks["request"].append(
        lambda request: seen.update([request.url.path.removeprefix("/accurate/api/")]))
    return seen


def batch(ctxs, kind, orders, first_id=1):
    contexts = []
    for offset, order in enumerate(orders):
        ctx = ctxs.order(kind, order)
        ctx.job_id = first_id + offset
        contexts.append(ctx)
    return ContextBatch(contexts)


def orders_of(new_order, count, state=OrderState.READY_TO_SHIP):
    return [new_order(f"2611B{n:05d}", state=state) for n in range(count)]


def holdings(emulator, db):
    return [len(emulator.documents(db, kind)) for kind in KINDS]


def test_forty_orders_cost_one_bulk_call_per_document_kind(emulator, db, contexts,
                                                           new_order) -> None:
    emulator.add_item(db, "C3", "Kaos Kaki", 10000, {"Gudang Utama": 500})
    ctxs = contexts(Feature.INVOICE, Feature.AUTO_PAID)
    seen = count_requests(ctxs.connector)
    orders = [new_order(f"2611C{n:05d}", lines=(("C3", 1, 10000, 0),),
                        state=OrderState.READY_TO_SHIP) for n in range(40)]
    assert handlers.HANDLERS[SI](batch(ctxs, SI, orders)) == {}
    assert holdings(emulator, db) == [40, 40, 40]
    assert seen["sales-order/bulk-save.do"] == 1
    assert seen["sales-invoice/bulk-save.do"] == 1
    assert seen["sales-receipt/bulk-save.do"] == 1
    assert not [path for path in seen if path.startswith("sales-") and "detail" in path]
    for order in orders:
        for kind in KINDS:
            record = ctxs.records[(RecordKind.ORDER, order.order_number, kind)]
            assert record.status is RecordStatus.SUCCEEDED, (kind, record)


def test_a_single_order_is_a_batch_of_one(emulator, db, contexts, new_order) -> None:
    ctxs = contexts()
    seen = count_requests(ctxs.connector)
    [order] = orders_of(new_order, 1, OrderState.WAITING_PAYMENT)
    handlers.HANDLERS[SO](ctxs.order(SO, order))  # a plain context, as a unit test calls it
    assert holdings(emulator, db)[0] == 1
    assert seen["sales-order/bulk-save.do"] == 1


def test_a_lost_bulk_answer_is_resent_by_the_client_and_its_records_adopted(
        emulator, db, contexts, new_order) -> None:
    ctxs = contexts(Feature.INVOICE, Feature.AUTO_PAID)
    seen = count_requests(ctxs.connector)
    emulator.faults.add("/accurate/api/sales-invoice/bulk-save.do", Fault.DROP_ANSWER, times=1)
    orders = orders_of(new_order, 4)
    assert handlers.HANDLERS[SI](batch(ctxs, SI, orders)) == {}
    assert ("/accurate/api/sales-invoice/bulk-save.do", Fault.DROP_ANSWER) in \
        emulator.faults.injected
    assert seen["sales-invoice/bulk-save.do"] == 2  # the client's own retry
    assert seen["sales-invoice/list.do"] == 1  # adopted in one look-up
    assert holdings(emulator, db) == [4, 4, 4]
    for order in orders:
        record = ctxs.records[(RecordKind.ORDER, order.order_number, "sales_invoice")]
        assert record.status is RecordStatus.SUCCEEDED
        assert record.reason == "already in Accurate"
        binding = ctxs.bindings[("sales_invoice", order.external_id)]
        assert binding.accounting_number == f"SI.{order.order_number}"


def test_bindings_lost_in_a_crash_are_adopted_without_a_second_document(
        emulator, db, contexts, new_order) -> None:
    emulator.meter = RequestMeter(per_second=None, in_flight=None)  # no gate in this test
    ctxs = contexts(Feature.INVOICE, Feature.AUTO_PAID)
    orders = orders_of(new_order, 5)
    handlers.HANDLERS[SI](batch(ctxs, SI, orders))
    ctxs.bindings.clear()  # the crash took the committed bindings with it
    seen = count_requests(ctxs.connector)
    assert handlers.HANDLERS[SI](batch(ctxs, SI, orders)) == {}
    assert holdings(emulator, db) == [5, 5, 5]
    assert {path: n for path, n in seen.items() if path.startswith("sales-")} == {
        "sales-order/bulk-save.do": 1, "sales-order/list.do": 1,
        "sales-invoice/bulk-save.do": 1, "sales-invoice/list.do": 1,
        "sales-receipt/bulk-save.do": 1, "sales-receipt/list.do": 1}


def test_one_refused_order_fails_alone_with_accurates_reason(emulator, db, contexts,
                                                             new_order) -> None:
    ctxs = contexts(Feature.INVOICE, Feature.AUTO_PAID)
    orders = orders_of(new_order, 4)
    assert handlers.HANDLERS[SO](batch(ctxs, SO, orders)) == {}
    ctxs.connector.client.close_sales_order(f"SO.{orders[1].order_number}")
    bad_sku = new_order("2611BX9999", lines=(("NOPE", 1, 1000, 0),), shipping=0, discount=0,
                        state=OrderState.READY_TO_SHIP)
    jobs = batch(ctxs, SI, [*orders, bad_sku], first_id=10)
    failed = handlers.HANDLERS[SI](jobs)
    assert set(failed) == {11, 14}
    assert isinstance(failed[11], PermanentError) and "sudah ditutup" in str(failed[11])
    assert "SKU NOPE is not an item in Accurate" in str(failed[14])
    assert "SKU NOPE is not a product in Memory store" in str(failed[14])  # the real cause
    assert holdings(emulator, db) == [4, 3, 3]
    closed = ctxs.records[(RecordKind.ORDER, orders[1].order_number, "sales_invoice")]
    assert closed.status is RecordStatus.FAILED and "sudah ditutup" in closed.reason
    assert closed.sent["number"] == f"SI.{orders[1].order_number}"
    sku = ctxs.records[(RecordKind.ORDER, bad_sku.order_number, "sales_invoice")]
    assert sku.status is RecordStatus.FAILED and "products sync" in sku.reason


BULK_ROUTES = ["/accurate/api/sales-order/bulk-save.do", "/accurate/api/sales-invoice/bulk-save.do",
               "/accurate/api/sales-receipt/bulk-save.do", "/accurate/api/sales-*/list.do",
               "/accurate/api/customer/*", "/accurate/api/item/list.do"]
FAULTS = [Fault.SERVER_ERROR, Fault.RATE_LIMIT, Fault.SLOW, Fault.RESET, Fault.DROP_ANSWER]
fault_plans = st.lists(st.tuples(st.sampled_from(BULK_ROUTES), st.sampled_from(FAULTS),
                                 st.integers(1, 3)), min_size=1, max_size=4)


@pytest.mark.slow  # generated fault plans, each through the client's real retries
@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=fault_plans, lose_bindings=st.booleans())
def test_one_document_of_each_kind_per_order_whatever_the_bulk_faults(
        emulator, seed_database, link_for, contexts, new_order, plan, lose_bindings) -> None:
    emulator.meter = RequestMeter(per_second=None, in_flight=None)
    emulator.faults.clear()
    db = seed_database(emulator)
    with AccurateConnector(link_for(emulator, db)) as connector:  # the client's own retries
        ctxs = contexts(Feature.INVOICE, Feature.AUTO_PAID)
        ctxs.connector = connector
        for route, fault, times in plan:
            emulator.faults.add(route, fault, times=times, delay=0.05)
        orders = orders_of(new_order, 3)
        rerun_until_done(ctxs, SO, orders[:2])
        if lose_bindings:
            ctxs.bindings.clear()
        rerun_until_done(ctxs, SI, orders)
        rerun_until_done(ctxs, SI, orders)
    assert holdings(emulator, db) == [3, 3, 3], plan
    assert [invoice["outstanding"] for invoice in emulator.documents(db, "sales_invoice")] == \
        [0, 0, 0]


def rerun_until_done(ctxs, kind, orders, attempts=10) -> None:
    """Re-run the jobs a batch left transient, as the runner's retries would."""
    todo = list(orders)
    for _ in range(attempts):
        failed = handlers.HANDLERS[kind](batch(ctxs, kind, todo))
        assert all(not isinstance(error, PermanentError) for error in failed.values()), failed
        todo = [order for n, order in enumerate(todo, start=1) if n in failed]
        if not todo:
            return
    raise AssertionError(f"{kind} still failing after {attempts} attempts")
