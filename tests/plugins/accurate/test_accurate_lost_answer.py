"""A save whose answer is lost, on the production retry path, and a document already there.

The client's own retries are left as they are in production: a dropped answer is retried by
the client itself, Accurate refuses the repeated number, and that refusal must be adopted as
"already saved". (Shortening the retries to 1 would hand the retry to the runner, so the adoption
path would never run.) Documents go through ``bulk-save.do`` (a single order is a batch of one), so
that is where the fault goes, and the fault test checks it was injected.
"""

from __future__ import annotations

from collections import Counter

from framework import Feature, OrderState, RecordKind, RecordStatus
from framework.emulation import Fault
from plugins.accurate import handlers

#: every document is saved through bulk-save.do now (a single order is a batch of one)
SO_SAVE = "/accurate/api/sales-order/bulk-save.do"


def _requests(connector) -> Counter:
    seen: Counter = Counter()
    connector.client.http.event_hooks["request"].append(
        lambda request: seen.update([request.url.path.removeprefix("/accurate/api/")]))
    return seen


def test_a_lost_save_answer_is_adopted_on_the_clients_own_retry(emulator, db, contexts,
                                                                new_order) -> None:
    ctxs = contexts(Feature.INVOICE)
    order = new_order(state=OrderState.WAITING_PAYMENT)
    emulator.faults.add(SO_SAVE, Fault.DROP_ANSWER, times=1)
    handlers.HANDLERS[handlers.SALES_ORDER_JOB](ctxs.order(handlers.SALES_ORDER_JOB, order))
    assert (SO_SAVE, Fault.DROP_ANSWER) in emulator.faults.injected  # the real path ran
    [saved] = emulator.documents(db, "sales_order")
    assert saved["number"].endswith(order.order_number)
    bound = ctxs.bindings[("sales_order", order.external_id)]
    assert bound.accounting_number == saved["number"]
    record = ctxs.records[(RecordKind.ORDER, order.order_number, "sales_order")]
    assert record.status is RecordStatus.SUCCEEDED and record.reason == "already in Accurate"


def test_a_sales_order_already_in_accurate_is_adopted_not_saved_again(emulator, db, contexts,
                                                                      new_order) -> None:
    order = new_order(state=OrderState.WAITING_PAYMENT)
    first = contexts(Feature.INVOICE)
    handlers.HANDLERS[handlers.SALES_ORDER_JOB](first.order(handlers.SALES_ORDER_JOB, order))
    # A crash lost the binding: the save is refused as a duplicate number, and adopted.
    again = contexts(Feature.INVOICE)
    handlers.HANDLERS[handlers.SALES_ORDER_JOB](again.order(handlers.SALES_ORDER_JOB, order))
    assert len(emulator.documents(db, "sales_order")) == 1
    assert ("sales_order", order.external_id) in again.bindings
    record = again.records[(RecordKind.ORDER, order.order_number, "sales_order")]
    assert record.reason == "already in Accurate"


def test_a_bound_sales_order_costs_no_request(emulator, db, contexts, new_order) -> None:
    order = new_order(state=OrderState.WAITING_PAYMENT)
    ctxs = contexts(Feature.INVOICE)
    handlers.HANDLERS[handlers.SALES_ORDER_JOB](ctxs.order(handlers.SALES_ORDER_JOB, order))
    seen = _requests(ctxs.connector)
    handlers.HANDLERS[handlers.SALES_ORDER_JOB](ctxs.order(handlers.SALES_ORDER_JOB, order))
    assert not [path for path in seen if path.startswith("sales-order/")]
    assert len(emulator.documents(db, "sales_order")) == 1
