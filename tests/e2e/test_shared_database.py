"""Two links on the same store account and the same Accurate database (issue 12 item 6).

They used to be accepted silently, and the second link "succeeded" its orders by adopting
the other link's documents. Now the second is refused unless ``--allow-shared-database``,
and then each link's documents carry numbers of their own.
"""

from __future__ import annotations

import pytest

from jembatan_demo.world import WAREHOUSE, link_settings

from .conftest import S, Scene


def create_twin(scene: Scene, twin: str, *extra: str, ok: bool = True) -> str:
    settings = link_settings(scene.world, scene.store)
    args = ["link", "create", twin, "--store", scene.store.platform, *extra]
    for option, key in (("--store-setting", "commerce_settings"),
                        ("--store-credential", "commerce_credentials"),
                        ("--accounting-setting", "accounting_settings"),
                        ("--accounting-credential", "accounting_credentials")):
        args += [part for name, value in settings[key].items()
                 for part in (option, f"{name}={value}")]
    if ok:
        return scene.jembatan(*args).output
    return scene.jembatan.fails(*args)


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
