"""Issue 12 item 2: order windows within Ginee's 15-day limit, gaps caught up, horizon clipped.

Each test here failed before the fix: windows went out as 15 days + 1 second (start floored,
end rounded up), Ginee refused them, and a link behind by more than 15 days never recovered;
a backfill older than 90 days failed the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from framework.app import App
from framework.emulation import serve_in_thread
from framework.errors import IntegrationError
from framework.setup.links import create_link, get_link
from framework.storage.models import OrderRecord
from framework.sync.intake import order_windows, sync_orders
from plugins.ginee.connector import GineeConnector, ceil_second, floor_second, split_windows
from plugins.ginee.emulator import GineeEmulator
from plugins.ginee.emulator.state import parse_time

LIST = "/openapi/order/v2/list-order"
PLUGINS = ("framework.testing.plugins", "plugins.ginee.hooks:plugin")


def _windows(emulator: GineeEmulator) -> list[tuple[datetime, datetime]]:
    return [(parse_time(body["lastUpdateSince"]), parse_time(body["lastUpdateTo"]))
            for path, body in emulator.requests_seen if path == LIST]


def test_windows_with_fractional_seconds_stay_within_15_days(emulator, connector, world, clock):
    clock.advance(microseconds=654321)  # the poller's "now" is never a whole second
    start = clock()
    ids = []
    for _ in range(8):
        clock.advance(days=5)
        ids.append(emulator.create_order(world.shopee, world.main, [("KAOS-M", 1, "50000")]))
    until = clock.advance(microseconds=100)
    got = list(connector.iter_orders(start, until))
    assert [o.external_id for o in got] == ids
    windows = _windows(emulator)
    assert len(windows) == 3
    assert all(end - begin <= timedelta(days=15) for begin, end in windows)
    assert windows[0][0] <= start and windows[-1][1] >= until  # nothing at the edges lost


# ----------------------------------------------------------------- through the core's poll


@pytest.fixture
def ginee_app(sqlite_url, secret_box) -> Iterator[tuple[App, GineeEmulator]]:
    emulator = GineeEmulator(seed=3, rate_limit=None)  # the system clock, as in production
    application = App.create(sqlite_url, plugin_modules=PLUGINS, secrets=secret_box)
    try:
        with serve_in_thread(emulator):
            yield application, emulator
    finally:
        application.close()


def _link(app: App, emulator: GineeEmulator, integrated_days: float, cursor_days: float | None,
          ) -> str:
    now = datetime.now(UTC)
    creds = emulator.credentials()
    with app.session() as session:
        link = create_link(session, app.secrets, id="toko", name="toko", commerce="ginee",
                           accounting="membooks", commerce_settings=creds["settings"],
                           commerce_credentials=creds["credentials"], accounting_settings={},
                           accounting_credentials={"token": "mem-token-toko"},
                           integrated_at=now - timedelta(days=integrated_days))
        if cursor_days is not None:
            link.order_cursor = now - timedelta(days=cursor_days)
    return "toko"


def _old_orders(emulator: GineeEmulator, days_ago: list[float]) -> list[str]:
    shop = emulator.add_shop("SHOPEE")
    warehouse = emulator.add_warehouse("Gudang")
    emulator.add_product("Kaos", [{"sku": "K-1", "price": "1000", "stock": {warehouse: 500}}])
    now = datetime.now(UTC)
    return [emulator.create_order(shop, warehouse, [("K-1", 1, "1000")],
                                  created_at=now - timedelta(days=days))
            for days in days_ago]


def _seen(app: App) -> set[str]:
    with app.session() as session:
        return set(session.scalars(select(OrderRecord.external_id)))


def _cursor(app: App, link_id: str) -> datetime:
    with app.session() as session:
        cursor = get_link(session, link_id).order_cursor
    return cursor if cursor.tzinfo else cursor.replace(tzinfo=UTC)


def test_a_link_40_days_behind_catches_up(ginee_app):
    app, emulator = ginee_app
    ids = _old_orders(emulator, [35, 20, 5])
    link_id = _link(app, emulator, integrated_days=41, cursor_days=40)
    sync_orders(app, link_id)
    assert _seen(app) == set(ids)
    assert all(end - begin <= timedelta(days=15) for begin, end in _windows(emulator))
    assert _cursor(app, link_id) > datetime.now(UTC) - timedelta(minutes=5)


def test_the_cursor_moves_window_by_window_so_a_failure_keeps_the_progress(ginee_app):
    app, emulator = ginee_app
    ids = _old_orders(emulator, [35, 20, 5])
    link_id = _link(app, emulator, integrated_days=41, cursor_days=40)
    before = datetime.now(UTC)

    def break_after_second_window(result) -> None:
        if len(_seen(app)) == 2:  # windows 1 and 2 read: Ginee goes down for window 3
            emulator.faults.add(LIST, "server_error", times=-1)

    with pytest.raises(IntegrationError):
        sync_orders(app, link_id, on_result=break_after_second_window)
    assert _seen(app) == set(ids[:2])
    cursor = _cursor(app, link_id)
    assert before - timedelta(days=11) < cursor < before - timedelta(days=9)  # end of window 2
    emulator.faults.clear()
    sync_orders(app, link_id)
    assert _seen(app) == set(ids)


def test_a_backfill_older_than_90_days_is_clipped_with_a_warning(ginee_app, caplog):
    app, emulator = ginee_app
    ids = _old_orders(emulator, [80, 30])
    link_id = _link(app, emulator, integrated_days=1, cursor_days=None)
    with caplog.at_level(logging.WARNING):
        summary = sync_orders(app, link_id, since=datetime.now(UTC) - timedelta(days=120),
                              backfill=True)
    assert _seen(app) == set(ids)
    assert any("clipped" in warning for warning in summary.warnings)
    assert any("clipped" in record.getMessage() for record in caplog.records)
    horizon = datetime.now(UTC) - timedelta(days=90)
    assert all(begin >= horizon and end - begin <= timedelta(days=15)
               for begin, end in _windows(emulator))


@given(start_us=st.integers(0, 10**13), length_us=st.integers(0, 10**14))
def test_each_core_window_is_one_ginee_request_of_at_most_15_days(start_us, length_us):
    start = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(microseconds=start_us)
    until = start + timedelta(microseconds=length_us)
    windows = list(order_windows(start, until, GineeConnector.order_window))
    assert windows[0][0] == start and windows[-1][1] == until
    assert all(a[1] == b[0] for a, b in zip(windows, windows[1:], strict=False))
    for begin, end in windows:
        aligned = (floor_second(begin), ceil_second(end))
        assert aligned[1] - aligned[0] <= timedelta(days=15)
        assert len(list(split_windows(*aligned))) <= 1  # never a second, tiny request
