"""Webhooks in Ginee's documented, unsigned format: read as hints, deduplicated on ``id``."""

import json
import threading

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from framework.emulation import start_in_thread
from framework.errors import PermanentError

ENVELOPE_KEYS = {"id", "entity", "action", "createAt", "payload"}


def _delivery(emulator, world, clock, status="READY_TO_SHIP"):
    order_id = emulator.create_order(world.shopee, world.main, [("KAOS-M", 1, "50000")])
    clock.advance(minutes=3)
    emulator.advance_order(order_id, status)
    payload = next(o for o in emulator.orders() if o["orderId"] == order_id)
    return order_id, emulator.webhook_body(payload)


def test_the_body_is_the_documented_envelope_and_gives_a_hint(emulator, connector, world,
                                                               clock):
    order_id, body = _delivery(emulator, world, clock)
    event = json.loads(body)
    assert set(event) == ENVELOPE_KEYS
    assert event["entity"] == "order" and event["action"] == "UPDATE"
    assert event["id"].startswith("GENIE") and event["createAt"].endswith("Z")
    assert {"orderId", "channel", "shopId", "externalShopId", "orderStatus", "createAt",
            "payAt"} <= set(event["payload"])
    assert event["payload"]["channel"] == "SHOPEE_ID"
    hint = connector.verify_webhook({}, body)  # no header needed: Ginee signs nothing
    assert (hint.external_id, hint.platform_status) == (order_id, "READY_TO_SHIP")
    assert hint.dedupe_key == f"ginee:{event['id']}"


def test_the_connector_declares_that_ginee_does_not_sign(connector):
    assert connector.signs_webhooks is False


def test_each_notification_has_its_own_id_and_dedupe_key(emulator, connector, world, clock):
    order_id, first = _delivery(emulator, world, clock, "PAID")
    clock.advance(minutes=1)
    emulator.advance_order(order_id, "CANCELLED")
    payload = next(o for o in emulator.orders() if o["orderId"] == order_id)
    second = emulator.webhook_body(payload)
    keys = {connector.verify_webhook({}, body).dedupe_key for body in (first, second)}
    assert len(keys) == 2


@pytest.mark.parametrize(("body", "reason"), [
    (b"{not json", "not JSON"),
    (b"\xff\xfe\x00garbage", "not JSON"),
    (b"[1, 2]", "not a JSON object"),
    (json.dumps({"entity": "order", "payload": {"orderId": "SO1"}}).encode(), "id"),
    (json.dumps({"id": "GENIE1", "entity": "order", "payload": {}}).encode(), "orderId"),
    (json.dumps({"id": "GENIE1", "entity": "order", "payload": None}).encode(), "payload"),
])
def test_malformed_bodies_are_refused_cleanly(connector, body, reason):
    with pytest.raises(PermanentError, match=reason):
        connector.verify_webhook({}, body)


@pytest.mark.parametrize("entity", ["master_product_create", "delivery-order", "inventory"])
def test_other_modules_deliveries_are_ignored_not_refused(connector, entity):
    body = json.dumps({"id": "GENIE7", "entity": entity, "action": "CREATE",
                       "createAt": "2026-11-20T00:00:00Z", "payload": {"productId": "MP1"}})
    hint = connector.verify_webhook({}, body.encode())
    assert entity in hint.ignored and "not an order event" in hint.ignored
    assert hint.dedupe_key == "ginee:GENIE7" and hint.external_id == ""


def test_unknown_fields_and_nulls_in_a_delivery_are_tolerated(connector):
    body = json.dumps({"id": "GENIE9", "entity": "order", "action": None, "createAt": None,
                       "somethingNew": {"x": 1},
                       "payload": {"orderId": "SO9", "orderStatus": None, "extra": [1]}})
    hint = connector.verify_webhook({}, body.encode())
    assert (hint.external_id, hint.platform_status) == ("SO9", None)


def test_the_emulator_delivers_unsigned_duplicates_out_of_order(emulator, connector, world,
                                                                clock):
    received, lock = [], threading.Lock()

    async def receive(request: Request) -> JSONResponse:
        body = await request.body()
        with lock:
            received.append((dict(request.headers), body))
        return JSONResponse({"status": True})  # the documented reply

    receiver = start_in_thread(Starlette(routes=[Route("/hook", receive, methods=["POST"])]))
    try:
        emulator.set_webhook(receiver.base_url + "/hook", duplicate_rate=1.0, shuffle=True)
        order_id = emulator.create_order(world.tokopedia, world.main, [("KAOS-L", 1, "52000")],
                                         status="PENDING_PAYMENT")
        for status in ("PAID", "READY_TO_SHIP", "SHIPPING"):
            clock.advance(minutes=1)
            emulator.advance_order(order_id, status)
        assert emulator.flush_webhooks() == 8  # CREATE + 3 UPDATEs, every one sent twice
    finally:
        receiver.stop()
    assert not any(name.lower().startswith("x-ginee") for headers, _ in received
                   for name in headers)
    hints = [connector.verify_webhook(headers, body) for headers, body in received]
    assert sorted(h.platform_status for h in hints) == sorted(
        ["PENDING_PAYMENT", "PAID", "READY_TO_SHIP", "SHIPPING"] * 2)
    assert len({h.dedupe_key for h in hints}) == 4  # duplicates collapse on the id
    actions = sorted(json.loads(body)["action"] for _, body in received)
    assert actions == ["CREATE"] * 2 + ["UPDATE"] * 6
    assert connector.get_order(order_id).platform_status == "SHIPPING"  # fetch, then act


def test_no_webhook_is_queued_without_a_url(emulator, world):
    order_id = emulator.create_order(world.shopee, world.main, [("KAOS-M", 1, "50000")])
    emulator.advance_order(order_id, "PAID")
    assert emulator.flush_webhooks() == 0
