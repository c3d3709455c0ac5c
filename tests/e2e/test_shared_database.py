"""Two links on the same store account and the same Accurate database (issue 12 item 6).

They used to be accepted silently, and the second link "succeeded" its orders by adopting
the other link's documents. Now the second is refused unless ``--allow-shared-database``,
and then each link's documents carry numbers of their own.
"""

from __future__ import annotations

import pytest

from jembatan_demo.world import WAREHOUSE

from .conftest import S, Scene


def create_twin(scene: Scene, twin: str, *extra: str, ok: bool = True) -> str:
    args = scene.create_link_args(twin, *extra)
    return scene.jembatan(*args).output if ok else scene.jembatan.fails(*args)


def test_a_second_link_on_the_same_store_and_database_is_refused(scene: Scene) -> None:
    scene.create_link()
    line = create_twin(scene, "kembar", ok=False)
    assert scene.link in line and "--allow-shared-database" in line
    assert "kembar" not in scene.jembatan("link", "list").output


@pytest.mark.parametrize("scene", ["ginee"], indirect=True)
def test_allowed_twins_post_documents_of_their_own(scene: Scene) -> None:
    scene.go_live(products=True)
    create_twin(scene, "kembar", "--allow-shared-database")
    scene.jembatan("warehouses", "bind", "--link", "kembar", str(scene.store.warehouse_id),
                   WAREHOUSE)
    for role, number in (("customer", "C.MARKETPLACE"), ("bank", "1101"),
                         ("shipping_fee", "4102"), ("discount", "4103")):
        scene.jembatan("accounts", "map", "--link", "kembar", role, number)
    order = scene.order(state=S.PAID)
    scene.jembatan("orders", "sync")
    scene.jembatan("worker", "--burst")
    numbers = sorted(d["number"] for d in scene.order_documents("sales_order", order))
    assert len(numbers) == 2 and len(set(numbers)) == 2, numbers
