"""Webhooks: the emulator's signed deliveries are accepted, forged and stale ones refused."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from framework.emulation import start_in_thread
from framework.errors import PermanentError
from framework.webhooks import sign_hex


@pytest.fixture
def receiver(connector):
    """A webhook endpoint that verifies with the connector and keeps what it accepted."""
    accepted, refused = [], []

    async def receive(request):
        try:
            hint = connector.verify_webhook(dict(request.headers), await request.body())
        except PermanentError as exc:
            refused.append(str(exc))
            return JSONResponse({"ok": False}, status_code=401)
        accepted.append(hint)
        return JSONResponse({"ok": True})

    running = start_in_thread(Starlette(routes=[Route("/hook", receive, methods=["POST"])]))
    yield running.base_url + "/hook", accepted, refused
    running.stop()


def signed(emulator, body: dict) -> tuple[dict, bytes]:
    raw = json.dumps(body).encode()
    return {"x-forstok-signature": sign_hex(emulator.secret_key, raw)}, raw


def test_emulator_deliveries_are_accepted_with_duplicates(emulator, receiver,
                                                          shop_and_warehouse, clock):
    url, accepted, refused = receiver
    shop, warehouse = shop_and_warehouse
    emulator.add_product("Kaos", [{"sku": "K", "price": "1000", "stock": {warehouse: 5}}])
    emulator.set_webhook(url, duplicate_rate=1.0, shuffle=True)
    order_id = emulator.create_order(shop, warehouse, [("K", 1, "1000")])
    clock.advance(minutes=5)
    emulator.advance_order(order_id, "ready_to_ship")
    clock.advance(minutes=5)
    emulator.advance_order(order_id, "ready_to_ship")  # a repeated status
    assert emulator.flush_webhooks() == 6 and not refused
    assert {hint.external_id for hint in accepted} == {str(order_id)}
    keys = [hint.dedupe_key for hint in accepted]
    assert len(set(keys)) == 3  # each change twice; the repeat is a change of its own
    assert {hint.platform_status for hint in accepted} == {"pending", "ready_to_ship"}


def test_forged_signature_is_refused(emulator, connector, clock):
    headers, body = signed(emulator, {"event": "order.updated", "order_id": 1,
                                      "status": "open", "updated_at": clock().isoformat()})
    tampered = body.replace(b'"open"', b'"cancelled"')
    with pytest.raises(PermanentError, match="does not match"):
        connector.verify_webhook(headers, tampered)
    with pytest.raises(PermanentError, match="missing"):
        connector.verify_webhook({}, body)
    assert connector.verify_webhook(headers, body).platform_status == "open"


@pytest.mark.parametrize("age", [timedelta(hours=25), -timedelta(hours=1)])
def test_stale_or_future_delivery_is_refused(emulator, connector, clock, age):
    headers, body = signed(emulator, {"event": "order.updated", "order_id": 1,
                                      "status": "open",
                                      "updated_at": (clock() - age).isoformat()})
    with pytest.raises(PermanentError, match="stale"):
        connector.verify_webhook(headers, body)


@pytest.mark.parametrize(("body", "reason"), [
    (b"not json", "not JSON"),
    (json.dumps({"event": "order.updated", "status": "open",
                 "updated_at": "2026-11-20T03:00:00+00:00"}).encode(), "order_id"),
    (json.dumps({"event": "order.updated", "order_id": 1, "status": "open",
                 "updated_at": "2026-11-20T03:00:00"}).encode(), "updated_at"),
])
def test_malformed_signed_body_is_refused(emulator, connector, body, reason):
    headers = {"X-Forstok-Signature": sign_hex(emulator.secret_key, body)}
    with pytest.raises(PermanentError, match=reason):
        connector.verify_webhook(headers, body)


def test_a_signed_delivery_of_another_event_is_ignored_not_refused(emulator, connector):
    headers, body = signed(emulator, {"event": "item.updated", "item_id": 7})
    hint = connector.verify_webhook(headers, body)
    assert "'item.updated' is not an order event" in hint.ignored
    assert hint.dedupe_key == connector.verify_webhook(headers, body).dedupe_key  # a retry
    with pytest.raises(PermanentError, match="does not match"):  # still signed first
        connector.verify_webhook({"X-Forstok-Signature": "0" * 64}, body)


# ------------------------------------------------------- through the core's per-link secret URL


@pytest.fixture
def served_app(database_url, secret_box):
    """A jembatan ``App`` with the Forstok plugin, its web receiver and a live emulator."""
    from datetime import UTC, datetime

    from framework.emulation import serve_in_thread
    from framework.setup.links import create_link
    from framework.testing.fixtures import app_with_receiver
    from plugins.forstok.emulator import ForstokEmulator

    with app_with_receiver(database_url, secret_box, "plugins.forstok.hooks:plugin") as (
            app, base_url), serve_in_thread(ForstokEmulator(seed=8, rate_limit=None)) as emulator:
        info = emulator.credentials()
        with app.session() as session:
            create_link(session, app.secrets, id="toko-forstok", name="toko-forstok",
                        commerce="forstok", accounting="membooks",
                        commerce_settings={key: info[key] for key in (
                            "auth_url", "base_url", "seller_id", "user_id")},
                        commerce_credentials={"secret_key": info["secret_key"]},
                        accounting_settings={}, accounting_credentials={"token": "t"},
                        integrated_at=datetime.now(UTC) - timedelta(days=1))
        yield app, emulator, base_url


def _held(app):
    from sqlalchemy import func, select

    from framework.storage.models import OrderRecord, WebhookDelivery

    with app.session() as session:
        return (session.scalar(select(func.count()).select_from(WebhookDelivery)),
                {row.external_id: row.platform_status
                 for row in session.scalars(select(OrderRecord))})


def test_emulator_deliveries_reach_the_core_only_at_the_links_secret_url(served_app):
    from framework.sync.webhook_receipt import webhook_path

    app, emulator, base_url = served_app
    warehouse, shop = emulator.add_warehouse("Gudang"), emulator.add_shop("Shopee")
    emulator.add_product("Kaos", [{"sku": "K", "price": "1000", "stock": {warehouse: 5}}])
    path = webhook_path(app, "toko-forstok")
    emulator.set_webhook(base_url + path.rsplit("/", 1)[0] + "/not-the-token")
    first = emulator.create_order(shop, warehouse, [("K", 1, "1000")], status="open")
    assert emulator.flush_webhooks() == 0
    assert {status for _, status in emulator.outbox.delivered} == {403}
    assert _held(app) == (0, {})  # refused before anything was stored
    emulator.set_webhook(base_url + path, duplicate_rate=1.0)
    emulator.advance_order(first, "not_shipped")
    assert emulator.flush_webhooks() == 2
    deliveries, orders = _held(app)
    assert deliveries == 1 and orders == {str(first): "not_shipped"}  # fetched, deduplicated
