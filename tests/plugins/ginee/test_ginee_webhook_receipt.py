"""Ginee's unsigned deliveries through the core's receiver at ``/webhooks/<link>/<token>``.

Ginee signs nothing, so the link's secret URL token is the only thing keeping strangers out:
a delivery to the wrong token is refused before anything is stored; at the right URL the
emulator's deliveries (duplicated, shuffled) each become one ingested order, fetched first.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from framework.app import App
from framework.emulation import serve_in_thread
from framework.setup.links import create_link
from framework.storage.models import OrderRecord, WebhookDelivery
from framework.sync.webhook_receipt import webhook_path
from framework.testing.fixtures import app_with_receiver
from plugins.ginee.emulator import GineeEmulator


@pytest.fixture
def served_app(database_url, secret_box) -> Iterator[tuple[App, GineeEmulator, str]]:
    """A jembatan ``App`` with the Ginee plugin, its web receiver and a live emulator."""
    with app_with_receiver(database_url, secret_box, "plugins.ginee.hooks:plugin") as (
            app, base_url), serve_in_thread(GineeEmulator(seed=8, rate_limit=None)) as emulator:
        creds = emulator.credentials()
        with app.session() as session:
            create_link(session, app.secrets, id="toko-ginee", name="toko-ginee",
                        commerce="ginee", accounting="membooks",
                        commerce_settings=creds["settings"],
                        commerce_credentials=creds["credentials"],
                        accounting_settings={}, accounting_credentials={"token": "t"},
                        integrated_at=datetime.now(UTC) - timedelta(days=1))
        yield app, emulator, base_url


def _held(app: App) -> tuple[int, dict[str, Any]]:
    with app.session() as session:
        return (session.scalar(select(func.count()).select_from(WebhookDelivery)),
                {row.external_id: row.platform_status
                 for row in session.scalars(select(OrderRecord))})


def _store(emulator: GineeEmulator) -> tuple[str, str]:
    warehouse, shop = emulator.add_warehouse("Gudang"), emulator.add_shop("SHOPEE_ID")
    emulator.add_product("Kaos", [{"sku": "K", "price": "1000", "stock": {warehouse: 50}}])
    return shop, warehouse


def test_deliveries_reach_the_core_only_at_the_links_secret_url(served_app):
    app, emulator, base_url = served_app
    shop, warehouse = _store(emulator)
    path = webhook_path(app, "toko-ginee")
    emulator.set_webhook(base_url + path.rsplit("/", 1)[0] + "/not-the-token")
    first = emulator.create_order(shop, warehouse, [("K", 1, "1000")])
    assert emulator.flush_webhooks() == 0
    assert {status for _, status in emulator.outbox.delivered} == {403}
    assert _held(app) == (0, {})  # refused before anything was stored
    emulator.set_webhook(base_url + path, duplicate_rate=1.0, shuffle=True)
    second = emulator.create_order(shop, warehouse, [("K", 2, "1000")], status="PENDING_PAYMENT")
    for status in ("PAID", "READY_TO_SHIP"):
        emulator.advance_order(second, status)
    emulator.advance_order(first, "READY_TO_SHIP")
    assert emulator.flush_webhooks() == 8  # four notifications, each delivered twice
    deliveries, orders = _held(app)
    assert deliveries == 4  # one per notification id: the duplicates were known
    assert orders == {first: "READY_TO_SHIP", second: "READY_TO_SHIP"}  # fetched from Ginee


def test_a_forged_body_at_the_right_url_cannot_act_by_itself(served_app):
    app, emulator, base_url = served_app
    shop, warehouse = _store(emulator)
    order_id = emulator.create_order(shop, warehouse, [("K", 1, "1000")])
    forged = json.dumps({"id": "GENIE-FORGED", "entity": "order", "action": "UPDATE",
                         "createAt": "2026-11-20T00:00:00Z",
                         "payload": {"orderId": order_id, "orderStatus": "CANCELLED"}})
    answer = httpx.post(base_url + webhook_path(app, "toko-ginee"), content=forged,
                        headers={"Content-Type": "application/json"})
    assert answer.status_code == 200
    assert _held(app)[1] == {order_id: "PAID"}  # what Ginee says, not what the body claims


@pytest.mark.parametrize("entity", ["master_product_create", "delivery-order"])
def test_a_delivery_of_another_module_is_answered_200_ignored_and_stored(served_app, entity):
    app, emulator, base_url = served_app
    product = json.dumps({"id": f"GENIE-{entity}", "entity": entity, "action": "CREATE",
                          "createAt": "2026-11-20T00:00:00Z", "payload": {"productId": "MP1"}})
    url = base_url + webhook_path(app, "toko-ginee")
    for _ in range(2):  # a retry of it is a known duplicate, answered 200 as well
        answer = httpx.post(url, content=product, headers={"Content-Type": "application/json"})
        assert answer.status_code == 200, answer.text
    first = httpx.post(url, content=product.replace("GENIE-", "GENIE-2-"),
                       headers={"Content-Type": "application/json"}).json()
    assert first["ok"] is True and first["ignored"] is True
    assert first["outcome"].startswith("ignored:") and entity in first["outcome"]
    assert _held(app) == (2, {})  # both notifications kept; no order fetched or made
    with app.session() as session:
        outcomes = {row.outcome for row in session.scalars(select(WebhookDelivery))}
        assert all(outcome.startswith("ignored:") for outcome in outcomes)
