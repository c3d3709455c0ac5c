"""A database change moves the whole link to the new database (issue 12 item 4).

After re-integrating to another Accurate database the link kept the old database's item and
customer memory and its warehouse binding: the new database got no items and orders failed
("Pelanggan … tidak tepat"); and ``link reconnect`` reported success on a link that had no
credentials at all.
"""

from __future__ import annotations

import pytest

from jembatan_demo.world import ACCOUNTS, WAREHOUSE

from .conftest import S, Scene


def new_database(scene: Scene, *, warehouse: bool = True) -> int:
    database = scene.accurate.add_database("PT Database Baru")
    if warehouse:
        scene.accurate.add_warehouse(database, WAREHOUSE)
    for number, name, kind in ACCOUNTS:
        scene.accurate.add_account(database, number, name, kind)
    return database


def reconnect(scene: Scene, database: int, monkeypatch: pytest.MonkeyPatch, *,
              ok: bool = True) -> str:
    monkeypatch.setenv("NEW_ACCURATE_TOKEN", scene.accurate.api_token_for(database))
    monkeypatch.setenv("NEW_ACCURATE_SECRET", scene.accurate.credentials()["signature_secret"])
    return scene.jembatan("link", "reconnect", scene.link, "--accounting-setting",
                          f"database_id={database}", "--accounting-credential",
                          "api_token=env:NEW_ACCURATE_TOKEN", "--accounting-credential",
                          "signature_secret=env:NEW_ACCURATE_SECRET", ok=ok).output


@pytest.mark.parametrize("scene", ["ginee"], indirect=True)
def test_after_a_database_change_items_and_orders_go_to_the_new_database(
        scene: Scene, monkeypatch: pytest.MonkeyPatch) -> None:
    scene.go_live()
    first = scene.order(state=S.PAID)
    scene.sync()
    assert len(scene.order_documents("sales_order", first)) == 1
    old_database = scene.store.database_id
    scene.jembatan("link", "disconnect", scene.link, "--yes")
    database = new_database(scene)
    said = reconnect(scene, database, monkeypatch)
    assert "reconnected" in said
    scene.store.database_id = database  # the scene's helpers now read the new database
    scene.jembatan("products", "sync", "--link", scene.link)
    scene.jembatan("worker", "--burst")
    assert len(scene.documents("item")) > 0  # the new database got the items
    second = scene.order(state=S.PAID, offset=1)
    scene.sync()
    assert len(scene.order_documents("sales_order", second)) == 1
    failed = scene.jembatan("records", "--failed", "--link", scene.link).output
    assert "tidak tepat" not in failed
    assert len(scene.accurate.documents(old_database, "sales_order")) == 1  # left as it was


@pytest.mark.parametrize("scene", ["forstok"], indirect=True)
def test_a_binding_the_new_database_lacks_is_dropped_with_the_fix(
        scene: Scene, monkeypatch: pytest.MonkeyPatch) -> None:
    scene.go_live(products=False)
    scene.jembatan("link", "disconnect", scene.link, "--yes")
    said = reconnect(scene, new_database(scene, warehouse=False), monkeypatch)
    assert WAREHOUSE in said and "jembatan warehouses bind" in said
    assert "↔" not in scene.jembatan("link", "show", scene.link).output


@pytest.mark.parametrize("scene", ["ginee"], indirect=True)
def test_reconnect_without_working_credentials_is_refused(scene: Scene) -> None:
    scene.go_live(products=False)
    scene.jembatan("link", "disconnect", scene.link, "--yes")
    line = scene.jembatan.fails("link", "reconnect", scene.link)  # no credentials at all
    assert "not reconnected" in line
    assert "disconnected" in scene.jembatan("link", "list").output
