"""Webhook receipt: authenticated first, deduplicated only once ingested, bounded, pruned.

Issue 12 item 7 and issue 11's per-link secret URL: ``POST /webhooks/<link>/<token>``. A
wrong token is refused before anything is stored; an unauthenticated copy of a delivery can
no longer suppress the real one; a delivery jembatan could not finish answers 5xx so the
platform's retry is processed (not dropped as a duplicate); bodies over 1 MB are refused
before they are read; deliveries are kept 14 days and pruned by the worker's schedule.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import func, select, update

from framework.domain import Order, OrderLine, OrderState
from framework.emulation import start_in_thread
from framework.runtime.schedule import worker_tasks
from framework.setup.links import get_link
from framework.storage.models import OrderTransition, WebhookDelivery
from framework.sync.webhook_receipt import (
    BODY_LIMIT,
    link_webhook_token,
    prune_deliveries,
    webhook_path,
)
from framework.testing.plugins import create_mem_link, shop
from framework.web import create_web_app

NOW = datetime.now(UTC).replace(microsecond=0)
TOKEN = "mem-token-shop-s3cr3t"  # memstore's own header check (what a platform signs with)


@pytest.fixture
def client(app):
    create_mem_link(app, "shop", token=TOKEN)
    with app.session() as session:
        get_link(session, "shop").integrated_at = NOW - timedelta(days=1)
    server = start_in_thread(create_web_app(app))
    try:
        with httpx.Client(base_url=server.base_url, timeout=30) as http:
            yield http
    finally:
        server.stop()


def add_order(external_id: str, state: OrderState = OrderState.PAID) -> None:
    shop("shop").orders[external_id] = Order(
        external_id=external_id, order_number=f"INV/{external_id}", channel="SHOPEE",
        state=state, platform_status=state.value.upper(),
        lines=(OrderLine(sku="SKU-1", name="Kaos", quantity=1, unit_price=Decimal(1000)),),
        total=Decimal(1000), created_at=NOW - timedelta(minutes=5),
        updated_at=NOW - timedelta(minutes=5))


def body(external_id: str, event: str = "1") -> bytes:
    return json.dumps({"external_id": external_id, "status": "PAID", "id": event}).encode()


def post(client, app, data: bytes, *, token: str | None = None, header: str = TOKEN):
    path = webhook_path(app, "shop")
    if token is not None:
        path = path.rsplit("/", 1)[0] + "/" + token
    return client.post(path, content=data, headers={"x-memstore-token": header})


def deliveries(app) -> int:
    with app.session() as session:
        return session.scalar(select(func.count()).select_from(WebhookDelivery))


def transitions(app) -> int:
    with app.session() as session:
        return session.scalar(select(func.count()).select_from(OrderTransition))


def test_the_right_token_is_ingested_and_a_wrong_one_refused_unstored(client, app):
    add_order("A1")
    refused = post(client, app, body("A1"), token="not-the-token")
    assert refused.status_code == 403 and deliveries(app) == 0
    assert client.post("/webhooks/shop", content=body("A1")).status_code == 404  # no token
    assert deliveries(app) == 0
    accepted = post(client, app, body("A1"))
    assert accepted.status_code == 200 and accepted.json()["outcome"] == "moved"
    assert deliveries(app) == 1 and transitions(app) > 0


def test_an_unauthenticated_copy_does_not_suppress_the_real_delivery(client, app):
    add_order("A2")
    forged = post(client, app, body("A2"), header="forged")  # right URL, bad signature
    assert forged.status_code == 401 and deliveries(app) == 0
    real = post(client, app, body("A2"))
    assert real.json()["outcome"] == "moved"


def test_a_delivery_that_could_not_finish_is_retried_not_dropped(client, app):
    early = post(client, app, body("A3"))  # the store has not got the order yet
    assert early.status_code == 503
    add_order("A3")
    retry = post(client, app, body("A3"))
    assert retry.status_code == 200 and retry.json()["outcome"] == "moved"
    again = post(client, app, body("A3"))  # now it was ingested: a known duplicate
    assert again.status_code == 200 and again.json()["outcome"] == "duplicate"
    assert deliveries(app) == 1


def test_bodies_over_the_limit_are_refused_before_being_stored(client, app):
    add_order("A4")
    big = post(client, app, b" " * (BODY_LIMIT + 1))
    assert big.status_code == 413 and deliveries(app) == 0

    def chunks():  # no Content-Length: the limit holds while reading
        for _ in range(BODY_LIMIT // 65536 + 2):
            yield b" " * 65536

    path = webhook_path(app, "shop")
    streamed = client.post(path, content=chunks(), headers={"x-memstore-token": TOKEN})
    assert streamed.status_code == 413 and deliveries(app) == 0


def test_a_body_that_is_not_utf8_is_a_clean_bad_request(client, app):
    answer = post(client, app, b'{"external_id": "\xff\xfe", "id": "1"}')
    assert answer.status_code == 400 and "UTF-8" in answer.json()["error"]
    assert deliveries(app) == 0


def test_deliveries_are_kept_fourteen_days_then_pruned(client, app):
    add_order("A5")
    add_order("A6")
    post(client, app, body("A5", "old"))
    post(client, app, body("A6", "new"))
    with app.session() as session:
        session.execute(update(WebhookDelivery).where(WebhookDelivery.dedupe_key.contains("old"))
                        .values(received_at=NOW - timedelta(days=15)))
    assert prune_deliveries(app, timedelta(days=20)) == 0
    [(_, prune)] = worker_tasks(poll_seconds=0, stock_seconds=0)  # the worker's schedule
    prune(app)
    with app.session() as session:
        kept = list(session.scalars(select(WebhookDelivery.dedupe_key)))
    assert kept == ["new"]


def test_rotating_the_token_refuses_the_old_url(client, app):
    add_order("A7")
    old = webhook_path(app, "shop")
    new_token = link_webhook_token(app, "shop", rotate=True)
    assert not old.endswith(new_token)
    assert client.post(old, content=body("A7"),
                       headers={"x-memstore-token": TOKEN}).status_code == 403
    assert post(client, app, body("A7")).status_code == 200
