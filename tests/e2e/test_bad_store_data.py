"""Bad data from the store ends as a record with its reason; everything else still flows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from .conftest import S, Scene


def _ginee_bad_data(scene: Scene, order_ids: list[Any]) -> dict[Any, str]:
    emulator = scene.store.emulator
    sku = scene.store.skus[0]
    emulator.tamper_order(order_ids[0], fields={"orderStatus": "TELEPORTED"})
    emulator.tamper_order(order_ids[1], fields={"items": [
        {"masterSku": sku, "productName": "x", "quantity": -2, "actualPrice": "1000",
         "originalPrice": "1000", "discount": "0"}]})
    emulator.tamper_order(order_ids[2], drop=("createAt",))
    return {order_ids[0]: "TELEPORTED", order_ids[1]: "quantity", order_ids[2]: "createAt"}


def _forstok_bad_data(scene: Scene, order_ids: list[Any]) -> dict[Any, str]:
    emulator = scene.store.emulator
    emulator.corrupt_order(order_ids[0], status="teleported")
    emulator.corrupt_order(order_ids[1], item_lines=[
        {"sku": scene.store.skus[0], "name": "x", "sale_price": "-1000.00"}])
    emulator.corrupt_order(order_ids[2], ordered_at=None)
    return {order_ids[0]: "teleported", order_ids[1]: "sale_price", order_ids[2]: "ordered_at"}


BAD_DATA: dict[str, Callable[[Scene, list[Any]], dict[Any, str]]] = {
    "ginee": _ginee_bad_data, "forstok": _forstok_bad_data}


def test_bad_orders_end_as_records_with_the_reason_and_the_rest_flows(scene: Scene) -> None:
    scene.go_live()
    order_ids = [scene.order(state=S.PAID, offset=n) for n in range(5)]
    reasons = BAD_DATA[scene.store.platform](scene, order_ids)
    polled = scene.sync()
    assert "3 rejected" in polled
    failed = scene.jembatan("records", "orders", "--failed", "--link", scene.link).output
    # each record's reason is printed whole under the table, after the record's ID
    reasons_shown = failed.split("\nWhy:\n", 1)[1].splitlines()
    for order_id, word in reasons.items():
        assert not scene.order_documents("sales_order", order_id)
        assert any(word in line for line in reasons_shown), (word, failed)
    for order_id in order_ids[3:]:  # the good orders of the same poll
        assert len(scene.order_documents("sales_order", order_id)) == 1


@pytest.mark.parametrize("scene", ["forstok"], indirect=True)
def test_malformed_json_from_the_store_is_a_record_not_a_crash(scene: Scene) -> None:
    scene.go_live()
    scene.store.emulator.add_raw_order('{"id": 99999, "status": "open", "item_lines": [')
    good = scene.order(state=S.PAID)
    polled = scene.sync()
    assert "1 rejected" in polled
    assert len(scene.order_documents("sales_order", good)) == 1
    failed = scene.jembatan("records", "orders", "--failed", "--link", scene.link).output
    assert "malformed JSON" in failed
