"""Webhooks: emulator-signed deliveries accepted, forged/stale/malformed ones refused."""

import json
import threading

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from framework.emulation import start_in_thread
from framework.errors import PermanentError
from plugins.ginee.signing import webhook_signature


def _delivery(emulator, world, clock, status="READY_TO_SHIP"):
    order_id = emulator.create_order(world.shopee, world.main, [("KAOS-M", 1, "50000")])
    clock.advance(minutes=3)
    emulator.advance_order(order_id, status)
    payload = next(o for o in emulator.orders() if o["orderId"] == order_id)
    body = emulator.webhook_body(payload)
    return order_id, body, {"X-Ginee-Signature": webhook_signature(emulator.secret_key, body)}


def test_a_valid_webhook_gives_a_hint_with_a_body_derived_dedupe_key(emulator, connector, world,
                                                                     clock):
    order_id, body, headers = _delivery(emulator, world, clock)
    hint = connector.verify_webhook(headers, body)
    assert (hint.external_id, hint.platform_status) == (order_id, "READY_TO_SHIP")
    assert order_id in hint.dedupe_key and "READY_TO_SHIP" in hint.dedupe_key
    assert connector.verify_webhook({"x-ginee-signature": headers["X-Ginee-Signature"]},
                                    body).dedupe_key == hint.dedupe_key  # any header case


def test_the_same_order_in_another_status_is_another_event(emulator, connector, world, clock):
    order_id, body, headers = _delivery(emulator, world, clock, "PAID")
    clock.advance(minutes=1)
    emulator.advance_order(order_id, "CANCELLED")
    payload = next(o for o in emulator.orders() if o["orderId"] == order_id)
    body2 = emulator.webhook_body(payload)
    hint2 = connector.verify_webhook(
        {"X-Ginee-Signature": webhook_signature(emulator.secret_key, body2)}, body2)
    assert hint2.dedupe_key != connector.verify_webhook(headers, body).dedupe_key


@pytest.mark.parametrize("forge", ["tamper_body", "wrong_key", "no_header", "garbage"])
def test_forged_webhooks_are_refused(emulator, connector, world, clock, forge):
    _, body, headers = _delivery(emulator, world, clock)
    if forge == "tamper_body":
        body = body.replace(b"READY_TO_SHIP", b"CANCELLED")
    elif forge == "wrong_key":
        headers = {"X-Ginee-Signature": webhook_signature("someone-else", body)}
    elif forge == "no_header":
        headers = {}
    else:
        headers = {"X-Ginee-Signature": "not base64 at all"}
    with pytest.raises(PermanentError, match="X-Ginee-Signature"):
        connector.verify_webhook(headers, body)


def test_stale_webhooks_are_refused_by_the_connectors_clock(emulator, connector, world, clock):
    _, body, headers = _delivery(emulator, world, clock)
    clock.advance(hours=23, minutes=50)
    connector.verify_webhook(headers, body)  # still fresh
    clock.advance(minutes=11)
    with pytest.raises(PermanentError, match="stale"):
        connector.verify_webhook(headers, body)


def test_webhooks_from_the_future_are_refused(emulator, connector, world, clock):
    _, body, headers = _delivery(emulator, world, clock)
    clock.advance(hours=-1)
    with pytest.raises(PermanentError, match="future"):
        connector.verify_webhook(headers, body)


@pytest.mark.parametrize(("body", "reason"), [
    (b"{not json", "not JSON"),
    (b"[1, 2]", "not a JSON object"),
    (json.dumps({"type": "ORDER_STATUS_UPDATE", "orderStatus": "PAID",
                 "updateAt": "2026-11-20T08:00:00Z"}).encode(), "orderId"),
    (json.dumps({"type": "PRODUCT_UPDATE", "orderId": "SO1", "orderStatus": "PAID",
                 "updateAt": "2026-11-20T08:00:00Z"}).encode(), "unexpected type"),
    (json.dumps({"type": "ORDER_STATUS_UPDATE", "orderId": "SO1", "orderStatus": "PAID",
                 "updateAt": "2026-11-20 08:00:00"}).encode(), "updateAt"),
])
def test_malformed_but_signed_bodies_are_refused(emulator, connector, body, reason):
    headers = {"X-Ginee-Signature": webhook_signature(emulator.secret_key, body)}
    with pytest.raises(PermanentError, match=reason):
        connector.verify_webhook(headers, body)


def test_the_emulator_delivers_signed_webhooks_the_connector_accepts(emulator, connector, world,
                                                                     clock):
    hints, refused, lock = [], [], threading.Lock()

    async def receive(request: Request) -> JSONResponse:
        body = await request.body()
        try:
            hint = connector.verify_webhook(dict(request.headers), body)
        except PermanentError as exc:
            with lock:
                refused.append(str(exc))
            return JSONResponse({"error": str(exc)}, status_code=400)
        with lock:
            hints.append(hint)
        return JSONResponse({"ok": True})

    receiver = start_in_thread(Starlette(routes=[Route("/hook", receive, methods=["POST"])]))
    try:
        emulator.set_webhook(receiver.base_url + "/hook", duplicate_rate=1.0, shuffle=True)
        order_id = emulator.create_order(world.tokopedia, world.main, [("KAOS-L", 1, "52000")],
                                         status="PENDING_PAYMENT")
        for status in ("PAID", "READY_TO_SHIP", "SHIPPING"):
            clock.advance(minutes=1)
            emulator.advance_order(order_id, status)
        assert emulator.flush_webhooks() == 6  # every delivery sent twice
    finally:
        receiver.stop()
    assert refused == []
    assert sorted(h.platform_status for h in hints) == sorted(
        ["PAID", "PAID", "READY_TO_SHIP", "READY_TO_SHIP", "SHIPPING", "SHIPPING"])
    assert len({h.dedupe_key for h in hints}) == 3  # duplicates collapse on the key
    assert connector.get_order(order_id).platform_status == "SHIPPING"


def test_no_webhook_is_queued_without_a_url(emulator, world):
    order_id = emulator.create_order(world.shopee, world.main, [("KAOS-M", 1, "50000")])
    emulator.advance_order(order_id, "PAID")
    assert emulator.flush_webhooks() == 0

