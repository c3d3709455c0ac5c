"""Orders through the connector: windows, cursor paging, batch-get, bad data, statuses."""

from datetime import timedelta
from decimal import Decimal

import pytest
from ginee_support import START
from hypothesis import given
from hypothesis import strategies as st

from framework.domain import Order, OrderState, Rejected
from framework.errors import PermanentError, ProviderPermanentError
from plugins.ginee.client import format_time
from plugins.ginee.connector import split_windows


def _orders(emulator, world, clock, count, *, step=timedelta(minutes=1), status="PAID"):
    ids = []
    for number in range(count):
        clock.advance(seconds=step.total_seconds())
        shop = world.shopee if number % 2 else world.tokopedia
        ids.append(emulator.create_order(shop, world.main, [("KAOS-M", 1 + number % 3, "50000")],
                                         status=status, shipping_fee="9000"))
    return ids


def _list_calls(emulator, path="/openapi/order/v2/list-order"):
    return [body for seen_path, body in emulator.requests_seen if seen_path == path]


@pytest.mark.parametrize("count", [0, 1, 100, 101, 230])
def test_cursor_paging_and_batch_get_return_every_order_once(emulator, connector, world, clock,
                                                            count):
    start = clock()
    ids = _orders(emulator, world, clock, count)
    got = list(connector.iter_orders(start, clock() + timedelta(seconds=1)))
    assert [o.external_id for o in got] == ids
    assert all(isinstance(o, Order) and o.total == o.computed_total for o in got)
    batches = _list_calls(emulator, "/openapi/order/v1/batch-get")
    assert all(len(body["orderIds"]) <= 100 for body in batches)
    assert len(batches) == -(-count // 100)
    assert all(body["size"] == 100 for body in _list_calls(emulator))


def test_mapped_orders_carry_channel_shop_warehouse_and_money(emulator, connector, world, clock):
    start = clock()
    clock.advance(minutes=5)
    order_id = emulator.create_order(world.shopee, world.second,
                                     [("KAOS-M", 2, "50000"), ("KOPI-250", 1, "85000.50")],
                                     status="PENDING_PAYMENT", shipping_fee="12000",
                                     discount="7000.25")
    (order,) = connector.iter_orders(start, clock())
    assert order.external_id == order_id and order.channel == "SHOPEE"
    assert order.shop_id == world.shopee and order.warehouse_id == world.second
    assert order.state is OrderState.WAITING_PAYMENT and order.paid_at is None
    assert order.total == Decimal("190000.25") == order.computed_total
    assert order.order_number.startswith("SHO-")


def test_a_long_window_is_split_into_15_day_requests(emulator, connector, world, clock):
    start = clock()
    ids = _orders(emulator, world, clock, 8, step=timedelta(days=5))
    got = list(connector.iter_orders(start, clock()))
    assert [o.external_id for o in got] == ids
    windows = [(b["lastUpdateSince"], b["lastUpdateTo"]) for b in _list_calls(emulator)]
    assert len(windows) == 3  # 40 days
    assert windows[0][0] == format_time(start) and windows[-1][1] == format_time(clock())
    for (_, end), (next_start, _) in zip(windows, windows[1:], strict=False):
        assert end == next_start  # contiguous, nothing falls between requests


def test_windows_cover_the_range_without_gaps():
    start = START
    windows = list(split_windows(start, start + timedelta(days=31, hours=3)))
    assert windows[0][0] == start and windows[-1][1] == start + timedelta(days=31, hours=3)
    assert all(end - begin <= timedelta(days=15) for begin, end in windows)
    assert list(split_windows(start, start)) == []


def test_the_emulator_refuses_a_window_over_15_days(connector, world, clock):
    with pytest.raises(ProviderPermanentError, match="cannot exceed 15 days") as info:
        next(connector.client.iter_order_summaries(clock() - timedelta(days=16), clock()))
    assert info.value.code == "PARAMETER_ERROR"
    exactly = clock() - timedelta(days=15)
    assert list(connector.client.iter_order_summaries(exactly, clock())) == []  # 15 days: ok


def test_the_emulator_refuses_updates_older_than_3_months(connector, world, clock):
    since = clock() - timedelta(days=91)
    with pytest.raises(ProviderPermanentError, match="last 3 months"):
        next(connector.client.iter_order_summaries(since, since + timedelta(days=1)))


def test_the_connector_clips_a_window_beyond_the_horizon(emulator, connector, world, clock):
    ids = _orders(emulator, world, clock, 2)
    got = list(connector.iter_orders(clock() - timedelta(days=200), clock()))
    assert [o.external_id for o in got] == ids
    first = _list_calls(emulator)[0]["lastUpdateSince"]
    assert first >= format_time(clock() - timedelta(days=90))


def test_orders_moving_through_statuses_are_seen_in_their_latest_state(emulator, connector,
                                                                       world, clock):
    start = clock()
    (order_id,) = _orders(emulator, world, clock, 1, status="PENDING_PAYMENT")
    for status in ("PAID", "READY_TO_SHIP", "READY_TO_SHIP", "DELIVERED"):  # repeat and skip
        clock.advance(minutes=10)
        emulator.advance_order(order_id, status)
        (order,) = connector.iter_orders(start, clock())
        assert order.platform_status == status
    assert order.state is OrderState.DELIVERED
    assert order.updated_at == clock() and order.paid_at is not None
    later = list(connector.iter_orders(clock() + timedelta(seconds=1),
                                       clock() + timedelta(hours=1)))
    assert later == []


@pytest.mark.parametrize(("tamper", "reason"), [
    ({"fields": {"orderStatus": "TELEPORTED"}}, "unknown Ginee order status"),
    ({"drop": ["totalAmount"]}, "totalAmount"),
    ({"fields": {"totalAmount": "abc", "lastUpdateAt": "yesterday"}}, "totalAmount"),
    ({"drop": ["channel", "createAt"]}, "channel"),
    ({"fields": {"items": [{"masterSku": "KAOS-M", "productName": "Kaos", "quantity": -2,
                            "actualPrice": "50000"}]}}, "quantity"),
    ({"replace": '{"orderId": "SO1", "items": [}'}, "malformed order JSON"),
])
def test_bad_orders_are_rejected_and_the_stream_goes_on(emulator, connector, world, clock,
                                                         tamper, reason):
    start = clock()
    ids = _orders(emulator, world, clock, 3)
    emulator.tamper_order(ids[1], **tamper)
    got = list(connector.iter_orders(start, clock()))
    assert [type(o) for o in got] == [Order, Rejected, Order]
    assert reason in got[1].reason and got[1].kind == "order"
    assert got[1].raw
    with pytest.raises(PermanentError, match=reason):
        connector.get_order(ids[1])


def test_get_order_fetches_one_order_or_says_it_is_unknown(emulator, connector, world, clock):
    (order_id,) = _orders(emulator, world, clock, 1)
    order = connector.get_order(order_id)
    assert order.external_id == order_id and order.state is OrderState.PAID
    with pytest.raises(PermanentError, match="no order SO-NOPE"):
        connector.get_order("SO-NOPE")


def test_read_faults_during_order_paging_are_retried(emulator, connector, world, clock):
    start = clock()
    ids = _orders(emulator, world, clock, 150)
    emulator.faults.add("/openapi/order/v2/list-order", "reset", times=1)
    emulator.faults.add("/openapi/order/v1/batch-get", "server_error", times=2)
    got = list(connector.iter_orders(start, clock()))
    assert [o.external_id for o in got] == ids


def test_an_order_updated_while_pages_are_read_is_yielded_once(emulator, connector, world,
                                                               clock):
    start = clock()
    ids = _orders(emulator, world, clock, 150)
    stream = connector.iter_orders(start, clock() + timedelta(hours=1))
    first = next(stream)  # page 1 listed and its 100 details fetched
    clock.advance(minutes=5)
    emulator.advance_order(ids[0], "READY_TO_SHIP")  # moves behind page 2 by updateAt
    emulator.advance_order(ids[120], "CANCELLED")  # not listed yet: moves too
    rest = list(stream)
    got = [first, *rest]
    assert sorted(o.external_id for o in got) == sorted(ids)
    assert {o.external_id: o.platform_status for o in got}[ids[120]] == "CANCELLED"


def test_a_forged_cursor_is_a_parameter_error(connector, world, clock):
    body = {"size": 10, "nextCursor": "%%%", "lastUpdateSince": format_time(clock()),
            "lastUpdateTo": format_time(clock() + timedelta(days=1))}
    with pytest.raises(ProviderPermanentError, match="nextCursor") as info:
        connector.client.post("/openapi/order/v2/list-order", body)
    assert info.value.code == "PARAMETER_ERROR"


@given(since_offset=st.integers(0, 10**7), length=st.integers(0, 10**8))
def test_split_windows_cover_the_range_in_contiguous_15_day_steps(since_offset, length):
    since = START + timedelta(seconds=since_offset)
    until = since + timedelta(seconds=length)
    windows = list(split_windows(since, until))
    if length == 0:
        assert windows == []
        return
    assert windows[0][0] == since and windows[-1][1] == until
    assert all(begin < end <= begin + timedelta(days=15) for begin, end in windows)
    assert all(a[1] == b[0] for a, b in zip(windows, windows[1:], strict=False))
    assert len(windows) == -(-length // (15 * 86400))
