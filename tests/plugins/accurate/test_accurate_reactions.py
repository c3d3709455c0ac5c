"""plan_order_reactions: DESIGN.md's table, pure."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from framework import Feature, LinkInfo, OrderState
from plugins.accurate import hooks

S = OrderState


def plan(new_order, entered, reached=(), features=(Feature.INVOICE,), accounting="accurate"):
    link = LinkInfo("toko", "ginee", accounting, frozenset(features), None)
    return hooks.plan_order_reactions(link=link, order=new_order(state=entered), entered=entered,
                                      reached=frozenset(reached))


@pytest.mark.parametrize(("entered", "reached", "kind"), [
    (S.WAITING_PAYMENT, {S.NEW}, "accurate.sales_order"),
    (S.READY_TO_SHIP, {S.NEW, S.WAITING_PAYMENT, S.PAID}, "accurate.sales_invoice"),
    (S.CANCELLED, {S.NEW, S.WAITING_PAYMENT}, "accurate.close_sales_order"),
    (S.CANCELLED, {S.WAITING_PAYMENT, S.READY_TO_SHIP}, "accurate.order_needs_operator"),
    (S.RETURNED, {S.READY_TO_SHIP, S.SHIPPED}, "accurate.order_needs_operator"),
])
def test_table(new_order, entered, reached, kind) -> None:
    [job] = plan(new_order, entered, reached)
    assert job.kind == kind and job.sequence == "order:ext-2611AAA001"
    assert job.key.startswith("order:ext-2611AAA001:")
    assert job.payload["order"]["order_number"] == "2611AAA001"


def test_keys_follow_the_brief(new_order) -> None:
    assert plan(new_order, S.WAITING_PAYMENT)[0].key == "order:ext-2611AAA001:sales_order"
    assert plan(new_order, S.READY_TO_SHIP)[0].key == "order:ext-2611AAA001:sales_invoice"


@pytest.mark.parametrize("now", [S.READY_TO_SHIP, S.SHIPPED, S.COMPLETED, S.RETURNED])
def test_waiting_payment_passed_through_leaves_the_sales_order_to_the_invoice_job(
        new_order, now) -> None:
    # First seen ready to ship or later: the invoice job queued at ready_to_ship posts the
    # sales order first, in the same batch; a separate sales-order job would be a second
    # claim and batch per order for the same document.
    link = LinkInfo("toko", "ginee", "accurate", frozenset({Feature.INVOICE}), None)
    order = new_order(state=now)
    assert hooks.plan_order_reactions(link=link, order=order, entered=S.WAITING_PAYMENT,
                                      reached=frozenset({S.NEW})) == []
    [invoice] = hooks.plan_order_reactions(link=link, order=order, entered=S.READY_TO_SHIP,
                                           reached=frozenset({S.NEW, S.WAITING_PAYMENT}))
    assert invoice.kind == "accurate.sales_invoice"


@pytest.mark.parametrize(("now", "features"), [
    (S.WAITING_PAYMENT, (Feature.INVOICE,)), (S.PAID, (Feature.INVOICE,)),
    (S.CANCELLED, (Feature.INVOICE,)),  # its close job needs a sales order to close
    (S.READY_TO_SHIP, ()),  # no invoice job: the sales order is the only document
])
def test_the_sales_order_job_stays_where_no_invoice_job_follows(new_order, now, features):
    link = LinkInfo("toko", "ginee", "accurate", frozenset(features), None)
    [job] = hooks.plan_order_reactions(link=link, order=new_order(state=now),
                                       entered=S.WAITING_PAYMENT, reached=frozenset({S.NEW}))
    assert job.kind == "accurate.sales_order"


def test_invoice_off_and_other_accounting(new_order) -> None:
    assert plan(new_order, S.READY_TO_SHIP, features=()) == []
    assert plan(new_order, S.WAITING_PAYMENT, accounting="jurnal") is None


@given(entered=st.sampled_from(list(S)), reached=st.sets(st.sampled_from(list(S))))
def test_at_most_one_job_and_pure(entered, reached) -> None:
    from datetime import datetime, timezone
    from decimal import Decimal

    from framework import Order, OrderLine
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    order = Order(external_id="e", order_number="n", channel="SHOPEE", state=entered,
                  platform_status="X", lines=(OrderLine(sku="A", name="a", quantity=1,
                                                        unit_price=Decimal(1)),),
                  total=Decimal(1), created_at=now, updated_at=now)
    link = LinkInfo("l", "ginee", "accurate", frozenset(Feature), None)
    first = hooks.plan_order_reactions(link=link, order=order, entered=entered,
                                       reached=frozenset(reached))
    again = hooks.plan_order_reactions(link=link, order=order, entered=entered,
                                       reached=frozenset(reached))
    assert first == again and len(first) <= 1
