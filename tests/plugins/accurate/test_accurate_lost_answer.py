"""A save whose answer is lost, on the production retry path, and a document already there.

The client's own retries are left as they are in production: a dropped answer is retried by
the client itself, Accurate refuses the repeated number, and that refusal must be adopted as
"already saved". (Shortening the retries to 1 would hand the retry to the runner, whose fresh
look-up finds the document first, so the adoption path would never run.)
"""

from __future__ import annotations

from framework import Feature, OrderState
from framework.emulation import Fault
from plugins.accurate import handlers

SO_SAVE = "/accurate/api/sales-order/save.do"


def test_a_lost_save_answer_is_adopted_on_the_clients_own_retry(emulator, db, contexts,
                                                                new_order) -> None:
    ctxs = contexts(Feature.INVOICE)
    order = new_order(state=OrderState.WAITING_PAYMENT)
    emulator.faults.add(SO_SAVE, Fault.DROP_ANSWER, times=1)
    handlers.HANDLERS[handlers.SALES_ORDER_JOB](ctxs.order(handlers.SALES_ORDER_JOB, order))
    [saved] = emulator.documents(db, "sales_order")
    assert saved["number"].endswith(order.order_number)
    bound = ctxs.bindings[("sales_order", order.external_id)]
    assert bound.accounting_number == saved["number"]


def test_a_sales_order_already_in_accurate_is_found_not_saved_again(emulator, db, contexts,
                                                                    new_order) -> None:
    order = new_order(state=OrderState.WAITING_PAYMENT)
    first = contexts(Feature.INVOICE)
    handlers.HANDLERS[handlers.SALES_ORDER_JOB](first.order(handlers.SALES_ORDER_JOB, order))
    # A crash lost the binding; any save now would be refused by the emulator (and counted).
    emulator.faults.add(SO_SAVE, Fault.SERVER_ERROR, times=-1)
    again = contexts(Feature.INVOICE)
    handlers.HANDLERS[handlers.SALES_ORDER_JOB](again.order(handlers.SALES_ORDER_JOB, order))
    assert len(emulator.documents(db, "sales_order")) == 1
    assert ("sales_order", order.external_id) in again.bindings
    tried = [path for path, _fault in emulator.faults.injected if path == SO_SAVE]
    assert tried == [], "the handler saved instead of finding the document by its number"
