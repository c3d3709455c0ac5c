"""Forstok on the documented shapes, end to end (issue 11 item 3): the orders the emulator
serves as the reference states them (one item line a unit, Not Shipped, cashless shipping,
amounts as numbers or as Rails' numeric strings) become exactly the right Accurate documents.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from .conftest import S, Scene

pytestmark = pytest.mark.parametrize("scene", ["forstok"], indirect=True)


def _invoice(scene: Scene, order_id: object) -> dict:
    [invoice] = scene.order_documents("sales_invoice", order_id)
    return invoice


def test_open_not_shipped_ready_to_ship_books_one_order_then_one_invoice(scene: Scene) -> None:
    scene.go_live()
    sku = scene.store.skus[0]
    order_id = scene.order(state=S.PAID, quantity=3)  # three item lines of one SKU
    assert [unit["sku"] for unit in scene.store.emulator.orders()[-1]["item_lines"]] == [sku] * 3
    scene.sync()
    scene.store.emulator.advance_order(order_id, "not_shipped")
    scene.sync()
    assert len(scene.order_documents("sales_order", order_id)) == 1
    assert not scene.order_documents("sales_invoice", order_id)
    scene.move(order_id, S.READY_TO_SHIP)
    scene.sync()
    [line] = _invoice(scene, order_id)["detailItem"]
    assert Decimal(str(line["quantity"])) == 3
    assert len(scene.order_documents("sales_order", order_id)) == 1


def test_cashless_shipping_is_not_invoiced_and_strings_read_as_numbers(scene: Scene) -> None:
    scene.go_live()
    emulator, store = scene.store.emulator, scene.store
    sku = store.skus[0]
    emulator.amounts_as_strings()  # Rails' numeric strings, all the way through
    paid = emulator.create_order(store.shops[0], store.warehouse_id, [(sku, 1, store.prices[sku])],
                                 status="ready_to_ship", shipping_fee="9000")
    free = emulator.create_order(store.shops[0], store.warehouse_id, [(sku, 1, store.prices[sku])],
                                 status="ready_to_ship", shipping_fee="9000", cashless=True)
    assert isinstance(emulator.orders()[-1]["total_price"], str)
    scene.sync()
    shipping = [e for e in _invoice(scene, paid).get("detailExpense") or []
                if Decimal(str(e["expenseAmount"])) == 9000]
    assert len(shipping) == 1
    assert not [e for e in _invoice(scene, free).get("detailExpense") or []
                if Decimal(str(e["expenseAmount"])) == 9000]
